/* What a parsed answer costs the interpreter alone: the answer is parsed
 * once into a value tree, then each build() makes the same Lua tables
 * through the binding's sink, with the same calls the parser makes, without
 * reading any JSON. No parser can make a list cheaper than this on a given
 * interpreter: bench.lua's list_<N>_tables figures.
 *
 * The request side's floor the same way: walk() reads a parameter table as
 * any C code reading it through the Lua API must, and hash() is the body's
 * SHA-256 the signature needs (botocore computes it too). bench.lua's
 * floor:<Operation> figures.
 *
 *   local tables = require "bench_tables"
 *   local answer = tables.load("ListCampaigns", body)
 *   local result = tables.build(answer)
 *   local bytes = tables.walk(params)
 *   local digest = tables.hash(body)
 *   local count = tables.lua_allocations(fn, n)   -- the Lua heap's, over n calls */
#include "compat.h"
#include "lbind.h"
#include "model.h"
#include "shape.h"
#include "sigv4.h"
#include "sink.h"
#include "value.h"

typedef struct {
    cc_arena_t a;
    cc_value_t tree;
} answer_t;

/* Emits v as the parser emits it: a table with room for what it holds,
 * then each value followed by its field or index. A map's key would go
 * through field too (the tree does not tell them apart): the answers
 * measured have no maps, and bench.lua checks the result equals the
 * parser's. Not cc_lua_push_value, which sets keys by lua_rawset where the
 * parser's sink uses lua_setfield. */
static void replay(const cc_sink_t *k, const cc_value_t *v)
{
    size_t i, narr = 0;
    switch (v->kind) {
    case CC_V_STR: k->string(k->ctx, v->u.str.s, v->u.str.len); return;
    case CC_V_INT: k->integer(k->ctx, v->u.i); return;
    case CC_V_NUM: k->number(k->ctx, v->u.n); return;
    case CC_V_BOOL: k->boolean(k->ctx, v->u.b); return;
    case CC_V_TABLE: break;
    default: return; /* a parsed answer holds nothing else */
    }
    for (i = 0; i < v->u.tab.n; i++)
        narr += v->u.tab.items[i].key.kind == CC_V_INT;
    k->table(k->ctx, narr, v->u.tab.n - narr);
    for (i = 0; i < v->u.tab.n; i++) {
        const cc_entry_t *e = &v->u.tab.items[i];
        replay(k, &e->val);
        if (e->key.kind == CC_V_INT)
            k->index(k->ctx, (size_t)e->key.u.i);
        else
            k->field(k->ctx, e->key.u.str.s); /* the model's name, as the parser passes it */
    }
}

static int l_load(lua_State *L)
{
    size_t n;
    const char *op_name = luaL_checkstring(L, 1), *body = luaL_checklstring(L, 2, &n);
    cc_err_t err;
    const cc_model_t *m = cc_model_get(&err);
    const cc_operation_t *op = m ? cc_model_find_op(m, op_name) : NULL;
    answer_t *answer;
    cc_tree_sink_t tree;
    cc_sink_t sink;
    int rc;
    if (op == NULL || op->output == NULL)
        return luaL_error(L, "no operation %s with an output", op_name);
    answer = lua_newuserdata(L, sizeof *answer);
    cc_arena_init(&answer->a);
    luaL_getmetatable(L, "bench_tables.answer");
    lua_setmetatable(L, -2);
    cc_tree_sink_init(&tree, &answer->a, &sink);
    rc = cc_shape_decode(op->output, body, n, &answer->a, &sink, &err);
    if (rc == CC_OK)
        rc = cc_tree_sink_pop(&tree, &answer->tree) ? CC_OK : CC_E_PARSE;
    cc_tree_sink_free(&tree);
    if (rc != CC_OK)
        return luaL_error(L, "%s cannot be parsed: %s", op_name, err.msg);
    return 1;
}

static int l_build(lua_State *L)
{
    answer_t *answer = luaL_checkudata(L, 1, "bench_tables.answer");
    cc_sink_t sink;
    cc_lua_sink(L, &sink);
    replay(&sink, &answer->tree);
    return 1;
}

/* Every entry of the table at idx and of the tables in it, through
 * lua_next (which finds the previous key again by hashing it), with the
 * type of its key and value and the bytes of each string: what reading the
 * parameters costs before anything is checked, kept or written. The
 * binding's reading (cc_lua_to_value) does this and keeps each value. */
static size_t walk(lua_State *L, int idx, int depth)
{
    size_t bytes = 0, len;
    if (depth > 64 || !lua_checkstack(L, 3))
        luaL_error(L, "tables nested too deeply");
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int value_type = lua_type(L, -1);
        if (lua_type(L, -2) == LUA_TSTRING) {
            lua_tolstring(L, -2, &len);
            bytes += len;
        }
        if (value_type == LUA_TTABLE) {
            bytes += walk(L, lua_gettop(L), depth + 1);
        } else if (value_type == LUA_TSTRING) {
            lua_tolstring(L, -1, &len);
            bytes += len;
        }
        lua_pop(L, 1);
    }
    return bytes;
}

static int l_walk(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushinteger(L, (lua_Integer)walk(L, 1, 0));
    return 1;
}

/* The body's SHA-256 as the signer takes it: through a signer's own
 * state (cc_signer_sha256), made once. */
static int l_hash(lua_State *L)
{
    static cc_signer_t *signer;
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    unsigned char digest[32];
    cc_err_t err;
    if (signer == NULL && (signer = cc_signer_new(&err)) == NULL)
        return luaL_error(L, "no signer: %s", err.msg);
    if (!cc_signer_sha256(signer, s, n, digest))
        return luaL_error(L, "SHA-256 failed");
    lua_pushlstring(L, (const char *)digest, sizeof digest);
    return 1;
}

/* The interpreter's allocations (a new block, or one grown) made while fn
 * runs n times, counted by an allocator wrapped around the state's own:
 * what a call costs the Lua heap, which the core's counter does not see.
 * Only for the counting: the wrapper's call would weigh on a timed figure. */
typedef struct {
    lua_Alloc f;
    void *ud;
    unsigned long long n;
} counted_t;

static void *counting_alloc(void *ud, void *p, size_t osize, size_t nsize)
{
    counted_t *c = ud;
    /* a new block's osize is the kind of object, not a size */
    if (nsize > 0 && (p == NULL || nsize > osize))
        c->n++;
    return c->f(c->ud, p, osize, nsize);
}

static int call_n(lua_State *L)
{
    lua_Integer i, n = lua_tointeger(L, 2);
    for (i = 0; i < n; i++) {
        lua_pushvalue(L, 1);
        lua_call(L, 0, 0);
    }
    return 0;
}

static int l_lua_allocations(lua_State *L)
{
    counted_t c;
    int rc;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    luaL_checkinteger(L, 2);
    lua_pushcfunction(L, call_n); /* made before the wrapper goes in: not counted */
    lua_insert(L, 1);
    c.n = 0;
    c.f = lua_getallocf(L, &c.ud);
    lua_setallocf(L, counting_alloc, &c);
    rc = lua_pcall(L, 2, 0, 0);
    lua_setallocf(L, c.f, c.ud); /* back before c goes out of scope, error or not */
    if (rc != 0)
        return lua_error(L);
    lua_pushnumber(L, (lua_Number)c.n);
    return 1;
}

static int l_gc(lua_State *L)
{
    cc_arena_free(&((answer_t *)luaL_checkudata(L, 1, "bench_tables.answer"))->a);
    return 0;
}

CC_API int luaopen_bench_tables(lua_State *L);
CC_API int luaopen_bench_tables(lua_State *L)
{
    luaL_newmetatable(L, "bench_tables.answer");
    lua_pushcfunction(L, l_gc);
    lua_setfield(L, -2, "__gc");
    lua_newtable(L);
    lua_pushcfunction(L, l_load);
    lua_setfield(L, -2, "load");
    lua_pushcfunction(L, l_build);
    lua_setfield(L, -2, "build");
    lua_pushcfunction(L, l_walk);
    lua_setfield(L, -2, "walk");
    lua_pushcfunction(L, l_hash);
    lua_setfield(L, -2, "hash");
    lua_pushcfunction(L, l_lua_allocations);
    lua_setfield(L, -2, "lua_allocations");
    return 1;
}
