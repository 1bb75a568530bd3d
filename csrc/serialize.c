/* Request serialization for rest-json: URI labels, query string and a JSON
 * body, as botocore's RestJSONSerializer writes them. Input is validated
 * first, so the writers below trust the value kinds. */
#include "alloc.h"
#include "shape.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "timestamp.h"

void cc_request_parts_init(cc_request_parts_t *p)
{
    cc_buf_init(&p->path);
    cc_buf_init(&p->query);
    cc_buf_init(&p->body);
    p->has_body = 0;
    cc_problems_init(&p->problems);
}

void cc_request_parts_free(cc_request_parts_t *p)
{
    cc_buf_free(&p->path);
    cc_buf_free(&p->query);
    cc_buf_free(&p->body);
    cc_problems_free(&p->problems);
}

/* A validated timestamp as ISO-8601 (exact to the microsecond). */
static void format_timestamp(const cc_value_t *v, char *out)
{
    cc_ts_t t = {0, 0};
    if (v->kind == CC_V_STR)
        cc_ts_parse_input(v->u.str.s, v->u.str.len, &t);
    else if (v->kind == CC_V_INT)
        t.sec = v->u.i;
    else
        cc_ts_from_number(v->u.n, &t);
    cc_ts_format(t, out);
}

/* A number as json.dumps and str() write it: a Lua integer stays an integer,
 * as a Python int does; an integral float for an integer shape loses ".0". */
static void put_number(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v)
{
    if (v->kind == CC_V_INT)
        cc_buf_printf(b, "%lld", v->u.i);
    else if (s->type == CC_SHAPE_INTEGER || s->type == CC_SHAPE_LONG)
        cc_buf_printf(b, "%lld", (long long)v->u.n);
    else
        cc_json_put_double(b, v->u.n);
}

/* {====== JSON body ====== */
static void put_value(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v);

static void put_structure(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v, int body_only)
{
    size_t i;
    int first = 1;
    cc_buf_putc(b, '{');
    for (i = 0; i < s->nmembers; i++) {
        const cc_member_t *m = &s->members[i];
        const cc_value_t *mv;
        if (body_only && m->location != CC_LOC_BODY)
            continue;
        if ((mv = cc_value_field(v, m->name)) == NULL)
            continue;
        if (!first)
            cc_buf_puts(b, ", ");
        first = 0;
        cc_json_put_string(b, m->wire_name, strlen(m->wire_name));
        cc_buf_puts(b, ": ");
        put_value(b, m->shape, mv);
    }
    cc_buf_putc(b, '}');
}

static void put_map(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v)
{
    const cc_entry_t **sorted = cc_value_sorted_entries(v);
    size_t i;
    if (sorted == NULL) {
        b->oom = 1;
        return;
    }
    cc_buf_putc(b, '{');
    for (i = 0; i < v->u.tab.n; i++) {
        if (i)
            cc_buf_puts(b, ", ");
        cc_json_put_string(b, sorted[i]->key.u.str.s, sorted[i]->key.u.str.len);
        cc_buf_puts(b, ": ");
        put_value(b, s->value, &sorted[i]->val);
    }
    cc_buf_putc(b, '}');
    cc_free(sorted);
}

static void put_list(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v)
{
    long long idx;
    cc_buf_putc(b, '[');
    for (idx = 1; idx <= (long long)v->u.tab.n; idx++) {
        if (idx > 1)
            cc_buf_puts(b, ", ");
        put_value(b, s->member, cc_value_index(v, idx));
    }
    cc_buf_putc(b, ']');
}

static void put_value(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v)
{
    char ts[32];
    switch (s->type) {
    case CC_SHAPE_STRUCTURE: put_structure(b, s, v, 0); break;
    case CC_SHAPE_LIST: put_list(b, s, v); break;
    case CC_SHAPE_MAP: put_map(b, s, v); break;
    case CC_SHAPE_STRING:
    case CC_SHAPE_BLOB: cc_json_put_string(b, v->u.str.s, v->u.str.len); break;
    case CC_SHAPE_BOOLEAN: cc_buf_puts(b, v->u.b ? "true" : "false"); break;
    case CC_SHAPE_INTEGER:
    case CC_SHAPE_LONG:
    case CC_SHAPE_DOUBLE:
    case CC_SHAPE_FLOAT: put_number(b, s, v); break;
    case CC_SHAPE_TIMESTAMP:
        format_timestamp(v, ts);
        cc_json_put_string(b, ts, strlen(ts));
        break;
    }
}
/* }====== */

/* {====== URI and query string ====== */
/* The text form of a scalar for a URI label or a query value. */
static void put_scalar_encoded(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v, int keep_slash)
{
    char tmp[40];
    switch (s->type) {
    case CC_SHAPE_BOOLEAN:
        cc_buf_puts(b, v->u.b ? "true" : "false");
        return;
    case CC_SHAPE_INTEGER:
    case CC_SHAPE_LONG:
    case CC_SHAPE_DOUBLE:
    case CC_SHAPE_FLOAT:
        put_number(b, s, v);
        return;
    case CC_SHAPE_TIMESTAMP:
        format_timestamp(v, tmp);
        cc_buf_put_uri_encoded(b, tmp, strlen(tmp), 0);
        return;
    default:
        cc_buf_put_uri_encoded(b, v->u.str.s, v->u.str.len, keep_slash);
    }
}

static int put_path(const cc_operation_t *op, const cc_value_t *params, cc_buf_t *path,
                    cc_buf_t *query, cc_err_t *err)
{
    const char *p = op->uri, *q = strchr(op->uri, '?');
    const char *end = q ? q : p + strlen(p);
    while (p < end) {
        const char *close;
        const cc_member_t *m = NULL;
        const cc_value_t *v;
        size_t n, i;
        int greedy;
        if (*p != '{') {
            cc_buf_putc(path, *p++);
            continue;
        }
        close = memchr(p, '}', (size_t)(end - p));
        if (close == NULL)
            return cc_err_set(err, CC_E_INTERNAL, "model: bad URI template for %s", op->name);
        n = (size_t)(close - p - 1);
        greedy = n > 0 && p[n] == '+';
        if (greedy)
            n--;
        for (i = 0; op->input && i < op->input->nmembers; i++) {
            const cc_member_t *c = &op->input->members[i];
            if (c->location == CC_LOC_URI && strlen(c->wire_name) == n && memcmp(c->wire_name, p + 1, n) == 0)
                m = c;
        }
        v = m ? cc_value_field(params, m->name) : NULL;
        if (v == NULL)
            return cc_err_set(err, CC_E_PARAM, "Missing required parameter in input: \"%.*s\"", (int)n, p + 1);
        if (v->kind == CC_V_STR && v->u.str.len == 0)
            return cc_err_set(err, CC_E_PARAM,
                              "Invalid length for parameter %s, value: 0, valid min length: 1", m->name);
        put_scalar_encoded(path, m->shape, v, greedy);
        p = close + 1;
    }
    if (q && q[1])
        cc_buf_puts(query, q + 1);
    return CC_OK;
}

static void put_query_pair(cc_buf_t *query, const char *key, size_t klen, const cc_shape_t *s,
                           const cc_value_t *v)
{
    if (query->len)
        cc_buf_putc(query, '&');
    cc_buf_put_uri_encoded(query, key, klen, 0);
    cc_buf_putc(query, '=');
    put_scalar_encoded(query, s, v, 0);
}

static void put_query(const cc_shape_t *in, const cc_value_t *params, cc_buf_t *query)
{
    size_t i, k;
    for (i = 0; in && i < in->nmembers; i++) {
        const cc_member_t *m = &in->members[i];
        const cc_value_t *v;
        if (m->location != CC_LOC_QUERY || (v = cc_value_field(params, m->name)) == NULL)
            continue;
        if (m->shape->type == CC_SHAPE_LIST) {
            long long idx;
            for (idx = 1; idx <= (long long)v->u.tab.n; idx++)
                put_query_pair(query, m->wire_name, strlen(m->wire_name), m->shape->member,
                               cc_value_index(v, idx));
        } else if (m->shape->type == CC_SHAPE_MAP) {
            for (k = 0; k < v->u.tab.n; k++) {
                const cc_value_t *kv = &v->u.tab.items[k].key;
                put_query_pair(query, kv->u.str.s, kv->u.str.len, m->shape->value, &v->u.tab.items[k].val);
            }
        } else {
            put_query_pair(query, m->wire_name, strlen(m->wire_name), m->shape, v);
        }
    }
}
/* }====== */

int cc_serialize_request(const cc_operation_t *op, const cc_value_t *params,
                         cc_request_parts_t *out, cc_err_t *err)
{
    if (cc_validate_report(op->input, params, &out->problems, err) != CC_OK)
        return err->code;
    if (put_path(op, params, &out->path, &out->query, err) != CC_OK)
        return err->code;
    put_query(op->input, params, &out->query);
    if (op->has_body_members) {
        /* botocore always sends an object, "{}" included, when the input has body members */
        put_structure(&out->body, op->input, params, 1);
        out->has_body = 1;
    }
    if (!cc_buf_ok(&out->path) || !cc_buf_ok(&out->query) || !cc_buf_ok(&out->body))
        return cc_err_set(err, CC_E_NOMEM, "out of memory serializing %s", op->name);
    return CC_OK;
}

int cc_serialize_shape(const cc_shape_t *shape, const cc_value_t *value, cc_buf_t *out, cc_err_t *err)
{
    if (cc_validate_input(shape, value, err) != CC_OK)
        return err->code;
    put_value(out, shape, value);
    if (!cc_buf_ok(out))
        return cc_err_set(err, CC_E_NOMEM, "out of memory serializing %s", shape->name);
    return CC_OK;
}
