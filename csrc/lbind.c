/* What the binding files share: scratch boxes, Lua values to value trees
 * and back, the Lua sink, failures. */
#include "lbind.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "json.h"

#define BOX_META "connectcampaigns.Scratch"

#ifdef CC_NEED_SETFUNCS
void luaL_setfuncs(lua_State *L, const luaL_Reg *l, int nup)
{
    luaL_checkstack(L, nup + 1, "too many upvalues");
    for (; l->name != NULL; l++) {
        int i;
        for (i = 0; i < nup; i++)
            lua_pushvalue(L, -nup);
        lua_pushcclosure(L, l->func, nup);
        lua_setfield(L, -(nup + 2), l->name);
    }
    lua_pop(L, nup);
}
#endif

/* {====== Scratch boxes ====== */
#define SHARED_BOX_KEEP 65536 /* what the state's box keeps of one call's buffers */

static const char shared_box_key = 'b'; /* its address keys the registry */

static void box_free(cc_box_t *b)
{
    cc_arena_free(&b->arena);
    cc_request_parts_free(&b->parts);
}

void cc_lua_box_release(cc_box_t *b)
{
    if (!b->shared) {
        box_free(b);
        return;
    }
    cc_arena_reset(&b->arena, SHARED_BOX_KEEP);
    cc_request_parts_reset(&b->parts, SHARED_BOX_KEEP);
    b->taken = 0;
}

/* The box at 1, its metatable compared with upvalue 1 (the box metatable)
 * rather than looked up by name: __close runs at the end of every call. */
static cc_box_t *check_box(lua_State *L)
{
    int ok = lua_getmetatable(L, 1) && lua_rawequal(L, -1, lua_upvalueindex(1));
    if (!ok)
        luaL_argerror(L, 1, "not a connectcampaigns scratch box");
    lua_pop(L, 1);
    return lua_touserdata(L, 1);
}

static int box_close(lua_State *L)
{
    cc_lua_box_release(check_box(L));
    return 0;
}

static int box_gc(lua_State *L)
{
    box_free(check_box(L));
    return 0;
}

static cc_box_t *push_box(lua_State *L, int shared)
{
    cc_box_t *b = lua_newuserdatauv(L, sizeof *b, 0);
    cc_arena_init(&b->arena);
    cc_request_parts_init(&b->parts);
    b->shared = shared;
    b->taken = 0;
    luaL_getmetatable(L, BOX_META);
    lua_setmetatable(L, -2);
    return b;
}

/* Stacks that grow down, and a compiler that tells a frame's address (the
 * frame itself, not a local: ASan may move locals to a heap "fake stack"). */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(__arm__) || \
                          defined(__riscv) || defined(__powerpc__) || defined(__s390__) || defined(__mips__))
#define FRAMES_COMPARE 1
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

NOINLINE cc_box_t *cc_lua_newbox(lua_State *L)
{
    cc_box_t *b;
#ifdef FRAMES_COMPARE
    const void *here = __builtin_frame_address(0);
#endif
    lua_pushlightuserdata(L, (void *)&shared_box_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    b = lua_touserdata(L, -1);
    if (b == NULL) { /* the state's first call */
        lua_pop(L, 1);
        b = push_box(L, 1);
        lua_pushlightuserdata(L, (void *)&shared_box_key);
        lua_pushvalue(L, -2);
        lua_rawset(L, LUA_REGISTRYINDEX);
    }
#ifdef FRAMES_COMPARE
    /* taken on this thread by a frame at or below this one: that call is
     * gone, unwound by an error (comparing the addresses as integers) */
    if (b->taken && b->owner == L && (uintptr_t)here >= (uintptr_t)b->owner_frame)
        cc_lua_box_release(b);
#endif
    if (b->taken) {
        lua_pop(L, 1);
        b = push_box(L, 0);
    }
    b->taken = 1;
#ifdef FRAMES_COMPARE
    b->owner = L;
    b->owner_frame = here;
#elif LUA_VERSION_NUM >= 504
    lua_toclose(L, -1); /* released as the function returns or raises, not at the next collection */
#endif
    return b;
}
/* }====== */

/* {====== Lua <-> value trees ====== */
/* A table is walked only where the shape says a table belongs: an unknown
 * member, or a table given for a string, is kept as its type name and never
 * entered (validation refuses it by name). What is walked is bounded: a
 * table met again on its own path (a cycle), nesting past the model's
 * deepest shape plus a margin, or more than MAX_NODES values become
 * CC_V_REFUSED, which validation reports with the path. Nothing raises. */
#define PLAIN_MAX_DEPTH 64 /* json_encode, which has no shape */
#define DEPTH_MARGIN 8
#define MAX_NODES (1u << 20)
#define LENGTH_GUESS_MAX 4096

typedef struct {
    lua_State *L;
    cc_arena_t *a;
    const void *path[CC_MODEL_DEEP + DEPTH_MARGIN + 1]; /* the tables being read, outermost first */
    int depth, max_depth;
    size_t nodes;
    int oom;
} conv_t;

static void refuse(cc_value_t *out, const char *why)
{
    out->kind = CC_V_REFUSED;
    out->u.other = why;
}

static void to_value(conv_t *c, int idx, const cc_shape_t *s, int shaped, cc_value_t *out);

/* The value at idx, of Lua type type, as a scalar (a table is named). */
static void typed_scalar(lua_State *L, int idx, int type, cc_value_t *out)
{
    switch (type) {
    case LUA_TNIL: out->kind = CC_V_NIL; return;
    case LUA_TBOOLEAN:
        out->kind = CC_V_BOOL;
        out->u.b = lua_toboolean(L, idx);
        return;
    case LUA_TNUMBER:
        if (cc_lua_whole(L, idx)) {
            out->kind = CC_V_INT;
            /* 5.1 and LuaJIT have no integer subtype: the whole float converts exactly */
            out->u.i = cc_lua_isinteger(L, idx) ? (long long)lua_tointeger(L, idx)
                                                : (long long)lua_tonumber(L, idx);
            return;
        }
        out->kind = CC_V_NUM;
        out->u.n = (double)lua_tonumber(L, idx);
        return;
    case LUA_TSTRING: {
        size_t len;
        const char *str = lua_tolstring(L, idx, &len);
        cc_value_set_str(out, str, len);
        return;
    }
    default:
        out->kind = CC_V_OTHER;
        out->u.other = lua_typename(L, type);
        return;
    }
}

int cc_lua_whole(lua_State *L, int idx)
{
#if LUA_VERSION_NUM >= 503
    return lua_isinteger(L, idx); /* a float, even 3.0, is not: Lua tells them apart */
#else
    lua_Number n = lua_tonumber(L, idx); /* every number is a float here: 3.0 is 3 */
    return n == floor(n) && n >= -9007199254740992.0 && n <= 9007199254740992.0;
#endif
}

static void scalar_to_value(lua_State *L, int idx, cc_value_t *out)
{
    typed_scalar(L, idx, lua_type(L, idx), out);
}

/* Whether the table at idx may be entered: not already on the path (a
 * cycle), not past the depth the model allows, room on the Lua stack. When
 * it may, it is put on the path, for the walk that enters it to count. */
static int may_enter(conv_t *c, int idx, cc_value_t *out)
{
    const void *self = lua_topointer(c->L, idx);
    const char *why = NULL;
    int k;
    for (k = 0; k < c->depth && why == NULL; k++)
        if (c->path[k] == self)
            why = "a table that contains itself (a cycle)";
    if (why == NULL && c->depth >= c->max_depth)
        why = "tables nested deeper than the model allows";
    if (why == NULL && !lua_checkstack(c->L, 4))
        why = "tables nested too deeply for the Lua stack";
    if (why)
        refuse(out, why);
    else
        c->path[c->depth] = self; /* depth < max_depth: within the path */
    return why == NULL;
}

/* Room for n entries, of which counted count against MAX_NODES; 0 when
 * refused. */
static int new_table(conv_t *c, cc_value_t *out, size_t n, size_t counted)
{
    if ((c->nodes += counted) > MAX_NODES) {
        refuse(out, "more values than one request may hold");
        return 0;
    }
    if (!cc_value_new_table(c->a, out, n)) {
        c->oom = 1;
        refuse(out, "out of memory");
        return 0;
    }
    return 1;
}

static size_t count_entries(lua_State *L, int idx)
{
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        n++;
        lua_pop(L, 1);
    }
    return n;
}

/* The entry at the top of the stack (key, value), kept as it is: a key the
 * structure does not have, or its value, is named by type, never entered. */
static void keep_entry(lua_State *L, cc_entry_t *e)
{
    scalar_to_value(L, -2, &e->key);
    scalar_to_value(L, -1, &e->val);
}

/* A structure's table in one walk: each member's value goes in its slot,
 * so validation and writing find it by index, not by name. A key the
 * structure lacks follows the slots; validation refuses it, so the room for
 * such keys is counted only when one turns up (extra: that room). */
static void struct_to_value(conv_t *c, int idx, const cc_shape_t *s, cc_value_t *out, size_t extra)
{
    lua_State *L = c->L;
    size_t nodes = c->nodes, nm = s->nmembers, unknown = 0;
    cc_entry_t *items;
    int value;
    /* the values counted are the keys, not the slots: on a second walk,
     * extra is all of them; on the first, each member counts as it is read */
    if (!new_table(c, out, nm + extra, extra))
        return;
    items = out->u.tab.items;
    c->depth++; /* may_enter put the table on the path */
    value = lua_gettop(L) + 2; /* where lua_next puts each value */
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const cc_member_t *m = NULL;
        if (lua_type(L, -2) == LUA_TSTRING) {
            size_t len;
            const char *k = lua_tolstring(L, -2, &len);
            m = cc_shape_find_member(s, k, len);
        }
        if (m && extra == 0 && ++c->nodes > MAX_NODES) {
            lua_pop(L, 2);
            c->depth--;
            refuse(out, "more values than one request may hold");
            return;
        }
        if (m) {
            cc_entry_t *e = &items[m - s->members];
            /* a document, or a jsonvalue header, is any JSON-like value */
            int plain = m->jsonvalue || m->shape->type == CC_SHAPE_DOCUMENT;
            cc_value_set_str(&e->key, m->name, m->name_len);
            to_value(c, value, plain ? NULL : m->shape, !plain, &e->val);
        } else if (unknown < extra) {
            keep_entry(L, &items[nm + unknown++]);
        } else { /* more unknown keys than room: count them all, read again */
            lua_pop(L, 2);
            c->depth--;
            c->nodes = nodes;
            struct_to_value(c, idx, s, out, count_entries(L, idx));
            return;
        }
        lua_pop(L, 1);
    }
    c->depth--;
    out->u.tab.n = nm + unknown;
    out->u.tab.slots = s;
}

/* A list, map or plain table: its entries in lua_next's order. A list's
 * length is the guess of its number of entries (by_length); anything else is
 * counted first. No code runs between a count and the walk: the same keys. */
static void table_to_value(conv_t *c, int idx, const cc_shape_t *s, int shaped, cc_value_t *out, int by_length)
{
    lua_State *L = c->L;
    size_t nodes = c->nodes, n = by_length ? (size_t)lua_rawlen(L, idx) : 0, i = 0;
    const cc_shape_t *vs = !shaped ? NULL : s->type == CC_SHAPE_LIST ? s->member : s->value;
    int plain = !shaped || vs->type == CC_SHAPE_DOCUMENT, value; /* plain: a list or map of documents */
    if (n == 0 || n > LENGTH_GUESS_MAX) /* a length is a border, not a count: with holes it may be far off */
        n = count_entries(L, idx);
    if (!new_table(c, out, n, n))
        return;
    c->depth++; /* may_enter put the table on the path */
    value = lua_gettop(L) + 2;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        cc_entry_t *e;
        if (i == n) { /* a list with keys past its length: count them, read again */
            lua_pop(L, 2);
            c->depth--;
            c->nodes = nodes;
            table_to_value(c, idx, s, shaped, out, 0);
            return;
        }
        e = &out->u.tab.items[i++];
        scalar_to_value(L, -2, &e->key); /* a table key is named "table", never entered */
        to_value(c, value, plain ? NULL : vs, !plain, &e->val);
        lua_pop(L, 1);
    }
    c->depth--;
    out->u.tab.n = i;
}

static void to_value(conv_t *c, int idx, const cc_shape_t *s, int shaped, cc_value_t *out)
{
    int type = lua_type(c->L, idx);
    if (shaped && s->type == CC_SHAPE_DOCUMENT)
        shaped = 0; /* a payload or top-level document: any JSON-like value */
    if (type != LUA_TTABLE || (shaped && s->type > CC_SHAPE_MAP))
        typed_scalar(c->L, idx, type, out); /* a table where a scalar belongs: "table" */
    else if (!may_enter(c, idx, out))
        return;
    else if (shaped && s->type == CC_SHAPE_STRUCTURE)
        struct_to_value(c, idx, s, out, 0);
    else
        table_to_value(c, idx, s, shaped, out, shaped && s->type == CC_SHAPE_LIST);
}

int cc_lua_to_value(lua_State *L, int idx, const cc_model_t *m, const cc_shape_t *shape, cc_arena_t *a,
                    cc_value_t *out)
{
    conv_t c;
    c.L = L;
    c.a = a;
    c.depth = 0;
    c.nodes = 0;
    c.oom = 0;
    if (shape && m == NULL)
        m = cc_model_get(NULL);
    c.max_depth = shape ? (m ? m->max_depth : CC_MODEL_DEEP) + DEPTH_MARGIN : PLAIN_MAX_DEPTH;
    to_value(&c, lua_absindex(L, idx), shape, shape != NULL, out);
    return c.oom ? CC_E_NOMEM : CC_OK;
}

void cc_lua_push_value(lua_State *L, const cc_value_t *v)
{
    size_t i, narr = 0;
    switch (v->kind) {
    case CC_V_NIL: lua_pushnil(L); return;
    case CC_V_BOOL: lua_pushboolean(L, v->u.b); return;
    case CC_V_INT: lua_pushinteger(L, (lua_Integer)v->u.i); return;
    case CC_V_NUM: lua_pushnumber(L, (lua_Number)v->u.n); return;
    case CC_V_STR: lua_pushlstring(L, v->u.str.s, v->u.str.len); return;
    case CC_V_OTHER:
    case CC_V_REFUSED: lua_pushnil(L); return;
    case CC_V_TABLE: break;
    }
    luaL_checkstack(L, 3, "response nested too deeply");
    for (i = 0; i < v->u.tab.n; i++)
        narr += v->u.tab.items[i].key.kind == CC_V_INT;
    lua_createtable(L, (int)narr, (int)(v->u.tab.n - narr));
    for (i = 0; i < v->u.tab.n; i++) {
        const cc_entry_t *e = &v->u.tab.items[i];
        if (e->val.kind == CC_V_NIL || e->key.kind == CC_V_NIL)
            continue;
        cc_lua_push_value(L, &e->key);
        cc_lua_push_value(L, &e->val);
        lua_rawset(L, -3);
    }
}
/* }====== */

/* {====== A sink that builds Lua values on the stack ====== */
/* Each call may raise a memory error: the parser's memory is in a box. */
static int lsink_table(void *L, size_t narr, size_t nrec)
{
    if (!lua_checkstack(L, 4))
        return CC_E_NOMEM; /* nested too deeply for this stack */
    lua_createtable(L, narr > INT_MAX ? 0 : (int)narr, nrec > INT_MAX ? 0 : (int)nrec);
    return CC_OK;
}

static int lsink_string(void *L, const char *s, size_t n)
{
    lua_pushlstring(L, s, n);
    return CC_OK;
}

static int lsink_integer(void *L, long long i)
{
    lua_pushinteger(L, (lua_Integer)i);
    return CC_OK;
}

static int lsink_number(void *L, double d)
{
    lua_pushnumber(L, (lua_Number)d);
    return CC_OK;
}

static int lsink_boolean(void *L, int b)
{
    lua_pushboolean(L, b);
    return CC_OK;
}

static int lsink_field(void *L, const char *name)
{
    lua_setfield(L, -2, name); /* a fresh table: no metamethods */
    return CC_OK;
}

static int lsink_key(void *L, const char *key, size_t n)
{
    lua_pushlstring(L, key, n);
    lua_insert(L, -2);
    lua_rawset(L, -3);
    return CC_OK;
}

static int lsink_index(void *L, size_t i)
{
    lua_rawseti(L, -2, (lua_Integer)i);
    return CC_OK;
}

static size_t lsink_mark(void *L)
{
    return (size_t)lua_gettop(L);
}

static void lsink_reset(void *L, size_t mark)
{
    lua_settop(L, (int)mark);
}

void cc_lua_sink(lua_State *L, cc_sink_t *sink)
{
    sink->ctx = L;
    sink->table = lsink_table;
    sink->string = lsink_string;
    sink->integer = lsink_integer;
    sink->number = lsink_number;
    sink->boolean = lsink_boolean;
    sink->field = lsink_field;
    sink->key = lsink_key;
    sink->index = lsink_index;
    sink->mark = lsink_mark;
    sink->reset = lsink_reset;
}
/* }====== */

/* t[key] = value for the table on top of the stack (nil when value is NULL). */
void cc_lua_set_string(lua_State *L, const char *key, const char *value)
{
    lua_pushstring(L, value);
    lua_setfield(L, -2, key); /* t */
}

int cc_lua_fail(lua_State *L, const char *code, const char *message)
{
    lua_pushnil(L);
    lua_createtable(L, 0, 2);
    cc_lua_set_string(L, "code", code);
    cc_lua_set_string(L, "message", message);
    return 2;
}

/* Pushes nil and a ParamValidationError listing every problem: message has
 * one per line, problems an array of { path =, kind =, message = }. */
/* Pushes the value at idx written as JSON: by a shape, or (shape NULL) as
 * plain JSON; or nil and an error. */
int cc_lua_push_encoded(lua_State *L, int idx, const cc_model_t *m, const cc_shape_t *shape)
{
    cc_box_t *box = cc_lua_newbox(L);
    cc_value_t v;
    cc_err_t err;
    int rc;
    if (cc_lua_to_value(L, idx, m, shape, &box->arena, &v) != CC_OK)
        rc = cc_err_set(&err, CC_E_NOMEM, "out of memory reading the value");
    else
        rc = shape ? cc_serialize_shape(shape, &v, &box->parts.body, &err)
                   : cc_json_encode(&box->parts.body, &v, &err);
    if (rc != CC_OK) {
        cc_lua_box_release(box);
        return cc_lua_fail(L, cc_strerror(err.code), err.msg);
    }
    lua_pushlstring(L, cc_buf_cstr(&box->parts.body), box->parts.body.len);
    cc_lua_box_release(box);
    return 1;
}

void cc_lua_bind_open(lua_State *L)
{
    if (luaL_newmetatable(L, BOX_META)) {
        lua_pushvalue(L, -1);
        lua_pushcclosure(L, box_gc, 1);
        lua_setfield(L, -2, "__gc");
        lua_pushvalue(L, -1);
        lua_pushcclosure(L, box_close, 1);
        lua_setfield(L, -2, "__close");
    }
    lua_pop(L, 1);
}
