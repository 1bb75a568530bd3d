/* A C host that embeds Lua and links connectcampaigns in (no core.so on
 * disk): several OS threads, each with a Lua state of its own, each running
 * examples/embed/worker.lua in a sandbox without io and os, driven by a frame
 * loop that never blocks on the network.
 *
 *   embed_host ENDPOINT [THREADS]
 *
 * What a host must know:
 * - luaopen_connectcampaigns_core is preloaded into package.preload, so
 *   require "connectcampaigns" finds the C part inside the executable.
 * - Process-wide setup (libcurl's global init, OpenSSL, the compiled model)
 *   happens once, thread-safely, whichever state requires the module first.
 * - A lua_State is not thread-safe: one per thread, as here, or a lock. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

int luaopen_connectcampaigns_core(lua_State *L);

#define MAX_THREADS 16
#define MAX_FRAMES 100000

typedef struct {
    const char *endpoint;
    int id;
    char summary[256];
    int ok;
} job_t;

/* A state with the base, package, string, table, math and coroutine
 * libraries: no io, no os. */
static lua_State *sandbox(void)
{
    static const luaL_Reg libs[] = {
        {"_G", luaopen_base},       {LUA_LOADLIBNAME, luaopen_package}, {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
#if LUA_VERSION_NUM >= 502
        {LUA_COLIBNAME, luaopen_coroutine},
#endif
        {NULL, NULL}};
    const luaL_Reg *lib;
    lua_State *L = luaL_newstate();
    if (L == NULL)
        return NULL;
    for (lib = libs; lib->func; lib++) {
#if LUA_VERSION_NUM >= 502
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
#else
        lua_pushcfunction(L, lib->func);
        lua_pushstring(L, lib->name);
        lua_call(L, 1, 0);
#endif
    }
    /* the C part from this executable; the Lua part from the tree */
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "preload");
    lua_pushcfunction(L, luaopen_connectcampaigns_core);
    lua_setfield(L, -2, "connectcampaigns.core");
    lua_pop(L, 1);
    lua_pushstring(L, "./lua/?.lua;./lua/?/init.lua");
    lua_setfield(L, -2, "path");
    lua_pushstring(L, "");
    lua_setfield(L, -2, "cpath"); /* nothing from disk */
    lua_pop(L, 1);
    return L;
}

static void frame_pause(void)
{
    struct timespec ts = {0, 1000000}; /* the rest of a 1 ms frame */
    nanosleep(&ts, NULL);
}

static void *run(void *arg)
{
    job_t *job = arg;
    lua_State *L = sandbox();
    int frames;
    if (L == NULL) {
        snprintf(job->summary, sizeof job->summary, "thread %d: no Lua state", job->id);
        return NULL;
    }
    if (luaL_loadfile(L, "examples/embed/worker.lua") != 0) {
        snprintf(job->summary, sizeof job->summary, "thread %d: %s", job->id, lua_tostring(L, -1));
        lua_close(L);
        return NULL;
    }
    lua_pushstring(L, job->endpoint);
    lua_pushinteger(L, job->id);
    if (lua_pcall(L, 2, 1, 0) != 0) {
        snprintf(job->summary, sizeof job->summary, "thread %d: %s", job->id, lua_tostring(L, -1));
        lua_close(L);
        return NULL;
    }
    /* the frame loop: one call of the script's frame function per frame */
    for (frames = 0; frames < MAX_FRAMES; frames++) {
        lua_pushvalue(L, -1);
        if (lua_pcall(L, 0, 1, 0) != 0) {
            snprintf(job->summary, sizeof job->summary, "thread %d: %s", job->id, lua_tostring(L, -1));
            break;
        }
        if (!lua_isnil(L, -1)) {
            snprintf(job->summary, sizeof job->summary, "%s", lua_tostring(L, -1));
            job->ok = strncmp(job->summary, "thread ", 7) == 0;
            break;
        }
        lua_pop(L, 1);
        frame_pause();
    }
    lua_close(L);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t threads[MAX_THREADS];
    job_t jobs[MAX_THREADS];
    int n = argc > 2 ? atoi(argv[2]) : 4, i, ok = 0;
    if (argc < 2 || n < 1 || n > MAX_THREADS) {
        fprintf(stderr, "usage: embed_host ENDPOINT [THREADS 1-%d]\n", MAX_THREADS);
        return 2;
    }
    memset(jobs, 0, sizeof jobs);
    for (i = 0; i < n; i++) {
        jobs[i].endpoint = argv[1];
        jobs[i].id = i + 1;
        if (pthread_create(&threads[i], NULL, run, &jobs[i]) != 0) {
            fprintf(stderr, "embed: cannot start thread %d\n", i + 1);
            return 1;
        }
    }
    for (i = 0; i < n; i++) {
        pthread_join(threads[i], NULL);
        printf("%s\n", jobs[i].summary);
        ok += jobs[i].ok;
    }
    printf("embed: %d passed, %d failed\n", ok, n - ok);
    return ok == n ? 0 : 1;
}
