#include "header.h"

#include <string.h>

static int is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

int cc_header_check(const char *name, size_t nlen, const char *value, size_t vlen, cc_err_t *err)
{
    size_t i;
    if (nlen == 0)
        return cc_err_set(err, CC_E_PARAM, "a header has an empty name");
    for (i = 0; i < nlen; i++)
        if (!is_tchar((unsigned char)name[i]))
            return cc_err_set(err, CC_E_PARAM, "a header name holds a character a header name may not hold");
    for (i = 0; i < vlen; i++) {
        unsigned char c = (unsigned char)value[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return cc_err_set(err, CC_E_PARAM,
                              "header %.*s: its value holds a control character (CR, LF, NUL, ...), refused",
                              (int)(nlen > 128 ? 128 : nlen), name);
    }
    return CC_OK;
}
