/* Response parsing: a JSON body read by the output shape, and error answers
 * read the way botocore's rest-json parser reads them. */
#include "shape.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static int parse_value(const cc_shape_t *s, const cc_value_t *in, cc_arena_t *a, cc_value_t *out,
                       cc_err_t *err)
{
    switch (s->type) {
    case CC_SHAPE_STRUCTURE: return parse_structure(s, in, a, out, err);
    case CC_SHAPE_LIST: return parse_list(s, in, a, out, err);
    case CC_SHAPE_MAP: return parse_map(s, in, a, out, err);
    case CC_SHAPE_STRING:
    case CC_SHAPE_BLOB:
        if (in->kind != CC_V_STR)
            return MISMATCH;
        *out = *in;
        return CC_OK;
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

/* The member of an error shape bound to the x-amzn-ErrorType header (this
 * model's xAmzErrorType), set from that header as botocore sets it. */
static int add_error_type_member(cc_service_error_t *se, const char *hdr, cc_arena_t *a)
{
    size_t i, n = se->fields.kind == CC_V_TABLE ? se->fields.u.tab.n : 0;
    const cc_member_t *m = NULL;
    cc_value_t grown;
    for (i = 0; i < se->shape->nmembers && m == NULL; i++)
        if (se->shape->members[i].location == CC_LOC_HEADER &&
            strcasecmp(se->shape->members[i].wire_name, "x-amzn-ErrorType") == 0)
            m = &se->shape->members[i];
    if (m == NULL)
        return CC_OK;
    if (!cc_value_new_table(a, &grown, n + 1))
        return CC_E_NOMEM;
    if (n)
        memcpy(grown.u.tab.items, se->fields.u.tab.items, n * sizeof *grown.u.tab.items);
    cc_value_set_str(&grown.u.tab.items[n].key, m->name, strlen(m->name));
    cc_value_set_str(&grown.u.tab.items[n].val, hdr, strlen(hdr));
    grown.u.tab.n = n + 1;
    se->fields = grown;
    return CC_OK;
}

static int parse_error(const cc_model_t *m, long status, const char *body, size_t len,
                       const char *hdr, cc_arena_t *a, cc_service_error_t *se, cc_err_t *err)
{
    cc_value_t tree;
    cc_err_t ignored;
    const char *code = NULL, *msg = NULL;
    size_t code_len, msg_len = 0;
    int is_json = len > 0 && cc_json_decode(body, len, a, &tree, &ignored) == CC_OK;
    int have_body = is_json && tree.kind == CC_V_TABLE;
    memset(se, 0, sizeof *se);
    se->fields.kind = CC_V_NIL;
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
    if (se->shape && hdr && *hdr && add_error_type_member(se, hdr, a) != CC_OK)
        return oom(err);
    return cc_err_set(err, CC_E_SERVICE, "%s", se->code);
}
/* }====== */

int cc_parse_response(const cc_model_t *m, const cc_operation_t *op, long status,
                      const char *body, size_t len, const char *error_type_header,
                      cc_arena_t *a, cc_value_t *out, cc_service_error_t *se, cc_err_t *err)
{
    cc_value_t tree;
    size_t i;
    if (status < 200 || status >= 300)
        return parse_error(m, status, body, len, error_type_header, a, se, err);
    for (i = 0; i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'); i++)
        ;
    if (op->output == NULL || i == len) {
        /* no output shape, or an empty body: an empty result */
        return cc_value_new_table(a, out, 0) ? CC_OK : oom(err);
    }
    if (cc_json_decode(body, len, a, &tree, err) != CC_OK)
        return err->code == CC_E_PARSE
                   ? cc_err_set(err, CC_E_PARSE, "Invalid service response: the body of %s is not JSON", op->name)
                   : err->code;
    return cc_shape_parse_value(op->output, &tree, a, out, err);
}
