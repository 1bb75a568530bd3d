/* The Lua binding of the core: module connectcampaigns.core. Converts Lua
 * tables to value trees and back; everything else is the core's. */
#include "lbind.h"
#include "uuid.h"

#include <math.h>
#include <string.h>

#include "alloc.h"
#include "json.h"
#include "model.h"
#include "spawn.h"
#include "timestamp.h"
#include "xml.h"

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
void cc_lua_box_release(cc_box_t *b)
{
    cc_arena_free(&b->arena);
    cc_request_parts_free(&b->parts);
}

static int box_gc(lua_State *L)
{
    cc_lua_box_release(luaL_checkudata(L, 1, BOX_META));
    return 0;
}

cc_box_t *cc_lua_newbox(lua_State *L)
{
    cc_box_t *b = lua_newuserdatauv(L, sizeof *b, 0);
    cc_arena_init(&b->arena);
    cc_request_parts_init(&b->parts);
    luaL_getmetatable(L, BOX_META);
    lua_setmetatable(L, -2);
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

static void scalar_to_value(lua_State *L, int idx, cc_value_t *out)
{
    switch (lua_type(L, idx)) {
    case LUA_TNIL: out->kind = CC_V_NIL; return;
    case LUA_TBOOLEAN:
        out->kind = CC_V_BOOL;
        out->u.b = lua_toboolean(L, idx);
        return;
    case LUA_TNUMBER: {
        lua_Number n = lua_tonumber(L, idx);
        if (cc_lua_isinteger(L, idx)) {
            out->kind = CC_V_INT;
            out->u.i = (long long)lua_tointeger(L, idx);
#if LUA_VERSION_NUM < 503
        } else if (n == floor(n) && n >= -9007199254740992.0 && n <= 9007199254740992.0) {
            /* no integer subtype: an integral number is an integer (3.0 is 3) */
            out->kind = CC_V_INT;
            out->u.i = (long long)n;
#endif
        } else {
            out->kind = CC_V_NUM;
            out->u.n = (double)n;
        }
        return;
    }
    case LUA_TSTRING: {
        size_t len;
        const char *str = lua_tolstring(L, idx, &len);
        cc_value_set_str(out, str, len);
        return;
    }
    default:
        out->kind = CC_V_OTHER;
        out->u.other = luaL_typename(L, idx);
        return;
    }
}

/* The shape an entry's value is read by; *walk is 0 for a member the
 * structure does not have (its value is named, not entered), 2 for a value
 * read as plain JSON (a document, a jsonvalue header). */
static const cc_shape_t *entry_shape(lua_State *L, const cc_shape_t *s, int *walk)
{
    *walk = 1;
    if (s->type == CC_SHAPE_LIST)
        return s->member;
    if (s->type == CC_SHAPE_MAP)
        return s->value;
    if (lua_type(L, -2) == LUA_TSTRING) {
        size_t len;
        const char *k = lua_tolstring(L, -2, &len);
        const cc_member_t *m = cc_shape_find_member(s, k, len);
        if (m && (m->jsonvalue || m->shape->type == CC_SHAPE_DOCUMENT))
            *walk = 2;
        if (m)
            return m->shape;
    }
    *walk = 0;
    return NULL;
}

static void table_to_value(conv_t *c, int idx, const cc_shape_t *s, int shaped, cc_value_t *out)
{
    lua_State *L = c->L;
    const void *self = lua_topointer(L, idx);
    size_t n = 0, i = 0;
    int k;
    for (k = 0; k < c->depth; k++)
        if (c->path[k] == self)
            return refuse(out, "a table that contains itself (a cycle)");
    if (c->depth >= c->max_depth)
        return refuse(out, "tables nested deeper than the model allows");
    if (!lua_checkstack(L, 4))
        return refuse(out, "tables nested too deeply for the Lua stack");
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        n++;
        lua_pop(L, 1);
    }
    if ((c->nodes += n) > MAX_NODES)
        return refuse(out, "more values than one request may hold");
    if (!cc_value_new_table(c->a, out, n)) {
        c->oom = 1;
        return refuse(out, "out of memory");
    }
    c->path[c->depth++] = self;
    lua_pushnil(L);
    while (lua_next(L, idx)) { /* no code runs between the passes: same keys */
        if (i < n) {
            cc_entry_t *e = &out->u.tab.items[i++];
            int walk = 1;
            const cc_shape_t *vs = shaped ? entry_shape(L, s, &walk) : NULL;
            if (vs && vs->type == CC_SHAPE_DOCUMENT)
                walk = 2; /* a list or map of documents */
            scalar_to_value(L, -2, &e->key); /* a table key is named "table", never entered */
            if (walk)
                to_value(c, lua_gettop(L), walk == 2 ? NULL : vs, shaped && walk == 1, &e->val);
            else
                scalar_to_value(L, -1, &e->val);
        }
        lua_pop(L, 1);
    }
    c->depth--;
    out->u.tab.n = i;
}

static void to_value(conv_t *c, int idx, const cc_shape_t *s, int shaped, cc_value_t *out)
{
    if (shaped && s->type == CC_SHAPE_DOCUMENT)
        shaped = 0; /* a payload or top-level document: any JSON-like value */
    if (lua_type(c->L, idx) != LUA_TTABLE || (shaped && s->type > CC_SHAPE_MAP))
        scalar_to_value(c->L, idx, out); /* a table where a scalar belongs: "table" */
    else
        table_to_value(c, idx, s, shaped, out);
}

/* As cc_lua_to_value, bounded by a model's own deepest shape. */
static int to_value_in(lua_State *L, int idx, const cc_model_t *m, const cc_shape_t *shape, cc_arena_t *a,
                       cc_value_t *out)
{
    conv_t c;
    c.L = L;
    c.a = a;
    c.depth = 0;
    c.nodes = 0;
    c.oom = 0;
    c.max_depth = shape ? (m ? m->max_depth : CC_MODEL_DEEP) + DEPTH_MARGIN : PLAIN_MAX_DEPTH;
    to_value(&c, lua_absindex(L, idx), shape, shape != NULL, out);
    return c.oom ? CC_E_NOMEM : CC_OK;
}

int cc_lua_to_value(lua_State *L, int idx, const cc_shape_t *shape, cc_arena_t *a, cc_value_t *out)
{
    return to_value_in(L, idx, cc_model_get(NULL), shape, a, out);
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

static void lua_sink(lua_State *L, cc_sink_t *sink)
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
static void set_string(lua_State *L, const char *key, const char *value)
{
    lua_pushstring(L, value);
    lua_setfield(L, -2, key); /* t */
}

int cc_lua_fail(lua_State *L, const char *code, const char *message)
{
    lua_pushnil(L);
    lua_createtable(L, 0, 2);
    set_string(L, "code", code);
    set_string(L, "message", message);
    return 2;
}

/* Pushes nil and a ParamValidationError listing every problem: message has
 * one per line, problems an array of { path =, kind =, message = }. */
static void push_problems(lua_State *L, cc_problems_t *p)
{
    size_t i;
    lua_pushnil(L);
    lua_createtable(L, 0, 3);
    set_string(L, "code", cc_strerror(CC_E_PARAM));
    lua_pushlstring(L, cc_buf_cstr(&p->text), p->text.len);
    lua_setfield(L, -2, "message");
    lua_createtable(L, (int)p->n, 0);
    for (i = 0; i < p->n; i++) {
        const cc_problem_t *it = &p->items[i];
        lua_createtable(L, 0, 3);
        lua_pushlstring(L, p->paths.data + it->path_off, it->path_len);
        lua_setfield(L, -2, "path");
        set_string(L, "kind", cc_problem_kind_name(it->kind));
        lua_pushlstring(L, p->text.data + it->msg_off, it->msg_len);
        lua_setfield(L, -2, "message");
        lua_rawseti(L, -2, (int)i + 1);
    }
    lua_setfield(L, -2, "problems");
}

/* {====== Models ====== */
#define MODEL_META "connectcampaigns.Model"

typedef struct {
    cc_model_t *model; /* owned; NULL once collected */
} lmodel_t;

static int model_gc(lua_State *L)
{
    lmodel_t *m = luaL_checkudata(L, 1, MODEL_META);
    cc_model_free(m->model);
    m->model = NULL;
    return 0;
}

/*** Compiles a service model (service-2.json text) at run time.
 * @tparam string json
 * @tparam[opt] string paginators the text of paginators-1.json
 * @treturn[1] userdata a model the other functions take as their first argument
 * @treturn[2] nil
 * @treturn[2] table {code = "ModelError", message} naming the shape and trait refused */
static int l_compile_model(lua_State *L)
{
    const char *json = luaL_checkstring(L, 1);
    const char *paginators = luaL_optstring(L, 2, NULL);
    lmodel_t *m = lua_newuserdatauv(L, sizeof *m, 0); /* owner first, then acquire */
    cc_err_t err;
    m->model = NULL;
    luaL_getmetatable(L, MODEL_META);
    lua_setmetatable(L, -2);
    if ((m->model = cc_model_compile_with(json, paginators, &err)) == NULL)
        return cc_lua_fail(L, cc_strerror(err.code), err.msg);
    return 1;
}

/* The model a call is for: a model userdata as first argument (removed, so
 * the other arguments keep their places), else the embedded one. */
static const cc_model_t *model_arg(lua_State *L)
{
    cc_err_t err;
    const cc_model_t *m;
    lmodel_t *given = NULL;
    if (lua_type(L, 1) == LUA_TUSERDATA && lua_getmetatable(L, 1)) { /* luaL_testudata, which 5.1 lacks */
        luaL_getmetatable(L, MODEL_META);
        if (lua_rawequal(L, -1, -2))
            given = lua_touserdata(L, 1);
        lua_pop(L, 2);
    }
    if (given) {
        if (given->model == NULL)
            luaL_error(L, "connectcampaigns: a model used after it was collected");
        lua_remove(L, 1);
        return given->model;
    }
    if ((m = cc_model_get(&err)) == NULL)
        luaL_error(L, "connectcampaigns: %s", err.msg);
    return m;
}
/* }====== */

static const cc_operation_t *check_op(lua_State *L, const cc_model_t *m, int idx)
{
    const char *name = luaL_checkstring(L, idx);
    const cc_operation_t *op = cc_model_find_op(m, name);
    if (op == NULL)
        luaL_error(L, "unknown operation '%s'", name);
    return op;
}

/*** Lists the model's operations.
 * @treturn table array of {name, snake, method, uri, paginator?} */
static int l_operations(lua_State *L)
{
    const cc_model_t *m = model_arg(L);
    size_t i;
    lua_createtable(L, (int)m->nops, 0);
    for (i = 0; i < m->nops; i++) {
        const cc_operation_t *op = &m->ops[i];
        lua_createtable(L, 0, 6);
        set_string(L, "name", op->name);
        set_string(L, "snake", op->snake);
        set_string(L, "method", op->method);
        set_string(L, "uri", op->uri);
        if (op->result_key) {
            lua_createtable(L, 0, 4);
            set_string(L, "input_token", op->input_token);
            set_string(L, "output_token", op->output_token);
            set_string(L, "limit_key", op->limit_key); /* nil when the paginator has none */
            set_string(L, "result_key", op->result_key);
            lua_setfield(L, -2, "paginator");
        }
        lua_rawseti(L, -2, (int)i + 1);
    }
    return 1;
}

/*** The service's model metadata: signing name, endpoint prefix, API version. */
static int l_metadata(lua_State *L)
{
    const cc_model_t *m = model_arg(L);
    lua_createtable(L, 0, 4);
    set_string(L, "signing_name", m->signing_name);
    set_string(L, "endpoint_prefix", m->endpoint_prefix);
    set_string(L, "api_version", m->api_version);
    set_string(L, "service_id", m->service_id);
    return 1;
}

static int l_model_json(lua_State *L)
{
    lua_pushstring(L, cc_model_json);
    return 1;
}

/*** Validates params and serializes an operation's request.
 * @tparam string op operation name (CreateCampaign or create_campaign)
 * @tparam table params
 * @tparam[opt] integer min_compression gzip a body this long or longer when the operation allows (-1: never)
 * @tparam[opt] string token for idempotency tokens left out (default: a UUID v4)
 * @treturn[1] table {method, path, query, body?, content_type?, headers?, host_prefix?}
 * @treturn[2] nil
 * @treturn[2] table error {code, message} */
static int l_build(lua_State *L)
{
    const cc_model_t *m = model_arg(L);
    const cc_operation_t *op = check_op(L, m, 1);
    cc_build_opts_t opts = {NULL, -1};
    cc_box_t *box;
    cc_value_t params;
    cc_err_t err;
    int rc;
    luaL_checktype(L, 2, LUA_TTABLE);
    opts.min_compression = (long)luaL_optinteger(L, 3, -1);
    opts.token = luaL_optstring(L, 4, NULL);
    box = cc_lua_newbox(L); /* owner first, then acquire */
    if (to_value_in(L, 2, m, op->input, &box->arena, &params) != CC_OK)
        rc = cc_err_set(&err, CC_E_NOMEM, "out of memory reading the parameters");
    else
        rc = cc_serialize_request_with(op, &params, &opts, &box->parts, &err);
    if (rc == CC_E_PARAM && box->parts.problems.n > 0) {
        push_problems(L, &box->parts.problems); /* raises only on memory: the box frees itself */
        cc_lua_box_release(box);
        return 2;
    }
    if (rc != CC_OK) {
        cc_lua_box_release(box);
        return cc_lua_fail(L, cc_strerror(rc), err.msg);
    }
    lua_createtable(L, 0, 5);
    set_string(L, "method", op->method);
    lua_pushlstring(L, cc_buf_cstr(&box->parts.path), box->parts.path.len);
    lua_setfield(L, -2, "path");
    lua_pushlstring(L, cc_buf_cstr(&box->parts.query), box->parts.query.len);
    lua_setfield(L, -2, "query");
    if (box->parts.has_body) {
        lua_pushlstring(L, cc_buf_cstr(&box->parts.body), box->parts.body.len);
        lua_setfield(L, -2, "body");
        set_string(L, "content_type", box->parts.content_type);
    }
    if (box->parts.nheaders > 0) {
        const char *p = box->parts.headers.data;
        size_t i;
        lua_createtable(L, 0, (int)box->parts.nheaders);
        for (i = 0; i < box->parts.nheaders; i++) {
            const char *v = p + strlen(p) + 1;
            lua_pushstring(L, v);
            lua_setfield(L, -2, p);
            p = v + strlen(v) + 1;
        }
        lua_setfield(L, -2, "headers");
    }
    if (box->parts.host_prefix.len > 0) {
        lua_pushlstring(L, box->parts.host_prefix.data, box->parts.host_prefix.len);
        lua_setfield(L, -2, "host_prefix");
    }
    set_string(L, "operation", op->name);
    cc_lua_box_release(box);
    return 1;
}

/*** Parses a response of an operation.
 * @tparam string op
 * @tparam integer status
 * @tparam string body
 * @tparam[opt] string error_type the x-amzn-ErrorType header
 * @treturn[1] table the result
 * @treturn[2] nil
 * @treturn[2] table {code, message, fields?} */
/* {====== An answer's headers from a Lua table (lower-case names) ====== */
typedef struct {
    lua_State *L;
    int idx;
} lheaders_t;

static const char *lheader_get(void *ctx, const char *lname, size_t *len)
{
    lheaders_t *h = ctx;
    const char *v;
    lua_pushstring(h->L, lname);
    lua_rawget(h->L, h->idx);
    v = lua_type(h->L, -1) == LUA_TSTRING ? lua_tolstring(h->L, -1, len) : NULL;
    lua_pop(h->L, 1); /* the table keeps the string */
    return v;
}

/* fn may emit into the Lua sink, which works on the top of the stack: the
 * iteration's key waits under the table being built while fn runs. */
static void lheader_each(void *ctx, void (*fn)(void *, const char *, size_t, const char *, size_t), void *arg)
{
    lheaders_t *h = ctx;
    lua_pushnil(h->L);
    while (lua_next(h->L, h->idx)) {
        int strings = lua_type(h->L, -2) == LUA_TSTRING && lua_type(h->L, -1) == LUA_TSTRING;
        size_t nlen = 0, vlen = 0;
        const char *name = strings ? lua_tolstring(h->L, -2, &nlen) : NULL;
        const char *val = strings ? lua_tolstring(h->L, -1, &vlen) : NULL;
        lua_pop(h->L, 1);       /* the headers table keeps both strings */
        lua_insert(h->L, -2);   /* key, result */
        if (strings)
            fn(arg, name, nlen, val, vlen);
        lua_insert(h->L, -2);   /* result, key */
    }
}
/* }====== */

static int l_parse(lua_State *L)
{
    const cc_model_t *m = model_arg(L);
    const cc_operation_t *op = check_op(L, m, 1);
    long status = (long)luaL_checkinteger(L, 2);
    size_t len;
    const char *body = luaL_optlstring(L, 3, "", &len);
    const char *errtype = lua_type(L, 4) == LUA_TTABLE ? NULL : luaL_optstring(L, 4, NULL);
    lheaders_t lh = {L, 4};
    cc_headers_t h = {&lh, lheader_get, lheader_each};
    cc_box_t *box;
    cc_sink_t sink;
    cc_service_error_t se;
    cc_err_t err;
    int rc, top;
    if (lua_type(L, 4) != LUA_TTABLE)
        cc_headers_error_type(&h, &errtype);
    luaL_checkstack(L, 8, "parsing an answer");
    box = cc_lua_newbox(L);
    top = lua_gettop(L);
    lua_sink(L, &sink);
    rc = cc_parse_response_sink(m, op, status, body, len, &h, &box->arena, &sink, &se, &err);
    if (rc == CC_E_SERVICE) {
        int fields = se.has_fields ? lua_gettop(L) : 0;
        lua_pushnil(L);
        lua_createtable(L, 0, 5);
        set_string(L, "code", se.code);
        lua_pushlstring(L, se.message, se.message_len);
        lua_setfield(L, -2, "message");
        if (fields) {
            lua_pushvalue(L, fields);
            lua_setfield(L, -2, "fields");
        }
        lua_pushboolean(L, se.shape && se.shape->retryable);
        lua_setfield(L, -2, "modeled_retryable");
        lua_pushboolean(L, se.shape && se.shape->throttling);
        lua_setfield(L, -2, "modeled_throttling");
    } else if (rc != CC_OK) {
        lua_settop(L, top); /* part of a result */
        cc_lua_box_release(box);
        return cc_lua_fail(L, cc_strerror(rc), err.msg);
    }
    cc_lua_box_release(box);
    return rc == CC_OK ? 1 : 2;
}

/* Pushes the value at idx written as JSON: by a shape, or (shape NULL) as
 * plain JSON; or nil and an error. */
static int push_encoded(lua_State *L, int idx, const cc_shape_t *shape)
{
    cc_box_t *box = cc_lua_newbox(L);
    cc_value_t v;
    cc_err_t err;
    int rc;
    if (cc_lua_to_value(L, idx, shape, &box->arena, &v) != CC_OK)
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

/*** Writes a table as the JSON of an operation's output (or input) shape.
 * @tparam string op
 * @tparam table value
 * @tparam[opt="output"] string which "output" or "input"
 * @treturn[1] string JSON
 * @treturn[2] nil
 * @treturn[2] table error */
static int l_encode_shape(lua_State *L)
{
    const cc_operation_t *op = check_op(L, model_arg(L), 1);
    const char *which = luaL_optstring(L, 3, "output");
    const cc_shape_t *shape = strcmp(which, "input") == 0 ? op->input : op->output;
    luaL_checktype(L, 2, LUA_TTABLE);
    if (shape == NULL) {
        lua_pushliteral(L, "{}");
        return 1;
    }
    return push_encoded(L, 2, shape);
}

/*** Reads JSON text by an operation's input (or output) shape: unknown
 * members dropped, timestamps as epoch seconds.
 * @treturn[1] table
 * @treturn[2] nil
 * @treturn[2] table error */
static int l_decode_shape(lua_State *L)
{
    const cc_operation_t *op = check_op(L, model_arg(L), 1);
    size_t len;
    const char *text = luaL_checklstring(L, 2, &len);
    const char *which = luaL_optstring(L, 3, "input");
    const cc_shape_t *shape = strcmp(which, "output") == 0 ? op->output : op->input;
    cc_box_t *box;
    cc_sink_t sink;
    cc_err_t err;
    int top;
    if (shape == NULL) {
        lua_newtable(L);
        return 1;
    }
    luaL_checkstack(L, 8, "decoding");
    box = cc_lua_newbox(L);
    top = lua_gettop(L);
    if (len == 0)
        text = "{}", len = 2;
    lua_sink(L, &sink);
    if (cc_shape_decode(shape, text, len, &box->arena, &sink, &err) != CC_OK) {
        lua_settop(L, top);
        cc_lua_box_release(box);
        return cc_lua_fail(L, cc_strerror(err.code), err.msg);
    }
    cc_lua_box_release(box);
    return 1;
}

typedef int (*decoder_t)(const char *, size_t, cc_arena_t *, cc_value_t *, cc_err_t *);

/* Decodes the string at index 1 with a core decoder and pushes the tree. */
static int push_decoded(lua_State *L, decoder_t decode)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    cc_box_t *box = cc_lua_newbox(L);
    cc_value_t v;
    cc_err_t err;
    if (decode(s, len, &box->arena, &v, &err) != CC_OK) {
        cc_lua_box_release(box);
        return cc_lua_fail(L, cc_strerror(err.code), err.msg);
    }
    cc_lua_push_value(L, &v);
    cc_lua_box_release(box);
    return 1;
}

/*** Decodes JSON text into Lua values (null becomes nil). */
static int l_json_decode(lua_State *L)
{
    return push_decoded(L, cc_json_decode);
}

/*** Decodes XML (the STS answers) into nested tables: elements with child
 * elements become tables by name, elements with text their text.
 * @treturn[1] table
 * @treturn[2] nil
 * @treturn[2] table error */
static int l_xml_decode(lua_State *L)
{
    return push_decoded(L, cc_xml_decode);
}

/*** Encodes Lua values as JSON (sequences as arrays, other tables as objects with sorted keys). */
static int l_json_encode(lua_State *L)
{
    luaL_checkany(L, 1);
    return push_encoded(L, 1, NULL);
}

/*** How many blocks the core allocated and has not freed (a leak shows here). */
static int l_live_allocations(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)cc_alloc_live());
    return 1;
}

/*** A random UUID v4, the amz-sdk-invocation-id of a call. */
static int l_invocation_id(lua_State *L)
{
    char id[37];
    cc_uuid4(id);
    lua_pushlstring(L, id, 36);
    return 1;
}

/*** How many allocations the C core has asked for since it was loaded (the
 * benchmark's allocations per call; libcurl's and OpenSSL's own not counted). */
static int l_allocations(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)cc_alloc_total());
    return 1;
}

/*** Runs a program without a shell and captures its standard output.
 * @tparam table argv {program, arg1, ...}
 * @tparam[opt] table opts {timeout = seconds (60), max_output = bytes (1 MiB)}
 * @treturn[1] table {status = exit code, exited = boolean, stdout = string}
 * @treturn[2] nil
 * @treturn[2] table {code, message} (never the output) */
static int l_spawn(lua_State *L)
{
    cc_box_t *box;
    cc_spawn_result_t res;
    cc_err_t err;
    double timeout = 60;
    lua_Integer max_output = 1 << 20;
    char **argv;
    int i, n, rc;
    luaL_checktype(L, 1, LUA_TTABLE);
    n = (int)lua_rawlen(L, 1);
    if (n < 1)
        return luaL_argerror(L, 1, "a program to run");
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "timeout");
        timeout = luaL_optnumber(L, -1, timeout);
        lua_getfield(L, 2, "max_output");
        max_output = luaL_optinteger(L, -1, max_output);
        lua_pop(L, 2);
    }
    luaL_checkstack(L, n + 4, "too many arguments");
    argv = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *argv, 0);
    for (i = 1; i <= n; i++) { /* the strings stay on the stack while the program runs */
        size_t len;
        lua_rawgeti(L, 1, i);
        if (lua_type(L, -1) != LUA_TSTRING)
            return luaL_argerror(L, 1, "arguments must be strings");
        argv[i - 1] = (char *)lua_tolstring(L, -1, &len);
        if (strlen(argv[i - 1]) != len)
            return luaL_argerror(L, 1, "an argument holds a NUL");
    }
    argv[n] = NULL;
    box = cc_lua_newbox(L); /* owns the output buffer */
    rc = cc_spawn_capture(argv, timeout, (size_t)(max_output > 0 ? max_output : 0), &box->parts.body, &res, &err);
    if (rc != CC_OK) {
        cc_lua_box_release(box);
        return cc_lua_fail(L, cc_strerror(rc), err.msg);
    }
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, res.status);
    lua_setfield(L, -2, "status");
    lua_pushboolean(L, res.exited);
    lua_setfield(L, -2, "exited");
    lua_pushlstring(L, cc_buf_cstr(&box->parts.body), box->parts.body.len);
    lua_setfield(L, -2, "stdout");
    cc_lua_box_release(box);
    return 1;
}

/*** X-Amz-Date of whole epoch seconds. */
static int l_amz_date(lua_State *L)
{
    char out[17];
    cc_ts_amz_date((long long)luaL_checknumber(L, 1), out);
    lua_pushstring(L, out);
    return 1;
}

/*** Seconds on a monotonic clock (for durations and rates). */
static int l_monotonic(lua_State *L)
{
    lua_pushnumber(L, cc_monotonic());
    return 1;
}

/*** Whole seconds since the epoch: the clock requests are signed with (a
 * sandbox without the os library still has it). */
static int l_now(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)cc_wall_seconds());
    return 1;
}

/*** Blocks for about that many seconds: the default sleep between retries
 * (hosts with an event loop pass their own, such as ngx.sleep). */
static int l_sleep(lua_State *L)
{
    cc_sleep((double)luaL_checknumber(L, 1));
    return 0;
}

/*** Epoch seconds as UTC ISO-8601; nil when out of range. */
static int l_iso8601(lua_State *L)
{
    char out[32];
    if (!cc_ts_format_iso8601((double)luaL_checknumber(L, 1), out))
        return 0;
    lua_pushstring(L, out);
    return 1;
}

/*** ISO-8601 text to epoch seconds; nil when it cannot be read. */
static int l_parse_iso8601(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    double t;
    if (!cc_ts_parse_iso8601(s, len, &t))
        return 0;
    if (t == (double)(lua_Integer)t)
        lua_pushinteger(L, (lua_Integer)t);
    else
        lua_pushnumber(L, t);
    return 1;
}

CC_API int luaopen_connectcampaigns_core(lua_State *L);

CC_API int luaopen_connectcampaigns_core(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"operations", l_operations},
        {"compile_model", l_compile_model},
        {"metadata", l_metadata},
        {"model_json", l_model_json},
        {"build", l_build},
        {"parse", l_parse},
        {"json_decode", l_json_decode},
        {"encode_shape", l_encode_shape},
        {"decode_shape", l_decode_shape},
        {"json_encode", l_json_encode},
        {"xml_decode", l_xml_decode},
        {"amz_date", l_amz_date},
        {"monotonic", l_monotonic},
        {"now", l_now},
        {"sleep", l_sleep},
        {"spawn", l_spawn},
        {"live_allocations", l_live_allocations},
        {"allocations", l_allocations},
        {"invocation_id", l_invocation_id},
        {"iso8601", l_iso8601},
        {"parse_iso8601", l_parse_iso8601},
        {NULL, NULL},
    };
    model_arg(L); /* the embedded model compiles, or require fails here */
    if (luaL_newmetatable(L, MODEL_META)) {
        lua_pushcfunction(L, model_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    if (luaL_newmetatable(L, BOX_META)) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    cc_lua_signer_open(L);
    cc_lua_http_open(L);
    return 1;
}
