/* The libcurl transport against a loopback server in a thread: the header
 * lines reach the wire as given (an empty value included, curl's own
 * defaults turned off), from request to request on one handle; and the
 * handle's copy of them (a signature among them) is in no block it frees. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "../csrc/alloc.h"
#include "../csrc/http.h"
#include "check.h"
#include "wipe_watch.h"

/* {====== A server that answers {} and keeps each request's head ====== */
#define HEAD_MAX 16384
typedef struct {
    int listener, port, requests;
    char heads[4][HEAD_MAX]; /* the last requests' heads, request i in heads[i % 4] */
} server_t;

static void *serve(void *arg)
{
    server_t *s = arg;
    static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    int conn = accept(s->listener, NULL, NULL);
    while (conn >= 0) { /* one keep-alive connection, request after request */
        char *head = s->heads[s->requests % 4];
        size_t len = 0;
        ssize_t got;
        head[0] = '\0';
        while (strstr(head, "\r\n\r\n") == NULL && len < HEAD_MAX - 1 &&
               (got = recv(conn, head + len, HEAD_MAX - 1 - len, 0)) > 0) {
            len += (size_t)got;
            head[len] = '\0';
        }
        if (strstr(head, "\r\n\r\n") == NULL)
            break; /* the client closed the connection */
        s->requests++;
        if (send(conn, answer, sizeof answer - 1, 0) < 0)
            break;
    }
    if (conn >= 0)
        close(conn);
    return NULL;
}

static int server_start(server_t *s, pthread_t *thread)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    memset(s, 0, sizeof *s);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((s->listener = socket(AF_INET, SOCK_STREAM, 0)) < 0 || bind(s->listener, (struct sockaddr *)&a, sizeof a) ||
        listen(s->listener, 1) || getsockname(s->listener, (struct sockaddr *)&a, &alen))
        return 0;
    s->port = ntohs(a.sin_port);
    return pthread_create(thread, NULL, serve, s) == 0;
}
/* }====== */

static int perform_method(cc_http_t *h, const char *method, const char *url, const char *const *lines, size_t n,
                          cc_http_response_t *resp)
{
    cc_http_request_t req;
    cc_err_t err;
    memset(&req, 0, sizeof req);
    req.method = method;
    req.url = url;
    req.headers = lines;
    req.nheaders = n;
    return cc_http_perform(h, &req, resp, &err);
}

static int perform(cc_http_t *h, const char *url, const char *const *lines, size_t n, cc_http_response_t *resp)
{
    return perform_method(h, "GET", url, lines, n, resp);
}

/* None of curl's own headers in a request's head: the lines that turn them
 * off are given only where curl would add one. */
static int no_curl_defaults(const char *head)
{
    return strstr(head, "\r\nAccept:") == NULL && strstr(head, "\r\nExpect:") == NULL &&
           strstr(head, "\r\nContent-Type:") == NULL;
}

static void test_wire(void)
{
    server_t s;
    pthread_t thread;
    cc_http_options_t opts = {NULL, 5000, 5000, 0};
    cc_http_response_t resp;
    cc_err_t err;
    cc_http_t *h;
    char url[64], long_line[320], many_text[40][64];
    const char *many[40], *first[4], *second[1] = {"X-Amz-Date: 20150830T123600Z"};
    size_t i;
    memcpy(long_line, "X-Long: ", 8);
    for (i = 8; i < 315; i++)
        long_line[i] = (char)('a' + i % 26);
    long_line[315] = '\0';
    first[0] = "X-Amz-Date: 20150830T123600Z";
    first[1] = "X-Empty:";
    first[2] = long_line;
    first[3] = "X-Last: 1";
    if (!server_start(&s, &thread)) {
        CHECK(0, "a loopback server");
        return;
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%d/campaigns-v2/c-1", s.port);
    h = cc_http_new(&opts, &err);
    CHECK(h != NULL, "a handle");
    if (h == NULL)
        return;

    CHECK(perform(h, url, first, 4, &resp) == CC_OK && resp.status == 200, "a GET with four header lines");
    CHECK(resp.body_len == 2 && memcmp(resp.body, "{}", 2) == 0, "its answer's body");
    CHECK(strstr(s.heads[0], "GET /campaigns-v2/c-1 HTTP/1.1\r\n") == s.heads[0], "the request line");
    CHECK(strstr(s.heads[0], "\r\nX-Amz-Date: 20150830T123600Z\r\n") != NULL, "a line as given");
    CHECK(strstr(s.heads[0], "\r\nX-Empty:\r\n") != NULL, "an empty value is sent, not dropped");
    CHECK(strstr(s.heads[0], long_line) != NULL, "a 315-byte line whole");
    CHECK(strstr(s.heads[0], "\r\nX-Last: 1\r\n") != NULL, "the last line");
    CHECK(no_curl_defaults(s.heads[0]), "none of curl's own defaults");

    CHECK(perform(h, url, second, 1, &resp) == CC_OK, "the next request on the handle");
    CHECK(strstr(s.heads[1], "X-Amz-Date") != NULL && strstr(s.heads[1], "X-Long") == NULL &&
              strstr(s.heads[1], "X-Empty") == NULL,
          "it sends its own line, none of the last request's");

    for (i = 0; i < 40; i++) {
        snprintf(many_text[i], sizeof many_text[i], "X-Header-%02zu: value %02zu", i, i);
        many[i] = many_text[i];
    }
    CHECK(perform(h, url, many, 40, &resp) == CC_OK, "40 lines: the handle's room grows");
    CHECK(strstr(s.heads[2], "\r\nX-Header-00: value 00\r\n") != NULL &&
              strstr(s.heads[2], "\r\nX-Header-39: value 39\r\n") != NULL,
          "the first and last of 40");

    first[3] = "X-Bad: a\r\nX-Injected: 1";
    CHECK(perform(h, url, first, 4, &resp) == CC_E_PARAM, "a line with CR LF is refused");
    CHECK(s.requests == 3, "and nothing is sent");
    CHECK(perform(h, url, second, 1, &resp) == CC_OK && s.requests == 4, "the handle works after a refusal");
    CHECK(perform_method(h, "DELETE", url, second, 1, &resp) == CC_OK && s.requests == 5 &&
              strstr(s.heads[0], "DELETE /campaigns-v2/c-1 HTTP/1.1\r\n") == s.heads[0],
          "a DELETE without a body");
    CHECK(no_curl_defaults(s.heads[0]) && strstr(s.heads[0], "Content-Length") == NULL,
          "with none of curl's own headers");
    CHECK(perform_method(h, "POST", url, second, 1, &resp) == CC_OK && s.requests == 6 &&
              strstr(s.heads[1], "POST /campaigns-v2/c-1 HTTP/1.1\r\n") == s.heads[1],
          "a POST without a body");
    CHECK(no_curl_defaults(s.heads[1]) && strstr(s.heads[1], "\r\nContent-Length: 0\r\n") != NULL,
          "with none of curl's own headers, its length 0");
    cc_http_free(h); /* closes the connection: the server's thread ends */
    pthread_join(thread, NULL);
    close(s.listener);
}

/* The signature the wipe must leave in no freed block (wiped[0]). */
static char secret[301];

/* Started and finished without a transfer, as a multi handle drops one:
 * what curl copies when it sends (its request buffer, freed unwiped) is
 * beyond the handle's reach, and its leftovers in blocks the handle
 * allocates later would be counted here too. */
static int start_finish(cc_http_t *h, const char *const *lines, size_t n)
{
    cc_http_request_t req;
    cc_http_response_t resp;
    cc_err_t err;
    int rc;
    memset(&req, 0, sizeof req);
    req.method = "GET";
    req.url = "http://127.0.0.1:9/";
    req.headers = lines;
    req.nheaders = n;
    if ((rc = cc_http_start(h, &req, 0, &err)) != CC_OK)
        return rc;
    cc_http_finish(h, CURLE_ABORTED_BY_CALLBACK, &resp, &err);
    return CC_OK;
}

static void test_wipe(void)
{
    cc_http_options_t opts = {NULL, 5000, 5000, 0};
    cc_err_t err;
    cc_http_t *h;
    char authz[320], many_text[40][64];
    const char *many[40], *first[3], *second[1] = {"X-Amz-Date: 20150830T123600Z"};
    size_t i;
    for (i = 0; i < 300; i++)
        secret[i] = (char)('A' + i % 26);
    snprintf(authz, sizeof authz, "Authorization: %s", secret);
    for (i = 0; i < 40; i++) {
        snprintf(many_text[i], sizeof many_text[i], "X-Header-%02zu: value %02zu", i, i);
        many[i] = many_text[i];
    }
    first[0] = "X-Amz-Date: 20150830T123600Z";
    first[1] = authz;
    first[2] = "X-Bad: a\r\nX-Injected: 1";
    wiped[0] = secret;
    cc_alloc_set_free_watch(watch_free);
    h = cc_http_new(&opts, &err);
    CHECK(h != NULL, "a handle");
    if (h) {
        CHECK(start_finish(h, second, 1) == CC_OK, "a short request: the lines' first room");
        CHECK(start_finish(h, first, 2) == CC_OK, "a signed one, its lines past that room");
        CHECK(start_finish(h, second, 1) == CC_OK, "a short one over them");
        CHECK(start_finish(h, many, 40) == CC_OK, "40 lines: the room grows, moving");
        CHECK(start_finish(h, first, 3) == CC_E_PARAM, "a signed one refused on the line after the signature");
        CHECK(start_finish(h, second, 1) == CC_OK, "a short one again");
        CHECK(blocks_holding == 0, "no block freed in between held the signature");
        cc_http_free(h);
    }
    cc_alloc_set_free_watch(NULL);
    wiped[0] = NULL;
    CHECK(frees_seen >= 3 && blocks_holding == 0, "no block the handle freed held the signature");
}

/* Each allocation a request makes fails in turn: the request is refused
 * for memory, and the handle sends the next one. */
static long allocations_left;
static int gate(void)
{
    return allocations_left-- > 0;
}

static void test_out_of_memory(void)
{
    cc_http_options_t opts = {NULL, 5000, 5000, 0};
    cc_err_t err;
    char many_text[40][64];
    const char *many[40], *second[1] = {"X-Amz-Date: 20150830T123600Z"};
    long k;
    int refused = 0, rc = CC_E_NOMEM;
    for (k = 0; k < 40; k++) {
        snprintf(many_text[k], sizeof many_text[k], "X-Header-%02ld: value %02ld", k, k);
        many[k] = many_text[k];
    }
    for (k = 0; rc == CC_E_NOMEM && k < 100; k++) {
        cc_http_t *h = cc_http_new(&opts, &err);
        if (h == NULL)
            break;
        allocations_left = k;
        cc_alloc_set_gate(gate);
        rc = start_finish(h, many, 40);
        cc_alloc_set_gate(NULL);
        refused += rc == CC_E_NOMEM;
        CHECK(rc == CC_OK || rc == CC_E_NOMEM, "refused for memory or sent");
        CHECK(start_finish(h, second, 1) == CC_OK, "the next request goes");
        cc_http_free(h);
    }
    CHECK(rc == CC_OK && refused >= 2, "the lines' room and curl's list each failed once");
}

int main(void)
{
    test_wire();
    test_wipe();
    test_out_of_memory();
    return CHECK_DONE("http");
}
