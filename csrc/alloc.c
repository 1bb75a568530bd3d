#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static cc_alloc_gate_t gate_fn;

void cc_alloc_set_gate(cc_alloc_gate_t gate)
{
    gate_fn = gate;
}

static int allowed(void)
{
    return gate_fn == NULL || gate_fn();
}

void *cc_malloc(size_t n)
{
    return allowed() ? malloc(n) : NULL;
}

void *cc_calloc(size_t n, size_t size)
{
    return allowed() ? calloc(n, size) : NULL;
}

void *cc_realloc(void *p, size_t n)
{
    return allowed() ? realloc(p, n) : NULL;
}

void cc_free(void *p)
{
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
