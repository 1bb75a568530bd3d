/* JSON in and out. Output is byte-for-byte what Python's json.dumps writes
 * (", " and ": " separators, non-ASCII as \uXXXX), which is what botocore
 * sends; input is read into the neutral value tree by lengths (NULs kept). */
#ifndef CC_JSON_H
#define CC_JSON_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "value.h"

/* Writes s (UTF-8, length n) as a JSON string literal with Python's escapes. */
void cc_json_put_string(cc_buf_t *b, const char *s, size_t n);
/* Writes a double as Python's repr does (shortest form that reads back the
 * same, ".0" on whole numbers). Non-finite numbers are the caller's to refuse. */
void cc_json_put_double(cc_buf_t *b, double d);
/* The shortest "%.*g" form of d that reads back as d; out needs 32 bytes. */
void cc_format_double(double d, char *out);

/* Parses JSON text into a value tree in the arena: objects and arrays become
 * tables (arrays keyed 1..n), null becomes CC_V_NIL, numbers CC_V_INT when
 * written as integers (no fraction, no exponent) that fit, else CC_V_NUM (1.0
 * and -0.0 stay floats). CC_E_PARSE for anything that
 * is not exactly one JSON value (trailing bytes, raw invalid UTF-8, control
 * characters in strings, nesting deeper than 256). */
int cc_json_decode(const char *text, size_t len, cc_arena_t *a, cc_value_t *out, cc_err_t *err);

/* A pull lexer over JSON text: the answer parser reads by the output shape
 * with it, token by token, and cc_json_decode builds its tree with it.
 * Every function returns CC_OK or an error in err (CC_E_PARSE, with
 * syntax set, for text that is not JSON; CC_E_NOMEM). */
typedef struct cc_jlex {
    const unsigned char *p, *end;
    cc_arena_t *a; /* decoded strings that are not the text itself */
    int depth;
    int syntax; /* set when the text was found not to be JSON */
    cc_err_t *err;
} cc_jlex_t;

void cc_jlex_init(cc_jlex_t *lx, const char *text, size_t len, cc_arena_t *a, cc_err_t *err);
/* Skips white space; the next byte, or 0 at the end. Inline for the usual
 * case, a byte that is no white space (every one above ' '). */
int cc_jlex_peek_slow(cc_jlex_t *lx);
static inline int cc_jlex_peek(cc_jlex_t *lx)
{
    if (lx->p < lx->end && *lx->p > ' ')
        return *lx->p;
    if (lx->end - lx->p > 1 && *lx->p == ' ' && lx->p[1] > ' ') /* one space, as after ',' and ':' */
        return *++lx->p;
    return cc_jlex_peek_slow(lx);
}
/* Reads the string literal at the next byte ('"'). A string without escapes
 * or non-ASCII bytes is the text itself unless copy is set; any other is
 * decoded into the arena (NUL-terminated). */
int cc_jlex_string(cc_jlex_t *lx, int copy, const char **out, size_t *len);
/* Reads a string, number, true, false or null (CC_V_NIL) into out. */
int cc_jlex_scalar(cc_jlex_t *lx, cc_value_t *out);
/* Enters the object or array at the next byte ('{' or '['). */
int cc_jlex_open(cc_jlex_t *lx);
/* Whether the open object or array has another item (1), consuming the
 * comma before it; 0 when close (a '}' or ']') ends it; -1 on an error.
 * count starts at 0 and counts the items. */
int cc_jlex_more(cc_jlex_t *lx, int close, size_t *count);
/* Reads an object member's name and its colon (the name as cc_jlex_string
 * gives it). */
int cc_jlex_key(cc_jlex_t *lx, int copy, const char **key, size_t *len);
/* Reads one value of any kind and drops it (it must still be JSON). */
int cc_jlex_skip(cc_jlex_t *lx);
/* CC_OK when nothing but white space is left. */
int cc_jlex_finish(cc_jlex_t *lx);

/* Writes a value tree as JSON without a shape: a table whose keys are exactly
 * 1..n is an array, any other table (the empty one included) an object with
 * its keys sorted. For tests and the local stand-in servers. */
int cc_json_encode(cc_buf_t *b, const cc_value_t *v, cc_err_t *err);

/* Whether s is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF);
 * *chars receives the number of code points when it is. */
int cc_utf8_valid(const char *s, size_t n, size_t *chars);

#endif
