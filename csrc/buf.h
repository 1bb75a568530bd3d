/* A growable byte buffer. Out of memory is sticky: appends after a failed
 * growth do nothing and cc_buf_ok() reports it, so builders check once. */
#ifndef CC_BUF_H
#define CC_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct cc_buf {
    char *data; /* always NUL-terminated when len > 0 or after cc_buf_cstr */
    size_t len;
    size_t cap;
    int oom;
} cc_buf_t;

void cc_buf_init(cc_buf_t *b);
/* Frees the storage; the buffer is empty and usable again. */
void cc_buf_free(cc_buf_t *b);
/* Empties the buffer but keeps its storage for reuse. */
void cc_buf_reset(cc_buf_t *b);
/* Releases the storage when it grew past keep bytes (one large request or
 * answer), so a buffer kept between calls stays small. */
void cc_buf_trim(cc_buf_t *b, size_t keep);
/* cc_buf_trim then cc_buf_reset, in one step that leaves an unused buffer
 * untouched (a kept request's buffers, most of them unused by a call: that
 * test is inline, seven of them end every call). */
void cc_buf_recycle_used(cc_buf_t *b, size_t keep);
static inline void cc_buf_recycle(cc_buf_t *b, size_t keep)
{
    if (b->len || b->oom || b->cap > keep)
        cc_buf_recycle_used(b, keep);
}
/* Makes room for n more bytes and a NUL; 0 when out of memory (sticky). */
int cc_buf_reserve(cc_buf_t *b, size_t n);
void cc_buf_append_slow(cc_buf_t *b, const void *p, size_t n);
void cc_buf_puts(cc_buf_t *b, const char *s);

/* Appending is most of what the writers do: the case where the room is
 * there already is inline, growth is not. */
static inline void cc_buf_append(cc_buf_t *b, const void *p, size_t n)
{
    if (b->cap - b->len > n && !b->oom) { /* cap > len whenever data is set */
        if (n) /* p may be NULL then */
            memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return;
    }
    cc_buf_append_slow(b, p, n);
}

static inline void cc_buf_putc(cc_buf_t *b, char c)
{
    if (b->cap - b->len > 1 && !b->oom) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    cc_buf_append_slow(b, &c, 1);
}
/* The most bytes a long long's decimal text takes ("-9223372036854775808"). */
#define CC_INT_TEXT_MAX 20
/* Writes v in decimal, as "%lld" would, to end just before end (which has
 * CC_INT_TEXT_MAX bytes of room before it); returns where the text starts. */
char *cc_int_text(long long v, char *end);
/* A decimal integer, as "%lld" writes it, without printf. */
void cc_buf_put_int(cc_buf_t *b, long long v);
void cc_buf_printf(cc_buf_t *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Percent-encodes every byte but the RFC 3986 unreserved ones (and '/' when
 * keep_slash), upper-case hex, as SigV4 and the URI labels want. */
void cc_buf_put_uri_encoded(cc_buf_t *b, const char *s, size_t n, int keep_slash);
/* The contents as a C string (never NULL); valid until the next change. */
const char *cc_buf_cstr(cc_buf_t *b);
int cc_buf_ok(const cc_buf_t *b);

#endif
