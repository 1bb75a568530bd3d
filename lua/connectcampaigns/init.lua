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

local M = {
  VERSION = "0.1.0",
  Error = errors.Error,
  is_error = errors.is_error,
  codes = errors.codes,
}

local meta = core.metadata()
local operations = core.operations()
local by_snake = {}
for _, op in ipairs(operations) do by_snake[op.snake] = op end

--- The model's operations: array of `{name, snake, method, uri, paginator?}`.
M.operations = operations

local decoded_model
--- The service model as a table (`operations`, `shapes`, `paginators`,
-- `metadata`): the constraints a script may want, such as the largest batch
-- `cc.model().shapes.OutboundRequestList.max`.
function M.model()
  if not decoded_model then decoded_model = assert(core.json_decode(core.model_json())) end
  return decoded_model
end

local USER_AGENT = string.format("connectcampaigns-lua/%s %s libcurl/%s",
  M.VERSION, (_VERSION or "Lua"):gsub(" ", "/"), core.curl_version())

-- Client state that must never show up when a client is printed or walked
-- with pairs(): credentials live here, keyed by the client, collectable.
local private = setmetatable({}, { __mode = "k" })

local Client = {}
Client.__index = Client
Client.__name = "connectcampaigns.Client"

-- Raises for a call without self (client.method{} instead of client:method{})
-- and for a closed client: both are misuse, not failures of the world.
local function check_client(v, method, level)
  if getmetatable(v) ~= Client then
    error("bad self: call it as client:" .. method .. "{...} (with a colon)", level + 1)
  end
  if private[v] == nil then
    error("attempt to use a closed connectcampaigns.Client", level + 1)
  end
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

local function env(name)
  local v = os.getenv(name)
  if v == nil or v == "" then return nil end
  return v
end

-- Splits an endpoint URL into what requests need: the origin for the URL,
-- the Host header (default ports left out, as botocore does) and a base path.
local function parse_endpoint(url)
  if type(url) ~= "string" then return nil, "endpoint must be a string" end
  local scheme, authority, path = url:match("^(%a[%w+.-]*)://([^/?#]+)([^?#]*)$")
  if not scheme then return nil, "endpoint is not an absolute http(s) URL without query: " .. url end
  scheme = scheme:lower()
  if scheme ~= "http" and scheme ~= "https" then
    return nil, "endpoint scheme must be http or https: " .. url
  end
  if authority:find("@", 1, true) then return nil, "endpoint must not carry user information" end
  local host, port = authority:match("^(.-):(%d+)$")
  if not host then host = authority end
  local default_port = (scheme == "https" and "443") or "80"
  local host_header = (port and port ~= default_port) and (host .. ":" .. port) or host
  path = path:gsub("/+$", "")
  return {
    url = scheme .. "://" .. authority .. path,
    origin = scheme .. "://" .. authority,
    host = host_header:lower(),
    base_path = path,
  }
end

local function check_number_option(opts, name, default, min)
  local v = opts[name]
  if v == nil then return default end
  if type(v) ~= "number" or v ~= v or v < min then
    return nil, string.format("option %s must be a number >= %s", name, min)
  end
  return v
end

local function resolve_credentials(given)
  if given ~= nil then return given end
  local id, secret = env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")
  if id and secret then
    return { access_key_id = id, secret_access_key = secret, session_token = env("AWS_SESSION_TOKEN") }
  end
  return nil, "no credentials: none were given to connectcampaigns.new and the environment " ..
    "has no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
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
  -- a copy: later changes to the caller's table do not reach the client
  return { access_key_id = c.access_key_id, secret_access_key = c.secret_access_key,
           session_token = c.session_token ~= "" and c.session_token or nil }
end

-- }======

--- Creates a client.
-- @tparam[opt] table opts `region`, `endpoint`, `credentials`, `timeout`,
--   `connect_timeout`, `max_attempts`, `transport`, `ca_file`, `max_response`
-- @treturn[1] Client
-- @treturn[2] nil
-- @treturn[2] Error
function M.new(opts)
  if opts == nil then opts = {} end
  if type(opts) ~= "table" then
    error("bad argument #1 to 'new' (table expected, got " .. type(opts) .. ")", 2)
  end
  local region = opts.region or env("AWS_REGION") or env("AWS_DEFAULT_REGION")
  if type(region) ~= "string" or not region:match("^[%w%-]+$") then
    return fail("InvalidConfiguration", region == nil
      and "no region: pass region to connectcampaigns.new or set AWS_REGION"
      or "region must be a name such as us-east-1")
  end
  -- as every AWS SDK: the option, the service's own variable, the global one
  local ep, eperr = parse_endpoint(opts.endpoint or env("AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2")
    or env("AWS_ENDPOINT_URL") or string.format("https://%s.%s.amazonaws.com", meta.endpoint_prefix, region))
  if not ep then return fail("InvalidConfiguration", eperr) end

  local creds, cerr
  if opts.credentials ~= nil then
    creds, cerr = check_credentials(opts.credentials)
    if not creds then return fail("InvalidConfiguration", cerr) end
  end
  local timeout, terr = check_number_option(opts, "timeout", 60, 0)
  if not timeout then return fail("InvalidConfiguration", terr) end
  local connect_timeout, cterr = check_number_option(opts, "connect_timeout", 10, 0)
  if not connect_timeout then return fail("InvalidConfiguration", cterr) end
  local max_attempts, maerr = check_number_option(opts, "max_attempts", 1, 1)
  if not max_attempts or max_attempts % 1 ~= 0 then
    return fail("InvalidConfiguration", maerr or "option max_attempts must be a whole number")
  end
  local max_response, mrerr = check_number_option(opts, "max_response", 16 * 1024 * 1024, 1)
  if not max_response then return fail("InvalidConfiguration", mrerr) end
  if opts.transport ~= nil and type(opts.transport) ~= "function" then
    return fail("InvalidConfiguration", "transport must be a function(req) -> resp | nil, err")
  end
  if opts.ca_file ~= nil and type(opts.ca_file) ~= "string" then
    return fail("InvalidConfiguration", "ca_file must be a path")
  end

  local self = setmetatable({}, Client)
  private[self] = {
    region = region,
    endpoint = ep.url,
    ep = ep,
    credentials = creds,
    timeout = timeout,
    connect_timeout = connect_timeout,
    max_attempts = math.floor(max_attempts),
    max_response = max_response,
    transport = opts.transport,
    ca_file = opts.ca_file,
    signer = core.signer(),
    clock = opts.clock or os.time, -- tests pin the signing time
  }
  return self
end

-- {====== One call ======

local function lower_keys(t)
  local out = {}
  if type(t) == "table" then
    for k, v in pairs(t) do
      if type(k) == "string" then out[k:lower()] = v end
    end
  end
  return out
end

-- Sends through the user's transport (pcall'd: a raising transport is a
-- NetworkError, not a crash) or through the client's libcurl handle.
local function send(p, req)
  if p.transport then
    local ok, resp, err = pcall(p.transport, req)
    if not ok then return nil, { code = "NetworkError", message = "transport raised: " .. tostring(resp) } end
    if resp == nil then
      if type(err) == "table" then
        return nil, { code = err.code or "NetworkError", message = tostring(err.message or err.code) }
      end
      return nil, { code = "NetworkError", message = tostring(err or "transport returned nothing") }
    end
    if type(resp) ~= "table" or type(resp.status) ~= "number" then
      return nil, { code = "NetworkError", message = "transport must return {status=, headers=, body=}" }
    end
    return { status = math.floor(resp.status), headers = lower_keys(resp.headers),
             body = type(resp.body) == "string" and resp.body or "" }
  end
  if not p.http then
    p.http = core.http {
      ca_file = p.ca_file, timeout = p.timeout, connect_timeout = p.connect_timeout,
      max_response = p.max_response,
    }
  end
  return p.http:request(req)
end

--- Builds and signs the HTTP request of an operation without sending it.
-- @treturn[1] table `{method, url, path, query, headers, body?}`
-- @treturn[2] nil
-- @treturn[2] Error
function Client:prepare(opname, params)
  check_client(self, "prepare", 2)
  if type(params) ~= "table" then
    error(string.format("bad argument #2 to 'prepare' (table expected, got %s)", type(params)), 2)
  end
  local p = private[self]
  local req, err = core.build(opname, params)
  if not req then return nil, errors.new(err.code, err.message) end
  local creds, cerr = p.credentials, nil
  if not creds then
    creds, cerr = resolve_credentials(nil)
    if not creds then return nil, errors.new("CredentialsError", cerr) end
  end
  local amz_date = core.amz_date(p.clock())
  local headers = {
    Host = p.ep.host,
    ["X-Amz-Date"] = amz_date,
    ["User-Agent"] = USER_AGENT,
  }
  if req.body then headers["Content-Type"] = "application/json" end
  if creds.session_token then headers["X-Amz-Security-Token"] = creds.session_token end
  req.path = p.ep.base_path .. req.path
  req.headers = headers
  local authz, serr = p.signer:sign(req, creds, p.region, meta.signing_name, amz_date)
  if not authz then return nil, errors.new(serr.code, serr.message) end
  headers.Authorization = authz
  req.url = p.ep.origin .. req.path .. (req.query ~= "" and ("?" .. req.query) or "")
  return req
end

--- Calls an operation by name (`"CreateCampaign"` or `"create_campaign"`).
function Client:call(opname, params)
  check_client(self, "call", 2)
  if params == nil then
    params = {}
  elseif type(params) ~= "table" then
    error(string.format("bad argument #1 to '%s' (table expected, got %s)", tostring(opname), type(params)), 2)
  end
  local req, err = self:prepare(opname, params)
  if not req then return nil, err end
  local p = private[self]
  local resp, terr = send(p, req)
  if not resp then return nil, errors.new(terr.code, terr.message, { operation = req.operation }) end
  local request_id = resp.headers["x-amzn-requestid"]
  local out, perr = core.parse(req.operation, resp.status, resp.body, resp.headers["x-amzn-errortype"])
  if out then return out end
  return nil, errors.new(perr.code, perr.message, {
    status = resp.status,
    request_id = request_id,
    fields = perr.fields,
    modeled_retryable = perr.modeled_retryable,
    modeled_throttling = perr.modeled_throttling,
    operation = req.operation,
  })
end

-- {====== Paginators ======

local function paginator_of(opname)
  local op = by_snake[opname]
  if not op then
    for _, o in ipairs(operations) do
      if o.name == opname then op = o end
    end
  end
  if not op or not op.paginator then
    error("'" .. tostring(opname) .. "' does not paginate; these do: list_campaigns, "
      .. "list_connect_instance_integrations", 3)
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
  if params ~= nil and type(params) ~= "table" then
    error(string.format("bad argument #2 to 'pages' (table expected, got %s)", type(params)), 2)
  end
  local op = paginator_of(opname)
  local p = op.paginator
  local input = {}
  for k, v in pairs(params or {}) do input[k] = v end
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
  local op = paginator_of(opname)
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

--- Releases the client's libcurl handle now rather than at collection.
function Client:close()
  local p = private[self]
  if p and p.http then p.http:close() end
  if p then p.signer:close() end
  private[self] = nil
end
Client.__close = Client.close

for _, op in ipairs(operations) do
  local name = op.name
  Client[op.snake] = function(self, params)
    check_client(self, op.snake, 2)
    if params ~= nil and type(params) ~= "table" then
      error(string.format("bad argument #1 to '%s' (table expected, got %s)", op.snake, type(params)), 2)
    end
    return self:call(name, params)
  end
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
    if params ~= nil and type(params) ~= "table" then
      error(string.format("bad argument #1 to '%s' (table expected, got %s)", op.snake, type(params)), 2)
    end
    local c, err = M.default_client()
    if not c then return nil, err end
    return c:call(op.name, params)
  end
end

-- }======

M.Client = Client
M._by_snake = by_snake
return M
