/* Every heap allocation of the core goes through these, so a test can make
 * the Nth one fail and check that each error path frees what it holds. */
#ifndef CC_ALLOC_H
#define CC_ALLOC_H

#include <stddef.h>

void *cc_malloc(size_t n);
void *cc_calloc(size_t n, size_t size);
void *cc_realloc(void *p, size_t n);
void cc_free(void *p);
char *cc_strdup(const char *s);

/* Zeroes n bytes at p in a way the compiler keeps (a secret, or text that
 * held one): the C library's explicit_bzero where it has one, which zeroes
 * at the vector width (a signature's canonical request, wiped on every
 * call: 3 ns, against 15 for OPENSSL_cleanse's word at a time), else
 * OPENSSL_cleanse. */
void cc_wipe(void *p, size_t n);

/* How many blocks allocated here are not freed yet (for leak specs). */
long cc_alloc_live(void);
/* How many allocations (malloc, calloc, realloc) were asked for so far. */
long cc_alloc_total(void);

/* Test hook: when set, each allocation first asks gate(); 0 makes it fail.
 * Set it only while no other thread allocates through the core. */
typedef int (*cc_alloc_gate_t)(void);
void cc_alloc_set_gate(cc_alloc_gate_t gate);

/* Test hook: when set, cc_free shows watch() each block before freeing it,
 * and cc_realloc each block it may free by moving it (the SigV4 test checks
 * that no block freed still holds a credential).
 * Set it only while no other thread frees through the core. */
typedef void (*cc_free_watch_t)(void *p);
void cc_alloc_set_free_watch(cc_free_watch_t watch);

#endif
