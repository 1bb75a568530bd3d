/* connectcampaigns.emulator.native: the C the emulator alone needs (its own
 * rock, connectcampaigns-emulator): requests read strictly as the service
 * reads them, and its state file written atomically. The client's
 * connectcampaigns.core carries none of it. */
#include <string.h>

#include "compat.h"
#include "file.h"
#include "json.h"
#include "model.h"
#include "shape.h"

static int fail(lua_State *L, const cc_err_t *err)
{
    lua_pushnil(L);
    lua_createtable(L, 0, 2);
    lua_pushstring(L, cc_strerror(err->code));
    lua_setfield(L, -2, "code");
    lua_pushstring(L, err->msg);
    lua_setfield(L, -2, "message");
    return 2;
}

static int gc_arena(lua_State *L)
{
    cc_arena_free(lua_touserdata(L, 1));
    return 0;
}

/*** Checks a request body against an operation's input shape as the service
 * reads it: a wrong JSON type, an unknown member, a null or an integer beyond
 * 32 bits is an error naming the member.
 * @treturn[1] true
 * @treturn[2] nil
 * @treturn[2] table {code, message} */
static int l_check_request(lua_State *L)
{
    cc_err_t err;
    const cc_model_t *m = cc_model_get(&err);
    const char *name = luaL_checkstring(L, 1);
    size_t len;
    const char *body = luaL_checklstring(L, 2, &len);
    const cc_operation_t *op;
    cc_arena_t *a;
    cc_value_t tree;
    int rc;
    if (m == NULL)
        return luaL_error(L, "%s", err.msg);
    if ((op = cc_model_find_op(m, name)) == NULL)
        return luaL_error(L, "unknown operation '%s'", name);
    if (op->input == NULL || len == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    /* the arena in a userdata whose __gc frees it: a Lua error cannot leak it */
    a = lua_newuserdatauv(L, sizeof *a, 0);
    cc_arena_init(a);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, gc_arena);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    rc = cc_json_decode(body, len, a, &tree, &err);
    if (rc == CC_OK)
        rc = cc_shape_check_strict(op->input, &tree, &err);
    cc_arena_free(a);
    if (rc != CC_OK)
        return fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/*** Writes a file atomically (temporary file, fsync, rename).
 * @treturn[1] true
 * @treturn[2] nil
 * @treturn[2] table error */
static int l_write_file_atomic(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    size_t len;
    const char *data = luaL_checklstring(L, 2, &len);
    cc_err_t err;
    if (cc_file_write_atomic(path, data, len, &err) != CC_OK)
        return fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/*** Removes what crashed atomic writes of a file left behind; returns how many. */
static int l_remove_temporaries(lua_State *L)
{
    lua_pushinteger(L, cc_file_remove_temporaries(luaL_checkstring(L, 1)));
    return 1;
}

CC_API int luaopen_connectcampaigns_emulator_native(lua_State *L);

CC_API int luaopen_connectcampaigns_emulator_native(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"check_request", l_check_request},
        {"write_file_atomic", l_write_file_atomic},
        {"remove_temporaries", l_remove_temporaries},
        {NULL, NULL},
    };
    const luaL_Reg *f;
    lua_createtable(L, 0, 3); /* by hand: Lua 5.1 has no luaL_newlib */
    for (f = funcs; f->name; f++) {
        lua_pushcfunction(L, f->func);
        lua_setfield(L, -2, f->name);
    }
    return 1;
}
