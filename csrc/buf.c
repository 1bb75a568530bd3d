#include "buf.h"
#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cc_buf_init(cc_buf_t *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

void cc_buf_free(cc_buf_t *b)
{
    cc_free(b->data);
    cc_buf_init(b);
}

void cc_buf_reset(cc_buf_t *b)
{
    b->len = 0;
    b->oom = 0;
    if (b->data)
        b->data[0] = '\0';
}

void cc_buf_trim(cc_buf_t *b, size_t keep)
{
    if (b->cap > keep)
        cc_buf_free(b);
}

void cc_buf_recycle_used(cc_buf_t *b, size_t keep)
{
    if (b->cap > keep) {
        cc_buf_free(b);
    } else if (b->len || b->oom) {
        b->len = 0;
        b->oom = 0;
        if (b->data) /* NULL when the first growth failed */
            b->data[0] = '\0';
    }
}

int cc_buf_reserve(cc_buf_t *b, size_t n)
{
    size_t need, cap;
    char *p;
    if (b->oom)
        return 0;
    if (n > (size_t)-1 - b->len - 1) {
        b->oom = 1;
        return 0;
    }
    need = b->len + n + 1;
    if (need <= b->cap)
        return 1;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    p = cc_realloc(b->data, cap);
    if (p == NULL) {
        b->oom = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void cc_buf_append_slow(cc_buf_t *b, const void *p, size_t n)
{
    if (!cc_buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void cc_buf_puts(cc_buf_t *b, const char *s)
{
    cc_buf_append(b, s, strlen(s));
}

char *cc_int_text(long long v, char *end)
{
    /* by magnitude as unsigned: LLONG_MIN has no positive twin */
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--end = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--end = '-';
    return end;
}

void cc_buf_put_int(cc_buf_t *b, long long v)
{
    char digits[CC_INT_TEXT_MAX];
    const char *start = cc_int_text(v, digits + sizeof digits);
    cc_buf_append(b, start, (size_t)(digits + sizeof digits - start));
}

void cc_buf_printf(cc_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if (!cc_buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* RFC 3986 unreserved bytes: A-Z a-z 0-9 - _ . ~ (one bit per byte) */
static const unsigned char unreserved[32] = {
    0, 0, 0, 0, 0x00, 0x60, 0xFF, 0x03, 0xFE, 0xFF, 0xFF, 0x87, 0xFE, 0xFF, 0xFF, 0x47,
};

void cc_buf_put_uri_encoded(cc_buf_t *b, const char *s, size_t n, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i;
    char *out;
    /* room for the worst case once, then bytes written in place */
    if (n > ((size_t)-1) / 4 || !cc_buf_reserve(b, 3 * n)) {
        b->oom = 1;
        return;
    }
    out = b->data + b->len;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((unreserved[c >> 3] >> (c & 7)) & 1 || (c == '/' && keep_slash)) {
            *out++ = (char)c;
        } else {
            *out++ = '%';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 15];
        }
    }
    b->len = (size_t)(out - b->data);
    b->data[b->len] = '\0';
}

const char *cc_buf_cstr(cc_buf_t *b)
{
    if (b->data == NULL)
        return "";
    return b->data;
}

int cc_buf_ok(const cc_buf_t *b)
{
    return !b->oom;
}
