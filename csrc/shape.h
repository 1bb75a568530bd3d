/* The shape engine: input validated and serialized into an HTTP request,
 * responses parsed into value trees, all by the model. */
#ifndef CC_SHAPE_H
#define CC_SHAPE_H

#include "buf.h"
#include "err.h"
#include "model.h"
#include "sink.h"
#include "value.h"

/* The value of member m of structure s in table t; NULL when not set. One
 * index when the table was built with slots for s, a search by name when
 * not (a table from JSON or from a C caller). */
static inline const cc_value_t *cc_member_value(const cc_value_t *t, const cc_shape_t *s, const cc_member_t *m)
{
    if (t->kind == CC_V_TABLE && t->u.tab.slots == s) {
        const cc_entry_t *e = &t->u.tab.items[m - s->members];
        return e->key.kind == CC_V_NIL ? NULL : &e->val;
    }
    return cc_value_field_n(t, m->name, m->name_len);
}

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
    cc_buf_t path;    /* percent-encoded */
    cc_buf_t query;   /* without '?', percent-encoded */
    cc_buf_t body;    /* JSON, or a blob or string payload; empty without a body */
    cc_buf_t headers; /* the members bound to headers: "name\0value\0" pairs */
    size_t nheaders;
    cc_buf_t host_prefix;     /* the operation's hostPrefix with its labels, or empty */
    const char *content_type; /* static storage; NULL when there is no body */
    int has_body;
    cc_problems_t problems; /* what validation found, when it failed */
} cc_request_parts_t;

/* Walks the member headers of parts, "name\0value\0" pairs:
 *     cc_header_walk_t w = cc_header_walk(&parts);
 *     while (cc_header_next(&w)) use w.name, w.value, w.value_len */
typedef struct cc_header_walk {
    const char *at; /* the next pair */
    size_t left;
    const char *name, *value;
    size_t value_len;
} cc_header_walk_t;

cc_header_walk_t cc_header_walk(const cc_request_parts_t *parts);
int cc_header_next(cc_header_walk_t *w);

void cc_request_parts_init(cc_request_parts_t *p);
void cc_request_parts_free(cc_request_parts_t *p);
/* Empties the parts for another request, keeping buffers of up to keep
 * bytes for reuse. */
void cc_request_parts_reset(cc_request_parts_t *p, size_t keep);

/* What a client decides about a request beyond its parameters. */
typedef struct cc_build_opts {
    const char *token;    /* fills idempotency tokens left out; NULL: a fresh UUID v4 each */
    long min_compression; /* gzip a body of at least this many bytes when the
                           * operation allows; negative: never */
} cc_build_opts_t;

/* Validates params, then writes path, query, headers and body of op, as
 * botocore's rest-json serializer does (then compression and Content-MD5
 * where the operation asks for them). */
int cc_serialize_request_with(const cc_operation_t *op, const cc_value_t *params, const cc_build_opts_t *opts,
                              cc_request_parts_t *out, cc_err_t *err);
/* cc_serialize_request_with fresh tokens and no compression. */
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
    int has_fields;          /* the answer holds members of that shape: a table */
    cc_value_t fields;       /* that table (cc_parse_response_h only) */
} cc_service_error_t;

/* An answer's headers, read through the caller's own storage (the binding
 * reads a Lua table). Names are matched lower-case. */
typedef struct cc_headers {
    void *ctx;
    /* The value of a header by lower-case name; NULL when absent. */
    const char *(*get)(void *ctx, const char *lname, size_t *len);
    /* Calls fn for every header, names as stored (lower-case). */
    void (*each)(void *ctx, void (*fn)(void *arg, const char *name, size_t nlen, const char *val, size_t vlen),
                 void *arg);
} cc_headers_t;

/* Headers of which only x-amzn-ErrorType is known: *error_type (or NULL),
 * which must outlive h. */
void cc_headers_error_type(cc_headers_t *h, const char **error_type);

/* Parses a response into a sink. For a 2xx status: CC_OK and the output
 * table on the sink (empty when the operation has no output), its members
 * from the body, the headers (h may be NULL) and the status code. For any
 * other status: CC_E_SERVICE, se filled, and when se->has_fields the table
 * of the error's members on the sink. CC_E_PARSE for a 2xx answer that is
 * not what the model says. Strings that need decoding go in the arena; on
 * an error the sink may hold part of a result (reset it to a mark). */
int cc_parse_response_sink(const cc_model_t *m, const cc_operation_t *op, long status, const char *body,
                           size_t len, const cc_headers_t *h, cc_arena_t *a, const cc_sink_t *sink,
                           cc_service_error_t *se, cc_err_t *err);

/* cc_parse_response_sink into a value tree in the arena: the output in out,
 * an error's members in se->fields (CC_V_NIL without them). */
int cc_parse_response_h(const cc_model_t *m, const cc_operation_t *op, long status, const char *body, size_t len,
                        const cc_headers_t *h, cc_arena_t *a, cc_value_t *out, cc_service_error_t *se,
                        cc_err_t *err);

/* cc_parse_response_h with one header known: x-amzn-ErrorType (or NULL). */
int cc_parse_response(const cc_model_t *m, const cc_operation_t *op, long status,
                      const char *body, size_t len, const char *error_type_header,
                      cc_arena_t *a, cc_value_t *out, cc_service_error_t *se, cc_err_t *err);

/* Reads JSON text by a shape into a sink: unknown members dropped, nulls
 * absent, timestamps as epoch seconds, unknown union members as
 * SDK_UNKNOWN_MEMBER. */
int cc_shape_decode(const cc_shape_t *shape, const char *text, size_t len, cc_arena_t *a, const cc_sink_t *sink,
                    cc_err_t *err);

/* Checks a request body (from cc_json_decode) against an input shape as the
 * service reads it: an unknown member, a null, a wrong JSON type or an
 * integer outside 32 bits is CC_E_PARAM naming the member's path. */
int cc_shape_check_strict(const cc_shape_t *shape, const cc_value_t *tree, cc_err_t *err);

#endif
