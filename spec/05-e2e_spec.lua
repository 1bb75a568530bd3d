-- End to end over real HTTP: the client against the loopback stub server,
-- which checks the SigV4 signature of every request it receives against the
-- bytes on the wire and answers with recorded bodies.
local H = require "helpers"

local ARN = "arn:aws:connect-campaigns:us-east-1:123456789012:campaign/c-7f3a9e"
local PHONE_ARN = "arn:aws:connect:us-east-1:123456789012:phone-number/p1"
local TEMPLATE_ARN = "arn:aws:wisdom:us-east-1:123456789012:template/t1"

describe("end to end over loopback HTTP", function()
  local stub, client

  setup(function()
    stub = H.start_stub()
    client = H.client(stub)
  end)

  teardown(function()
    if client then client:close() end
    if stub then stub:stop() end
  end)

  before_each(function()
    stub:reset()
  end)

  local function last_ok()
    local r = stub:last()
    assert.is_true(r.signature_ok, r.why)
    return r
  end

  local function campaign(mode)
    return {
      name = "spring-renewals",
      connectInstanceId = "inst-1",
      channelSubtypeConfig = {
        telephony = { capacity = 0.5, connectQueueId = "queue-1", outboundMode = mode,
          defaultOutboundConfig = { connectContactFlowId = "flow-1", connectSourcePhoneNumber = "+15550100",
            answerMachineDetectionConfig = { enableAnswerMachineDetection = true, awaitAnswerMachinePrompt = false },
            ringTimeout = 30 } },
        sms = { capacity = 0.25, outboundMode = { agentless = {} },
          defaultOutboundConfig = { connectSourcePhoneNumberArn = PHONE_ARN, wisdomTemplateArn = TEMPLATE_ARN } },
        email = { capacity = 1, outboundMode = { agentless = {} },
          defaultOutboundConfig = { connectSourceEmailAddress = "noreply@example.com",
            sourceEmailAddressDisplayName = "Example", wisdomTemplateArn = TEMPLATE_ARN } },
        whatsApp = { capacity = 0.1, outboundMode = { agentless = {} },
          defaultOutboundConfig = { connectSourcePhoneNumberArn = PHONE_ARN, wisdomTemplateArn = TEMPLATE_ARN } },
      },
      type = "MANAGED",
      source = { customerProfilesSegmentArn = "arn:aws:profile:us-east-1:123456789012:domains/d/segment-definitions/s" },
      connectCampaignFlowArn = "arn:aws:connect:us-east-1:123456789012:instance/i/contact-flow/f",
      schedule = { startTime = "2026-03-01T09:00:00Z", endTime = "2026-04-01T00:00:00+02:00", refreshFrequency = "P1D" },
      communicationTimeConfig = {
        localTimeZoneConfig = { defaultTimeZone = "America/New_York", localTimeZoneDetection = { "ZIP_CODE" } },
        telephony = { openHours = { dailyHours = { MONDAY = { { startTime = "T09:00", endTime = "T17:00" } } } } },
        sms = { openHours = { dailyHours = { TUESDAY = { { startTime = "T10:00", endTime = "T12:00" } } } } },
        email = { openHours = { dailyHours = { WEDNESDAY = {} } } },
        whatsApp = { openHours = { dailyHours = {} }, restrictedPeriods = { restrictedPeriodList = {
          { name = "xmas", startDate = "2026-12-25", endDate = "2026-12-26" } } } },
      },
      communicationLimitsOverride = {
        allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = 3, frequency = 7, unit = "DAY" } } },
        instanceLimitsHandling = "OPT_IN",
      },
      tags = { team = "growth", ["cost:center"] = "42" },
    }
  end

  describe("create_campaign", function()
    local modes = {
      progressive = { progressive = { bandwidthAllocation = 1 } },
      predictive = { predictive = { bandwidthAllocation = 0.8 } },
      agentless = { agentless = {} },
      preview = { preview = { bandwidthAllocation = 1, timeoutConfig = { durationInSeconds = 30 },
        agentActions = { "DISCARD" } } },
    }
    for name, mode in pairs(modes) do
      it("sends every channel with telephony in " .. name .. " mode", function()
        stub:respond { status = 200, body = '{"id": "c-7f3a9e", "arn": "' .. ARN .. '", "tags": {"team": "growth"}}' }
        local out, err = client:create_campaign(campaign(mode))
        assert.is_nil(err)
        assert.are.same({ id = "c-7f3a9e", arn = ARN, tags = { team = "growth" } }, out)
        local r = last_ok()
        assert.are.equal("PUT", r.method)
        assert.are.equal("/v2/campaigns", r.path)
        assert.are.equal("application/json", r.headers["content-type"])
        local body = require("connectcampaigns.core").json_decode(r.body)
        assert.are.same(mode, body.channelSubtypeConfig.telephony.outboundMode)
        assert.are.equal("2026-03-31T22:00:00Z", body.schedule.endTime)
        assert.are.same({ "ZIP_CODE" }, body.communicationTimeConfig.localTimeZoneConfig.localTimeZoneDetection)
        assert.are.equal("42", body.tags["cost:center"])
        for _, ch in ipairs { "telephony", "sms", "email", "whatsApp" } do
          assert.is_table(body.channelSubtypeConfig[ch], ch)
        end
        assert.is_not_nil(r.body:find('"agentless": {}', 1, true) or name ~= "agentless")
      end)
    end
  end)

  describe("describe_campaign", function()
    it("reads the recorded answer into Lua tables", function()
      stub:respond { status = 200, body = H.fixture("responses/describe_campaign.json") }
      local out, err = client:describe_campaign { id = "c-7f3a9e" }
      assert.is_nil(err)
      local c = out.campaign
      assert.are.equal("spring-renewals", c.name)
      assert.are.equal(0.5, c.channelSubtypeConfig.telephony.capacity)
      if math.type then -- Lua 5.3+: a number has an integer or float subtype
        assert.are.equal("float", math.type(c.channelSubtypeConfig.email.capacity))
      end
      assert.are.equal(30, c.channelSubtypeConfig.telephony.outboundMode.preview.timeoutConfig.durationInSeconds)
      assert.are.same({ "DISCARD" }, c.channelSubtypeConfig.telephony.outboundMode.preview.agentActions)
      assert.is_false(c.channelSubtypeConfig.telephony.defaultOutboundConfig.answerMachineDetectionConfig.awaitAnswerMachinePrompt)
      assert.are.same({}, c.channelSubtypeConfig.sms.outboundMode.agentless)
      assert.are.equal(1772355600, c.schedule.startTime)
      assert.are.equal(1775000000.5, c.schedule.endTime)
      assert.is_nil(c.connectCampaignFlowArn)  -- null is absent
      assert.is_nil(c.futureMember)            -- unknown members are dropped
      assert.are.same({ { startTime = "T09:00", endTime = "T17:00" } },
        c.communicationTimeConfig.telephony.openHours.dailyHours.MONDAY)
      assert.are.equal("OPT_IN", c.communicationLimitsOverride.instanceLimitsHandling)
      local r = last_ok()
      assert.are.equal("GET", r.method)
      assert.are.equal("", r.body)
      assert.is_nil(r.headers["content-type"])
    end)

    it("sends ids with : and / encoded once on the wire and signs them encoded twice", function()
      stub:respond { status = 200, body = '{"campaign": {"id": "x", "arn": "' .. ARN .. '", "name": "n", "connectInstanceId": "i"}}' }
      assert(client:describe_campaign { id = ARN })
      local r = last_ok()
      assert.are.equal("/v2/campaigns/arn%3Aaws%3Aconnect-campaigns%3Aus-east-1%3A123456789012%3Acampaign%2Fc-7f3a9e", r.path)
    end)

    it("marks an unknown union member SDK_UNKNOWN_MEMBER", function()
      stub:respond { status = 200, body = '{"campaign": {"id": "x", "arn": "a", "name": "n", "connectInstanceId": "i", '
        .. '"channelSubtypeConfig": {"telephony": {"outboundMode": {"aiAgent": {"x": 1}}, '
        .. '"defaultOutboundConfig": {"connectContactFlowId": "f"}}}}}' }
      local out = assert(client:describe_campaign { id = "x" })
      assert.are.same({ SDK_UNKNOWN_MEMBER = { name = "aiAgent" } },
        out.campaign.channelSubtypeConfig.telephony.outboundMode)
    end)
  end)

  it("update_campaign_communication_time sends its config", function()
    local out, err = client:update_campaign_communication_time { id = "c-1", communicationTimeConfig = {
      localTimeZoneConfig = { defaultTimeZone = "Europe/Paris" },
      email = { openHours = { dailyHours = { SATURDAY = { { startTime = "T08:00", endTime = "T12:00" } } } } } } }
    assert.is_nil(err)
    assert.are.same({}, out)
    local r = last_ok()
    assert.are.equal("POST", r.method)
    assert.are.equal("/v2/campaigns/c-1/communication-time", r.path)
    assert.are.equal('{"communicationTimeConfig": {"localTimeZoneConfig": {"defaultTimeZone": "Europe/Paris"}, '
      .. '"email": {"openHours": {"dailyHours": {"SATURDAY": [{"startTime": "T08:00", "endTime": "T12:00"}]}}}}}', r.body)
  end)

  it("update_campaign_communication_limits sends its override", function()
    assert(client:update_campaign_communication_limits { id = "c-1", communicationLimitsOverride = {
      allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = 1, frequency = 1, unit = "DAY" } } } } })
    local r = last_ok()
    assert.are.equal("POST", r.method)
    assert.are.equal("/v2/campaigns/c-1/communication-limits", r.path)
    assert.are.equal('{"communicationLimitsOverride": {"allChannelSubtypes": {"communicationLimitsList": '
      .. '[{"maxCountPerRecipient": 1, "frequency": 1, "unit": "DAY"}]}}}', r.body)
  end)

  it("put_instance_communication_limits sends its config", function()
    assert(client:put_instance_communication_limits { connectInstanceId = "inst-1", communicationLimitsConfig = {
      allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = 5, frequency = 30, unit = "DAY" } } } } })
    local r = last_ok()
    assert.are.equal("PUT", r.method)
    assert.are.equal("/v2/connect-instance/inst-1/communication-limits", r.path)
    assert.are.equal('{"communicationLimitsConfig": {"allChannelSubtypes": {"communicationLimitsList": '
      .. '[{"maxCountPerRecipient": 5, "frequency": 30, "unit": "DAY"}]}}}', r.body)
  end)

  it("untag_resource puts the list in the query string", function()
    assert(client:untag_resource { arn = ARN, tagKeys = { "team", "cost:center" } })
    local r = last_ok()
    assert.are.equal("DELETE", r.method)
    assert.are.equal("tagKeys=team&tagKeys=cost%3Acenter", r.query)
    assert.are.equal("", r.body)
  end)

  it("reuses one connection across calls (keep-alive)", function()
    assert(client:get_campaign_state { id = "a" })
    assert(client:get_campaign_state { id = "b" })
    assert(client:list_campaigns {})
    local rs = stub:requests()
    assert.are.equal(3, #rs)
    assert.are.equal(rs[1].peer_port, rs[2].peer_port)
    assert.are.equal(rs[1].peer_port, rs[3].peer_port)
  end)

  it("sends a session token, signed", function()
    local c = H.client(stub, { credentials = { access_key_id = H.KEY_ID, secret_access_key = H.SECRET,
      session_token = "FQoGZXIvYXdzEXAMPLE//token==" } })
    assert(c:get_campaign_state { id = "a" })
    local r = last_ok()
    assert.are.equal("FQoGZXIvYXdzEXAMPLE//token==", r.headers["x-amz-security-token"])
    c:close()
  end)

  it("is refused by the server when the secret is wrong", function()
    local c = H.client(stub, { credentials = { access_key_id = H.KEY_ID, secret_access_key = "wrong" } })
    local out, err = c:get_campaign_state { id = "a" }
    assert.is_nil(out)
    assert.are.equal("InvalidSignatureException", err.code)
    assert.are.equal(403, err.status)
    assert.is_false(stub:last().signature_ok)
    c:close()
  end)

  describe("error answers", function()
    local cases = {
      { "update_campaign_communication_time", { id = "c", communicationTimeConfig = { localTimeZoneConfig = {} } },
        { "InternalServerException", "ResourceNotFoundException", "ValidationException", "ConflictException",
          "InvalidCampaignStateException", "AccessDeniedException" } },
      { "update_campaign_communication_limits", { id = "c", communicationLimitsOverride = {} },
        { "InternalServerException", "ResourceNotFoundException", "ValidationException", "ConflictException",
          "InvalidCampaignStateException", "AccessDeniedException" } },
      { "create_campaign", { name = "n", connectInstanceId = "i" },
        { "InternalServerException", "ResourceNotFoundException", "ValidationException", "ConflictException",
          "AccessDeniedException", "ServiceQuotaExceededException", "ThrottlingException" } },
      { "describe_campaign", { id = "c" },
        { "InternalServerException", "ResourceNotFoundException", "ValidationException", "AccessDeniedException" } },
      { "put_instance_communication_limits", { connectInstanceId = "i", communicationLimitsConfig = {} },
        { "InternalServerException", "ResourceNotFoundException", "ValidationException", "ConflictException",
          "AccessDeniedException" } },
    }
    local STATUS = { InternalServerException = 500, ResourceNotFoundException = 404, ValidationException = 400,
      ConflictException = 409, InvalidCampaignStateException = 409, AccessDeniedException = 403,
      ServiceQuotaExceededException = 402, ThrottlingException = 429 }
    local RETRYABLE = { InternalServerException = true, ThrottlingException = true }
    for _, case in ipairs(cases) do
      local op, params, codes = case[1], case[2], case[3]
      for _, code in ipairs(codes) do
        it(op .. " returns " .. code, function()
          local body = code == "InvalidCampaignStateException"
            and '{"message": "campaign is Running", "state": "Running"}'
            or '{"message": "' .. code .. ' for ' .. op .. '"}'
          stub:respond { status = STATUS[code], headers = { ["x-amzn-ErrorType"] = code
            .. ":http://internal.amazon.com/coral/com.amazonaws.connectcampaigns/", ["x-amzn-RequestId"] = "rid-" .. code },
            body = body }
          local out, err = client[op](client, params)
          assert.is_nil(out)
          assert.are.equal(code, err.code)
          assert.are.equal(STATUS[code], err.status)
          assert.are.equal("rid-" .. code, err.request_id)
          assert.are.equal(RETRYABLE[code] == true, err.retryable)
          if code == "InvalidCampaignStateException" then
            assert.are.equal("campaign is Running", err.message)
            assert.are.equal("Running", err.state)
          else
            assert.are.equal(code .. " for " .. op, err.message)
          end
          assert.are.equal(string.format("%s: %s (HTTP %d, request id rid-%s)", code, err.message, STATUS[code], code),
            tostring(err))
          -- the client stays usable after any error
          assert(client:get_campaign_state { id = "c" })
        end)
      end
    end

    it("reads the code from the body when the header is missing", function()
      stub:respond { status = 404, body = '{"__type": "com.amazonaws.connectcampaigns#ResourceNotFoundException", "Message": "gone"}' }
      local _, err = client:describe_campaign { id = "c" }
      assert.are.equal("ResourceNotFoundException", err.code)
      assert.are.equal("gone", err.message)
      stub:respond { status = 409, body = '{"code": "ConflictException", "message": "busy"}' }
      _, err = client:describe_campaign { id = "c" }
      assert.are.equal("ConflictException", err.code)
    end)

    it("survives an error body that is not JSON", function()
      stub:respond { status = 502, headers = { ["Content-Type"] = "text/html" }, body = "<html>bad gateway</html>" }
      local _, err = client:describe_campaign { id = "c" }
      assert.are.equal("502", err.code)
      assert.are.equal("Bad Gateway", err.message)
      assert.is_true(err.retryable)
    end)

    it("reports a malformed 2xx body as ResponseParseError", function()
      stub:respond { status = 200, body = '{"campaign": {"id": ' }
      local out, err = client:describe_campaign { id = "c" }
      assert.is_nil(out)
      assert.are.equal("ResponseParseError", err.code)
      stub:respond { status = 200, body = '{"campaign": {"channelSubtypeConfig": {"telephony": {"outboundMode": '
        .. '{"agentless": {}, "predictive": {"bandwidthAllocation": 1}}}}}}' }
      out, err = client:describe_campaign { id = "c" }
      assert.is_nil(out)
      assert.are.equal("ResponseParseError", err.code)
      assert(client:get_campaign_state { id = "c" })
    end)
  end)

  describe("the transport", function()
    it("times out with TimeoutError", function()
      local c = H.client(stub, { timeout = 0.3 })
      stub:respond { status = 200, body = "{}", delay = 1 }
      local out, err = c:get_campaign_state { id = "slow" }
      assert.is_nil(out)
      assert.are.equal("TimeoutError", err.code)
      assert.is_true(err.retryable)
      c:close()
    end)

    it("reports a dropped connection as NetworkError and recovers", function()
      -- libcurl re-sends once on a fresh connection when a reused one died
      -- before answering, so the stub drops both
      stub:respond({ drop = true }, { drop = true })
      local out, err = client:get_campaign_state { id = "x" }
      assert.is_nil(out)
      assert.are.equal("NetworkError", err.code)
      assert(client:get_campaign_state { id = "x" })
    end)

    it("refuses an answer larger than max_response", function()
      local c = H.client(stub, { max_response = 1000 })
      stub:respond { status = 200, body = '{"id": "' .. string.rep("x", 5000) .. '"}' }
      local _, err = c:get_campaign_state { id = "big" }
      assert.are.equal("NetworkError", err.code)
      assert.matches("larger than 1000 bytes", err.message)
      c:close()
    end)

    it("reports a closed port as NetworkError", function()
      local c = H.client({ url = "http://127.0.0.1:9" }, { connect_timeout = 2 })
      local _, err = c:get_campaign_state { id = "x" }
      assert.are.equal("NetworkError", err.code)
      c:close()
    end)
  end)
end)
