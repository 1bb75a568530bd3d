/* The few Lua C API calls that differ between Lua 5.4 and Lua 5.3, 5.1 and
 * the 5.1 API of LuaJIT 2.1 (OpenResty), kept here so the binding reads as
 * plain 5.4. */
#ifndef CC_COMPAT_H
#define CC_COMPAT_H

#include <lua.h>
#include <lauxlib.h>

#if defined(__GNUC__)
#define CC_API __attribute__((visibility("default")))
#else
#define CC_API
#endif

#if LUA_VERSION_NUM < 504
#define lua_newuserdatauv(L, sz, nuv) lua_newuserdata((L), (sz))
#endif

#if LUA_VERSION_NUM < 502
#define lua_rawlen(L, i) lua_objlen((L), (i))
#define lua_absindex(L, i) ((i) > 0 || (i) <= LUA_REGISTRYINDEX ? (i) : lua_gettop(L) + (i) + 1)
/* LuaJIT 2.1 has these from 5.2; plain Lua 5.1 does not */
#ifndef luaL_newlib
#define CC_NEED_SETFUNCS 1
#define luaL_newlibtable(L, l) lua_createtable((L), 0, sizeof(l) / sizeof((l)[0]) - 1)
#define luaL_newlib(L, l) (luaL_newlibtable((L), (l)), luaL_setfuncs((L), (l), 0))
void luaL_setfuncs(lua_State *L, const luaL_Reg *l, int nup);
#endif
#endif

/* A userdata's one user value (a table: 5.1 takes nothing else) */
#if LUA_VERSION_NUM >= 504
#define cc_lua_getuservalue(L, i) lua_getiuservalue((L), (i), 1)
#define cc_lua_setuservalue(L, i) lua_setiuservalue((L), (i), 1)
#elif LUA_VERSION_NUM >= 502
#define cc_lua_getuservalue(L, i) lua_getuservalue((L), (i))
#define cc_lua_setuservalue(L, i) lua_setuservalue((L), (i))
#else
#define cc_lua_getuservalue(L, i) lua_getfenv((L), (i))
#define cc_lua_setuservalue(L, i) lua_setfenv((L), (i))
#endif

#if LUA_VERSION_NUM < 503
#define cc_lua_isinteger(L, i) 0
#else
#define cc_lua_isinteger(L, i) lua_isinteger((L), (i))
#endif

#endif
