#include "sigv4.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

/* SHA256_Init and its kin are deprecated since OpenSSL 3.0, and used here
 * on purpose (see "SHA-256 and HMAC" below): no warning for them */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>

#define SHA256_LEN 32
#define SHA256_BLOCK 64

/* {====== SHA-256 and HMAC ====== */
/* OpenSSL's own SHA256_CTX where the library still declares it (deprecated
 * since 3.0, still in the 3.x releases): a state of the signer's, copied by
 * assignment. Through EVP, OpenSSL 3.0 frees a digest's provider context
 * and allocates another at every init and every copy: a malloc, a free and
 * a cleanse each, three a signature, 0.1 us of a 3 us describe. A build of
 * OpenSSL without its deprecated calls gets the same steps through EVP. */
#ifndef OPENSSL_NO_DEPRECATED_3_0
typedef SHA256_CTX sha_t;
#define SHA_STATES_DECL
#else
typedef EVP_MD_CTX *sha_t;
#define SHA_STATES_DECL EVP_MD *alg; /* fetched once per signer */
#endif

struct cc_signer {
    SHA_STATES_DECL
    /* the state of the hash under way, and SHA-256 with the derived key's
     * HMAC pads already hashed: a signature's HMAC copies these two */
    sha_t md, inner, outer;
    /* derived-key cache: the secret itself is compared (a copy, cleansed on
     * change and on free), not hashed on every call to be looked up */
    int have_key;
    char *secret;
    size_t secret_len;
    char date[9];
    char region[64];
    char service[64];
    unsigned char key[SHA256_LEN];
    unsigned long derivations;
    /* the canonical request, signed-header list and string to sign of the
     * call under way: kept between calls, so a signature allocates nothing */
    cc_buf_t creq, sh, sts;
};

#ifndef OPENSSL_NO_DEPRECATED_3_0
static int sha_states_new(cc_signer_t *s)
{
    (void)s;
    return 1;
}
/* the states hold the signing key's pads and the last HMAC's steps */
static void sha_states_free(cc_signer_t *s)
{
    cc_wipe(&s->md, sizeof s->md);
    cc_wipe(&s->inner, sizeof s->inner);
    cc_wipe(&s->outer, sizeof s->outer);
}
static int sha_init(cc_signer_t *s, sha_t *c)
{
    (void)s;
    return SHA256_Init(c);
}
static int sha_copy(sha_t *to, const sha_t *from)
{
    *to = *from;
    return 1;
}
static int sha_update(sha_t *c, const void *p, size_t n)
{
    return SHA256_Update(c, p, n);
}
static int sha_final(sha_t *c, unsigned char out[SHA256_LEN])
{
    return SHA256_Final(out, c);
}
#else
static int sha_states_new(cc_signer_t *s)
{
    s->alg = EVP_MD_fetch(NULL, "SHA256", NULL);
    s->md = EVP_MD_CTX_new();
    s->inner = EVP_MD_CTX_new();
    s->outer = EVP_MD_CTX_new();
    return s->alg && s->md && s->inner && s->outer;
}
static void sha_states_free(cc_signer_t *s)
{
    EVP_MD_CTX_free(s->md); /* the provider wipes a digest's state as it frees it */
    EVP_MD_CTX_free(s->inner);
    EVP_MD_CTX_free(s->outer);
    EVP_MD_free(s->alg);
}
static int sha_init(cc_signer_t *s, sha_t *c)
{
    return EVP_DigestInit_ex2(*c, s->alg, NULL);
}
static int sha_copy(sha_t *to, const sha_t *from)
{
    return EVP_MD_CTX_copy_ex(*to, *from);
}
static int sha_update(sha_t *c, const void *p, size_t n)
{
    return EVP_DigestUpdate(*c, p, n);
}
static int sha_final(sha_t *c, unsigned char out[SHA256_LEN])
{
    unsigned int len = 0;
    return EVP_DigestFinal_ex(*c, out, &len) && len == SHA256_LEN;
}
#endif

static int sha256(cc_signer_t *s, const void *p, size_t n, unsigned char out[SHA256_LEN])
{
    return sha_init(s, &s->md) && sha_update(&s->md, p, n) && sha_final(&s->md, out);
}

/* The two pad states of HMAC-SHA256 (RFC 2104) with key: the key (hashed
 * first when longer than a block) XOR ipad, and XOR opad, each one block,
 * hashed once. */
static int key_pads(cc_signer_t *s, const unsigned char *key, size_t klen)
{
    unsigned char pad[SHA256_BLOCK], hashed[SHA256_LEN];
    size_t i;
    int ok = 1;
    if (klen > SHA256_BLOCK) {
        ok = sha256(s, key, klen, hashed);
        key = hashed;
        klen = SHA256_LEN;
    }
    for (i = 0; i < SHA256_BLOCK; i++)
        pad[i] = (unsigned char)((i < klen ? key[i] : 0) ^ 0x36);
    ok = ok && sha_init(s, &s->inner) && sha_update(&s->inner, pad, sizeof pad);
    for (i = 0; i < SHA256_BLOCK; i++)
        pad[i] ^= 0x36 ^ 0x5c;
    ok = ok && sha_init(s, &s->outer) && sha_update(&s->outer, pad, sizeof pad);
    cc_wipe(pad, sizeof pad);
    cc_wipe(hashed, sizeof hashed);
    return ok;
}

/* HMAC-SHA256 of p with the key of the pad states. */
static int keyed_hmac(cc_signer_t *s, const void *p, size_t n, unsigned char out[SHA256_LEN])
{
    unsigned char inner[SHA256_LEN];
    return sha_copy(&s->md, &s->inner) && sha_update(&s->md, p, n) && sha_final(&s->md, inner) &&
           sha_copy(&s->md, &s->outer) && sha_update(&s->md, inner, sizeof inner) && sha_final(&s->md, out);
}

/* HMAC-SHA256 of p with key: the key derivation's steps. They leave the
 * pad states of their key: the last step's are the signing key's. */
static int hmac(cc_signer_t *s, const void *key, size_t klen, const void *p, size_t n,
                unsigned char out[SHA256_LEN])
{
    return key_pads(s, key, klen) && keyed_hmac(s, p, n, out);
}
/* }====== */

/* Scratch grown past this by one large request is released after it. */
#define KEEP_SCRATCH_BYTES (64u * 1024u)

static void forget_secret(cc_signer_t *s)
{
    if (s->secret) {
        cc_wipe(s->secret, s->secret_len);
        cc_free(s->secret);
    }
    s->secret = NULL;
    s->secret_len = 0;
    s->have_key = 0;
}

cc_signer_t *cc_signer_new(cc_err_t *err)
{
    cc_signer_t *s = cc_calloc(1, sizeof *s);
    if (s == NULL) {
        cc_err_set(err, CC_E_NOMEM, "out of memory");
        return NULL;
    }
    if (!sha_states_new(s)) {
        cc_signer_free(s);
        cc_err_set(err, CC_E_INTERNAL, "OpenSSL has no SHA256");
        return NULL;
    }
    return s;
}

void cc_signer_free(cc_signer_t *s)
{
    if (s == NULL)
        return;
    sha_states_free(s);
    forget_secret(s);
    cc_wipe(s->key, sizeof s->key);
    cc_buf_free(&s->creq);
    cc_buf_free(&s->sh);
    cc_buf_free(&s->sts);
    cc_free(s);
}

int cc_signer_sha256(cc_signer_t *s, const void *p, size_t n, unsigned char out[SHA256_LEN])
{
    return sha256(s, p, n, out);
}

unsigned long cc_signer_derivations(const cc_signer_t *s)
{
    return s->derivations;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* {====== Canonical request ====== */
/* Whether a path is already canonical in shape: it starts with '/' and has
 * no empty, "." or ".." segment to remove (a trailing '/' is kept anyway). */
static int plain_path(const char *path, size_t len)
{
    size_t i;
    if (len == 0 || path[0] != '/')
        return 0;
    for (i = 0; i + 1 < len; i++) {
        if (path[i] != '/')
            continue;
        if (path[i + 1] == '/')
            return 0;
        if (path[i + 1] == '.' && (i + 2 == len || path[i + 2] == '/' ||
                                   (path[i + 2] == '.' && (i + 3 == len || path[i + 3] == '/'))))
            return 0;
    }
    return 1;
}

void cc_sigv4_canonical_path(const char *path, size_t len, cc_buf_t *out)
{
    /* norm holds "/seg" per kept segment: ".." drops back to the last '/',
     * so any number of segments is kept, none silently lost */
    size_t i = 0;
    cc_buf_t norm;
    int trailing = len > 0 && path[len - 1] == '/';
    if (plain_path(path, len)) { /* every request this client makes: no copy */
        cc_buf_put_uri_encoded(out, path, len, 1);
        return;
    }
    cc_buf_init(&norm);
    while (i < len) {
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        if (j - i == 0 || (j - i == 1 && path[i] == '.')) {
            /* empty or "." segment: nothing */
        } else if (j - i == 2 && path[i] == '.' && path[i + 1] == '.') {
            while (norm.len > 0 && norm.data[--norm.len] != '/')
                ;
        } else {
            cc_buf_putc(&norm, '/');
            cc_buf_append(&norm, path + i, j - i);
        }
        i = j + 1;
    }
    if (norm.len == 0 || trailing)
        cc_buf_putc(&norm, '/');
    cc_buf_put_uri_encoded(out, norm.data ? norm.data : "/", norm.data ? norm.len : 1, 1);
    if (!cc_buf_ok(&norm))
        out->oom = 1;
    cc_buf_free(&norm);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Appends s, %XX-decoded then strictly encoded. */
static void put_reencoded(cc_buf_t *b, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        }
        cc_buf_put_uri_encoded(b, &c, 1, 0);
    }
}

typedef struct {
    size_t key_off, key_len, val_off, val_len;
    const char *key, *val; /* set once the buffer stops moving */
} qpair_t;

static int bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

static int qpair_cmp(const void *a, const void *b)
{
    const qpair_t *x = a, *y = b;
    int c = bytes_cmp(x->key, x->key_len, y->key, y->key_len);
    return c ? c : bytes_cmp(x->val, x->val_len, y->val, y->val_len);
}

int cc_sigv4_canonical_query(const char *q, size_t len, cc_buf_t *out)
{
    size_t npairs = 1, i, n = 0, start = 0;
    qpair_t *pairs;
    cc_buf_t enc;
    if (q == NULL || len == 0)
        return 1;
    for (i = 0; i < len; i++)
        npairs += q[i] == '&';
    pairs = cc_malloc(npairs * sizeof *pairs);
    if (pairs == NULL)
        return 0;
    cc_buf_init(&enc);
    cc_buf_append(&enc, "", 0); /* storage even when every pair is empty ("=") */
    for (i = 0; i <= len; i++) {
        if (i == len || q[i] == '&') {
            const char *p = q + start, *eq = memchr(p, '=', i - start);
            size_t klen = eq ? (size_t)(eq - p) : i - start;
            if (i > start) {
                pairs[n].key_off = enc.len;
                put_reencoded(&enc, p, klen);
                pairs[n].key_len = enc.len - pairs[n].key_off;
                pairs[n].val_off = enc.len;
                if (eq)
                    put_reencoded(&enc, eq + 1, (size_t)(q + i - eq - 1));
                pairs[n].val_len = enc.len - pairs[n].val_off;
                n++;
            }
            start = i + 1;
        }
    }
    if (cc_buf_ok(&enc) && n > 0) {
        for (i = 0; i < n; i++) {
            pairs[i].key = enc.data + pairs[i].key_off;
            pairs[i].val = enc.data + pairs[i].val_off;
        }
        qsort(pairs, n, sizeof *pairs, qpair_cmp);
        for (i = 0; i < n; i++) {
            if (i)
                cc_buf_putc(out, '&');
            cc_buf_append(out, pairs[i].key, pairs[i].key_len);
            cc_buf_putc(out, '=');
            cc_buf_append(out, pairs[i].val, pairs[i].val_len);
        }
    }
    i = cc_buf_ok(&enc);
    cc_buf_free(&enc);
    cc_free(pairs);
    return (int)i;
}

typedef struct {
    char *name; /* lower-cased copy */
    size_t name_len;
    size_t index;
    const cc_header_t *h;
} hsort_t;

static int hsort_cmp(const void *a, const void *b)
{
    const hsort_t *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* A request signs a handful of headers: insertion sort, in place, with no
 * call per comparison (qsort's merge sort was 2% of a describe); qsort past
 * a few dozen. */
static void sort_headers(hsort_t *hs, size_t n)
{
    size_t i, j;
    if (n > 32) {
        qsort(hs, n, sizeof *hs, hsort_cmp);
        return;
    }
    for (i = 1; i < n; i++) {
        hsort_t x = hs[i];
        for (j = i; j > 0 && hsort_cmp(&hs[j - 1], &x) > 0; j--)
            hs[j] = hs[j - 1];
        hs[j] = x;
    }
}

static int header_skipped(const char *lname, size_t len)
{
    /* what botocore leaves unsigned: proxies and agents may change these */
    switch (len) {
    case 6: return memcmp(lname, "expect", 6) == 0;
    case 10: return memcmp(lname, "user-agent", 10) == 0;
    case 13: return memcmp(lname, "authorization", 13) == 0;
    case 15: return memcmp(lname, "x-amzn-trace-id", 15) == 0;
    default: return 0;
    }
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends the value trimmed, inner runs of white space folded to one space:
 * each run of other bytes is appended whole. */
static void put_header_value(cc_buf_t *b, const char *v, size_t n)
{
    size_t i = 0, start;
    while (i < n && is_blank(v[i]))
        i++;
    while (i < n) {
        for (start = i; i < n && !is_blank(v[i]); i++)
            ;
        cc_buf_append(b, v + start, i - start);
        while (i < n && is_blank(v[i]))
            i++;
        if (i < n)
            cc_buf_putc(b, ' ');
    }
}

int cc_sigv4_canonical_request(const cc_sigv4_request_t *req, const char *payload_hash,
                               cc_buf_t *out, cc_buf_t *signed_headers)
{
    hsort_t hs_small[16], *hs = hs_small;
    char names_small[512], *names = names_small; /* every lower-cased name, NUL after each */
    size_t i, n = 0, k, total = 0, at = 0;
    cc_buf_puts(out, req->method);
    cc_buf_putc(out, '\n');
    cc_sigv4_canonical_path(req->path, req->path_len, out);
    cc_buf_putc(out, '\n');
    if (!cc_sigv4_canonical_query(req->query, req->query_len, out))
        return 0;
    cc_buf_putc(out, '\n');
    /* the usual request fits the stack: no allocation per header */
    for (i = 0; i < req->nheaders; i++)
        total += req->headers[i].name_len + 1;
    if (req->nheaders > sizeof hs_small / sizeof hs_small[0] && (hs = cc_calloc(req->nheaders, sizeof *hs)) == NULL)
        return 0;
    if (total > sizeof names_small && (names = cc_malloc(total)) == NULL) {
        if (hs != hs_small)
            cc_free(hs);
        return 0;
    }
    for (i = 0; i < req->nheaders; i++) {
        const cc_header_t *h = &req->headers[i];
        char *lname = names + at;
        for (k = 0; k < h->name_len; k++) {
            char c = h->name[k];
            lname[k] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
        lname[h->name_len] = '\0';
        at += h->name_len + 1;
        if (header_skipped(lname, h->name_len))
            continue;
        hs[n].name = lname;
        hs[n].name_len = h->name_len;
        hs[n].index = i;
        hs[n].h = h;
        n++;
    }
    sort_headers(hs, n);
    for (i = 0; i < n; i++) {
        int same_as_prev = i > 0 && hs[i].name_len == hs[i - 1].name_len &&
                           memcmp(hs[i].name, hs[i - 1].name, hs[i].name_len) == 0;
        if (same_as_prev) {
            cc_buf_putc(out, ',');
        } else {
            if (i > 0) {
                cc_buf_putc(out, '\n');
                cc_buf_putc(signed_headers, ';');
            }
            cc_buf_append(out, hs[i].name, hs[i].name_len); /* lengths known: no strlen per name */
            cc_buf_putc(out, ':');
            cc_buf_append(signed_headers, hs[i].name, hs[i].name_len);
        }
        put_header_value(out, hs[i].h->value, hs[i].h->value_len);
    }
    if (n > 0)
        cc_buf_putc(out, '\n');
    cc_buf_putc(out, '\n');
    cc_buf_append(out, signed_headers->data ? signed_headers->data : "", signed_headers->len);
    cc_buf_putc(out, '\n');
    cc_buf_puts(out, payload_hash);
    if (names != names_small)
        cc_free(names);
    if (hs != hs_small)
        cc_free(hs);
    return cc_buf_ok(out) && cc_buf_ok(signed_headers);
}
/* }====== */

/* {====== Signing ====== */
/* CC_OK with s->key derived and its pad states made (or both found
 * cached), CC_E_NOMEM, or CC_E_INTERNAL. */
static int derive_key(cc_signer_t *s, const char *secret, const char *date, const char *region,
                      const char *service)
{
    unsigned char k[SHA256_LEN];
    char small[256], *seed = small; /* "AWS4" + secret: on the stack for any real secret */
    int ok;
    size_t rlen = strlen(region), slen = strlen(service), klen = strlen(secret);
    if (rlen >= sizeof s->region || slen >= sizeof s->service)
        return CC_E_INTERNAL;
    if (s->have_key && klen == s->secret_len && memcmp(secret, s->secret, klen) == 0 &&
        memcmp(s->date, date, 8) == 0 && strcmp(s->region, region) == 0 && strcmp(s->service, service) == 0)
        return CC_OK;
    forget_secret(s);
    if ((s->secret = cc_malloc(klen + 1)) == NULL)
        return CC_E_NOMEM;
    if (klen + 4 > sizeof small && (seed = cc_malloc(klen + 4)) == NULL) {
        forget_secret(s);
        return CC_E_NOMEM;
    }
    memcpy(seed, "AWS4", 4);
    memcpy(seed + 4, secret, klen);
    ok = hmac(s, seed, klen + 4, date, 8, k) && hmac(s, k, SHA256_LEN, region, rlen, k) &&
         hmac(s, k, SHA256_LEN, service, slen, k) && hmac(s, k, SHA256_LEN, "aws4_request", 12, s->key) &&
         key_pads(s, s->key, SHA256_LEN);
    cc_wipe(seed, klen + 4);
    if (seed != small)
        cc_free(seed);
    cc_wipe(k, sizeof k);
    if (!ok) {
        forget_secret(s);
        return CC_E_INTERNAL;
    }
    memcpy(s->secret, secret, klen + 1);
    s->secret_len = klen;
    s->have_key = 1;
    memcpy(s->date, date, 8);
    s->date[8] = '\0';
    memcpy(s->region, region, rlen + 1);
    memcpy(s->service, service, slen + 1);
    s->derivations++;
    return CC_OK;
}

/* "<date>/<region>/<service>/aws4_request", the credential scope. */
static void put_scope(cc_buf_t *b, const char *date, const char *region, const char *service)
{
    cc_buf_append(b, date, 8);
    cc_buf_putc(b, '/');
    cc_buf_puts(b, region);
    cc_buf_putc(b, '/');
    cc_buf_puts(b, service);
    cc_buf_append(b, "/aws4_request", 13);
}

/* At least the length of req's canonical request: the path and the query
 * grow at most fourfold as they are encoded ('%' becomes "%25", a key gets
 * '='), header values only shrink as they are trimmed. 0 (no reserve) when
 * the sum would not fit. */
static size_t canonical_bound(const cc_sigv4_request_t *req)
{
    size_t n = strlen(req->method) + 2 * SHA256_LEN + 16, i, add;
    if (req->path_len > ((size_t)-1) / 8 || req->query_len > ((size_t)-1) / 8)
        return 0;
    n += 4 * req->path_len + 4 * req->query_len;
    for (i = 0; i < req->nheaders; i++) {
        add = req->headers[i].name_len + req->headers[i].value_len + 4; /* ':' '\n', in the list ';' */
        if (add < req->headers[i].value_len || n > ((size_t)-1) - 2 * add)
            return 0;
        n += 2 * add; /* the line, and the name again in the signed-header list */
    }
    return n;
}

/* SHA-256 of no bytes, the payload hash of every request without a body */
static const char EMPTY_SHA256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

int cc_signer_sign(cc_signer_t *s, const cc_sigv4_request_t *req, const cc_credentials_t *creds,
                   const char *region, const char *service, const char *amz_date,
                   cc_buf_t *authz, cc_buf_t *creq_out, cc_buf_t *sts_out, cc_err_t *err)
{
    unsigned char digest[SHA256_LEN], sig[SHA256_LEN];
    char payload_hex[2 * SHA256_LEN + 1], creq_hex[2 * SHA256_LEN + 1], sig_hex[2 * SHA256_LEN + 1];
    char date[9];
    cc_buf_t *creq = &s->creq, *sh = &s->sh, *sts = &s->sts;
    int rc = CC_OK;
    if (creds == NULL || creds->access_key_id == NULL || creds->secret_access_key == NULL)
        return cc_err_set(err, CC_E_CREDENTIALS, "no credentials to sign with");
    if (strlen(amz_date) != 16)
        return cc_err_set(err, CC_E_INTERNAL, "X-Amz-Date must be YYYYMMDDThhmmssZ");
    memcpy(date, amz_date, 8);
    date[8] = '\0';
    cc_buf_reset(creq);
    cc_buf_reset(sh);
    cc_buf_reset(sts);
    if (req->payload_len == 0) {
        memcpy(payload_hex, EMPTY_SHA256, sizeof payload_hex);
    } else if (sha256(s, req->payload, req->payload_len, digest)) {
        hex(digest, SHA256_LEN, payload_hex);
    } else {
        rc = cc_err_set(err, CC_E_INTERNAL, "SHA-256 failed");
        goto done;
    }
    /* room for the whole canonical request first: it holds the session
     * token's header, and a buffer grown midway may leave a block behind,
     * part of the token in it, where no wipe reaches */
    if (!cc_buf_reserve(creq, canonical_bound(req)) || !cc_sigv4_canonical_request(req, payload_hex, creq, sh) ||
        !sha256(s, creq->data, creq->len, digest)) {
        rc = cc_err_set(err, CC_E_NOMEM, "out of memory building the canonical request");
        goto done;
    }
    hex(digest, SHA256_LEN, creq_hex);
    cc_buf_append(sts, "AWS4-HMAC-SHA256\n", 17);
    cc_buf_append(sts, amz_date, 16);
    cc_buf_putc(sts, '\n');
    put_scope(sts, date, region, service);
    cc_buf_putc(sts, '\n');
    cc_buf_append(sts, creq_hex, 2 * SHA256_LEN);
    if (!cc_buf_ok(sts)) {
        rc = cc_err_set(err, CC_E_NOMEM, "out of memory building the string to sign");
        goto done;
    }
    if ((rc = derive_key(s, creds->secret_access_key, date, region, service)) == CC_E_NOMEM) {
        cc_err_set(err, rc, "out of memory deriving the signing key");
        goto done;
    }
    if (rc != CC_OK || !keyed_hmac(s, sts->data, sts->len, sig)) {
        rc = cc_err_set(err, CC_E_INTERNAL, "signing failed (region or service name too long?)");
        goto done;
    }
    hex(sig, SHA256_LEN, sig_hex);
    cc_buf_append(authz, "AWS4-HMAC-SHA256 Credential=", 28);
    cc_buf_puts(authz, creds->access_key_id);
    cc_buf_putc(authz, '/');
    put_scope(authz, date, region, service);
    cc_buf_append(authz, ", SignedHeaders=", 16);
    cc_buf_append(authz, cc_buf_cstr(sh), sh->len);
    cc_buf_append(authz, ", Signature=", 12);
    cc_buf_append(authz, sig_hex, 2 * SHA256_LEN);
    if (creq_out)
        cc_buf_append(creq_out, creq->data, creq->len);
    if (sts_out)
        cc_buf_append(sts_out, sts->data, sts->len);
    if (!cc_buf_ok(authz))
        rc = cc_err_set(err, CC_E_NOMEM, "out of memory");
done:
    /* the canonical request holds the session token's header: kept buffers
     * keep no credential between calls */
    cc_wipe(creq->data, creq->len);
    cc_buf_trim(creq, KEEP_SCRATCH_BYTES);
    cc_buf_trim(sh, KEEP_SCRATCH_BYTES);
    cc_buf_trim(sts, KEEP_SCRATCH_BYTES);
    return rc;
}
/* }====== */

int cc_sha1_hex(const void *p, size_t n, char out[41])
{
    unsigned char md[20];
    unsigned int len = 0;
    if (!EVP_Digest(p, n, md, &len, EVP_sha1(), NULL) || len != 20)
        return 0;
    hex(md, 20, out);
    return 1;
}
