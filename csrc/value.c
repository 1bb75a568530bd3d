#include "value.h"
#include "alloc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* C99 has no max_align_t: this union is aligned for anything we store */
typedef union {
    long double ld;
    long long ll;
    void *p;
    double d;
} arena_align_t;

struct cc_arena_chunk {
    cc_arena_chunk_t *next;
    size_t used;
    size_t cap;
    arena_align_t data[];
};

#define ARENA_CHUNK_MIN 8192

void cc_arena_init(cc_arena_t *a)
{
    a->head = NULL;
}

void cc_arena_free(cc_arena_t *a)
{
    cc_arena_chunk_t *c = a->head;
    while (c) {
        cc_arena_chunk_t *next = c->next;
        cc_free(c);
        c = next;
    }
    a->head = NULL;
}

static cc_arena_chunk_t *new_chunk(cc_arena_t *a, size_t cap)
{
    cc_arena_chunk_t *c = cc_malloc(sizeof *c + cap);
    if (c == NULL)
        return NULL;
    c->used = 0;
    c->cap = cap;
    c->next = a->head;
    a->head = c;
    return c;
}

void cc_arena_reset(cc_arena_t *a, size_t keep)
{
    cc_arena_chunk_t *c = a->head;
    size_t total = 0;
    if (c && c->next == NULL && c->cap <= keep) { /* one chunk: the usual case */
        c->used = 0;
        return;
    }
    for (; c; c = c->next)
        total += c->cap;
    cc_arena_free(a);
    /* what the last use took, in one chunk: the next use like it needs no other */
    if (total > 0 && total <= keep)
        new_chunk(a, total);
}

void *cc_arena_alloc(cc_arena_t *a, size_t n)
{
    const size_t align = sizeof(arena_align_t);
    cc_arena_chunk_t *c = a->head;
    void *p;
    if (n > ((size_t)-1) / 2)
        return NULL;
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    if (c == NULL || c->cap - c->used < n) {
        c = new_chunk(a, n > ARENA_CHUNK_MIN ? n : ARENA_CHUNK_MIN);
        if (c == NULL)
            return NULL;
    }
    p = (unsigned char *)c->data + c->used;
    c->used += n;
    return p;
}

char *cc_arena_strndup(cc_arena_t *a, const char *s, size_t n)
{
    char *p = cc_arena_alloc(a, n + 1);
    if (p == NULL)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

const cc_value_t *cc_value_field(const cc_value_t *t, const char *key)
{
    return cc_value_field_n(t, key, strlen(key));
}

const cc_value_t *cc_value_field_n(const cc_value_t *t, const char *key, size_t klen)
{
    size_t i;
    if (t == NULL || t->kind != CC_V_TABLE)
        return NULL;
    for (i = 0; i < t->u.tab.n; i++) {
        const cc_value_t *k = &t->u.tab.items[i].key;
        if (k->kind == CC_V_STR && k->u.str.len == klen && memcmp(k->u.str.s, key, klen) == 0)
            return &t->u.tab.items[i].val;
    }
    return NULL;
}

size_t cc_value_count(const cc_value_t *t)
{
    size_t i, n = 0;
    if (t->u.tab.slots == NULL)
        return t->u.tab.n;
    for (i = 0; i < t->u.tab.n; i++)
        n += t->u.tab.items[i].key.kind != CC_V_NIL;
    return n;
}

const char *cc_value_type_name(const cc_value_t *v)
{
    switch (v->kind) {
    case CC_V_NIL: return "nil";
    case CC_V_BOOL: return "boolean";
    case CC_V_INT: return "integer";
    case CC_V_NUM: return "number";
    case CC_V_STR: return "string";
    case CC_V_TABLE: return "table";
    case CC_V_OTHER: return v->u.other ? v->u.other : "userdata";
    case CC_V_REFUSED: return "table";
    }
    return "unknown";
}

int cc_value_new_table(cc_arena_t *a, cc_value_t *v, size_t n)
{
    v->kind = CC_V_TABLE;
    v->u.tab.n = 0;
    v->u.tab.items = NULL;
    v->u.tab.slots = NULL;
    if (n == 0)
        return 1;
    v->u.tab.items = cc_arena_alloc(a, n * sizeof(cc_entry_t));
    if (v->u.tab.items == NULL)
        return 0;
    memset(v->u.tab.items, 0, n * sizeof(cc_entry_t));
    return 1;
}

void cc_value_set_str(cc_value_t *v, const char *s, size_t len)
{
    v->kind = CC_V_STR;
    v->u.str.s = s;
    v->u.str.len = len;
}

int cc_value_is_sequence(const cc_value_t *t)
{
    size_t i;
    for (i = 0; i < t->u.tab.n; i++) {
        const cc_value_t *k = &t->u.tab.items[i].key;
        /* n keys, each an integer in 1..n, with no repeats possible: exactly 1..n */
        if (k->kind != CC_V_INT || k->u.i < 1 || (unsigned long long)k->u.i > t->u.tab.n)
            return 0;
    }
    return 1;
}

const cc_value_t *cc_value_index(const cc_value_t *t, long long idx)
{
    size_t i;
    if (t == NULL || t->kind != CC_V_TABLE || idx < 1)
        return NULL;
    /* lua_next walks the array part in order, so the guess is usually right */
    if ((size_t)idx <= t->u.tab.n) {
        const cc_entry_t *e = &t->u.tab.items[idx - 1];
        if (e->key.kind == CC_V_INT && e->key.u.i == idx)
            return &e->val;
    }
    for (i = 0; i < t->u.tab.n; i++)
        if (t->u.tab.items[i].key.kind == CC_V_INT && t->u.tab.items[i].key.u.i == idx)
            return &t->u.tab.items[i].val;
    return NULL;
}

static int entry_key_cmp(const void *a, const void *b)
{
    const cc_entry_t *x = *(const cc_entry_t *const *)a, *y = *(const cc_entry_t *const *)b;
    size_t n = x->key.u.str.len < y->key.u.str.len ? x->key.u.str.len : y->key.u.str.len;
    int c = memcmp(x->key.u.str.s, y->key.u.str.s, n);
    if (c)
        return c;
    return x->key.u.str.len < y->key.u.str.len ? -1 : x->key.u.str.len > y->key.u.str.len;
}

const cc_entry_t **cc_value_sorted_entries(const cc_value_t *t, const cc_entry_t *room[CC_SORT_ROOM])
{
    size_t i, n = t->u.tab.n;
    const cc_entry_t **sorted = n <= CC_SORT_ROOM ? room : cc_malloc(n * sizeof *sorted);
    if (sorted == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        sorted[i] = &t->u.tab.items[i];
    qsort(sorted, n, sizeof *sorted, entry_key_cmp);
    return sorted;
}

void cc_value_sorted_free(const cc_entry_t **sorted, const cc_entry_t *room[CC_SORT_ROOM])
{
    if (sorted != room)
        cc_free(sorted);
}
