/* AWS Signature Version 4 (header signing) with OpenSSL. */
#ifndef CC_SIGV4_H
#define CC_SIGV4_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

typedef struct cc_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} cc_header_t;

typedef struct cc_sigv4_request {
    const char *method;
    const char *path; /* as sent on the wire (for this service: already percent-encoded) */
    size_t path_len;
    const char *query; /* as sent, without '?'; may be NULL */
    size_t query_len;
    const cc_header_t *headers; /* every header to sign, host and x-amz-date included */
    size_t nheaders;
    const void *payload;
    size_t payload_len;
} cc_sigv4_request_t;

typedef struct cc_credentials {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* may be NULL */
} cc_credentials_t;

typedef struct cc_signer cc_signer_t;

/* A signer with its own digest contexts and derived-key cache. Not for use
 * by two threads at once. Caller frees with cc_signer_free. */
cc_signer_t *cc_signer_new(cc_err_t *err);
void cc_signer_free(cc_signer_t *s);

/* Signs req: writes the Authorization header value into authz. amz_date is
 * the request's X-Amz-Date (YYYYMMDDThhmmssZ), which req's headers carry too.
 * creq and sts, when not NULL, receive the canonical request and the string
 * to sign (for tests). The derived key is cached per secret, date, region and
 * service; the cache compares a copy of the secret, cleansed when it changes
 * and when the signer is freed. */
int cc_signer_sign(cc_signer_t *s, const cc_sigv4_request_t *req, const cc_credentials_t *creds,
                   const char *region, const char *service, const char *amz_date,
                   cc_buf_t *authz, cc_buf_t *creq, cc_buf_t *sts, cc_err_t *err);

/* SHA-256 of n bytes on the signer's own state, as it hashes a request's
 * body (the benchmark's floor hashes through it). 1, or 0 on failure. */
int cc_signer_sha256(cc_signer_t *s, const void *p, size_t n, unsigned char out[32]);

/* How many times the signer derived a key (the cache's misses), for tests. */
unsigned long cc_signer_derivations(const cc_signer_t *s);

/* The canonical request and its signed-headers list (pure, for tests). */
int cc_sigv4_canonical_request(const cc_sigv4_request_t *req, const char *payload_hash,
                               cc_buf_t *out, cc_buf_t *signed_headers);
/* The canonical URI of a path: dot segments and empty segments removed, then
 * every byte but the unreserved ones and '/' percent-encoded. */
void cc_sigv4_canonical_path(const char *path, size_t len, cc_buf_t *out);
/* The canonical query string: pairs decoded, encoded strictly, sorted. */
int cc_sigv4_canonical_query(const char *q, size_t len, cc_buf_t *out);

/* SHA-1 of n bytes as 40 lower-case hex digits (the SSO token cache's file
 * names: not for anything that needs a secure hash). 0 on failure. */
int cc_sha1_hex(const void *p, size_t n, char out[41]);

#endif
