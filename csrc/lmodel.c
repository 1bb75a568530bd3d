/* The binding of the model and the shape engine: compiled models,
 * operations, build (validate and serialize) and parse. */
#include "lbind.h"

#include <string.h>

#include "model.h"

static void push_problems(lua_State *L, cc_problems_t *p)
{
    size_t i;
    lua_pushnil(L);
    lua_createtable(L, 0, 3);
    cc_lua_set_string(L, "code", cc_strerror(CC_E_PARAM));
    lua_pushlstring(L, cc_buf_cstr(&p->text), p->text.len);
    lua_setfield(L, -2, "message");
    lua_createtable(L, (int)p->n, 0);
    for (i = 0; i < p->n; i++) {
        const cc_problem_t *it = &p->items[i];
        lua_createtable(L, 0, 3);
        lua_pushlstring(L, p->paths.data + it->path_off, it->path_len);
        lua_setfield(L, -2, "path");
        cc_lua_set_string(L, "kind", cc_problem_kind_name(it->kind));
        lua_pushlstring(L, p->text.data + it->msg_off, it->msg_len);
        lua_setfield(L, -2, "message");
        lua_rawseti(L, -2, (int)i + 1);
    }
    lua_setfield(L, -2, "problems");
}

/* {====== Models ====== */
#define MODEL_META "connectcampaigns.Model"
#define VIEWS_KEY "connectcampaigns.ModelViews"

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
        cc_lua_set_string(L, "name", op->name);
        cc_lua_set_string(L, "snake", op->snake);
        cc_lua_set_string(L, "method", op->method);
        cc_lua_set_string(L, "uri", op->uri);
        if (op->result_key) {
            lua_createtable(L, 0, 4);
            cc_lua_set_string(L, "input_token", op->input_token);
            cc_lua_set_string(L, "output_token", op->output_token);
            cc_lua_set_string(L, "limit_key", op->limit_key); /* nil when the paginator has none */
            cc_lua_set_string(L, "result_key", op->result_key);
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
    cc_lua_set_string(L, "signing_name", m->signing_name);
    cc_lua_set_string(L, "endpoint_prefix", m->endpoint_prefix);
    cc_lua_set_string(L, "api_version", m->api_version);
    cc_lua_set_string(L, "service_id", m->service_id);
    return 1;
}

static int l_model_json(lua_State *L)
{
    lua_pushstring(L, cc_model_json);
    return 1;
}

/*** The model as a Lua table in service-2.json's layout (operations, shapes,
 * metadata, paginators, endpointRuleSet), made from the compiler's own
 * parse once per Lua state and model, and shared: treat it as read-only.
 * @tparam[opt] Model model a compiled model (default: the embedded one) */
static int l_model_view(lua_State *L)
{
    int given = lua_type(L, 1) == LUA_TUSERDATA;
    const cc_model_t *m;
    cc_sink_t sink;
    luaL_checkstack(L, 8, "the model view");
    if (given)
        lua_pushvalue(L, 1); /* the key of its view; model_arg removes the argument */
    m = model_arg(L);
    if (!given) /* the embedded model lives as long as the process */
        lua_pushlightuserdata(L, (void *)m);
    lua_getfield(L, LUA_REGISTRYINDEX, VIEWS_KEY);
    if (lua_type(L, -1) != LUA_TTABLE) { /* views by model: weak keys, so a model's view goes with it */
        lua_pop(L, 1);
        lua_newtable(L);
        lua_createtable(L, 0, 1);
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, VIEWS_KEY);
    }
    lua_insert(L, -2); /* views, key */
    lua_pushvalue(L, -1);
    lua_rawget(L, -3);
    if (!lua_isnil(L, -1))
        return 1;
    lua_pop(L, 1);
    cc_lua_sink(L, &sink);
    if (cc_model_emit(m, &sink) != CC_OK)
        return luaL_error(L, "out of memory making the model view");
    lua_pushvalue(L, -2);
    lua_pushvalue(L, -2); /* views, key, view, key, view */
    lua_rawset(L, -5);
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
    if (cc_lua_to_value(L, 2, m, op->input, &box->arena, &params) != CC_OK)
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
    cc_lua_set_string(L, "method", op->method);
    lua_pushlstring(L, cc_buf_cstr(&box->parts.path), box->parts.path.len);
    lua_setfield(L, -2, "path");
    lua_pushlstring(L, cc_buf_cstr(&box->parts.query), box->parts.query.len);
    lua_setfield(L, -2, "query");
    if (box->parts.has_body) {
        lua_pushlstring(L, cc_buf_cstr(&box->parts.body), box->parts.body.len);
        lua_setfield(L, -2, "body");
        cc_lua_set_string(L, "content_type", box->parts.content_type);
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
    cc_lua_set_string(L, "operation", op->name);
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
    cc_lua_sink(L, &sink);
    rc = cc_parse_response_sink(m, op, status, body, len, &h, &box->arena, &sink, &se, &err);
    if (rc == CC_E_SERVICE) {
        int fields = se.has_fields ? lua_gettop(L) : 0;
        lua_pushnil(L);
        lua_createtable(L, 0, 5);
        cc_lua_set_string(L, "code", se.code);
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

/*** Writes a table as the JSON of an operation's output (or input) shape.
 * @tparam string op
 * @tparam table value
 * @tparam[opt="output"] string which "output" or "input"
 * @treturn[1] string JSON
 * @treturn[2] nil
 * @treturn[2] table error */
static int l_encode_shape(lua_State *L)
{
    const cc_model_t *m = model_arg(L);
    const cc_operation_t *op = check_op(L, m, 1);
    const char *which = luaL_optstring(L, 3, "output");
    const cc_shape_t *shape = strcmp(which, "input") == 0 ? op->input : op->output;
    luaL_checktype(L, 2, LUA_TTABLE);
    if (shape == NULL) {
        lua_pushliteral(L, "{}");
        return 1;
    }
    return cc_lua_push_encoded(L, 2, m, shape);
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
    cc_lua_sink(L, &sink);
    if (cc_shape_decode(shape, text, len, &box->arena, &sink, &err) != CC_OK) {
        lua_settop(L, top);
        cc_lua_box_release(box);
        return cc_lua_fail(L, cc_strerror(err.code), err.msg);
    }
    cc_lua_box_release(box);
    return 1;
}

void cc_lua_model_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"operations", l_operations},
        {"compile_model", l_compile_model},
        {"metadata", l_metadata},
        {"model_json", l_model_json},
        {"model_view", l_model_view},
        {"build", l_build},
        {"parse", l_parse},
        {"encode_shape", l_encode_shape},
        {"decode_shape", l_decode_shape},
        {NULL, NULL},
    };
    model_arg(L); /* the embedded model compiles, or require fails here */
    if (luaL_newmetatable(L, MODEL_META)) {
        lua_pushcfunction(L, model_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_setfuncs(L, funcs, 0);
}
