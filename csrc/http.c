#include "http.h"
#include "alloc.h"
#include "header.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

struct cc_http {
    CURL *curl;
    cc_http_options_t opts;
    char *ca_file;
    cc_buf_t body;
    cc_buf_t headers;
    /* The request's header lines ("Name: value\0" each) and curl's list of
     * them, kept from request to request: no allocation per header, and the
     * lines (the signature and any session token among them) are wiped as
     * soon as the transfer ends, where curl_slist_append's copies would be
     * freed as they are. */
    cc_buf_t lines;
    struct curl_slist *nodes;
    size_t nodes_cap;
    size_t header_pairs;
    size_t header_bytes;
    int too_large;        /* the body passed max_response */
    int headers_too_large;
    char errbuf[CURL_ERROR_SIZE];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_global(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

const char *cc_http_curl_version(void)
{
    return curl_version_info(CURLVERSION_NOW)->version;
}

/* Both callbacks are pure C: no Lua runs inside libcurl frames. */
static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    cc_http_t *h = ud;
    size_t n = size * nmemb;
    if (h->body.len + n > h->opts.max_response) {
        h->too_large = 1;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    cc_buf_append(&h->body, p, n);
    return cc_buf_ok(&h->body) ? n : 0;
}

/* Headers of one answer beyond this are refused: no service sends so many. */
#define MAX_RESPONSE_HEADERS (64u * 1024u)
/* Buffers grown past this by one large answer are released after it. */
#define KEEP_BUFFER_BYTES (256u * 1024u)

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    cc_http_t *h = ud;
    size_t n = size * nmemb, i, colon;
    h->header_bytes += n;
    if (h->header_bytes > MAX_RESPONSE_HEADERS) {
        h->headers_too_large = 1;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        /* a new status line (after 100 Continue, say): only the last answer counts */
        cc_buf_reset(&h->headers);
        h->header_pairs = 0;
        return n;
    }
    for (colon = 0; colon < n && p[colon] != ':'; colon++)
        ;
    if (colon == n || colon == 0)
        return n;
    for (i = 0; i < colon; i++) {
        char c = p[i];
        cc_buf_putc(&h->headers, (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c);
    }
    cc_buf_putc(&h->headers, '\0');
    i = colon + 1;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    while (n > i && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    cc_buf_append(&h->headers, p + i, n - i);
    cc_buf_putc(&h->headers, '\0');
    h->header_pairs++;
    return size * nmemb;
}

/* Options that stay the same for every request of the handle: set once. */
static void set_fixed_options(cc_http_t *h)
{
    CURL *c = h->curl;
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
    /* TLS verification is always on; a private CA goes through ca_file */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (h->opts.ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, h->opts.ca_file);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    /* send the path exactly as it was signed */
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->opts.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, NULL);
}

int cc_http_global_init(cc_err_t *err)
{
    pthread_once(&curl_once, curl_global);
    if (curl_init_rc != CURLE_OK)
        return cc_err_set(err, CC_E_INTERNAL, "libcurl failed to initialize");
    return CC_OK;
}

cc_http_t *cc_http_new(const cc_http_options_t *opts, cc_err_t *err)
{
    cc_http_t *h;
    if (cc_http_global_init(err) != CC_OK)
        return NULL;
    h = cc_calloc(1, sizeof *h);
    if (h == NULL) {
        cc_err_set(err, CC_E_NOMEM, "out of memory");
        return NULL;
    }
    h->opts = *opts;
    if (h->opts.max_response == 0)
        h->opts.max_response = 16u << 20;
    cc_buf_init(&h->body);
    cc_buf_init(&h->headers);
    cc_buf_init(&h->lines);
    if (opts->ca_file && (h->ca_file = cc_strdup(opts->ca_file)) == NULL) {
        cc_http_free(h);
        cc_err_set(err, CC_E_NOMEM, "out of memory");
        return NULL;
    }
    h->opts.ca_file = h->ca_file;
    if ((h->curl = curl_easy_init()) == NULL) {
        cc_http_free(h);
        cc_err_set(err, CC_E_INTERNAL, "curl_easy_init failed");
        return NULL;
    }
    set_fixed_options(h);
    return h;
}

/* Wipes the lines of the last request: curl holds no pointer to them once
 * its header option is reset. */
static void forget_lines(cc_http_t *h)
{
    cc_wipe(h->lines.data, h->lines.len);
    cc_buf_reset(&h->lines);
}

void cc_http_free(cc_http_t *h)
{
    if (h == NULL)
        return;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    forget_lines(h);
    cc_buf_free(&h->lines);
    cc_free(h->nodes);
    cc_buf_free(&h->body);
    cc_buf_free(&h->headers);
    cc_free(h->ca_file);
    cc_free(h);
}

/* The lines curl sends beside the request's, turning off curl's own
 * headers that the request did not sign: Accept always; for a request that
 * goes out with a body (POST, PUT, or any with one), the Expect: 100-continue
 * round trip and, when the request has no body of its own, a form
 * Content-Type. A GET or DELETE without a body gets neither from curl, and
 * each line given costs curl a scan per header it looks for. */
static const char *const CURL_OFF[] = {"Accept:", "Expect:", "Content-Type:"};

/* Whether req goes out through curl's POST path (a body, even empty). */
static int sends_body(const cc_http_request_t *req)
{
    return req->has_body || strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0;
}

/* Node i of curl's list points at the line about to be written: h->lines
 * was reserved whole, so it never moves while the lines go in. */
static void link_line(cc_http_t *h, size_t i, size_t count)
{
    h->nodes[i].data = h->lines.data + h->lines.len;
    h->nodes[i].next = i + 1 < count ? &h->nodes[i + 1] : NULL;
}

/* Writes req's header lines, checked, and the lines that turn curl's own
 * off (body_path: sends_body(req)), into h->lines, and links h->nodes over
 * them for CURLOPT_HTTPHEADER. */
static int set_lines(cc_http_t *h, const cc_http_request_t *req, int body_path, cc_err_t *err)
{
    size_t i, n = req->nheaders, off = !body_path ? 1 : req->has_body ? 2 : 3, bytes = 0, count = n + off;
    for (i = 0; i < n; i++)
        bytes += strlen(req->headers[i]) + 2; /* a ';' may stand for ": " and a NUL */
    for (i = 0; i < off; i++)
        bytes += strlen(CURL_OFF[i]) + 1;
    /* room for all at once: growing would move (and free) lines already written */
    if (!cc_buf_reserve(&h->lines, bytes))
        goto nomem;
    if (count > h->nodes_cap) {
        struct curl_slist *grown = cc_realloc(h->nodes, count * sizeof *grown);
        if (grown == NULL)
            goto nomem;
        h->nodes = grown;
        h->nodes_cap = count;
    }
    for (i = 0; i < n; i++) {
        const char *line = req->headers[i], *colon = strchr(line, ':');
        const char *value = colon ? colon + 1 + (colon[1] == ' ') : line;
        size_t vlen = strlen(value);
        if (colon == NULL) {
            forget_lines(h);
            return cc_err_set(err, CC_E_PARAM, "a header line without a name");
        }
        if (cc_header_check(line, (size_t)(colon - line), value, vlen, err) != CC_OK) {
            forget_lines(h);
            return err->code;
        }
        link_line(h, i, count);
        if (vlen == 0) { /* "Name:" would make curl drop the header: "Name;" sends it empty */
            cc_buf_append(&h->lines, line, (size_t)(colon - line));
            cc_buf_append(&h->lines, ";", 2);
        } else {
            cc_buf_append(&h->lines, line, (size_t)(value - line) + vlen + 1);
        }
    }
    for (i = 0; i < off; i++) {
        link_line(h, n + i, count);
        cc_buf_append(&h->lines, CURL_OFF[i], strlen(CURL_OFF[i]) + 1);
    }
    return CC_OK;
nomem:
    forget_lines(h);
    return cc_err_set(err, CC_E_NOMEM, "out of memory");
}

int cc_http_start(cc_http_t *h, const cc_http_request_t *req, int copy_body, cc_err_t *err)
{
    int body_path = sends_body(req);
    cc_buf_reset(&h->body);
    cc_buf_reset(&h->headers);
    h->header_pairs = 0;
    h->header_bytes = 0;
    h->too_large = 0;
    h->headers_too_large = 0;
    h->errbuf[0] = '\0';
    forget_lines(h);
    if (set_lines(h, req, body_path, err) != CC_OK)
        return err->code;
    curl_easy_setopt(h->curl, CURLOPT_URL, req->url);
    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->nodes);
    if (strcmp(req->method, "GET") == 0 && !req->has_body) {
        curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, NULL);
    } else if (body_path) {
        /* a transfer on a multi handle outlives the caller's string: copied;
         * a blocking one ends before the caller's string can go: not */
        curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req->has_body ? req->body_len : 0));
        curl_easy_setopt(h->curl, copy_body ? CURLOPT_COPYPOSTFIELDS : CURLOPT_POSTFIELDS,
                         req->has_body && req->body ? req->body : "");
        curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, strcmp(req->method, "POST") == 0 ? NULL : req->method);
    } else {
        curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, req->method);
    }
    return CC_OK;
}

int cc_http_finish(cc_http_t *h, int curl_code, cc_http_response_t *resp, cc_err_t *err)
{
    CURLcode rc = (CURLcode)curl_code;
    int out = CC_OK;
    long status = 0;
    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
    forget_lines(h);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        out = cc_err_set(err, CC_E_TIMEOUT, "request timed out: %s", h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
    } else if (h->too_large) {
        out = cc_err_set(err, CC_E_TOO_LARGE, "response body larger than %zu bytes (max_response)",
                         h->opts.max_response);
    } else if (h->headers_too_large || (rc == CURLE_OUT_OF_MEMORY && h->header_bytes > 0)) {
        /* curl stops alone on one header line over its own limit (100 KB),
         * calling it "out of memory", after the status line reached us */
        out = cc_err_set(err, CC_E_TOO_LARGE, "response header too large (over %u bytes)", MAX_RESPONSE_HEADERS);
    } else if (rc != CURLE_OK) {
        out = cc_err_set(err, CC_E_NETWORK, "%s", h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
    } else if (!cc_buf_ok(&h->body) || !cc_buf_ok(&h->headers)) {
        out = cc_err_set(err, CC_E_NOMEM, "out of memory reading the response");
    }
    if (out != CC_OK)
        return out;
    curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
    resp->status = status;
    resp->body = cc_buf_cstr(&h->body);
    resp->body_len = h->body.len;
    resp->headers = cc_buf_cstr(&h->headers);
    resp->headers_len = h->headers.len;
    return CC_OK;
}

int cc_http_perform(cc_http_t *h, const cc_http_request_t *req, cc_http_response_t *resp, cc_err_t *err)
{
    if (cc_http_start(h, req, 0, err) != CC_OK)
        return err->code;
    return cc_http_finish(h, curl_easy_perform(h->curl), resp, err);
}

void cc_http_trim(cc_http_t *h)
{
    cc_buf_trim(&h->body, KEEP_BUFFER_BYTES);
    cc_buf_trim(&h->headers, KEEP_BUFFER_BYTES);
    cc_buf_trim(&h->lines, KEEP_BUFFER_BYTES); /* wiped already */
}

size_t cc_http_buffered(const cc_http_t *h)
{
    return h->body.cap + h->headers.cap;
}

void *cc_http_easy(cc_http_t *h)
{
    return h->curl;
}
