-- The emulator over real HTTP: every one of the model's operations through
-- the client, the life cycle, validation, errors, state across restarts,
-- fault injection, and the paginators.
local core = require "connectcampaigns.core"
local emulator = require "connectcampaigns.emulator"
local H = require "helpers"

local INSTANCE = "inst-1"
local PHONE_ARN = "arn:aws:connect:us-east-1:123456789012:phone-number/p1"
local TEMPLATE_ARN = "arn:aws:wisdom:us-east-1:123456789012:template/t1"
local DOMAIN_ARN = "arn:aws:profile:us-east-1:123456789012:domains/d1"

local function new_campaign(client, name, instance)
  return assert(client:create_campaign {
    name = name or "c",
    connectInstanceId = instance or INSTANCE,
    channelSubtypeConfig = {
      telephony = { outboundMode = { agentless = {} }, defaultOutboundConfig = { connectContactFlowId = "flow-1" } },
      sms = { outboundMode = { agentless = {} },
        defaultOutboundConfig = { connectSourcePhoneNumberArn = PHONE_ARN, wisdomTemplateArn = TEMPLATE_ARN } },
    },
    tags = { team = "growth" },
  })
end

describe("the emulator", function()
  local emu, client

  setup(function()
    emu = H.start_emulator()
    client = emu.client()
  end)
  teardown(function()
    if client then client:close() end
    if emu then emu.stop() end
  end)
  before_each(function() emu.control("reset", {}) end)

  it("has a handler for every operation of the model", function()
    local model = assert(core.json_decode(core.model_json()))
    for name in pairs(model.operations) do
      assert.is_function(emulator.handlers[name], name)
    end
  end)

  it("runs every one of the 37 operations through the client", function()
    local used = {}
    local function call(op, params)
      used[op] = true
      local out, err = client[op](client, params)
      assert(out, op .. ": " .. tostring(err))
      return out
    end
    -- instance onboarding and configuration
    local job = call("start_instance_onboarding_job", { connectInstanceId = INSTANCE,
      encryptionConfig = { enabled = true, encryptionType = "KMS", keyArn = "arn:aws:kms:us-east-1:123456789012:key/k" } })
    assert.are.equal("SUCCEEDED", job.connectInstanceOnboardingJobStatus.status)
    assert.are.equal("SUCCEEDED", call("get_instance_onboarding_job_status",
      { connectInstanceId = INSTANCE }).connectInstanceOnboardingJobStatus.status)
    local cfg = call("get_connect_instance_config", { connectInstanceId = INSTANCE }).connectInstanceConfig
    assert.is_true(cfg.encryptionConfig.enabled)
    assert.matches("AWSServiceRoleForConnectCampaigns$", cfg.serviceLinkedRoleArn)
    -- integrations
    call("put_connect_instance_integration", { connectInstanceId = INSTANCE, integrationConfig = {
      customerProfiles = { domainArn = DOMAIN_ARN, objectTypeNames = { ["Campaign-SMS"] = "sms-object" } } } })
    call("put_connect_instance_integration", { connectInstanceId = INSTANCE, integrationConfig = {
      lambda = { functionArn = "arn:aws:lambda:us-east-1:123456789012:function:f" } } })
    local integ = call("list_connect_instance_integrations", { connectInstanceId = INSTANCE })
    assert.are.equal(2, #integ.integrationSummaryList)
    assert.are.equal("sms-object", integ.integrationSummaryList[1].customerProfiles.objectTypeNames["Campaign-SMS"])
    call("delete_connect_instance_integration", { connectInstanceId = INSTANCE,
      integrationIdentifier = { lambda = { functionArn = "arn:aws:lambda:us-east-1:123456789012:function:f" } } })
    assert.are.equal(1, #call("list_connect_instance_integrations", { connectInstanceId = INSTANCE }).integrationSummaryList)
    -- instance limits
    call("put_instance_communication_limits", { connectInstanceId = INSTANCE, communicationLimitsConfig = {
      allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = 5, frequency = 30, unit = "DAY" } } } } })
    assert.are.equal(5, call("get_instance_communication_limits", { connectInstanceId = INSTANCE })
      .communicationLimitsConfig.allChannelSubtypes.communicationLimitsList[1].maxCountPerRecipient)
    -- a campaign and each of its parts
    local created = call("create_campaign", { name = "all-ops", connectInstanceId = INSTANCE, channelSubtypeConfig = {
      telephony = { outboundMode = { agentless = {} }, defaultOutboundConfig = { connectContactFlowId = "flow-1" } } } })
    local id = created.id
    call("update_campaign_name", { id = id, name = "renamed" })
    call("update_campaign_schedule", { id = id, schedule = { startTime = "2030-01-01T00:00:00Z", endTime = 1893542400 } })
    call("update_campaign_source", { id = id, source = { customerProfilesSegmentArn = DOMAIN_ARN .. "/segment-definitions/s" } })
    call("update_campaign_flow_association", { id = id,
      connectCampaignFlowArn = "arn:aws:connect:us-east-1:123456789012:instance/i/contact-flow/f" })
    call("update_campaign_entry_limits", { id = id, entryLimitsConfig = { maxEntryCount = 0, minEntryInterval = "PT1H" } })
    call("update_campaign_communication_time", { id = id, communicationTimeConfig = {
      localTimeZoneConfig = { defaultTimeZone = "Europe/Paris" },
      telephony = { openHours = { dailyHours = { MONDAY = { { startTime = "T09:00", endTime = "T17:00" } } } } },
      sms = { openHours = { dailyHours = {} } } } })
    call("update_campaign_communication_limits", { id = id, communicationLimitsOverride = {
      allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = 2, frequency = 1, unit = "DAY" } } } } })
    call("update_campaign_channel_subtype_config", { id = id, channelSubtypeConfig = {
      telephony = { outboundMode = { agentless = {} }, defaultOutboundConfig = { connectContactFlowId = "flow-1" } },
      email = { outboundMode = { agentless = {} }, defaultOutboundConfig = {
        connectSourceEmailAddress = "a@example.com", wisdomTemplateArn = TEMPLATE_ARN } } } })
    local c = call("describe_campaign", { id = id }).campaign
    assert.are.equal("renamed", c.name)
    assert.are.equal(1893456000, c.schedule.startTime)
    assert.are.equal(0, c.entryLimitsConfig.maxEntryCount)
    assert.are.equal("T09:00", c.communicationTimeConfig.telephony.openHours.dailyHours.MONDAY[1].startTime)
    assert.is_table(c.channelSubtypeConfig.email)
    call("delete_campaign_channel_subtype_config", { id = id, channelSubtype = "EMAIL" })
    call("delete_campaign_communication_time", { id = id, config = "SMS" })
    call("delete_campaign_communication_limits", { id = id, config = "ALL_CHANNEL_SUBTYPES" })
    call("delete_campaign_entry_limits", { id = id })
    c = call("describe_campaign", { id = id }).campaign
    assert.is_nil(c.channelSubtypeConfig.email)
    assert.is_nil(c.communicationTimeConfig.sms)
    assert.is_table(c.communicationTimeConfig.telephony)
    assert.is_nil(c.communicationLimitsOverride)
    assert.is_nil(c.entryLimitsConfig)
    -- tags
    call("tag_resource", { arn = created.arn, tags = { env = "dev", team = "ops" } })
    call("untag_resource", { arn = created.arn, tagKeys = { "team" } })
    assert.are.same({ env = "dev" }, call("list_tags_for_resource", { arn = created.arn }).tags)
    -- life cycle and outbound requests
    call("start_campaign", { id = id })
    local future = os.time() + 3600
    local batch = call("put_outbound_request_batch", { id = id, outboundRequests = {
      { clientToken = "t1", expirationTime = future, channelSubtypeParameters = { telephony = {
        destinationPhoneNumber = "+15550101", attributes = { customerName = "Ana" } } } },
      { clientToken = "t2", expirationTime = future, channelSubtypeParameters = { sms = {
        destinationPhoneNumber = "+15550102", templateParameters = {} } } },
      { clientToken = "t3", expirationTime = os.time() - 10, channelSubtypeParameters = { telephony = {
        destinationPhoneNumber = "+15550103", attributes = {} } } },
    } })
    assert.are.equal(1, #batch.successfulRequests)
    assert.are.equal("t1", batch.successfulRequests[1].clientToken)
    assert.are.same({ { clientToken = "t2", failureCode = "InvalidInput" }, { clientToken = "t3", failureCode = "InvalidInput" } },
      batch.failedRequests)
    local again = call("put_outbound_request_batch", { id = id, outboundRequests = {
      { clientToken = "t1", expirationTime = future, channelSubtypeParameters = { telephony = {
        destinationPhoneNumber = "+15550101", attributes = {} } } } } })
    assert.are.equal(batch.successfulRequests[1].id, again.successfulRequests[1].id)
    local pb = call("put_profile_outbound_request_batch", { id = id, profileOutboundRequests = {
      { clientToken = "p1", profileId = "0123456789abcdef0123456789abcdef", expirationTime = future } } })
    assert.are.equal("p1", pb.successfulRequests[1].clientToken)
    call("pause_campaign", { id = id })
    call("resume_campaign", { id = id })
    assert.are.equal("Running", call("get_campaign_state", { id = id }).state)
    call("stop_campaign", { id = id })
    local states = call("get_campaign_state_batch", { campaignIds = { id, "missing" } })
    assert.are.same({ { campaignId = id, state = "Stopped" } }, states.successfulRequests)
    assert.are.same({ { campaignId = "missing", failureCode = "ResourceNotFound" } }, states.failedRequests)
    assert.are.equal(1, #call("list_campaigns", {}).campaignSummaryList)
    call("delete_campaign", { id = id })
    -- and the instance goes away again
    call("delete_instance_onboarding_job", { connectInstanceId = INSTANCE })
    call("delete_connect_instance_config", { connectInstanceId = INSTANCE, campaignDeletionPolicy = "DELETE_ALL" })
    local _, err = client:get_connect_instance_config { connectInstanceId = INSTANCE }
    assert.are.equal("ResourceNotFoundException", err.code)
    local count = 0
    for _ in pairs(used) do count = count + 1 end
    assert.are.equal(37, count)
  end)

  it("refuses transitions the service refuses, with the current state", function()
    local c = new_campaign(client)
    for _, case in ipairs {
      { "pause_campaign", "Initialized" }, { "resume_campaign", "Initialized" }, { "stop_campaign", "Initialized" } } do
      local _, err = client[case[1]](client, { id = c.id })
      assert.are.equal("InvalidCampaignStateException", err.code)
      assert.are.equal(409, err.status)
      assert.are.equal(case[2], err.state)
    end
    assert(client:start_campaign { id = c.id })
    local _, err = client:start_campaign { id = c.id }
    assert.are.equal("Running", err.state)
    assert(client:stop_campaign { id = c.id })
    _, err = client:resume_campaign { id = c.id }
    assert.are.equal("Stopped", err.state)
    _, err = client:put_outbound_request_batch { id = c.id, outboundRequests = { { clientToken = "x",
      expirationTime = os.time() + 60, channelSubtypeParameters = { telephony = {
        destinationPhoneNumber = "+1555", attributes = {} } } } } }
    assert.are.equal("InvalidCampaignStateException", err.code)
  end)

  it("answers unknown ids with ResourceNotFoundException and a request id", function()
    local _, err = client:describe_campaign { id = "nope" }
    assert.are.equal("ResourceNotFoundException", err.code)
    assert.are.equal(404, err.status)
    assert.matches("^emu%-", err.request_id)
    _, err = client:list_tags_for_resource { arn = "arn:aws:connect-campaigns:us-east-1:123456789012:campaign/none" }
    assert.are.equal("ResourceNotFoundException", err.code)
  end)

  it("answers a duplicate name with ConflictException", function()
    new_campaign(client, "dup")
    local _, err = client:create_campaign { name = "dup", connectInstanceId = INSTANCE }
    assert.are.equal("ConflictException", err.code)
    assert.are.equal(409, err.status)
  end)

  describe("validation the client leaves to the service", function()
    local function raw(op, params)
      -- through prepare + the transport, so only the emulator judges it
      local req = assert(client:prepare(op, params))
      local http = core.http { timeout = 10 }
      local resp = assert(http:request(req))
      http:close()
      return resp
    end

    it("checks enums", function()
      local _, err = client:update_campaign_communication_limits { id = "x", communicationLimitsOverride = {
        allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = 1, frequency = 1, unit = "WEEK" } } } } }
      assert.are.equal("ValidationException", err.code)
      assert.are.equal(400, err.status)
      assert.are.equal("Value at 'communicationLimitsOverride.allChannelSubtypes.communicationLimitsList[1].unit' "
        .. "failed to satisfy constraint: Member must satisfy enum value set: [DAY]", err.message)
    end)

    it("checks maxima of lengths, lists and numbers", function()
      local _, err = client:update_campaign_name { id = "x", name = string.rep("n", 128) }
      assert.are.equal("Value at 'name' failed to satisfy constraint: Member must have length less than or equal to 127",
        err.message)
      _, err = client:list_campaigns { maxResults = 51 }
      assert.are.equal("Value at 'maxResults' failed to satisfy constraint: Member must be less than or equal to 50",
        err.message)
      local ids = {}
      for i = 1, 26 do ids[i] = "c" .. i end
      _, err = client:get_campaign_state_batch { campaignIds = ids }
      assert.are.equal("Value at 'campaignIds' failed to satisfy constraint: Member must have length less than or equal to 25",
        err.message)
    end)

    it("checks the model's patterns, lookaheads included", function()
      local _, err = client:describe_campaign { id = "bad id!" }
      assert.are.equal("ValidationException", err.code)
      assert.matches("Member must satisfy regular expression pattern: [-:/a-zA-Z0-9]+", err.message, 1, true)
      local c = new_campaign(client)
      _, err = client:tag_resource { arn = c.arn, tags = { [""] = "x" } }
      assert.are.equal("ParamValidationError", err.code) -- min length: the client's own check
      _, err = client:tag_resource { arn = c.arn, tags = { ["bad key!"] = "x" } }
      assert.are.equal("ValidationException", err.code)
      _, err = client:tag_resource { arn = c.arn, tags = { ["aws:reserved"] = "x" } }
      assert.are.equal("ValidationException", err.code) -- the (?!aws:) lookahead
      assert(client:tag_resource { arn = c.arn, tags = { ["cost:center"] = "x" } })
    end)

    it("refuses a request with the wrong method for a path", function()
      local resp = raw("DescribeCampaign", { id = "x" })
      assert.are.equal(404, resp.status)
      assert.are.equal("ResourceNotFoundException", resp.headers["x-amzn-errortype"])
      assert.is_string(resp.headers["x-amzn-requestid"])
    end)
  end)

  it("refuses a bad signature with 403 InvalidSignatureException", function()
    local bad = emu.client { credentials = { access_key_id = "test", secret_access_key = "wrong" } }
    local _, err = bad:list_campaigns {}
    assert.are.equal("InvalidSignatureException", err.code)
    assert.are.equal(403, err.status)
    -- an access key the emulator does not know is refused as AWS refuses it
    local other = emu.client { credentials = { access_key_id = "someone-else", secret_access_key = "test" } }
    _, err = other:list_campaigns {}
    assert.are.equal("UnrecognizedClientException", err.code)
    assert.are.equal(403, err.status)
    bad:close()
    other:close()
  end)

  describe("fault injection", function()
    it("follows a sequence exactly", function()
      emu.control("faults", { sequence = { "throttle", "error500", "error503", "ok" } })
      local codes = {}
      for i = 1, 4 do
        local out, err = client:list_campaigns {}
        codes[i] = out and "ok" or (err.code .. "/" .. tostring(err.status))
      end
      assert.are.same({ "ThrottlingException/429", "InternalServerException/500", "ServiceUnavailableException/503", "ok" }, codes)
    end)

    it("drops connections", function()
      emu.control("faults", { sequence = { "drop", "drop" } })
      local _, err = client:list_campaigns {}
      assert.are.equal("NetworkError", err.code)
      assert(client:list_campaigns {})
    end)

    it("throttles at a rate set at run time", function()
      emu.control("faults", { throttle_rate = 1 })
      local _, err = client:list_campaigns {}
      assert.are.equal("ThrottlingException", err.code)
      assert.is_true(err.retryable)
      emu.control("faults", { throttle_rate = 0 })
      assert(client:list_campaigns {})
    end)

    it("adds latency that a client timeout notices", function()
      emu.control("faults", { latency = 0.6 })
      local quick = emu.client { timeout = 0.2 }
      local _, err = quick:list_campaigns {}
      assert.are.equal("TimeoutError", err.code)
      emu.control("faults", { latency = 0 })
      quick:close()
    end)
  end)

  describe("paginators", function()
    it("walk pages and items of list_campaigns with maxResults", function()
      for i = 1, 7 do new_campaign(client, "p" .. i) end
      local sizes = {}
      for page, err in client:pages("list_campaigns", { maxResults = 3 }) do
        assert(page, tostring(err))
        sizes[#sizes + 1] = #page.campaignSummaryList
      end
      assert.are.same({ 3, 3, 1 }, sizes)
      local names = {}
      for item, err in client:items("list_campaigns", { maxResults = 2 }) do
        assert(item, tostring(err))
        names[#names + 1] = item.name
      end
      assert.are.same({ "p1", "p2", "p3", "p4", "p5", "p6", "p7" }, names)
    end)

    it("walk list_connect_instance_integrations", function()
      for i = 1, 3 do
        assert(client:put_connect_instance_integration { connectInstanceId = INSTANCE, integrationConfig = {
          qConnect = { knowledgeBaseArn = "arn:aws:wisdom:us-east-1:123456789012:knowledge-base/kb" .. i } } })
      end
      local count = 0
      for item in client:items("list_connect_instance_integrations", { connectInstanceId = INSTANCE, maxResults = 1 }) do
        assert.is_string(item.qConnect.knowledgeBaseArn)
        count = count + 1
      end
      assert.are.equal(3, count)
    end)

    it("end with the error of a failed page", function()
      local seen = {}
      for page, err in client:pages("list_campaigns", { maxResults = 0 }) do
        seen[#seen + 1] = { page, err }
      end
      assert.are.equal(1, #seen)
      assert.is_false(seen[1][1])
      assert.are.equal("ParamValidationError", seen[1][2].code)
    end)

    it("refuse an operation that does not paginate", function()
      assert.has_error(function() client:pages("describe_campaign", {}) end,
        "'describe_campaign' does not paginate; these do: list_campaigns, list_connect_instance_integrations")
    end)
  end)
end)

describe("paginators against a service that repeats its token", function()
  it("stop with a PaginationError", function()
    local calls = 0
    local c = H.client({ url = "http://127.0.0.1:9" }, { transport = function()
      calls = calls + 1
      return { status = 200, headers = {}, body = '{"campaignSummaryList": [], "nextToken": "same"}' }
    end })
    local results = {}
    for page, err in c:pages("list_campaigns", {}) do results[#results + 1] = page or err end
    assert.are.equal(2, calls)
    assert.are.equal(2, #results)
    assert.are.equal("PaginationError", results[2].code)
  end)
end)

describe("the emulator's state file", function()
  it("keeps campaigns across restarts, written atomically", function()
    local file = os.tmpname()
    os.remove(file)
    local emu = H.start_emulator("--state " .. file)
    local c = emu.client()
    local created = new_campaign(c, "kept")
    assert(c:start_campaign { id = created.id })
    c:close()
    emu.stop()
    local f = assert(io.open(file, "rb"))
    assert.is_table(core.json_decode(f:read("*a")))
    f:close()
    local dir, base = file:match("^(.*)/([^/]+)$")
    local listing = H.run("ls -a " .. dir)
    assert.is_nil(listing:find(base .. ".tmp.", 1, true), "a temporary file was left behind")

    emu = H.start_emulator("--state " .. file)
    c = emu.client()
    local out = assert(c:describe_campaign { id = created.id })
    assert.are.equal("kept", out.campaign.name)
    assert.are.equal("Running", assert(c:get_campaign_state { id = created.id }).state)
    c:close()
    emu.stop()
    os.remove(file)
  end)

  it("refuses a state file that is not JSON", function()
    local file = os.tmpname()
    local f = assert(io.open(file, "wb"))
    f:write("not json")
    f:close()
    local emu, err = emulator.new { state_file = file }
    assert.is_nil(emu)
    assert.matches("is not JSON", err)
    os.remove(file)
  end)
end)
