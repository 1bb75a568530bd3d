/* The tree sink: the events of a parsed answer made into a value tree. */
#include "sink.h"

#include <string.h>

#include "alloc.h"
#include "err.h"

/* A value being built; cap is the room of a table's items. */
struct cc_tree_slot {
    cc_value_t v;
    size_t cap;
};

static int push(cc_tree_sink_t *t, const cc_value_t *v, size_t cap)
{
    if (t->top == t->cap) {
        size_t n = t->cap ? t->cap * 2 : 16;
        struct cc_tree_slot *s = cc_realloc(t->stack, n * sizeof *s);
        if (s == NULL)
            return CC_E_NOMEM;
        t->stack = s;
        t->cap = n;
    }
    t->stack[t->top].v = *v;
    t->stack[t->top].cap = cap;
    t->top++;
    return CC_OK;
}

static int tree_table(void *ctx, size_t narr, size_t nrec)
{
    cc_tree_sink_t *t = ctx;
    size_t cap = narr + nrec > 0 ? narr + nrec : 4;
    cc_value_t v;
    if (!cc_value_new_table(t->a, &v, cap))
        return CC_E_NOMEM;
    v.u.tab.n = 0;
    return push(t, &v, cap);
}

/* A string value of n bytes copied into the arena; 0 when out of memory. */
static int copied(cc_tree_sink_t *t, const char *s, size_t n, cc_value_t *v)
{
    char *copy = cc_arena_strndup(t->a, s, n);
    if (copy == NULL)
        return 0;
    cc_value_set_str(v, copy, n);
    return 1;
}

static int tree_string(void *ctx, const char *s, size_t n)
{
    cc_value_t v;
    return copied(ctx, s, n, &v) ? push(ctx, &v, 0) : CC_E_NOMEM;
}

static int tree_integer(void *ctx, long long i)
{
    cc_value_t v;
    v.kind = CC_V_INT;
    v.u.i = i;
    return push(ctx, &v, 0);
}

static int tree_number(void *ctx, double d)
{
    cc_value_t v;
    v.kind = CC_V_NUM;
    v.u.n = d;
    return push(ctx, &v, 0);
}

static int tree_boolean(void *ctx, int b)
{
    cc_value_t v;
    v.kind = CC_V_BOOL;
    v.u.b = b;
    return push(ctx, &v, 0);
}

/* Pops the value on top into the table below it, under key. */
static int set(cc_tree_sink_t *t, const cc_value_t *key)
{
    struct cc_tree_slot *table = &t->stack[t->top - 2];
    cc_value_t *tab = &table->v;
    if (tab->u.tab.n == table->cap) { /* full: double the room */
        cc_value_t grown;
        if (!cc_value_new_table(t->a, &grown, table->cap * 2))
            return CC_E_NOMEM;
        memcpy(grown.u.tab.items, tab->u.tab.items, tab->u.tab.n * sizeof *tab->u.tab.items);
        grown.u.tab.n = tab->u.tab.n;
        *tab = grown;
        table->cap *= 2;
    }
    tab->u.tab.items[tab->u.tab.n].key = *key;
    tab->u.tab.items[tab->u.tab.n].val = t->stack[t->top - 1].v;
    tab->u.tab.n++;
    t->top--;
    return CC_OK;
}

static int tree_key(void *ctx, const char *s, size_t n)
{
    cc_value_t key;
    return copied(ctx, s, n, &key) ? set(ctx, &key) : CC_E_NOMEM;
}

static int tree_field(void *ctx, const char *name)
{
    cc_value_t key;
    cc_value_set_str(&key, name, strlen(name)); /* the model's names outlive the tree */
    return set(ctx, &key);
}

static int tree_index(void *ctx, size_t i)
{
    cc_value_t key;
    key.kind = CC_V_INT;
    key.u.i = (long long)i;
    return set(ctx, &key);
}

static size_t tree_mark(void *ctx)
{
    return ((cc_tree_sink_t *)ctx)->top;
}

static void tree_reset(void *ctx, size_t mark)
{
    ((cc_tree_sink_t *)ctx)->top = mark;
}

void cc_tree_sink_init(cc_tree_sink_t *t, cc_arena_t *a, cc_sink_t *sink)
{
    t->a = a;
    t->stack = NULL;
    t->top = t->cap = 0;
    sink->ctx = t;
    sink->table = tree_table;
    sink->string = tree_string;
    sink->integer = tree_integer;
    sink->number = tree_number;
    sink->boolean = tree_boolean;
    sink->field = tree_field;
    sink->key = tree_key;
    sink->index = tree_index;
    sink->mark = tree_mark;
    sink->reset = tree_reset;
}

int cc_tree_sink_pop(cc_tree_sink_t *t, cc_value_t *out)
{
    if (t->top == 0)
        return 0;
    *out = t->stack[--t->top].v;
    return 1;
}

void cc_tree_sink_free(cc_tree_sink_t *t)
{
    cc_free(t->stack);
    t->stack = NULL;
    t->top = t->cap = 0;
}
