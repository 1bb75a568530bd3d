--- connectcampaigns: the Lua client for Amazon Connect Outbound Campaigns V2.
--
-- Every operation of the service model is a method of a client, named in
-- snake_case (`client:create_campaign{...}`), and a function of this module
-- that uses a default client built from the environment
-- (`cc.describe_campaign{ id = ... }`).
--
-- A call returns one table on success and `nil, err` on failure; `err` is
-- an `connectcampaigns.Error` (see `errors.lua`). Only misuse of the API
-- itself (a method called without `self`, a non-table argument) raises.
-- @module connectcampaigns

local core = require "connectcampaigns.core"
local errors = require "connectcampaigns.errors"
local config = require "connectcampaigns.config"
local credentials = require "connectcampaigns.credentials"
local endpoints = require "connectcampaigns.endpoints"
local retry = require "connectcampaigns.retry"
local urls = require "connectcampaigns.url"
local ngx_transport = require "connectcampaigns.ngx"
local async = require "connectcampaigns.async"
local suggest = require "connectcampaigns.suggest"

local M = {
  VERSION = "0.1.0",
  Error = errors.Error,
  is_error = errors.is_error,
  codes = errors.codes,
}

-- {====== Services: a compiled model and what calls need of it ======

-- botocore's name of the service: its folder in a data path.
local SERVICE_NAME = "connectcampaignsv2"

-- `model` is a compiled core model, or nil for the embedded one.
local function new_service(model)
  local svc = { model = model, by_name = {}, snake_names = {} }
  if model then
    svc.meta, svc.operations = core.metadata(model), core.operations(model)
    function svc.build(...) return core.build(model, ...) end
    function svc.prepare(...) return core.prepare(model, ...) end
    function svc.parse(...) return core.parse(model, ...) end
  else -- the embedded model: the core's functions themselves, no call in between
    svc.meta, svc.operations = core.metadata(), core.operations()
    svc.build, svc.prepare, svc.parse = core.build, core.prepare, core.parse
  end
  if model then -- a model without signing metadata signs as this service
    svc.meta.signing_name = svc.meta.signing_name or "connect-campaigns"
  end
  -- operations by either name a caller may use: "CreateCampaign" or "create_campaign"
  for i, op in ipairs(svc.operations) do
    svc.by_name[op.snake] = op
    svc.by_name[op.name] = op
    svc.snake_names[i] = op.snake
  end
  return svc
end

local embedded = new_service(nil)
local meta, operations = embedded.meta, embedded.operations

-- }======

--- Starts `fn(...)` as a task on the loop: inside it, client calls yield
-- instead of blocking (see `connectcampaigns.async`).
-- @treturn Task with `:result()` and `:is_done()`
M.async = async.async
--- One turn of the loop (at most `timeout` seconds); returns the tasks still running.
M.poll = async.poll
--- `fn(item, i)` for every item, at most `opts.concurrency` (16) at once; returns
-- `results[i] = { fn's returns..., n = count }`.
M.map = async.map

--- The model's operations: array of `{name, snake, index, method, uri, paginator?}`.
M.operations = operations

--- The operations' method names (`create_campaign`, ...).
function M.operation_names() return embedded.snake_names end

local function unknown_operation(name, svc)
  return suggest.hint(string.format('no operation "%s"', tostring(name)), name, (svc or embedded).snake_names)
end

--- The service model as a table (`operations`, `shapes`, `paginators`,
-- `metadata`, `endpointRuleSet`): the constraints a script may want, such as
-- the largest batch `cc.model().shapes.OutboundRequestList.max`. Made once
-- from the core's own parse of the model and shared: read it, do not change it.
function M.model() return core.model_view() end

-- The model of a service as a table (for redaction in logs).
local function view_of(svc)
  return svc.model and core.model_view(svc.model) or core.model_view()
end

local USER_AGENT = string.format("connectcampaigns-lua/%s %s libcurl/%s",
  M.VERSION, (_VERSION or "Lua"):gsub(" ", "/"), core.curl_version())

-- Client state that must never show up when a client is printed or walked
-- with pairs(): credentials live here, keyed by the client, collectable.
local private = setmetatable({}, { __mode = "k" })

local Client = {}
local class_of -- defined with the methods below
Client.__index = Client
Client.__name = "connectcampaigns.Client"
-- An unknown method is a mistake at the caller's line, named, with the
-- closest operation: client:describe_campaigns{} says what was meant. On
-- Client's own metatable, so a method found costs one plain lookup.
setmetatable(Client, { __index = function(_, key)
  if type(key) ~= "string" or key:sub(1, 2) == "__" then return nil end
  error(suggest.hint(string.format('no operation or method "%s"', key), key, M.operation_names()), 2)
end })

-- Raises for a call without self (client.method{} instead of client:method{})
-- and for a closed client: both are misuse, not failures of the world.
local classes = setmetatable({ [Client] = true }, { __mode = "k" })

-- The private state of a client; raises for what is none (only a client
-- that is not closed has one).
local function check_client(v, method, level)
  local p = private[v]
  if p then return p end
  if not classes[getmetatable(v)] then
    error("bad self: call it as client:" .. method .. "{...} (with a colon)", level + 1)
  end
  error("attempt to use a closed connectcampaigns.Client", level + 1)
end

-- An operation's parameters: a table, or nil for none ({}); anything else
-- is misuse, raised at the caller's line as Lua's own functions name it.
local function check_params(params, argn, fname, level)
  if params == nil then return {} end
  if type(params) ~= "table" then
    error(string.format("bad argument #%d to '%s' (table expected, got %s)", argn, fname, type(params)), level + 1)
  end
  return params
end

Client.__tostring = function(self)
  local p = private[self]
  if not p then return "connectcampaigns.Client (closed)" end
  return string.format("connectcampaigns.Client (%s, %s)", p.region, p.endpoint)
end

local function fail(code, message, extra)
  return nil, errors.new(code, message, extra)
end

-- {====== Options ======

-- Splits an endpoint URL into what requests need: the origin for the URL,
-- the Host header (default ports left out, as botocore does) and a base path.
local function parse_endpoint(text)
  local u, why = urls.parse(text)
  if not u then
    -- the URL is quoted unless it may hold a password (user:pass@)
    return nil, "endpoint " .. why .. (tostring(text):find("@", 1, true) and "" or (": " .. tostring(text)))
  end
  if u.query then return nil, "endpoint " .. text .. ": must not carry a query" end
  local path = u.path:gsub("/+$", "")
  return {
    url = u.origin .. path,
    origin = u.origin,
    host = u.host_header,
    base_path = path,
  }
end

local function check_number(v, name, default, min, whole)
  if v == nil then return default end
  if type(v) == "string" then v = tonumber(v) end
  if type(v) ~= "number" or v ~= v or v < min or (whole and v % 1 ~= 0) then
    return nil, string.format("%s must be a %s >= %s", name, whole and "whole number" or "number", min)
  end
  return v
end

local function check_credentials(c)
  if type(c) ~= "table" then return nil, "credentials must be a table" end
  if type(c.access_key_id) ~= "string" or c.access_key_id == "" then
    return nil, "credentials.access_key_id must be a non-empty string"
  end
  if type(c.secret_access_key) ~= "string" or c.secret_access_key == "" then
    return nil, "credentials.secret_access_key must be a non-empty string"
  end
  if c.session_token ~= nil and type(c.session_token) ~= "string" then
    return nil, "credentials.session_token must be a string"
  end
  local field, _, why = credentials.bad_part(c)
  if field then return nil, "credentials." .. field .. " " .. why .. "; refused" end
  -- a copy: later changes to the caller's table do not reach the client
  return { access_key_id = c.access_key_id, secret_access_key = c.secret_access_key,
           session_token = c.session_token ~= "" and c.session_token or nil }
end

local function flag(v)
  if v == nil then return nil end
  return config.truthy(v)
end

-- The service's key in AWS_ENDPOINT_URL_<KEY> and in `services` sections.
local SERVICE_KEY = meta.service_id:gsub(" ", "_"):lower()

--- Resolves the endpoint URL by the model's endpoint rules.
-- @tparam table opts `region`, `use_fips`, `use_dualstack`, `endpoint`
-- @treturn[1] string URL
-- @treturn[2] nil
-- @treturn[2] Error (InvalidConfiguration, with the rule's message)
function M.resolve_endpoint(opts)
  opts = opts or {}
  local url, err = endpoints.resolve(M.model().endpointRuleSet, { Region = opts.region,
    UseFIPS = opts.use_fips == true, UseDualStack = opts.use_dualstack == true, Endpoint = opts.endpoint })
  if not url then return fail("InvalidConfiguration", err) end
  return url
end

-- Every option cc.new knows, with the Lua types it takes ("checked": a check
-- of its own below says more than a type could).
local OPTION_TYPES = {
  region = "string", endpoint = "string", credentials = "checked", profile = "checked",
  timeout = "checked", connect_timeout = "checked", max_attempts = "number", retry_mode = "string",
  use_fips = "boolean", use_dualstack = "boolean", transport = "checked", sleep = "checked",
  logger = "checked", ca_file = "checked", max_response = "number", env = "checked",
  clock = "checked", random = "function", model = "checked", idempotency_token = "function",
  disable_request_compression = "boolean", request_min_compression_size_bytes = "number",
}
local OPTION_NAMES = {}
for k in pairs(OPTION_TYPES) do OPTION_NAMES[#OPTION_NAMES + 1] = k end
table.sort(OPTION_NAMES)

-- An unknown option (a typo would otherwise be ignored) or a value of the wrong type.
local function check_option_names(opts)
  local names = {}
  for k in pairs(opts) do names[#names + 1] = tostring(k) end
  table.sort(names) -- the first in byte order: pairs() has no order
  for _, k in ipairs(names) do
    local want = OPTION_TYPES[k]
    if not want then return nil, suggest.hint(string.format('unknown option "%s"', k), k, OPTION_NAMES) end
    local got = type(opts[k])
    if want ~= "checked" and got ~= want then
      return nil, string.format("option %s must be a %s, not a %s", k, want, got)
    end
  end
  return true
end

-- {====== A newer model ======

local compiled = setmetatable({}, { __mode = "v" }) -- services by model text: one compile per text

local function compile_service(text, paginators, where)
  local key = text .. "\0" .. (paginators or "")
  if compiled[key] then return compiled[key] end
  local model, err = core.compile_model(text, paginators)
  if not model then return nil, where .. ": " .. err.message end
  local svc = new_service(model)
  compiled[key] = svc
  return svc
end

local MAX_MODEL = 64 * 1024 * 1024

-- The service of service-2.json's text read from path, with the
-- paginators-1.json beside it when there is one.
local function model_of_file(path, text)
  local paginators = config.read_file((path:match("^(.*)/[^/]*$") or ".") .. "/paginators-1.json")
  return compile_service(text, paginators, path)
end

local function load_model_file(path)
  local text, err = config.read_file(path, MAX_MODEL)
  if not text then return nil, "model " .. tostring(err) end
  return model_of_file(path, text)
end

-- botocore's data path: the folders of AWS_DATA_PATH, then ~/.aws/models, each
-- holding <service>/<api-version>/service-2.json. The first found is used.
local function data_path_model(getenv)
  local dirs = {}
  for dir in (getenv("AWS_DATA_PATH") or ""):gmatch("[^:]+") do dirs[#dirs + 1] = dir end
  local home = getenv("HOME") or getenv("USERPROFILE")
  if home then dirs[#dirs + 1] = home .. "/.aws/models" end
  for _, dir in ipairs(dirs) do
    local path = dir .. "/" .. SERVICE_NAME .. "/" .. meta.api_version .. "/service-2.json"
    local text = config.read_file(path, MAX_MODEL) -- one read: absent is nil
    if text then return model_of_file(path, text) end
  end
  return embedded
end

-- The service a client calls: opts.model (a path to service-2.json, its JSON
-- text, or the model as a decoded table), else the data path, else the
-- embedded model.
local function service_for(model, getenv)
  if model == nil then return data_path_model(getenv) end
  if type(model) == "string" and model:match("^%s*{") then return compile_service(model, nil, "model") end
  if type(model) == "string" then return load_model_file(model) end
  if type(model) == "table" then
    local text, err = core.json_encode(model)
    if not text then return nil, "model: " .. err.message end
    return compile_service(text, nil, "model")
  end
  return nil, "model must be a path to service-2.json, its JSON text or a decoded model table"
end

-- }======

-- The settings of a new client, from the options, the environment and the
-- profile, in the AWS SDKs' order of precedence.
local function settings(opts)
  local known, why = check_option_names(opts)
  if not known then return nil, why end
  if opts.env ~= nil and type(opts.env) ~= "table" and type(opts.env) ~= "function" then
    return nil, "env must be a table or a function(name) -> value"
  end
  if opts.profile ~= nil and type(opts.profile) ~= "string" then return nil, "profile must be a name" end
  local getenv = config.getenv(opts.env)
  local files = config.load_files(getenv)
  local profile_name = opts.profile or getenv("AWS_PROFILE") or getenv("AWS_DEFAULT_PROFILE") or "default"
  local profile_explicit = opts.profile ~= nil or getenv("AWS_PROFILE") ~= nil or getenv("AWS_DEFAULT_PROFILE") ~= nil
  local profile = config.profile(files, profile_name)
  if not profile and profile_explicit then
    return nil, string.format("profile %s is not in %s or %s", profile_name, files.config_path, files.credentials_path)
  end
  profile = profile or {}
  local s = { getenv = getenv, files = files, profile_name = profile_name, profile_explicit = profile_explicit }
  local serr
  s.service, serr = service_for(opts.model, getenv)
  if not s.service then return nil, serr end
  -- botocore's request compression settings: on, from 10240 bytes
  local disable = opts.disable_request_compression
  if disable == nil then
    disable = config.truthy(getenv("AWS_DISABLE_REQUEST_COMPRESSION") or profile.disable_request_compression)
  end
  local min_size, merr = check_number(opts.request_min_compression_size_bytes
    or getenv("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES") or profile.request_min_compression_size_bytes,
    "request_min_compression_size_bytes", 10240, 0, true)
  if not min_size then return nil, merr end
  if min_size > 10485760 then return nil, "request_min_compression_size_bytes must be at most 10485760" end
  s.min_compression = disable and -1 or min_size

  s.region = opts.region or getenv("AWS_REGION") or getenv("AWS_DEFAULT_REGION") or profile.region
  if type(s.region) ~= "string" or not s.region:match("^[%w][%w%-]*$") then
    return nil, s.region == nil and "no region: pass region to connectcampaigns.new, set AWS_REGION, or set "
      .. "region in the profile" or "region must be a name such as us-east-1"
  end

  local endpoint = opts.endpoint
  local ignore = config.truthy(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") or profile.ignore_configured_endpoint_urls)
  if endpoint == nil and not ignore then
    local services = config.services(files, profile)
    endpoint = getenv("AWS_ENDPOINT_URL_" .. SERVICE_KEY:upper()) or getenv("AWS_ENDPOINT_URL")
      or (services and type(services[SERVICE_KEY]) == "table" and services[SERVICE_KEY].endpoint_url)
      or profile.endpoint_url
  end
  if endpoint == nil then
    local use_fips = opts.use_fips
    if use_fips == nil then use_fips = flag(getenv("AWS_USE_FIPS_ENDPOINT") or profile.use_fips_endpoint) end
    local use_dualstack = opts.use_dualstack
    if use_dualstack == nil then
      use_dualstack = flag(getenv("AWS_USE_DUALSTACK_ENDPOINT") or profile.use_dualstack_endpoint)
    end
    local url, err = M.resolve_endpoint { region = s.region, use_fips = use_fips, use_dualstack = use_dualstack }
    if not url then return nil, err.message end
    endpoint = url
  end
  local eperr
  s.ep, eperr = parse_endpoint(endpoint)
  if not s.ep then return nil, eperr end

  local err
  s.max_attempts, err = check_number(opts.max_attempts or getenv("AWS_MAX_ATTEMPTS") or profile.max_attempts,
    "max_attempts", 3, 1, true)
  if not s.max_attempts then return nil, err end
  s.retry_mode = opts.retry_mode or getenv("AWS_RETRY_MODE") or profile.retry_mode or "standard"
  if s.retry_mode == "legacy" then s.retry_mode = "standard" end
  if s.retry_mode ~= "standard" and s.retry_mode ~= "adaptive" then
    return nil, "retry_mode must be standard or adaptive"
  end
  -- libcurl reads 0 ms as "no timeout": 0 and less are refused, and the
  -- transport rounds a positive sub-millisecond value up to 1 ms
  for _, name in ipairs { "timeout", "connect_timeout" } do
    local v = opts[name]
    if v ~= nil and (type(v) ~= "number" or v ~= v or v <= 0 or v == math.huge) then
      return nil, name .. " must be a number of seconds > 0 (there is no 'no timeout')"
    end
  end
  s.timeout = opts.timeout or 60
  s.connect_timeout = opts.connect_timeout or 10
  s.max_response, err = check_number(opts.max_response, "max_response", 16 * 1024 * 1024, 1)
  if not s.max_response then return nil, err end
  for _, name in ipairs { "sleep", "logger", "clock" } do
    if opts[name] ~= nil and type(opts[name]) ~= "function" then return nil, name .. " must be a function" end
  end
  local t = opts.transport
  if t ~= nil and type(t) ~= "function" and t ~= "curl" and t ~= "ngx" then
    return nil, 'transport must be "curl", "ngx" or a function(req) -> {status, headers, body}'
  end
  if opts.ca_file ~= nil and type(opts.ca_file) ~= "string" then return nil, "ca_file must be a path" end
  if opts.credentials ~= nil then
    s.credentials, err = check_credentials(opts.credentials)
    if not s.credentials then return nil, err end
  end
  return s
end

-- }======

-- {====== Transport ======

local function lower_keys(t)
  local out = {}
  if type(t) == "table" then
    for k, v in pairs(t) do
      if type(k) == "string" then out[k:lower()] = v end
    end
  end
  return out
end

local answer_form = core.answer_form

-- How long the credential sources may take: metadata endpoints answer fast or not at all.
local FETCH_TIMEOUTS = { imds = { 1, 1 }, container = { 2, 2 }, sts = { 5, 30 }, sso = { 5, 30 } }

-- The transport of a call without a user's function (p.user_transport):
-- OpenResty's cosockets when asked for, or by default where they can be used
-- now (a client made in init_by_lua and used in a content handler gets them
-- too); else nil, which is libcurl.
local function pick_transport(p)
  if p.transport == "ngx" or (p.transport == nil and ngx_transport.available()) then
    if not p.ngx then
      p.ngx = ngx_transport.transport { timeout = p.timeout, connect_timeout = p.connect_timeout,
        max_response = p.max_response }
    end
    return p.ngx
  end
  return nil
end

-- The options of a libcurl handle for a kind of request (the service, or a
-- credential source with its own short timeouts), made once per client.
local function http_options(p, kind)
  local o = p.http_opts[kind]
  if not o then
    local t = FETCH_TIMEOUTS[kind]
    o = { ca_file = p.ca_file, connect_timeout = t and t[1] or p.connect_timeout, timeout = t and t[2] or p.timeout,
      max_response = p.max_response }
    p.http_opts[kind] = o
  end
  return o
end

-- Sends through the user's transport (pcall'd: a raising transport is a
-- NetworkError, not a crash), OpenResty's cosockets, the cc.async loop, or
-- a libcurl handle of the client.
local function send(p, req, kind, checked)
  local transport = p.user_transport
  if not transport then
    if p.transport == "ngx" and not ngx_transport.available() then
      return nil, { code = "NetworkError", message = 'transport "ngx" needs OpenResty cosockets (a request phase or a timer)',
        retryable = false }
    end
    transport = pick_transport(p)
  end
  if transport then
    -- every transport, the user's too, gets only headers that cannot split a
    -- line (libcurl's handles run the same C check as they read the request;
    -- core.prepare checked a call's own, `checked`)
    if not checked then
      local ok_headers, herr = core.check_headers(req.headers)
      if not ok_headers then return nil, herr end
    end
    local t = kind and FETCH_TIMEOUTS[kind]
    local ok, resp, err = pcall(transport, req, t and { connect_timeout = t[1], timeout = t[2] } or nil)
    if not ok then return nil, { code = "NetworkError", message = "transport raised: " .. tostring(resp) } end
    if resp == nil then
      if type(err) == "table" then
        return nil, { code = err.code or "NetworkError", message = tostring(err.message or err.code),
          retryable = err.retryable }
      end
      return nil, { code = "NetworkError", message = tostring(err or "transport returned nothing") }
    end
    -- an answer already in the form the client reads (an integer status, a
    -- string body, lower-case header names) is used as it is, only read
    local form = answer_form(resp)
    if form then return resp end
    if form == nil then
      return nil, { code = "NetworkError", message = "transport must return {status=, headers=, body=}" }
    end
    return { status = math.floor(resp.status), headers = lower_keys(resp.headers),
             body = type(resp.body) == "string" and resp.body or "" }
  end
  kind = kind or "service"
  -- inside a cc.async task: through the loop's multi handle, yielding meanwhile
  if async.current() then return async.request(http_options(p, kind), req) end
  local http = p.http[kind]
  if not http then
    http = core.http(http_options(p, kind))
    p.http[kind] = http
  end
  return http:request(req)
end

-- }======

-- {====== Logging ======

local REDACTED = "***"

-- A copy of params with every member the model marks sensitive replaced.
local function redact(model, shape_name, value, depth)
  if depth > 32 then return REDACTED end
  local shape = model.shapes[shape_name]
  if shape.sensitive then return REDACTED end
  if type(value) ~= "table" then return value end
  -- raw iteration, as the request itself was read: no metamethod runs
  local out = {}
  for k, v in next, value do
    local inner
    if shape.type == "structure" then
      inner = shape.members[k] and shape.members[k].shape
    elseif shape.type == "list" then
      inner = shape.member.shape
    elseif shape.type == "map" then
      inner = shape.value.shape
    end
    out[k] = inner and redact(model, inner, v, depth + 1) or v
  end
  return out
end

local SECRET_HEADERS = { authorization = true, ["x-amz-security-token"] = true }

local function redact_headers(headers)
  local out = {}
  for k, v in pairs(headers) do out[k] = SECRET_HEADERS[k:lower()] and REDACTED or v end
  return out
end

local function log(p, level, msg, fields)
  if not p.logger then return end
  -- a failing logger must not fail the call
  pcall(p.logger, level, msg, fields)
end

-- }======

--- Creates a client.
-- @tparam[opt] table opts `region`, `endpoint`, `credentials`, `profile`,
--   `timeout`, `connect_timeout`, `max_attempts`, `retry_mode`, `use_fips`,
--   `use_dualstack`, `transport`, `sleep`, `logger`, `ca_file`,
--   `max_response`, `env`, `model`, `idempotency_token`,
--   `disable_request_compression`, `request_min_compression_size_bytes`
-- @treturn[1] Client
-- @treturn[2] nil
-- @treturn[2] Error
function M.new(opts)
  if opts == nil then opts = {} end
  if type(opts) ~= "table" then
    error("bad argument #1 to 'new' (table expected, got " .. type(opts) .. ")", 2)
  end
  local s, err = settings(opts)
  if not s then return fail("InvalidConfiguration", err) end
  local self = setmetatable({}, Client)
  local p = {
    region = s.region,
    endpoint = s.ep.url,
    ep = s.ep,
    timeout = s.timeout,
    connect_timeout = s.connect_timeout,
    max_attempts = s.max_attempts,
    first_attempt_header = string.format("attempt=1; max=%d", s.max_attempts),
    max_response = s.max_response,
    transport = opts.transport,
    user_transport = type(opts.transport) == "function" and opts.transport or nil,
    ca_file = opts.ca_file,
    logger = opts.logger,
    svc = s.service,
    new_token = opts.idempotency_token,
    signer = core.signer(),
    http = {},
    http_opts = {},
    clock = opts.clock or core.now, -- wall-clock seconds: signing dates, expiry (no os library needed)
    -- between retries: ngx.sleep where it can be used (never blocks a worker), else a real sleep
    sleep = opts.sleep or function(seconds)
      if async.current() then
        async.sleep(seconds)
      elseif not ngx_transport.sleep(seconds) then
        core.sleep(seconds)
      end
    end,
  }
  -- what every request of this client is sent and signed with (core.prepare)
  p.target = core.target { signer = p.signer, region = s.region, service = p.svc.meta.signing_name, origin = s.ep.origin,
    host = s.ep.host, base_path = s.ep.base_path, user_agent = USER_AGENT, min_compression = s.min_compression }
  p.retry = retry.new { mode = s.retry_mode, max_attempts = s.max_attempts, sleep = p.sleep,
    clock = core.monotonic, random = opts.random }
  p.credentials = credentials.chain {
    explicit = s.credentials,
    getenv = s.getenv,
    files = s.files,
    profile_name = s.profile_name,
    profile_explicit = s.profile_explicit,
    profile_option = opts.profile ~= nil,
    region = s.region,
    signer = p.signer,
    clock = p.clock,
    fetch = function(req, kind) return send(p, req, kind) end,
  }
  private[self] = p
  if p.svc ~= embedded then setmetatable(self, class_of(p.svc)) end
  return self
end

-- {====== One call ======

-- The Error for an input core.build refused, with its list of problems.
local function refused(err, operation)
  return errors.new(err.code, err.message, { operation = operation, fields = { problems = err.problems } })
end

-- The signed request of op (an entry of svc.operations), for a client p
-- already checked; for an attempt of a call, with its two id headers,
-- unsigned as botocore adds them: the call's invocation id (true: core.prepare
-- makes one, for the first attempt) and the attempt's amz-sdk-request value.
local function prepare(p, op, params, call_id, attempt_header)
  local chain = p.credentials
  local creds = chain.lasting or chain:fresh()
  if not creds then
    -- parameters first: a bad call fetches no credentials
    local _, err = p.svc.build(op.name, params)
    if err then return nil, refused(err) end
    local why
    creds, why = chain:get()
    if not creds then return nil, errors.new("CredentialsError", why, { operation = op.name }) end
  end
  -- one C call validates, serializes, adds Host, X-Amz-Date, User-Agent,
  -- Content-Type and the session token, signs, and gives the url
  -- the clock's seconds: core.prepare writes them as X-Amz-Date (nil: it
  -- reads the wall clock itself, without a call of core.now from here)
  local date = p.clock ~= core.now and p.clock() or nil
  local req, err = p.svc.prepare(op.index, params, p.target, creds, date, p.new_token and p.new_token(),
    call_id, attempt_header)
  if not req then return nil, err.problems and refused(err) or errors.new(err.code, err.message) end
  return req
end

--- Builds and signs the HTTP request of an operation without sending it.
-- @treturn[1] table `{method, url, path, query, headers, body?}`
-- @treturn[2] nil
-- @treturn[2] Error
function Client:prepare(opname, params)
  local p = check_client(self, "prepare", 2)
  params = check_params(params, 2, "prepare", 2)
  local op = p.svc.by_name[opname]
  if not op then error(unknown_operation(opname, p.svc), 2) end
  return prepare(p, op, params)
end

-- One attempt: prepare (signing again: the date moves), send, parse. The
-- same invocation id for every attempt of a call: the first one's, made by
-- core.prepare (call_id nil).
local function attempt(p, op, params, call_id, n)
  local req, err = prepare(p, op, params, call_id or true,
    n == 1 and p.first_attempt_header or string.format("attempt=%d; max=%d", n, p.max_attempts))
  if not req then return nil, err, nil end
  local resp, terr = send(p, req, nil, true) -- core.prepare checked every header
  if not resp then
    return nil, errors.new(terr.code, terr.message, { operation = req.operation, retryable = terr.retryable }), req
  end
  local out, perr = p.svc.parse(op.index, resp.status, resp.body, resp.headers)
  if out then return out, nil, req, resp end
  return nil, errors.new(perr.code, perr.message, {
    status = resp.status,
    request_id = resp.headers["x-amzn-requestid"],
    fields = perr.fields,
    modeled_retryable = perr.modeled_retryable,
    modeled_throttling = perr.modeled_throttling,
    operation = req.operation,
  }), req, resp
end

-- A call of op for a client p already checked, params a table.
local function call(p, op, params)
  if p.stub then -- a Stubber answers: parameters still checked as for a real call
    local _, err = p.svc.build(op.name, params)
    if err then return nil, refused(err, op.name) end
    return p.stub(op.name, params)
  end
  local last_cost = 0
  local n = 0
  local call_id -- the first attempt's, read back from it for a retry
  local policy, logger = p.retry, p.logger
  while true do
    n = n + 1
    local waited = policy.settled and 0 or policy:before_attempt()
    local started = logger and core.monotonic()
    local out, err, req, resp = attempt(p, op, params, call_id, n)
    -- the log's fields and lines are built only for a logger: a call without
    -- one does no string work here
    local fields
    if logger then
      local input = view_of(p.svc).operations[op.name].input
      fields = {
        operation = op.name, attempt = n, max_attempts = p.max_attempts,
        status = resp and resp.status, duration = core.monotonic() - started,
        request_id = resp and resp.headers["x-amzn-requestid"], rate_limited = waited > 0 and waited or nil,
        headers = req and redact_headers(req.headers) or nil,
        params = n == 1 and input and redact(view_of(p.svc), input.shape, params, 0) or nil,
      }
    end
    if out then
      if not policy.settled then policy:after_success(last_cost) end
      if fields then
        fields.retry = false
        log(p, "info", string.format("%s attempt %d: HTTP %s in %.3f s", fields.operation, n,
          tostring(fields.status), fields.duration), fields)
      end
      return out
    end
    if not req then -- refused before sending: nothing to retry
      err.attempts = n - 1
      return nil, err
    end
    local again, why, cost = policy:after_failure(err, n)
    local delay = again and policy:backoff(n) or nil
    if fields then
      fields.error, fields.retry, fields.decision, fields.delay = err.code, again, why, delay
      log(p, again and "warn" or "error", string.format("%s attempt %d: %s%s in %.3f s; %s", fields.operation, n,
        err.code, err.status and (" (HTTP " .. err.status .. ")") or "", fields.duration,
        again and string.format("retrying in %.3f s", delay) or ("not retried: " .. why)), fields)
    end
    if not again then
      err.attempts = n
      return nil, err
    end
    last_cost = cost
    call_id = call_id or req.headers["amz-sdk-invocation-id"]
    p.sleep(delay)
  end
end

--- Calls an operation by name (`"CreateCampaign"` or `"create_campaign"`),
-- retrying as the retry mode says. Errors carry `attempts`.
function Client:call(opname, params)
  local p = private[self] or check_client(self, "call", 2)
  if type(params) ~= "table" then params = check_params(params, 2, "call", 2) end
  local op = p.svc.by_name[opname]
  if not op then error(unknown_operation(opname, p.svc), 2) end
  return call(p, op, params)
end

-- {====== Paginators ======

local function paginator_of(self, opname)
  local svc = private[self].svc
  local op = svc.by_name[opname]
  if not op or not op.paginator then
    local names = {} -- from the model's paginators
    for _, o in ipairs(svc.operations) do
      if o.paginator then names[#names + 1] = o.snake end
    end
    error("'" .. tostring(opname) .. "' does not paginate; these do: " .. table.concat(names, ", "), 3)
  end
  return op
end

--- Iterates over the pages of a paginated operation.
-- `for page, err in client:pages("list_campaigns", params) do ... end`:
-- each step gives a result table; a failure gives `false, err` once and
-- ends the loop. A `nextToken` the service repeats ends it with a
-- `PaginationError` rather than looping forever. `maxResults` passes through.
function Client:pages(opname, params)
  check_client(self, "pages", 2)
  params = check_params(params, 2, "pages", 2)
  local op = paginator_of(self, opname)
  local p = op.paginator
  local input = {}
  for k, v in pairs(params) do input[k] = v end
  local done, seen = false, {}
  return function()
    if done then return nil end
    local out, err = self:call(op.name, input)
    if not out then
      done = true
      return false, err
    end
    local token = out[p.output_token]
    if token == nil or token == "" then
      done = true
    elseif seen[token] then
      done = true
      return false, errors.new("PaginationError",
        "the service returned nextToken " .. string.format("%q", token) .. " twice; stopping", { operation = op.name })
    else
      seen[token] = true
      input[p.input_token] = token
    end
    return out
  end
end

--- Iterates over the items of a paginated operation, across pages
-- (`campaignSummaryList` of list_campaigns, ...). A failure gives
-- `false, err` once and ends the loop.
function Client:items(opname, params)
  check_client(self, "items", 2)
  params = check_params(params, 2, "items", 2)
  local op = paginator_of(self, opname)
  local key = op.paginator.result_key
  local next_page = self:pages(opname, params)
  local page, index = nil, 0
  return function()
    while true do
      if page then
        local list = page[key] or {}
        index = index + 1
        if list[index] ~= nil then return list[index] end
      end
      local err
      page, err = next_page()
      index = 0
      if page == nil then return nil end
      if page == false then return false, err end
    end
  end
end

-- }======

--- (for connectcampaigns.stubber) Answers the client's calls with fn(operation, params).
function M._set_stub(client, fn)
  check_client(client, "_set_stub", 2)
  private[client].stub = fn
end

--- Releases the client's libcurl handles now rather than at collection.
function Client:close()
  local p = private[self]
  if not p then return end
  for _, h in pairs(p.http) do h:close() end
  p.signer:close()
  private[self] = nil
end
Client.__close = Client.close

local function method_of(op, svc)
  local snake = op.snake
  return function(self, params)
    -- the checks' usual outcome inline: a call less each
    local p = private[self] or check_client(self, snake, 2)
    if type(params) ~= "table" then params = check_params(params, 1, snake, 2) end
    -- the client's own entry: op itself for a client of op's model; a client
    -- of another model may lack this one
    local own = p.svc == svc and op or p.svc.by_name[snake]
    if not own then error(unknown_operation(snake, p.svc), 2) end
    return call(p, own, params)
  end
end

for _, op in ipairs(operations) do Client[op.snake] = method_of(op, embedded) end

-- The class of a client of another model: its own operations' methods, the
-- rest from Client.
class_of = function(svc)
  if not svc.class then
    local methods = setmetatable({}, { __index = Client })
    for _, op in ipairs(svc.operations) do methods[op.snake] = method_of(op, svc) end
    svc.class = { __index = methods, __tostring = Client.__tostring, __close = Client.__close, __name = Client.__name }
    classes[svc.class] = true
  end
  return svc.class
end

-- }======

-- {====== Module-level calls through a default client ======

local default_client

--- The client module-level calls use, built from the environment on first use.
function M.default_client()
  if default_client then return default_client end
  local c, err = M.new()
  if not c then return nil, err end
  default_client = c
  return c
end

--- Forgets the default client (after the environment changed, say).
function M.reset_default_client()
  if default_client then default_client:close() end
  default_client = nil
end

for _, op in ipairs(operations) do
  M[op.snake] = function(params)
    params = check_params(params, 1, op.snake, 2)
    local c, err = M.default_client()
    if not c then return nil, err end
    return c:call(op.name, params)
  end
end

-- }======

M.Client = Client
return M
