#include "multi.h"

#include <curl/curl.h>

#include "alloc.h"

#define CC_MULTI_MAX_IDLE 64

struct cc_multi {
    CURLM *curl;
    cc_http_t **active; /* under way: curl_multi_cleanup would leave them added */
    size_t nactive, cap;
};

static void forget(cc_multi_t *m, cc_http_t *h)
{
    size_t i;
    for (i = 0; i < m->nactive; i++)
        if (m->active[i] == h) {
            m->active[i] = m->active[--m->nactive];
            return;
        }
}

cc_multi_t *cc_multi_new(cc_err_t *err)
{
    cc_multi_t *m;
    if (cc_http_global_init(err) != CC_OK)
        return NULL;
    if ((m = cc_calloc(1, sizeof *m)) == NULL) {
        cc_err_set(err, CC_E_NOMEM, "out of memory");
        return NULL;
    }
    if ((m->curl = curl_multi_init()) == NULL) {
        cc_free(m);
        cc_err_set(err, CC_E_INTERNAL, "curl_multi_init failed");
        return NULL;
    }
    /* libcurl's default cache follows the number of transfers added, which
     * falls to one as a burst ends, closing the connections the next burst
     * would reuse: keep a fixed number instead */
    curl_multi_setopt(m->curl, CURLMOPT_MAXCONNECTS, (long)CC_MULTI_MAX_IDLE);
    return m;
}

void cc_multi_free(cc_multi_t *m)
{
    if (m == NULL)
        return;
    while (m->nactive > 0)
        cc_multi_remove(m, m->active[m->nactive - 1]);
    curl_multi_cleanup(m->curl);
    cc_free(m->active);
    cc_free(m);
}

int cc_multi_add(cc_multi_t *m, cc_http_t *h, const cc_http_request_t *req, cc_err_t *err)
{
    CURL *easy = cc_http_easy(h);
    CURLMcode rc;
    if (m->nactive == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        cc_http_t **a = cc_realloc(m->active, cap * sizeof *a);
        if (a == NULL)
            return cc_err_set(err, CC_E_NOMEM, "out of memory");
        m->active = a;
        m->cap = cap;
    }
    if (cc_http_start(h, req, 1, err) != CC_OK)
        return err->code;
    curl_easy_setopt(easy, CURLOPT_PRIVATE, (void *)h);
    if ((rc = curl_multi_add_handle(m->curl, easy)) != CURLM_OK) {
        cc_http_response_t ignored;
        cc_err_t e;
        cc_http_finish(h, CURLE_FAILED_INIT, &ignored, &e); /* frees the request's headers */
        return cc_err_set(err, rc == CURLM_OUT_OF_MEMORY ? CC_E_NOMEM : CC_E_INTERNAL, "curl_multi_add_handle: %s",
                          curl_multi_strerror(rc));
    }
    m->active[m->nactive++] = h;
    return CC_OK;
}

void cc_multi_remove(cc_multi_t *m, cc_http_t *h)
{
    cc_http_response_t ignored;
    cc_err_t e;
    curl_multi_remove_handle(m->curl, cc_http_easy(h));
    forget(m, h);
    cc_http_finish(h, CURLE_ABORTED_BY_CALLBACK, &ignored, &e);
}

int cc_multi_perform(cc_multi_t *m, int timeout_ms, int *running, cc_err_t *err)
{
    CURLMcode rc = curl_multi_perform(m->curl, running);
    if (rc == CURLM_OK && *running > 0 && timeout_ms > 0) {
        rc = curl_multi_poll(m->curl, NULL, 0, timeout_ms, NULL);
        if (rc == CURLM_OK)
            rc = curl_multi_perform(m->curl, running);
    }
    if (rc != CURLM_OK)
        return cc_err_set(err, rc == CURLM_OUT_OF_MEMORY ? CC_E_NOMEM : CC_E_NETWORK, "curl multi: %s",
                          curl_multi_strerror(rc));
    return CC_OK;
}

int cc_multi_next_done(cc_multi_t *m, cc_http_t **h, int *curl_code)
{
    int left;
    CURLMsg *msg;
    while ((msg = curl_multi_info_read(m->curl, &left)) != NULL) {
        void *priv = NULL;
        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&priv);
        *curl_code = (int)msg->data.result;
        curl_multi_remove_handle(m->curl, msg->easy_handle);
        forget(m, priv);
        *h = priv;
        return 1;
    }
    return 0;
}
