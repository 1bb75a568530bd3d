--- The behaviour of Connect Campaigns V2 in the emulator: one handler per
-- operation of the model, each `function(emu, input) -> output` or
-- `nil, code, message, extra` for a service error.
-- @module connectcampaigns.emulator.service

local M = {}
local H = {}
M.handlers = H

local function copy(v)
  if type(v) ~= "table" then return v end
  local t = {}
  for k, x in pairs(v) do t[k] = copy(x) end
  return t
end
M.copy = copy

local function uuid()
  local function hex(n)
    local t = {}
    for i = 1, n do t[i] = string.format("%x", math.random(0, 15)) end
    return table.concat(t)
  end
  return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-" .. string.format("%x", math.random(8, 11))
    .. hex(3) .. "-" .. hex(12)
end

--- A new, empty state (what --state FILE keeps).
function M.new_state()
  return {
    campaigns = {},        -- id -> campaign (as DescribeCampaign returns it)
    order = {},            -- campaign ids in creation order
    states = {},           -- id -> CampaignState
    instance_limits = {},  -- instance id -> InstanceCommunicationLimitsConfig
    instance_configs = {}, -- instance id -> InstanceConfig
    onboarding = {},       -- instance id -> InstanceOnboardingJobStatus
    integrations = {},     -- instance id -> list of IntegrationSummary
    outbound = {},         -- campaign id -> client token -> request id
  }
end

-- {====== Campaigns ======

local function find_campaign(emu, id)
  local c = emu.state.campaigns[id]
  if c then return c end
  for _, x in pairs(emu.state.campaigns) do
    if x.arn == id then return x end
  end
  return nil, "ResourceNotFoundException", "Campaign " .. tostring(id) .. " was not found"
end

-- Wraps a handler that works on the campaign named by input.id.
local function on_campaign(fn)
  return function(emu, input)
    local c, code, msg = find_campaign(emu, input.id)
    if not c then return nil, code, msg end
    return fn(emu, c, input)
  end
end

function H.CreateCampaign(emu, input)
  for _, c in pairs(emu.state.campaigns) do
    if c.name == input.name and c.connectInstanceId == input.connectInstanceId then
      return nil, "ConflictException", "A campaign named " .. input.name .. " already exists on this instance"
    end
  end
  local id = uuid()
  local c = copy(input)
  c.id = id
  c.arn = string.format("arn:aws:connect-campaigns:%s:%s:campaign/%s", emu.region, emu.account, id)
  emu.state.campaigns[id] = c
  emu.state.order[#emu.state.order + 1] = id
  emu.state.states[id] = "Initialized"
  return { id = id, arn = c.arn, tags = c.tags }
end

H.DescribeCampaign = on_campaign(function(_, c) return { campaign = c } end)

H.DeleteCampaign = on_campaign(function(emu, c)
  emu.state.campaigns[c.id] = nil
  emu.state.states[c.id] = nil
  emu.state.outbound[c.id] = nil
  for i, id in ipairs(emu.state.order) do
    if id == c.id then table.remove(emu.state.order, i) break end
  end
  return {}
end)

-- Every UpdateCampaign* operation replaces just the members it names
-- (their names are the campaign's own: name, schedule, source, ...).
local update_part = on_campaign(function(_, c, input)
  for k, v in pairs(input) do
    if k ~= "id" then c[k] = copy(v) end
  end
  return {}
end)
for _, name in ipairs { "UpdateCampaignChannelSubtypeConfig", "UpdateCampaignCommunicationLimits",
  "UpdateCampaignCommunicationTime", "UpdateCampaignEntryLimits", "UpdateCampaignFlowAssociation",
  "UpdateCampaignName", "UpdateCampaignSchedule", "UpdateCampaignSource" } do
  H[name] = update_part
end

local CHANNEL_KEY = { TELEPHONY = "telephony", SMS = "sms", EMAIL = "email", WHATSAPP = "whatsApp" }

-- Each DeleteCampaign* operation removes one part of the campaign, or one
-- channel's entry of a part (the query member names the channel).
local DELETE_PART = {
  DeleteCampaignCommunicationLimits = { "communicationLimitsOverride" },
  DeleteCampaignEntryLimits = { "entryLimitsConfig" },
  DeleteCampaignChannelSubtypeConfig = { "channelSubtypeConfig", "channelSubtype" },
  DeleteCampaignCommunicationTime = { "communicationTimeConfig", "config" },
}
for name, part in pairs(DELETE_PART) do
  local member, channel_member = part[1], part[2]
  H[name] = on_campaign(function(_, c, input)
    if not channel_member then
      c[member] = nil
    elseif c[member] then
      c[member][CHANNEL_KEY[input[channel_member]]] = nil
    end
    return {}
  end)
end

-- }======

-- {====== Life cycle ======

local TRANSITIONS = {
  StartCampaign = { from = { Initialized = true }, to = "Running" },
  PauseCampaign = { from = { Running = true }, to = "Paused" },
  ResumeCampaign = { from = { Paused = true }, to = "Running" },
  StopCampaign = { from = { Running = true, Paused = true }, to = "Stopped" },
}
for name, t in pairs(TRANSITIONS) do
  H[name] = on_campaign(function(emu, c)
    local state = emu.state.states[c.id]
    if not t.from[state] then
      return nil, "InvalidCampaignStateException",
        string.format("Campaign %s is %s: %s is not allowed", c.id, state, name), { state = state }
    end
    emu.state.states[c.id] = t.to
    return {}
  end)
end

H.GetCampaignState = on_campaign(function(emu, c) return { state = emu.state.states[c.id] } end)

function H.GetCampaignStateBatch(emu, input)
  local ok, failed = {}, {}
  for _, id in ipairs(input.campaignIds) do
    local c = find_campaign(emu, id)
    if c then
      ok[#ok + 1] = { campaignId = id, state = emu.state.states[c.id] }
    else
      failed[#failed + 1] = { campaignId = id, failureCode = "ResourceNotFound" }
    end
  end
  return { successfulRequests = ok, failedRequests = failed }
end

-- }======

-- {====== Listing ======

-- One page of list, from nextToken (a position) and maxResults.
local function page_of(list, input)
  local start = tonumber(input.nextToken or "1")
  if not start or start < 1 or start % 1 ~= 0 then return nil, "ValidationException", "Invalid nextToken" end
  local max = input.maxResults or 50
  local page = {}
  for i = start, math.min(#list, start + max - 1) do page[#page + 1] = list[i] end
  local nxt = start + max <= #list and string.format("%d", start + max) or nil
  return page, nxt
end

local function summary(c)
  local subtypes = {}
  for _, k in ipairs { "TELEPHONY", "SMS", "EMAIL", "WHATSAPP" } do
    if c.channelSubtypeConfig and c.channelSubtypeConfig[CHANNEL_KEY[k]] then subtypes[#subtypes + 1] = k end
  end
  return { id = c.id, arn = c.arn, name = c.name, connectInstanceId = c.connectInstanceId,
    channelSubtypes = subtypes, type = c.type, schedule = c.schedule, entryLimitsConfig = c.entryLimitsConfig,
    connectCampaignFlowArn = c.connectCampaignFlowArn }
end

function H.ListCampaigns(emu, input)
  local filter = input.filters and input.filters.instanceIdFilter
  local matching = {}
  for _, id in ipairs(emu.state.order) do
    local c = emu.state.campaigns[id]
    if not filter or c.connectInstanceId == filter.value then matching[#matching + 1] = summary(c) end
  end
  local page, nxt, msg = page_of(matching, input)
  if not page then return nil, nxt, msg end
  return { campaignSummaryList = page, nextToken = nxt }
end

-- }======

-- {====== Tags ======

local function by_arn(emu, arn)
  for _, c in pairs(emu.state.campaigns) do
    if c.arn == arn then return c end
  end
  return nil, "ResourceNotFoundException", "Resource " .. tostring(arn) .. " was not found"
end

function H.TagResource(emu, input)
  local c, code, msg = by_arn(emu, input.arn)
  if not c then return nil, code, msg end
  c.tags = c.tags or {}
  for k, v in pairs(input.tags) do c.tags[k] = v end
  return {}
end

function H.UntagResource(emu, input)
  local c, code, msg = by_arn(emu, input.arn)
  if not c then return nil, code, msg end
  for _, k in ipairs(input.tagKeys) do
    if c.tags then c.tags[k] = nil end
  end
  return {}
end

function H.ListTagsForResource(emu, input)
  local c, code, msg = by_arn(emu, input.arn)
  if not c then return nil, code, msg end
  return { tags = c.tags or {} }
end

-- }======

-- {====== Connect instances ======

function H.PutInstanceCommunicationLimits(emu, input)
  emu.state.instance_limits[input.connectInstanceId] = copy(input.communicationLimitsConfig)
  return {}
end

function H.GetInstanceCommunicationLimits(emu, input)
  return { communicationLimitsConfig = emu.state.instance_limits[input.connectInstanceId] or {} }
end

local function instance_not_found(id)
  return nil, "ResourceNotFoundException", "Connect instance " .. tostring(id) .. " is not onboarded"
end

function H.StartInstanceOnboardingJob(emu, input)
  local id = input.connectInstanceId
  local job = emu.state.onboarding[id]
  if job and job.status == "IN_PROGRESS" then
    return nil, "ConflictException", "An onboarding job is already running for " .. id
  end
  -- onboarding finishes at once here: the instance is configured
  emu.state.instance_configs[id] = {
    connectInstanceId = id,
    serviceLinkedRoleArn = string.format(
      "arn:aws:iam::%s:role/aws-service-role/connect-campaigns.amazonaws.com/AWSServiceRoleForConnectCampaigns",
      emu.account),
    encryptionConfig = copy(input.encryptionConfig),
  }
  emu.state.onboarding[id] = { connectInstanceId = id, status = "SUCCEEDED" }
  return { connectInstanceOnboardingJobStatus = emu.state.onboarding[id] }
end

function H.GetInstanceOnboardingJobStatus(emu, input)
  local job = emu.state.onboarding[input.connectInstanceId]
  if not job then return instance_not_found(input.connectInstanceId) end
  return { connectInstanceOnboardingJobStatus = job }
end

function H.DeleteInstanceOnboardingJob(emu, input)
  local job = emu.state.onboarding[input.connectInstanceId]
  if not job then return instance_not_found(input.connectInstanceId) end
  if job.status == "IN_PROGRESS" then
    return nil, "InvalidStateException", "The onboarding job is still running"
  end
  emu.state.onboarding[input.connectInstanceId] = nil
  return {}
end

function H.GetConnectInstanceConfig(emu, input)
  local cfg = emu.state.instance_configs[input.connectInstanceId]
  if not cfg then return instance_not_found(input.connectInstanceId) end
  return { connectInstanceConfig = cfg }
end

function H.DeleteConnectInstanceConfig(emu, input)
  local id = input.connectInstanceId
  if not emu.state.instance_configs[id] then return instance_not_found(id) end
  if input.campaignDeletionPolicy == "DELETE_ALL" then
    for _, c in pairs(copy(emu.state.campaigns)) do
      if c.connectInstanceId == id then H.DeleteCampaign(emu, { id = c.id }) end
    end
  end
  emu.state.instance_configs[id] = nil
  emu.state.onboarding[id] = nil
  return {}
end

-- An integration is known by its kind and the ARN that names it.
local IDENT = { customerProfiles = "domainArn", qConnect = "knowledgeBaseArn", lambda = "functionArn" }

local function integration_key(u)
  local kind, body = next(u)
  return kind .. " " .. tostring(body[IDENT[kind]])
end

function H.PutConnectInstanceIntegration(emu, input)
  local id = input.connectInstanceId
  local list = emu.state.integrations[id] or {}
  emu.state.integrations[id] = list
  local key = integration_key(input.integrationConfig)
  for i, existing in ipairs(list) do
    if integration_key(existing) == key then
      list[i] = copy(input.integrationConfig) -- putting it again replaces it
      return {}
    end
  end
  list[#list + 1] = copy(input.integrationConfig)
  return {}
end

function H.DeleteConnectInstanceIntegration(emu, input)
  local list = emu.state.integrations[input.connectInstanceId] or {}
  local key = integration_key(input.integrationIdentifier)
  for i, existing in ipairs(list) do
    if integration_key(existing) == key then
      table.remove(list, i)
      return {}
    end
  end
  return nil, "ResourceNotFoundException", "No such integration on " .. input.connectInstanceId
end

function H.ListConnectInstanceIntegrations(emu, input)
  local page, nxt, msg = page_of(emu.state.integrations[input.connectInstanceId] or {}, input)
  if not page then return nil, nxt, msg end
  return { integrationSummaryList = page, nextToken = nxt }
end

-- }======

-- {====== Outbound requests ======

local function running_campaign(emu, id)
  local c, code, msg = find_campaign(emu, id)
  if not c then return nil, code, msg end
  local state = emu.state.states[c.id]
  if state ~= "Running" then
    return nil, "InvalidCampaignStateException",
      string.format("Campaign %s is %s: outbound requests need it Running", c.id, state), { state = state }
  end
  return c
end

-- Answers each item of a batch: a repeated client token gets its first id
-- back (idempotency); reject(item) names a failure code or nil.
local function batch(emu, c, items, reject)
  local seen = emu.state.outbound[c.id] or {}
  emu.state.outbound[c.id] = seen
  local ok, failed = {}, {}
  for _, item in ipairs(items) do
    local code = reject(item)
    if code then
      failed[#failed + 1] = { clientToken = item.clientToken, failureCode = code }
    else
      seen[item.clientToken] = seen[item.clientToken] or uuid()
      ok[#ok + 1] = { clientToken = item.clientToken, id = seen[item.clientToken] }
    end
  end
  return { successfulRequests = ok, failedRequests = failed }
end

function H.PutOutboundRequestBatch(emu, input)
  local c, code, msg, extra = running_campaign(emu, input.id)
  if not c then return nil, code, msg, extra end
  local now = emu.clock()
  return batch(emu, c, input.outboundRequests, function(r)
    local channel = next(r.channelSubtypeParameters)
    if not (c.channelSubtypeConfig and c.channelSubtypeConfig[channel]) then return "InvalidInput" end
    if r.expirationTime <= now then return "InvalidInput" end
    return nil
  end)
end

function H.PutProfileOutboundRequestBatch(emu, input)
  local c, code, msg, extra = running_campaign(emu, input.id)
  if not c then return nil, code, msg, extra end
  local now = emu.clock()
  return batch(emu, c, input.profileOutboundRequests, function(r)
    if r.expirationTime and r.expirationTime <= now then return "InvalidInput" end
    return nil
  end)
end

-- }======

return M
