/* libFuzzer: the canonical request of any path, query and headers. The input
 * is split at NUL bytes: path, query, then "name:value" headers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../csrc/sigv4.h"

#define MAX_PARTS 18

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *parts[MAX_PARTS];
    size_t lens[MAX_PARTS], n = 0, start = 0, i;
    cc_header_t headers[MAX_PARTS];
    size_t nh = 0;
    cc_sigv4_request_t req;
    cc_buf_t out, sh;
    for (i = 0; i <= size && n < MAX_PARTS; i++) {
        if (i == size || data[i] == 0) {
            parts[n] = (const char *)data + start;
            lens[n] = i - start;
            n++;
            start = i + 1;
        }
    }
    if (n < 2)
        return 0;
    for (i = 2; i < n; i++) {
        const char *colon = memchr(parts[i], ':', lens[i]);
        if (colon == NULL)
            continue;
        headers[nh].name = parts[i];
        headers[nh].name_len = (size_t)(colon - parts[i]);
        headers[nh].value = colon + 1;
        headers[nh].value_len = lens[i] - headers[nh].name_len - 1;
        nh++;
    }
    memset(&req, 0, sizeof req);
    req.method = "POST";
    req.path = parts[0];
    req.path_len = lens[0];
    req.query = parts[1];
    req.query_len = lens[1];
    req.headers = headers;
    req.nheaders = nh;
    cc_buf_init(&out);
    cc_buf_init(&sh);
    cc_sigv4_canonical_request(&req, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", &out, &sh);
    cc_buf_free(&out);
    cc_buf_free(&sh);
    return 0;
}
