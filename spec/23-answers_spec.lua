-- Answers and error answers read as botocore reads them (part of the
-- fidelity work: see the README's error handling).
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"

local function answer(status, headers, body, op, params)
  local c = assert(cc.new { region = "us-east-1", max_attempts = 1,
    credentials = { access_key_id = "A", secret_access_key = "S" },
    transport = function() return { status = status, headers = headers or {}, body = body } end })
  return c:call(op or "DescribeCampaign", params or { id = "c1" })
end

describe("answers", function()
  it("ignore __type inside a union, as botocore does", function()
    local body = assert(core.json_encode { campaign = { id = "c1", arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c1",
      name = "n", connectInstanceId = "i", __type = "Campaign", channelSubtypeConfig = { telephony = {
        outboundMode = { agentless = {}, __type = "TelephonyOutboundMode" },
        defaultOutboundConfig = { connectContactFlowId = "f" } } } } })
    local out, err = answer(200, {}, body)
    assert.truthy(out, tostring(err))
    assert.are.same({ agentless = {} }, out.campaign.channelSubtypeConfig.telephony.outboundMode)
    assert.is_nil(out.campaign.__type)
  end)
end)

describe("answers with null in a list", function()
  it("drop the null and keep the list a sequence (botocore raises instead)", function()
    local out, err = answer(200, {}, '{"campaignSummaryList": [{"id": "a", "arn": "b", "name": "n", '
      .. '"connectInstanceId": "i", "channelSubtypes": ["SMS", null, "EMAIL"]}, null]}', "ListCampaigns", {})
    assert.truthy(out, tostring(err))
    assert.are.equal(1, #out.campaignSummaryList)
    assert.are.same({ "SMS", "EMAIL" }, out.campaignSummaryList[1].channelSubtypes)
  end)
end)

describe("error answers", function()
  it("take the code from the header, then code, Code, __type; cut at ':' before '#'", function()
    local cases = {
      { { ["x-amzn-ErrorType"] = "ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/#x" },
        '{"message": "m"}', "ValidationException" },
      { {}, '{"Code": "ConflictException", "message": "m"}', "ConflictException" },
      { {}, '{"code": "ThrottlingException", "Code": "ConflictException"}', "ThrottlingException" },
      { {}, '{"__type": "aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/x#y"}', "FooError" },
    }
    for _, case in ipairs(cases) do
      local _, err = answer(400, case[1], case[2])
      assert.are.equal(case[3], err.code)
    end
  end)

  it("take the message from message, Message, errorMessage, or a body that is not JSON", function()
    local _, err = answer(400, {}, '{"code": "X", "errorMessage": "from errorMessage"}')
    assert.are.equal("from errorMessage", err.message)
    _, err = answer(403, {}, "  upstream said no\n")
    assert.are.equal("upstream said no", err.message)
    assert.are.equal("403", err.code)
    _, err = answer(400, {}, string.rep("x", 2000))
    assert.are.equal(512, #err.message)
  end)

  it("keep the reason phrase for an empty body, JSON without a message, or a 5xx HTML page", function()
    local _, err = answer(403, {}, "")
    assert.are.equal("Forbidden", err.message)
    _, err = answer(404, {}, '{"code": "ResourceNotFoundException"}')
    assert.are.equal("Not Found", err.message)
    _, err = answer(503, { ["x-amzn-ErrorType"] = "ServiceUnavailableException" }, "<html><body>oops</body></html>")
    assert.are.equal("ServiceUnavailableException", err.code)
    assert.are.equal("Service Unavailable", err.message)
  end)

  it("carry the modeled members of the error, the header-bound one included", function()
    local _, err = answer(400, { ["x-amzn-ErrorType"] = "ValidationException" }, '{"message": "bad"}')
    assert.are.equal("ValidationException", err.code)
    assert.are.equal("ValidationException", err.xAmzErrorType)
    _, err = answer(409, { ["x-amzn-ErrorType"] = "InvalidCampaignStateException" },
      '{"message": "m", "state": "Paused"}')
    assert.are.equal("Paused", err.state)
    assert.are.equal("InvalidCampaignStateException", err.xAmzErrorType)
  end)
end)

describe("numbers and timestamps in answers", function()
  local function campaign(fields)
    local c = { id = "c1", arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c1", name = "n", connectInstanceId = "i",
      channelSubtypeConfig = {} }
    for k, v in pairs(fields) do c[k] = v end
    return c
  end

  it("follow the model: a Double is a float even when integral, an Integer an integer", function()
    local out = assert(answer(200, {}, '{"campaign": {"id": "c1", "arn": "arn:aws:connect-campaigns:us-east-1:1:campaign/c1", '
      .. '"name": "n", "connectInstanceId": "i", "channelSubtypeConfig": {"telephony": {"capacity": 1.0, '
      .. '"outboundMode": {"preview": {"bandwidthAllocation": -0.0, "timeoutConfig": {"durationInSeconds": 30.0}}}, '
      .. '"defaultOutboundConfig": {"connectContactFlowId": "f"}}}}}'))
    local t = out.campaign.channelSubtypeConfig.telephony
    assert.are.equal(1, t.capacity)
    assert.are.equal(30, t.outboundMode.preview.timeoutConfig.durationInSeconds)
    if math.type then -- Lua 5.3+: the subtypes show
      assert.are.equal("float", math.type(t.capacity))
      assert.are.equal("1.0", tostring(t.capacity))
      assert.are.equal("integer", math.type(t.outboundMode.preview.timeoutConfig.durationInSeconds))
    end
    assert.are.equal(-math.huge, 1 / t.outboundMode.preview.bandwidthAllocation) -- -0.0 keeps its sign
  end)

  it("read timestamps as epoch seconds, ISO-8601 with or without fraction and offset, and RFC 822", function()
    for text, want in pairs {
      ['1775000000'] = 1775000000, ['1775000000.25'] = 1775000000.25,
      ['"2026-03-01T09:00:00Z"'] = 1772355600, ['"2026-03-01T09:00:00.5Z"'] = 1772355600.5,
      ['"2026-03-01T10:00:00+01:00"'] = 1772355600, ['"Sun, 01 Mar 2026 09:00:00 GMT"'] = 1772355600,
    } do
      local body = assert(core.json_encode { campaign = campaign { schedule = { startTime = "X", endTime = 1 } } })
        :gsub('"X"', text)
      local out, err = answer(200, {}, body)
      assert.truthy(out, text .. ": " .. tostring(err))
      assert.are.equal(want, out.campaign.schedule.startTime, text)
    end
    local body = assert(core.json_encode { campaign = campaign { schedule = { startTime = "next monday", endTime = 1 } } })
    local out, err = answer(200, {}, body)
    assert.is_nil(out)
    assert.are.equal("ResponseParseError", err.code)
    assert.are.equal("Invalid service response: the timestamp at campaign.schedule.startTime cannot be read", err.message)
  end)
end)

describe("timestamp inputs", function()
  local c = assert(cc.new { region = "us-east-1", credentials = { access_key_id = "A", secret_access_key = "S" } })
  local function sent(start)
    local req, err = c:prepare("update_campaign_schedule", { id = "c", schedule = { startTime = start, endTime = 1 } })
    assert.truthy(req, tostring(err and err.message))
    return req.body:match('"startTime": "([^"]+)"')
  end

  it("accepts what botocore accepts: ISO basic, date only, RFC 822, epoch seconds in a string", function()
    assert.are.equal("2026-03-01T09:00:00Z", sent("20260301T090000Z"))
    assert.are.equal("2026-03-01T00:00:00Z", sent("2026-03-01"))
    assert.are.equal("2026-03-01T09:00:00Z", sent("Sun, 01 Mar 2026 09:00:00 GMT"))
    assert.are.equal("2026-03-01T09:00:00Z", sent("1772355600"))
    assert.are.equal("2026-03-01T09:00:00.250000Z", sent("1772355600.25"))
    assert.are.equal("2026-03-01T08:00:00Z", sent("2026-03-01T09:00:00+01:00"))
  end)

  it("truncates fractions past microseconds and keeps microseconds exact in every year", function()
    assert.are.equal("2026-03-01T09:00:00.999999Z", sent("2026-03-01T09:00:00.9999999Z"))
    assert.are.equal("1700-01-01T00:00:00.000001Z", sent("1700-01-01T00:00:00.000001Z"))
    assert.are.equal("9999-12-31T23:59:59.999999Z", sent("9999-12-31T23:59:59.999999Z"))
    assert.are.equal("0001-01-01T00:00:00.000001Z", sent("0001-01-01T00:00:00.000001Z"))
  end)

  it("refuses, before sending, a time it could not write: outside the years 1 to 9999", function()
    assert.are.equal("9999-12-31T23:59:59Z", sent(253402300799))
    assert.are.equal("0001-01-01T00:00:00Z", sent(-62135596800))
    for _, start in ipairs { 253402300800, -62135596801, 1e300 } do
      local req, err = c:prepare("update_campaign_schedule", { id = "c", schedule = { startTime = start, endTime = 1 } })
      assert.is_nil(req, tostring(start))
      assert.are.equal("ParamValidationError", err.code)
      assert.matches("schedule%.startTime: a time outside the years 1 to 9999", err.message)
    end
  end)
end)
