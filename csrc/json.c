#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "swar.h"

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
        /* ASCII, the usual text, eight bytes at a time, the last few too */
        size_t step = n - i < 8 ? n - i : 8;
        uint64_t w = cc_swar_load(s + i, step, 0);
        if (!cc_swar_high(w)) {
            i += step;
            count += step;
            continue;
        }
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
/* The bytes of w a string's plain run stops at: a quote, a backslash, a
 * control byte or a non-ASCII one (see swar.h for what the bits say). */
static uint64_t special_bits(uint64_t w)
{
    return (w & CC_SWAR_HIGH) | cc_swar_below_bits(w, 0x20) | cc_swar_has_bits(w, '"') | cc_swar_has_bits(w, '\\');
}

/* Where the run of bytes from i that JSON keeps as they are ends. Python's
 * ensure_ascii keeps only space to '~' (DEL is escaped too). */
static size_t plain_end(const char *s, size_t i, size_t n)
{
    uint64_t w, bits;
    /* eight plain bytes at a time (the last few padded with plain ones),
     * then the rest of the run by bytes */
    while (i < n) {
        size_t step = n - i < 8 ? n - i : 8;
        w = cc_swar_load(s + i, step, 'a');
        if ((bits = special_bits(w) | cc_swar_has_bits(w, 0x7F)) != 0) {
            i += cc_swar_skip(bits);
            break;
        }
        i += step;
    }
    while (i < n && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F && s[i] != '"' && s[i] != '\\')
        i++;
    return i;
}

void cc_json_put_string(cc_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = plain_end(s, 0, n);
    if (i == n && n < (size_t)-1 - 2 && cc_buf_reserve(b, n + 2)) { /* nothing to escape, the usual case */
        char *p = b->data + b->len;
        p[0] = '"';
        if (n)
            memcpy(p + 1, s, n);
        p[n + 1] = '"';
        p[n + 2] = '\0';
        b->len += n + 2;
        return;
    }
    cc_buf_putc(b, '"');
    cc_buf_append(b, s, i);
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        long cp;
        char esc[13];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            size_t j = plain_end(s, i + 1, n);
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

/* d written as its shortest decimal when that has at most six digits after
 * the point and 1e-4 <= |d| < 1e9 (a capacity of 0.25, a rate of 1.5):
 * integer digits, no printf and strtod. In that range two decimals of six
 * places lie farther apart than two neighbouring doubles, so the one that
 * comes back as d is the only one of its length: the digits of the first
 * scale that makes d whole, their trailing zeros cut. 0 when d is not such
 * a number (nothing written). */
static int short_decimal(double d, char *out)
{
    static const double scale[] = {1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
    double a = fabs(d), m;
    long long whole, frac, p = 10;
    int k, places;
    char *o = out, digits[24];
    if (!(a >= 1e-4 && a < 1e9) || a == floor(a))
        return 0;
    for (k = 0; k < 6; k++, p *= 10) {
        m = a * scale[k];
        if (m == floor(m) && m / scale[k] == a) /* that decimal reads back as d */
            break;
    }
    if (k == 6)
        return 0;
    whole = (long long)m / p;
    frac = (long long)m % p;
    for (places = k + 1; frac % 10 == 0; places--)
        frac /= 10;
    if (d < 0)
        *o++ = '-';
    k = 0;
    do
        digits[k++] = (char)('0' + whole % 10);
    while ((whole /= 10) > 0);
    while (k > 0)
        *o++ = digits[--k];
    *o++ = '.';
    for (k = places; k > 0; k--, frac /= 10)
        o[k - 1] = (char)('0' + frac % 10);
    o[places] = '\0';
    return 1;
}

void cc_format_double(double d, char *out)
{
    int prec;
    if (d == floor(d) && fabs(d) < 1e16) {
        snprintf(out, 32, "%.0f", d);
        return;
    }
    if (short_decimal(d, out))
        return;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

void cc_json_put_double(cc_buf_t *b, double d)
{
    char num[40];
    if (d == floor(d) && fabs(d) < 1e15 && !(d == 0 && signbit(d))) { /* whole: digits and ".0", as Python */
        cc_buf_put_int(b, (long long)d);
        cc_buf_append(b, ".0", 2);
        return;
    }
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
    case CC_V_INT: cc_buf_put_int(b, v->u.i); return CC_OK;
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
        const cc_entry_t **sorted, *room[CC_SORT_ROOM];
        int rc = CC_OK;
        for (i = 0; i < v->u.tab.n; i++)
            if (v->u.tab.items[i].key.kind != CC_V_STR)
                return cc_err_set(err, CC_E_PARAM, "JSON object keys must be strings");
        if ((sorted = cc_value_sorted_entries(v, room)) == NULL)
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
        cc_value_sorted_free(sorted, room);
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
 * UTF-8, and nothing but white space may follow the value. The lexer pulls
 * one token at a time, so the answer parser can read by the output shape
 * without a tree; cc_json_decode builds a tree with the same lexer. */
#define JSON_MAX_DEPTH 256

static int jfail(cc_jlex_t *lx, const char *what)
{
    lx->syntax = 1;
    return cc_err_set(lx->err, CC_E_PARSE, "not valid JSON: %s", what);
}

static int jnomem(cc_jlex_t *lx)
{
    return cc_err_set(lx->err, CC_E_NOMEM, "out of memory");
}

void cc_jlex_init(cc_jlex_t *lx, const char *text, size_t len, cc_arena_t *a, cc_err_t *err)
{
    lx->p = (const unsigned char *)text;
    lx->end = lx->p + len;
    lx->a = a;
    lx->depth = 0;
    lx->syntax = 0;
    lx->err = err;
}

int cc_jlex_peek_slow(cc_jlex_t *lx)
{
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r'))
        lx->p++;
    return lx->p < lx->end ? *lx->p : 0;
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

/* Decodes the string s..q (escapes, UTF-8 checked) into dst; its length. */
static int decode_string(cc_jlex_t *lx, const unsigned char *q, char *dst, size_t *len)
{
    size_t n = 0;
    while (lx->p < q) {
        unsigned char c = *lx->p;
        if (c < 0x20)
            return jfail(lx, "control character in a string");
        if (c >= 0x80) {
            size_t i = 0;
            long cp = utf8_next(lx->p, (size_t)(q - lx->p), &i);
            if (cp < 0)
                return jfail(lx, "invalid UTF-8");
            memcpy(dst + n, lx->p, i);
            n += i;
            lx->p += i;
            continue;
        }
        if (c != '\\') {
            dst[n++] = (char)c;
            lx->p++;
            continue;
        }
        lx->p++;
        switch (*lx->p++) {
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
            if (q - lx->p < 4 || !hex4(lx->p, &cp))
                return jfail(lx, "bad \\u escape");
            lx->p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && q - lx->p >= 6 && lx->p[0] == '\\' && lx->p[1] == 'u' &&
                hex4(lx->p + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                lx->p += 6;
            } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 0xFFFD; /* a lone surrogate has no UTF-8 form */
            }
            n += put_utf8(dst + n, cp);
            break;
        }
        default: return jfail(lx, "bad escape");
        }
    }
    dst[n] = '\0';
    *len = n;
    return CC_OK;
}

/* Escapes only shrink text (\uXXXX is 6 bytes for at most 3, a pair 12 for
 * 4), so the raw length bounds the decoded one. */
/* Strings are scanned 8 bytes at a time (special_bits), then by bytes. */
int cc_jlex_string(cc_jlex_t *lx, int copy, const char **out, size_t *len)
{
    const unsigned char *s = ++lx->p, *q = s;
    char *dst;
    int plain = 1; /* no escape, control or non-ASCII byte: the text itself */
    for (;;) { /* the plain run, 8 bytes at a time */
        uint64_t w, bits;
        if (lx->end - q < 8)
            break;
        memcpy(&w, q, 8);
        if ((bits = special_bits(w)) != 0) {
            q += cc_swar_skip(bits); /* to the byte that stopped the run: mostly the closing quote */
            break;
        }
        q += 8;
    }
    while (q < lx->end && *q != '"') {
        if (*q == '\\') {
            plain = 0;
            q++;
        } else if (*q < 0x20 || *q >= 0x80) {
            plain = 0;
        }
        q++;
    }
    if (q >= lx->end)
        return jfail(lx, "unterminated string");
    if (plain && !copy) {
        *out = (const char *)s;
        *len = (size_t)(q - s);
        lx->p = q + 1;
        return CC_OK;
    }
    if ((dst = cc_arena_alloc(lx->a, (size_t)(q - s) + 1)) == NULL)
        return jnomem(lx);
    if (decode_string(lx, q, dst, len) != CC_OK)
        return lx->err->code;
    lx->p = q + 1;
    *out = dst;
    return CC_OK;
}

static int read_number(cc_jlex_t *lx, cc_value_t *out)
{
    const unsigned char *s = lx->p;
    int integral = 1, digits = 0;
    char tmp[64], *copy = tmp, *end;
    size_t len;
    double d;
    if (lx->p < lx->end && *lx->p == '-')
        lx->p++;
    if (lx->p < lx->end && *lx->p == '0') {
        lx->p++;
        digits = 1;
    } else {
        while (lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9')
            lx->p++, digits++;
    }
    if (digits == 0)
        return jfail(lx, "unexpected character");
    if (lx->p < lx->end && *lx->p == '.') {
        integral = digits = 0;
        lx->p++;
        while (lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9')
            lx->p++, digits++;
        if (digits == 0)
            return jfail(lx, "bad number");
    }
    if (lx->p < lx->end && (*lx->p == 'e' || *lx->p == 'E')) {
        integral = digits = 0;
        lx->p++;
        if (lx->p < lx->end && (*lx->p == '+' || *lx->p == '-'))
            lx->p++;
        while (lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9')
            lx->p++, digits++;
        if (digits == 0)
            return jfail(lx, "bad number");
    }
    len = (size_t)(lx->p - s);
    if (integral && len <= 18) { /* exact, no strtod */
        long long v = 0;
        size_t i = *s == '-';
        for (; i < len; i++)
            v = v * 10 + (s[i] - '0');
        out->kind = CC_V_INT;
        out->u.i = *s == '-' ? -v : v;
        return CC_OK;
    }
    if (len >= sizeof tmp && (copy = cc_arena_alloc(lx->a, len + 1)) == NULL)
        return jnomem(lx);
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

static int read_literal(cc_jlex_t *lx, const char *word, size_t n)
{
    if ((size_t)(lx->end - lx->p) < n || memcmp(lx->p, word, n) != 0)
        return jfail(lx, "unexpected character");
    lx->p += n;
    return CC_OK;
}

int cc_jlex_scalar(cc_jlex_t *lx, cc_value_t *out)
{
    switch (cc_jlex_peek(lx)) {
    case 0: return jfail(lx, lx->p < lx->end ? "unexpected character" : "unexpected end");
    case '{':
    case '[': return jfail(lx, "unexpected container");
    case '"': {
        const char *s;
        size_t n;
        if (cc_jlex_string(lx, 0, &s, &n) != CC_OK)
            return lx->err->code;
        cc_value_set_str(out, s, n);
        return CC_OK;
    }
    case 't':
        out->kind = CC_V_BOOL;
        out->u.b = 1;
        return read_literal(lx, "true", 4);
    case 'f':
        out->kind = CC_V_BOOL;
        out->u.b = 0;
        return read_literal(lx, "false", 5);
    case 'n':
        out->kind = CC_V_NIL;
        return read_literal(lx, "null", 4);
    default: return read_number(lx, out);
    }
}

int cc_jlex_open(cc_jlex_t *lx)
{
    if (++lx->depth > JSON_MAX_DEPTH)
        return jfail(lx, "nested too deeply");
    lx->p++;
    return CC_OK;
}

int cc_jlex_more(cc_jlex_t *lx, int close, size_t *count)
{
    int c = cc_jlex_peek(lx);
    if (c == close) {
        lx->p++;
        lx->depth--;
        return 0;
    }
    if (*count > 0) {
        if (c != ',') {
            jfail(lx, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
            return -1;
        }
        lx->p++;
    }
    (*count)++;
    return 1;
}

int cc_jlex_key(cc_jlex_t *lx, int copy, const char **key, size_t *len)
{
    if (cc_jlex_peek(lx) != '"')
        return jfail(lx, "expected a member name");
    if (cc_jlex_string(lx, copy, key, len) != CC_OK)
        return lx->err->code;
    if (cc_jlex_peek(lx) != ':')
        return jfail(lx, "expected ':'");
    lx->p++;
    return CC_OK;
}

int cc_jlex_skip(cc_jlex_t *lx)
{
    int c = cc_jlex_peek(lx), more;
    size_t count = 0;
    cc_value_t ignored;
    if (c != '{' && c != '[')
        return cc_jlex_scalar(lx, &ignored);
    if (cc_jlex_open(lx) != CC_OK)
        return lx->err->code;
    while ((more = cc_jlex_more(lx, c == '{' ? '}' : ']', &count)) > 0) {
        const char *k;
        size_t n;
        if ((c == '{' && cc_jlex_key(lx, 0, &k, &n) != CC_OK) || cc_jlex_skip(lx) != CC_OK)
            return lx->err->code;
    }
    return more < 0 ? lx->err->code : CC_OK;
}

int cc_jlex_finish(cc_jlex_t *lx)
{
    return cc_jlex_peek(lx) == 0 && lx->p == lx->end ? CC_OK : jfail(lx, "trailing characters after the value");
}

/* {====== A value tree ====== */
/* Entries of the object or array being read wait on one growable stack, so
 * each table is allocated once, at its final size. */
typedef struct {
    cc_jlex_t lx;
    cc_entry_t *stack; /* pending entries of the open objects and arrays */
    size_t top, cap;
} tree_reader_t;

static int push_entry(tree_reader_t *r, const cc_value_t *key, const cc_value_t *val)
{
    if (r->top == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        cc_entry_t *s = cc_realloc(r->stack, cap * sizeof *s);
        if (s == NULL)
            return jnomem(&r->lx);
        r->stack = s;
        r->cap = cap;
    }
    r->stack[r->top].key = *key;
    r->stack[r->top].val = *val;
    r->top++;
    return CC_OK;
}

static int read_value(tree_reader_t *r, cc_value_t *out);

static int read_container(tree_reader_t *r, cc_value_t *out)
{
    int close = *r->lx.p == '{' ? '}' : ']', more;
    size_t base = r->top, count = 0, n;
    if (cc_jlex_open(&r->lx) != CC_OK)
        return r->lx.err->code;
    while ((more = cc_jlex_more(&r->lx, close, &count)) > 0) {
        cc_value_t key, val;
        if (close == '}') {
            const char *k;
            size_t klen;
            /* copied: the tree outlives the text */
            if (cc_jlex_key(&r->lx, 1, &k, &klen) != CC_OK)
                return r->lx.err->code;
            cc_value_set_str(&key, k, klen);
        } else {
            key.kind = CC_V_INT;
            key.u.i = (long long)count;
        }
        if (read_value(r, &val) != CC_OK || push_entry(r, &key, &val) != CC_OK)
            return r->lx.err->code; /* pushed after the value: its own entries are gone */
    }
    if (more < 0)
        return r->lx.err->code;
    n = r->top - base;
    if (!cc_value_new_table(r->lx.a, out, n))
        return jnomem(&r->lx);
    if (n)
        memcpy(out->u.tab.items, r->stack + base, n * sizeof *r->stack);
    out->u.tab.n = n;
    r->top = base;
    return CC_OK;
}

static int read_value(tree_reader_t *r, cc_value_t *out)
{
    int c = cc_jlex_peek(&r->lx);
    if (c == '{' || c == '[')
        return read_container(r, out);
    if (c == '"') { /* copied into the arena, as keys are */
        const char *s;
        size_t n;
        if (cc_jlex_string(&r->lx, 1, &s, &n) != CC_OK)
            return r->lx.err->code;
        cc_value_set_str(out, s, n);
        return CC_OK;
    }
    return cc_jlex_scalar(&r->lx, out);
}

int cc_json_decode(const char *text, size_t len, cc_arena_t *a, cc_value_t *out, cc_err_t *err)
{
    tree_reader_t r;
    int rc;
    memset(&r, 0, sizeof r);
    cc_jlex_init(&r.lx, text, len, a, err);
    rc = read_value(&r, out);
    if (rc == CC_OK)
        rc = cc_jlex_finish(&r.lx);
    cc_free(r.stack);
    return rc;
}
/* }====== */
/* }====== */
