/* The Lua binding of the core: module connectcampaigns.core. Each binding
 * file opens its part into the module table, as luasocket's modules do;
 * lbind.c holds what they share. */
#include "lbind.h"

/* The parts, in order: the shared metatables first. */
static const struct {
    const char *name;
    void (*open)(lua_State *L);
} mod[] = {
    {"bind", cc_lua_bind_open},     /* scratch boxes */
    {"model", cc_lua_model_open},   /* models, build, parse */
    {"util", cc_lua_util_open},     /* JSON, XML, clocks, ids, spawn */
    {"signer", cc_lua_signer_open}, /* SigV4 */
    {"http", cc_lua_http_open},     /* libcurl handles and multi */
    {NULL, NULL},
};

CC_API int luaopen_connectcampaigns_core(lua_State *L);

CC_API int luaopen_connectcampaigns_core(lua_State *L)
{
    int i;
    lua_newtable(L);
    for (i = 0; mod[i].name != NULL; i++)
        mod[i].open(L);
    return 1;
}
