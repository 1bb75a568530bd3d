#include "model.h"
#include "alloc.h"
#include "json.h"
#include "sink.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

static const char *json_str(const cJSON *obj, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

static int shape_cmp(const void *a, const void *b)
{
    return strcmp(((const cc_shape_t *)a)->name, ((const cc_shape_t *)b)->name);
}

static int op_cmp(const void *a, const void *b)
{
    return strcmp(((const cc_operation_t *)a)->name, ((const cc_operation_t *)b)->name);
}

const cc_shape_t *cc_model_find_shape(const cc_model_t *m, const char *name)
{
    cc_shape_t key;
    key.name = name;
    return bsearch(&key, m->shapes, m->nshapes, sizeof key, shape_cmp);
}

static int refuse(cc_err_t *err, const char *where, const char *what)
{
    return cc_err_set(err, CC_E_MODEL, "model: %s uses %s, which this client does not implement", where, what);
}

/* "iso8601", "rfc822", "unixTimestamp" (any case, as botocore lowers it). */
static int ts_format(const cJSON *js, cc_ts_format_t *out, cc_err_t *err, const char *where)
{
    static const struct { const char *name; cc_ts_format_t f; } formats[] = {
        {"iso8601", CC_TS_ISO8601}, {"rfc822", CC_TS_RFC822}, {"unixtimestamp", CC_TS_UNIX}};
    const char *f = json_str(js, "timestampFormat");
    size_t i;
    *out = CC_TS_DEFAULT;
    if (f == NULL)
        return CC_OK;
    for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcasecmp(f, formats[i].name) == 0) {
            *out = formats[i].f;
            return CC_OK;
        }
    return cc_err_set(err, CC_E_MODEL, "model: %s has timestampFormat \"%s\", which this client does not implement",
                      where, f);
}

static int location_of(const char *loc, cc_location_t *out)
{
    static const struct { const char *name; cc_location_t loc; } locs[] = {
        {"uri", CC_LOC_URI}, {"querystring", CC_LOC_QUERY}, {"header", CC_LOC_HEADER},
        {"headers", CC_LOC_HEADERS}, {"statusCode", CC_LOC_STATUS}};
    size_t i;
    *out = CC_LOC_BODY;
    if (loc == NULL)
        return 1;
    for (i = 0; i < sizeof locs / sizeof locs[0]; i++)
        if (strcmp(loc, locs[i].name) == 0) {
            *out = locs[i].loc;
            return 1;
        }
    return 0;
}

static cc_shape_type_t shape_type(const char *t, int *ok)
{
    static const struct { const char *name; cc_shape_type_t type; } types[] = {
        {"structure", CC_SHAPE_STRUCTURE}, {"list", CC_SHAPE_LIST},
        {"map", CC_SHAPE_MAP},             {"string", CC_SHAPE_STRING},
        {"integer", CC_SHAPE_INTEGER},     {"long", CC_SHAPE_LONG},
        {"double", CC_SHAPE_DOUBLE},       {"float", CC_SHAPE_FLOAT},
        {"boolean", CC_SHAPE_BOOLEAN},     {"timestamp", CC_SHAPE_TIMESTAMP},
        {"blob", CC_SHAPE_BLOB},
    };
    size_t i;
    *ok = 0;
    for (i = 0; t && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(t, types[i].name) == 0) {
            *ok = 1;
            return types[i].type;
        }
    return CC_SHAPE_STRING;
}

static const cc_shape_t *ref_shape(const cc_model_t *m, const cJSON *ref, cc_err_t *err, const char *where)
{
    const char *name = json_str(ref, "shape");
    const cc_shape_t *s = name ? cc_model_find_shape(m, name) : NULL;
    if (s == NULL)
        cc_err_set(err, CC_E_MODEL, "model: %s refers to an unknown shape", where);
    return s;
}

static int json_key(cc_member_t *mem)
{
    cc_buf_t b;
    cc_buf_init(&b);
    cc_buf_append(&b, ", ", 2);
    cc_json_put_string(&b, mem->wire_name, mem->wire_len);
    cc_buf_append(&b, ": ", 2);
    if (!cc_buf_ok(&b)) {
        cc_buf_free(&b);
        return CC_E_NOMEM;
    }
    mem->json_key = b.data; /* the member owns it now */
    mem->json_key_len = b.len;
    return CC_OK;
}

/* Where a wire name's probe starts: its length and three of its bytes, which
 * tell a structure's members apart nearly always. */
static size_t wire_hash(const char *wire, size_t len)
{
    if (len == 0)
        return 0;
    return len * 31u + (unsigned char)wire[0] * 7u + (unsigned char)wire[len / 2] * 3u + (unsigned char)wire[len - 1];
}

/* The table of s's members by wire name, at least half empty. */
static int index_wire_names(cc_shape_t *s)
{
    size_t size = 8, i;
    while (size < 2 * s->nmembers)
        size *= 2;
    if (s->nmembers >= USHRT_MAX || (s->wire_slots = cc_calloc(size, sizeof *s->wire_slots)) == NULL)
        return CC_E_NOMEM;
    s->wire_mask = size - 1;
    for (i = 0; i < s->nmembers; i++) {
        size_t h = wire_hash(s->members[i].wire_name, s->members[i].wire_len) & s->wire_mask;
        while (s->wire_slots[h] != 0)
            h = (h + 1) & s->wire_mask;
        s->wire_slots[h] = (unsigned short)(i + 1);
    }
    return CC_OK;
}

static int compile_members(cc_model_t *m, cc_shape_t *s, const cJSON *js, cc_err_t *err)
{
    const cJSON *members = cJSON_GetObjectItemCaseSensitive(js, "members");
    const cJSON *required = cJSON_GetObjectItemCaseSensitive(js, "required");
    const cJSON *it, *r;
    size_t i = 0;
    s->nmembers = (size_t)cJSON_GetArraySize(members);
    if (s->nmembers == 0)
        return CC_OK;
    s->members = cc_calloc(s->nmembers, sizeof *s->members);
    if (s->members == NULL)
        return cc_err_set(err, CC_E_NOMEM, "out of memory compiling the model");
    cJSON_ArrayForEach(it, members) {
        cc_member_t *mem = &s->members[i++];
        const char *loc = json_str(it, "location");
        const char *wire = json_str(it, "locationName");
        char where[160];
        mem->name = it->string;
        mem->wire_name = wire ? wire : it->string;
        mem->name_len = strlen(mem->name);
        mem->wire_len = strlen(mem->wire_name);
        if (json_key(mem) != CC_OK)
            return cc_err_set(err, CC_E_NOMEM, "out of memory compiling the model");
        snprintf(where, sizeof where, "member %s of %s", mem->name, s->name);
        mem->shape = ref_shape(m, it, err, s->name);
        if (mem->shape == NULL)
            return err->code;
        if (!location_of(loc, &mem->location))
            return cc_err_set(err, CC_E_MODEL, "model: %s has location \"%s\", which this client does not implement",
                              where, loc);
        if (ts_format(it, &mem->ts_format, err, where) != CC_OK)
            return err->code;
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "eventpayload")))
            return refuse(err, where, "the eventpayload trait");
        mem->jsonvalue = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "jsonvalue"));
        mem->idempotency_token = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "idempotencyToken"));
        mem->host_label = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "hostLabel"));
        cJSON_ArrayForEach(r, required) {
            if (cJSON_IsString(r) && strcmp(r->valuestring, mem->name) == 0)
                mem->required = 1;
        }
    }
    if (index_wire_names(s) != CC_OK)
        return cc_err_set(err, CC_E_NOMEM, "out of memory compiling the model (or a structure of 65535 members)");
    return CC_OK;
}

/* The payload trait names the member that is the whole body. */
static int compile_payload(cc_shape_t *s, const cJSON *js, cc_err_t *err)
{
    const char *name = json_str(js, "payload");
    if (name == NULL)
        return CC_OK;
    s->payload = cc_shape_find_member(s, name, strlen(name));
    if (s->payload == NULL)
        return cc_err_set(err, CC_E_MODEL, "model: the payload of %s names no member (%s)", s->name, name);
    return CC_OK;
}

/* Members are compiled after every shape's own traits: a member's timestamp
 * format falls back on its shape's. */
static void inherit_formats(cc_model_t *m)
{
    size_t i, j;
    for (i = 0; i < m->nshapes; i++)
        for (j = 0; j < m->shapes[i].nmembers; j++) {
            cc_member_t *mem = &m->shapes[i].members[j];
            if (mem->ts_format == CC_TS_DEFAULT)
                mem->ts_format = mem->shape->ts_format;
        }
}

static int compile_shape(cc_model_t *m, cc_shape_t *s, const cJSON *js, cc_err_t *err)
{
    const cJSON *it;
    int ok;
    char where[160];
    snprintf(where, sizeof where, "shape %s", s->name);
    s->type = shape_type(json_str(js, "type"), &ok);
    if (!ok)
        return cc_err_set(err, CC_E_MODEL, "model: shape %s has type \"%s\", which this client does not implement",
                          s->name, json_str(js, "type") ? json_str(js, "type") : "(none)");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(js, "eventstream")))
        return refuse(err, where, "the eventstream trait");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(js, "event")))
        return refuse(err, where, "the event trait");
    if (s->type == CC_SHAPE_STRUCTURE && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(js, "document")))
        s->type = CC_SHAPE_DOCUMENT;
    if (ts_format(js, &s->ts_format, err, where) != CC_OK)
        return err->code;
    if ((it = cJSON_GetObjectItemCaseSensitive(js, "min")) && cJSON_IsNumber(it)) {
        s->has_min = 1;
        s->min = it->valuedouble;
    }
    s->is_union = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(js, "union"));
    s->is_error = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(js, "exception"));
    if ((it = cJSON_GetObjectItemCaseSensitive(js, "error")) != NULL) {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(it, "httpStatusCode");
        s->http_status = cJSON_IsNumber(code) ? code->valueint : 400;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(js, "retryable")) != NULL) {
        s->retryable = 1;
        s->throttling = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "throttling"));
    }
    switch (s->type) {
    case CC_SHAPE_STRUCTURE:
        if (compile_members(m, s, js, err) != CC_OK)
            return err->code;
        return compile_payload(s, js, err);
    case CC_SHAPE_LIST:
        s->member = ref_shape(m, cJSON_GetObjectItemCaseSensitive(js, "member"), err, s->name);
        return s->member ? CC_OK : err->code;
    case CC_SHAPE_MAP:
        s->key = ref_shape(m, cJSON_GetObjectItemCaseSensitive(js, "key"), err, s->name);
        s->value = ref_shape(m, cJSON_GetObjectItemCaseSensitive(js, "value"), err, s->name);
        return s->key && s->value ? CC_OK : err->code;
    default:
        return CC_OK;
    }
}

static int compile_operation(cc_model_t *m, cc_operation_t *op, const cJSON *js,
                             const cJSON *paginators, cc_err_t *err)
{
    const cJSON *http = cJSON_GetObjectItemCaseSensitive(js, "http");
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(js, "input");
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(js, "output");
    const cJSON *errors = cJSON_GetObjectItemCaseSensitive(js, "errors");
    const cJSON *pag = cJSON_GetObjectItemCaseSensitive(paginators, js->string);
    const cJSON *endpoint = cJSON_GetObjectItemCaseSensitive(js, "endpoint");
    const cJSON *compression = cJSON_GetObjectItemCaseSensitive(js, "requestcompression");
    const cJSON *checksum = cJSON_GetObjectItemCaseSensitive(js, "httpChecksum");
    const cJSON *e;
    size_t i;
    op->name = js->string;
    cc_snake_case(op->name, op->snake, sizeof op->snake);
    op->method = json_str(http, "method");
    op->uri = json_str(http, "requestUri");
    if (op->method == NULL || op->uri == NULL)
        return cc_err_set(err, CC_E_MODEL, "model: operation %s has no http binding", op->name);
    if (in && (op->input = ref_shape(m, in, err, op->name)) == NULL)
        return err->code;
    if (out && (op->output = ref_shape(m, out, err, op->name)) == NULL)
        return err->code;
    cJSON_ArrayForEach(e, errors) { /* checked, not kept: an error is found by its code */
        if (ref_shape(m, e, err, op->name) == NULL)
            return err->code;
    }
    for (i = 0; op->input && i < op->input->nmembers; i++) {
        const cc_member_t *mem = &op->input->members[i];
        op->has_body_members |= mem->location == CC_LOC_BODY;
        op->has_header_members |= mem->location == CC_LOC_HEADER || mem->location == CC_LOC_HEADERS;
        op->has_tokens |= mem->idempotency_token;
    }
    op->host_prefix = json_str(endpoint, "hostPrefix");
    op->checksum_required = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(js, "httpChecksumRequired")) ||
                            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(checksum, "requestChecksumRequired"));
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(compression, "encodings")) {
        if (cJSON_IsString(e) && strcmp(e->valuestring, "gzip") == 0)
            op->compress_gzip = 1;
    }
    if (pag) {
        op->input_token = json_str(pag, "input_token");
        op->output_token = json_str(pag, "output_token");
        op->limit_key = json_str(pag, "limit_key");
        op->result_key = json_str(pag, "result_key");
    }
    return CC_OK;
}

void cc_model_free(cc_model_t *m)
{
    size_t i;
    if (m == NULL)
        return;
    for (i = 0; m->shapes && i < m->nshapes; i++) {
        size_t j;
        for (j = 0; m->shapes[i].members && j < m->shapes[i].nmembers; j++)
            cc_free(m->shapes[i].members[j].json_key);
        cc_free(m->shapes[i].members);
        cc_free(m->shapes[i].wire_slots);
    }
    cc_free(m->shapes);
    cc_free(m->ops);
    cJSON_Delete(m->root);
    cc_free(m);
}

/* Nesting depth below s; a shape met again on its own path is recursive. */
static int shape_depth(const cc_shape_t *s, const cc_shape_t **path, int n)
{
    int i, d = 0, k;
    size_t j;
    if (s == NULL || s->type > CC_SHAPE_MAP)
        return 0;
    for (i = 0; i < n; i++)
        if (path[i] == s)
            return CC_MODEL_DEEP;
    if (n >= CC_MODEL_DEEP)
        return CC_MODEL_DEEP;
    path[n] = s;
    for (j = 0; j < s->nmembers; j++)
        if ((k = shape_depth(s->members[j].shape, path, n + 1)) > d)
            d = k;
    if ((k = shape_depth(s->member, path, n + 1)) > d)
        d = k;
    if ((k = shape_depth(s->value, path, n + 1)) > d)
        d = k;
    return d + 1 > CC_MODEL_DEEP ? CC_MODEL_DEEP : d + 1;
}

/* rest-json, named by "protocol" or listed in "protocols". */
static int check_protocol(const cJSON *meta, cc_err_t *err)
{
    const char *p = json_str(meta, "protocol");
    const cJSON *it;
    if (p && strcmp(p, "rest-json") == 0)
        return CC_OK;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(meta, "protocols")) {
        if (cJSON_IsString(it) && strcmp(it->valuestring, "rest-json") == 0)
            return CC_OK;
    }
    return cc_err_set(err, CC_E_MODEL, "model: the service's protocol is \"%s\"; this client implements rest-json",
                      p ? p : "(none)");
}

cc_model_t *cc_model_compile(const char *json, cc_err_t *err)
{
    return cc_model_compile_with(json, NULL, err);
}

/* Moves the "pagination" object of paginators-1.json text into the model
 * root as "paginators". */
static int attach_paginators(cJSON *root, const char *text, cc_err_t *err)
{
    cJSON *pj = cJSON_Parse(text), *pag;
    if (pj == NULL)
        return cc_err_set(err, CC_E_MODEL, "model: the paginators are not valid JSON");
    if ((pag = cJSON_DetachItemFromObjectCaseSensitive(pj, "pagination")) != NULL) {
        cJSON_DeleteItemFromObjectCaseSensitive(root, "paginators");
        cJSON_AddItemToObject(root, "paginators", pag);
    }
    cJSON_Delete(pj);
    return CC_OK;
}

cc_model_t *cc_model_compile_with(const char *json, const char *paginators_json, cc_err_t *err)
{
    cc_model_t *m = cc_calloc(1, sizeof *m);
    const cJSON *shapes, *ops, *meta, *pag, *it;
    size_t i;
    if (m == NULL) {
        cc_err_set(err, CC_E_NOMEM, "out of memory compiling the model");
        return NULL;
    }
    m->root = cJSON_Parse(json);
    if (m->root == NULL) {
        cc_err_set(err, CC_E_MODEL, "model: not valid JSON");
        goto fail;
    }
    if (check_protocol(cJSON_GetObjectItemCaseSensitive(m->root, "metadata"), err) != CC_OK)
        goto fail;
    if (paginators_json && attach_paginators(m->root, paginators_json, err) != CC_OK)
        goto fail;
    shapes = cJSON_GetObjectItemCaseSensitive(m->root, "shapes");
    ops = cJSON_GetObjectItemCaseSensitive(m->root, "operations");
    meta = cJSON_GetObjectItemCaseSensitive(m->root, "metadata");
    pag = cJSON_GetObjectItemCaseSensitive(m->root, "paginators");
    m->nshapes = (size_t)cJSON_GetArraySize(shapes);
    m->nops = (size_t)cJSON_GetArraySize(ops);
    m->shapes = cc_calloc(m->nshapes ? m->nshapes : 1, sizeof *m->shapes);
    m->ops = cc_calloc(m->nops ? m->nops : 1, sizeof *m->ops);
    if (m->shapes == NULL || m->ops == NULL) {
        cc_err_set(err, CC_E_NOMEM, "out of memory compiling the model");
        goto fail;
    }
    i = 0;
    cJSON_ArrayForEach(it, shapes) m->shapes[i++].name = it->string;
    qsort(m->shapes, m->nshapes, sizeof *m->shapes, shape_cmp);
    cJSON_ArrayForEach(it, shapes) {
        cc_shape_t *s = (cc_shape_t *)cc_model_find_shape(m, it->string);
        if (compile_shape(m, s, it, err) != CC_OK)
            goto fail;
    }
    inherit_formats(m);
    i = 0;
    cJSON_ArrayForEach(it, ops) {
        if (compile_operation(m, &m->ops[i++], it, pag, err) != CC_OK)
            goto fail;
    }
    qsort(m->ops, m->nops, sizeof *m->ops, op_cmp);
    m->api_version = json_str(meta, "apiVersion");
    m->endpoint_prefix = json_str(meta, "endpointPrefix");
    m->signing_name = json_str(meta, "signingName");
    m->service_id = json_str(meta, "serviceId");
    if (m->signing_name == NULL)
        m->signing_name = m->endpoint_prefix;
    for (i = 0; i < m->nops; i++) {
        const cc_shape_t *path[CC_MODEL_DEEP];
        int d = shape_depth(m->ops[i].input, path, 0);
        if (d > m->max_depth)
            m->max_depth = d;
    }
    return m;
fail:
    cc_model_free(m);
    return NULL;
}

const cc_operation_t *cc_model_find_op(const cc_model_t *m, const char *name)
{
    size_t i;
    /* the first byte first: "CreateCampaign" and "create_campaign" differ in
     * case there, so most operations are passed over without a strcmp */
    for (i = 0; i < m->nops; i++) {
        const cc_operation_t *op = &m->ops[i];
        if ((op->name[0] == name[0] && strcmp(op->name, name) == 0) ||
            (op->snake[0] == name[0] && strcmp(op->snake, name) == 0))
            return op;
    }
    return NULL;
}

const cc_shape_t *cc_model_find_error(const cc_model_t *m, const char *code)
{
    const cc_shape_t *s = cc_model_find_shape(m, code);
    return s && s->is_error ? s : NULL;
}

/* Whether n bytes at a and b are the same: a member's name is a few words,
 * compared inline where a call to memcmp, once per key of every table a
 * request holds, was 4% of a create_campaign. */
static int same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    while (n >= 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return 0;
        a += 8;
        b += 8;
        n -= 8;
    }
    while (n > 0 && *a == *b) {
        a++;
        b++;
        n--;
    }
    return n == 0;
}

const cc_member_t *cc_shape_find_member(const cc_shape_t *s, const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < s->nmembers; i++)
        if (s->members[i].name_len == len && same_bytes(s->members[i].name, name, len))
            return &s->members[i];
    return NULL;
}

const cc_member_t *cc_shape_wire_member(const cc_shape_t *s, cc_location_t loc, const char *wire, size_t len)
{
    size_t h, i;
    if (s == NULL || s->wire_slots == NULL)
        return NULL;
    for (h = wire_hash(wire, len) & s->wire_mask; (i = s->wire_slots[h]) != 0; h = (h + 1) & s->wire_mask) {
        const cc_member_t *mem = &s->members[i - 1];
        if (mem->wire_len == len && mem->location == loc && same_bytes(mem->wire_name, wire, len))
            return mem;
    }
    return NULL;
}

void cc_snake_case(const char *in, char *out, size_t outsz)
{
    size_t o = 0, i;
    for (i = 0; in[i] && o + 2 < outsz; i++) {
        char c = in[i];
        int upper = c >= 'A' && c <= 'Z';
        if (upper && i > 0) {
            char prev = in[i - 1], next = in[i + 1];
            int prev_lower = (prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9');
            int next_lower = next >= 'a' && next <= 'z';
            int prev_upper = prev >= 'A' && prev <= 'Z';
            if (prev_lower || (prev_upper && next_lower))
                out[o++] = '_';
        }
        out[o++] = upper ? (char)(c - 'A' + 'a') : c;
    }
    out[o] = '\0';
}

/* {====== The process-wide model ====== */
static pthread_once_t model_once = PTHREAD_ONCE_INIT;
static cc_model_t *model_shared;
static cc_err_t model_err;

static void model_build(void)
{
    model_shared = cc_model_compile(cc_model_json, &model_err);
}

/* Runs when the library is unloaded for the last time (lua_close of the last
 * state that required it, or process exit): no state uses the model then. */
#if defined(__GNUC__)
__attribute__((destructor)) static void model_release(void)
{
    cc_model_free(model_shared);
    model_shared = NULL;
}
#endif

const cc_model_t *cc_model_get(cc_err_t *err)
{
    pthread_once(&model_once, model_build);
    if (model_shared == NULL && err)
        *err = model_err;
    return model_shared;
}
/* }====== */

/* {====== The model as values ====== */
static int emit_json(const cJSON *j, const cc_sink_t *sink)
{
    const cJSON *it;
    size_t i = 0;
    int rc = CC_OK;
    if (cJSON_IsString(j))
        return sink->string(sink->ctx, j->valuestring, strlen(j->valuestring));
    if (cJSON_IsBool(j))
        return sink->boolean(sink->ctx, cJSON_IsTrue(j));
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        if (d == (double)(long long)d)
            return sink->integer(sink->ctx, (long long)d);
        return sink->number(sink->ctx, d);
    }
    if ((rc = sink->table(sink->ctx, cJSON_IsArray(j) ? (size_t)cJSON_GetArraySize(j) : 0,
                          cJSON_IsObject(j) ? (size_t)cJSON_GetArraySize(j) : 0)) != CC_OK)
        return rc;
    cJSON_ArrayForEach(it, j) {
        i++;
        if (cJSON_IsNull(it))
            continue;
        if ((rc = emit_json(it, sink)) != CC_OK)
            return rc;
        rc = cJSON_IsArray(j) ? sink->index(sink->ctx, i) : sink->key(sink->ctx, it->string, strlen(it->string));
        if (rc != CC_OK)
            return rc;
    }
    return CC_OK;
}

int cc_model_emit(const cc_model_t *m, const cc_sink_t *sink)
{
    return emit_json(m->root, sink);
}
/* }====== */
