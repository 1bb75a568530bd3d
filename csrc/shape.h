/* The shape engine: input validated and serialized into an HTTP request,
 * responses parsed into value trees, all by the model. */
#ifndef CC_SHAPE_H
#define CC_SHAPE_H

#include "buf.h"
#include "err.h"
#include "model.h"
#include "value.h"

/* What is wrong with an input, botocore's report types. */
#define CC_PROBLEM_KINDS(X)                       \
    X(CC_P_MISSING, "missing_required")           \
    X(CC_P_UNKNOWN, "unknown_parameter")          \
    X(CC_P_TYPE, "invalid_type")                  \
    X(CC_P_LENGTH, "invalid_length")              \
    X(CC_P_RANGE, "invalid_range")                \
    X(CC_P_UNION, "invalid_union")                \
    X(CC_P_VALUE, "invalid_value")

typedef enum {
#define CC_PROBLEM_ITEM(name, str) name,
    CC_PROBLEM_KINDS(CC_PROBLEM_ITEM)
#undef CC_PROBLEM_ITEM
} cc_problem_kind_t;

/* The name of a kind ("invalid_type"); static storage. */
const char *cc_problem_kind_name(int kind);

/* Past this many problems the report says how many more there were. */
#define CC_MAX_PROBLEMS 50

typedef struct cc_problem {
    int kind;
    size_t path_off, path_len; /* in cc_problems_t.paths */
    size_t msg_off, msg_len;   /* in cc_problems_t.text */
} cc_problem_t;

/* Every problem of one input: the messages one per line in text, as
 * botocore's report lists them, and each problem's kind and path. */
typedef struct cc_problems {
    cc_buf_t text;
    cc_buf_t paths;
    cc_problem_t *items; /* CC_MAX_PROBLEMS of them, allocated at the first problem */
    size_t n;
    size_t dropped; /* problems found past CC_MAX_PROBLEMS */
} cc_problems_t;

void cc_problems_init(cc_problems_t *p);
void cc_problems_free(cc_problems_t *p);

/* Checks params (a table value) against an input shape as botocore's
 * validator does, before anything is sent, and lists every problem in out
 * (which it resets first). On failure err is CC_E_PARAM with the first
 * problem's message (out->text has them all), or CC_E_NOMEM. */
int cc_validate_report(const cc_shape_t *shape, const cc_value_t *params, cc_problems_t *out, cc_err_t *err);

/* cc_validate_report without the list: err names the first problem. */
int cc_validate_input(const cc_shape_t *shape, const cc_value_t *params, cc_err_t *err);

/* The parts of a serialized request. Caller inits and frees the buffers. */
typedef struct cc_request_parts {
    cc_buf_t path;  /* percent-encoded */
    cc_buf_t query; /* without '?', percent-encoded */
    cc_buf_t body;  /* JSON; empty when the operation has no body */
    int has_body;
    cc_problems_t problems; /* what validation found, when it failed */
} cc_request_parts_t;

void cc_request_parts_init(cc_request_parts_t *p);
void cc_request_parts_free(cc_request_parts_t *p);

/* Validates params, then writes path, query and body of op. */
int cc_serialize_request(const cc_operation_t *op, const cc_value_t *params,
                         cc_request_parts_t *out, cc_err_t *err);

/* Validates value against shape and writes it as JSON into out (for the
 * emulator's answers and for tests). */
int cc_serialize_shape(const cc_shape_t *shape, const cc_value_t *value, cc_buf_t *out, cc_err_t *err);

/* A service error answer, its strings and fields in the arena. */
typedef struct cc_service_error {
    const char *code;    /* a name: cut at a NUL, as the model's names have none */
    const char *message; /* message_len bytes, NULs included */
    size_t message_len;
    const cc_shape_t *shape; /* the model's error shape, when it knows the code */
    cc_value_t fields;       /* members of that shape found in the body (a table) */
} cc_service_error_t;

/* Parses a response. For a 2xx status: CC_OK and out holds the output table
 * (empty when the operation has no output). For any other status: CC_E_SERVICE
 * and se filled. CC_E_PARSE for a 2xx body that is not what the model says. */
int cc_parse_response(const cc_model_t *m, const cc_operation_t *op, long status,
                      const char *body, size_t len, const char *error_type_header,
                      cc_arena_t *a, cc_value_t *out, cc_service_error_t *se, cc_err_t *err);

/* Parses a JSON value tree (from cc_json_decode) by a shape into out: unknown
 * members dropped, nulls absent, timestamps as epoch seconds, unknown union
 * members as SDK_UNKNOWN_MEMBER. */
int cc_shape_parse_value(const cc_shape_t *shape, const cc_value_t *in, cc_arena_t *a,
                         cc_value_t *out, cc_err_t *err);

/* Checks a request body (from cc_json_decode) against an input shape as the
 * service reads it: an unknown member, a null, a wrong JSON type or an
 * integer outside 32 bits is CC_E_PARAM naming the member's path. */
int cc_shape_check_strict(const cc_shape_t *shape, const cc_value_t *tree, cc_err_t *err);

#endif
