/* Binding of the libcurl transport: connectcampaigns.Http userdata. */
#include "lbind.h"

#include <math.h>
#include <string.h>

#include "header.h"
#include "http.h"
#include "multi.h"

#define HTTP_META "connectcampaigns.Http"
#define MULTI_META "connectcampaigns.Multi"

typedef struct {
    cc_http_t *http;
} lhttp_t;

static lhttp_t *check_http(lua_State *L)
{
    lhttp_t *h = luaL_checkudata(L, 1, HTTP_META);
    if (h->http == NULL)
        luaL_error(L, "attempt to use a closed " HTTP_META);
    return h;
}

static int http_gc(lua_State *L)
{
    lhttp_t *h = luaL_checkudata(L, 1, HTTP_META);
    cc_http_free(h->http);
    h->http = NULL;
    return 0;
}

static int http_tostring(lua_State *L)
{
    lhttp_t *h = luaL_checkudata(L, 1, HTTP_META);
    lua_pushfstring(L, HTTP_META " (%s%p)", h->http ? "" : "closed, ", (void *)h);
    return 1;
}

/* nil and {code, message, retryable = false}: a failure no retry can fix. */
static int fail_final(lua_State *L, const cc_err_t *err)
{
    cc_lua_fail(L, cc_strerror(err->code), err->msg);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "retryable");
    return 2;
}

/* Whether the pair on top of the stack (key -2, value -1) is a header the
 * request sends: a string name, a string or number value. */
static int is_header_pair(lua_State *L)
{
    return lua_type(L, -2) == LUA_TSTRING && (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER);
}

/* Reads the request table at idx into req, its strings kept alive by values
 * pushed on the stack (the caller pops them after starting the transfer):
 * the "Name: value" lines are written into one scratch userdata, with no
 * Lua string per line. CC_OK, or an error in err for a header that may not
 * be sent. May raise for a malformed table (misuse). */
static int read_request(lua_State *L, int idx, cc_http_request_t *req, cc_err_t *err)
{
    const char **lines;
    char *text;
    size_t n = 0, i = 0, bytes = 0;
    int headers_idx;
    memset(req, 0, sizeof *req);
    lua_getfield(L, idx, "method");
    req->method = luaL_checkstring(L, -1);
    lua_getfield(L, idx, "url");
    req->url = luaL_checkstring(L, -1);
    lua_getfield(L, idx, "body");
    if (lua_type(L, -1) == LUA_TSTRING) {
        req->body = lua_tolstring(L, -1, &req->body_len);
        req->has_body = 1;
    }
    lua_getfield(L, idx, "headers");
    headers_idx = lua_gettop(L);
    if (lua_type(L, -1) == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, headers_idx)) {
            if (is_header_pair(L)) {
                size_t nlen, vlen;
                lua_tolstring(L, -2, &nlen);
                lua_tolstring(L, -1, &vlen); /* a number becomes a string on the stack only */
                n++;
                bytes += nlen + vlen + 3; /* ": " and a NUL */
            }
            lua_pop(L, 1);
        }
    }
    lines = lua_newuserdatauv(L, (n ? n : 1) * sizeof *lines + bytes, 0);
    text = (char *)(lines + (n ? n : 1));
    if (n) {
        lua_pushnil(L);
        while (lua_next(L, headers_idx)) {
            if (is_header_pair(L) && i < n) {
                size_t nlen, vlen;
                const char *name = lua_tolstring(L, -2, &nlen);
                const char *value = lua_tolstring(L, -1, &vlen);
                /* with lengths: a NUL would otherwise cut the line short unseen */
                if (nlen + vlen + 3 > bytes) /* no code runs between the passes: never, but no overflow */
                    return cc_err_set(err, CC_E_PARAM, "headers changed while read");
                if (cc_header_check(name, nlen, value, vlen, err) != CC_OK)
                    return err->code;
                lines[i++] = text;
                memcpy(text, name, nlen);
                memcpy(text + nlen, ": ", 2);
                memcpy(text + nlen + 2, value, vlen);
                text[nlen + 2 + vlen] = '\0';
                text += nlen + vlen + 3;
                bytes -= nlen + vlen + 3;
            }
            lua_pop(L, 1);
        }
    }
    req->headers = lines;
    req->nheaders = i;
    return CC_OK;
}

/* Pushes an answer as {status, headers = {lower-case name = value}, body}. */
static void push_response(lua_State *L, const cc_http_response_t *resp)
{
    const char *p = resp->headers, *end = resp->headers + resp->headers_len;
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, (lua_Integer)resp->status);
    lua_setfield(L, -2, "status");
    lua_pushlstring(L, resp->body, resp->body_len);
    lua_setfield(L, -2, "body");
    lua_newtable(L);
    while (p < end) {
        const char *name = p, *value = p + strlen(p) + 1;
        if (value >= end)
            break;
        lua_pushstring(L, name);
        lua_pushvalue(L, -1);
        lua_rawget(L, -3);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            lua_pushstring(L, value);
        } else { /* repeated header: join as HTTP allows */
            lua_pushfstring(L, "%s, %s", lua_tostring(L, -1), value);
            lua_remove(L, -2);
        }
        lua_rawset(L, -3);
        p = value + strlen(value) + 1;
    }
    lua_setfield(L, -2, "headers");
}

/* nil and the error of a transfer (not retryable when no retry can help). */
static int fail_transfer(lua_State *L, int rc, const cc_err_t *err)
{
    return rc == CC_E_TOO_LARGE || rc == CC_E_PARAM ? fail_final(L, err) : cc_lua_fail(L, cc_strerror(rc), err->msg);
}

/*** Sends a request and waits for the answer.
 * @tparam table req {method, url, headers = {name = value}, body?}
 * @treturn[1] table {status, headers = {lower-case name = value}, body}
 * @treturn[2] nil
 * @treturn[2] table {code = "NetworkError"|"TimeoutError", message} */
static int meth_request(lua_State *L)
{
    lhttp_t *h = check_http(L);
    cc_http_request_t req;
    cc_http_response_t resp;
    cc_err_t err;
    int rc;
    luaL_checktype(L, 2, LUA_TTABLE);
    /* phase 1: read and build every string in Lua (may raise; nothing owned) */
    if (read_request(L, 2, &req, &err) != CC_OK)
        return fail_final(L, &err);
    /* phase 2: the transfer; pure C, answers kept in the handle */
    if ((rc = cc_http_perform(h->http, &req, &resp, &err)) != CC_OK)
        return fail_transfer(L, rc, &err);
    /* phase 3: push */
    push_response(L, &resp);
    cc_http_trim(h->http);
    return 1;
}

/*** Checks the headers of a request as every transport must before sending.
 * @tparam table headers {name = value}
 * @treturn[1] true
 * @treturn[2] nil
 * @treturn[2] table {code = "ParamValidationError", message} naming the header, never its value */
static int l_check_headers(lua_State *L)
{
    cc_err_t err;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        size_t nlen = 0, vlen = 0;
        const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &nlen) : "";
        const char *value = "";
        if (lua_type(L, -1) == LUA_TSTRING)
            value = lua_tolstring(L, -1, &vlen);
        else if (lua_type(L, -1) != LUA_TNUMBER) /* tolstring would change a number key-side: read types only */
            return cc_lua_fail(L, "ParamValidationError", "a header value must be a string");
        if (cc_header_check(name, nlen, value, vlen, &err) != CC_OK)
            return cc_lua_fail(L, cc_strerror(err.code), err.msg);
        lua_pop(L, 1);
    }
    lua_pushboolean(L, 1);
    return 1;
}

/*** Bytes the handle keeps allocated for answers between requests. */
static int meth_buffered(lua_State *L)
{
    lhttp_t *h = check_http(L);
    lua_pushinteger(L, (lua_Integer)cc_http_buffered(h->http));
    return 1;
}

/* {====== Many transfers at once: connectcampaigns.Multi ====== */
typedef struct {
    cc_multi_t *multi;
} lmulti_t;

static lmulti_t *check_multi(lua_State *L)
{
    lmulti_t *m = luaL_checkudata(L, 1, MULTI_META);
    if (m->multi == NULL)
        luaL_error(L, "attempt to use a closed " MULTI_META);
    return m;
}

static int multi_gc(lua_State *L)
{
    lmulti_t *m = luaL_checkudata(L, 1, MULTI_META);
    cc_multi_free(m->multi); /* takes transfers under way off first */
    m->multi = NULL;
    return 0;
}

/*** Starts a request on an idle Http handle of this multi's loop.
 * The caller keeps the handle alive until the transfer is reported done.
 * @treturn[1] lightuserdata the key perform() reports it under
 * @treturn[2] nil
 * @treturn[2] table error */
static int meth_add(lua_State *L)
{
    lmulti_t *m = check_multi(L);
    lhttp_t *h = luaL_checkudata(L, 2, HTTP_META);
    cc_http_request_t req;
    cc_err_t err;
    int rc;
    luaL_checktype(L, 3, LUA_TTABLE);
    if (h->http == NULL)
        return luaL_error(L, "attempt to use a closed " HTTP_META);
    if (read_request(L, 3, &req, &err) != CC_OK)
        return fail_final(L, &err);
    if ((rc = cc_multi_add(m->multi, h->http, &req, &err)) != CC_OK)
        return fail_transfer(L, rc, &err);
    lua_pushlightuserdata(L, h->http);
    return 1;
}

/*** Stops a transfer under way. */
static int meth_cancel(lua_State *L)
{
    lmulti_t *m = check_multi(L);
    lhttp_t *h = luaL_checkudata(L, 2, HTTP_META);
    if (h->http)
        cc_multi_remove(m->multi, h->http);
    return 0;
}

/*** Waits at most timeout seconds for network activity and moves every
 * transfer on.
 * @treturn table the finished ones: array of {key, response | false, error?}
 * @treturn integer how many are still under way */
static int meth_perform(lua_State *L)
{
    lmulti_t *m = check_multi(L);
    lua_Number timeout = luaL_optnumber(L, 2, 0);
    int running = 0, code, n = 0;
    cc_http_t *done;
    cc_err_t err;
    if (cc_multi_perform(m->multi, timeout > 0 ? (int)(timeout * 1000 + 0.5) : 0, &running, &err) != CC_OK)
        return luaL_error(L, "%s", err.msg);
    lua_newtable(L);
    while (cc_multi_next_done(m->multi, &done, &code)) {
        cc_http_response_t resp;
        int rc = cc_http_finish(done, code, &resp, &err);
        lua_createtable(L, 3, 0);
        lua_pushlightuserdata(L, done);
        lua_rawseti(L, -2, 1);
        if (rc == CC_OK) {
            push_response(L, &resp);
            cc_http_trim(done);
            lua_rawseti(L, -2, 2);
        } else {
            fail_transfer(L, rc, &err); /* nil, error */
            lua_rawseti(L, -3, 3);
            lua_pop(L, 1);
            lua_pushboolean(L, 0);
            lua_rawseti(L, -2, 2);
        }
        lua_rawseti(L, -2, ++n);
    }
    lua_pushinteger(L, running);
    return 2;
}

/*** A loop of transfers on one libcurl multi handle (what cc.async runs on). */
static int l_multi_new(lua_State *L)
{
    lmulti_t *m = lua_newuserdatauv(L, sizeof *m, 0);
    cc_err_t err;
    m->multi = NULL;
    luaL_getmetatable(L, MULTI_META);
    lua_setmetatable(L, -2);
    if ((m->multi = cc_multi_new(&err)) == NULL)
        return luaL_error(L, "%s", err.msg);
    return 1;
}
/* }====== */

static lua_Number opt_number_field(lua_State *L, int t, const char *k, lua_Number def)
{
    lua_Number v;
    lua_getfield(L, t, k);
    v = lua_isnil(L, -1) ? def : luaL_checknumber(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Whole milliseconds, never 0 for a positive time: libcurl reads 0 as none. */
static long seconds_to_ms(lua_Number s)
{
    if (!(s > 0))
        return 0;
    if (s >= 2e6) /* beyond 23 days: as good as none, and no overflow */
        return 2000000000L;
    return (long)ceil(s * 1000);
}

/*** A transport with one reused libcurl handle.
 * @tparam[opt] table opts {ca_file, timeout (s), connect_timeout (s), max_response (bytes)} */
static int l_http_new(lua_State *L)
{
    cc_http_options_t opts;
    lhttp_t *h;
    cc_err_t err;
    memset(&opts, 0, sizeof opts);
    if (lua_istable(L, 1)) {
        lua_getfield(L, 1, "ca_file");
        opts.ca_file = lua_tostring(L, -1); /* copied by cc_http_new */
        opts.timeout_ms = seconds_to_ms(opt_number_field(L, 1, "timeout", 0));
        opts.connect_timeout_ms = seconds_to_ms(opt_number_field(L, 1, "connect_timeout", 0));
        opts.max_response = (size_t)opt_number_field(L, 1, "max_response", 0);
    }
    h = lua_newuserdatauv(L, sizeof *h, 0);
    h->http = NULL;
    luaL_getmetatable(L, HTTP_META);
    lua_setmetatable(L, -2);
    if ((h->http = cc_http_new(&opts, &err)) == NULL)
        return luaL_error(L, "%s", err.msg);
    return 1;
}

static int l_curl_version(lua_State *L)
{
    lua_pushstring(L, cc_http_curl_version());
    return 1;
}

void cc_lua_http_open(lua_State *L)
{
    static const luaL_Reg meta[] = {
        {"__gc", http_gc}, {"__close", http_gc}, {"__tostring", http_tostring}, {NULL, NULL}};
    static const luaL_Reg methods[] = {{"request", meth_request}, {"buffered", meth_buffered}, {"close", http_gc}, {NULL, NULL}};
    if (luaL_newmetatable(L, HTTP_META)) {
        luaL_setfuncs(L, meta, 0);
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    {
        static const luaL_Reg mmeta[] = {{"__gc", multi_gc}, {"__close", multi_gc}, {NULL, NULL}};
        static const luaL_Reg mmethods[] = {
            {"add", meth_add}, {"perform", meth_perform}, {"cancel", meth_cancel}, {"close", multi_gc}, {NULL, NULL}};
        if (luaL_newmetatable(L, MULTI_META)) {
            luaL_setfuncs(L, mmeta, 0);
            luaL_newlib(L, mmethods);
            lua_setfield(L, -2, "__index");
        }
        lua_pop(L, 1);
    }
    lua_pushcfunction(L, l_multi_new);
    lua_setfield(L, -2, "multi");
    lua_pushcfunction(L, l_http_new);
    lua_setfield(L, -2, "http");
    lua_pushcfunction(L, l_check_headers);
    lua_setfield(L, -2, "check_headers");
    lua_pushcfunction(L, l_curl_version);
    lua_setfield(L, -2, "curl_version");
}
