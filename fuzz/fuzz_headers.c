/* libFuzzer: an answer's headers and body read by a model with every kind
 * of header-bound member (lists with quoting, RFC 822 date lists, numbers,
 * booleans, jsonvalue, a prefixed map), a status-code member and a payload.
 * The first byte picks the payload operation; the input is then split on
 * NUL bytes into the values of the headers in turn, the rest the body. */
#include <stdint.h>
#include <string.h>

#include "../csrc/model.h"
#include "../csrc/shape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char MODEL[] =
    "{\"metadata\":{\"protocol\":\"rest-json\"},\"operations\":{"
    "\"H\":{\"name\":\"H\",\"http\":{\"method\":\"GET\",\"requestUri\":\"/\"},\"output\":{\"shape\":\"Out\"}},"
    "\"P\":{\"name\":\"P\",\"http\":{\"method\":\"GET\",\"requestUri\":\"/\"},\"output\":{\"shape\":\"POut\"}}},"
    "\"shapes\":{\"Out\":{\"type\":\"structure\",\"members\":{"
    "\"s\":{\"shape\":\"SL\",\"location\":\"header\",\"locationName\":\"x-s\"},"
    "\"t\":{\"shape\":\"TL\",\"location\":\"header\",\"locationName\":\"x-t\"},"
    "\"i\":{\"shape\":\"IL\",\"location\":\"header\",\"locationName\":\"x-i\"},"
    "\"d\":{\"shape\":\"D\",\"location\":\"header\",\"locationName\":\"x-d\"},"
    "\"b\":{\"shape\":\"B\",\"location\":\"header\",\"locationName\":\"x-b\"},"
    "\"j\":{\"shape\":\"S\",\"location\":\"header\",\"locationName\":\"x-j\",\"jsonvalue\":true},"
    "\"m\":{\"shape\":\"M\",\"location\":\"headers\",\"locationName\":\"x-m-\"},"
    "\"code\":{\"shape\":\"I\",\"location\":\"statusCode\"},\"body\":{\"shape\":\"S\"}}},"
    "\"POut\":{\"type\":\"structure\",\"payload\":\"blob\",\"members\":{\"blob\":{\"shape\":\"Blob\"}}},"
    "\"S\":{\"type\":\"string\"},\"I\":{\"type\":\"integer\"},\"D\":{\"type\":\"double\"},"
    "\"B\":{\"type\":\"boolean\"},\"T\":{\"type\":\"timestamp\"},\"Blob\":{\"type\":\"blob\"},"
    "\"SL\":{\"type\":\"list\",\"member\":{\"shape\":\"S\"}},\"TL\":{\"type\":\"list\",\"member\":{\"shape\":\"T\"}},"
    "\"IL\":{\"type\":\"list\",\"member\":{\"shape\":\"I\"}},"
    "\"M\":{\"type\":\"map\",\"key\":{\"shape\":\"S\"},\"value\":{\"shape\":\"S\"}}}}";

static const char *NAMES[] = {"x-s", "x-t", "x-i", "x-d", "x-b", "x-j", "x-m-a", "x-m-b"};
#define NHEADERS (sizeof NAMES / sizeof NAMES[0])

typedef struct {
    const char *val[NHEADERS];
    size_t len[NHEADERS];
} fuzz_headers_t;

static const char *get(void *ctx, const char *lname, size_t *len)
{
    fuzz_headers_t *h = ctx;
    size_t i;
    for (i = 0; i < NHEADERS; i++)
        if (h->val[i] && strcmp(NAMES[i], lname) == 0) {
            *len = h->len[i];
            return h->val[i];
        }
    return NULL;
}

static void each(void *ctx, void (*fn)(void *, const char *, size_t, const char *, size_t), void *arg)
{
    fuzz_headers_t *h = ctx;
    size_t i;
    for (i = 0; i < NHEADERS; i++)
        if (h->val[i])
            fn(arg, NAMES[i], strlen(NAMES[i]), h->val[i], h->len[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cc_model_t *m;
    fuzz_headers_t fh;
    cc_headers_t h = {&fh, get, each};
    const char *p, *end;
    cc_arena_t a;
    cc_value_t out;
    cc_service_error_t se;
    cc_err_t err;
    size_t i;
    if (m == NULL && (m = cc_model_compile(MODEL, &err)) == NULL)
        return 0;
    if (size < 1)
        return 0;
    memset(&fh, 0, sizeof fh);
    p = (const char *)data + 1;
    end = (const char *)data + size;
    for (i = 0; i < NHEADERS && p < end; i++) {
        const char *nul = memchr(p, '\0', (size_t)(end - p));
        if (nul == NULL)
            break;
        fh.val[i] = p;
        fh.len[i] = (size_t)(nul - p);
        p = nul + 1;
    }
    cc_arena_init(&a);
    cc_parse_response_h(m, cc_model_find_op(m, data[0] & 1 ? "P" : "H"), data[0] & 2 ? 404 : 200, p,
                        (size_t)(end - p), &h, &a, &out, &se, &err);
    cc_arena_free(&a);
    return 0;
}
