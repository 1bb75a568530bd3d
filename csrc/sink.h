/* Where a parsed answer goes: the deserializer reads the body by the output
 * shape and emits each value once, and a sink builds what its caller wants.
 * The binding's sink makes Lua tables directly; the tree sink (for the C
 * tests and C callers) makes a value tree. */
#ifndef CC_SINK_H
#define CC_SINK_H

#include <stddef.h>

#include "value.h"

/* Values are pushed on the sink's stack; field, key and index pop the value
 * on top into the table below it. Each returns CC_OK or CC_E_NOMEM. A sink
 * may also not return at all (the Lua one raises a memory error): whoever
 * drives a sink keeps what it allocates in an arena its caller owns. */
typedef struct cc_sink {
    void *ctx;
    /* A new empty table, with room for narr sequence and nrec other items. */
    int (*table)(void *ctx, size_t narr, size_t nrec);
    /* Strings are copied by the sink: s need not outlive the call. */
    int (*string)(void *ctx, const char *s, size_t n);
    int (*integer)(void *ctx, long long i);
    int (*number)(void *ctx, double d);
    int (*boolean)(void *ctx, int b);
    /* t[name] = value, name a NUL-terminated name of the model */
    int (*field)(void *ctx, const char *name);
    /* t[key] = value, key any bytes */
    int (*key)(void *ctx, const char *key, size_t n);
    /* t[i] = value */
    int (*index)(void *ctx, size_t i);
    /* How many values are on the stack; reset drops those above a mark. */
    size_t (*mark)(void *ctx);
    void (*reset)(void *ctx, size_t mark);
} cc_sink_t;

/* {====== A value tree ====== */
typedef struct cc_tree_sink {
    cc_arena_t *a; /* tables and strings */
    struct cc_tree_slot *stack;
    size_t top, cap;
} cc_tree_sink_t;

/* A sink that builds value trees in the arena. */
void cc_tree_sink_init(cc_tree_sink_t *t, cc_arena_t *a, cc_sink_t *sink);
/* Pops the value on top into out; 0 when the stack is empty. */
int cc_tree_sink_pop(cc_tree_sink_t *t, cc_value_t *out);
void cc_tree_sink_free(cc_tree_sink_t *t);
/* }====== */

#endif
