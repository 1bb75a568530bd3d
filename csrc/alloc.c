#include "alloc.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#if (defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25))) || defined(__OpenBSD__) || \
    defined(__FreeBSD__) || defined(__NetBSD__)
#define HAVE_EXPLICIT_BZERO 1
#endif

void cc_wipe(void *p, size_t n)
{
    if (p == NULL || n == 0)
        return;
#ifdef HAVE_EXPLICIT_BZERO
    explicit_bzero(p, n);
#else
    OPENSSL_cleanse(p, n);
#endif
}

static cc_alloc_gate_t gate_fn;
static cc_free_watch_t free_watch;
/* Blocks allocated and not yet freed: lets a spec see a C leak that the Lua
 * heap cannot show. Relaxed atomics: a count, not a synchronisation. */
static long live_blocks;
/* Every malloc, calloc and realloc made: the benchmark's allocations per call. */
static long total_calls;

static void *counted(void *p)
{
    if (p)
        __atomic_add_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
    return p;
}

long cc_alloc_live(void)
{
    return __atomic_load_n(&live_blocks, __ATOMIC_RELAXED);
}

long cc_alloc_total(void)
{
    return __atomic_load_n(&total_calls, __ATOMIC_RELAXED);
}

void cc_alloc_set_gate(cc_alloc_gate_t gate)
{
    gate_fn = gate;
}

void cc_alloc_set_free_watch(cc_free_watch_t watch)
{
    free_watch = watch;
}

static int allowed(void)
{
    __atomic_add_fetch(&total_calls, 1, __ATOMIC_RELAXED);
    return gate_fn == NULL || gate_fn();
}

void *cc_malloc(size_t n)
{
    return allowed() ? counted(malloc(n)) : NULL;
}

void *cc_calloc(size_t n, size_t size)
{
    return allowed() ? counted(calloc(n, size)) : NULL;
}

void *cc_realloc(void *p, size_t n)
{
    void *q;
    if (!allowed())
        return NULL;
    if (p && free_watch)
        free_watch(p); /* it may move: the block as it may be left behind */
    q = realloc(p, n);
    return p == NULL ? counted(q) : q;
}

void cc_free(void *p)
{
    if (p)
        __atomic_sub_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
    if (p && free_watch)
        free_watch(p);
    free(p);
}

char *cc_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = cc_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}
