/* A neutral value tree: what a Lua table becomes before the shape engine
 * validates and serializes it, and what a response becomes before the
 * binding turns it into Lua tables. All of it lives in one arena. */
#ifndef CC_VALUE_H
#define CC_VALUE_H

#include <stddef.h>

typedef enum {
    CC_V_NIL,
    CC_V_BOOL,
    CC_V_INT,
    CC_V_NUM,
    CC_V_STR,
    CC_V_TABLE,
    CC_V_OTHER,  /* a function, userdata, ...: never valid input */
    CC_V_REFUSED /* a table the binding would not walk (a cycle, too deep, too
                  * many values): u.other says why, validation reports it */
} cc_vkind_t;

typedef struct cc_entry cc_entry_t;

typedef struct cc_value {
    cc_vkind_t kind;
    union {
        int b;
        long long i;
        double n;
        struct {
            const char *s; /* not necessarily NUL-terminated */
            size_t len;
        } str;
        struct {
            cc_entry_t *items;
            size_t n;
            /* Non-NULL when whoever built the table read it by this
             * structure shape: items[i] holds member i (its key CC_V_NIL
             * when the member is not set) and keys the shape does not have
             * follow the members. Lookups by member are then one index. */
            const struct cc_shape *slots;
        } tab;
        const char *other; /* the Lua type name, or why a value was refused */
    } u;
} cc_value_t;

struct cc_entry {
    cc_value_t key;
    cc_value_t val;
};

/* {====== Arena ====== */
typedef struct cc_arena_chunk cc_arena_chunk_t;
typedef struct cc_arena {
    cc_arena_chunk_t *head;
} cc_arena_t;

void cc_arena_init(cc_arena_t *a);
/* Frees every chunk; the arena is empty and usable again. */
void cc_arena_free(cc_arena_t *a);
/* Empties the arena for reuse: it keeps one chunk as large as all it had,
 * when that is at most keep bytes (else none). */
void cc_arena_reset(cc_arena_t *a, size_t keep);
/* Memory owned by the arena, aligned for any type; NULL when out of memory. */
void *cc_arena_alloc(cc_arena_t *a, size_t n);
/* A NUL-terminated copy of n bytes owned by the arena; NULL when out of memory. */
char *cc_arena_strndup(cc_arena_t *a, const char *s, size_t n);
/* }====== */

/* Looks a string key up in a table value; NULL when absent. */
const cc_value_t *cc_value_field(const cc_value_t *t, const char *key);
/* The same with the key's length known (a model member's name_len). */
const cc_value_t *cc_value_field_n(const cc_value_t *t, const char *key, size_t klen);
/* How many keys a table holds (the members set, in a table with slots). */
size_t cc_value_count(const cc_value_t *t);
/* Whether a table's keys are exactly the integers 1..n (the empty table is). */
int cc_value_is_sequence(const cc_value_t *t);
/* The element at Lua index idx (1-based) of a sequence table; NULL if absent. */
const cc_value_t *cc_value_index(const cc_value_t *t, long long idx);
/* The entries of a table whose keys are all strings, sorted by key bytes
 * (a Lua table has no order: sorting makes output reproducible). The array
 * is room when the entries fit its CC_SORT_ROOM slots, else allocated;
 * release it with cc_value_sorted_free. NULL when out of memory. */
#define CC_SORT_ROOM 16
const cc_entry_t **cc_value_sorted_entries(const cc_value_t *t, const cc_entry_t *room[CC_SORT_ROOM]);
void cc_value_sorted_free(const cc_entry_t **sorted, const cc_entry_t *room[CC_SORT_ROOM]);
/* A short name of the value's type for messages ("string", "table", ...). */
const char *cc_value_type_name(const cc_value_t *v);
/* Sets a table value with room for n entries from the arena (entries zeroed). */
int cc_value_new_table(cc_arena_t *a, cc_value_t *v, size_t n);
void cc_value_set_str(cc_value_t *v, const char *s, size_t len);

#endif
