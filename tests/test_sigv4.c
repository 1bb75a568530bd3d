/* The AWS SigV4 test suite, stage by stage: canonical request, string to
 * sign, Authorization header. Vectors in spec/fixtures/sigv4/. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem, malloc_usable_size */
#endif
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../csrc/alloc.h"
#include "../csrc/sigv4.h"
#include "check.h"
#include "wipe_watch.h"

#define MAX_HEADERS 32

/* the same suite with the signer's SHA-256 through EVP (OpenSSL built
 * without its deprecated calls): make's test_sigv4_evp */
#ifdef OPENSSL_NO_DEPRECATED
#define SUITE "sigv4_evp"
#else
#define SUITE "sigv4"
#endif

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;
    char *p;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    p = malloc((size_t)n + 1);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    if (p)
        p[n] = '\0';
    fclose(f);
    return p;
}

typedef struct {
    char method[16];
    char *path, *query, *body;
    cc_header_t headers[MAX_HEADERS];
    char *values[MAX_HEADERS]; /* owned, with continuation lines joined */
    size_t n;
} raw_req_t;

/* Parses a .req file: request line, headers (with folded lines), body. */
static int parse_req(char *text, raw_req_t *r)
{
    char *line = text, *next, *sp, *http;
    memset(r, 0, sizeof *r);
    next = strchr(line, '\n');
    if (next)
        *next++ = '\0';
    sp = strchr(line, ' ');
    http = strstr(line, " HTTP/");
    if (!sp || !http || (size_t)(sp - line) >= sizeof r->method)
        return 0;
    memcpy(r->method, line, (size_t)(sp - line));
    *http = '\0';
    r->path = sp + 1;
    if ((r->query = strchr(r->path, '?')) != NULL)
        *r->query++ = '\0';
    while (next && *next && *next != '\n') {
        char *colon;
        line = next;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if ((*line == ' ' || *line == '\t') && r->n > 0) {
            char *prev = r->values[r->n - 1];
            size_t a = strlen(prev), b = strlen(line);
            char *v = realloc(prev, a + b + 2);
            if (!v)
                return 0;
            v[a] = '\n';
            memcpy(v + a + 1, line, b + 1);
            r->values[r->n - 1] = v;
            continue;
        }
        colon = strchr(line, ':');
        if (!colon || r->n == MAX_HEADERS)
            return 0;
        *colon = '\0';
        r->headers[r->n].name = line;
        r->headers[r->n].name_len = strlen(line);
        r->values[r->n] = strdup(colon + 1);
        r->n++;
    }
    r->body = next && *next == '\n' ? next + 1 : (char *)"";
    for (size_t i = 0; i < r->n; i++) {
        r->headers[i].value = r->values[i];
        r->headers[i].value_len = strlen(r->values[i]);
    }
    return 1;
}

static void free_req(raw_req_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->values[i]);
}

static char *find_header(raw_req_t *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->values[i];
    return NULL;
}

static void run_case(cc_signer_t *signer, const char *dir, const char *name)
{
    char path[2048], *req_text, *creq_want, *sts_want, *authz_want, *sreq;
    raw_req_t r;
    cc_buf_t authz, creq, sts;
    cc_err_t err;
    cc_sigv4_request_t sr;
    cc_credentials_t creds = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};
    char *token = NULL;

#define LOAD(var, ext) (snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext), var = slurp(path))
    LOAD(req_text, "req");
    LOAD(creq_want, "creq");
    LOAD(sts_want, "sts");
    LOAD(authz_want, "authz");
    LOAD(sreq, "sreq");
    if (!req_text || !creq_want || !sts_want || !authz_want || !parse_req(req_text, &r)) {
        CHECK(0, name);
        goto out;
    }
    /* A token that the signed request carries but the raw one does not is
     * added by the signer, and signed when the canonical request says so. */
    if (sreq && !find_header(&r, "X-Amz-Security-Token") &&
        strstr(creq_want, "x-amz-security-token:") != NULL) {
        char *t = strstr(sreq, "X-Amz-Security-Token:");
        if (t) {
            t += strlen("X-Amz-Security-Token:");
            token = strndup(t, strcspn(t, "\r\n"));
            r.headers[r.n].name = "X-Amz-Security-Token";
            r.headers[r.n].name_len = strlen("X-Amz-Security-Token");
            r.values[r.n] = strdup(token);
            r.headers[r.n].value = r.values[r.n];
            r.headers[r.n].value_len = strlen(token);
            r.n++;
        }
    }
    creds.session_token = token;
    sr.method = r.method;
    sr.path = r.path;
    sr.path_len = strlen(r.path);
    sr.query = r.query;
    sr.query_len = r.query ? strlen(r.query) : 0;
    sr.headers = r.headers;
    sr.nheaders = r.n;
    sr.payload = r.body;
    sr.payload_len = strlen(r.body);
    cc_buf_init(&authz);
    cc_buf_init(&creq);
    cc_buf_init(&sts);
    {
        char *date = find_header(&r, "X-Amz-Date");
        int rc = cc_signer_sign(signer, &sr, &creds, "us-east-1", "service", date ? date : "",
                                &authz, &creq, &sts, &err);
        char label[512];
        CHECK(rc == CC_OK, name);
        snprintf(label, sizeof label, "%s canonical request", name);
        CHECK_STR(cc_buf_cstr(&creq), creq_want, label);
        snprintf(label, sizeof label, "%s string to sign", name);
        CHECK_STR(cc_buf_cstr(&sts), sts_want, label);
        snprintf(label, sizeof label, "%s authorization", name);
        CHECK_STR(cc_buf_cstr(&authz), authz_want, label);
    }
    cc_buf_free(&authz);
    cc_buf_free(&creq);
    cc_buf_free(&sts);
    free_req(&r);
out:
    free(token);
    free(req_text);
    free(creq_want);
    free(sts_want);
    free(authz_want);
    free(sreq);
}

/* Walks the fixture tree: a folder holding NAME.req is one case. */
static int walk(cc_signer_t *signer, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int cases = 0;
    char sub[1024], probe[1400];
    struct stat st;
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        if (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        snprintf(probe, sizeof probe, "%s/%s.req", sub, e->d_name);
        if (stat(probe, &st) == 0) {
            run_case(signer, sub, e->d_name);
            cases++;
        } else {
            cases += walk(signer, sub);
        }
    }
    closedir(d);
    return cases;
}

static void test_key_cache(cc_signer_t *signer)
{
    cc_header_t h[2] = {{"Host", 4, "example.amazonaws.com", 21}, {"X-Amz-Date", 10, "20150830T123600Z", 16}};
    cc_sigv4_request_t sr = {"GET", "/", 1, NULL, 0, h, 2, "", 0};
    cc_credentials_t a = {"AKID", "secret-a", NULL}, b = {"AKID", "secret-b", NULL};
    cc_buf_t out;
    cc_err_t err;
    unsigned long before = cc_signer_derivations(signer);
    cc_buf_init(&out);
    cc_signer_sign(signer, &sr, &a, "us-east-1", "service", "20150830T123600Z", &out, NULL, NULL, &err);
    cc_signer_sign(signer, &sr, &a, "us-east-1", "service", "20150830T123600Z", &out, NULL, NULL, &err);
    CHECK(cc_signer_derivations(signer) == before + 1, "same secret/date/region/service derive once");
    cc_signer_sign(signer, &sr, &b, "us-east-1", "service", "20150830T123600Z", &out, NULL, NULL, &err);
    CHECK(cc_signer_derivations(signer) == before + 2, "another secret derives again");
    cc_signer_sign(signer, &sr, &b, "us-west-2", "service", "20150830T123600Z", &out, NULL, NULL, &err);
    CHECK(cc_signer_derivations(signer) == before + 3, "another region derives again");
    cc_signer_sign(signer, &sr, &b, "us-west-2", "service", "20150831T000000Z", &out, NULL, NULL, &err);
    CHECK(cc_signer_derivations(signer) == before + 4, "another day derives again");
    cc_buf_free(&out);
}

/* Header names sort by bytes, and a name given twice keeps its values in
 * the order given, however many headers: a few are sorted in place, many
 * by qsort. Names X-<k>, given from the last to the first, each twice. */
static void test_many_headers(void)
{
    static const size_t counts[] = {1, 2, 5, 16, 33, 48};
    size_t c, i;
    for (c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        size_t n = counts[c], distinct = (n + 1) / 2;
        cc_header_t h[48];
        char names[48][24], values[48][24]; /* room for any size_t */
        cc_sigv4_request_t sr = {"GET", "/", 1, NULL, 0, h, n, "", 0};
        cc_buf_t out, sh, want, want_sh;
        cc_buf_init(&out);
        cc_buf_init(&sh);
        cc_buf_init(&want);
        cc_buf_init(&want_sh);
        for (i = 0; i < n; i++) {
            size_t k = distinct - 1 - i % distinct; /* X-<k>, last first, then again */
            snprintf(names[i], sizeof names[i], "X-%02zu", k);
            snprintf(values[i], sizeof values[i], "v%zu", i);
            h[i].name = names[i];
            h[i].name_len = strlen(names[i]);
            h[i].value = values[i];
            h[i].value_len = strlen(values[i]);
        }
        cc_buf_puts(&want, "GET\n/\n\n");
        for (i = 0; i < distinct; i++) {
            size_t first = distinct - 1 - i, second = first + distinct;
            cc_buf_printf(&want, "x-%02zu:v%zu", i, first);
            if (second < n)
                cc_buf_printf(&want, ",v%zu", second);
            cc_buf_putc(&want, '\n');
            cc_buf_printf(&want_sh, "%sx-%02zu", i ? ";" : "", i);
        }
        cc_buf_printf(&want, "\n%s\n-", cc_buf_cstr(&want_sh));
        CHECK(cc_sigv4_canonical_request(&sr, "-", &out, &sh) && strcmp(cc_buf_cstr(&out), cc_buf_cstr(&want)) == 0 &&
                  strcmp(cc_buf_cstr(&sh), cc_buf_cstr(&want_sh)) == 0,
              "headers sorted by name, a repeated name's values in the order given");
        cc_buf_free(&out);
        cc_buf_free(&sh);
        cc_buf_free(&want);
        cc_buf_free(&want_sh);
    }
}

/* The signer's own copies of a credential are wiped before it frees them:
 * the secret's copy in the key cache (when the secret changes, and with the
 * signer), the "AWS4" + secret seed of a secret too long for the stack, and
 * the canonical request, which holds the session token's header (and so
 * must not grow, moving, while it does). */
static void test_wipe(void)
{
    char secret_a[301], secret_b[301], token[101];
    cc_header_t h[3] = {{"Host", 4, "example.amazonaws.com", 21}, {"X-Amz-Date", 10, "20150830T123600Z", 16},
                        {"X-Amz-Security-Token", 20, token, 100}};
    cc_sigv4_request_t sr = {"GET", "/", 1, NULL, 0, h, 3, "", 0};
    cc_credentials_t a = {"AKID", secret_a, token}, b = {"AKID", secret_b, token};
    cc_signer_t *s;
    cc_buf_t out;
    cc_err_t err;
    void *probe;
    size_t i;
    for (i = 0; i < 300; i++) {
        secret_a[i] = (char)('A' + i % 26);
        secret_b[i] = (char)('a' + i % 26);
    }
    /* a token that fits the canonical request's first 256 bytes, which the
     * lines after it outgrow */
    for (i = 0; i < 100; i++)
        token[i] = (char)('0' + i % 10);
    secret_a[300] = secret_b[300] = token[100] = '\0';
    wiped[0] = secret_a;
    wiped[1] = token;
    cc_alloc_set_free_watch(watch_free);
    /* the watch itself: a block holding the secret is seen */
    probe = cc_malloc(400);
    CHECK(probe != NULL, "a probe block");
    if (probe) {
        memcpy(probe, secret_a, 301);
        cc_free(probe);
    }
    CHECK(blocks_holding == 1, "the watch finds a secret in a block freed with it");
    blocks_holding = frees_seen = 0;
    cc_buf_init(&out);
    s = cc_signer_new(&err);
    CHECK(s != NULL, "a signer");
    if (s) {
        CHECK(cc_signer_sign(s, &sr, &a, "us-east-1", "service", "20150830T123600Z", &out, NULL, NULL, &err) ==
                  CC_OK,
              "signed with secret a and a session token");
        /* another secret: the copy of a is dropped from the key cache */
        CHECK(cc_signer_sign(s, &sr, &b, "us-east-1", "service", "20150830T123600Z", &out, NULL, NULL, &err) ==
                  CC_OK,
              "signed with secret b");
        cc_signer_free(s);
    }
    cc_buf_free(&out); /* the Authorization value: it holds neither */
    cc_alloc_set_free_watch(NULL);
    CHECK(frees_seen >= 4, "the seeds, the copy of a, and the signer's buffers were freed");
    CHECK(blocks_holding == 0, "no block freed held secret a or the session token");
    wiped[0] = wiped[1] = NULL;
}

/* One HMAC-SHA256 step of the key derivation, by OpenSSL's one-shot HMAC. */
static void oracle_hmac(const void *key, size_t klen, const char *data, unsigned char out[32])
{
    unsigned int len = 0;
    HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)data, strlen(data), out, &len);
}

/* The signer's HMAC (its own pad states over SHA-256) against OpenSSL's
 * HMAC, for secrets around a block: "AWS4" + a 60-byte secret is a whole
 * block, one more byte is hashed first as a key (RFC 2104). Each secret signs
 * twice: derived, then from the cached pad states. */
static void test_hmac_against_openssl(void)
{
    static const size_t lengths[] = {1, 40, 59, 60, 61, 200};
    cc_header_t h[2] = {{"Host", 4, "example.amazonaws.com", 21}, {"X-Amz-Date", 10, "20150830T123600Z", 16}};
    cc_sigv4_request_t sr = {"GET", "/", 1, NULL, 0, h, 2, "", 0};
    cc_err_t err;
    cc_signer_t *s = cc_signer_new(&err);
    size_t i, k;
    int round;
    CHECK(s != NULL, "a signer");
    for (i = 0; s && i < sizeof lengths / sizeof lengths[0]; i++) {
        char seed[4 + 200 + 1], want[65];
        unsigned char key[32];
        cc_credentials_t c = {"AKID", seed + 4, NULL};
        memcpy(seed, "AWS4", 4);
        for (k = 0; k < lengths[i]; k++)
            seed[4 + k] = (char)('a' + (k * 7 + i) % 26);
        seed[4 + lengths[i]] = '\0';
        for (round = 0; round < 2; round++) {
            cc_buf_t authz, sts;
            const char *sig;
            cc_buf_init(&authz);
            cc_buf_init(&sts);
            CHECK(cc_signer_sign(s, &sr, &c, "us-east-1", "service", "20150830T123600Z", &authz, NULL, &sts, &err) ==
                      CC_OK,
                  "signed");
            oracle_hmac(seed, 4 + lengths[i], "20150830", key);
            oracle_hmac(key, 32, "us-east-1", key);
            oracle_hmac(key, 32, "service", key);
            oracle_hmac(key, 32, "aws4_request", key);
            oracle_hmac(key, 32, cc_buf_cstr(&sts), key);
            for (k = 0; k < 32; k++)
                snprintf(want + 2 * k, 3, "%02x", key[k]);
            sig = strstr(cc_buf_cstr(&authz), "Signature=");
            CHECK(sig != NULL && strcmp(sig + 10, want) == 0, "the signature is OpenSSL's HMAC chain's");
            cc_buf_free(&authz);
            cc_buf_free(&sts);
        }
    }
    CHECK(s == NULL || cc_signer_derivations(s) == sizeof lengths / sizeof lengths[0], "each secret derived once");
    cc_signer_free(s);
}

/* OpenSSL's allocations, counted through its memory hooks (set before its
 * first one, in main). */
static long openssl_allocations;

static void *counting_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    openssl_allocations++;
    return malloc(n);
}

static void *counting_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    openssl_allocations++;
    return realloc(p, n);
}

static void counting_free(void *p, const char *file, int line)
{
    (void)file;
    (void)line;
    free(p);
}

/* A signature with the derived key cached allocates nothing, in the core or
 * in OpenSSL: the signer's SHA-256 states are its own (through EVP, OpenSSL
 * 3.0 allocated three provider contexts a signature). */
static void test_no_allocation(void)
{
    cc_header_t h[2] = {{"Host", 4, "example.amazonaws.com", 21}, {"X-Amz-Date", 10, "20150830T123600Z", 16}};
    cc_sigv4_request_t sr = {"PUT", "/", 1, NULL, 0, h, 2, "{\"a\": 1}", 8};
    cc_credentials_t c = {"AKID", "secret", NULL};
    cc_err_t err;
    cc_signer_t *s = cc_signer_new(&err);
    cc_buf_t authz;
    long core_before, openssl_before;
    int i, ok = 1;
    CHECK(s != NULL, "a signer");
    if (s == NULL)
        return;
    cc_buf_init(&authz);
    ok = cc_signer_sign(s, &sr, &c, "us-east-1", "service", "20150830T123600Z", &authz, NULL, NULL, &err) == CC_OK;
    core_before = cc_alloc_total();
    openssl_before = openssl_allocations;
    for (i = 0; i < 100 && ok; i++) {
        cc_buf_reset(&authz);
        ok = cc_signer_sign(s, &sr, &c, "us-east-1", "service", "20150830T123600Z", &authz, NULL, NULL, &err) == CC_OK;
    }
    CHECK(ok, "100 signatures");
    CHECK(cc_alloc_total() == core_before, "no allocation in the core");
#ifndef OPENSSL_NO_DEPRECATED
    CHECK(openssl_allocations == openssl_before, "no allocation in OpenSSL");
#else
    (void)openssl_before; /* through EVP, OpenSSL 3.0 allocates per digest */
#endif
    cc_buf_free(&authz);
    cc_signer_free(s);
}

static void test_double_encoding(void)
{
    cc_buf_t out;
    cc_buf_init(&out);
    cc_sigv4_canonical_path("/v2/campaigns/arn%3Aaws%3Ax%2Fy", 31, &out);
    CHECK_STR(cc_buf_cstr(&out), "/v2/campaigns/arn%253Aaws%253Ax%252Fy",
              "an encoded path is encoded again");
    cc_buf_reset(&out);
    CHECK(cc_sigv4_canonical_query("tagKeys=b&tagKeys=a%3Ax&config=ALL", 34, &out), "query");
    CHECK_STR(cc_buf_cstr(&out), "config=ALL&tagKeys=a%3Ax&tagKeys=b",
              "query pairs sort by key then value, encoding kept");
    cc_buf_reset(&out);
    /* found by fuzz/fuzz_sigv4.c: pairs that are all empty, and no headers at all */
    CHECK(cc_sigv4_canonical_query("=&=", 3, &out), "empty pairs");
    CHECK_STR(cc_buf_cstr(&out), "=&=", "empty pairs stay empty pairs");
    {
        cc_sigv4_request_t bare = {"GET", "/", 1, NULL, 0, NULL, 0, "", 0};
        cc_buf_t creq, sh;
        cc_buf_init(&creq);
        cc_buf_init(&sh);
        CHECK(cc_sigv4_canonical_request(&bare, "e3b0", &creq, &sh), "no headers");
        CHECK_STR(cc_buf_cstr(&creq), "GET\n/\n\n\n\ne3b0", "canonical request without headers");
        cc_buf_free(&creq);
        cc_buf_free(&sh);
    }
    cc_buf_reset(&out);
    {
        /* 300 segments: every one is signed (a fixed stack once dropped those past 256) */
        cc_buf_t path;
        int i;
        cc_buf_init(&path);
        for (i = 0; i < 300; i++)
            cc_buf_printf(&path, "/s%d", i);
        cc_buf_puts(&path, "/../last");
        cc_sigv4_canonical_path(path.data, path.len, &out);
        CHECK(strstr(cc_buf_cstr(&out), "/s298/last") != NULL && strncmp(out.data, "/s0/s1/", 7) == 0 &&
                  out.len == path.len - strlen("/s299/.."),
              "a 300-segment path is kept whole, '..' applied");
        cc_buf_free(&path);
    }
    cc_buf_free(&out);
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : "spec/fixtures/sigv4";
    cc_err_t err;
    cc_signer_t *signer;
    int cases;
    /* before OpenSSL's first allocation, or it keeps its own functions */
    CHECK(CRYPTO_set_mem_functions(counting_malloc, counting_realloc, counting_free),
          "OpenSSL's allocations can be counted");
    signer = cc_signer_new(&err);
    if (!signer) {
        fprintf(stderr, "signer: %s\n", err.msg);
        return 1;
    }
    cases = walk(signer, root);
    CHECK(cases >= 30, "the whole SigV4 suite was found");
    test_key_cache(signer);
    test_many_headers();
    test_double_encoding();
    test_wipe();
    test_hmac_against_openssl();
    test_no_allocation();
    cc_signer_free(signer);
    return CHECK_DONE(SUITE);
}
