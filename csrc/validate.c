/* Input validation, rule for rule what botocore's ParamValidator checks
 * (required, unknown, types, union, min length/value), plus what Lua tables
 * need on top: sequences, string keys, integral numbers, valid UTF-8. */
#include "shape.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "timestamp.h"

typedef struct {
    char path[768];
    size_t len;
    cc_err_t *err;
} vctx_t;

static int validate(vctx_t *c, const cc_shape_t *s, const cc_value_t *v);

static const char *where(const vctx_t *c)
{
    return c->len ? c->path : "input";
}

/* Appends raw text to the path (cut at its capacity); returns the length to
 * restore. Every member validated passes here: no printf on this path. */
static size_t push_text(vctx_t *c, const char *sep, const char *text, size_t n)
{
    size_t old = c->len, room, seplen = strlen(sep);
    room = sizeof c->path - 1 - c->len;
    if (seplen > room)
        seplen = room;
    memcpy(c->path + c->len, sep, seplen);
    c->len += seplen;
    room -= seplen;
    if (n > room)
        n = room;
    memcpy(c->path + c->len, text, n);
    c->len += n;
    c->path[c->len] = '\0';
    return old;
}

static size_t push_member(vctx_t *c, const char *name, size_t n)
{
    return push_text(c, c->len ? "." : "", name, n);
}

static size_t push_key(vctx_t *c, const char *key, size_t n)
{
    size_t old = push_text(c, " (key: ", key, n);
    push_text(c, "", ")", 1);
    return old;
}

static size_t push_index(vctx_t *c, long long i)
{
    size_t old = c->len;
    int w = snprintf(c->path + c->len, sizeof c->path - c->len, "[%lld]", i);
    if (w > 0)
        c->len = c->len + (size_t)w < sizeof c->path ? c->len + (size_t)w : sizeof c->path - 1;
    return old;
}

static void pop(vctx_t *c, size_t old)
{
    c->len = old;
    c->path[old] = '\0';
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
    }
    return "?";
}

static int type_error(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    return cc_err_set(c->err, CC_E_PARAM, "Invalid type for parameter %s, type: %s, valid types: %s",
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
        return cc_err_set(c->err, CC_E_PARAM,
                          "Invalid length for parameter %s, value: %s, valid min length: %s",
                          where(c), num, min);
    return cc_err_set(c->err, CC_E_PARAM, "Invalid value for parameter %s, value: %s, valid min value: %s",
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

static int validate_structure(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    const cc_value_t *unknown = NULL;
    size_t i, set = 0;
    char names[400];
    if (v->kind != CC_V_TABLE)
        return type_error(c, s, v);
    for (i = 0; i < s->nmembers; i++)
        if (s->members[i].required && cc_value_field(v, s->members[i].name) == NULL)
            return cc_err_set(c->err, CC_E_PARAM, "Missing required parameter in %s: \"%s\"",
                              where(c), s->members[i].name);
    for (i = 0; i < v->u.tab.n; i++) {
        const cc_value_t *k = &v->u.tab.items[i].key;
        if (k->kind != CC_V_STR)
            return cc_err_set(c->err, CC_E_PARAM,
                              "Invalid key in %s: a %s, member names are strings", where(c),
                              cc_value_type_name(k));
        if (cc_shape_find_member(s, k->u.str.s, k->u.str.len) == NULL) {
            /* name the first unknown member in byte order: pairs() order is random */
            if (unknown == NULL || strcmp(k->u.str.s, unknown->u.str.s) < 0)
                unknown = k;
        }
    }
    if (unknown)
        return cc_err_set(c->err, CC_E_PARAM, "Unknown parameter in %s: \"%.*s\", must be one of: %s",
                          where(c), (int)unknown->u.str.len, unknown->u.str.s,
                          member_names(s, names, sizeof names));
    for (i = 0; i < s->nmembers; i++) {
        const cc_value_t *mv = cc_value_field(v, s->members[i].name);
        size_t old;
        if (mv == NULL)
            continue;
        set++;
        old = push_member(c, s->members[i].name, strlen(s->members[i].name));
        if (validate(c, s->members[i].shape, mv) != CC_OK)
            return c->err->code;
        pop(c, old);
    }
    /* botocore's two messages: none set, or more than one */
    if (s->is_union && set == 0)
        return cc_err_set(c->err, CC_E_PARAM,
                          "Must set one of the following keys for tagged union structure %s: %s.",
                          where(c), member_names(s, names, sizeof names));
    if (s->is_union && set > 1)
        return cc_err_set(c->err, CC_E_PARAM,
                          "Invalid number of parameters set for tagged union structure %s. Can only "
                          "set one of the following keys: %s.",
                          where(c), member_names(s, names, sizeof names));
    return CC_OK;
}

static int validate_list(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    long long i;
    if (v->kind != CC_V_TABLE)
        return type_error(c, s, v);
    if (!cc_value_is_sequence(v))
        return cc_err_set(c->err, CC_E_PARAM,
                          "Invalid type for parameter %s, type: table (not a sequence), valid types: %s",
                          where(c), valid_types(s));
    if (check_min(c, s, (double)v->u.tab.n, 1) != CC_OK)
        return c->err->code;
    for (i = 1; i <= (long long)v->u.tab.n; i++) {
        size_t old = push_index(c, i);
        if (validate(c, s->member, cc_value_index(v, i)) != CC_OK)
            return c->err->code;
        pop(c, old);
    }
    return CC_OK;
}

static int validate_map(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    size_t i;
    if (v->kind != CC_V_TABLE)
        return type_error(c, s, v);
    for (i = 0; i < v->u.tab.n; i++) {
        const cc_entry_t *e = &v->u.tab.items[i];
        size_t old;
        if (e->key.kind != CC_V_STR)
            return cc_err_set(c->err, CC_E_PARAM,
                              "Invalid type for a key of parameter %s, type: %s, valid types: string",
                              where(c), cc_value_type_name(&e->key));
        /* a key is named as botocore names it, "tags (key: k)"; a value "tags.k" */
        old = push_key(c, e->key.u.str.s, e->key.u.str.len);
        if (validate(c, s->key, &e->key) != CC_OK)
            return c->err->code;
        pop(c, old);
        old = push_member(c, e->key.u.str.s, e->key.u.str.len);
        if (validate(c, s->value, &e->val) != CC_OK)
            return c->err->code;
        pop(c, old);
    }
    return CC_OK;
}

static int validate_string(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    size_t chars;
    if (v->kind != CC_V_STR)
        return type_error(c, s, v);
    if (!cc_utf8_valid(v->u.str.s, v->u.str.len, &chars))
        return cc_err_set(c->err, CC_E_PARAM, "Invalid value for parameter %s: not valid UTF-8", where(c));
    return check_min(c, s, (double)chars, 1);
}

static int validate_number(vctx_t *c, const cc_shape_t *s, const cc_value_t *v, int integral)
{
    double d;
    if (v->kind == CC_V_INT) {
        d = (double)v->u.i;
    } else if (v->kind == CC_V_NUM) {
        d = v->u.n;
        if (!isfinite(d))
            return cc_err_set(c->err, CC_E_PARAM, "Invalid value for parameter %s: not a finite number",
                              where(c));
        if (integral && (d != floor(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0))
            return cc_err_set(c->err, CC_E_PARAM,
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
    char out[32];
    int ok = 1;
    if (v->kind == CC_V_INT)
        t.sec = v->u.i;
    else if (v->kind == CC_V_NUM)
        ok = cc_ts_from_number(v->u.n, &t);
    else if (v->kind == CC_V_STR) {
        if (!cc_ts_parse_input(v->u.str.s, v->u.str.len, &t))
            return cc_err_set(c->err, CC_E_PARAM,
                              "Invalid type for parameter %s, type: string (not a date and time), valid types: %s",
                              where(c), valid_types(s));
    } else
        return type_error(c, s, v);
    if (!ok || !cc_ts_format(t, out))
        return cc_err_set(c->err, CC_E_PARAM, "Invalid value for parameter %s: a time outside the years 1 to 9999", where(c));
    return CC_OK;
}

static int validate(vctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    if (v->kind == CC_V_REFUSED)
        return cc_err_set(c->err, CC_E_PARAM, "Invalid value for parameter %s: %s", where(c), v->u.other);
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
    }
    return CC_OK;
}

int cc_validate_input(const cc_shape_t *shape, const cc_value_t *params, cc_err_t *err)
{
    vctx_t c;
    c.path[0] = '\0';
    c.len = 0;
    c.err = err;
    if (shape == NULL) {
        if (params->kind == CC_V_TABLE && params->u.tab.n > 0 && params->u.tab.items[0].key.kind == CC_V_STR)
            return cc_err_set(err, CC_E_PARAM, "Unknown parameter in input: \"%.*s\", must be one of: ",
                              (int)params->u.tab.items[0].key.u.str.len, params->u.tab.items[0].key.u.str.s);
        return CC_OK;
    }
    return validate(&c, shape, params);
}
