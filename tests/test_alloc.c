/* The Nth allocation fails, for every N, while the seed operations are
 * built, signed and their answers parsed: each run must end in CC_E_NOMEM or
 * success, and (under ASan or valgrind) free everything it took. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../csrc/alloc.h"
#include "../csrc/json.h"
#include "../csrc/model.h"
#include "../csrc/shape.h"
#include "../csrc/sigv4.h"
#include "check.h"

static long alloc_count, fail_at;

static int gate(void)
{
    return ++alloc_count != fail_at;
}

typedef struct {
    const char *op;
    const char *params;
    const char *answer;
} seed_t;

static const seed_t SEEDS[] = {
    {"describe_campaign", "{\"id\": \"c1\"}", NULL /* the fixture */},
    {"create_campaign",
     "{\"name\": \"n\", \"connectInstanceId\": \"i\", \"channelSubtypeConfig\": {"
     "\"telephony\": {\"capacity\": 0.5, \"outboundMode\": {\"predictive\": {\"bandwidthAllocation\": 1}},"
     " \"defaultOutboundConfig\": {\"connectContactFlowId\": \"f\", \"connectSourcePhoneNumber\": \"+15550100\","
     " \"answerMachineDetectionConfig\": {\"enableAnswerMachineDetection\": true, \"awaitAnswerMachinePrompt\": true}}},"
     " \"sms\": {\"capacity\": 1, \"outboundMode\": {\"agentless\": {}}, \"defaultOutboundConfig\": {"
     "\"connectSourcePhoneNumberArn\": \"arn:aws:connect:us-east-1:1:phone-number/p\", \"wisdomTemplateArn\": \"arn:aws:wisdom:us-east-1:1:template/t\"}},"
     " \"email\": {\"outboundMode\": {\"agentless\": {}}, \"defaultOutboundConfig\": {\"connectSourceEmailAddress\": \"a@b.c\","
     " \"sourceEmailAddressDisplayName\": \"A\", \"wisdomTemplateArn\": \"arn:aws:wisdom:us-east-1:1:template/t\"}}},"
     " \"tags\": {\"team\": \"growth\", \"env\": \"prod\"}}",
     "{\"id\": \"c1\", \"arn\": \"arn:aws:connect-campaigns:us-east-1:1:campaign/c1\", \"tags\": {\"team\": \"growth\"}}"},
    {"update_campaign_communication_time",
     "{\"id\": \"c1\", \"communicationTimeConfig\": {\"localTimeZoneConfig\": {\"defaultTimeZone\": \"UTC\","
     " \"localTimeZoneDetection\": [\"ZIP_CODE\", \"AREA_CODE\"]}, \"telephony\": {\"openHours\": {\"dailyHours\": {"
     "\"MONDAY\": [{\"startTime\": \"09:00\", \"endTime\": \"17:00\"}]}}}}}",
     "{}"},
    {"update_campaign_communication_limits",
     "{\"id\": \"c1\", \"communicationLimitsOverride\": {\"allChannelSubtypes\": {\"communicationLimitsList\": ["
     "{\"maxCountPerRecipient\": 3, \"frequency\": 1, \"unit\": \"DAY\"}]}, \"instanceLimitsHandling\": \"OPT_IN\"}}",
     "{}"},
    {"put_instance_communication_limits",
     "{\"connectInstanceId\": \"i\", \"communicationLimitsConfig\": {\"allChannelSubtypes\": {\"communicationLimitsList\": ["
     "{\"maxCountPerRecipient\": 5, \"frequency\": 7, \"unit\": \"DAY\"}]}}}",
     "{}"},
};

static char *describe_answer;

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(f);
    return s;
}

/* One seed, end to end; the first code that is not CC_OK. */
static int run_seed(const cc_model_t *m, const seed_t *seed)
{
    const cc_operation_t *op = cc_model_find_op(m, seed->op);
    const char *answer = seed->answer ? seed->answer : describe_answer;
    cc_arena_t a;
    cc_value_t params, out;
    cc_request_parts_t parts;
    cc_service_error_t se;
    cc_signer_t *signer = NULL;
    cc_buf_t authz;
    cc_err_t err;
    cc_header_t headers[3] = {{"Host", 4, "x.example", 9}, {"X-Amz-Date", 10, "20260301T090000Z", 16},
                              {"Content-Type", 12, "application/json", 16}};
    cc_credentials_t creds = {"AKID", "secret", "token"};
    int rc;
    cc_arena_init(&a);
    cc_request_parts_init(&parts);
    cc_buf_init(&authz);
    rc = cc_json_decode(seed->params, strlen(seed->params), &a, &params, &err);
    if (rc == CC_OK)
        rc = cc_serialize_request(op, &params, &parts, &err);
    if (rc == CC_OK && (signer = cc_signer_new(&err)) == NULL)
        rc = err.code;
    if (rc == CC_OK) {
        cc_sigv4_request_t req = {op->method, cc_buf_cstr(&parts.path), parts.path.len, cc_buf_cstr(&parts.query),
                                  parts.query.len, headers, 3, cc_buf_cstr(&parts.body), parts.body.len};
        rc = cc_signer_sign(signer, &req, &creds, "us-east-1", "connect-campaigns", "20260301T090000Z", &authz,
                            NULL, NULL, &err);
    }
    if (rc == CC_OK)
        rc = cc_parse_response(m, op, 200, answer, strlen(answer), NULL, &a, &out, &se, &err);
    if (rc == CC_OK) { /* and an error answer, whose body may be lost to memory but not the code */
        static const char body[] = "{\"message\": \"m\", \"state\": \"Paused\"}";
        rc = cc_parse_response(m, op, 409, body, strlen(body), "InvalidCampaignStateException", &a, &out, &se, &err);
        if (rc == CC_E_SERVICE)
            rc = CC_OK;
    }
    cc_signer_free(signer);
    cc_buf_free(&authz);
    cc_request_parts_free(&parts);
    cc_arena_free(&a);
    return rc;
}

/* An input with many problems: the report is built, or MemoryError. */
static int run_invalid(const cc_model_t *m, size_t *problems)
{
    static const char params[] = "{\"Name\": \"x\", \"connect_instance_id\": 1, \"tags\": {\"k\": 5},"
                                 " \"channelSubtypeConfig\": {\"sms\": {\"capacity\": 0, \"outboundMode\": {}}}}";
    cc_arena_t a;
    cc_value_t v;
    cc_request_parts_t parts;
    cc_err_t err;
    int rc;
    cc_arena_init(&a);
    cc_request_parts_init(&parts);
    rc = cc_json_decode(params, strlen(params), &a, &v, &err);
    if (rc == CC_OK)
        rc = cc_serialize_request(cc_model_find_op(m, "CreateCampaign"), &v, &parts, &err);
    *problems = parts.problems.n;
    cc_request_parts_free(&parts);
    cc_arena_free(&a);
    return rc;
}

int main(void)
{
    cc_err_t err;
    const cc_model_t *m = cc_model_get(&err);
    size_t i;
    if (m == NULL || (describe_answer = read_all("spec/fixtures/responses/describe_campaign.json")) == NULL) {
        fprintf(stderr, "alloc: no model or fixture\n");
        return 1;
    }
    for (i = 0; i < sizeof SEEDS / sizeof SEEDS[0]; i++) {
        long runs = 0, bad = 0, nomem = 0;
        int rc;
        cc_alloc_set_gate(gate);
        for (fail_at = 1;; fail_at++) {
            alloc_count = 0;
            rc = run_seed(m, &SEEDS[i]);
            runs++;
            if (alloc_count < fail_at) /* nothing failed: the whole path ran */
                break;
            if (rc == CC_E_NOMEM)
                nomem++;
            else if (rc != CC_OK) { /* a failed allocation may be absorbed, never turned into another error */
                bad++;
                fprintf(stderr, "alloc: %s, allocation %ld failed: code %d\n", SEEDS[i].op, fail_at, rc);
            }
        }
        cc_alloc_set_gate(NULL);
        CHECK(rc == CC_OK, SEEDS[i].op);
        CHECK(bad == 0, "every failed allocation ends in MemoryError or success");
        CHECK(nomem > 0 && runs > 5, "allocations were made to fail");
    }
    {
        long bad = 0;
        size_t n = 0;
        int rc;
        cc_alloc_set_gate(gate);
        for (fail_at = 1;; fail_at++) {
            alloc_count = 0;
            rc = run_invalid(m, &n);
            if (alloc_count < fail_at)
                break;
            if (rc != CC_E_NOMEM && rc != CC_E_PARAM)
                bad++;
        }
        cc_alloc_set_gate(NULL);
        CHECK(rc == CC_E_PARAM && n == 8, "every problem of an invalid input reported");
        CHECK(bad == 0 && fail_at > 3, "a report short of memory is MemoryError, never another error");
    }
    free(describe_answer);
    return CHECK_DONE("alloc");
}
