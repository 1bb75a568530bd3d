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

/* Writes a value tree as JSON without a shape: a table whose keys are exactly
 * 1..n is an array, any other table (the empty one included) an object with
 * its keys sorted. For tests and the local stand-in servers. */
int cc_json_encode(cc_buf_t *b, const cc_value_t *v, cc_err_t *err);

/* Whether s is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF);
 * *chars receives the number of code points when it is. */
int cc_utf8_valid(const char *s, size_t n, size_t *chars);

#endif
