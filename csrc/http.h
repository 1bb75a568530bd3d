/* The libcurl transport: one easy handle per client, reused (keep-alive). */
#ifndef CC_HTTP_H
#define CC_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

typedef struct cc_http cc_http_t;

typedef struct cc_http_options {
    const char *ca_file;  /* NULL: the system's CA store */
    long timeout_ms;      /* whole transfer; 0: none */
    long connect_timeout_ms;
    size_t max_response;  /* bytes of body; larger answers fail */
} cc_http_options_t;

typedef struct cc_http_request {
    const char *method;
    const char *url;
    const char *const *headers; /* "Name: value" lines */
    size_t nheaders;
    const char *body; /* may be NULL */
    size_t body_len;
    int has_body;
} cc_http_request_t;

/* The answer, owned by the handle and valid until its next request. */
typedef struct cc_http_response {
    long status;
    const char *body;
    size_t body_len;
    /* headers as "name\0value\0" pairs, names lower-cased */
    const char *headers;
    size_t headers_len;
} cc_http_response_t;

/* libcurl's process-wide setup, done once whatever thread or Lua state asks
 * first (pthread_once): every constructor calls it. */
int cc_http_global_init(cc_err_t *err);

/* Caller frees with cc_http_free. */
cc_http_t *cc_http_new(const cc_http_options_t *opts, cc_err_t *err);
void cc_http_free(cc_http_t *h);

/* Sends req and waits for the answer. CC_E_TIMEOUT or CC_E_NETWORK when no
 * answer came, CC_E_TOO_LARGE for an answer over the caps (not worth
 * retrying), CC_E_PARAM for a header that may not be sent; any HTTP status
 * is CC_OK. */
int cc_http_perform(cc_http_t *h, const cc_http_request_t *req, cc_http_response_t *resp, cc_err_t *err);

/* The two halves of cc_http_perform, for a multi handle that drives many
 * transfers at once (multi.c): start sets the request on the handle's easy
 * handle (the body copied when copy_body is set, as a transfer that outlives
 * the caller's string needs); finish reads the outcome once curl reports the
 * transfer done with curl_code. */
int cc_http_start(cc_http_t *h, const cc_http_request_t *req, int copy_body, cc_err_t *err);
int cc_http_finish(cc_http_t *h, int curl_code, cc_http_response_t *resp, cc_err_t *err);
/* The CURL easy handle (as void *: no curl.h for callers). */
void *cc_http_easy(cc_http_t *h);

/* Releases answer buffers that one large answer grew (call it once the
 * answer is copied out), so RSS does not stay at the largest answer seen. */
void cc_http_trim(cc_http_t *h);

/* Bytes the handle keeps allocated for answers (for tests of cc_http_trim). */
size_t cc_http_buffered(const cc_http_t *h);

/* The libcurl version string, for the User-Agent. */
const char *cc_http_curl_version(void);

#endif
