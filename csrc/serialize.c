/* Request serialization for rest-json: URI labels, query string, headers
 * and a JSON (or raw payload) body, as botocore's RestJSONSerializer writes
 * them. Input is validated first, so the writers below trust the value
 * kinds. */
#include "alloc.h"
#include "shape.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "header.h"
#include "json.h"
#include "timestamp.h"
#include "uuid.h"

void cc_request_parts_init(cc_request_parts_t *p)
{
    cc_buf_init(&p->path);
    cc_buf_init(&p->query);
    cc_buf_init(&p->body);
    cc_buf_init(&p->headers);
    cc_buf_init(&p->host_prefix);
    p->nheaders = 0;
    p->content_type = NULL;
    p->has_body = 0;
    cc_problems_init(&p->problems);
}

void cc_request_parts_free(cc_request_parts_t *p)
{
    cc_buf_free(&p->path);
    cc_buf_free(&p->query);
    cc_buf_free(&p->body);
    cc_buf_free(&p->headers);
    cc_buf_free(&p->host_prefix);
    cc_problems_free(&p->problems);
}

void cc_request_parts_reset(cc_request_parts_t *p, size_t keep)
{
    cc_buf_recycle(&p->path, keep);
    cc_buf_recycle(&p->query, keep);
    cc_buf_recycle(&p->body, keep);
    cc_buf_recycle(&p->headers, keep);
    cc_buf_recycle(&p->host_prefix, keep);
    cc_buf_recycle(&p->problems.text, keep);
    cc_buf_recycle(&p->problems.paths, keep);
    p->problems.n = 0;
    p->problems.dropped = 0;
    p->nheaders = 0;
    p->content_type = NULL;
    p->has_body = 0;
}

/* {====== Scalars as text ====== */
static cc_ts_t timestamp_of(const cc_value_t *v)
{
    cc_ts_t t = {0, 0};
    if (v->kind == CC_V_STR)
        cc_ts_parse_input(v->u.str.s, v->u.str.len, &t);
    else if (v->kind == CC_V_INT)
        t.sec = v->u.i;
    else
        cc_ts_from_number(v->u.n, &t);
    return t;
}

/* A validated timestamp in a format; in_json writes epoch seconds as a bare
 * number and the other formats as JSON strings. botocore writes epoch
 * seconds whole (int()), and ISO-8601 to the microsecond. */
static void put_timestamp(cc_buf_t *b, const cc_value_t *v, cc_ts_format_t f, int in_json)
{
    cc_ts_t t = timestamp_of(v);
    char out[40];
    if (f == CC_TS_UNIX) {
        cc_buf_put_int(b, t.sec);
        return;
    }
    if (f == CC_TS_RFC822)
        cc_ts_format_rfc822(t.sec, out);
    else
        cc_ts_format(t, out);
    if (in_json)
        cc_json_put_string(b, out, strlen(out));
    else
        cc_buf_puts(b, out);
}

/* "NaN", "Infinity", "-Infinity" for the doubles JSON cannot write; NULL otherwise. */
static const char *special_float(const cc_value_t *v)
{
    if (v->kind != CC_V_NUM || isfinite(v->u.n))
        return NULL;
    return isnan(v->u.n) ? "NaN" : v->u.n > 0 ? "Infinity" : "-Infinity";
}

/* A number as json.dumps and str() write it: a Lua integer stays an integer,
 * as a Python int does; an integral float for an integer shape loses ".0". */
static void put_number(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v)
{
    if (v->kind == CC_V_INT)
        cc_buf_put_int(b, v->u.i);
    else if (s->type == CC_SHAPE_INTEGER || s->type == CC_SHAPE_LONG)
        cc_buf_put_int(b, (long long)v->u.n);
    else
        cc_json_put_double(b, v->u.n);
}

/* The text of a scalar in a URI label, query value or header, before any
 * encoding: str() of the value as botocore takes it. */
static void put_text(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v, cc_ts_format_t f)
{
    const char *special;
    switch (s->type) {
    case CC_SHAPE_BOOLEAN: cc_buf_puts(b, v->u.b ? "true" : "false"); return;
    case CC_SHAPE_INTEGER:
    case CC_SHAPE_LONG:
    case CC_SHAPE_DOUBLE:
    case CC_SHAPE_FLOAT:
        if ((special = special_float(v)) != NULL)
            cc_buf_puts(b, special);
        else
            put_number(b, s, v);
        return;
    case CC_SHAPE_TIMESTAMP: put_timestamp(b, v, f, 0); return;
    default: cc_buf_append(b, v->u.str.s, v->u.str.len);
    }
}

static void put_encoded(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v, cc_ts_format_t f, int keep_slash)
{
    if (s->type == CC_SHAPE_STRING || s->type == CC_SHAPE_BLOB) {
        cc_buf_put_uri_encoded(b, v->u.str.s, v->u.str.len, keep_slash);
    } else {
        cc_buf_t t;
        cc_buf_init(&t);
        put_text(&t, s, v, f);
        if (!cc_buf_ok(&t))
            b->oom = 1;
        cc_buf_put_uri_encoded(b, t.data ? t.data : "", t.len, keep_slash);
        cc_buf_free(&t);
    }
}
/* }====== */

/* {====== JSON body ====== */
static void put_value(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v, cc_ts_format_t f);

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
        if ((mv = cc_member_value(v, s, m)) == NULL)
            continue;
        cc_buf_append(b, m->json_key + 2 * first, m->json_key_len - 2 * first);
        first = 0;
        put_value(b, m->shape, mv, m->ts_format);
    }
    cc_buf_putc(b, '}');
}

static void put_map(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v)
{
    const cc_entry_t *room[CC_SORT_ROOM], **sorted = cc_value_sorted_entries(v, room);
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
        put_value(b, s->value, &sorted[i]->val, s->value->ts_format);
    }
    cc_buf_putc(b, '}');
    cc_value_sorted_free(sorted, room);
}

static void put_list(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v)
{
    long long idx;
    cc_buf_putc(b, '[');
    for (idx = 1; idx <= (long long)v->u.tab.n; idx++) {
        if (idx > 1)
            cc_buf_puts(b, ", ");
        put_value(b, s->member, cc_value_index(v, idx), s->member->ts_format);
    }
    cc_buf_putc(b, ']');
}

static void put_value(cc_buf_t *b, const cc_shape_t *s, const cc_value_t *v, cc_ts_format_t f)
{
    const char *special;
    cc_err_t ignored;
    switch (s->type) {
    case CC_SHAPE_STRUCTURE: put_structure(b, s, v, 0); break;
    case CC_SHAPE_LIST: put_list(b, s, v); break;
    case CC_SHAPE_MAP: put_map(b, s, v); break;
    case CC_SHAPE_STRING: cc_json_put_string(b, v->u.str.s, v->u.str.len); break;
    case CC_SHAPE_BLOB:
        cc_buf_putc(b, '"');
        cc_base64_put(b, v->u.str.s, v->u.str.len);
        cc_buf_putc(b, '"');
        break;
    case CC_SHAPE_BOOLEAN: cc_buf_puts(b, v->u.b ? "true" : "false"); break;
    case CC_SHAPE_INTEGER:
    case CC_SHAPE_LONG:
    case CC_SHAPE_DOUBLE:
    case CC_SHAPE_FLOAT:
        if ((special = special_float(v)) != NULL)
            cc_json_put_string(b, special, strlen(special));
        else
            put_number(b, s, v);
        break;
    case CC_SHAPE_TIMESTAMP: put_timestamp(b, v, f == CC_TS_DEFAULT ? CC_TS_UNIX : f, 1); break;
    case CC_SHAPE_DOCUMENT:
        if (cc_json_encode(b, v, &ignored) != CC_OK) /* validated: only memory fails */
            b->oom = 1;
        break;
    }
}
/* }====== */

/* {====== URI and query string ====== */

static int put_path(const cc_operation_t *op, const cc_value_t *params, cc_buf_t *path,
                    cc_buf_t *query, cc_err_t *err)
{
    const char *p = op->uri, *q = strchr(op->uri, '?');
    const char *end = q ? q : p + strlen(p);
    while (p < end) {
        const char *close;
        const cc_member_t *m;
        const cc_value_t *v;
        size_t n;
        int greedy;
        if (*p != '{') { /* the template's text up to its next label, in one append */
            const char *label = memchr(p, '{', (size_t)(end - p));
            const char *stop = label ? label : end;
            cc_buf_append(path, p, (size_t)(stop - p));
            p = stop;
            continue;
        }
        close = memchr(p, '}', (size_t)(end - p));
        if (close == NULL)
            return cc_err_set(err, CC_E_MODEL, "model: bad URI template for %s", op->name);
        n = (size_t)(close - p - 1);
        greedy = n > 0 && p[n] == '+';
        if (greedy)
            n--;
        m = cc_shape_wire_member(op->input, CC_LOC_URI, p + 1, n);
        v = m ? cc_member_value(params, op->input, m) : NULL;
        if (v == NULL)
            return cc_err_set(err, CC_E_PARAM, "Missing required parameter in input: \"%.*s\"", (int)n, p + 1);
        if (v->kind == CC_V_STR && v->u.str.len == 0)
            return cc_err_set(err, CC_E_PARAM,
                              "Invalid length for parameter %s, value: 0, valid min length: 1", m->name);
        put_encoded(path, m->shape, v, m->ts_format == CC_TS_DEFAULT ? CC_TS_ISO8601 : m->ts_format, greedy);
        p = close + 1;
    }
    if (q && q[1])
        cc_buf_puts(query, q + 1);
    return CC_OK;
}

static void put_query_pair(cc_buf_t *query, const char *key, size_t klen, const cc_shape_t *s,
                           const cc_value_t *v, cc_ts_format_t f)
{
    if (query->len)
        cc_buf_putc(query, '&');
    cc_buf_put_uri_encoded(query, key, klen, 0);
    cc_buf_putc(query, '=');
    put_encoded(query, s, v, f, 0);
}

/* Whether a query member that is set sends this name: it takes precedence
 * over a map entry of the same name. */
static int named_in_query(const cc_shape_t *in, const cc_value_t *params, const cc_entry_t *e)
{
    const cc_member_t *m = cc_shape_wire_member(in, CC_LOC_QUERY, e->key.u.str.s, e->key.u.str.len);
    return m && m->shape->type != CC_SHAPE_MAP && cc_member_value(params, in, m) != NULL;
}

static void put_query_list(cc_buf_t *query, const char *key, size_t klen, const cc_shape_t *list,
                           const cc_value_t *v, cc_ts_format_t f)
{
    long long idx;
    for (idx = 1; idx <= (long long)v->u.tab.n; idx++)
        put_query_pair(query, key, klen, list->member, cc_value_index(v, idx), f);
}

static void put_query_map(cc_buf_t *query, const cc_shape_t *in, const cc_shape_t *map, const cc_value_t *params,
                          const cc_value_t *v)
{
    const cc_entry_t *room[CC_SORT_ROOM], **sorted = cc_value_sorted_entries(v, room);
    const cc_shape_t *vs = map->value;
    cc_ts_format_t f = vs->ts_format == CC_TS_DEFAULT ? CC_TS_ISO8601 : vs->ts_format;
    size_t k;
    if (sorted == NULL) {
        query->oom = 1;
        return;
    }
    for (k = 0; k < v->u.tab.n; k++) {
        const cc_entry_t *e = sorted[k];
        if (named_in_query(in, params, e))
            continue;
        if (vs->type == CC_SHAPE_LIST)
            put_query_list(query, e->key.u.str.s, e->key.u.str.len, vs, &e->val, f);
        else
            put_query_pair(query, e->key.u.str.s, e->key.u.str.len, vs, &e->val, f);
    }
    cc_value_sorted_free(sorted, room);
}

static void put_query(const cc_shape_t *in, const cc_value_t *params, cc_buf_t *query)
{
    size_t i;
    for (i = 0; in && i < in->nmembers; i++) {
        const cc_member_t *m = &in->members[i];
        const cc_value_t *v;
        cc_ts_format_t f = m->ts_format == CC_TS_DEFAULT ? CC_TS_ISO8601 : m->ts_format;
        if (m->location != CC_LOC_QUERY || (v = cc_member_value(params, in, m)) == NULL)
            continue;
        if (m->shape->type == CC_SHAPE_LIST)
            put_query_list(query, m->wire_name, strlen(m->wire_name), m->shape, v, f);
        else if (m->shape->type == CC_SHAPE_MAP)
            put_query_map(query, in, m->shape, params, v);
        else
            put_query_pair(query, m->wire_name, strlen(m->wire_name), m->shape, v, f);
    }
}
/* }====== */

/* {====== Headers ====== */
static void add_header(cc_request_parts_t *out, const char *name, size_t nlen, const char *value, size_t vlen)
{
    cc_buf_append(&out->headers, name, nlen);
    cc_buf_putc(&out->headers, '\0');
    cc_buf_append(&out->headers, value ? value : "", vlen);
    cc_buf_putc(&out->headers, '\0');
    out->nheaders++;
}

/* A list in one header: members joined by ",", a string holding '"' or ','
 * quoted with its quotes escaped (botocore's _escape_header_list_string). */
static void put_header_list(cc_buf_t *b, const cc_shape_t *list, const cc_value_t *v, cc_ts_format_t f)
{
    long long idx;
    for (idx = 1; idx <= (long long)v->u.tab.n; idx++) {
        const cc_value_t *it = cc_value_index(v, idx);
        if (idx > 1)
            cc_buf_puts(b, ", ");
        if (list->member->type == CC_SHAPE_STRING &&
            (memchr(it->u.str.s, '"', it->u.str.len) || memchr(it->u.str.s, ',', it->u.str.len))) {
            size_t i;
            cc_buf_putc(b, '"');
            for (i = 0; i < it->u.str.len; i++) {
                if (it->u.str.s[i] == '"')
                    cc_buf_putc(b, '\\');
                cc_buf_putc(b, it->u.str.s[i]);
            }
            cc_buf_putc(b, '"');
        } else {
            put_text(b, list->member, it, f);
        }
    }
}

/* After a compressed body, a Content-Encoding a member sets gets ", gzip"
 * after its own encoding ("custom, gzip"). */
static void amend_encoding(cc_buf_t *value, const char *name, int gzipped)
{
    if (gzipped && strcasecmp(name, "Content-Encoding") == 0)
        cc_buf_puts(value, ", gzip");
}

/* A header that would split the request's lines (CR, LF, NUL, ...) is
 * refused, naming the parameter (and the model's wire name or prefix, never
 * what the caller gave: that may be an injection attempt). */
static int check_header(const cc_member_t *m, int map_entry, const char *name, size_t nlen, const cc_buf_t *value,
                        cc_err_t *err)
{
    if (cc_header_check(name, nlen, value->data ? value->data : "", value->len, err) == CC_OK)
        return CC_OK;
    if (map_entry)
        return cc_err_set(err, CC_E_PARAM, "%s: a header with the prefix %s cannot be sent: its name or value holds "
                          "a character a header may not hold (CR, LF, NUL, ...)", m->name, m->wire_name);
    return cc_err_set(err, CC_E_PARAM, "%s: header %s cannot be sent: its value holds a character a header may "
                      "not hold (CR, LF, NUL, ...)", m->name, m->wire_name);
}

static void put_header_member(cc_request_parts_t *out, const cc_member_t *m, const cc_value_t *v, int gzipped,
                              cc_buf_t *tmp)
{
    cc_ts_format_t f = m->ts_format == CC_TS_DEFAULT ? CC_TS_RFC822 : m->ts_format;
    cc_err_t ignored;
    cc_buf_reset(tmp);
    if (m->jsonvalue && v->kind == CC_V_STR) {
        /* a string is JSON text already (Smithy's mediaType header) */
        cc_base64_put(tmp, v->u.str.s, v->u.str.len);
    } else if (m->jsonvalue) {
        cc_buf_t json;
        cc_buf_init(&json);
        if (cc_json_encode(&json, v, &ignored) != CC_OK)
            tmp->oom = 1;
        cc_base64_put(tmp, json.data ? json.data : "", json.len);
        cc_buf_free(&json);
    } else if (m->shape->type == CC_SHAPE_LIST) {
        put_header_list(tmp, m->shape, v, m->shape->member->ts_format == CC_TS_DEFAULT ? f : m->shape->member->ts_format);
    } else {
        put_text(tmp, m->shape, v, f);
    }
    amend_encoding(tmp, m->wire_name, gzipped);
    add_header(out, m->wire_name, strlen(m->wire_name), tmp->data, tmp->len);
}

/* Every header-bound member; a headers map writes prefix + key for each of
 * its entries, in key order. CC_OK, or CC_E_PARAM for a value no header may
 * carry. */
static int put_headers(const cc_shape_t *in, const cc_value_t *params, int gzipped, cc_request_parts_t *out,
                       cc_err_t *err)
{
    cc_buf_t tmp, name;
    size_t i, k;
    int rc = CC_OK;
    cc_buf_init(&tmp);
    cc_buf_init(&name);
    for (i = 0; rc == CC_OK && in && i < in->nmembers; i++) {
        const cc_member_t *m = &in->members[i];
        const cc_value_t *v;
        if ((m->location != CC_LOC_HEADER && m->location != CC_LOC_HEADERS) ||
            (v = cc_member_value(params, in, m)) == NULL)
            continue;
        if (m->location == CC_LOC_HEADER) {
            put_header_member(out, m, v, gzipped, &tmp);
            rc = check_header(m, 0, m->wire_name, m->wire_len, &tmp, err);
        } else if (m->location == CC_LOC_HEADERS) {
            const cc_entry_t *room[CC_SORT_ROOM], **sorted = cc_value_sorted_entries(v, room);
            if (sorted == NULL) {
                out->headers.oom = 1;
                break;
            }
            for (k = 0; rc == CC_OK && k < v->u.tab.n; k++) {
                cc_buf_reset(&name);
                cc_buf_puts(&name, m->wire_name);
                cc_buf_append(&name, sorted[k]->key.u.str.s, sorted[k]->key.u.str.len);
                cc_buf_reset(&tmp);
                put_text(&tmp, m->shape->value, &sorted[k]->val, CC_TS_RFC822);
                amend_encoding(&tmp, cc_buf_cstr(&name), gzipped);
                add_header(out, name.data, name.len, tmp.data, tmp.len);
                rc = check_header(m, 1, cc_buf_cstr(&name), name.len, &tmp, err);
            }
            cc_value_sorted_free(sorted, room);
        }
    }
    if (!cc_buf_ok(&tmp) || !cc_buf_ok(&name))
        out->headers.oom = 1;
    cc_buf_free(&tmp);
    cc_buf_free(&name);
    return rc;
}

cc_header_walk_t cc_header_walk(const cc_request_parts_t *parts)
{
    cc_header_walk_t w;
    w.at = parts->headers.data;
    w.left = parts->nheaders;
    w.name = w.value = NULL;
    w.value_len = 0;
    return w;
}

int cc_header_next(cc_header_walk_t *w)
{
    if (w->left == 0)
        return 0;
    w->left--;
    w->name = w->at;
    w->value = w->name + strlen(w->name) + 1;
    w->value_len = strlen(w->value);
    w->at = w->value + w->value_len + 1;
    return 1;
}

/* Whether a header-bound member already sets this header. */
static int has_header(const cc_request_parts_t *out, const char *name)
{
    cc_header_walk_t w = cc_header_walk(out);
    while (cc_header_next(&w))
        if (strcasecmp(w.name, name) == 0)
            return 1;
    return 0;
}
/* }====== */

/* {====== Body ====== */
#define BODY_ROOM 8192

/* The body as botocore builds it: a blob or string payload as its bytes, a
 * structure, union or document payload as JSON ("{}" when left out), the
 * body members as one object, or "{}" when the input has body members but
 * none is set. */
static void put_body(const cc_operation_t *op, const cc_value_t *params, cc_request_parts_t *out)
{
    const cc_shape_t *in = op->input;
    const cc_member_t *payload = in ? in->payload : NULL;
    if (payload) {
        const cc_value_t *v = cc_member_value(params, in, payload);
        int raw = payload->shape->type == CC_SHAPE_BLOB || payload->shape->type == CC_SHAPE_STRING;
        if (raw) {
            if (v)
                cc_buf_append(&out->body, v->u.str.s, v->u.str.len);
            out->content_type = payload->shape->type == CC_SHAPE_BLOB ? "application/octet-stream" : "text/plain";
        } else if (v) {
            put_value(&out->body, payload->shape, v, payload->ts_format);
            out->content_type = "application/json";
        } else if (payload->shape->type == CC_SHAPE_STRUCTURE && !payload->shape->is_union) {
            cc_buf_puts(&out->body, "{}");
            out->content_type = "application/json";
        }
    } else if (op->has_body_members) {
        /* most bodies fit: one allocation instead of doubling from 256 bytes */
        cc_buf_reserve(&out->body, BODY_ROOM);
        put_structure(&out->body, in, params, 1);
        out->content_type = "application/json";
    }
    out->has_body = out->body.len > 0;
    if (!out->has_body)
        out->content_type = NULL;
}

/* hostPrefix with each {label} replaced by its member's value. */
static int put_host_prefix(const cc_operation_t *op, const cc_value_t *params, cc_buf_t *b, cc_err_t *err)
{
    const char *p = op->host_prefix;
    while (*p) {
        const char *close;
        const cc_member_t *m;
        const cc_value_t *v;
        size_t i;
        if (*p != '{') {
            cc_buf_putc(b, *p++);
            continue;
        }
        if ((close = strchr(p, '}')) == NULL || op->input == NULL)
            return cc_err_set(err, CC_E_MODEL, "model: bad hostPrefix for %s", op->name);
        m = cc_shape_find_member(op->input, p + 1, (size_t)(close - p - 1));
        v = m ? cc_member_value(params, op->input, m) : NULL;
        if (v == NULL || v->kind != CC_V_STR || v->u.str.len == 0)
            return cc_err_set(err, CC_E_PARAM, "Missing required parameter in input: \"%.*s\"", (int)(close - p - 1),
                              p + 1);
        /* botocore's HOST_PREFIX_RE: letters, digits, hyphens and periods */
        for (i = 0; i < v->u.str.len; i++) {
            char c = v->u.str.s[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
                return cc_err_set(err, CC_E_PARAM,
                                  "Invalid value for parameter(s): %s. Must contain only alphanumeric characters, "
                                  "hyphen, or period.",
                                  m->name);
        }
        cc_buf_append(b, v->u.str.s, v->u.str.len);
        p = close + 1;
    }
    return CC_OK;
}

/* gzips the body when the operation allows it and it is long enough;
 * *gzipped says whether it did. */
static int compress_body(const cc_operation_t *op, const cc_build_opts_t *opts, cc_request_parts_t *out,
                         int *gzipped, cc_err_t *err)
{
    *gzipped = op->compress_gzip && opts->min_compression >= 0 && out->has_body &&
               out->body.len >= (size_t)opts->min_compression;
    if (*gzipped && !cc_gzip(&out->body))
        return cc_err_set(err, CC_E_NOMEM, "out of memory compressing the body of %s", op->name);
    return CC_OK;
}

/* Content-MD5 of the body as sent (compressed first, in botocore's order),
 * unless a member set one. */
static int add_checksum(const cc_operation_t *op, cc_request_parts_t *out, cc_err_t *err)
{
    cc_buf_t value;
    if (has_header(out, "Content-MD5"))
        return CC_OK;
    cc_buf_init(&value);
    if (!cc_content_md5(&value, out->body.data ? out->body.data : "", out->body.len)) {
        cc_buf_free(&value);
        return cc_err_set(err, CC_E_INTERNAL, "MD5 is not available from OpenSSL: Content-MD5 cannot be sent (%s)",
                          op->name);
    }
    if (!cc_buf_ok(&value))
        out->headers.oom = 1;
    add_header(out, "Content-MD5", 11, value.data, value.len);
    cc_buf_free(&value);
    return CC_OK;
}
/* }====== */

/* The params with each idempotency token left out filled in: a shallow copy
 * of the top table with room for them (NULL when none is missing). */
static const cc_value_t *with_tokens(const cc_shape_t *in, const cc_value_t *params, const char *token,
                                     cc_arena_t *a, cc_value_t *copy, char uuid[37])
{
    size_t i, missing = 0, n = params->u.tab.n;
    int slotted = params->u.tab.slots == in;
    for (i = 0; in && i < in->nmembers; i++)
        if (in->members[i].idempotency_token && cc_member_value(params, in, &in->members[i]) == NULL)
            missing++;
    if (missing == 0)
        return params;
    if (!cc_value_new_table(a, copy, n + (slotted ? 0 : missing)))
        return NULL;
    if (n > 0) /* an empty table has no items array */
        memcpy(copy->u.tab.items, params->u.tab.items, n * sizeof *copy->u.tab.items);
    copy->u.tab.n = n;
    copy->u.tab.slots = params->u.tab.slots;
    if (token == NULL) {
        cc_uuid4(uuid);
        token = uuid;
    }
    for (i = 0; i < in->nmembers; i++) {
        const cc_member_t *m = &in->members[i];
        cc_entry_t *e;
        if (!m->idempotency_token || cc_member_value(params, in, m) != NULL)
            continue;
        e = slotted ? &copy->u.tab.items[i] : &copy->u.tab.items[copy->u.tab.n++];
        cc_value_set_str(&e->key, m->name, m->name_len);
        cc_value_set_str(&e->val, token, strlen(token));
    }
    return copy;
}

int cc_serialize_request_with(const cc_operation_t *op, const cc_value_t *params, const cc_build_opts_t *opts,
                              cc_request_parts_t *out, cc_err_t *err)
{
    cc_arena_t a;
    cc_value_t copy;
    char uuid[37];
    int rc = CC_OK, gzipped = 0;
    if (cc_validate_report(op->input, params, &out->problems, err) != CC_OK)
        return err->code;
    cc_arena_init(&a);
    if (op->has_tokens && params->kind == CC_V_TABLE &&
        (params = with_tokens(op->input, params, opts->token, &a, &copy, uuid)) == NULL)
        rc = cc_err_set(err, CC_E_NOMEM, "out of memory serializing %s", op->name);
    if (rc == CC_OK && op->host_prefix)
        rc = put_host_prefix(op, params, &out->host_prefix, err);
    if (rc == CC_OK)
        rc = put_path(op, params, &out->path, &out->query, err);
    if (rc == CC_OK) {
        put_query(op->input, params, &out->query);
        put_body(op, params, out);
        rc = compress_body(op, opts, out, &gzipped, err);
    }
    if (rc == CC_OK) {
        if (op->has_header_members)
            rc = put_headers(op->input, params, gzipped, out, err);
    }
    if (rc == CC_OK) {
        if (gzipped && !has_header(out, "Content-Encoding"))
            add_header(out, "Content-Encoding", 16, "gzip", 4);
        if (op->checksum_required)
            rc = add_checksum(op, out, err);
    }
    cc_arena_free(&a); /* the copy held pointers into params and uuid only */
    if (rc != CC_OK)
        return rc;
    if (!cc_buf_ok(&out->path) || !cc_buf_ok(&out->query) || !cc_buf_ok(&out->body) || !cc_buf_ok(&out->headers) ||
        !cc_buf_ok(&out->host_prefix))
        return cc_err_set(err, CC_E_NOMEM, "out of memory serializing %s", op->name);
    return CC_OK;
}

int cc_serialize_request(const cc_operation_t *op, const cc_value_t *params,
                         cc_request_parts_t *out, cc_err_t *err)
{
    cc_build_opts_t opts = {NULL, -1};
    return cc_serialize_request_with(op, params, &opts, out, err);
}

int cc_serialize_shape(const cc_shape_t *shape, const cc_value_t *value, cc_buf_t *out, cc_err_t *err)
{
    if (cc_validate_input(shape, value, err) != CC_OK)
        return err->code;
    put_value(out, shape, value, shape->ts_format);
    if (!cc_buf_ok(out))
        return cc_err_set(err, CC_E_NOMEM, "out of memory serializing %s", shape->name);
    return CC_OK;
}
