/* Response parsing: a JSON body read by the output shape, token by token,
 * each value emitted once into a sink (the binding's builds Lua tables), and
 * error answers read the way botocore's rest-json parser reads them. */
#include "shape.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "json.h"
#include "timestamp.h"

static int oom(cc_err_t *err)
{
    return cc_err_set(err, CC_E_NOMEM, "out of memory parsing the response");
}

/* A value that is absent (null), or whose JSON type does not fit its shape,
 * is dropped as unknown members are: nothing is emitted for it. */
#define SKIPPED 1000
/* A timestamp that cannot be read: err->msg holds its path so far, each
 * level prepending its part on the way up (no path is built otherwise). */
#define UNREADABLE_TIMESTAMP 1001

typedef struct {
    cc_jlex_t lx;
    const cc_sink_t *sink;
    cc_arena_t *a;
    cc_err_t *err;
} reader_t;

/* A sink call's result: CC_OK, or out of memory. */
static int sunk(reader_t *r, int rc)
{
    return rc == CC_OK ? CC_OK : oom(r->err);
}

#define EMIT(r, call)                          \
    do {                                       \
        if (sunk((r), (r)->sink->call) != CC_OK) \
            return CC_E_NOMEM;                 \
    } while (0)

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
                return SKIPPED;
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
            return SKIPPED;
        out->kind = CC_V_NUM;
        out->u.n = d;
        return CC_OK;
    }
    return SKIPPED;
}

static int parse_timestamp(const cc_value_t *in, cc_value_t *out, cc_err_t *err)
{
    double t;
    if (in->kind == CC_V_INT || in->kind == CC_V_NUM) {
        *out = *in;
        return CC_OK;
    }
    if (in->kind != CC_V_STR)
        return SKIPPED;
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


/* A blob travels as base64: its bytes are what the caller gets. */
static int parse_blob(const cc_value_t *in, cc_arena_t *a, cc_value_t *out, cc_err_t *err)
{
    unsigned char *bytes;
    long n;
    if (in->kind != CC_V_STR)
        return SKIPPED;
    if ((bytes = cc_arena_alloc(a, in->u.str.len / 4 * 3 + 4)) == NULL)
        return oom(err);
    if ((n = cc_base64_decode(in->u.str.s, in->u.str.len, bytes)) < 0)
        return cc_err_set(err, CC_E_PARSE, "Invalid service response: a blob is not base64");
    cc_value_set_str(out, (const char *)bytes, (size_t)n);
    return CC_OK;
}

/* A scalar read as its shape says, into out. */
static int parse_scalar(const cc_shape_t *s, const cc_value_t *in, cc_arena_t *a, cc_value_t *out, cc_err_t *err)
{
    switch (s->type) {
    case CC_SHAPE_STRING:
    case CC_SHAPE_BOOLEAN:
        if (in->kind != (s->type == CC_SHAPE_STRING ? CC_V_STR : CC_V_BOOL))
            return SKIPPED;
        *out = *in;
        return CC_OK;
    case CC_SHAPE_BLOB: return parse_blob(in, a, out, err);
    case CC_SHAPE_INTEGER:
    case CC_SHAPE_LONG:
    case CC_SHAPE_DOUBLE:
    case CC_SHAPE_FLOAT: return parse_number(s, in, out);
    case CC_SHAPE_TIMESTAMP: return parse_timestamp(in, out, err);
    default: return SKIPPED;
    }
}

/* Emits a scalar value. */
static int emit_scalar(reader_t *r, const cc_value_t *v)
{
    switch (v->kind) {
    case CC_V_BOOL: EMIT(r, boolean(r->sink->ctx, v->u.b)); break;
    case CC_V_INT: EMIT(r, integer(r->sink->ctx, v->u.i)); break;
    case CC_V_NUM: EMIT(r, number(r->sink->ctx, v->u.n)); break;
    case CC_V_STR: EMIT(r, string(r->sink->ctx, v->u.str.s, v->u.str.len)); break;
    default: return SKIPPED;
    }
    return CC_OK;
}

/* {====== The body, by its shape ====== */
static int read_value(reader_t *r, const cc_shape_t *s);

/* Drops the value at the reader (it must still be JSON). */
static int skip(reader_t *r)
{
    return cc_jlex_skip(&r->lx) == CC_OK ? SKIPPED : r->err->code;
}

static int read_structure(reader_t *r, const cc_shape_t *s)
{
    size_t count = 0, set = 0, unknown_len = 0;
    const char *unknown = NULL;
    int more;
    if (cc_jlex_open(&r->lx) != CC_OK)
        return r->err->code;
    /* room for every member, but none for an empty object ("{}", the answer
     * of many an update): a table with room costs an allocation more */
    EMIT(r, table(r->sink->ctx, 0, cc_jlex_peek(&r->lx) == '}' ? 0 : s->nmembers));
    while ((more = cc_jlex_more(&r->lx, '}', &count)) > 0) {
        const cc_member_t *m;
        const char *key;
        size_t n;
        int rc;
        if (cc_jlex_key(&r->lx, 0, &key, &n) != CC_OK)
            return r->err->code;
        /* botocore ignores __type wherever a structure or union is read
         * (Smithy's RestJsonDeserializeIgnoreType): it is never a member */
        if (cc_jlex_peek(&r->lx) == 'n' || (n == 6 && memcmp(key, "__type", 6) == 0)) {
            if ((rc = skip(r)) != SKIPPED)
                return rc;
            continue;
        }
        set++;
        if ((m = cc_shape_wire_member(s, CC_LOC_BODY, key, n)) == NULL) {
            if (s->is_union)
                unknown = key, unknown_len = n;
            if ((rc = skip(r)) != SKIPPED)
                return rc;
            continue;
        }
        rc = read_value(r, m->shape);
        if (rc == SKIPPED)
            continue;
        if (rc == UNREADABLE_TIMESTAMP)
            return prepend_path(r->err, m->name, m->name_len);
        if (rc != CC_OK)
            return rc;
        EMIT(r, field(r->sink->ctx, m->name));
    }
    if (more < 0)
        return r->err->code;
    if (s->is_union && set != 1)
        return cc_err_set(r->err, CC_E_PARSE,
                          "Invalid service response: %s must have one and only one member set", s->name);
    if (s->is_union && unknown) {
        EMIT(r, table(r->sink->ctx, 0, 1));
        EMIT(r, string(r->sink->ctx, unknown, unknown_len));
        EMIT(r, field(r->sink->ctx, "name"));
        EMIT(r, field(r->sink->ctx, "SDK_UNKNOWN_MEMBER"));
    }
    return CC_OK;
}

static int read_list(reader_t *r, const cc_shape_t *s)
{
    size_t count = 0, n = 0;
    int more;
    if (cc_jlex_open(&r->lx) != CC_OK)
        return r->err->code;
    EMIT(r, table(r->sink->ctx, 4, 0));
    while ((more = cc_jlex_more(&r->lx, ']', &count)) > 0) {
        /* botocore fails on a null in a list (it parses None as the member's
         * shape and raises); a Lua sequence cannot hold nil either, so the
         * sensible reading drops it and keeps the list contiguous */
        int rc = read_value(r, s->member);
        if (rc == SKIPPED)
            continue;
        if (rc == UNREADABLE_TIMESTAMP) {
            char index[32];
            int w = snprintf(index, sizeof index, "[%zu]", count); /* Lua's positions */
            return prepend_path(r->err, index, (size_t)w);
        }
        if (rc != CC_OK)
            return rc;
        EMIT(r, index(r->sink->ctx, ++n));
    }
    return more < 0 ? r->err->code : CC_OK;
}

static int read_map(reader_t *r, const cc_shape_t *s)
{
    size_t count = 0;
    int more;
    if (cc_jlex_open(&r->lx) != CC_OK)
        return r->err->code;
    EMIT(r, table(r->sink->ctx, 0, 4));
    while ((more = cc_jlex_more(&r->lx, '}', &count)) > 0) {
        const char *key;
        size_t n;
        int rc;
        if (cc_jlex_key(&r->lx, 0, &key, &n) != CC_OK)
            return r->err->code;
        rc = read_value(r, s->value);
        if (rc == SKIPPED)
            continue;
        if (rc == UNREADABLE_TIMESTAMP)
            return prepend_path(r->err, key, n);
        if (rc != CC_OK)
            return rc;
        EMIT(r, key(r->sink->ctx, key, n));
    }
    return more < 0 ? r->err->code : CC_OK;
}

/* A document: any JSON value as it came, nulls left out (a list keeps the
 * positions of the values around them). */
static int read_any(reader_t *r)
{
    int c = cc_jlex_peek(&r->lx), more;
    size_t count = 0;
    cc_value_t v;
    if (c != '{' && c != '[') {
        if (cc_jlex_scalar(&r->lx, &v) != CC_OK)
            return r->err->code;
        return emit_scalar(r, &v);
    }
    if (cc_jlex_open(&r->lx) != CC_OK)
        return r->err->code;
    EMIT(r, table(r->sink->ctx, 0, 0));
    while ((more = cc_jlex_more(&r->lx, c == '{' ? '}' : ']', &count)) > 0) {
        const char *key = NULL;
        size_t n = 0;
        int rc;
        if (c == '{' && cc_jlex_key(&r->lx, 0, &key, &n) != CC_OK)
            return r->err->code;
        if ((rc = read_any(r)) == SKIPPED)
            continue;
        if (rc != CC_OK)
            return rc;
        if (c == '{')
            EMIT(r, key(r->sink->ctx, key, n));
        else
            EMIT(r, index(r->sink->ctx, count));
    }
    return more < 0 ? r->err->code : CC_OK;
}

static int read_value(reader_t *r, const cc_shape_t *s)
{
    int c = cc_jlex_peek(&r->lx), rc;
    cc_value_t in, out;
    switch (s->type) {
    case CC_SHAPE_STRUCTURE: return c == '{' ? read_structure(r, s) : skip(r);
    case CC_SHAPE_LIST: return c == '[' ? read_list(r, s) : skip(r);
    case CC_SHAPE_MAP: return c == '{' ? read_map(r, s) : skip(r);
    case CC_SHAPE_DOCUMENT: return read_any(r);
    default: break;
    }
    if (c == '"' && s->type == CC_SHAPE_STRING) { /* most of an answer: straight from the text */
        const char *str;
        size_t n;
        if (cc_jlex_string(&r->lx, 0, &str, &n) != CC_OK)
            return r->err->code;
        EMIT(r, string(r->sink->ctx, str, n));
        return CC_OK;
    }
    if (c == '{' || c == '[')
        return skip(r);
    if (cc_jlex_scalar(&r->lx, &in) != CC_OK)
        return r->err->code;
    if (in.kind == CC_V_NIL)
        return SKIPPED;
    if ((rc = parse_scalar(s, &in, r->a, &out, r->err)) != CC_OK)
        return rc;
    return emit_scalar(r, &out);
}

/* Reads a whole body (text) by shape. Text that is not JSON is named in the
 * error as "the body of <body_of>" ("the body" when body_of is empty), or
 * keeps the lexer's own message when body_of is NULL. */
static int read_body(reader_t *r, const cc_shape_t *shape, const char *text, size_t len, const char *body_of)
{
    int rc;
    cc_jlex_init(&r->lx, text, len, r->a, r->err);
    rc = read_value(r, shape);
    if ((rc == CC_OK || rc == SKIPPED) && cc_jlex_finish(&r->lx) != CC_OK)
        rc = CC_E_PARSE;
    if (r->lx.syntax)
        return body_of ? cc_err_set(r->err, CC_E_PARSE, "Invalid service response: the body%s%s is not JSON",
                                    *body_of ? " of " : "", body_of)
                       : CC_E_PARSE;
    if (rc == UNREADABLE_TIMESTAMP) {
        char path[CC_ERR_MSG_MAX];
        memcpy(path, r->err->msg, sizeof path);
        return cc_err_set(r->err, CC_E_PARSE, "Invalid service response: the timestamp at %s cannot be read",
                          path[0] ? path : shape->name);
    }
    if (rc == SKIPPED)
        return cc_err_set(r->err, CC_E_PARSE, "Invalid service response: %s is not a %s", shape->name,
                          shape->type == CC_SHAPE_STRUCTURE ? "JSON object" : "value of its type");
    return rc;
}

int cc_shape_decode(const cc_shape_t *shape, const char *text, size_t len, cc_arena_t *a, const cc_sink_t *sink,
                    cc_err_t *err)
{
    reader_t r;
    r.sink = sink;
    r.a = a;
    r.err = err;
    return read_body(&r, shape, text, len, NULL);
}
/* }====== */

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

/* {====== Members outside the body ====== */
typedef struct {
    reader_t *r;
    const char *prefix; /* lower-case */
    size_t plen;
    const cc_shape_t *value;
    int rc;
} prefix_ctx_t;

static int header_value(reader_t *r, const cc_shape_t *s, const char *text, size_t n);

/* A list header: its items, each read as the member shape says. */
static int header_list(reader_t *r, const cc_shape_t *s, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    size_t n = 0;
    EMIT(r, table(r->sink->ctx, 4, 0));
    while (p && p < end) {
        const char *item;
        size_t ilen;
        int rc;
        if ((p = header_item(p, end, s->member->type == CC_SHAPE_TIMESTAMP, r->a, &item, &ilen)) == NULL)
            return oom(r->err);
        rc = header_value(r, s->member, item, ilen);
        if (rc == SKIPPED)
            continue;
        if (rc != CC_OK)
            return rc;
        EMIT(r, index(r->sink->ctx, ++n));
    }
    return CC_OK;
}

/* A header's text read as its shape says, as botocore's header parsing does. */
static int header_value(reader_t *r, const cc_shape_t *s, const char *text, size_t n)
{
    char tmp[64], *end;
    cc_value_t v, out;
    int rc;
    cc_value_set_str(&v, text, n);
    switch (s->type) {
    case CC_SHAPE_LIST: return header_list(r, s, text, n);
    case CC_SHAPE_BOOLEAN:
        out.kind = CC_V_BOOL;
        out.u.b = n == 4 && strncasecmp(text, "true", 4) == 0;
        break;
    case CC_SHAPE_INTEGER:
    case CC_SHAPE_LONG:
        if (n == 0 || n >= sizeof tmp)
            return SKIPPED;
        memcpy(tmp, text, n);
        tmp[n] = '\0';
        out.kind = CC_V_INT;
        out.u.i = strtoll(tmp, &end, 10);
        if (*end != '\0')
            return SKIPPED;
        break;
    case CC_SHAPE_DOUBLE:
    case CC_SHAPE_FLOAT:
        if (parse_number(s, &v, &out) == CC_OK) /* NaN, Infinity, -Infinity */
            break;
        if (n == 0 || n >= sizeof tmp)
            return SKIPPED;
        memcpy(tmp, text, n);
        tmp[n] = '\0';
        out.kind = CC_V_NUM;
        out.u.n = strtod(tmp, &end);
        if (*end != '\0')
            return SKIPPED;
        break;
    case CC_SHAPE_TIMESTAMP:
    case CC_SHAPE_BLOB:
        if ((rc = parse_scalar(s, &v, r->a, &out, r->err)) != CC_OK)
            return rc;
        break;
    default: out = v; break;
    }
    return emit_scalar(r, &out);
}

static void prefix_entry(void *arg, const char *name, size_t nlen, const char *val, size_t vlen)
{
    prefix_ctx_t *c = arg;
    size_t mark;
    int rc;
    if (c->rc != CC_OK || nlen < c->plen || strncasecmp(name, c->prefix, c->plen) != 0)
        return;
    mark = c->r->sink->mark(c->r->sink->ctx);
    rc = header_value(c->r, c->value, val, vlen);
    if (rc == CC_OK)
        c->rc = sunk(c->r, c->r->sink->key(c->r->sink->ctx, name + c->plen, nlen - c->plen));
    else if (rc == CC_E_NOMEM)
        c->rc = rc;
    else /* a value that cannot be read is left out */
        c->r->sink->reset(c->r->sink->ctx, mark);
}

/* Emits the value of a member bound to a header, the headers or the status
 * code; SKIPPED when the answer does not hold it. */
static int read_located(reader_t *r, const cc_member_t *m, long status, const cc_headers_t *h)
{
    char lname[256];
    size_t i, vlen, mark;
    const char *v;
    int rc;
    if (m->location == CC_LOC_STATUS) {
        EMIT(r, integer(r->sink->ctx, status));
        return CC_OK;
    }
    if (h == NULL || m->wire_len >= sizeof lname)
        return SKIPPED;
    for (i = 0; i <= m->wire_len; i++)
        lname[i] = (char)(m->wire_name[i] >= 'A' && m->wire_name[i] <= 'Z' ? m->wire_name[i] + 32 : m->wire_name[i]);
    if (m->location == CC_LOC_HEADERS) {
        prefix_ctx_t c = {r, lname, m->wire_len, m->shape->value, CC_OK};
        EMIT(r, table(r->sink->ctx, 0, 4));
        if (h->each)
            h->each(h->ctx, prefix_entry, &c);
        return c.rc;
    }
    if ((v = h->get(h->ctx, lname, &vlen)) == NULL)
        return SKIPPED;
    mark = r->sink->mark(r->sink->ctx);
    if (m->jsonvalue) { /* base64 of JSON text, given as that text */
        cc_value_t in, out;
        cc_value_set_str(&in, v, vlen);
        if ((rc = parse_blob(&in, r->a, &out, r->err)) == CC_OK)
            rc = emit_scalar(r, &out);
    } else {
        rc = header_value(r, m->shape, v, vlen);
    }
    if (rc == SKIPPED || rc == UNREADABLE_TIMESTAMP) {
        r->sink->reset(r->sink->ctx, mark);
        return SKIPPED;
    }
    return rc;
}

static size_t located_count(const cc_shape_t *s)
{
    size_t i, n = 0;
    for (i = 0; i < s->nmembers; i++)
        n += s->members[i].location == CC_LOC_HEADER || s->members[i].location == CC_LOC_HEADERS ||
             s->members[i].location == CC_LOC_STATUS;
    return n;
}

/* Adds the members outside the body to the table on top of the sink;
 * *added counts them. */
static int add_located(reader_t *r, const cc_shape_t *s, long status, const cc_headers_t *h, size_t *added)
{
    size_t i;
    *added = 0;
    for (i = 0; i < s->nmembers; i++) {
        const cc_member_t *m = &s->members[i];
        int rc;
        if (m->location != CC_LOC_HEADER && m->location != CC_LOC_HEADERS && m->location != CC_LOC_STATUS)
            continue;
        if ((rc = read_located(r, m, status, h)) == SKIPPED)
            continue;
        if (rc != CC_OK)
            return rc;
        EMIT(r, field(r->sink->ctx, m->name));
        (*added)++;
    }
    return CC_OK;
}
/* }====== */

static int parse_error(reader_t *r, const cc_model_t *m, long status, const char *body, size_t len,
                       const cc_headers_t *h, cc_service_error_t *se)
{
    cc_value_t tree;
    cc_err_t ignored;
    const char *code = NULL, *msg = NULL, *hdr = NULL;
    size_t code_len, msg_len = 0, hdr_len, mark, added;
    int is_json = len > 0 && cc_json_decode(body, len, r->a, &tree, &ignored) == CC_OK;
    int have_body = is_json && tree.kind == CC_V_TABLE, filled = 0, rc;
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
        msg = text_message(r->a, body, len, &msg_len);
    if (code) {
        se->code = clean_code(r->a, code);
    } else {
        char num[16];
        snprintf(num, sizeof num, "%ld", status);
        se->code = cc_arena_strndup(r->a, num, strlen(num));
    }
    se->message = msg ? msg : reason_phrase(status);
    se->message_len = msg ? msg_len : strlen(se->message);
    if (se->code == NULL)
        return oom(r->err);
    se->shape = cc_model_find_error(m, se->code);
    if (se->shape == NULL)
        return cc_err_set(r->err, CC_E_SERVICE, "%s", se->code);
    /* the members of the error shape: from the body (read again, by the
     * shape), then those bound to headers (this model's xAmzErrorType is
     * x-amzn-ErrorType) */
    mark = r->sink->mark(r->sink->ctx);
    if (have_body) {
        rc = read_body(r, se->shape, body, len, NULL);
        if (rc == CC_OK)
            filled = 1;
        else if (rc == CC_E_PARSE)
            r->sink->reset(r->sink->ctx, mark);
        else
            return rc;
    }
    if (!filled) {
        size_t located = located_count(se->shape);
        if (located == 0)
            return cc_err_set(r->err, CC_E_SERVICE, "%s", se->code);
        EMIT(r, table(r->sink->ctx, 0, located));
    }
    if ((rc = add_located(r, se->shape, status, h, &added)) != CC_OK)
        return rc;
    if (!have_body && added == 0)
        r->sink->reset(r->sink->ctx, mark);
    else
        se->has_fields = 1;
    return cc_err_set(r->err, CC_E_SERVICE, "%s", se->code);
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
static int parse_payload(reader_t *r, const cc_shape_t *out_shape, const char *body, size_t len)
{
    const cc_member_t *p = out_shape->payload;
    EMIT(r, table(r->sink->ctx, 0, 1 + located_count(out_shape)));
    if (p->shape->type == CC_SHAPE_BLOB || p->shape->type == CC_SHAPE_STRING) {
        if (len == 0)
            return CC_OK;
        EMIT(r, string(r->sink->ctx, body, len));
    } else {
        int rc;
        if (is_blank(body, len))
            return CC_OK;
        cc_jlex_init(&r->lx, body, len, r->a, r->err);
        if (cc_jlex_peek(&r->lx) == 'n') { /* null: no payload */
            if (cc_jlex_skip(&r->lx) != CC_OK || cc_jlex_finish(&r->lx) != CC_OK)
                return cc_err_set(r->err, CC_E_PARSE, "Invalid service response: the body is not JSON");
            return CC_OK;
        }
        if ((rc = read_body(r, p->shape, body, len, "")) != CC_OK)
            return rc;
    }
    EMIT(r, field(r->sink->ctx, p->name));
    return CC_OK;
}

int cc_parse_response_sink(const cc_model_t *m, const cc_operation_t *op, long status, const char *body,
                           size_t len, const cc_headers_t *h, cc_arena_t *a, const cc_sink_t *sink,
                           cc_service_error_t *se, cc_err_t *err)
{
    reader_t r;
    size_t added;
    int rc;
    r.sink = sink;
    r.a = a;
    r.err = err;
    if (status < 200 || status >= 300)
        return parse_error(&r, m, status, body, len, h, se);
    if (op->output && op->output->payload) {
        rc = parse_payload(&r, op->output, body, len);
    } else if (op->output == NULL || is_blank(body, len)) {
        /* no output shape, or an empty body: an empty result */
        rc = sunk(&r, sink->table(sink->ctx, 0, op->output ? located_count(op->output) : 0));
    } else {
        rc = read_body(&r, op->output, body, len, op->name);
    }
    if (rc != CC_OK)
        return rc;
    return op->output ? add_located(&r, op->output, status, h, &added) : CC_OK;
}

int cc_parse_response_h(const cc_model_t *m, const cc_operation_t *op, long status, const char *body, size_t len,
                        const cc_headers_t *h, cc_arena_t *a, cc_value_t *out, cc_service_error_t *se,
                        cc_err_t *err)
{
    cc_tree_sink_t tree;
    cc_sink_t sink;
    int rc;
    cc_tree_sink_init(&tree, a, &sink);
    rc = cc_parse_response_sink(m, op, status, body, len, h, a, &sink, se, err);
    if (rc == CC_OK)
        cc_tree_sink_pop(&tree, out);
    else if (rc == CC_E_SERVICE && se->has_fields)
        cc_tree_sink_pop(&tree, &se->fields);
    cc_tree_sink_free(&tree);
    return rc;
}

/* {====== One header known ====== */
static const char *one_get(void *ctx, const char *lname, size_t *len)
{
    const char *error_type = *(const char **)ctx;
    if (error_type == NULL || strcmp(lname, "x-amzn-errortype") != 0)
        return NULL;
    *len = strlen(error_type);
    return error_type;
}

static void one_each(void *ctx, void (*fn)(void *, const char *, size_t, const char *, size_t), void *arg)
{
    const char *error_type = *(const char **)ctx;
    if (error_type)
        fn(arg, "x-amzn-errortype", 16, error_type, strlen(error_type));
}

void cc_headers_error_type(cc_headers_t *h, const char **error_type)
{
    h->ctx = (void *)error_type;
    h->get = one_get;
    h->each = one_each;
}
/* }====== */

int cc_parse_response(const cc_model_t *m, const cc_operation_t *op, long status,
                      const char *body, size_t len, const char *error_type_header,
                      cc_arena_t *a, cc_value_t *out, cc_service_error_t *se, cc_err_t *err)
{
    cc_headers_t h;
    cc_headers_error_type(&h, &error_type_header);
    return cc_parse_response_h(m, op, status, body, len, &h, a, out, se, err);
}
