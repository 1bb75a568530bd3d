-- What goes on the wire for the five core operations: method, URL, headers
-- and the JSON body byte for byte as botocore writes it (json.dumps with its
-- default separators; members in model order, map keys sorted).
local H = require "helpers"

local function capture()
  local seen = {}
  local c = H.client({ url = "https://connect-campaigns.us-east-1.amazonaws.com" }, {
    clock = function() return 1767225600 end, -- 2026-01-01T00:00:00Z
    transport = function(req)
      seen[#seen + 1] = req
      return { status = 200, headers = {}, body = "{}" }
    end,
  })
  return c, seen
end

describe("the wire format", function()
  it("create_campaign: PUT /v2/campaigns with every member", function()
    local c, seen = capture()
    assert(c:create_campaign {
      name = "spring",
      connectInstanceId = "inst-1",
      channelSubtypeConfig = {
        telephony = {
          capacity = 0.5,
          connectQueueId = "q1",
          outboundMode = { progressive = { bandwidthAllocation = 1 } },
          defaultOutboundConfig = {
            connectContactFlowId = "flow-1",
            connectSourcePhoneNumber = "+15550100",
            answerMachineDetectionConfig = { enableAnswerMachineDetection = false, awaitAnswerMachinePrompt = true },
            ringTimeout = 30,
          },
        },
        sms = { capacity = 1, outboundMode = { agentless = {} },
          defaultOutboundConfig = { connectSourcePhoneNumberArn = "arn:aws:connect:us-east-1:1:phone-number/p",
            wisdomTemplateArn = "arn:aws:wisdom:us-east-1:1:template/t" } },
      },
      type = "MANAGED",
      schedule = { startTime = "2026-03-01T09:00:00+01:00", endTime = 1775000000, refreshFrequency = "P1D" },
      tags = { zeta = "1", alpha = "2" },
    })
    local req = seen[1]
    assert.are.equal("PUT", req.method)
    assert.are.equal("https://connect-campaigns.us-east-1.amazonaws.com/v2/campaigns", req.url)
    assert.are.equal("application/json", req.headers["Content-Type"])
    assert.are.equal("connect-campaigns.us-east-1.amazonaws.com", req.headers.Host)
    assert.are.equal("20260101T000000Z", req.headers["X-Amz-Date"])
    assert.matches("Credential=AKIDSTUB/20260101/us%-east%-1/connect%-campaigns/aws4_request, "
      .. "SignedHeaders=content%-type;host;x%-amz%-date, Signature=%x%x%x%x", req.headers.Authorization)
    assert.are.equal('{"name": "spring", "connectInstanceId": "inst-1", "channelSubtypeConfig": {"telephony": '
      .. '{"capacity": 0.5, "connectQueueId": "q1", "outboundMode": {"progressive": {"bandwidthAllocation": 1}}, '
      .. '"defaultOutboundConfig": {"connectContactFlowId": "flow-1", "connectSourcePhoneNumber": "+15550100", '
      .. '"answerMachineDetectionConfig": {"enableAnswerMachineDetection": false, "awaitAnswerMachinePrompt": true}, '
      .. '"ringTimeout": 30}}, "sms": {"capacity": 1, "outboundMode": {"agentless": {}}, "defaultOutboundConfig": '
      .. '{"connectSourcePhoneNumberArn": "arn:aws:connect:us-east-1:1:phone-number/p", '
      .. '"wisdomTemplateArn": "arn:aws:wisdom:us-east-1:1:template/t"}}}, "type": "MANAGED", '
      .. '"schedule": {"startTime": "2026-03-01T08:00:00Z", "endTime": "2026-03-31T23:33:20Z", "refreshFrequency": "P1D"}, '
      .. '"tags": {"alpha": "2", "zeta": "1"}}', req.body)
  end)

  it("describe_campaign: GET with the id encoded, no body, no Content-Type", function()
    local c, seen = capture()
    assert(c:describe_campaign { id = "arn:aws:connect-campaigns:us-east-1:123456789012:campaign/c 1+x" })
    local req = seen[1]
    assert.are.equal("GET", req.method)
    assert.are.equal("https://connect-campaigns.us-east-1.amazonaws.com/v2/campaigns/"
      .. "arn%3Aaws%3Aconnect-campaigns%3Aus-east-1%3A123456789012%3Acampaign%2Fc%201%2Bx", req.url)
    assert.is_nil(req.body)
    assert.is_nil(req.headers["Content-Type"])
    assert.matches("SignedHeaders=host;x%-amz%-date,", req.headers.Authorization)
  end)

  it("update_campaign_communication_time: POST with the config", function()
    local c, seen = capture()
    assert(c:update_campaign_communication_time {
      id = "c1",
      communicationTimeConfig = {
        localTimeZoneConfig = { defaultTimeZone = "Europe/Paris", localTimeZoneDetection = { "ZIP_CODE", "AREA_CODE" } },
        telephony = {
          openHours = { dailyHours = { MONDAY = { { startTime = "T09:00", endTime = "T17:00" } }, FRIDAY = {} } },
          restrictedPeriods = { restrictedPeriodList = { { name = "xmas", startDate = "2026-12-24", endDate = "2026-12-26" } } },
        },
      },
    })
    local req = seen[1]
    assert.are.equal("POST", req.method)
    assert.are.equal("https://connect-campaigns.us-east-1.amazonaws.com/v2/campaigns/c1/communication-time", req.url)
    assert.are.equal('{"communicationTimeConfig": {"localTimeZoneConfig": {"defaultTimeZone": "Europe/Paris", '
      .. '"localTimeZoneDetection": ["ZIP_CODE", "AREA_CODE"]}, "telephony": {"openHours": {"dailyHours": '
      .. '{"FRIDAY": [], "MONDAY": [{"startTime": "T09:00", "endTime": "T17:00"}]}}, "restrictedPeriods": '
      .. '{"restrictedPeriodList": [{"name": "xmas", "startDate": "2026-12-24", "endDate": "2026-12-26"}]}}}}', req.body)
  end)

  it("update_campaign_communication_limits: POST with the override", function()
    local c, seen = capture()
    assert(c:update_campaign_communication_limits {
      id = "c1",
      communicationLimitsOverride = {
        allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = 3, frequency = 7, unit = "DAY" } } },
        instanceLimitsHandling = "OPT_OUT",
      },
    })
    local req = seen[1]
    assert.are.equal("POST", req.method)
    assert.are.equal("https://connect-campaigns.us-east-1.amazonaws.com/v2/campaigns/c1/communication-limits", req.url)
    assert.are.equal('{"communicationLimitsOverride": {"allChannelSubtypes": {"communicationLimitsList": '
      .. '[{"maxCountPerRecipient": 3, "frequency": 7, "unit": "DAY"}]}, "instanceLimitsHandling": "OPT_OUT"}}', req.body)
  end)

  it("put_instance_communication_limits: PUT with the instance config", function()
    local c, seen = capture()
    assert(c:put_instance_communication_limits {
      connectInstanceId = "inst.1_a",
      communicationLimitsConfig = { allChannelSubtypes = { communicationLimitsList = {} } },
    })
    local req = seen[1]
    assert.are.equal("PUT", req.method)
    assert.are.equal("https://connect-campaigns.us-east-1.amazonaws.com/v2/connect-instance/inst.1_a/communication-limits", req.url)
    assert.are.equal('{"communicationLimitsConfig": {"allChannelSubtypes": {"communicationLimitsList": []}}}', req.body)
  end)

  it("untag_resource: DELETE with the keys repeated in the query", function()
    local c, seen = capture()
    assert(c:untag_resource { arn = "arn:aws:connect-campaigns:us-east-1:123456789012:campaign/c1", tagKeys = { "team", "cost center" } })
    local req = seen[1]
    assert.are.equal("DELETE", req.method)
    assert.are.equal("https://connect-campaigns.us-east-1.amazonaws.com/v2/tags/"
      .. "arn%3Aaws%3Aconnect-campaigns%3Aus-east-1%3A123456789012%3Acampaign%2Fc1?tagKeys=team&tagKeys=cost%20center", req.url)
    assert.is_nil(req.body)
  end)

  it("sends {} for a body operation with no body member set, and no body otherwise", function()
    local c, seen = capture()
    assert(c:list_campaigns())
    assert(c:pause_campaign { id = "c1" })
    assert.are.equal("{}", seen[1].body)
    assert.are.equal("application/json", seen[1].headers["Content-Type"])
    assert.are.equal("POST", seen[2].method)
    assert.is_nil(seen[2].body)
    assert.is_nil(seen[2].headers["Content-Type"])
  end)

  it("keeps false and 0, and serializes empty tables by shape", function()
    local c, seen = capture()
    assert(c:update_campaign_entry_limits { id = "c", entryLimitsConfig = { maxEntryCount = 0, minEntryInterval = "PT0S" } })
    assert.are.equal('{"entryLimitsConfig": {"maxEntryCount": 0, "minEntryInterval": "PT0S"}}', seen[1].body)
  end)

  it("writes floats as Python does and keeps Lua integers integral", function()
    local c, seen = capture()
    local function with_capacity(v)
      return { id = "c", channelSubtypeConfig = { email = { capacity = v, outboundMode = { agentless = {} },
        defaultOutboundConfig = { connectSourceEmailAddress = "a@b.co", wisdomTemplateArn = "arn:aws:wisdom:us-east-1:1:template/t" } } } }
    end
    assert(c:update_campaign_channel_subtype_config(with_capacity(1.0)))
    assert(c:update_campaign_channel_subtype_config(with_capacity(1)))
    assert(c:update_campaign_channel_subtype_config(with_capacity(0.1)))
    -- Lua 5.3+ tells 1.0 from 1; on 5.1 and LuaJIT they are one value, an integer
    assert.matches(math.type and '"capacity": 1.0,' or '"capacity": 1,', seen[1].body, 1, true)
    assert.matches('"capacity": 1,', seen[2].body, 1, true)
    assert.matches('"capacity": 0.1,', seen[3].body, 1, true)
  end)

  it("escapes non-ASCII as json.dumps does", function()
    local c, seen = capture()
    assert(c:update_campaign_name { id = "c", name = "Fête 🎉 \"x\"" })
    assert.are.equal('{"name": "F\\u00eate \\ud83c\\udf89 \\"x\\""}', seen[1].body)
  end)

  it("sends timestamps as UTC, with microseconds only when there is a fraction", function()
    local c, seen = capture()
    assert(c:update_campaign_schedule { id = "c", schedule = { startTime = "2026-01-01T00:00:00-08:00", endTime = 1767225600.25 } })
    assert.are.equal('{"schedule": {"startTime": "2026-01-01T08:00:00Z", "endTime": "2026-01-01T00:00:00.250000Z"}}',
      seen[1].body)
  end)
end)
