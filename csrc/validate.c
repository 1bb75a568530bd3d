/* Input validation, rule for rule what botocore's ParamValidator checks
 * (required, unknown, types, union, min length/value), plus what Lua tables
 * need on top: sequences, string keys, integral numbers, valid UTF-8. */
#include "shape.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "json.h"
#include "timestamp.h"

/* One step of the path to the value being checked: a member, a map key or
 * a list index. The path's text is written only when a problem names it:
 * a valid input, the usual case, never pays for it. */
typedef struct {
    enum { SEG_MEMBER, SEG_KEY, SEG_INDEX } kind;
    const char *s;
    size_t n;
    long long i;
} seg_t;

#define MAX_SEGS (CC_MODEL_DEEP + 16) /* past the depth any input is read to */

typedef struct {
    seg_t segs[MAX_SEGS];
    size_t depth; /* may exceed MAX_SEGS: the steps past it are not named */
    char path[768];
    size_t len;
    cc_problems_t *out;
} vctx_t;

static int validate(vctx_t *c, const cc_shape_t *s, const cc_value_t *v);
static int validate_document(vctx_t *c, const cc_value_t *v);

/* Appends raw text to the path text, cut at its capacity. */
static void put_text(vctx_t *c, const char *text, size_t n)
{
    size_t room = sizeof c->path - 1 - c->len;
    if (n > room)
        n = room;
    memcpy(c->path + c->len, text, n);
    c->len += n;
    c->path[c->len] = '\0';
}

/* Writes the text of the first depth steps ("a.b[2] (key: k)") into
 * c->path; returns its length. */
static size_t render(vctx_t *c, size_t depth)
{
    size_t k;
    c->len = 0;
    c->path[0] = '\0';
    for (k = 0; k < depth && k < MAX_SEGS; k++) {
        const seg_t *g = &c->segs[k];
        char text[CC_INT_TEXT_MAX + 2], *start;
        switch (g->kind) {
        case SEG_MEMBER:
            if (c->len)
                put_text(c, ".", 1);
            put_text(c, g->s, g->n);
            break;
        case SEG_KEY:
            put_text(c, " (key: ", 7);
            put_text(c, g->s, g->n);
            put_text(c, ")", 1);
            break;
        case SEG_INDEX:
            start = cc_int_text(g->i, text + sizeof text - 1);
            text[sizeof text - 1] = ']';
            *--start = '[';
            put_text(c, start, (size_t)(text + sizeof text - start));
            break;
        }
    }
    return c->len;
}

/* The path of the value being checked, "input" at the top. */
static const char *where(vctx_t *c)
{
    return render(c, c->depth) ? c->path : "input";
}

/* Each push returns the depth pop restores. */
static size_t push(vctx_t *c, int kind, const char *s, size_t n, long long i)
{
    if (c->depth < MAX_SEGS) {
        seg_t *g = &c->segs[c->depth];
        g->kind = kind;
        g->s = s;
        g->n = n;
        g->i = i;
    }
    return c->depth++;
}

static size_t push_member(vctx_t *c, const char *name, size_t n)
{
    return push(c, SEG_MEMBER, name, n, 0);
}

static size_t push_key(vctx_t *c, const char *key, size_t n)
{
    return push(c, SEG_KEY, key, n, 0);
}

static size_t push_index(vctx_t *c, long long i)
{
    return push(c, SEG_INDEX, NULL, 0, i);
}

static void pop(vctx_t *c, size_t old)
{
    c->depth = old;
}

/* Records one problem at the current path and goes on: botocore reports
 * every problem of an input at once. Only running out of memory stops. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int problem(vctx_t *c, int kind, const char *fmt, ...)
{
    cc_problems_t *p = c->out;
    cc_problem_t *it;
    char line[1600];
    const char *path = where(c);
    va_list ap;
    int w;
    if (p->n == CC_MAX_PROBLEMS) {
        p->dropped++;
        return CC_OK;
    }
    /* a valid input, the usual case, allocates nothing here */
    if (p->items == NULL && (p->items = cc_malloc(CC_MAX_PROBLEMS * sizeof *p->items)) == NULL)
        return CC_E_NOMEM;
    va_start(ap, fmt);
    w = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (w < 0)
        w = 0;
    if ((size_t)w >= sizeof line)
        w = (int)sizeof line - 1;
    it = &p->items[p->n++];
    it->kind = kind;
    if (p->text.len)
        cc_buf_putc(&p->text, '\n');
    it->msg_off = p->text.len;
    it->msg_len = (size_t)w;
    cc_buf_append(&p->text, line, (size_t)w);
    it->path_off = p->paths.len;
    it->path_len = strlen(path);
    cc_buf_append(&p->paths, path, it->path_len);
    return cc_buf_ok(&p->text) && cc_buf_ok(&p->paths) ? CC_OK : CC_E_NOMEM;
}

static const char *valid_types(const cc_shape_t *s)
{
    switch (s->type) {
    case CC_SHAPE_STRUCTURE: return "table";
    case CC_SHAPE_LIST: return "table (a sequence)";
    case CC_SHAPE_MAP: return "table (with string keys)";
    case CC_SHAPE_STRING:
    case CC_SHAPE_BLOB: return "string";
    case CC_SHAPE_INTEGER:
    case CC_SHAPE_LONG: return "integer";
    case CC_SHAPE_DOUBLE:
    case CC_SHAPE_FLOAT: return "number";
    case CC_SHAPE_BOOLEAN: return "boolean";
    case CC_SHAPE_TIMESTAMP:
        return "number (epoch seconds), string (ISO-8601 such as 2026-03-01T09:00:00Z, 20260301T090000Z or "
               "2026-03-01; RFC 822 such as Sun, 01 Mar 2026 09:00:00 GMT; epoch seconds such as 1772355600)";
    case CC_SHAPE_DOCUMENT: return "a JSON value";
    }
    return "?";
}

static int type_error(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    return problem(c, CC_P_TYPE, "Invalid type for parameter %s, type: %s, valid types: %s",
                      where(c), cc_value_type_name(v), valid_types(s));
}

static int check_min(vctx_t *c, const cc_shape_t *s, double value, int is_length)
{
    char num[32], min[32];
    if (!s->has_min || value >= s->min)
        return CC_OK;
    cc_format_double(value, num);
    cc_format_double(s->min, min);
    if (is_length)
        return problem(c, CC_P_LENGTH,
                          "Invalid length for parameter %s, value: %s, valid min length: %s",
                          where(c), num, min);
    return problem(c, CC_P_RANGE, "Invalid value for parameter %s, value: %s, valid min value: %s",
                      where(c), num, min);
}

/* Writes "a, b, c": the member names of a structure, for messages. */
static const char *member_names(const cc_shape_t *s, char *out, size_t size)
{
    size_t i, n = 0;
    out[0] = '\0';
    for (i = 0; i < s->nmembers && n < size; i++) {
        int w = snprintf(out + n, size - n, "%s%s", i ? ", " : "", s->members[i].name);
        if (w > 0)
            n += (size_t)w;
    }
    return out;
}

/* A name as a caller may mistype it: lower case, without '_' or '-'. */
static size_t fold_name(const char *s, size_t n, char *out, size_t size)
{
    size_t i, k = 0;
    for (i = 0; i < n && k + 1 < size; i++)
        if (s[i] != '_' && s[i] != '-')
            out[k++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    out[k] = '\0';
    return i == n ? k : (size_t)-1; /* -1: too long to be a member name */
}

/* The member an unknown name means when it differs only in case or in
 * snake_case ("connect_instance_id" for "connectInstanceId"), or NULL. */
static const char *meant_member(const cc_shape_t *s, const char *name, size_t n)
{
    char want[128], have[128];
    size_t i, wn = fold_name(name, n, want, sizeof want);
    if (wn == (size_t)-1 || wn == 0)
        return NULL;
    for (i = 0; i < s->nmembers; i++) {
        const char *m = s->members[i].name;
        if (fold_name(m, strlen(m), have, sizeof have) == wn && memcmp(want, have, wn) == 0)
            return m;
    }
    return NULL;
}

/* The structure's path as "%.*s" arguments, parent_len its rendered length:
 * problem() writes the whole path (the member's pushed after it) into
 * c->path before formatting, and the structure's text is its prefix. */
#define PARENT(c, parent_len) (int)((parent_len) ? (parent_len) : 5), ((parent_len) ? (c)->path : "input")

/* A problem of a member of a structure (missing, unknown): the message names
 * the structure, as botocore's does; the problem's path names the member. */
static int unknown_member(vctx_t *c, const cc_shape_t *s, const cc_value_t *k)
{
    char names[400];
    const char *meant = meant_member(s, k->u.str.s, k->u.str.len);
    size_t parent = render(c, c->depth), old = push_member(c, k->u.str.s, k->u.str.len);
    int rc;
    if (meant)
        rc = problem(c, CC_P_UNKNOWN, "Unknown parameter in %.*s: \"%.*s\", did you mean \"%s\"?",
                     PARENT(c, parent), (int)k->u.str.len, k->u.str.s, meant);
    else
        rc = problem(c, CC_P_UNKNOWN, "Unknown parameter in %.*s: \"%.*s\", must be one of: %s", PARENT(c, parent),
                     (int)k->u.str.len, k->u.str.s, member_names(s, names, sizeof names));
    pop(c, old);
    return rc;
}

static int missing_member(vctx_t *c, const char *name)
{
    size_t parent = render(c, c->depth), old = push_member(c, name, strlen(name));
    int rc = problem(c, CC_P_MISSING, "Missing required parameter in %.*s: \"%s\"", PARENT(c, parent), name);
    pop(c, old);
    return rc;
}

static int key_before(const cc_value_t *a, const cc_value_t *b)
{
    size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
    int d = memcmp(a->u.str.s, b->u.str.s, n);
    return d < 0 || (d == 0 && a->u.str.len < b->u.str.len);
}

/* Unknown and non-string keys, in byte order of the names so the report is
 * the same on every run (pairs() order is not). Selection, not a sort: the
 * report stops at CC_MAX_PROBLEMS anyway. */
static int check_keys(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    const cc_value_t *last = NULL;
    /* in a table with slots, the keys past them are the unknown ones */
    int slotted = v->u.tab.slots == s;
    size_t i, round, first = slotted ? s->nmembers : 0;
    for (i = first; i < v->u.tab.n; i++) {
        const cc_value_t *k = &v->u.tab.items[i].key;
        if (k->kind != CC_V_STR && k->kind != CC_V_NIL &&
            problem(c, CC_P_TYPE, "Invalid key in %s: a %s, member names are strings", where(c),
                    cc_value_type_name(k)) != CC_OK)
            return CC_E_NOMEM;
    }
    for (round = 0; round <= CC_MAX_PROBLEMS; round++) {
        const cc_value_t *next = NULL;
        for (i = first; i < v->u.tab.n; i++) {
            const cc_value_t *k = &v->u.tab.items[i].key;
            if (k->kind != CC_V_STR || (!slotted && cc_shape_find_member(s, k->u.str.s, k->u.str.len) != NULL))
                continue;
            if ((last == NULL || key_before(last, k)) && (next == NULL || key_before(k, next)))
                next = k;
        }
        if (next == NULL)
            break;
        if (unknown_member(c, s, next) != CC_OK)
            return CC_E_NOMEM;
        last = next;
    }
    return CC_OK;
}

/* botocore's order: the union's count, missing members, unknown members,
 * then each member's own problems in the model's order. */
static int validate_structure(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    size_t i, nkeys;
    char names[400];
    if (v->kind != CC_V_TABLE)
        return type_error(c, s, v);
    nkeys = s->is_union ? cc_value_count(v) : 0;
    /* botocore's two messages: none set, or more than one, where every key
     * counts, an unknown one too (it is reported as unknown as well) */
    if (s->is_union && nkeys == 0 &&
        problem(c, CC_P_UNION, "Must set one of the following keys for tagged union structure %s: %s.",
                where(c), member_names(s, names, sizeof names)) != CC_OK)
        return CC_E_NOMEM;
    if (s->is_union && nkeys > 1 &&
        problem(c, CC_P_UNION,
                "Invalid number of parameters set for tagged union structure %s. Can only set one of the "
                "following keys: %s.",
                where(c), member_names(s, names, sizeof names)) != CC_OK)
        return CC_E_NOMEM;
    for (i = 0; i < s->nmembers; i++)
        if (s->members[i].required && cc_member_value(v, s, &s->members[i]) == NULL &&
            missing_member(c, s->members[i].name) != CC_OK)
            return CC_E_NOMEM;
    if (check_keys(c, s, v) != CC_OK)
        return CC_E_NOMEM;
    for (i = 0; i < s->nmembers; i++) {
        const cc_value_t *mv = cc_member_value(v, s, &s->members[i]);
        size_t old;
        int rc;
        if (mv == NULL)
            continue;
        old = push_member(c, s->members[i].name, s->members[i].name_len);
        /* a jsonvalue header takes JSON text, or a value it encodes */
        if (s->members[i].jsonvalue && mv->kind == CC_V_TABLE)
            rc = validate_document(c, mv);
        else
            rc = validate(c, s->members[i].shape, mv);
        pop(c, old);
        if (rc != CC_OK)
            return rc;
    }
    return CC_OK;
}

/* A value by its shape; NULL: any JSON value (a document). */
static int validate_any(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    return s ? validate(c, s, v) : validate_document(c, v);
}

/* The items of a sequence table, each by item_shape (NULL: any). */
static int validate_items(vctx_t *c, const cc_value_t *v, const cc_shape_t *item_shape)
{
    long long i;
    for (i = 1; i <= (long long)v->u.tab.n; i++) {
        size_t old = push_index(c, i);
        int rc = validate_any(c, item_shape, cc_value_index(v, i));
        pop(c, old);
        if (rc != CC_OK)
            return rc;
    }
    return CC_OK;
}

/* A map's or a document object's key that is not a string. */
static int key_not_string(vctx_t *c, const cc_value_t *key)
{
    return problem(c, CC_P_TYPE, "Invalid type for a key of parameter %s, type: %s, valid types: string", where(c),
                   cc_value_type_name(key));
}

/* The entries of a table with string keys: a key by key_shape (none: only
 * its being a string), a value by value_shape (NULL: any). A key is named as
 * botocore names it, "tags (key: k)"; a value "tags.k". */
static int validate_entries(vctx_t *c, const cc_value_t *v, const cc_shape_t *key_shape,
                            const cc_shape_t *value_shape)
{
    size_t i;
    for (i = 0; i < v->u.tab.n; i++) {
        const cc_entry_t *e = &v->u.tab.items[i];
        size_t old;
        int rc;
        if (e->key.kind != CC_V_STR) {
            if (key_not_string(c, &e->key) != CC_OK)
                return CC_E_NOMEM;
            continue;
        }
        if (key_shape) {
            old = push_key(c, e->key.u.str.s, e->key.u.str.len);
            rc = validate(c, key_shape, &e->key);
            pop(c, old);
            if (rc != CC_OK)
                return rc;
        }
        old = push_member(c, e->key.u.str.s, e->key.u.str.len);
        rc = validate_any(c, value_shape, &e->val);
        pop(c, old);
        if (rc != CC_OK)
            return rc;
    }
    return CC_OK;
}

static int validate_list(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    if (v->kind != CC_V_TABLE)
        return type_error(c, s, v);
    if (!cc_value_is_sequence(v))
        return problem(c, CC_P_TYPE, "Invalid type for parameter %s, type: table (not a sequence), valid types: %s",
                       where(c), valid_types(s));
    if (check_min(c, s, (double)v->u.tab.n, 1) != CC_OK)
        return CC_E_NOMEM;
    return validate_items(c, v, s->member);
}

static int validate_map(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    if (v->kind != CC_V_TABLE)
        return type_error(c, s, v);
    return validate_entries(c, v, s->key, s->value);
}

static int validate_string(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    size_t chars;
    if (v->kind != CC_V_STR)
        return type_error(c, s, v);
    if (!cc_utf8_valid(v->u.str.s, v->u.str.len, &chars))
        return problem(c, CC_P_VALUE, "Invalid value for parameter %s: not valid UTF-8", where(c));
    return check_min(c, s, (double)chars, 1);
}

static int validate_number(vctx_t *c, const cc_shape_t *s, const cc_value_t *v, int integral)
{
    double d;
    if (v->kind == CC_V_INT) {
        d = (double)v->u.i;
    } else if (v->kind == CC_V_NUM) {
        d = v->u.n;
        /* a float or double may be NaN or infinite (sent as "NaN",
         * "Infinity", "-Infinity", as botocore sends them) */
        if (!isfinite(d) && integral)
            return problem(c, CC_P_VALUE, "Invalid value for parameter %s: not a finite number",
                              where(c));
        if (!isfinite(d))
            return CC_OK;
        if (integral && (d != floor(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0))
            return problem(c, CC_P_TYPE,
                              "Invalid type for parameter %s, type: number (not integral), valid types: integer",
                              where(c));
    } else {
        return type_error(c, s, v);
    }
    return check_min(c, s, d, 0);
}

static int validate_timestamp(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    cc_ts_t t = {0, 0};
    int ok = 1;
    if (v->kind == CC_V_INT)
        t.sec = v->u.i;
    else if (v->kind == CC_V_NUM)
        ok = cc_ts_from_number(v->u.n, &t);
    else if (v->kind == CC_V_STR) {
        if (!cc_ts_parse_input(v->u.str.s, v->u.str.len, &t))
            return problem(c, CC_P_TYPE,
                              "Invalid type for parameter %s, type: string (not a date and time), valid types: %s",
                              where(c), valid_types(s));
    } else
        return type_error(c, s, v);
    if (!ok || !cc_ts_in_range(t))
        return problem(c, CC_P_VALUE, "Invalid value for parameter %s: a time outside the years 1 to 9999", where(c));
    return CC_OK;
}

/* A document: any JSON value. A table is an array (keys 1..n) or an object
 * (string keys); numbers are finite. */
static int validate_document(vctx_t *c, const cc_value_t *v)
{
    switch (v->kind) {
    case CC_V_BOOL:
    case CC_V_INT: return CC_OK;
    case CC_V_NUM:
        return isfinite(v->u.n) ? CC_OK
                                : problem(c, CC_P_VALUE, "Invalid value for parameter %s: not a finite number", where(c));
    case CC_V_STR:
        return cc_utf8_valid(v->u.str.s, v->u.str.len, NULL)
                   ? CC_OK
                   : problem(c, CC_P_VALUE, "Invalid value for parameter %s: not valid UTF-8", where(c));
    case CC_V_TABLE: break;
    case CC_V_REFUSED: return problem(c, CC_P_VALUE, "Invalid value for parameter %s: %s", where(c), v->u.other);
    default:
        return problem(c, CC_P_TYPE, "Invalid type for parameter %s, type: %s, valid types: a JSON value", where(c),
                       cc_value_type_name(v));
    }
    return cc_value_is_sequence(v) ? validate_items(c, v, NULL) : validate_entries(c, v, NULL, NULL);
}

static int validate(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    if (v->kind == CC_V_REFUSED)
        return problem(c, CC_P_VALUE, "Invalid value for parameter %s: %s", where(c), v->u.other);
    switch (s->type) {
    case CC_SHAPE_STRUCTURE: return validate_structure(c, s, v);
    case CC_SHAPE_LIST: return validate_list(c, s, v);
    case CC_SHAPE_MAP: return validate_map(c, s, v);
    case CC_SHAPE_STRING: return validate_string(c, s, v);
    case CC_SHAPE_BLOB: return v->kind == CC_V_STR ? CC_OK : type_error(c, s, v);
    case CC_SHAPE_INTEGER:
    case CC_SHAPE_LONG: return validate_number(c, s, v, 1);
    case CC_SHAPE_DOUBLE:
    case CC_SHAPE_FLOAT: return validate_number(c, s, v, 0);
    case CC_SHAPE_BOOLEAN: return v->kind == CC_V_BOOL ? CC_OK : type_error(c, s, v);
    case CC_SHAPE_TIMESTAMP: return validate_timestamp(c, s, v);
    case CC_SHAPE_DOCUMENT: return validate_document(c, v);
    }
    return CC_OK;
}

const char *cc_problem_kind_name(int kind)
{
    static const char *const names[] = {
#define CC_PROBLEM_NAME(name, str) str,
        CC_PROBLEM_KINDS(CC_PROBLEM_NAME)
#undef CC_PROBLEM_NAME
    };
    return kind >= 0 && (size_t)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

void cc_problems_init(cc_problems_t *p)
{
    p->items = NULL;
    cc_buf_init(&p->text);
    cc_buf_init(&p->paths);
    p->n = 0;
    p->dropped = 0;
}

void cc_problems_free(cc_problems_t *p)
{
    cc_buf_free(&p->text);
    cc_buf_free(&p->paths);
    cc_free(p->items);
    p->items = NULL;
    p->n = 0;
    p->dropped = 0;
}

int cc_validate_report(const cc_shape_t *shape, const cc_value_t *params, cc_problems_t *out, cc_err_t *err)
{
    vctx_t c;
    c.path[0] = '\0';
    c.depth = 0;
    c.len = 0;
    c.out = out;
    cc_buf_reset(&out->text);
    cc_buf_reset(&out->paths);
    out->n = 0;
    out->dropped = 0;
    if (shape == NULL) {
        /* an operation without input: any member is unknown */
        if (params->kind == CC_V_TABLE && params->u.tab.n > 0 && params->u.tab.items[0].key.kind == CC_V_STR)
            problem(&c, CC_P_UNKNOWN, "Unknown parameter in input: \"%.*s\", must be one of: ",
                    (int)params->u.tab.items[0].key.u.str.len, params->u.tab.items[0].key.u.str.s);
    } else if (validate(&c, shape, params) != CC_OK) {
        return cc_err_set(err, CC_E_NOMEM, "out of memory validating the input");
    }
    if (!cc_buf_ok(&out->text) || !cc_buf_ok(&out->paths))
        return cc_err_set(err, CC_E_NOMEM, "out of memory validating the input");
    if (out->dropped) {
        cc_buf_printf(&out->text, "\n(and %zu more problems)", out->dropped);
        if (!cc_buf_ok(&out->text))
            return cc_err_set(err, CC_E_NOMEM, "out of memory validating the input");
    }
    if (out->n == 0)
        return CC_OK;
    return cc_err_set(err, CC_E_PARAM, "%.*s", (int)out->items[0].msg_len, out->text.data + out->items[0].msg_off);
}

int cc_validate_input(const cc_shape_t *shape, const cc_value_t *params, cc_err_t *err)
{
    cc_problems_t p;
    int rc;
    cc_problems_init(&p);
    rc = cc_validate_report(shape, params, &p, err);
    cc_problems_free(&p);
    return rc;
}
