/* Error codes and messages of the C core: functions return a code and fill a cc_err_t. */
#ifndef CC_ERR_H
#define CC_ERR_H

#define CC_ERR_MSG_MAX 512

/* X-macro: enum name, the code string the Lua API shows. */
#define CC_ERROR_MAP(X)                                 \
    X(CC_OK, "OK")                                      \
    X(CC_E_PARAM, "ParamValidationError")               \
    X(CC_E_NOMEM, "MemoryError")                        \
    X(CC_E_NETWORK, "NetworkError")                     \
    X(CC_E_TOO_LARGE, "NetworkError") /* not retryable */ \
    X(CC_E_TIMEOUT, "TimeoutError")                     \
    X(CC_E_PARSE, "ResponseParseError")                 \
    X(CC_E_CREDENTIALS, "CredentialsError")             \
    X(CC_E_SERVICE, "ServiceError")                     \
    X(CC_E_MODEL, "ModelError")                         \
    X(CC_E_INTERNAL, "InternalError")

typedef enum {
#define CC_ENUM_ITEM(name, str) name,
    CC_ERROR_MAP(CC_ENUM_ITEM)
#undef CC_ENUM_ITEM
    CC_E__COUNT
} cc_code_t;

typedef struct cc_err {
    int code;
    char msg[CC_ERR_MSG_MAX];
} cc_err_t;

/* Sets code and a printf-style message (truncated to fit); returns code. */
int cc_err_set(cc_err_t *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The code string for a code ("ParamValidationError"); static storage. */
const char *cc_strerror(int code);

#endif
