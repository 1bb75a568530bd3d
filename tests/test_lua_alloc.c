/* A small Lua host whose allocator fails from the Nth allocation on, for every N,
 * while a client makes the seed calls through a canned transport. Each run
 * must end in a memory error (raised, or returned as an error that says so)
 * or in success, the client must stay usable, and lua_close must free
 * everything (ASan and valgrind check that). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "../csrc/alloc.h"
#include "../csrc/lbind.h"
#include "check.h"

#ifndef LUA_OK /* Lua 5.1 and LuaJIT */
#define LUA_OK 0
#endif

int luaopen_connectcampaigns_core(lua_State *L);

static long alloc_count, fail_at; /* fail_at 0: never */

static void *failing_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    /* Lua assumes that shrinking never fails. From the Nth on every growth
     * fails: Lua retries a failed one after an emergency collection. */
    if (fail_at && (ptr == NULL || nsize > osize) && ++alloc_count >= fail_at)
        return NULL;
    return realloc(ptr, nsize);
}

/* LuaJIT's compiled traces do not survive a failed allocation (a crash in
 * the VM's own code, with or without this module): the interpreter does, and
 * is what this test checks there. */
static const char SETUP[] =
    "if jit then jit.off() end\n"
    "package.path = './lua/?.lua;./lua/?/init.lua;' .. package.path\n"
    "local cc = require 'connectcampaigns'\n"
    "local f = assert(io.open('spec/fixtures/responses/describe_campaign.json', 'rb'))\n"
    "local answer = f:read('*a') f:close()\n"
    "local c = assert(cc.new { region = 'us-east-1', max_attempts = 2, sleep = function() end,\n"
    "  credentials = { access_key_id = 'AKID', secret_access_key = 'secret', session_token = 'tok' },\n"
    "  transport = function(req)\n"
    "    return { status = 200, headers = { ['x-amzn-RequestId'] = 'r' },\n"
    "             body = req.url:find('/describe', 1, true) and answer or '{}' } end })\n"
    "local calls = {\n"
    "  { 'describe_campaign', { id = 'c1' } },\n"
    "  { 'update_campaign_communication_limits', { id = 'c1', communicationLimitsOverride = {\n"
    "    allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = 3, frequency = 1, unit = 'DAY' } } } } } },\n"
    "  { 'put_instance_communication_limits', { connectInstanceId = 'i', communicationLimitsConfig = {\n"
    "    allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = 5, frequency = 7, unit = 'DAY' } } } } } },\n"
    "  { 'update_campaign_communication_time', { id = 'c1', communicationTimeConfig = {\n"
    "    localTimeZoneConfig = { defaultTimeZone = 'UTC', localTimeZoneDetection = { 'ZIP_CODE' } } } } },\n"
    "  { 'tag_resource', { arn = 'arn:aws:connect-campaigns:us-east-1:1:campaign/c1', tags = { team = 'growth' } } },\n"
    "}\n"
    "return function()\n"
    "  for _, call in ipairs(calls) do\n"
    "    local out, err = c:call(call[1], call[2])\n"
    "    if not out then return 'err: ' .. tostring(err.code) .. ': ' .. tostring(err.message) end\n"
    "  end\n"
    "  return 'ok'\n"
    "end\n";

/* "ok", "memory" (an error that says so), or the unexpected outcome. */
static const char *run(lua_State *L, char *why, size_t size)
{
    int status;
    lua_pushvalue(L, 1);
    status = lua_pcall(L, 0, 1, 0);
    fail_at = 0;
    if (status == LUA_ERRMEM) {
        lua_pop(L, 1);
        return "memory";
    }
    snprintf(why, size, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(not a string)");
    lua_pop(L, 1);
    if (status == LUA_OK && strcmp(why, "ok") == 0)
        return "ok";
    if (strstr(why, "memory"))
        return "memory";
    return why;
}

/* NULL where the VM has no pluggable allocator (LuaJIT's 64-bit builds). */
static lua_State *new_state(void)
{
    lua_State *L = lua_newstate(failing_alloc, NULL);
    if (L == NULL)
        return NULL;
    luaL_openlibs(L);
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "preload");
    lua_pushcfunction(L, luaopen_connectcampaigns_core);
    lua_setfield(L, -2, "connectcampaigns.core");
    lua_pop(L, 2);
    return L;
}

/* Loading the module and making a client, failing from the Nth allocation
 * on (every N at first, then sparser: loading allocates a lot). */
static void test_loading(void)
{
    long n, runs = 0, bad = 0;
    for (n = 1;; n += 1 + n / 40) {
        lua_State *L = new_state();
        int status;
        alloc_count = 0;
        fail_at = n;
        status = luaL_dostring(L, SETUP);
        fail_at = 0;
        runs++;
        if (status != LUA_OK && status != LUA_ERRMEM && !strstr(lua_tostring(L, -1), "memory")) {
            bad++;
            fprintf(stderr, "lua_alloc: loading, allocation %ld failed: %s\n", n, lua_tostring(L, -1));
        }
        lua_close(L);
        if (alloc_count < n) {
            CHECK(status == LUA_OK, "loading succeeds when no allocation fails");
            break;
        }
    }
    CHECK(bad == 0 && runs > 50, "loading ends in a memory error or success, whichever allocation fails");
}

/* A call made while the state's scratch box is taken (a finalizer run
 * inside another call can do that) gets a box of its own; once the box is
 * free again, calls use it and allocate nothing in C. */
static void test_nested_box(void)
{
    lua_State *L = new_state();
    cc_box_t *outer;
    long before;
    int top;
    static const char CALL[] = "local core = require 'connectcampaigns.core'\n"
                               "assert(core.build('DescribeCampaign', { id = 'c-1' }))";
    CHECK(luaL_dostring(L, CALL) == LUA_OK, "a first call makes the state's box");
    top = lua_gettop(L);
    outer = cc_lua_newbox(L); /* takes the state's box, as a running call does */
    CHECK(outer->shared, "the first box asked for is the state's");
    before = cc_alloc_total();
    CHECK(luaL_dostring(L, CALL) == LUA_OK, "a call while the box is taken succeeds");
    CHECK(cc_alloc_total() > before, "... with a box of its own");
    cc_lua_box_release(outer);
    lua_settop(L, top);
    CHECK(luaL_dostring(L, CALL) == LUA_OK, "warm");
    before = cc_alloc_total();
    CHECK(luaL_dostring(L, CALL) == LUA_OK && cc_alloc_total() == before,
          "once released, the state's box serves calls again with no allocation");
    lua_close(L);
}

/* Fails each allocation in turn, from the first, of one run of the calls
 * (the function at 1) in one state throughout: a memory error must leave
 * it, and the client, usable. Returns the runs; last, the last outcome. */
static long fail_each(lua_State *L, long *memory, long *bad, const char **last)
{
    long n, runs = 0;
    char why[512];
    for (n = 1;; n++) {
        lua_gc(L, LUA_GCCOLLECT, 0);
        alloc_count = 0;
        fail_at = n;
        *last = run(L, why, sizeof why);
        runs++;
        if (alloc_count < n) /* nothing failed: the whole path ran */
            return runs;
        if (strcmp(*last, "memory") == 0) {
            (*memory)++;
        } else if (strcmp(*last, "ok") != 0) {
            (*bad)++;
            fprintf(stderr, "lua_alloc: allocation %ld failed: %s\n", n, *last);
        }
    }
}

/* Whether a run of the calls, after one to warm up, allocates nothing in C. */
static int no_allocation_now(lua_State *L)
{
    char why[512];
    long before;
    run(L, why, sizeof why);
    before = cc_alloc_total();
    return strcmp(run(L, why, sizeof why), "ok") == 0 && cc_alloc_total() == before;
}

/* The function at 1 replaced by one that runs it in a new coroutine. */
static void in_coroutines(lua_State *L)
{
    static const char WRAP[] = "local calls = ...\n"
                               "return function()\n"
                               "  local ok, r = coroutine.resume(coroutine.create(calls))\n"
                               "  if not ok then error(r, 0) end\n"
                               "  return r\n"
                               "end\n";
    if (luaL_loadstring(L, WRAP) != LUA_OK)
        return;
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 1, 1, 0) == LUA_OK)
        lua_replace(L, 1);
    else
        lua_pop(L, 1);
}

int main(void)
{
    lua_State *L;
    long runs = 0, bad = 0, memory = 0;
    char why[512];
    const char *outcome = "";
    if ((L = new_state()) == NULL) {
        printf("lua_alloc: this VM takes no custom allocator (LuaJIT x64); nothing to run\n");
        return CHECK_DONE("lua_alloc");
    }
    lua_close(L);
    test_nested_box();
    test_loading();
    L = new_state();
    if (luaL_dostring(L, SETUP) != LUA_OK) {
        fprintf(stderr, "lua_alloc: setup: %s\n", lua_tostring(L, -1));
        lua_close(L);
        return 1;
    }
    CHECK(strcmp(run(L, why, sizeof why), "ok") == 0, "the calls succeed with memory to spare");
    runs = fail_each(L, &memory, &bad, &outcome);
    CHECK(strcmp(outcome, "ok") == 0, "the last run, with no failure, succeeds");
    CHECK(bad == 0, "every failed Lua allocation ends in a memory error or success");
    /* the path makes about a hundred allocations (98 now): fewer than half
     * would mean the failing allocator did not reach it */
    CHECK(memory > 50 && runs > 50, "allocations were made to fail");
    /* a memory error left the state's box taken; the calls made after it,
     * from where the failed one was made, take it back */
    CHECK(no_allocation_now(L), "after the memory errors, the state's box serves the calls again with no allocation");
    /* the same calls, each run in a new coroutine: one killed by the error
     * never calls again (its box stays taken: the calls get boxes of their
     * own), and the state and client stay usable */
    in_coroutines(L);
    memory = bad = 0;
    runs += fail_each(L, &memory, &bad, &outcome);
    CHECK(strcmp(outcome, "ok") == 0 && bad == 0 && memory > 50, "the same in coroutines");
    CHECK(strcmp(run(L, why, sizeof why), "ok") == 0, "the client is usable after every failure");
    lua_close(L);
    printf("lua_alloc: %ld runs, %ld memory errors\n", runs, memory);
    return CHECK_DONE("lua_alloc");
}
