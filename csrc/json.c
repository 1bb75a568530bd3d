#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

/* {====== UTF-8 ====== */
/* Decodes one code point at s[*i]; returns -1 on malformed input. */
static long utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[*i];
    long cp;
    int extra, k;
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        extra = 1;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        extra = 2;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        extra = 3;
        cp = c & 0x07;
    } else {
        return -1;
    }
    if (*i + (size_t)extra >= n)
        return -1;
    for (k = 1; k <= extra; k++) {
        unsigned char cc = s[*i + (size_t)k];
        if ((cc & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *i += (size_t)extra + 1;
    return cp;
}

int cc_utf8_valid(const char *s, size_t n, size_t *chars)
{
    size_t i = 0, count = 0;
    while (i < n) {
        if (utf8_next((const unsigned char *)s, n, &i) < 0)
            return 0;
        count++;
    }
    if (chars)
        *chars = count;
    return 1;
}
/* }====== */

/* {====== Writing ====== */
void cc_json_put_string(cc_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    cc_buf_putc(b, '"');
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        long cp;
        char esc[13];
        /* Python's ensure_ascii keeps only space to '~' as they are: DEL is
         * escaped too. A run of such bytes is copied at once. */
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            size_t j = i + 1;
            while (j < n && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x7F && s[j] != '"' &&
                   s[j] != '\\')
                j++;
            cc_buf_append(b, s + i, j - i);
            i = j;
            continue;
        }
        switch (c) {
        case '"': cc_buf_puts(b, "\\\""); i++; continue;
        case '\\': cc_buf_puts(b, "\\\\"); i++; continue;
        case '\n': cc_buf_puts(b, "\\n"); i++; continue;
        case '\r': cc_buf_puts(b, "\\r"); i++; continue;
        case '\t': cc_buf_puts(b, "\\t"); i++; continue;
        case '\b': cc_buf_puts(b, "\\b"); i++; continue;
        case '\f': cc_buf_puts(b, "\\f"); i++; continue;
        default: break;
        }
        cp = utf8_next((const unsigned char *)s, n, &i);
        if (cp < 0) { /* validated input never gets here: write U+FFFD */
            cp = 0xFFFD;
            i++;
        }
        if (cp >= 0x10000) {
            long v = cp - 0x10000, hi = 0xD800 | (v >> 10), lo = 0xDC00 | (v & 0x3FF);
            esc[0] = '\\'; esc[1] = 'u';
            esc[2] = hex[(hi >> 12) & 15]; esc[3] = hex[(hi >> 8) & 15];
            esc[4] = hex[(hi >> 4) & 15]; esc[5] = hex[hi & 15];
            esc[6] = '\\'; esc[7] = 'u';
            esc[8] = hex[(lo >> 12) & 15]; esc[9] = hex[(lo >> 8) & 15];
            esc[10] = hex[(lo >> 4) & 15]; esc[11] = hex[lo & 15];
            cc_buf_append(b, esc, 12);
        } else {
            esc[0] = '\\'; esc[1] = 'u';
            esc[2] = hex[(cp >> 12) & 15]; esc[3] = hex[(cp >> 8) & 15];
            esc[4] = hex[(cp >> 4) & 15]; esc[5] = hex[cp & 15];
            cc_buf_append(b, esc, 6);
        }
    }
    cc_buf_putc(b, '"');
}

void cc_format_double(double d, char *out)
{
    int prec;
    if (d == floor(d) && fabs(d) < 1e16) {
        snprintf(out, 32, "%.0f", d);
        return;
    }
    for (prec = 1; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

void cc_json_put_double(cc_buf_t *b, double d)
{
    char num[40];
    cc_format_double(d, num);
    if (strchr(num, 'e')) {
        /* Python writes 1e+16 as "1e+16" and 1e-05 as "1e-05": %g agrees */
        cc_buf_puts(b, num);
        return;
    }
    cc_buf_puts(b, num);
    if (!strchr(num, '.'))
        cc_buf_puts(b, ".0");
}

static int encode(cc_buf_t *b, const cc_value_t *v, int depth, cc_err_t *err)
{
    size_t i;
    if (depth > 100)
        return cc_err_set(err, CC_E_PARAM, "value nested too deeply for JSON");
    switch (v->kind) {
    case CC_V_NIL: cc_buf_puts(b, "null"); return CC_OK;
    case CC_V_BOOL: cc_buf_puts(b, v->u.b ? "true" : "false"); return CC_OK;
    case CC_V_INT: cc_buf_printf(b, "%lld", v->u.i); return CC_OK;
    case CC_V_NUM:
        if (!isfinite(v->u.n))
            return cc_err_set(err, CC_E_PARAM, "JSON has no NaN or infinity");
        cc_json_put_double(b, v->u.n);
        return CC_OK;
    case CC_V_STR: cc_json_put_string(b, v->u.str.s, v->u.str.len); return CC_OK;
    case CC_V_OTHER: return cc_err_set(err, CC_E_PARAM, "cannot write a %s as JSON", cc_value_type_name(v));
    case CC_V_REFUSED: return cc_err_set(err, CC_E_PARAM, "cannot write this table as JSON: %s", v->u.other);
    case CC_V_TABLE: break;
    }
    /* a sequence is an array; the empty table, like any other, an object */
    if (v->u.tab.n > 0 && cc_value_is_sequence(v)) {
        cc_buf_putc(b, '[');
        for (i = 1; i <= v->u.tab.n; i++) {
            if (i > 1)
                cc_buf_puts(b, ", ");
            if (encode(b, cc_value_index(v, (long long)i), depth + 1, err) != CC_OK)
                return err->code;
        }
        cc_buf_putc(b, ']');
        return CC_OK;
    } else {
        const cc_entry_t **sorted;
        int rc = CC_OK;
        for (i = 0; i < v->u.tab.n; i++)
            if (v->u.tab.items[i].key.kind != CC_V_STR)
                return cc_err_set(err, CC_E_PARAM, "JSON object keys must be strings");
        if ((sorted = cc_value_sorted_entries(v)) == NULL)
            return cc_err_set(err, CC_E_NOMEM, "out of memory");
        {
            cc_buf_putc(b, '{');
            for (i = 0; i < v->u.tab.n && rc == CC_OK; i++) {
                if (i)
                    cc_buf_puts(b, ", ");
                cc_json_put_string(b, sorted[i]->key.u.str.s, sorted[i]->key.u.str.len);
                cc_buf_puts(b, ": ");
                rc = encode(b, &sorted[i]->val, depth + 1, err);
            }
            cc_buf_putc(b, '}');
        }
        cc_free(sorted);
        return rc;
    }
}

int cc_json_encode(cc_buf_t *b, const cc_value_t *v, cc_err_t *err)
{
    if (encode(b, v, 0, err) != CC_OK)
        return err->code;
    if (!cc_buf_ok(b))
        return cc_err_set(err, CC_E_NOMEM, "out of memory");
    return CC_OK;
}
/* }====== */

/* {====== Reading ====== */
/* A reader of our own rather than cJSON's: strings and keys keep their
 * length (a decoded \u0000 stays in the value), raw bytes must be valid
 * UTF-8, and nothing but white space may follow the value. Entries of the
 * object or array being read wait on one growable stack, so each table is
 * allocated once, at its final size. */
#define JSON_MAX_DEPTH 256

typedef struct {
    const unsigned char *p, *end;
    cc_arena_t *a;
    cc_entry_t *stack; /* pending entries of the open objects and arrays */
    size_t top, cap;
    int depth;
    cc_err_t *err;
} jreader_t;

static int jfail(jreader_t *r, const char *what)
{
    return cc_err_set(r->err, CC_E_PARSE, "not valid JSON: %s", what);
}

static int jnomem(jreader_t *r)
{
    return cc_err_set(r->err, CC_E_NOMEM, "out of memory");
}

static void skip_ws(jreader_t *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int push_entry(jreader_t *r, cc_entry_t **e)
{
    if (r->top == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        cc_entry_t *s = cc_realloc(r->stack, cap * sizeof *s);
        if (s == NULL)
            return jnomem(r);
        r->stack = s;
        r->cap = cap;
    }
    *e = &r->stack[r->top++];
    memset(*e, 0, sizeof **e);
    return CC_OK;
}

static int hex4(const unsigned char *p, long *out)
{
    int i;
    long v = 0;
    for (i = 0; i < 4; i++) {
        int c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return 0;
        v = v * 16 + d;
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *o, long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Reads a string literal (r->p at the opening quote) into out. Escapes only
 * shrink text (\uXXXX is 6 bytes for at most 3, a pair 12 for 4), so the raw
 * length bounds the decoded one. */
static int read_string(jreader_t *r, cc_value_t *out)
{
    const unsigned char *s = ++r->p, *q = s;
    char *dst;
    size_t n = 0;
    int plain = 1; /* no escape, control or non-ASCII byte: one memcpy */
    while (q < r->end && *q != '"') {
        if (*q == '\\') {
            plain = 0;
            q++;
        } else if (*q < 0x20 || *q >= 0x80) {
            plain = 0;
        }
        q++;
    }
    if (q >= r->end)
        return jfail(r, "unterminated string");
    if ((dst = cc_arena_alloc(r->a, (size_t)(q - s) + 1)) == NULL)
        return jnomem(r);
    if (plain) {
        n = (size_t)(q - s);
        memcpy(dst, s, n);
        r->p = q;
    }
    while (r->p < q) {
        unsigned char c = *r->p;
        if (c < 0x20)
            return jfail(r, "control character in a string");
        if (c >= 0x80) {
            size_t i = 0;
            long cp = utf8_next(r->p, (size_t)(q - r->p), &i);
            if (cp < 0)
                return jfail(r, "invalid UTF-8");
            memcpy(dst + n, r->p, i);
            n += i;
            r->p += i;
            continue;
        }
        if (c != '\\') {
            dst[n++] = (char)c;
            r->p++;
            continue;
        }
        r->p++;
        switch (*r->p++) {
        case '"': dst[n++] = '"'; break;
        case '\\': dst[n++] = '\\'; break;
        case '/': dst[n++] = '/'; break;
        case 'b': dst[n++] = '\b'; break;
        case 'f': dst[n++] = '\f'; break;
        case 'n': dst[n++] = '\n'; break;
        case 'r': dst[n++] = '\r'; break;
        case 't': dst[n++] = '\t'; break;
        case 'u': {
            long cp, lo;
            if (q - r->p < 4 || !hex4(r->p, &cp))
                return jfail(r, "bad \\u escape");
            r->p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && q - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u' &&
                hex4(r->p + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                r->p += 6;
            } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 0xFFFD; /* a lone surrogate has no UTF-8 form */
            }
            n += put_utf8(dst + n, cp);
            break;
        }
        default: return jfail(r, "bad escape");
        }
    }
    r->p = q + 1;
    dst[n] = '\0';
    cc_value_set_str(out, dst, n);
    return CC_OK;
}

static int read_number(jreader_t *r, cc_value_t *out)
{
    const unsigned char *s = r->p;
    int integral = 1, digits = 0;
    char tmp[64], *copy = tmp, *end;
    size_t len;
    double d;
    if (r->p < r->end && *r->p == '-')
        r->p++;
    if (r->p < r->end && *r->p == '0') {
        r->p++;
        digits = 1;
    } else {
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            r->p++, digits++;
    }
    if (digits == 0)
        return jfail(r, "unexpected character");
    if (r->p < r->end && *r->p == '.') {
        integral = digits = 0;
        r->p++;
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            r->p++, digits++;
        if (digits == 0)
            return jfail(r, "bad number");
    }
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        integral = digits = 0;
        r->p++;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            r->p++, digits++;
        if (digits == 0)
            return jfail(r, "bad number");
    }
    len = (size_t)(r->p - s);
    if (integral && len <= 18) { /* exact, no strtod */
        long long v = 0;
        size_t i = *s == '-';
        for (; i < len; i++)
            v = v * 10 + (s[i] - '0');
        out->kind = CC_V_INT;
        out->u.i = *s == '-' ? -v : v;
        return CC_OK;
    }
    if (len >= sizeof tmp && (copy = cc_arena_alloc(r->a, len + 1)) == NULL)
        return jnomem(r);
    memcpy(copy, s, len);
    copy[len] = '\0';
    d = strtod(copy, &end);
    /* an integer literal too long for the exact path stays an integer when a
     * double holds it exactly; a literal with a fraction or an exponent is a
     * float, as Python's json reads it (1.0 stays 1.0, -0.0 keeps its sign):
     * the shape decides what a member becomes */
    if (integral && d == floor(d) && fabs(d) < 9007199254740992.0) {
        out->kind = CC_V_INT;
        out->u.i = (long long)d;
    } else {
        out->kind = CC_V_NUM;
        out->u.n = d;
    }
    return CC_OK;
}

static int read_value(jreader_t *r, cc_value_t *out);

/* Moves the entries pushed since base into a table of exactly their number. */
static int close_table(jreader_t *r, size_t base, cc_value_t *out)
{
    size_t n = r->top - base;
    if (!cc_value_new_table(r->a, out, n))
        return jnomem(r);
    if (n)
        memcpy(out->u.tab.items, r->stack + base, n * sizeof *r->stack);
    out->u.tab.n = n;
    r->top = base;
    r->depth--;
    return CC_OK;
}

static int read_container(jreader_t *r, cc_value_t *out)
{
    int is_object = *r->p == '{';
    unsigned char close = is_object ? '}' : ']';
    size_t base = r->top;
    long long index = 0;
    if (++r->depth > JSON_MAX_DEPTH)
        return jfail(r, "nested too deeply");
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return close_table(r, base, out);
    }
    for (;;) {
        cc_entry_t *e = NULL;
        cc_value_t key, val;
        skip_ws(r);
        if (is_object) {
            if (r->p >= r->end || *r->p != '"')
                return jfail(r, "expected a member name");
            if (read_string(r, &key) != CC_OK)
                return r->err->code;
            skip_ws(r);
            if (r->p >= r->end || *r->p != ':')
                return jfail(r, "expected ':'");
            r->p++;
        } else {
            key.kind = CC_V_INT;
            key.u.i = ++index;
        }
        if (read_value(r, &val) != CC_OK)
            return r->err->code;
        if (push_entry(r, &e) != CC_OK) /* after the value: its own entries are gone */
            return r->err->code;
        e->key = key;
        e->val = val;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return close_table(r, base, out);
        }
        return jfail(r, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int read_literal(jreader_t *r, const char *word, size_t n)
{
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return jfail(r, "unexpected character");
    r->p += n;
    return CC_OK;
}

static int read_value(jreader_t *r, cc_value_t *out)
{
    skip_ws(r);
    if (r->p >= r->end)
        return jfail(r, "unexpected end");
    switch (*r->p) {
    case '{':
    case '[': return read_container(r, out);
    case '"': return read_string(r, out);
    case 't':
        out->kind = CC_V_BOOL;
        out->u.b = 1;
        return read_literal(r, "true", 4);
    case 'f':
        out->kind = CC_V_BOOL;
        out->u.b = 0;
        return read_literal(r, "false", 5);
    case 'n':
        out->kind = CC_V_NIL;
        return read_literal(r, "null", 4);
    default: return read_number(r, out);
    }
}

int cc_json_decode(const char *text, size_t len, cc_arena_t *a, cc_value_t *out, cc_err_t *err)
{
    jreader_t r;
    int rc;
    memset(&r, 0, sizeof r);
    r.p = (const unsigned char *)text;
    r.end = r.p + len;
    r.a = a;
    r.err = err;
    rc = read_value(&r, out);
    if (rc == CC_OK) {
        skip_ws(&r);
        if (r.p != r.end)
            rc = jfail(&r, "trailing characters after the value");
    }
    cc_free(r.stack);
    return rc;
}
/* }====== */
