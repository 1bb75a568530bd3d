/* Unit tests of the shape engine, JSON, timestamps and URI encoding, on the
 * real embedded model, without Lua. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../csrc/codec.h"
#include "../csrc/json.h"
#include "../csrc/model.h"
#include "../csrc/shape.h"
#include "../csrc/timestamp.h"
#include "../csrc/uuid.h"
#include "check.h"

static const cc_model_t *model;

/* Input tree from JSON text (integers stay integers). */
static cc_value_t from_json(cc_arena_t *a, const char *text)
{
    cc_value_t v;
    cc_err_t err;
    if (cc_json_decode(text, strlen(text), a, &v, &err) != CC_OK) {
        fprintf(stderr, "bad test JSON: %s\n", text);
        exit(2);
    }
    return v;
}

/* Serializes op with params JSON; returns the error message or "" and fills parts. */
static const char *build(const char *op, const char *params, cc_request_parts_t *parts)
{
    static cc_err_t err;
    cc_arena_t a;
    cc_value_t v;
    int rc;
    cc_arena_init(&a);
    v = from_json(&a, params);
    cc_request_parts_free(parts);
    cc_request_parts_init(parts);
    rc = cc_serialize_request(cc_model_find_op(model, op), &v, parts, &err);
    cc_arena_free(&a);
    return rc == CC_OK ? "" : err.msg;
}

static void test_requests(void)
{
    cc_request_parts_t p;
    cc_request_parts_init(&p);

    CHECK_STR(build("describe_campaign", "{\"id\":\"arn:aws:x/y\"}", &p), "", "describe builds");
    CHECK_STR(cc_buf_cstr(&p.path), "/v2/campaigns/arn%3Aaws%3Ax%2Fy", "label: only unreserved kept, upper-case hex");
    CHECK(!p.has_body, "GET without body members sends no body");

    CHECK_STR(build("untag_resource", "{\"arn\":\"arn:aws:connect-campaigns:us-east-1:1:campaign/c\",\"tagKeys\":[\"a\",\"b c\",\"d~e\"]}", &p), "", "untag builds");
    CHECK_STR(cc_buf_cstr(&p.query), "tagKeys=a&tagKeys=b%20c&tagKeys=d~e", "list query repeats its key");

    CHECK_STR(build("list_campaigns", "{}", &p), "", "list builds");
    CHECK_STR(cc_buf_cstr(&p.body), "{}", "body members, none set: {}");
    CHECK(p.has_body, "list_campaigns has a body");

    CHECK_STR(build("update_campaign_communication_limits",
                    "{\"id\":\"c1\",\"communicationLimitsOverride\":{\"allChannelSubtypes\":{\"communicationLimitsList\":[]},\"instanceLimitsHandling\":\"OPT_OUT\"}}", &p), "", "limits build");
    CHECK_STR(cc_buf_cstr(&p.body), "{\"communicationLimitsOverride\": {\"allChannelSubtypes\": {\"communicationLimitsList\": []}, \"instanceLimitsHandling\": \"OPT_OUT\"}}",
              "empty list is [], uri member not in body");

    CHECK_STR(build("create_campaign",
                    "{\"tags\":{\"z\":\"1\",\"a\":\"2\"},\"connectInstanceId\":\"i\",\"name\":\"n\\u00e9\\ud83d\\ude00\\\"\\n\","
                    "\"channelSubtypeConfig\":{\"telephony\":{\"capacity\":1,\"outboundMode\":{\"agentless\":{}},"
                    "\"defaultOutboundConfig\":{\"connectContactFlowId\":\"f\",\"answerMachineDetectionConfig\":{\"enableAnswerMachineDetection\":false}}}}}", &p), "", "create builds");
    CHECK_STR(cc_buf_cstr(&p.body),
              "{\"name\": \"n\\u00e9\\ud83d\\ude00\\\"\\n\", \"connectInstanceId\": \"i\", \"channelSubtypeConfig\": {\"telephony\": {\"capacity\": 1, "
              "\"outboundMode\": {\"agentless\": {}}, \"defaultOutboundConfig\": {\"connectContactFlowId\": \"f\", "
              "\"answerMachineDetectionConfig\": {\"enableAnswerMachineDetection\": false}}}}, \"tags\": {\"a\": \"2\", \"z\": \"1\"}}",
              "model order, sorted map keys, false kept, empty structure {}, Python escapes");

    CHECK_STR(build("update_campaign_schedule",
                    "{\"id\":\"c\",\"schedule\":{\"startTime\":\"2024-03-01T10:00:00+05:30\",\"endTime\":1709300000}}", &p), "", "schedule builds");
    CHECK_STR(cc_buf_cstr(&p.body), "{\"schedule\": {\"startTime\": \"2024-03-01T04:30:00Z\", \"endTime\": \"2024-03-01T13:33:20Z\"}}",
              "timestamps sent as UTC ISO-8601");

    CHECK_STR(build("delete_campaign_communication_time", "{\"id\":\"c\",\"config\":\"TELEPHONY\"}", &p), "", "query scalar");
    CHECK_STR(cc_buf_cstr(&p.query), "config=TELEPHONY", "query scalar written");
    cc_request_parts_free(&p);
}

static void test_validation(void)
{
    cc_request_parts_t p;
    cc_arena_t a;
    cc_value_t v;
    cc_err_t err;
    cc_request_parts_init(&p);
#define REJECTS(op, params, msg) CHECK_STR(build(op, params, &p), msg, msg)
    REJECTS("create_campaign", "{\"name\":\"n\"}", "Missing required parameter in input: \"connectInstanceId\"");
    REJECTS("create_campaign", "{\"name\":\"n\",\"connectInstanceId\":\"i\",\"zeta\":1,\"alpha\":2}",
            "Unknown parameter in input: \"alpha\", must be one of: name, connectInstanceId, channelSubtypeConfig, type, source, "
            "connectCampaignFlowArn, schedule, entryLimitsConfig, communicationTimeConfig, communicationLimitsOverride, tags");
    REJECTS("create_campaign", "{\"name\":5,\"connectInstanceId\":\"i\"}",
            "Invalid type for parameter name, type: integer, valid types: string");
    REJECTS("create_campaign", "{\"name\":\"\",\"connectInstanceId\":\"i\"}",
            "Invalid length for parameter name, value: 0, valid min length: 1");
    REJECTS("update_campaign_communication_limits",
            "{\"id\":\"c\",\"communicationLimitsOverride\":{\"allChannelSubtypes\":{\"communicationLimitsList\":[{\"maxCountPerRecipient\":1,\"frequency\":1,\"unit\":\"DAY\"},{\"maxCountPerRecipient\":1,\"frequency\":1.5,\"unit\":\"DAY\"}]}}}",
            "Invalid type for parameter communicationLimitsOverride.allChannelSubtypes.communicationLimitsList[2].frequency, type: number (not integral), valid types: integer");
    REJECTS("update_campaign_communication_limits",
            "{\"id\":\"c\",\"communicationLimitsOverride\":{\"allChannelSubtypes\":{\"communicationLimitsList\":[{\"maxCountPerRecipient\":1,\"frequency\":0,\"unit\":\"DAY\"}]}}}",
            "Invalid value for parameter communicationLimitsOverride.allChannelSubtypes.communicationLimitsList[1].frequency, value: 0, valid min value: 1");
    REJECTS("create_campaign",
            "{\"name\":\"n\",\"connectInstanceId\":\"i\",\"channelSubtypeConfig\":{\"telephony\":{\"outboundMode\":{\"agentless\":{},\"predictive\":{\"bandwidthAllocation\":1}},\"defaultOutboundConfig\":{\"connectContactFlowId\":\"f\"}}}}",
            "Invalid number of parameters set for tagged union structure channelSubtypeConfig.telephony.outboundMode. Can only set one of the following keys: progressive, predictive, agentless, preview.");
    REJECTS("create_campaign",
            "{\"name\":\"n\",\"connectInstanceId\":\"i\",\"channelSubtypeConfig\":{\"telephony\":{\"outboundMode\":{},\"defaultOutboundConfig\":{\"connectContactFlowId\":\"f\"}}}}",
            "Must set one of the following keys for tagged union structure channelSubtypeConfig.telephony.outboundMode: progressive, predictive, agentless, preview.");
    REJECTS("create_campaign",
            "{\"name\":\"n\",\"connectInstanceId\":\"i\",\"channelSubtypeConfig\":{\"sms\":{\"capacity\":0,\"outboundMode\":{\"agentless\":{}},\"defaultOutboundConfig\":{\"connectSourcePhoneNumberArn\":\"a\",\"wisdomTemplateArn\":\"w\"}}}}",
            "Invalid value for parameter channelSubtypeConfig.sms.capacity, value: 0, valid min value: 0.01");
    REJECTS("create_campaign", "{\"name\":\"n\",\"connectInstanceId\":\"i\",\"schedule\":{\"startTime\":\"yesterday\",\"endTime\":1}}",
            "Invalid type for parameter schedule.startTime, type: string (not a date and time), valid types: number (epoch seconds), string (ISO-8601 such as 2026-03-01T09:00:00Z, 20260301T090000Z or 2026-03-01; RFC 822 such as Sun, 01 Mar 2026 09:00:00 GMT; epoch seconds such as 1772355600)");
    REJECTS("create_campaign", "{\"name\":\"n\",\"connectInstanceId\":\"i\",\"tags\":[\"x\"]}",
            "Invalid type for a key of parameter tags, type: integer, valid types: string");
    REJECTS("untag_resource", "{\"arn\":\"arn:aws:connect-campaigns:us-east-1:1:campaign/c\",\"tagKeys\":{\"a\":\"b\"}}",
            "Invalid type for parameter tagKeys, type: table (not a sequence), valid types: table (a sequence)");
    REJECTS("describe_campaign", "{\"id\":true}", "Invalid type for parameter id, type: boolean, valid types: string");

    /* hand-made trees for what JSON cannot say: 3.0, bad UTF-8, functions */
    cc_arena_init(&a);
    v = from_json(&a, "{\"id\":\"c\",\"communicationLimitsOverride\":{\"allChannelSubtypes\":{\"communicationLimitsList\":[{\"maxCountPerRecipient\":2,\"frequency\":1,\"unit\":\"DAY\"}]}}}");
    {
        cc_value_t *lim = (cc_value_t *)cc_value_field(cc_value_field(cc_value_field(cc_value_field(&v,
            "communicationLimitsOverride"), "allChannelSubtypes"), "communicationLimitsList"), "x");
        const cc_value_t *list = cc_value_field(cc_value_field(cc_value_field(&v, "communicationLimitsOverride"), "allChannelSubtypes"), "communicationLimitsList");
        cc_value_t *freq = (cc_value_t *)cc_value_field(&list->u.tab.items[0].val, "frequency");
        (void)lim;
        freq->kind = CC_V_NUM;
        freq->u.n = 3.0;
        CHECK(cc_serialize_request(cc_model_find_op(model, "UpdateCampaignCommunicationLimits"), &v, &p, &err) == CC_OK,
              "3.0 is an integer");
        CHECK(strstr(cc_buf_cstr(&p.body), "\"frequency\": 3,") != NULL, "3.0 is sent as 3");
    }
    v = from_json(&a, "{\"id\":\"x\"}");
    ((cc_value_t *)cc_value_field(&v, "id"))->u.str.s = "\xff\xfe";
    ((cc_value_t *)cc_value_field(&v, "id"))->u.str.len = 2;
    CHECK(cc_validate_input(cc_model_find_op(model, "DescribeCampaign")->input, &v, &err) == CC_E_PARAM, "bad UTF-8 refused");
    CHECK_STR(err.msg, "Invalid value for parameter id: not valid UTF-8", "bad UTF-8 named");
    ((cc_value_t *)cc_value_field(&v, "id"))->kind = CC_V_OTHER;
    ((cc_value_t *)cc_value_field(&v, "id"))->u.other = "function";
    cc_validate_input(cc_model_find_op(model, "DescribeCampaign")->input, &v, &err);
    CHECK_STR(err.msg, "Invalid type for parameter id, type: function, valid types: string", "function refused");
    cc_arena_free(&a);
    cc_request_parts_free(&p);
}

static void test_responses(void)
{
    cc_arena_t a;
    cc_value_t out;
    cc_service_error_t se;
    cc_err_t err;
    const cc_operation_t *describe = cc_model_find_op(model, "DescribeCampaign");
    const char *body =
        "{\"campaign\":{\"id\":\"c\",\"arn\":\"a\",\"name\":\"n\",\"connectInstanceId\":\"i\",\"unknownTop\":1,\"type\":null,"
        "\"schedule\":{\"startTime\":\"2024-01-01T00:00:00.250Z\",\"endTime\":1704067200},"
        "\"channelSubtypeConfig\":{\"sms\":{\"capacity\":1,\"outboundMode\":{\"futureMode\":{}},"
        "\"defaultOutboundConfig\":{\"connectSourcePhoneNumberArn\":\"p\",\"wisdomTemplateArn\":\"w\"}}}}}";
    const cc_value_t *c, *sched, *sms, *mode;
    cc_arena_init(&a);
    CHECK(cc_parse_response(model, describe, 200, body, strlen(body), NULL, &a, &out, &se, &err) == CC_OK, "parse ok");
    c = cc_value_field(&out, "campaign");
    CHECK(c && cc_value_field(c, "unknownTop") == NULL, "unknown member dropped");
    CHECK(c && cc_value_field(c, "type") == NULL, "null is absent");
    sched = cc_value_field(c, "schedule");
    CHECK(sched && cc_value_field(sched, "startTime")->kind == CC_V_NUM &&
          fabs(cc_value_field(sched, "startTime")->u.n - 1704067200.25) < 1e-6, "timestamp string to epoch, fraction kept");
    CHECK(sched && cc_value_field(sched, "endTime")->kind == CC_V_INT && cc_value_field(sched, "endTime")->u.i == 1704067200,
          "epoch timestamp kept");
    sms = cc_value_field(cc_value_field(c, "channelSubtypeConfig"), "sms");
    CHECK(sms && cc_value_field(sms, "capacity")->kind == CC_V_NUM, "double shape gives a float");
    mode = cc_value_field(cc_value_field(sms, "outboundMode"), "SDK_UNKNOWN_MEMBER");
    CHECK(mode && cc_value_field(mode, "name") && strncmp(cc_value_field(mode, "name")->u.str.s, "futureMode", 10) == 0,
          "unknown union member becomes SDK_UNKNOWN_MEMBER");

    CHECK(cc_parse_response(model, describe, 200, "{not json", 9, NULL, &a, &out, &se, &err) == CC_E_PARSE, "malformed 2xx");
    CHECK(cc_parse_response(model, describe, 200, "[1]", 3, NULL, &a, &out, &se, &err) == CC_E_PARSE, "2xx array refused");
    CHECK(cc_parse_response(model, cc_model_find_op(model, "DeleteCampaign"), 200, "", 0, NULL, &a, &out, &se, &err) == CC_OK &&
          out.kind == CC_V_TABLE && out.u.tab.n == 0, "no output: empty table");

#define ERR_CASE(hdr, b, want_code, want_msg)                                                         \
    CHECK(cc_parse_response(model, describe, 400, b, strlen(b), hdr, &a, &out, &se, &err) == CC_E_SERVICE, want_code); \
    CHECK_STR(se.code, want_code, "code " want_code);                                                 \
    CHECK_STR(se.message, want_msg, "message of " want_code)
    ERR_CASE("ValidationException:http://internal.amazon.com/coral/", "{\"message\":\"m1\"}", "ValidationException", "m1");
    ERR_CASE(NULL, "{\"code\":\"ConflictException\",\"Message\":\"m2\"}", "ConflictException", "m2");
    ERR_CASE(NULL, "{\"__type\":\"com.amazon.coral#ResourceNotFoundException:extra\",\"message\":\"m3\"}", "ResourceNotFoundException", "m3");
    ERR_CASE(NULL, "<html>", "400", "Bad Request");
    CHECK(cc_parse_response(model, describe, 409, "{\"message\":\"m\",\"state\":\"Paused\"}", 32, "InvalidCampaignStateException", &a, &out, &se, &err) == CC_E_SERVICE,
          "state error");
    CHECK(se.shape && se.shape->http_status == 409, "error shape found");
    CHECK(cc_value_field(&se.fields, "state") && strcmp(cc_value_field(&se.fields, "state")->u.str.s, "Paused") == 0,
          "modeled error member parsed");
    cc_arena_free(&a);
}

/* Strings are scanned 8 bytes at a time: a special byte at every offset of
 * a word must still be seen (an escape decoded, a control byte refused). */
static void test_string_scan(void)
{
    static const char *special[] = {"\\n", "\\\"", "\xc3\xa9", "\x01"};
    static const char *decoded[] = {"\n", "\"", "\xc3\xa9", NULL};
    size_t k, i;
    int ok = 1;
    for (k = 0; k < 20; k++) {
        for (i = 0; i < 4; i++) {
            char text[64], want[64];
            cc_arena_t a;
            cc_value_t v;
            cc_err_t err;
            int rc;
            snprintf(text, sizeof text, "\"%.*s%sxy\"", (int)k, "abcdefghijklmnopqrstuvwxyz", special[i]);
            cc_arena_init(&a);
            rc = cc_json_decode(text, strlen(text), &a, &v, &err);
            if (decoded[i] == NULL) {
                ok &= rc == CC_E_PARSE;
            } else {
                snprintf(want, sizeof want, "%.*s%sxy", (int)k, "abcdefghijklmnopqrstuvwxyz", decoded[i]);
                ok &= rc == CC_OK && v.kind == CC_V_STR && v.u.str.len == strlen(want) && memcmp(v.u.str.s, want, v.u.str.len) == 0;
            }
            cc_arena_free(&a);
        }
    }
    CHECK(ok, "special bytes found at every offset of the 8-byte scan");

    /* the writer's scan too: the byte to escape, at every offset */
    {
        static const char *raw[] = {"\"", "\\", "\x01", "\x7f", "\xc3\xa9"};
        static const char *escaped[] = {"\\\"", "\\\\", "\\u0001", "\\u007f", "\\u00e9"};
        static const char *after[] = {"xyz", ""}; /* in a whole word, or in the last few bytes */
        size_t e;
        ok = 1;
        for (k = 0; k < 20; k++) {
            for (i = 0; i < 5; i++) {
                for (e = 0; e < 2; e++) {
                    char text[64], want[64];
                    cc_buf_t b;
                    cc_buf_init(&b);
                    snprintf(text, sizeof text, "%.*s%s%s", (int)k, "abcdefghijklmnopqrstuvwxyz", raw[i], after[e]);
                    snprintf(want, sizeof want, "\"%.*s%s%s\"", (int)k, "abcdefghijklmnopqrstuvwxyz", escaped[i],
                             after[e]);
                    cc_json_put_string(&b, text, strlen(text));
                    ok &= strcmp(cc_buf_cstr(&b), want) == 0;
                    cc_buf_free(&b);
                }
            }
        }
        CHECK(ok, "bytes to escape found at every offset of the writer's 8-byte scan");
    }

    /* UTF-8 checking reads eight bytes at a time too, and the last few as one
     * word: a bad byte, or a character's length, at every offset */
    {
        static const char *mid[] = {"\xff", "\xc3", "\xc3\xa9", "\xe2\x82\xac", "\xed\xa0\x80"};
        static const int valid[] = {0, 0, 1, 1, 0};
        static const char *after[] = {"xyz", ""};
        size_t e, chars;
        ok = 1;
        for (k = 0; k < 20; k++) {
            for (i = 0; i < 5; i++) {
                for (e = 0; e < 2; e++) {
                    char text[64];
                    int got;
                    snprintf(text, sizeof text, "%.*s%s%s", (int)k, "abcdefghijklmnopqrstuvwxyz", mid[i], after[e]);
                    got = cc_utf8_valid(text, strlen(text), &chars);
                    ok &= got == valid[i] && (!got || chars == k + 1 + strlen(after[e]));
                }
            }
            ok &= cc_utf8_valid("abcdefghijklmnopqrstuvwxyz", k, &chars) && chars == k;
        }
        CHECK(ok, "bad UTF-8 found, and characters counted, at every offset of the 8-byte scan");
    }
}

static void test_json_and_time(void)
{
    cc_buf_t b;
    char out[32];
    double t;
    cc_buf_init(&b);
    cc_json_put_double(&b, 0.1);
    cc_buf_putc(&b, ' ');
    cc_json_put_double(&b, 2.0);
    cc_buf_putc(&b, ' ');
    cc_json_put_double(&b, 1e-7);
    cc_buf_putc(&b, ' ');
    cc_json_put_double(&b, 123456.789);
    CHECK_STR(cc_buf_cstr(&b), "0.1 2.0 1e-07 123456.789", "doubles as Python's repr");
    cc_buf_reset(&b);
    cc_json_put_string(&b, "a\x01\x7f/\t\xe2\x82\xac", 8);
    CHECK_STR(cc_buf_cstr(&b), "\"a\\u0001\\u007f/\\t\\u20ac\"", "string escapes as json.dumps");
    cc_buf_free(&b);

    CHECK(cc_ts_parse_iso8601("2024-02-29T23:59:60Z", 20, &t) && t == 1709251200.0, "leap second and leap day");
    CHECK(cc_ts_parse_iso8601("2024-01-01", 10, &t) && t == 1704067200.0, "date only is midnight UTC");
    CHECK(cc_ts_parse_iso8601("2024-01-01T01:00:00-0130", 24, &t) && t == 1704067200.0 + 9000, "offset without colon");
    CHECK(!cc_ts_parse_iso8601("2023-02-29T00:00:00Z", 20, &t), "no Feb 29 in 2023");
    CHECK(!cc_ts_parse_iso8601("2024-01-01T00:00:00+05:", 23, &t), "an offset colon wants minutes");
    CHECK(cc_ts_parse_iso8601("2024-01-01T05:00:00+05", 22, &t) && t == 1704067200.0, "an hours-only offset");
    CHECK(!cc_ts_parse_iso8601("2024-01-01T00:00:00Zjunk", 24, &t), "trailing junk refused");
    CHECK(cc_ts_format_iso8601(-1.0, out) && strcmp(out, "1969-12-31T23:59:59Z") == 0, "before the epoch");
    CHECK(cc_ts_format_iso8601(1.5, out) && strcmp(out, "1970-01-01T00:00:01.500000Z") == 0, "fraction as microseconds");
    CHECK(!cc_ts_format_iso8601(NAN, out), "NaN has no date");
    cc_ts_amz_date(1440938160, out);
    CHECK_STR(out, "20150830T123600Z", "X-Amz-Date");
}

static void test_model(void)
{
    size_t i, with_paginator = 0;
    char snake[64];
    CHECK(model->nops == 37, "all 37 operations compiled");
    for (i = 0; i < model->nops; i++)
        with_paginator += model->ops[i].result_key != NULL;
    CHECK(with_paginator == 2, "two paginated operations");
    cc_snake_case("GetCampaignStateBatch", snake, sizeof snake);
    CHECK_STR(snake, "get_campaign_state_batch", "snake case");
    CHECK_STR(model->signing_name, "connect-campaigns", "signing name");
}

/* Limits that once truncated silently: a query-map key past 255 bytes. */
static void test_no_truncation(void)
{
    static const char tiny[] =
        "{\"metadata\":{\"apiVersion\":\"1\",\"endpointPrefix\":\"x\",\"signingName\":\"x\","
        "\"serviceId\":\"X\",\"protocol\":\"rest-json\"},"
        "\"operations\":{\"Q\":{\"name\":\"Q\",\"http\":{\"method\":\"GET\",\"requestUri\":\"/q\"},"
        "\"input\":{\"shape\":\"In\"}}},"
        "\"shapes\":{\"In\":{\"type\":\"structure\",\"members\":{\"m\":{\"shape\":\"M\","
        "\"location\":\"querystring\"}}},\"M\":{\"type\":\"map\",\"key\":{\"shape\":\"S\"},"
        "\"value\":{\"shape\":\"S\"}},\"S\":{\"type\":\"string\"}}}";
    cc_err_t err;
    cc_model_t *m = cc_model_compile(tiny, &err);
    char params[700], want[600];
    cc_arena_t a;
    cc_value_t v;
    cc_request_parts_t parts;
    CHECK(m != NULL, "a small model with a query map compiles");
    if (m == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    memset(want, 'k', 300);
    want[300] = '\0';
    snprintf(params, sizeof params, "{\"m\": {\"%s\": \"v\"}}", want);
    strcat(want, "=v");
    cc_arena_init(&a);
    cc_request_parts_init(&parts);
    v = from_json(&a, params);
    CHECK(cc_serialize_request(cc_model_find_op(m, "Q"), &v, &parts, &err) == CC_OK, "query map serialized");
    CHECK_STR(cc_buf_cstr(&parts.query), want, "a 300-byte query key is kept whole");
    cc_request_parts_free(&parts);
    cc_arena_free(&a);
    cc_model_free(m);
}

static void test_rfc822(void)
{
    double t = 0;
    CHECK(cc_ts_parse_rfc822("Tue, 29 Apr 2014 18:30:38 GMT", 29, &t) && t == 1398796238.0, "RFC 1123 date");
    CHECK(cc_ts_parse_rfc822("29 Apr 2014 18:30:38 +0200", 26, &t) && t == 1398796238.0 - 7200, "no day name, an offset");
    CHECK(!cc_ts_parse_rfc822("Tue, 29 Foo 2014 18:30:38 GMT", 29, &t), "not a month");
    CHECK(!cc_ts_parse_rfc822("Tue, 29 Apr 2014 25:30:38 GMT", 29, &t), "not an hour");
    CHECK(!cc_ts_parse_rfc822("Tue, 29 Apr 2014 18:30:38 GMT junk", 34, &t), "junk after the zone");
}

/* The codecs against known values: the protocol suite's Content-MD5 (of the
 * compact JSON other SDKs write), RFC 4648's base64 vectors, and gzip's
 * magic bytes. */
static void test_codecs(void)
{
    static const char *vectors[][2] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                       {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                       {"foobar", "Zm9vYmFy"}};
    const char *body = "{\"foo\":\"base64 encoded md5 checksum\"}";
    unsigned char out[16];
    cc_buf_t b;
    size_t i;
    cc_buf_init(&b);
    CHECK(cc_content_md5(&b, body, strlen(body)) && strcmp(cc_buf_cstr(&b), "iB0/3YSo7maijL0IGOgA9g==") == 0,
          "Content-MD5 of the compact body is the suite's value");
    for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        long n;
        cc_buf_reset(&b);
        cc_base64_put(&b, vectors[i][0], strlen(vectors[i][0]));
        CHECK_STR(cc_buf_cstr(&b), vectors[i][1], "base64 of an RFC 4648 vector");
        n = cc_base64_decode(vectors[i][1], strlen(vectors[i][1]), out);
        CHECK(n == (long)strlen(vectors[i][0]) && memcmp(out, vectors[i][0], (size_t)n) == 0, "base64 read back");
    }
    CHECK(cc_base64_decode("Zm9v!", 5, out) < 0, "not base64 is refused");
    cc_buf_reset(&b);
    cc_buf_puts(&b, "hello hello hello hello");
    CHECK(cc_gzip(&b) && b.len > 10 && (unsigned char)b.data[0] == 0x1f && (unsigned char)b.data[1] == 0x8b,
          "gzip writes a gzip member");
    cc_buf_free(&b);
}

/* A sink that writes its events as text, to see the one pass itself. */
typedef struct {
    char log[512];
    size_t depth;
} event_log_t;

static void log_event(event_log_t *e, const char *pre, const char *arg, size_t n, const char *post)
{
    size_t used = strlen(e->log);
    snprintf(e->log + used, sizeof e->log - used, "%s%.*s%s", pre, (int)n, arg, post);
}
static int ev_table(void *c, size_t a, size_t r) { (void)a; (void)r; ((event_log_t *)c)->depth++; log_event(c, "{", "", 0, ""); return CC_OK; }
static int ev_string(void *c, const char *s, size_t n) { ((event_log_t *)c)->depth++; log_event(c, "'", s, n, "'"); return CC_OK; }
static int ev_integer(void *c, long long i) { (void)i; ((event_log_t *)c)->depth++; log_event(c, "i", "", 0, ""); return CC_OK; }
static int ev_number(void *c, double d) { (void)d; ((event_log_t *)c)->depth++; log_event(c, "n", "", 0, ""); return CC_OK; }
static int ev_boolean(void *c, int b) { (void)b; ((event_log_t *)c)->depth++; log_event(c, "b", "", 0, ""); return CC_OK; }
static int ev_field(void *c, const char *name) { ((event_log_t *)c)->depth--; log_event(c, "=", name, strlen(name), " "); return CC_OK; }
static int ev_key(void *c, const char *k, size_t n) { ((event_log_t *)c)->depth--; log_event(c, "[", k, n, "] "); return CC_OK; }
static int ev_index(void *c, size_t i) { (void)i; ((event_log_t *)c)->depth--; log_event(c, "#", "", 0, " "); return CC_OK; }
static size_t ev_mark(void *c) { return ((event_log_t *)c)->depth; }
static void ev_reset(void *c, size_t m) { ((event_log_t *)c)->depth = m; log_event(c, "reset", "", 0, " "); }

static void test_sink(void)
{
    event_log_t e = {"", 0};
    cc_sink_t sink = {&e, ev_table, ev_string, ev_integer, ev_number, ev_boolean, ev_field, ev_key, ev_index, ev_mark, ev_reset};
    cc_arena_t a;
    cc_service_error_t se;
    cc_err_t err;
    const cc_operation_t *list = cc_model_find_op(model, "ListCampaigns");
    const char *body = "{\"nextToken\":\"t\",\"x\":[1,{\"y\":2}],\"campaignSummaryList\":[{\"id\":\"a\\u0062\",\"schedule\":null},null]}";
    cc_arena_init(&a);
    CHECK(cc_parse_response_sink(model, list, 200, body, strlen(body), NULL, &a, &sink, &se, &err) == CC_OK, "sink parse ok");
    /* unknown members skipped unseen, nulls absent, the escape decoded, each value once */
    CHECK_STR(e.log, "{'t'=nextToken {{'ab'=id # =campaignSummaryList ", "the events of one pass");
    CHECK(e.depth == 1, "one value left: the result");
    e.log[0] = '\0';
    e.depth = 0;
    body = "{\"campaignSummaryList\":[{\"id\":\"a\",\"schedule\":{\"startTime\":\"not a time\"}}]}";
    CHECK(cc_parse_response_sink(model, list, 200, body, strlen(body), NULL, &a, &sink, &se, &err) == CC_E_PARSE,
          "unreadable timestamp refused");
    CHECK(strstr(err.msg, "campaignSummaryList[1].schedule.startTime") != NULL, "its path named");
    CHECK(e.depth > 0, "the sink holds the part read: its owner resets it");
    body = "{\"campaignSummaryList\":[{\"id\":\"a\"}]";
    CHECK(cc_parse_response_sink(model, list, 200, body, strlen(body), NULL, &a, &sink, &se, &err) == CC_E_PARSE &&
          strstr(err.msg, "the body of ListCampaigns is not JSON") != NULL, "cut JSON refused after a streamed part");
    cc_arena_free(&a);
}

/* Numbers written without printf, as printf and Python write them. */
static void test_number_text(void)
{
    static const long long ints[] = {0, 7, -7, 1000000007LL, -9223372036854775807LL - 1, 9223372036854775807LL};
    static const double doubles[] = {0.0, -0.0, 1.0, -3.0, 0.5, 1e15, 123456789012345.0, 1e16, 2.5e-5};
    static const char *const written[] = {"0.0", "-0.0", "1.0", "-3.0", "0.5", "1000000000000000.0", "123456789012345.0",
                                          "1e+16", "2.5e-05"};
    size_t i;
    for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        char want[32];
        cc_buf_t b;
        cc_buf_init(&b);
        cc_buf_put_int(&b, ints[i]);
        snprintf(want, sizeof want, "%lld", ints[i]);
        CHECK_STR(cc_buf_cstr(&b), want, "an integer as %lld writes it");
        cc_buf_free(&b);
    }
    for (i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
        cc_buf_t b;
        cc_buf_init(&b);
        cc_json_put_double(&b, doubles[i]);
        CHECK_STR(cc_buf_cstr(&b), written[i], "a double as Python's json writes it");
        cc_buf_free(&b);
    }
}

/* The shortest "%.*g" that reads back as d: what cc_format_double writes
 * for a double that is not whole, by its definition. */
static void shortest_g(double d, char out[32])
{
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

/* Decimals of a few places are written from their digits, not by printf:
 * the same text, for decimals of every length, the doubles next to them,
 * and doubles of any bits in and around the range that path takes. */
static void test_short_decimals(void)
{
    static const double some[] = {0.1, 0.2, 0.3, 0.25, 0.5, 1.1, 2.675, 0.1 + 0.2, 1e-4, 1.5e-4, 9.99e-5,
                                  999999999.5, 999999999.25, 1e9 + 0.5, 123456.789, 0.000123, 4.35, 0.07,
                                  1.0000001, 33.333333, 1.23456789};
    unsigned long long bits = 0x9E3779B97F4A7C15ULL;
    size_t i, wrong = 0, tried = 0;
    char got[32], want[32];
    for (i = 0; i < sizeof some / sizeof some[0]; i++) {
        int sign;
        for (sign = 1; sign >= -1; sign -= 2) {
            double d = sign * some[i];
            cc_format_double(d, got);
            shortest_g(d, want);
            tried++;
            if (strcmp(got, want) != 0 && wrong++ < 5)
                fprintf(stderr, "  %.17g: wrote %s, not %s\n", d, got, want);
        }
    }
    for (i = 0; i < 200000; i++) {
        double d;
        long long m;
        int places = (int)(i % 8);
        bits ^= bits << 13, bits ^= bits >> 7, bits ^= bits << 17;
        m = (long long)(bits % 2000000000000000ULL);
        switch (i % 3) {
        case 0: d = (double)(m % 1000000000LL) / pow(10, places); break;          /* a decimal */
        case 1: d = nextafter((double)(m % 100000000LL) / pow(10, places), 1e300); break; /* its neighbour */
        default: d = ldexp((double)(m % 4503599627370496LL) + 4503599627370496.0, (int)(m % 84) - 68); /* any bits */
        }
        if (d == floor(d) || !isfinite(d))
            continue;
        cc_format_double(d, got);
        shortest_g(d, want);
        tried++;
        if (strcmp(got, want) != 0 && wrong++ < 5)
            fprintf(stderr, "  %.17g: wrote %s, not %s\n", d, got, want);
    }
    CHECK(wrong == 0 && tried > 100000, "doubles written from their digits are the shortest that read back");
}

/* An id drawn in a forked child, as an nginx worker draws them. */
static void id_of_child(char out[37])
{
    int fd[2];
    pid_t pid;
    memset(out, 0, 37);
    if (pipe(fd) != 0 || (pid = fork()) < 0)
        return;
    if (pid == 0) {
        char id[37];
        cc_uuid4(id);
        _exit(write(fd[1], id, 37) == 37 ? 0 : 1);
    }
    close(fd[1]);
    if (read(fd[0], out, 37) != 37)
        out[0] = '\0';
    close(fd[0]);
    waitpid(pid, NULL, 0);
}

/* Request ids: version 4, and never the same in a forked child as in its
 * parent or in its sibling, though all start from the parent's generator. */
static void test_request_ids(void)
{
    char parent[37], first[37], second[37], next[37];
    int i, k, well_formed = 1;
    for (k = 0; k < 1000; k++) {
        cc_uuid4(parent);
        for (i = 0; i < 36; i++)
            well_formed &= (i == 8 || i == 13 || i == 18 || i == 23) ? parent[i] == '-'
                                                                       : parent[i] && strchr("0123456789abcdef", parent[i]);
        well_formed &= parent[36] == '\0' && parent[14] == '4' && strchr("89ab", parent[19]) != NULL;
    }
    CHECK(well_formed, "a request id is a UUID v4, a thousand of them");
    id_of_child(first);
    id_of_child(second);
    cc_uuid4(next);
    CHECK(strlen(first) == 36 && strlen(second) == 36, "forked children draw ids");
    CHECK(strcmp(first, next) != 0, "a forked child does not repeat its parent's next id");
    CHECK(strcmp(first, second) != 0, "two children of one parent draw different ids");
    CHECK(strcmp(parent, next) != 0, "the parent's ids go on");
}

/* Members by wire name: every member of the service's model is found where
 * it is, and in a small model, names that share the probe's start (length,
 * first, middle and last byte), one name in two locations and a structure
 * past the table's first size. */
static void test_wire_index(void)
{
    static const char tiny[] =
        "{\"metadata\":{\"apiVersion\":\"1\",\"endpointPrefix\":\"x\",\"signingName\":\"x\","
        "\"serviceId\":\"X\",\"protocol\":\"rest-json\"},\"operations\":{},"
        "\"shapes\":{\"T\":{\"type\":\"structure\",\"members\":{"
        "\"abcd\":{\"shape\":\"S\"},\"azcd\":{\"shape\":\"S\"},\"aycd\":{\"shape\":\"S\"},"
        "\"h\":{\"shape\":\"S\",\"location\":\"header\",\"locationName\":\"abcd\"},"
        "\"m0\":{\"shape\":\"S\"},\"m1\":{\"shape\":\"S\"},\"m2\":{\"shape\":\"S\"},"
        "\"m3\":{\"shape\":\"S\"},\"m4\":{\"shape\":\"S\"},\"m5\":{\"shape\":\"S\"},"
        "\"m6\":{\"shape\":\"S\"},\"m7\":{\"shape\":\"S\"},\"m8\":{\"shape\":\"S\"}}},"
        "\"S\":{\"type\":\"string\"}}}";
    static const char *const body[] = {"abcd", "azcd", "aycd", "m0", "m4", "m8"};
    size_t i, j, wrong = 0;
    cc_err_t err;
    cc_model_t *m;
    const cc_shape_t *t;
    const cc_member_t *h;
    for (i = 0; i < model->nshapes; i++)
        for (j = 0; j < model->shapes[i].nmembers; j++) {
            const cc_member_t *mem = &model->shapes[i].members[j];
            wrong += cc_shape_wire_member(&model->shapes[i], mem->location, mem->wire_name, mem->wire_len) != mem;
            wrong += cc_shape_find_member(&model->shapes[i], mem->name, mem->name_len) != mem;
        }
    CHECK(wrong == 0, "every member of the model is found by its wire name and location, and by its name");
    m = cc_model_compile(tiny, &err);
    CHECK(m != NULL, "a model of colliding member names compiles");
    if (m == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    t = cc_model_find_shape(m, "T");
    for (i = 0; i < sizeof body / sizeof *body; i++) {
        const cc_member_t *mem = cc_shape_wire_member(t, CC_LOC_BODY, body[i], strlen(body[i]));
        CHECK(mem != NULL && strcmp(mem->name, body[i]) == 0, body[i]);
    }
    h = cc_shape_wire_member(t, CC_LOC_HEADER, "abcd", 4);
    CHECK(h != NULL && strcmp(h->name, "h") == 0, "the header member of a body member's wire name");
    CHECK(cc_shape_wire_member(t, CC_LOC_BODY, "axcd", 4) == NULL, "a colliding name that is no member");
    CHECK(cc_shape_wire_member(t, CC_LOC_BODY, "abc", 3) == NULL, "a member's prefix is no member");
    CHECK(cc_shape_wire_member(t, CC_LOC_BODY, "", 0) == NULL, "the empty name is no member");
    CHECK(cc_shape_wire_member(t, CC_LOC_QUERY, "m0", 2) == NULL, "a member in another location is not found");
    for (i = 0; i < sizeof body / sizeof *body; i++) {
        const cc_member_t *mem = cc_shape_find_member(t, body[i], strlen(body[i]));
        CHECK(mem != NULL && strcmp(mem->name, body[i]) == 0, body[i]);
    }
    h = cc_shape_find_member(t, "h", 1);
    CHECK(h != NULL && strcmp(h->wire_name, "abcd") == 0, "a header member by its own name");
    CHECK(cc_shape_find_member(t, "axcd", 4) == NULL, "a colliding name that is no member, by name");
    CHECK(cc_shape_find_member(t, "abc", 3) == NULL, "a member's prefix is no member, by name");
    CHECK(cc_shape_find_member(t, "", 0) == NULL, "the empty name is no member, by name");
    CHECK(cc_shape_find_member(cc_model_find_shape(m, "S"), "abcd", 4) == NULL, "a shape without members has none");
    cc_model_free(m);
}

int main(void)
{
    cc_err_t err;
    model = cc_model_get(&err);
    if (!model) {
        fprintf(stderr, "model: %s\n", err.msg);
        return 1;
    }
    test_model();
    test_requests();
    test_validation();
    test_responses();
    test_sink();
    test_json_and_time();
    test_string_scan();
    test_no_truncation();
    test_wire_index();
    test_rfc822();
    test_codecs();
    test_request_ids();
    test_number_text();
    test_short_decimals();
    return CHECK_DONE("shape");
}
