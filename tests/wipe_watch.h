/* What the wipe tests share: a cc_free watch (cc_alloc_set_free_watch)
 * that counts the freed blocks holding any of the secrets in wiped[]. A
 * block holding a secret's first WIPED_PREFIX bytes counts: a buffer grown
 * midway holds a part. Needs _GNU_SOURCE (memmem, malloc_usable_size). */
#ifndef CC_WIPE_WATCH_H
#define CC_WIPE_WATCH_H

#include <malloc.h>
#include <string.h>
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#endif
#ifndef VALGRIND_MAKE_MEM_DEFINED
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)(p), (void)(n))
#endif

#define WIPED_PREFIX 40
static const char *wiped[2];
static size_t frees_seen, blocks_holding;

static void watch_free(void *p)
{
    size_t n = malloc_usable_size(p), i;
    /* the bytes never written are read too: under valgrind, say they are
     * defined (the test looks for what was written, wherever it is) */
    VALGRIND_MAKE_MEM_DEFINED(p, n);
    frees_seen++;
    for (i = 0; i < sizeof wiped / sizeof wiped[0]; i++)
        if (wiped[i] && memmem(p, n, wiped[i], WIPED_PREFIX) != NULL)
            blocks_holding++;
}

#endif
