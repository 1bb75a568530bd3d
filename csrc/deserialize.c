/* Response parsing: a JSON body read by the output shape, and error answers
 * read the way botocore's rest-json parser reads them. */
#include "shape.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "json.h"
#include "timestamp.h"

static int parse_value(const cc_shape_t *s, const cc_value_t *in, cc_arena_t *a, cc_value_t *out,
                       cc_err_t *err);

static int oom(cc_err_t *err)
{
    return cc_err_set(err, CC_E_NOMEM, "out of memory parsing the response");
}

/* A value whose JSON type does not fit its shape is dropped, as unknown members are. */
#define MISMATCH 1000
/* A timestamp that cannot be read: err->msg holds its path so far, each
 * level prepending its part on the way up (no path is built otherwise). */
#define UNREADABLE_TIMESTAMP 1001

/* Prepends a path part ("name" or "[3]") to the path in err->msg. */
static int prepend_path(cc_err_t *err, const char *part, size_t n)
{
    size_t have = strlen(err->msg);
    int dot = have > 0 && err->msg[0] != '[';
    if (n + (size_t)dot + have >= sizeof err->msg)
        return UNREADABLE_TIMESTAMP; /* too deep to name: keep the tail */
    memmove(err->msg + n + (size_t)dot, err->msg, have + 1);
    memcpy(err->msg, part, n);
    if (dot)
        err->msg[n] = '.';
    return UNREADABLE_TIMESTAMP;
}

/* cc_json_decode keys arrays by integers and objects by strings */
static int is_json_array(const cc_value_t *v)
{
    return v->kind == CC_V_TABLE && v->u.tab.n > 0 && v->u.tab.items[0].key.kind == CC_V_INT;
}

static int is_json_object(const cc_value_t *v)
{
    return v->kind == CC_V_TABLE && (v->u.tab.n == 0 || v->u.tab.items[0].key.kind == CC_V_STR);
}

static int parse_structure(const cc_shape_t *s, const cc_value_t *in, cc_arena_t *a, cc_value_t *out,
                           cc_err_t *err)
{
    size_t i, n = 0, set = 0;
    const cc_value_t *unknown = NULL;
    if (!is_json_object(in))
        return MISMATCH;
    if (!cc_value_new_table(a, out, in->u.tab.n + 1))
        return oom(err);
    for (i = 0; i < in->u.tab.n; i++) {
        const cc_entry_t *e = &in->u.tab.items[i];
        const cc_member_t *m = NULL;
        size_t k;
        int rc;
        if (e->key.kind != CC_V_STR || e->val.kind == CC_V_NIL)
            continue;
        /* botocore ignores __type wherever a structure or union is read
         * (Smithy's RestJsonDeserializeIgnoreType): it is never a member */
        if (e->key.u.str.len == 6 && memcmp(e->key.u.str.s, "__type", 6) == 0)
            continue;
        for (k = 0; k < s->nmembers; k++)
            if (s->members[k].location == CC_LOC_BODY && strlen(s->members[k].wire_name) == e->key.u.str.len &&
                memcmp(s->members[k].wire_name, e->key.u.str.s, e->key.u.str.len) == 0)
                m = &s->members[k];
        if (m == NULL) {
            if (s->is_union)
                unknown = &e->key;
            set++;
            continue;
        }
        set++;
        rc = parse_value(m->shape, &e->val, a, &out->u.tab.items[n].val, err);
        if (rc == MISMATCH)
            continue;
        if (rc == UNREADABLE_TIMESTAMP)
            return prepend_path(err, m->name, strlen(m->name));
        if (rc != CC_OK)
            return rc;
        cc_value_set_str(&out->u.tab.items[n].key, m->name, strlen(m->name));
        n++;
    }
    if (s->is_union && set != 1)
        return cc_err_set(err, CC_E_PARSE,
                          "Invalid service response: %s must have one and only one member set", s->name);
    if (s->is_union && unknown) {
        cc_value_t *name;
        cc_entry_t *e = &out->u.tab.items[n++];
        cc_value_set_str(&e->key, "SDK_UNKNOWN_MEMBER", 18);
        if (!cc_value_new_table(a, &e->val, 1))
            return oom(err);
        cc_value_set_str(&e->val.u.tab.items[0].key, "name", 4);
        name = &e->val.u.tab.items[0].val;
        cc_value_set_str(name, unknown->u.str.s, unknown->u.str.len);
        e->val.u.tab.n = 1;
    }
    out->u.tab.n = n;
    return CC_OK;
}

static int parse_list(const cc_shape_t *s, const cc_value_t *in, cc_arena_t *a, cc_value_t *out,
                      cc_err_t *err)
{
    size_t i, n = 0;
    if (in->kind != CC_V_TABLE || (in->u.tab.n > 0 && !is_json_array(in)))
        return MISMATCH;
    if (!cc_value_new_table(a, out, in->u.tab.n))
        return oom(err);
    /* cc_json_decode keys arrays 1..n in order */
    for (i = 0; i < in->u.tab.n; i++) {
        const cc_entry_t *e = &in->u.tab.items[i];
        int rc;
        /* botocore fails on a null in a list (it parses None as the member's
         * shape and raises); a Lua sequence cannot hold nil either, so the
         * sensible reading drops it and keeps the list contiguous */
        if (e->key.kind != CC_V_INT || e->val.kind == CC_V_NIL)
            continue;
        rc = parse_value(s->member, &e->val, a, &out->u.tab.items[n].val, err);
        if (rc == MISMATCH)
            continue;
        if (rc == UNREADABLE_TIMESTAMP) {
            char index[32];
            int w = snprintf(index, sizeof index, "[%lld]", (long long)i + 1); /* Lua's positions */
            return prepend_path(err, index, (size_t)w);
        }
        if (rc != CC_OK)
            return rc;
        out->u.tab.items[n].key.kind = CC_V_INT;
        out->u.tab.items[n].key.u.i = (long long)n + 1;
        n++;
    }
    out->u.tab.n = n;
    return CC_OK;
}

static int parse_map(const cc_shape_t *s, const cc_value_t *in, cc_arena_t *a, cc_value_t *out,
                     cc_err_t *err)
{
    size_t i, n = 0;
    if (!is_json_object(in))
        return MISMATCH;
    if (!cc_value_new_table(a, out, in->u.tab.n))
        return oom(err);
    for (i = 0; i < in->u.tab.n; i++) {
        const cc_entry_t *e = &in->u.tab.items[i];
        int rc;
        if (e->key.kind != CC_V_STR || e->val.kind == CC_V_NIL)
            continue;
        rc = parse_value(s->value, &e->val, a, &out->u.tab.items[n].val, err);
        if (rc == MISMATCH)
            continue;
        if (rc == UNREADABLE_TIMESTAMP)
            return prepend_path(err, e->key.u.str.s, e->key.u.str.len);
        if (rc != CC_OK)
            return rc;
        out->u.tab.items[n].key = e->key;
        n++;
    }
    out->u.tab.n = n;
    return CC_OK;
}

static int parse_number(const cc_shape_t *s, const cc_value_t *in, cc_value_t *out)
{
    int integral = s->type == CC_SHAPE_INTEGER || s->type == CC_SHAPE_LONG;
    double d;
    if (in->kind == CC_V_INT) {
        if (integral) {
            *out = *in;
        } else {
            out->kind = CC_V_NUM;
            out->u.n = (double)in->u.i;
        }
        return CC_OK;
    }
    if (in->kind == CC_V_NUM) {
        if (integral) {
            /* an Integer or Long member is an integer: 30.0 reads as 30 */
            if (in->u.n != floor(in->u.n) || fabs(in->u.n) >= 9223372036854775808.0)
                return MISMATCH;
            out->kind = CC_V_INT;
            out->u.i = (long long)in->u.n;
            return CC_OK;
        }
        *out = *in;
        return CC_OK;
    }
    /* botocore reads these strings as the special floats */
    if (in->kind == CC_V_STR && !integral) {
        if (in->u.str.len == 3 && memcmp(in->u.str.s, "NaN", 3) == 0)
            d = NAN;
        else if (in->u.str.len == 8 && memcmp(in->u.str.s, "Infinity", 8) == 0)
            d = INFINITY;
        else if (in->u.str.len == 9 && memcmp(in->u.str.s, "-Infinity", 9) == 0)
            d = -INFINITY;
        else
            return MISMATCH;
        out->kind = CC_V_NUM;
        out->u.n = d;
        return CC_OK;
    }
    return MISMATCH;
}

static int parse_timestamp(const cc_value_t *in, cc_value_t *out, cc_err_t *err)
{
    double t;
    if (in->kind == CC_V_INT || in->kind == CC_V_NUM) {
        *out = *in;
        return CC_OK;
    }
    if (in->kind != CC_V_STR)
        return MISMATCH;
    /* botocore reads ISO-8601, RFC 822 dates and epoch seconds in a string */
    if (!cc_ts_parse_iso8601(in->u.str.s, in->u.str.len, &t) && !cc_ts_parse_rfc822(in->u.str.s, in->u.str.len, &t)) {
        char *end;
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.*s", (int)in->u.str.len, in->u.str.s);
        t = strtod(tmp, &end);
        if (end == tmp || *end != '\0' || !isfinite(t)) {
            err->code = CC_E_PARSE;
            err->msg[0] = '\0';
            return UNREADABLE_TIMESTAMP;
        }
    }
    if (t == floor(t) && fabs(t) < 9007199254740992.0) {
        out->kind = CC_V_INT;
        out->u.i = (long long)t;
    } else {
        out->kind = CC_V_NUM;
        out->u.n = t;
    }
    return CC_OK;
}

/* A blob travels as base64 in JSON: its bytes are what the caller gets. */
static int parse_blob(const cc_value_t *in, cc_arena_t *a, cc_value_t *out, cc_err_t *err)
{
    unsigned char *bytes;
    long n;
    if (in->kind != CC_V_STR)
        return MISMATCH;
    if ((bytes = cc_arena_alloc(a, in->u.str.len / 4 * 3 + 4)) == NULL)
        return oom(err);
    if ((n = cc_base64_decode(in->u.str.s, in->u.str.len, bytes)) < 0)
        return cc_err_set(err, CC_E_PARSE, "Invalid service response: a blob is not base64");
    cc_value_set_str(out, (const char *)bytes, (size_t)n);
    return CC_OK;
}

static int parse_value(const cc_shape_t *s, const cc_value_t *in, cc_arena_t *a, cc_value_t *out,
                       cc_err_t *err)
{
    switch (s->type) {
    case CC_SHAPE_STRUCTURE: return parse_structure(s, in, a, out, err);
    case CC_SHAPE_LIST: return parse_list(s, in, a, out, err);
    case CC_SHAPE_MAP: return parse_map(s, in, a, out, err);
    case CC_SHAPE_STRING:
        if (in->kind != CC_V_STR)
            return MISMATCH;
        *out = *in;
        return CC_OK;
    case CC_SHAPE_BLOB: return parse_blob(in, a, out, err);
    case CC_SHAPE_DOCUMENT: *out = *in; return CC_OK; /* any JSON value, as it came */
    case CC_SHAPE_BOOLEAN:
        if (in->kind != CC_V_BOOL)
            return MISMATCH;
        *out = *in;
        return CC_OK;
    case CC_SHAPE_INTEGER:
    case CC_SHAPE_LONG:
    case CC_SHAPE_DOUBLE:
    case CC_SHAPE_FLOAT: return parse_number(s, in, out);
    case CC_SHAPE_TIMESTAMP: return parse_timestamp(in, out, err);
    }
    return MISMATCH;
}

int cc_shape_parse_value(const cc_shape_t *shape, const cc_value_t *in, cc_arena_t *a,
                         cc_value_t *out, cc_err_t *err)
{
    int rc = parse_value(shape, in, a, out, err);
    if (rc == UNREADABLE_TIMESTAMP) {
        char path[CC_ERR_MSG_MAX];
        memcpy(path, err->msg, sizeof path);
        return cc_err_set(err, CC_E_PARSE, "Invalid service response: the timestamp at %s cannot be read",
                          path[0] ? path : shape->name);
    }
    if (rc == MISMATCH)
        return cc_err_set(err, CC_E_PARSE, "Invalid service response: %s is not a %s", shape->name,
                          shape->type == CC_SHAPE_STRUCTURE ? "JSON object" : "value of its type");
    return rc;
}

/* {====== Error answers ====== */
/* A string member of an error body, its length in *len (it may hold NULs). */
static const char *str_field(const cc_value_t *body, const char *name, size_t *len)
{
    const cc_value_t *v = cc_value_field(body, name);
    if (v == NULL || v->kind != CC_V_STR)
        return NULL;
    *len = v->u.str.len;
    return v->u.str.s;
}

/* botocore's cleaning: what is before the first ':', then what follows the
 * last '#' of that ("aws.protocoltests#Code:http://..." gives "Code"). */
static const char *clean_code(cc_arena_t *a, const char *code)
{
    size_t n = strcspn(code, ":"), i;
    for (i = n; i > 0; i--)
        if (code[i - 1] == '#') {
            code += i;
            n -= i;
            break;
        }
    while (n > 0 && (code[n - 1] == ' ' || code[n - 1] == '\t'))
        n--;
    return cc_arena_strndup(a, code, n);
}

/* The body of an error answer that is not JSON, as its message (botocore
 * uses it): white space trimmed, at most 512 bytes cut on a character
 * boundary. NULL for an empty or HTML body. */
#define MAX_TEXT_MESSAGE 512
static const char *text_message(cc_arena_t *a, const char *body, size_t len, size_t *out_len)
{
    while (len > 0 && (*body == ' ' || *body == '\t' || *body == '\r' || *body == '\n'))
        body++, len--;
    while (len > 0 && (body[len - 1] == ' ' || body[len - 1] == '\t' || body[len - 1] == '\r' || body[len - 1] == '\n'))
        len--;
    if (len == 0 || body[0] == '<')
        return NULL;
    if (len > MAX_TEXT_MESSAGE) {
        len = MAX_TEXT_MESSAGE;
        while (len > 0 && ((unsigned char)body[len] & 0xC0) == 0x80)
            len--; /* not in the middle of a UTF-8 sequence */
    }
    if (!cc_utf8_valid(body, len, NULL))
        return NULL;
    *out_len = len;
    return cc_arena_strndup(a, body, len);
}

static const char *reason_phrase(long status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    }
    return "";
}

/* {====== Members outside the body ====== */
typedef struct {
    const char *prefix; /* lower-case */
    size_t plen;
    cc_arena_t *a;
    const cc_shape_t *value;
    cc_value_t *map;
    size_t cap;
    int rc;
    cc_err_t *err;
} prefix_ctx_t;

static int parse_header_scalar(const cc_shape_t *s, const char *text, size_t n, cc_arena_t *a, cc_value_t *out,
                               cc_err_t *err);

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* One item of a list header at p: a quoted string (its escapes undone into
 * the arena) or text up to the next comma. An RFC 822 date holds a comma of
 * its own ("Mon, 16 Dec 2019 ..."): for a timestamp a part without a digit
 * is the day name and joins the next. Returns where the next item starts. */
static const char *header_item(const char *p, const char *end, int timestamp, cc_arena_t *a, const char **item,
                               size_t *n)
{
    const char *start;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p < end && *p == '"') {
        char *out = cc_arena_alloc(a, (size_t)(end - p) + 1);
        size_t o = 0;
        if (out == NULL)
            return NULL;
        for (p++; p < end && *p != '"'; p++) {
            if (*p == '\\' && p + 1 < end)
                p++;
            out[o++] = *p;
        }
        *item = out;
        *n = o;
        p = memchr(p, ',', (size_t)(end - p));
        return p ? p + 1 : end;
    }
    start = p;
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        int digits = 0;
        const char *q;
        for (q = start; q < stop; q++)
            digits |= *q >= '0' && *q <= '9';
        if (timestamp && !digits && comma) {
            p = comma + 1;
            continue;
        }
        *item = start;
        *n = (size_t)(stop - start);
        trim(item, n);
        return comma ? comma + 1 : end;
    }
}

static int parse_header_list(const cc_shape_t *s, const char *text, size_t len, cc_arena_t *a, cc_value_t *out,
                             cc_err_t *err)
{
    const char *p = text, *end = text + len;
    size_t count = 1, i, n = 0;
    for (i = 0; i < len; i++)
        count += text[i] == ',';
    if (!cc_value_new_table(a, out, count))
        return oom(err);
    while (p && p < end && n < count) {
        const char *item;
        size_t ilen;
        int rc;
        if ((p = header_item(p, end, s->member->type == CC_SHAPE_TIMESTAMP, a, &item, &ilen)) == NULL)
            return oom(err);
        rc = parse_header_scalar(s->member, item, ilen, a, &out->u.tab.items[n].val, err);
        if (rc == MISMATCH)
            continue;
        if (rc != CC_OK)
            return rc;
        out->u.tab.items[n].key.kind = CC_V_INT;
        out->u.tab.items[n].key.u.i = (long long)n + 1;
        n++;
    }
    out->u.tab.n = n;
    return CC_OK;
}

/* A header's text read as its shape says, as botocore's header parsing does. */
static int parse_header_scalar(const cc_shape_t *s, const char *text, size_t n, cc_arena_t *a, cc_value_t *out,
                               cc_err_t *err)
{
    char tmp[64], *end;
    cc_value_t v;
    cc_value_set_str(&v, text, n);
    switch (s->type) {
    case CC_SHAPE_LIST: return parse_header_list(s, text, n, a, out, err);
    case CC_SHAPE_BOOLEAN:
        out->kind = CC_V_BOOL;
        out->u.b = n == 4 && strncasecmp(text, "true", 4) == 0;
        return CC_OK;
    case CC_SHAPE_INTEGER:
    case CC_SHAPE_LONG:
        if (n == 0 || n >= sizeof tmp)
            return MISMATCH;
        memcpy(tmp, text, n);
        tmp[n] = '\0';
        out->kind = CC_V_INT;
        out->u.i = strtoll(tmp, &end, 10);
        return *end == '\0' ? CC_OK : MISMATCH;
    case CC_SHAPE_DOUBLE:
    case CC_SHAPE_FLOAT:
        if (parse_number(s, &v, out) == CC_OK) /* NaN, Infinity, -Infinity */
            return CC_OK;
        if (n == 0 || n >= sizeof tmp)
            return MISMATCH;
        memcpy(tmp, text, n);
        tmp[n] = '\0';
        out->kind = CC_V_NUM;
        out->u.n = strtod(tmp, &end);
        return *end == '\0' ? CC_OK : MISMATCH;
    case CC_SHAPE_TIMESTAMP: return parse_timestamp(&v, out, err);
    case CC_SHAPE_BLOB: return parse_blob(&v, a, out, err);
    default: *out = v; return CC_OK;
    }
}

/* A jsonvalue header: base64 of JSON text, given as that text. */
static int parse_jsonvalue(const char *text, size_t n, cc_arena_t *a, cc_value_t *out, cc_err_t *err)
{
    cc_value_t v;
    cc_value_set_str(&v, text, n);
    return parse_blob(&v, a, out, err);
}

static void prefix_entry(void *arg, const char *name, size_t nlen, const char *val, size_t vlen)
{
    prefix_ctx_t *c = arg;
    cc_entry_t *e;
    if (c->rc != CC_OK || nlen < c->plen || strncasecmp(name, c->prefix, c->plen) != 0)
        return;
    if (c->map->u.tab.n == c->cap) { /* grow: double the entries */
        size_t cap = c->cap ? c->cap * 2 : 8;
        cc_value_t grown;
        if (!cc_value_new_table(c->a, &grown, cap)) {
            c->rc = oom(c->err);
            return;
        }
        if (c->map->u.tab.n)
            memcpy(grown.u.tab.items, c->map->u.tab.items, c->map->u.tab.n * sizeof *grown.u.tab.items);
        grown.u.tab.n = c->map->u.tab.n;
        *c->map = grown;
        c->cap = cap;
    }
    e = &c->map->u.tab.items[c->map->u.tab.n];
    cc_value_set_str(&e->key, name + c->plen, nlen - c->plen);
    if (parse_header_scalar(c->value, val, vlen, c->a, &e->val, c->err) == CC_OK)
        c->map->u.tab.n++;
}

/* The value of a member bound to a header, the headers or the status code;
 * CC_OK with out->kind CC_V_NIL when the answer does not hold it. */
static int parse_located(const cc_member_t *m, long status, const cc_headers_t *h, cc_arena_t *a, cc_value_t *out,
                         cc_err_t *err)
{
    char lname[256];
    size_t i, n = strlen(m->wire_name);
    out->kind = CC_V_NIL;
    if (m->location == CC_LOC_STATUS) {
        out->kind = CC_V_INT;
        out->u.i = status;
        return CC_OK;
    }
    if (h == NULL || n >= sizeof lname)
        return CC_OK;
    for (i = 0; i <= n; i++)
        lname[i] = (char)(m->wire_name[i] >= 'A' && m->wire_name[i] <= 'Z' ? m->wire_name[i] + 32 : m->wire_name[i]);
    if (m->location == CC_LOC_HEADERS) {
        prefix_ctx_t c = {lname, n, a, m->shape->value, out, 0, CC_OK, err};
        if (!cc_value_new_table(a, out, 0))
            return oom(err);
        if (h->each)
            h->each(h->ctx, prefix_entry, &c);
        return c.rc;
    }
    {
        size_t vlen;
        const char *v = h->get(h->ctx, lname, &vlen);
        int rc;
        if (v == NULL)
            return CC_OK;
        rc = m->jsonvalue ? parse_jsonvalue(v, vlen, a, out, err) : parse_header_scalar(m->shape, v, vlen, a, out, err);
        if (rc == MISMATCH || rc == UNREADABLE_TIMESTAMP) {
            out->kind = CC_V_NIL;
            return CC_OK;
        }
        return rc;
    }
}

/* Adds the members outside the body to a parsed table (or a fresh one). */
static int add_located(const cc_shape_t *s, long status, const cc_headers_t *h, cc_arena_t *a, cc_value_t *t,
                       cc_err_t *err)
{
    size_t i, extra = 0, n;
    cc_value_t grown;
    for (i = 0; i < s->nmembers; i++)
        extra += s->members[i].location == CC_LOC_HEADER || s->members[i].location == CC_LOC_HEADERS ||
                 s->members[i].location == CC_LOC_STATUS;
    if (extra == 0)
        return CC_OK;
    n = t->kind == CC_V_TABLE ? t->u.tab.n : 0;
    if (!cc_value_new_table(a, &grown, n + extra))
        return oom(err);
    if (n)
        memcpy(grown.u.tab.items, t->u.tab.items, n * sizeof *grown.u.tab.items);
    grown.u.tab.n = n;
    for (i = 0; i < s->nmembers; i++) {
        const cc_member_t *m = &s->members[i];
        cc_entry_t *e = &grown.u.tab.items[grown.u.tab.n];
        int rc;
        if (m->location != CC_LOC_HEADER && m->location != CC_LOC_HEADERS && m->location != CC_LOC_STATUS)
            continue;
        if ((rc = parse_located(m, status, h, a, &e->val, err)) != CC_OK)
            return rc;
        if (e->val.kind == CC_V_NIL)
            continue;
        cc_value_set_str(&e->key, m->name, strlen(m->name));
        grown.u.tab.n++;
    }
    *t = grown;
    return CC_OK;
}
/* }====== */

static int parse_error(const cc_model_t *m, long status, const char *body, size_t len,
                       const cc_headers_t *h, cc_arena_t *a, cc_service_error_t *se, cc_err_t *err)
{
    cc_value_t tree;
    cc_err_t ignored;
    const char *code = NULL, *msg = NULL, *hdr = NULL;
    size_t code_len, msg_len = 0, hdr_len;
    int is_json = len > 0 && cc_json_decode(body, len, a, &tree, &ignored) == CC_OK;
    int have_body = is_json && tree.kind == CC_V_TABLE;
    memset(se, 0, sizeof *se);
    se->fields.kind = CC_V_NIL;
    if (h)
        hdr = h->get(h->ctx, "x-amzn-errortype", &hdr_len);
    /* botocore's order: the header, then code, Code, __type in the body */
    if (hdr && *hdr)
        code = hdr;
    else if (have_body && (code = str_field(&tree, "code", &code_len)) == NULL &&
             (code = str_field(&tree, "Code", &code_len)) == NULL)
        code = str_field(&tree, "__type", &code_len);
    if (have_body && (msg = str_field(&tree, "message", &msg_len)) == NULL &&
        (msg = str_field(&tree, "Message", &msg_len)) == NULL)
        msg = str_field(&tree, "errorMessage", &msg_len);
    /* a body that is not JSON says what went wrong in its own words; an empty
     * or HTML one, or JSON without a message, keeps the reason phrase */
    if (!is_json && len > 0)
        msg = text_message(a, body, len, &msg_len);
    if (code) {
        se->code = clean_code(a, code);
    } else {
        char num[16];
        snprintf(num, sizeof num, "%ld", status);
        se->code = cc_arena_strndup(a, num, strlen(num));
    }
    se->message = msg ? msg : reason_phrase(status);
    se->message_len = msg ? msg_len : strlen(se->message);
    if (se->code == NULL)
        return oom(err);
    se->shape = cc_model_find_error(m, se->code);
    if (se->shape && have_body) {
        int rc = parse_value(se->shape, &tree, a, &se->fields, err);
        if (rc == MISMATCH || rc == CC_E_PARSE || rc == UNREADABLE_TIMESTAMP)
            se->fields.kind = CC_V_NIL;
        else if (rc != CC_OK)
            return rc;
    }
    /* members bound to headers (this model's xAmzErrorType is x-amzn-ErrorType) */
    if (se->shape && add_located(se->shape, status, h, a, &se->fields, err) != CC_OK)
        return err->code;
    if (se->fields.kind == CC_V_TABLE && se->fields.u.tab.n == 0 && !have_body)
        se->fields.kind = CC_V_NIL;
    return cc_err_set(err, CC_E_SERVICE, "%s", se->code);
}
/* }====== */

static int is_blank(const char *body, size_t len)
{
    size_t i;
    for (i = 0; i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'); i++)
        ;
    return i == len;
}

/* The body of an output with a payload member: the bytes of a blob or
 * string, or the JSON of a structure, union or document. */
static int parse_payload(const cc_shape_t *out_shape, const char *body, size_t len, cc_arena_t *a, cc_value_t *out,
                         cc_err_t *err)
{
    const cc_member_t *p = out_shape->payload;
    cc_value_t tree, *v;
    if (!cc_value_new_table(a, out, 1))
        return oom(err);
    v = &out->u.tab.items[0].val;
    if (p->shape->type == CC_SHAPE_BLOB || p->shape->type == CC_SHAPE_STRING) {
        if (len == 0)
            return CC_OK;
        cc_value_set_str(v, body, len);
    } else {
        if (is_blank(body, len))
            return CC_OK;
        if (cc_json_decode(body, len, a, &tree, err) != CC_OK)
            return err->code == CC_E_PARSE ? cc_err_set(err, CC_E_PARSE, "Invalid service response: the body is not JSON")
                                           : err->code;
        if (tree.kind == CC_V_NIL)
            return CC_OK;
        if (cc_shape_parse_value(p->shape, &tree, a, v, err) != CC_OK)
            return err->code;
    }
    cc_value_set_str(&out->u.tab.items[0].key, p->name, strlen(p->name));
    out->u.tab.n = 1;
    return CC_OK;
}

int cc_parse_response_h(const cc_model_t *m, const cc_operation_t *op, long status, const char *body, size_t len,
                        const cc_headers_t *h, cc_arena_t *a, cc_value_t *out, cc_service_error_t *se,
                        cc_err_t *err)
{
    cc_value_t tree;
    if (status < 200 || status >= 300)
        return parse_error(m, status, body, len, h, a, se, err);
    if (op->output && op->output->payload) {
        if (parse_payload(op->output, body, len, a, out, err) != CC_OK)
            return err->code;
    } else if (op->output == NULL || is_blank(body, len)) {
        /* no output shape, or an empty body: an empty result */
        if (!cc_value_new_table(a, out, 0))
            return oom(err);
    } else {
        if (cc_json_decode(body, len, a, &tree, err) != CC_OK)
            return err->code == CC_E_PARSE
                       ? cc_err_set(err, CC_E_PARSE, "Invalid service response: the body of %s is not JSON", op->name)
                       : err->code;
        if (cc_shape_parse_value(op->output, &tree, a, out, err) != CC_OK)
            return err->code;
    }
    return op->output ? add_located(op->output, status, h, a, out, err) : CC_OK;
}

/* {====== One header known ====== */
typedef struct {
    const char *error_type;
} one_header_t;

static const char *one_get(void *ctx, const char *lname, size_t *len)
{
    const one_header_t *o = ctx;
    if (o->error_type == NULL || strcmp(lname, "x-amzn-errortype") != 0)
        return NULL;
    *len = strlen(o->error_type);
    return o->error_type;
}

static void one_each(void *ctx, void (*fn)(void *, const char *, size_t, const char *, size_t), void *arg)
{
    const one_header_t *o = ctx;
    if (o->error_type)
        fn(arg, "x-amzn-errortype", 16, o->error_type, strlen(o->error_type));
}
/* }====== */

int cc_parse_response(const cc_model_t *m, const cc_operation_t *op, long status,
                      const char *body, size_t len, const char *error_type_header,
                      cc_arena_t *a, cc_value_t *out, cc_service_error_t *se, cc_err_t *err)
{
    one_header_t one = {error_type_header};
    cc_headers_t h = {&one, one_get, one_each};
    return cc_parse_response_h(m, op, status, body, len, &h, a, out, se, err);
}
