/* The shape engine: input validated and serialized into an HTTP request,
 * responses parsed into value trees, all by the model. */
#ifndef CC_SHAPE_H
#define CC_SHAPE_H

#include "buf.h"
#include "err.h"
#include "model.h"
#include "value.h"

/* Checks params (a table value) against an input shape as botocore's
 * validator does, before anything is sent. On failure err is
 * CC_E_PARAM with a message naming the path of the bad value. */
int cc_validate_input(const cc_shape_t *shape, const cc_value_t *params, cc_err_t *err);

/* The parts of a serialized request. Caller inits and frees the buffers. */
typedef struct cc_request_parts {
    cc_buf_t path;  /* percent-encoded */
    cc_buf_t query; /* without '?', percent-encoded */
    cc_buf_t body;  /* JSON; empty when the operation has no body */
    int has_body;
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
    const char *code;
    const char *message;
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
