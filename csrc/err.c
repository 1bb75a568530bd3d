#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int cc_err_set(cc_err_t *err, int code, const char *fmt, ...)
{
    va_list ap;
    if (err == NULL)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *cc_strerror(int code)
{
    static const char *const names[] = {
#define CC_NAME_ITEM(name, str) str,
        CC_ERROR_MAP(CC_NAME_ITEM)
#undef CC_NAME_ITEM
    };
    if (code < 0 || code >= CC_E__COUNT)
        return "InternalError";
    return names[code];
}
