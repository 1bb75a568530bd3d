/* Binding of the SigV4 signer: connectcampaigns.Signer userdata. */
#include "lbind.h"

#include <string.h>

#include "sigv4.h"

#define SIGNER_META "connectcampaigns.Signer"

typedef struct {
    cc_signer_t *signer;
    cc_buf_t authz, creq, sts; /* owned here so a Lua error cannot leak them */
} lsigner_t;

static lsigner_t *signer_at(lua_State *L, int idx)
{
    lsigner_t *s = luaL_checkudata(L, idx, SIGNER_META);
    if (s->signer == NULL)
        luaL_error(L, "attempt to use a closed " SIGNER_META);
    return s;
}

static lsigner_t *check_signer(lua_State *L)
{
    return signer_at(L, 1);
}

cc_signer_t *cc_lua_check_signer(lua_State *L, int idx, cc_buf_t **authz)
{
    lsigner_t *s = signer_at(L, idx);
    cc_buf_reset(&s->authz);
    *authz = &s->authz;
    return s->signer;
}

void *cc_lua_signer_box(lua_State *L, int idx)
{
    return signer_at(L, idx);
}

cc_signer_t *cc_lua_signer_of(lua_State *L, void *box, cc_buf_t **authz)
{
    lsigner_t *s = box;
    if (s->signer == NULL)
        luaL_error(L, "attempt to use a closed " SIGNER_META);
    cc_buf_reset(&s->authz);
    *authz = &s->authz;
    return s->signer;
}

static int signer_gc(lua_State *L)
{
    lsigner_t *s = luaL_checkudata(L, 1, SIGNER_META);
    cc_signer_free(s->signer);
    s->signer = NULL;
    cc_buf_free(&s->authz);
    cc_buf_free(&s->creq);
    cc_buf_free(&s->sts);
    return 0;
}

static int signer_tostring(lua_State *L)
{
    lua_pushfstring(L, SIGNER_META " (%p)", lua_topointer(L, 1));
    return 1;
}

static const char *opt_field(lua_State *L, int t, const char *k, size_t *len)
{
    const char *s;
    lua_getfield(L, t, k);
    s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, len) : NULL;
    lua_pop(L, 1); /* the table still holds the string */
    return s;
}

/*** Signs a request.
 * @tparam table req {method, path, query, headers = {name = value}, body}
 * @tparam table creds {access_key_id, secret_access_key, session_token?}
 * @tparam string region
 * @tparam string service
 * @tparam string amz_date the X-Amz-Date the headers carry
 * @tparam[opt] boolean debug also return the canonical request and string to sign
 * @treturn string the Authorization header value */
static int meth_sign(lua_State *L)
{
    lsigner_t *s = check_signer(L);
    cc_sigv4_request_t req;
    cc_credentials_t creds;
    cc_header_t *headers;
    const char *region, *service, *amz_date;
    int debug = lua_toboolean(L, 7), rc;
    size_t n = 0, i = 0, len;
    cc_err_t err;
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    region = luaL_checkstring(L, 4);
    service = luaL_checkstring(L, 5);
    amz_date = luaL_checkstring(L, 6);
    memset(&req, 0, sizeof req);
    /* phase 1: read every Lua value (this may raise; nothing is owned yet) */
    req.method = opt_field(L, 2, "method", &len);
    req.path = opt_field(L, 2, "path", &req.path_len);
    req.query = opt_field(L, 2, "query", &req.query_len);
    req.payload = opt_field(L, 2, "body", &req.payload_len);
    if (req.method == NULL || req.path == NULL)
        return luaL_argerror(L, 2, "method and path are required");
    creds.access_key_id = opt_field(L, 3, "access_key_id", &len);
    creds.secret_access_key = opt_field(L, 3, "secret_access_key", &len);
    creds.session_token = opt_field(L, 3, "session_token", &len);
    lua_getfield(L, 2, "headers");
    luaL_checktype(L, -1, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        n++;
        lua_pop(L, 1);
    }
    headers = lua_newuserdatauv(L, (n ? n : 1) * sizeof *headers, 0); /* scratch, GC-owned */
    lua_pushnil(L);
    while (lua_next(L, -3)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING && i < n) {
            headers[i].name = lua_tolstring(L, -2, &headers[i].name_len);
            headers[i].value = lua_tolstring(L, -1, &headers[i].value_len);
            i++;
        }
        lua_pop(L, 1);
    }
    req.headers = headers;
    req.nheaders = i;
    /* phase 2: pure C into buffers the userdata owns */
    cc_buf_reset(&s->authz);
    cc_buf_reset(&s->creq);
    cc_buf_reset(&s->sts);
    rc = cc_signer_sign(s->signer, &req, &creds, region, service, amz_date, &s->authz,
                        debug ? &s->creq : NULL, debug ? &s->sts : NULL, &err);
    if (rc != CC_OK)
        return cc_lua_fail(L, cc_strerror(rc), err.msg);
    /* phase 3: push */
    lua_pushlstring(L, cc_buf_cstr(&s->authz), s->authz.len);
    if (!debug)
        return 1;
    lua_pushlstring(L, cc_buf_cstr(&s->creq), s->creq.len);
    lua_pushlstring(L, cc_buf_cstr(&s->sts), s->sts.len);
    return 3;
}

static int l_signer_new(lua_State *L)
{
    lsigner_t *s = lua_newuserdatauv(L, sizeof *s, 0);
    cc_err_t err;
    s->signer = NULL;
    cc_buf_init(&s->authz);
    cc_buf_init(&s->creq);
    cc_buf_init(&s->sts);
    luaL_getmetatable(L, SIGNER_META);
    lua_setmetatable(L, -2);
    if ((s->signer = cc_signer_new(&err)) == NULL)
        return luaL_error(L, "%s", err.msg);
    return 1;
}

/*** SHA-1 of a string in hex: how the SSO token cache names its files. */
static int l_sha1_hex(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    char out[41];
    if (!cc_sha1_hex(s, n, out))
        return luaL_error(L, "SHA-1 failed");
    lua_pushstring(L, out);
    return 1;
}

void cc_lua_signer_open(lua_State *L)
{
    static const luaL_Reg meta[] = {
        {"__gc", signer_gc}, {"__close", signer_gc}, {"__tostring", signer_tostring}, {NULL, NULL}};
    static const luaL_Reg methods[] = {{"sign", meth_sign}, {"close", signer_gc}, {NULL, NULL}};
    if (luaL_newmetatable(L, SIGNER_META)) {
        luaL_setfuncs(L, meta, 0);
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, l_signer_new);
    lua_setfield(L, -2, "signer");
    lua_pushcfunction(L, l_sha1_hex);
    lua_setfield(L, -2, "sha1_hex");
}
