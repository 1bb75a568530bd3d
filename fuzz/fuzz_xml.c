/* libFuzzer: any bytes as the XML of an STS answer. */
#include <stdint.h>

#include "../csrc/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_arena_t a;
    cc_value_t out;
    cc_err_t err;
    cc_arena_init(&a);
    cc_xml_decode((const char *)data, size, &a, &out, &err);
    cc_arena_free(&a);
    return 0;
}
