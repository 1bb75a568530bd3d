/* Many transfers at once on one libcurl multi handle: what cc.async runs on.
 * The transfers are cc_http_t handles (their easy handles and buffers), so a
 * request goes out byte for byte as it does alone; the multi handle's
 * connection cache lets every transfer reuse every connection. */
#ifndef CC_MULTI_H
#define CC_MULTI_H

#include "err.h"
#include "http.h"

typedef struct cc_multi cc_multi_t;

cc_multi_t *cc_multi_new(cc_err_t *err);
/* Takes every transfer still under way off the handle (their cc_http_t stay
 * the caller's), then frees it. */
void cc_multi_free(cc_multi_t *m);

/* Starts req on h (which must not be under way elsewhere). */
int cc_multi_add(cc_multi_t *m, cc_http_t *h, const cc_http_request_t *req, cc_err_t *err);
/* Stops a transfer under way (its task was abandoned). */
void cc_multi_remove(cc_multi_t *m, cc_http_t *h);

/* Waits at most timeout_ms for network activity, then moves every transfer
 * on; *running receives how many are still under way. */
int cc_multi_perform(cc_multi_t *m, int timeout_ms, int *running, cc_err_t *err);

/* A finished transfer, taken off the handle: 1 and its handle and curl code
 * (for cc_http_finish), or 0 when no other one has finished. */
int cc_multi_next_done(cc_multi_t *m, cc_http_t **h, int *curl_code);

#endif
