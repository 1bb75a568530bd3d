-- Answers and error answers read as botocore reads them (part of the
-- fidelity work: see the README's error handling).
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"

local function answer(status, headers, body, op)
  local c = assert(cc.new { region = "us-east-1", max_attempts = 1,
    credentials = { access_key_id = "A", secret_access_key = "S" },
    transport = function() return { status = status, headers = headers or {}, body = body } end })
  return c:call(op or "DescribeCampaign", { id = "c1" })
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
