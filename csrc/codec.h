/* Byte codecs the protocol needs: base64 (blobs in JSON, jsonvalue
 * headers, Content-MD5), MD5 (httpChecksumRequired) and gzip (request
 * compression). */
#ifndef CC_CODEC_H
#define CC_CODEC_H

#include <stddef.h>

#include "buf.h"

/* Appends the standard base64 (with padding) of n bytes. */
void cc_base64_put(cc_buf_t *b, const void *data, size_t n);
/* Decodes standard base64 (padding optional, no white space) into out, which
 * needs room for 3 * (n / 4) + 3 bytes; returns the length or -1 if s is not
 * base64. */
long cc_base64_decode(const char *s, size_t n, unsigned char *out);

/* Appends the base64 of the MD5 of n bytes (a Content-MD5 value); 0 when
 * OpenSSL cannot compute MD5 (a FIPS-only provider). */
int cc_content_md5(cc_buf_t *b, const void *data, size_t n);

/* Replaces the bytes in b with their gzip form; 0 on failure (b unchanged). */
int cc_gzip(cc_buf_t *b);

#endif
