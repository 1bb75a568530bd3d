/* The binding of the model and the shape engine: compiled models,
 * operations, build (validate and serialize) and parse. */
#include "lbind.h"
#include "timestamp.h"

#include <string.h>
#include <strings.h>

#include "header.h"
#include "model.h"
#include "uuid.h"

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
#define TARGET_META "connectcampaigns.Target"
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

/* The operation at idx: its name (either form), or its index in
 * core.operations() (a client's calls pass that: no search by name). */
static const cc_operation_t *check_op(lua_State *L, const cc_model_t *m, int idx)
{
    const char *name;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        lua_Integer i = lua_tointeger(L, idx);
        if (i < 1 || (size_t)i > m->nops)
            luaL_argerror(L, idx, "no operation has this index");
        return &m->ops[i - 1];
    }
    name = luaL_checkstring(L, idx);
    const cc_operation_t *op = cc_model_find_op(m, name);
    if (op == NULL)
        luaL_error(L, "unknown operation '%s'", name);
    return op;
}

/*** Lists the model's operations.
 * @treturn table array of {name, snake, index, method, uri, paginator?} */
static int l_operations(lua_State *L)
{
    const cc_model_t *m = model_arg(L);
    size_t i;
    lua_createtable(L, (int)m->nops, 0);
    for (i = 0; i < m->nops; i++) {
        const cc_operation_t *op = &m->ops[i];
        lua_createtable(L, 0, 7);
        cc_lua_set_string(L, "name", op->name);
        lua_pushinteger(L, (lua_Integer)i + 1);
        lua_setfield(L, -2, "index"); /* what core.prepare and core.parse take in place of the name */
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

/* {====== Requests ====== */
/* Validates the parameters at idx and writes op's request into the box:
 * CC_OK, or an error in err (with the problems in the box when CC_E_PARAM). */
static int build_into(lua_State *L, const cc_model_t *m, const cc_operation_t *op, int idx,
                      const cc_build_opts_t *opts, cc_box_t *box, cc_err_t *err)
{
    cc_value_t params;
    if (cc_lua_to_value(L, idx, m, op->input, &box->arena, &params) != CC_OK)
        return cc_err_set(err, CC_E_NOMEM, "out of memory reading the parameters");
    return cc_serialize_request_with(op, &params, opts, &box->parts, err);
}

/* Pushes nil and why a build failed (its problems, when validation found
 * some), and frees the box; returns 2. */
static int push_refusal(lua_State *L, cc_box_t *box, int rc, cc_err_t *err)
{
    if (rc == CC_E_PARAM && box->parts.problems.n > 0) {
        push_problems(L, &box->parts.problems); /* raises only on memory: the box frees itself */
        cc_lua_box_release(box);
        return 2;
    }
    cc_lua_box_release(box);
    return cc_lua_fail(L, cc_strerror(rc), err->msg);
}

/* t.host_prefix for the table on top, when the operation has one. */
static void push_host_prefix(lua_State *L, const cc_request_parts_t *parts)
{
    if (parts->host_prefix.len > 0) {
        lua_pushlstring(L, parts->host_prefix.data, parts->host_prefix.len);
        lua_setfield(L, -2, "host_prefix");
    }
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
    cc_err_t err;
    int rc;
    luaL_checktype(L, 2, LUA_TTABLE);
    opts.min_compression = (long)luaL_optinteger(L, 3, -1);
    opts.token = luaL_optstring(L, 4, NULL);
    box = cc_lua_newbox(L); /* owner first, then acquire */
    if ((rc = build_into(L, m, op, 2, &opts, box, &err)) != CC_OK)
        return push_refusal(L, box, rc, &err);
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
        cc_header_walk_t w = cc_header_walk(&box->parts);
        lua_createtable(L, 0, (int)box->parts.nheaders);
        while (cc_header_next(&w)) {
            lua_pushlstring(L, w.value, w.value_len);
            lua_setfield(L, -2, w.name);
        }
        lua_setfield(L, -2, "headers");
    }
    push_host_prefix(L, &box->parts);
    cc_lua_set_string(L, "operation", op->name);
    cc_lua_box_release(box);
    return 1;
}

/* {====== One call builds, adds the headers every request carries, signs ====== */
typedef struct {
    const char *p;
    size_t n;
} span_t;

/* The spans one after another, a NUL after them, in the arena. */
static const char *join(cc_arena_t *a, const span_t *spans, size_t k, size_t *len)
{
    size_t i, n = 0;
    char *out, *at;
    for (i = 0; i < k; i++)
        n += spans[i].n;
    if ((out = cc_arena_alloc(a, n + 1)) == NULL)
        return NULL;
    for (at = out, i = 0; i < k; i++) {
        if (spans[i].n > 0) /* an empty span may have no storage */
            memcpy(at, spans[i].p, spans[i].n);
        at += spans[i].n;
    }
    *at = '\0';
    *len = n;
    return out;
}

/* Sets a header, replacing one of exactly this name: the list holds what one
 * Lua table of headers would (the members bound to headers come first). */
static void set_header(cc_header_t *h, size_t *n, const char *name, const char *value, size_t value_len)
{
    size_t i, nlen = strlen(name);
    for (i = 0; i < *n; i++)
        if (h[i].name_len == nlen && memcmp(h[i].name, name, nlen) == 0)
            break;
    h[i].name = name;
    h[i].name_len = nlen;
    h[i].value = value;
    h[i].value_len = value_len;
    if (i == *n)
        (*n)++;
}

static int has_content_type(const cc_header_t *h, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (h[i].name_len == 12 && strncasecmp(h[i].name, "content-type", 12) == 0)
            return 1;
    return 0;
}

/* The names core.prepare reads and writes on every call, made Lua strings
 * once, as its upvalues: lua_getfield and lua_setfield with a C string look
 * the string up again each time (a hash and a strcmp). */
enum {
    K_SIGNER, K_REGION, K_SERVICE, K_ORIGIN, K_HOST, K_BASE_PATH, K_USER_AGENT, K_MIN_COMPRESSION,
    K_ACCESS_KEY_ID, K_SECRET_ACCESS_KEY, K_SESSION_TOKEN,
    K_OPERATION, K_METHOD, K_PATH, K_QUERY, K_BODY, K_HEADERS, K_URL,
    K_HOST_HEADER, K_DATE_HEADER, K_USER_AGENT_HEADER, K_CONTENT_TYPE_HEADER, K_TOKEN_HEADER, K_AUTHORIZATION,
    K_INVOCATION_ID_HEADER, K_REQUEST_HEADER,
    K_COUNT
};
static const char *const KEYS[K_COUNT] = {
    "signer", "region", "service", "origin", "host", "base_path", "user_agent", "min_compression",
    "access_key_id", "secret_access_key", "session_token",
    "operation", "method", "path", "query", "body", "headers", "url",
    "Host", "X-Amz-Date", "User-Agent", "Content-Type", "X-Amz-Security-Token", "Authorization",
    "amz-sdk-invocation-id", "amz-sdk-request",
};

static void push_key(lua_State *L, int k)
{
    lua_pushvalue(L, lua_upvalueindex(k + 1));
}

/* t[KEYS[k]] on the stack (metamethods honoured, as lua_getfield does). */
static void get_key(lua_State *L, int t, int k)
{
    push_key(L, k);
    lua_gettable(L, t);
}

/* t[KEYS[k]] = s (n bytes), t on top: a fresh table of ours. The key goes
 * first, so nothing is moved under the value. */
static void set_lstring(lua_State *L, int k, const char *s, size_t n)
{
    push_key(L, k);
    lua_pushlstring(L, s, n);
    lua_rawset(L, -3);
}

/* t[KEYS[k]] as a string (kept alive by t), or NULL when it is not one. */
static const char *string_key(lua_State *L, int t, int k, size_t *len)
{
    const char *s;
    get_key(L, t, k);
    s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, len) : NULL;
    lua_pop(L, 1);
    return s;
}

/* What a client sends every request with, read from its target table. */
typedef struct {
    cc_signer_t *signer;
    cc_buf_t *authz;
    const char *region, *service, *origin, *host, *base_path, *user_agent;
    size_t origin_len, host_len, base_path_len, user_agent_len, scheme_len;
    long min_compression;
    int checked; /* its header text found safe once (core.target): not checked again per call */
} target_t;

/* CC_OK when value, for our header KEYS[k], cannot split its line. */
static int check_value(int k, const char *value, size_t len, cc_err_t *err)
{
    return cc_header_check_value(KEYS[k], strlen(KEYS[k]), value, len, err);
}

/* CC_OK when what the target puts in headers cannot split a line: Host,
 * User-Agent, and the region and service inside Authorization. */
static int check_target_headers(const target_t *t, cc_err_t *err)
{
    int rc = check_value(K_HOST_HEADER, t->host, t->host_len, err);
    if (rc == CC_OK)
        rc = check_value(K_USER_AGENT_HEADER, t->user_agent, t->user_agent_len, err);
    if (rc == CC_OK)
        rc = check_value(K_AUTHORIZATION, t->region, strlen(t->region), err);
    if (rc == CC_OK)
        rc = check_value(K_AUTHORIZATION, t->service, strlen(t->service), err);
    return rc;
}

/* Reads the target table at t (argument argn, for errors). */
static void read_target(lua_State *L, int t, int argn, target_t *o)
{
    size_t unused;
    get_key(L, t, K_SIGNER);
    o->signer = cc_lua_check_signer(L, -1, &o->authz);
    lua_pop(L, 1);
    o->region = string_key(L, t, K_REGION, &unused);
    o->service = string_key(L, t, K_SERVICE, &unused);
    o->origin = string_key(L, t, K_ORIGIN, &o->origin_len);
    o->host = string_key(L, t, K_HOST, &o->host_len);
    o->base_path = string_key(L, t, K_BASE_PATH, &o->base_path_len);
    o->user_agent = string_key(L, t, K_USER_AGENT, &o->user_agent_len);
    if (!o->region || !o->service || !o->origin || !o->host || !o->base_path || !o->user_agent)
        luaL_argerror(L, argn, "region, service, origin, host, base_path and user_agent are required");
    {
        /* where the operation's endpoint prefix goes: "https://" "foo." "host" */
        const char *sep = strstr(o->origin, "://");
        o->scheme_len = sep ? (size_t)(sep - o->origin) + 3 : 0;
    }
    o->checked = 0;
    get_key(L, t, K_MIN_COMPRESSION);
    o->min_compression = lua_isnumber(L, -1) ? (long)lua_tointeger(L, -1) : -1;
    lua_pop(L, 1);
}

/* {====== Targets read once ====== */
/* core.target's userdata: a client's target table read once, as every call
 * would read it (eight lookups a call, 5% of a describe). Its user value is
 * an anchor table holding each value as it was read: the strings t points
 * into, the signer (whose box is fetched again on each call, so a closed
 * one still raises), and Host and User-Agent pushed as they are. */
typedef struct {
    target_t t;
    void *signer_box;
} compiled_target_t;

#define TARGET_UPVALUE (K_COUNT + 1) /* the metatable of targets, after KEYS */

static const int TARGET_FIELDS[] = {K_SIGNER, K_HOST, K_REGION, K_SERVICE, K_ORIGIN, K_BASE_PATH, K_USER_AGENT,
                                    K_MIN_COMPRESSION};

/*** Reads a client's target table once, for core.prepare to use on every call.
 * @tparam table target {signer, region, service, origin, host, base_path, user_agent, min_compression?}
 * @treturn userdata what core.prepare takes in place of the table */
static int l_target(lua_State *L)
{
    compiled_target_t *ct;
    target_t t;
    cc_err_t ignored;
    size_t i;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_createtable(L, 0, (int)(sizeof TARGET_FIELDS / sizeof TARGET_FIELDS[0])); /* 2: the anchor */
    for (i = 0; i < sizeof TARGET_FIELDS / sizeof TARGET_FIELDS[0]; i++) {
        push_key(L, TARGET_FIELDS[i]);
        get_key(L, 1, TARGET_FIELDS[i]); /* once: a metamethod's next answer is not what is kept */
        lua_rawset(L, 2);
    }
    read_target(L, 2, 1, &t);
    /* checked once here; a target that fails is checked again by each call,
     * which refuses it with the same error */
    t.checked = check_target_headers(&t, &ignored) == CC_OK;
    get_key(L, 2, K_SIGNER);
    ct = lua_newuserdatauv(L, sizeof *ct, 1);
    ct->t = t;
    ct->t.signer = NULL; /* fetched by each call */
    ct->t.authz = NULL;
    ct->signer_box = cc_lua_signer_box(L, -2);
    lua_pushvalue(L, lua_upvalueindex(TARGET_UPVALUE));
    lua_setmetatable(L, -2);
    lua_pushvalue(L, 2);
    cc_lua_setuservalue(L, -2);
    return 1;
}

/* The target userdata at idx, or NULL when it is something else. */
static const compiled_target_t *compiled_target(lua_State *L, int idx)
{
    const compiled_target_t *ct = NULL;
    if (lua_type(L, idx) == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
        if (lua_rawequal(L, -1, lua_upvalueindex(TARGET_UPVALUE)))
            ct = lua_touserdata(L, idx);
        lua_pop(L, 1);
    }
    return ct;
}

/* The target at idx, a table or a core.target, into t; a core.target is
 * replaced by its anchor table, where push_signed finds Host and User-Agent. */
static void check_target(lua_State *L, int idx, target_t *t)
{
    const compiled_target_t *ct = compiled_target(L, idx);
    if (ct == NULL) {
        luaL_checktype(L, idx, LUA_TTABLE);
        read_target(L, idx, idx, t);
        return;
    }
    *t = ct->t;
    t->signer = cc_lua_signer_of(L, ct->signer_box, &t->authz);
    cc_lua_getuservalue(L, idx);
    lua_replace(L, idx);
}
/* }====== */

/* Pushes a header's value, which is the target's string k itself when
 * from_target: that Lua string again, not a copy (the User-Agent is a long
 * string, copied and collected on every call; Host is hashed and looked up). */
static void push_header_value(lua_State *L, const cc_header_t *h, int target, int k, int from_target)
{
    if (from_target) {
        get_key(L, target, k);
        if (lua_tostring(L, -1) == h->value)
            return;
        lua_pop(L, 1); /* a target whose field changed under a metamethod: the bytes signed */
    }
    lua_pushlstring(L, h->value, h->value_len);
}

/* The two headers of an attempt of a call, added after signing, as botocore
 * adds them: the call's invocation id (the string given, or one made here)
 * and the attempt's amz-sdk-request value. */
typedef struct {
    int id_arg, request_arg; /* the arguments that give them, or 0 */
    char made_id[37];        /* the id made, when made_id[0] */
} attempt_ids_t;

static void read_attempt_ids(lua_State *L, int id_arg, int request_arg, attempt_ids_t *ids)
{
    ids->id_arg = lua_type(L, id_arg) == LUA_TSTRING ? id_arg : 0;
    ids->made_id[0] = '\0';
    if (ids->id_arg == 0 && lua_toboolean(L, id_arg))
        cc_uuid4(ids->made_id);
    luaL_optstring(L, request_arg, NULL);
    ids->request_arg = lua_isnoneornil(L, request_arg) ? 0 : request_arg;
}

/* CC_OK when the ids given cannot split a header line (the ones the client
 * gives are its own; core.prepare is callable with anything). */
static int check_attempt_ids(lua_State *L, const attempt_ids_t *ids, cc_err_t *err)
{
    size_t n;
    const char *v;
    int rc = CC_OK;
    if (ids->id_arg && (v = lua_tolstring(L, ids->id_arg, &n)) != NULL)
        rc = check_value(K_INVOCATION_ID_HEADER, v, n, err);
    if (rc == CC_OK && ids->request_arg && (v = lua_tolstring(L, ids->request_arg, &n)) != NULL)
        rc = check_value(K_REQUEST_HEADER, v, n, err);
    return rc;
}

static void push_attempt_ids(lua_State *L, const attempt_ids_t *ids)
{
    if (ids->id_arg) {
        push_key(L, K_INVOCATION_ID_HEADER);
        lua_pushvalue(L, ids->id_arg);
        lua_rawset(L, -3);
    } else if (ids->made_id[0]) {
        set_lstring(L, K_INVOCATION_ID_HEADER, ids->made_id, 36);
    }
    if (ids->request_arg) {
        push_key(L, K_REQUEST_HEADER);
        lua_pushvalue(L, ids->request_arg);
        lua_rawset(L, -3);
    }
}

/* The signed request's table: what core.build gives, with the headers every
 * request carries and Authorization among them, an attempt's ids, and url. */
static void push_signed(lua_State *L, const cc_operation_t *op, const cc_box_t *box, const cc_header_t *h,
                        size_t nh, const char *path, size_t path_len, const char *url, size_t url_len,
                        const cc_buf_t *authz, int target, const target_t *t, const attempt_ids_t *ids)
{
    size_t i;
    int k;
    lua_createtable(L, 0, 8);
    push_key(L, K_OPERATION);
    lua_pushstring(L, op->name);
    lua_rawset(L, -3);
    push_key(L, K_METHOD);
    lua_pushstring(L, op->method);
    lua_rawset(L, -3);
    set_lstring(L, K_PATH, path, path_len);
    set_lstring(L, K_QUERY, cc_buf_cstr((cc_buf_t *)&box->parts.query), box->parts.query.len);
    if (box->parts.has_body)
        set_lstring(L, K_BODY, cc_buf_cstr((cc_buf_t *)&box->parts.body), box->parts.body.len);
    push_key(L, K_HEADERS);
    lua_createtable(L, 0, (int)nh + 3); /* room for the two ids of an attempt */
    for (i = 0; i < nh; i++) {
        /* the headers of every request are named by KEYS; a member's header by the model */
        for (k = K_HOST_HEADER; k < K_AUTHORIZATION && h[i].name != KEYS[k]; k++)
            ;
        if (k == K_AUTHORIZATION) {
            lua_pushlstring(L, h[i].value, h[i].value_len);
            lua_setfield(L, -2, h[i].name);
            continue;
        }
        push_key(L, k);
        if (k == K_USER_AGENT_HEADER)
            push_header_value(L, &h[i], target, K_USER_AGENT, h[i].value == t->user_agent);
        else if (k == K_HOST_HEADER) /* the target's host, unless the operation prefixes it */
            push_header_value(L, &h[i], target, K_HOST, h[i].value == t->host);
        else
            lua_pushlstring(L, h[i].value, h[i].value_len);
        lua_rawset(L, -3);
    }
    set_lstring(L, K_AUTHORIZATION, authz->data, authz->len);
    push_attempt_ids(L, ids);
    lua_rawset(L, -3);
    set_lstring(L, K_URL, url, url_len);
    push_host_prefix(L, &box->parts);
}

/* CC_OK when no header of h (nh, the first nparts of them the
 * serializer's) can split a line, so no transport need check again. Only
 * text from outside is looked at: the serializer's headers (it checked the
 * members' as it wrote them, naming the parameter: again here, cheaply, for
 * whatever else it adds), the target's Host and User-Agent with the region
 * and service (once, by core.target), the session token, a date given as
 * text, and the access key id, the one part of Authorization from outside
 * besides the region and service: the rest of it, the date made here and the
 * names above are this code's or the model's. */
static int check_headers(const cc_header_t *h, size_t nh, size_t nparts, const target_t *t,
                         const cc_credentials_t *creds, size_t key_id_len, int date_given, cc_err_t *err)
{
    size_t i;
    int rc = CC_OK;
    for (i = 0; rc == CC_OK && i < nparts; i++)
        rc = cc_header_check(h[i].name, h[i].name_len, h[i].value, h[i].value_len, err);
    for (; rc == CC_OK && i < nh; i++) /* ours: their text from outside */
        if (h[i].name == KEYS[K_TOKEN_HEADER] || (h[i].name == KEYS[K_DATE_HEADER] && date_given))
            rc = cc_header_check_value(h[i].name, h[i].name_len, h[i].value, h[i].value_len, err);
    if (rc == CC_OK && creds->access_key_id)
        rc = check_value(K_AUTHORIZATION, creds->access_key_id, key_id_len, err);
    if (rc == CC_OK && !t->checked)
        rc = check_target_headers(t, err);
    return rc;
}

/*** Builds an operation's request, adds the headers every request carries
 * (Host, X-Amz-Date, User-Agent, Content-Type, X-Amz-Security-Token) and
 * signs it, in one call: nothing is read back from Lua tables.
 * @tparam string op
 * @tparam table params
 * @tparam table|userdata target {signer, region, service, origin, host, base_path, user_agent, min_compression?},
 *   or that table read once by core.target
 * @tparam table creds {access_key_id, secret_access_key, session_token?}
 * @tparam string|number|nil amz_date, or the epoch seconds to write it from (nil: the wall clock's)
 * @tparam[opt] string token for idempotency tokens left out
 * @tparam[opt] string|boolean invocation_id an attempt's amz-sdk-invocation-id header, unsigned (true: a new
 *   UUID v4, the first attempt of a call)
 * @tparam[opt] string request the attempt's amz-sdk-request header, unsigned
 * @treturn[1] table {operation, method, path, query, body?, headers, url, host_prefix?}
 * @treturn[2] nil
 * @treturn[2] table error {code, message, problems?} */
static int l_prepare(lua_State *L)
{
    const cc_model_t *m = model_arg(L);
    const cc_operation_t *op = check_op(L, m, 1);
    cc_build_opts_t opts = {NULL, -1};
    cc_credentials_t creds;
    cc_sigv4_request_t req;
    attempt_ids_t ids;
    target_t t;
    cc_box_t *box;
    cc_header_t *h;
    const char *amz_date, *host, *path, *origin, *url;
    char date_text[17];
    size_t nh = 0, nparts, token_len = 0, key_id_len = 0, host_len = 0, path_len = 0, origin_len = 0, url_len = 0,
           unused;
    cc_err_t err;
    int rc;
    /* phase 1: read every Lua value (this may raise; nothing is owned yet) */
    luaL_checktype(L, 2, LUA_TTABLE);
    check_target(L, 3, &t);
    luaL_checktype(L, 4, LUA_TTABLE);
    creds.access_key_id = string_key(L, 4, K_ACCESS_KEY_ID, &key_id_len);
    creds.secret_access_key = string_key(L, 4, K_SECRET_ACCESS_KEY, &unused);
    creds.session_token = string_key(L, 4, K_SESSION_TOKEN, &token_len);
    /* the clock's seconds (a number, or a numeric string) save the caller a
     * core.amz_date call; a date ("20150830T123600Z") is no number */
    if (lua_isnoneornil(L, 5)) { /* the wall clock, read here: core.now's, without a call of it */
        cc_ts_amz_date((long long)cc_wall_seconds(), date_text);
        amz_date = date_text;
    } else if (lua_isnumber(L, 5)) {
        cc_ts_amz_date((long long)lua_tonumber(L, 5), date_text);
        amz_date = date_text;
    } else {
        amz_date = luaL_checkstring(L, 5);
    }
    opts.token = luaL_optstring(L, 6, NULL);
    opts.min_compression = t.min_compression;
    read_attempt_ids(L, 7, 8, &ids);
    /* phase 2: C into the box, which a Lua error frees */
    box = cc_lua_newbox(L);
    if ((rc = build_into(L, m, op, 2, &opts, box, &err)) != CC_OK)
        return push_refusal(L, box, rc, &err);
    {
        const span_t host_spans[] = {{box->parts.host_prefix.data, box->parts.host_prefix.len}, {t.host, t.host_len}};
        const span_t path_spans[] = {{t.base_path, t.base_path_len}, {box->parts.path.data, box->parts.path.len}};
        if (box->parts.host_prefix.len == 0) { /* the target's own string, pushed again as it is */
            host = t.host;
            host_len = t.host_len;
        } else {
            host = join(&box->arena, host_spans, 2, &host_len);
        }
        path = join(&box->arena, path_spans, 2, &path_len);
    }
    {
        /* the operation's endpoint prefix goes after the scheme */
        const span_t origin_spans[] = {{t.origin, t.scheme_len},
                                       {box->parts.host_prefix.data, box->parts.host_prefix.len},
                                       {t.origin + t.scheme_len, t.origin_len - t.scheme_len}};
        origin = join(&box->arena, origin_spans, 3, &origin_len);
    }
    if (origin) {
        const span_t url_spans[] = {{origin, origin_len}, {path, path_len},
                                    {"?", box->parts.query.len > 0}, {box->parts.query.data, box->parts.query.len}};
        url = join(&box->arena, url_spans, 4, &url_len);
    } else {
        url = NULL;
    }
    h = cc_arena_alloc(&box->arena, (box->parts.nheaders + 5) * sizeof *h);
    if (host == NULL || path == NULL || url == NULL || h == NULL) {
        cc_lua_box_release(box);
        return cc_lua_fail(L, cc_strerror(CC_E_NOMEM), "out of memory preparing the request");
    }
    {
        cc_header_walk_t w = cc_header_walk(&box->parts);
        while (cc_header_next(&w))
            set_header(h, &nh, w.name, w.value, w.value_len);
        nparts = nh;
    }
    set_header(h, &nh, KEYS[K_HOST_HEADER], host, host_len);
    set_header(h, &nh, KEYS[K_DATE_HEADER], amz_date, strlen(amz_date));
    set_header(h, &nh, KEYS[K_USER_AGENT_HEADER], t.user_agent, t.user_agent_len);
    if (box->parts.has_body && !has_content_type(h, nh))
        set_header(h, &nh, KEYS[K_CONTENT_TYPE_HEADER], box->parts.content_type, strlen(box->parts.content_type));
    if (creds.session_token)
        set_header(h, &nh, KEYS[K_TOKEN_HEADER], creds.session_token, token_len);
    if ((rc = check_headers(h, nh, nparts, &t, &creds, key_id_len, amz_date != date_text, &err)) == CC_OK)
        rc = check_attempt_ids(L, &ids, &err);
    if (rc != CC_OK) {
        cc_lua_box_release(box);
        return cc_lua_fail(L, cc_strerror(rc), err.msg);
    }
    memset(&req, 0, sizeof req);
    req.method = op->method;
    req.path = path;
    req.path_len = path_len;
    req.query = box->parts.query.data;
    req.query_len = box->parts.query.len;
    req.headers = h;
    req.nheaders = nh;
    req.payload = box->parts.has_body ? box->parts.body.data : NULL;
    req.payload_len = box->parts.has_body ? box->parts.body.len : 0;
    if ((rc = cc_signer_sign(t.signer, &req, &creds, t.region, t.service, amz_date, t.authz, NULL, NULL, &err)) !=
        CC_OK) {
        cc_lua_box_release(box);
        return cc_lua_fail(L, cc_strerror(rc), err.msg);
    }
    /* phase 3: push (may raise on memory: the box frees itself) */
    push_signed(L, op, box, h, nh, path, path_len, url, url_len, t.authz, 3, &t, &ids);
    cc_lua_box_release(box);
    return 1;
}
/* }====== */

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
    {
        int k;
        luaL_checkstack(L, 2 * K_COUNT + 4, "opening the module");
        for (k = 0; k < K_COUNT; k++)
            lua_pushstring(L, KEYS[k]);
        luaL_newmetatable(L, TARGET_META);
        for (k = 0; k < TARGET_UPVALUE; k++)
            lua_pushvalue(L, -TARGET_UPVALUE);
        lua_pushcclosure(L, l_target, TARGET_UPVALUE);
        lua_setfield(L, -TARGET_UPVALUE - 2, "target");
        lua_pushcclosure(L, l_prepare, TARGET_UPVALUE);
        lua_setfield(L, -2, "prepare");
    }
}
