-- Every validation rule, through the Lua API: a ParamValidationError naming
-- the path of the bad value, and nothing sent.
local H = require "helpers"

describe("input validation", function()
  local sent, client
  before_each(function()
    sent = 0
    client = H.client({ url = "http://127.0.0.1:9" }, { transport = function()
      sent = sent + 1
      return { status = 200, headers = {}, body = "{}" }
    end })
  end)

  -- The call is refused before anything is sent; returns the error.
  local function refused(op, params)
    local out, err = client[op](client, params)
    assert.is_nil(out)
    assert.are.equal("ParamValidationError", err.code)
    assert.is_nil(err.status)
    assert.is_false(err.retryable)
    assert.are.equal(0, sent)
    return err
  end

  local function rejects(op, params, message)
    assert.are.equal(message, refused(op, params).message)
  end

  local function limits(list)
    return { id = "c1", communicationLimitsOverride = { allChannelSubtypes = { communicationLimitsList = list } } }
  end

  it("names an unknown member and lists the valid ones", function()
    rejects("update_campaign_name", { id = "c", name = "n", nmae = "typo" },
      'Unknown parameter in input: "nmae", must be one of: id, name')
  end)

  it("names a missing required member, nested too", function()
    rejects("create_campaign", { name = "n" }, 'Missing required parameter in input: "connectInstanceId"')
    rejects("update_campaign_communication_limits", limits { { maxCountPerRecipient = 1, frequency = 1 } },
      'Missing required parameter in communicationLimitsOverride.allChannelSubtypes.communicationLimitsList[1]: "unit"')
  end)

  it("checks strings, booleans, integers and numbers", function()
    rejects("update_campaign_name", { id = "c", name = 42 },
      "Invalid type for parameter name, type: integer, valid types: string")
    rejects("update_campaign_communication_limits", limits { { maxCountPerRecipient = 1, frequency = 1.5, unit = "DAY" } },
      "Invalid type for parameter communicationLimitsOverride.allChannelSubtypes.communicationLimitsList[1].frequency, "
      .. "type: number (not integral), valid types: integer")
    rejects("update_campaign_communication_limits", limits {
        { maxCountPerRecipient = 1, frequency = 1, unit = "DAY" },
        { maxCountPerRecipient = 1, frequency = "2", unit = "DAY" } },
      "Invalid type for parameter communicationLimitsOverride.allChannelSubtypes.communicationLimitsList[2].frequency, "
      .. "type: string, valid types: integer")
    rejects("create_campaign", { name = "n", connectInstanceId = "i", channelSubtypeConfig = { telephony = {
        capacity = "full", outboundMode = { agentless = {} }, defaultOutboundConfig = { connectContactFlowId = "f" } } } },
      "Invalid type for parameter channelSubtypeConfig.telephony.capacity, type: string, valid types: number")
    rejects("create_campaign", { name = "n", connectInstanceId = "i", channelSubtypeConfig = { telephony = {
        outboundMode = { agentless = {} }, defaultOutboundConfig = { connectContactFlowId = "f",
        answerMachineDetectionConfig = { enableAnswerMachineDetection = "yes" } } } } },
      "Invalid type for parameter channelSubtypeConfig.telephony.defaultOutboundConfig.answerMachineDetectionConfig"
      .. ".enableAnswerMachineDetection, type: string, valid types: boolean")
  end)

  it("sends a NaN or infinite double as botocore does, as a JSON string", function()
    local body
    client = H.client({ url = "http://127.0.0.1:9" }, { transport = function(req)
      body = req.body
      return { status = 200, headers = {}, body = "{}" }
    end })
    for value, text in pairs { NaN = 0 / 0, Infinity = math.huge, ["-Infinity"] = -math.huge } do
      assert(client:create_campaign { name = "n", connectInstanceId = "i", channelSubtypeConfig = { telephony = {
        capacity = text, outboundMode = { agentless = {} }, defaultOutboundConfig = { connectContactFlowId = "f" } } } })
      assert.matches('"capacity": "' .. value:gsub("%-", "%%-") .. '"', body)
    end
  end)

  it("accepts 3.0 as an integer and sends it as 3", function()
    local body
    client = H.client({ url = "http://127.0.0.1:9" }, { transport = function(req)
      body = req.body
      return { status = 200, headers = {}, body = "" }
    end })
    assert(client:update_campaign_communication_limits(limits { { maxCountPerRecipient = 3.0, frequency = 7, unit = "DAY" } }))
    assert.matches('"maxCountPerRecipient": 3,', body, 1, true)
  end)

  it("wants tables for structures, lists and maps", function()
    rejects("create_campaign", { name = "n", connectInstanceId = "i", schedule = "tomorrow" },
      "Invalid type for parameter schedule, type: string, valid types: table")
    rejects("untag_resource", { arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c", tagKeys = "a" },
      "Invalid type for parameter tagKeys, type: string, valid types: table (a sequence)")
    rejects("create_campaign", { name = "n", connectInstanceId = "i", tags = "a=b" },
      "Invalid type for parameter tags, type: string, valid types: table (with string keys)")
    rejects("update_campaign_name", { id = "c", name = print },
      "Invalid type for parameter name, type: function, valid types: string")
  end)

  it("wants a list to be a sequence", function()
    rejects("untag_resource", { arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c", tagKeys = { "a", nil, "c" } },
      "Invalid type for parameter tagKeys, type: table (not a sequence), valid types: table (a sequence)")
    rejects("untag_resource", { arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c", tagKeys = { "a", x = "b" } },
      "Invalid type for parameter tagKeys, type: table (not a sequence), valid types: table (a sequence)")
    -- keys 1, 2, 4, ... 2^40: the length of such a table is any border, not its 41 keys
    local sparse = {}
    for k = 0, 40 do sparse[math.floor(2 ^ k)] = "k" end
    rejects("untag_resource", { arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c", tagKeys = sparse },
      "Invalid type for parameter tagKeys, type: table (not a sequence), valid types: table (a sequence)")
  end)

  it("wants string keys in a map", function()
    rejects("tag_resource", { arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c", tags = { [1] = "x" } },
      "Invalid type for a key of parameter tags, type: integer, valid types: string")
    rejects("tag_resource", { arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c", tags = { [true] = "x" } },
      "Invalid type for a key of parameter tags, type: boolean, valid types: string")
  end)

  it("wants exactly one member of a union", function()
    local function telephony(mode)
      return { name = "n", connectInstanceId = "i", channelSubtypeConfig = { telephony = {
        outboundMode = mode, defaultOutboundConfig = { connectContactFlowId = "f" } } } }
    end
    rejects("create_campaign", telephony {}, "Must set one of the following keys for tagged union structure "
      .. "channelSubtypeConfig.telephony.outboundMode: progressive, predictive, agentless, preview.")
    rejects("create_campaign", telephony { agentless = {}, progressive = { bandwidthAllocation = 1 } },
      "Invalid number of parameters set for tagged union structure channelSubtypeConfig.telephony.outboundMode. "
      .. "Can only set one of the following keys: progressive, predictive, agentless, preview.")
  end)

  it("checks the min length of strings and lists, and the min of numbers", function()
    rejects("describe_campaign", { id = "" }, "Invalid length for parameter id, value: 0, valid min length: 1")
    rejects("tag_resource", { arn = "arn:short", tags = {} },
      "Invalid length for parameter arn, value: 9, valid min length: 20")
    rejects("get_campaign_state_batch", { campaignIds = {} },
      "Invalid length for parameter campaignIds, value: 0, valid min length: 1")
    rejects("list_campaigns", { maxResults = 0 }, "Invalid value for parameter maxResults, value: 0, valid min value: 1")
    rejects("create_campaign", { name = "n", connectInstanceId = "i", channelSubtypeConfig = { sms = {
        capacity = 0.001, outboundMode = { agentless = {} },
        defaultOutboundConfig = { connectSourcePhoneNumberArn = ("a"):rep(20), wisdomTemplateArn = ("w"):rep(20) } } } },
      "Invalid value for parameter channelSubtypeConfig.sms.capacity, value: 0.001, valid min value: 0.01")
  end)

  it("counts characters, not bytes, for a min length", function()
    -- "é" is two bytes and one character: the name's min is 1, so it passes
    assert(client:update_campaign_name { id = "c", name = "é" })
  end)

  it("refuses strings that are not UTF-8", function()
    rejects("update_campaign_name", { id = "c", name = "caf\233" },
      "Invalid value for parameter name: not valid UTF-8")
    rejects("tag_resource", { arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c", tags = { ["\255"] = "v" } },
      "Invalid value for parameter tags (key: \255): not valid UTF-8")
  end)

  local FORMS = "number (epoch seconds), string (ISO-8601 such as 2026-03-01T09:00:00Z, 20260301T090000Z or "
    .. "2026-03-01; RFC 822 such as Sun, 01 Mar 2026 09:00:00 GMT; epoch seconds such as 1772355600)"

  it("reads timestamps in the forms botocore reads, and lists them when refusing one", function()
    rejects("update_campaign_schedule", { id = "c", schedule = { startTime = "next monday", endTime = 1 } },
      "Invalid type for parameter schedule.startTime, type: string (not a date and time), valid types: " .. FORMS)
    rejects("update_campaign_schedule", { id = "c", schedule = { startTime = 1, endTime = true } },
      "Invalid type for parameter schedule.endTime, type: boolean, valid types: " .. FORMS)
  end)

  it("survives cycles and deep nesting", function()
    local t = {}
    t.allChannelSubtypes = t
    -- the cycle is named where it closes (it once surfaced as a made-up unknown member)
    rejects("update_campaign_communication_limits", { id = "c", communicationLimitsOverride = t },
      "Invalid value for parameter communicationLimitsOverride.allChannelSubtypes: "
      .. "a table that contains itself (a cycle)")
    local list = {}
    list[1] = list
    rejects("untag_resource", { arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c", tagKeys = list },
      "Invalid type for parameter tagKeys[1], type: table, valid types: string")
  end)

  describe("reports every problem at once", function()
    it("one line per problem, and err.problems with path, kind and message", function()
      local err = refused("create_campaign", { Name = "n", connect_instance_id = "i", tags = { k = true },
        channelSubtypeConfig = { sms = { capacity = 0, outboundMode = {} } } })
      local lines = {}
      for line in err.message:gmatch("[^\n]+") do lines[#lines + 1] = line end
      assert.are.equal(8, #err.problems)
      assert.are.equal(#err.problems, #lines)
      for i, p in ipairs(err.problems) do
        assert.are.equal(lines[i], p.message)
        assert.is_string(p.path)
        assert.is_string(p.kind)
      end
      -- botocore's order: the structure's own problems first, then its members'
      assert.are.same({ path = "name", kind = "missing_required",
        message = 'Missing required parameter in input: "name"' }, err.problems[1])
      assert.are.same({ path = "tags.k", kind = "invalid_type",
        message = "Invalid type for parameter tags.k, type: boolean, valid types: string" }, err.problems[8])
      assert.matches('^ParamValidationError: Missing required parameter in input: "name"\n', tostring(err))
    end)

    it("hints at the member a name differs from only in case or snake_case", function()
      local err = refused("update_campaign_name", { ID = "c", name = "n" })
      assert.are.equal('Missing required parameter in input: "id"\n'
        .. 'Unknown parameter in input: "ID", did you mean "id"?', err.message)
      err = refused("create_campaign", { name = "n", connect_instance_id = "i" })
      assert.are.equal('Unknown parameter in input: "connect_instance_id", did you mean "connectInstanceId"?',
        err.problems[2].message)
      assert.are.equal("connect_instance_id", err.problems[2].path)
      assert.are.equal("unknown_parameter", err.problems[2].kind)
      -- a name that is not a variant of a member lists them all, as botocore does
      err = refused("update_campaign_name", { id = "c", name = "n", nmae = "x" })
      assert.are.equal('Unknown parameter in input: "nmae", must be one of: id, name', err.message)
    end)

    it("lists unknown members in the same order on every run", function()
      local params = { id = "c", name = "n" }
      for i = 1, 20 do params["zz" .. i] = i end
      local first = refused("update_campaign_name", params).message
      for _ = 1, 5 do
        local again = {}
        for k, v in pairs(params) do again[k] = v end
        assert.are.equal(first, refused("update_campaign_name", again).message)
      end
      assert.matches('^Unknown parameter in input: "zz1",', first)
    end)

    it("collects what only Lua can get wrong too: UTF-8, sequences, keys", function()
      local err = refused("tag_resource", { arn = "short", tags = { ["caf\233"] = "x", [1] = "y" } })
      local kinds = {}
      for _, p in ipairs(err.problems) do kinds[#kinds + 1] = p.kind .. " " .. p.path end
      table.sort(kinds)
      assert.are.same({ "invalid_length arn", "invalid_type tags", "invalid_value tags (key: caf\233)" }, kinds)
    end)

    it("caps a huge report and says how many more there were", function()
      local list = {}
      for i = 1, 80 do list[i] = { maxCountPerRecipient = 0, frequency = 1, unit = "DAY" } end
      local err = refused("update_campaign_communication_limits", limits(list))
      assert.are.equal(50, #err.problems)
      assert.matches("\n%(and 30 more problems%)$", err.message)
    end)
  end)
end)
