/* libFuzzer: a service answer, any bytes, read by the shape engine for any
 * operation and status. Nothing may crash, leak or read out of bounds. */
#include <stdint.h>
#include <string.h>

#include "../csrc/model.h"
#include "../csrc/shape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const long statuses[] = {200, 200, 400, 404, 409, 429, 500, 503};
    const cc_model_t *m;
    const cc_operation_t *op;
    cc_arena_t a;
    cc_value_t out;
    cc_service_error_t se;
    cc_err_t err;
    char header[64];
    size_t hlen;
    if (size < 3)
        return 0;
    m = cc_model_get(&err);
    if (m == NULL)
        return 0;
    op = &m->ops[data[0] % m->nops];
    /* the third byte chooses how much of the rest is an x-amzn-ErrorType header */
    hlen = data[2] % 16;
    if (hlen > size - 3)
        hlen = size - 3;
    memcpy(header, data + 3, hlen);
    header[hlen] = '\0';
    cc_arena_init(&a);
    cc_parse_response(m, op, statuses[data[1] % 8], (const char *)data + 3 + hlen, size - 3 - hlen,
                      hlen ? header : NULL, &a, &out, &se, &err);
    cc_arena_free(&a);
    return 0;
}
