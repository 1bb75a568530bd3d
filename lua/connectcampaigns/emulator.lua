--- A local stand-in for Connect Campaigns V2, driven by the same model as the
-- client: requests are routed by the model's HTTP bindings, their signature
-- checked with the project's signer, their input read and validated by the
-- shape engine, and answers written by the output shapes.
--
-- `emulator.new(opts):handle(req)` answers one parsed HTTP request (the
-- httpd request table); `emulator.main(arg)` serves on loopback.
-- @module connectcampaigns.emulator

local core = require "connectcampaigns.core"
local sigcheck = require "connectcampaigns.sigcheck"

local M = {}

local model = assert(core.json_decode(core.model_json()))
local shapes = model.shapes

-- {====== Routing by the model ======

local function route_pattern(uri)
  local path = uri:match("^([^?]*)")
  local names = {}
  local pat = path:gsub("[%-%.%+%[%]%(%)%$%^%%%?%*]", "%%%0"):gsub("{([^}]+)}", function(name)
    names[#names + 1] = name:gsub("%%%+$", "")
    return "([^/]+)"
  end)
  return "^" .. pat .. "$", names
end

local routes = {}
for name, op in pairs(model.operations) do
  local pat, labels = route_pattern(op.http.requestUri)
  routes[#routes + 1] = { name = name, method = op.http.method, pattern = pat, labels = labels }
end
-- fixed paths before templated ones, so /v2/campaigns-state is not an {id}
table.sort(routes, function(a, b)
  if #a.labels ~= #b.labels then return #a.labels < #b.labels end
  return a.pattern < b.pattern
end)

local function unescape(s)
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

local function parse_query(q)
  local out = {}
  for pair in (q or ""):gmatch("[^&]+") do
    local k, v = pair:match("^([^=]*)=?(.*)$")
    k, v = unescape(k), unescape(v)
    local list = out[k]
    if list then list[#list + 1] = v else out[k] = { v } end
  end
  return out
end

-- A query or label string as the member's shape wants it.
local function typed(shape_name, raw)
  local t = shapes[shape_name].type
  if t == "integer" or t == "long" then return math.tointeger(tonumber(raw)) or raw end
  if t == "double" or t == "float" then return tonumber(raw) or raw end
  if t == "boolean" then return raw == "true" end
  return raw
end

-- Gathers an operation's input from labels, query string and body.
local function read_input(opname, labels, query, body)
  local op = model.operations[opname]
  if not op.input then return {} end
  local params, err = core.decode_shape(opname, body or "", "input")
  if not params then return nil, err.message end
  local input = shapes[op.input.shape]
  for member, ref in pairs(input.members) do
    local wire = ref.locationName or member
    if ref.location == "uri" then
      params[member] = labels[wire]
    elseif ref.location == "querystring" and query[wire] then
      local shape = shapes[ref.shape]
      if shape.type == "list" then
        local list = {}
        for i, v in ipairs(query[wire]) do list[i] = typed(shape.member.shape, v) end
        params[member] = list
      else
        params[member] = typed(ref.shape, query[wire][1])
      end
    end
  end
  return params
end

-- }======

-- {====== Answers ======

local STATUS = {}
for name, shape in pairs(shapes) do
  if shape.exception then STATUS[name] = shape.error and shape.error.httpStatusCode or 400 end
end

local request_counter = 0
local function request_id()
  request_counter = request_counter + 1
  return string.format("emu-%08x-%04x", os.time(), request_counter % 0x10000)
end

local function service_error(code, message, extra)
  local body = { message = message }
  for k, v in pairs(extra or {}) do body[k] = v end
  return { status = STATUS[code] or 400, body = assert(core.json_encode(body)),
    headers = { ["x-amzn-ErrorType"] = code, ["x-amzn-RequestId"] = request_id(),
      ["Content-Type"] = "application/json" } }
end

local function answer(opname, out)
  local body, err = core.encode_shape(opname, out or {}, "output")
  if not body then return service_error("InternalServerException", "emulator wrote a bad answer: " .. err.message) end
  return { status = 200, body = body, headers = { ["x-amzn-RequestId"] = request_id(),
    ["Content-Type"] = "application/json" } }
end

local function copy(v)
  if type(v) ~= "table" then return v end
  local t = {}
  for k, x in pairs(v) do t[k] = copy(x) end
  return t
end

local function uuid()
  local function hex(n)
    local t = {}
    for i = 1, n do t[i] = string.format("%x", math.random(0, 15)) end
    return table.concat(t)
  end
  return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-" .. hex(4) .. "-" .. hex(12)
end

-- }======

-- {====== The service's behaviour ======

local Emulator = {}
Emulator.__index = Emulator

local H = {} -- handlers by operation name: function(emu, input) -> out | nil, code, message, extra

local function find_campaign(emu, id)
  local c = emu.state.campaigns[id]
  if not c then
    for _, x in pairs(emu.state.campaigns) do
      if x.arn == id then return x end
    end
    return nil, "ResourceNotFoundException", "Campaign " .. tostring(id) .. " was not found"
  end
  return c
end

function H.CreateCampaign(emu, input)
  local id = uuid()
  local c = copy(input)
  c.id = id
  c.arn = string.format("arn:aws:connect-campaigns:%s:%s:campaign/%s", emu.region, emu.account, id)
  emu.state.campaigns[id] = c
  emu.state.order[#emu.state.order + 1] = id
  emu.state.states[id] = "Initialized"
  return { id = id, arn = c.arn, tags = c.tags }
end

function H.DescribeCampaign(emu, input)
  local c, code, msg = find_campaign(emu, input.id)
  if not c then return nil, code, msg end
  return { campaign = c }
end

function H.DeleteCampaign(emu, input)
  local c, code, msg = find_campaign(emu, input.id)
  if not c then return nil, code, msg end
  emu.state.campaigns[c.id] = nil
  emu.state.states[c.id] = nil
  for i, id in ipairs(emu.state.order) do
    if id == c.id then table.remove(emu.state.order, i) break end
  end
  return {}
end

-- Every UpdateCampaign* operation replaces just the members it names.
local function update_part(emu, input)
  local c, code, msg = find_campaign(emu, input.id)
  if not c then return nil, code, msg end
  for k, v in pairs(input) do
    if k ~= "id" then c[k] = copy(v) end
  end
  return {}
end
for name in pairs(model.operations) do
  if name:match("^UpdateCampaign") then H[name] = update_part end
end

local CHANNEL_KEY = { TELEPHONY = "telephony", SMS = "sms", EMAIL = "email", WHATSAPP = "whatsApp" }

function H.DeleteCampaignChannelSubtypeConfig(emu, input)
  local c, code, msg = find_campaign(emu, input.id)
  if not c then return nil, code, msg end
  if c.channelSubtypeConfig then c.channelSubtypeConfig[CHANNEL_KEY[input.channelSubtype]] = nil end
  return {}
end

function H.DeleteCampaignCommunicationLimits(emu, input)
  local c, code, msg = find_campaign(emu, input.id)
  if not c then return nil, code, msg end
  c.communicationLimitsOverride = nil
  return {}
end

function H.DeleteCampaignCommunicationTime(emu, input)
  local c, code, msg = find_campaign(emu, input.id)
  if not c then return nil, code, msg end
  if c.communicationTimeConfig then c.communicationTimeConfig[CHANNEL_KEY[input.config]] = nil end
  return {}
end

function H.DeleteCampaignEntryLimits(emu, input)
  local c, code, msg = find_campaign(emu, input.id)
  if not c then return nil, code, msg end
  c.entryLimitsConfig = nil
  return {}
end

-- The life cycle: which states each transition may start from.
local TRANSITIONS = {
  StartCampaign = { from = { Initialized = true }, to = "Running" },
  PauseCampaign = { from = { Running = true }, to = "Paused" },
  ResumeCampaign = { from = { Paused = true }, to = "Running" },
  StopCampaign = { from = { Running = true, Paused = true }, to = "Stopped" },
}
for name, t in pairs(TRANSITIONS) do
  H[name] = function(emu, input)
    local c, code, msg = find_campaign(emu, input.id)
    if not c then return nil, code, msg end
    local state = emu.state.states[c.id]
    if not t.from[state] then
      return nil, "InvalidCampaignStateException",
        string.format("Campaign %s is %s; %s is not allowed", c.id, state, name), { state = state }
    end
    emu.state.states[c.id] = t.to
    return {}
  end
end

function H.GetCampaignState(emu, input)
  local c, code, msg = find_campaign(emu, input.id)
  if not c then return nil, code, msg end
  return { state = emu.state.states[c.id] }
end

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
  local max = input.maxResults or 50
  local start = tonumber(input.nextToken or "1")
  if not start or start < 1 then return nil, "ValidationException", "Invalid nextToken" end
  local matching = {}
  for _, id in ipairs(emu.state.order) do
    local c = emu.state.campaigns[id]
    if not filter or c.connectInstanceId == filter.value then matching[#matching + 1] = summary(c) end
  end
  local page = {}
  for i = start, math.min(#matching, start + max - 1) do page[#page + 1] = matching[i] end
  local nxt = start + max <= #matching and tostring(math.floor(start + max)) or nil
  return { campaignSummaryList = page, nextToken = nxt }
end

local function tags_of(emu, arn)
  for _, c in pairs(emu.state.campaigns) do
    if c.arn == arn then return c end
  end
  return nil, "ResourceNotFoundException", "Resource " .. tostring(arn) .. " was not found"
end

function H.TagResource(emu, input)
  local c, code, msg = tags_of(emu, input.arn)
  if not c then return nil, code, msg end
  c.tags = c.tags or {}
  for k, v in pairs(input.tags) do c.tags[k] = v end
  return {}
end

function H.UntagResource(emu, input)
  local c, code, msg = tags_of(emu, input.arn)
  if not c then return nil, code, msg end
  for _, k in ipairs(input.tagKeys) do
    if c.tags then c.tags[k] = nil end
  end
  return {}
end

function H.ListTagsForResource(emu, input)
  local c, code, msg = tags_of(emu, input.arn)
  if not c then return nil, code, msg end
  return { tags = c.tags or {} }
end

function H.PutInstanceCommunicationLimits(emu, input)
  emu.state.instance_limits[input.connectInstanceId] = copy(input.communicationLimitsConfig)
  return {}
end

function H.GetInstanceCommunicationLimits(emu, input)
  return { communicationLimitsConfig = emu.state.instance_limits[input.connectInstanceId] or {} }
end

-- }======

-- {====== Requests ======

--- Answers one request (the httpd request table).
function Emulator:handle(req)
  local opname, labels
  local path_matched = false
  for _, r in ipairs(routes) do
    local caps = { req.path:match(r.pattern) }
    if #caps > 0 then
      path_matched = true
      if r.method == req.method then
        opname, labels = r.name, {}
        for i, name in ipairs(r.labels) do labels[name] = unescape(caps[i]) end
        break
      end
    end
  end
  if not opname then
    return service_error(path_matched and "ValidationException" or "ResourceNotFoundException",
      "No operation for " .. req.method .. " " .. req.path)
  end
  local ok, why = sigcheck.verify(self.signer, req, self.access_key_id, self.secret_access_key)
  if not ok then
    local resp = service_error("AccessDeniedException", why)
    resp.status = 403
    resp.headers["x-amzn-ErrorType"] = "InvalidSignatureException"
    return resp
  end
  local input, ierr = read_input(opname, labels, parse_query(req.query), req.body)
  if not input then return service_error("ValidationException", ierr) end
  -- the same rules the client applies, so a script that passes here passes there
  local _, verr = core.build(opname, input)
  if verr then return service_error("ValidationException", verr.message) end
  local handler = H[opname]
  if not handler then
    return service_error("InternalServerException", opname .. " is not emulated yet")
  end
  local out, code, msg, extra = handler(self, input)
  if not out then return service_error(code, msg, extra) end
  return answer(opname, out)
end

--- A new emulator.
-- @tparam[opt] table opts `region`, `account`, `access_key_id`, `secret_access_key`
function M.new(opts)
  opts = opts or {}
  return setmetatable({
    region = opts.region or "us-east-1",
    account = opts.account or "123456789012",
    access_key_id = opts.access_key_id or "test",
    secret_access_key = opts.secret_access_key or "test",
    signer = core.signer(),
    state = { campaigns = {}, order = {}, states = {}, instance_limits = {} },
  }, Emulator)
end

M.operations_emulated = H

local USAGE = [[
usage: connectcampaigns-emulator [--port N] [--host 127.0.0.1] [--region us-east-1]
         [--account 123456789012] [--access-key-id ID --secret-access-key SECRET]
         [--max-seconds N]
Serves Connect Campaigns V2 on loopback for local development and tests.
Prints "listening on http://HOST:PORT" once ready.]]

--- Runs the emulator from command-line arguments.
function M.main(argv)
  local opts = { port = 4566, host = "127.0.0.1" }
  local i = 1
  while i <= #argv do
    local a = argv[i]
    local key = a:match("^%-%-(.+)$")
    if a == "-h" or a == "--help" then
      print(USAGE)
      return 0
    elseif not key or argv[i + 1] == nil then
      io.stderr:write(USAGE, "\n")
      return 2
    end
    opts[key:gsub("%-", "_")] = argv[i + 1]
    i = i + 2
  end
  math.randomseed(os.time())
  local emu = M.new(opts)
  require("connectcampaigns.httpd").serve {
    host = opts.host,
    port = tonumber(opts.port),
    max_seconds = tonumber(opts.max_seconds),
    on_listen = function(host, port)
      io.stdout:write(string.format("listening on http://%s:%d\n", host, port))
      io.stdout:flush()
    end,
    handler = function(req)
      if req.path == "/__emulator/shutdown" and req.method == "POST" then
        return { status = 200, body = "{}", stop = true, close = true }
      end
      return emu:handle(req)
    end,
  }
  return 0
end

return M
