/* The binding's utilities: plain JSON and XML, clocks, ids, allocation
 * counts and the subprocess runner the credential sources use. */
#include "lbind.h"

#include <string.h>

#include "alloc.h"
#include "json.h"
#include "spawn.h"
#include "timestamp.h"
#include "uuid.h"
#include "xml.h"

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
    return cc_lua_push_encoded(L, 1, NULL, NULL);
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

/* Whether the string at idx has an upper-case ASCII letter. */
static int has_upper(lua_State *L, int idx)
{
    size_t n, i;
    const char *s = lua_tolstring(L, idx, &n);
    for (i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            return 1;
    return 0;
}

/*** How a transport's answer can be read, checked in one call (each check
 * in Lua is a call too).
 * @tparam any resp
 * @treturn true|false|nil true: as it is (an integer status, a string body,
 *   a table of headers whose names are strings in lower case); false: a
 *   table with a number status, to copy into that form; nil: not an answer */
static int l_answer_form(lua_State *L)
{
    int whole, plain = 1;
    if (lua_type(L, 1) != LUA_TTABLE)
        return 0;
    /* the names are upvalues, interned once: lua_getfield with a C string
     * looks it up again (a hash and a strcmp), 40% of this function */
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_gettable(L, 1);
    if (lua_type(L, -1) != LUA_TNUMBER)
        return 0;
    whole = cc_lua_whole(L, -1);
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_gettable(L, 1);
    lua_pushvalue(L, lua_upvalueindex(3));
    lua_gettable(L, 1);
    if (!whole || lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TTABLE) {
        plain = 0;
    } else {
        int headers = lua_gettop(L);
        lua_pushnil(L);
        while (plain && lua_next(L, headers)) {
            plain = lua_type(L, -2) == LUA_TSTRING && !has_upper(L, -2); /* tolstring of a string key is safe */
            lua_pop(L, 1);
        }
    }
    lua_pushboolean(L, plain);
    return 1;
}

void cc_lua_util_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"json_decode", l_json_decode},
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
    luaL_setfuncs(L, funcs, 0);
    lua_pushliteral(L, "status");
    lua_pushliteral(L, "body");
    lua_pushliteral(L, "headers");
    lua_pushcclosure(L, l_answer_form, 3);
    lua_setfield(L, -2, "answer_form");
}
