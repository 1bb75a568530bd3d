/* What an HTTP header may hold. Every request passes here before it is sent,
 * by any transport: a CR or LF in a value (a session token from a hostile
 * credentials source, say) would otherwise start a header line of its own. */
#ifndef CC_HEADER_H
#define CC_HEADER_H

#include <stddef.h>

#include "err.h"

/* CC_OK when name is an RFC 9110 token and value has no control character
 * but tab; else CC_E_PARAM with a message that names the header (when its
 * name is printable) and never quotes the value. */
int cc_header_check(const char *name, size_t nlen, const char *value, size_t vlen, cc_err_t *err);
/* The value's half of cc_header_check, for a header whose name is the
 * caller's own constant (a valid token already). */
int cc_header_check_value(const char *name, size_t nlen, const char *value, size_t vlen, cc_err_t *err);

#endif
