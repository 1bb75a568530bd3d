/* Requests read the way the service reads them (for the emulator): a JSON
 * body must match the input shape exactly. The client's answer reader is
 * lenient on purpose (unknown members and mismatched types are dropped, as
 * botocore drops them); a server that did that would answer 200 and lose
 * what it was sent. */
#include "shape.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "timestamp.h"

#define STRICT_MAX_DEPTH 64

typedef struct {
    const char *name; /* member name or map key, NULL for a list index */
    size_t len;
    long long index;
} seg_t;

typedef struct {
    seg_t segs[STRICT_MAX_DEPTH];
    int depth;
    cc_err_t *err;
} sctx_t;

/* The path of the value being read, "a.b[2].c", for messages. */
static const char *path_of(const sctx_t *c, char *out, size_t size)
{
    size_t n = 0;
    int i;
    out[0] = '\0';
    for (i = 0; i < c->depth && n < size; i++) {
        const seg_t *s = &c->segs[i];
        int w = s->name ? snprintf(out + n, size - n, "%s%.*s", n ? "." : "", (int)(s->len > 64 ? 64 : s->len), s->name)
                        : snprintf(out + n, size - n, "[%lld]", s->index);
        if (w > 0)
            n += (size_t)w;
    }
    return n ? out : "the body";
}

/* "<path> <what><detail>" */
static int fail(sctx_t *c, const char *what, const char *detail)
{
    char path[400];
    return cc_err_set(c->err, CC_E_PARAM, "%s %s%s", path_of(c, path, sizeof path), what, detail);
}

static const char *json_type(const cc_value_t *v)
{
    switch (v->kind) {
    case CC_V_NIL: return "null";
    case CC_V_BOOL: return "boolean";
    case CC_V_INT:
    case CC_V_NUM: return "number";
    case CC_V_STR: return "string";
    case CC_V_TABLE: return v->u.tab.n && v->u.tab.items[0].key.kind == CC_V_INT ? "array" : "object";
    default: return "value";
    }
}

static int check(sctx_t *c, const cc_shape_t *s, const cc_value_t *v);

static int enter(sctx_t *c, const char *name, size_t len, long long index)
{
    if (c->depth >= STRICT_MAX_DEPTH)
        return fail(c, "is nested too deeply", "");
    c->segs[c->depth].name = name;
    c->segs[c->depth].len = len;
    c->segs[c->depth].index = index;
    c->depth++;
    return CC_OK;
}

static int check_child(sctx_t *c, const cc_shape_t *s, const cc_value_t *v, const char *name, size_t len,
                       long long index)
{
    int rc;
    if (enter(c, name, len, index) != CC_OK)
        return c->err->code;
    if (v->kind == CC_V_NIL)
        return fail(c, "must not be null", "");
    rc = check(c, s, v);
    c->depth--;
    return rc;
}

static int check_structure(sctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    size_t i;
    if (strcmp(json_type(v), "object") != 0)
        return fail(c, "must be a JSON object, not a ", json_type(v));
    for (i = 0; i < v->u.tab.n; i++) {
        const cc_entry_t *e = &v->u.tab.items[i];
        const cc_member_t *m = cc_shape_wire_member(s, CC_LOC_BODY, e->key.u.str.s, e->key.u.str.len);
        if (m == NULL) {
            if (enter(c, e->key.u.str.s, e->key.u.str.len, 0) != CC_OK)
                return c->err->code;
            return fail(c, "is not a member of ", s->name);
        }
        if (check_child(c, m->shape, &e->val, e->key.u.str.s, e->key.u.str.len, 0) != CC_OK)
            return c->err->code;
    }
    return CC_OK;
}

static int check(sctx_t *c, const cc_shape_t *s, const cc_value_t *v)
{
    size_t i;
    const char *t = json_type(v);
    switch (s->type) {
    case CC_SHAPE_STRUCTURE: return check_structure(c, s, v);
    case CC_SHAPE_LIST:
        if (strcmp(t, "array") != 0 && !(v->kind == CC_V_TABLE && v->u.tab.n == 0))
            return fail(c, "must be a JSON array, not a ", t);
        for (i = 0; i < v->u.tab.n; i++)
            if (check_child(c, s->member, &v->u.tab.items[i].val, NULL, 0, (long long)i + 1) != CC_OK)
                return c->err->code;
        return CC_OK;
    case CC_SHAPE_MAP:
        if (strcmp(t, "object") != 0)
            return fail(c, "must be a JSON object, not a ", t);
        for (i = 0; i < v->u.tab.n; i++) {
            const cc_entry_t *e = &v->u.tab.items[i];
            if (check_child(c, s->value, &e->val, e->key.u.str.s, e->key.u.str.len, 0) != CC_OK)
                return c->err->code;
        }
        return CC_OK;
    case CC_SHAPE_STRING:
    case CC_SHAPE_BLOB:
        return v->kind == CC_V_STR ? CC_OK : fail(c, "must be a string, not a ", t);
    case CC_SHAPE_DOCUMENT: return CC_OK; /* any JSON value */
    case CC_SHAPE_BOOLEAN:
        return v->kind == CC_V_BOOL ? CC_OK : fail(c, "must be a boolean, not a ", t);
    case CC_SHAPE_INTEGER:
    case CC_SHAPE_LONG: {
        /* 30 or 30.0; never 30.5 */
        double d = v->kind == CC_V_INT ? (double)v->u.i : v->kind == CC_V_NUM ? v->u.n : 0.5;
        if ((v->kind != CC_V_INT && v->kind != CC_V_NUM) || d != floor(d))
            return fail(c, "must be an integer, not a ", v->kind == CC_V_NUM ? "fraction" : t);
        /* Smithy's integer is 32 bits */
        if (s->type == CC_SHAPE_INTEGER && (d < -2147483648.0 || d > 2147483647.0))
            return fail(c, "is out of the range of a 32-bit integer", "");
        return CC_OK;
    }
    case CC_SHAPE_DOUBLE:
    case CC_SHAPE_FLOAT:
        return v->kind == CC_V_INT || v->kind == CC_V_NUM ? CC_OK : fail(c, "must be a number, not a ", t);
    case CC_SHAPE_TIMESTAMP: {
        double ts;
        if (v->kind == CC_V_INT || v->kind == CC_V_NUM)
            return CC_OK;
        if (v->kind == CC_V_STR && cc_ts_parse_iso8601(v->u.str.s, v->u.str.len, &ts))
            return CC_OK;
        return fail(c, "must be a timestamp (epoch seconds or ISO-8601), not this ", t);
    }
    }
    return CC_OK;
}

int cc_shape_check_strict(const cc_shape_t *shape, const cc_value_t *tree, cc_err_t *err)
{
    sctx_t c;
    c.depth = 0;
    c.err = err;
    return check(&c, shape, tree);
}
