--- A local stand-in for Connect Campaigns V2, driven by the same model as the
-- client: requests are routed by the model's HTTP bindings, their SigV4
-- signature checked with the project's signer, their input read and
-- validated by the shape engine (and the service-side constraints), and
-- answers written by the output shapes. The behaviour lives in
-- `emulator/service.lua`, one handler per operation.
--
-- `emulator.new(opts):handle(req)` answers one parsed HTTP request (an httpd
-- request table); `emulator.main(arg)` serves on loopback.
-- @module connectcampaigns.emulator

local core = require "connectcampaigns.core"
local native = require "connectcampaigns.emulator.native"
local sigcheck = require "connectcampaigns.emulator.sigcheck"
local service = require "connectcampaigns.emulator.service"
local constraints = require "connectcampaigns.emulator.constraints"

local M = {}

local model = core.model_view() -- the core's parse of the model, shared
local shapes = model.shapes
local SIGNING_NAME = core.metadata().signing_name

--- The handlers, by operation name: one for each operation of the model.
M.handlers = service.handlers

--- Where the control endpoint lives: a path the service never uses.
M.CONTROL = "/__emulator/"

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

local function unescape(s)
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

-- The operation a request is for, with its URI labels decoded; or nil and
-- whether some operation has that path (then the method is wrong).
local function route(method, path)
  local path_known = false
  for _, r in ipairs(routes) do
    local caps = { path:match(r.pattern) }
    if #caps > 0 then
      path_known = true
      if r.method == method then
        local labels = {}
        for i, name in ipairs(r.labels) do labels[name] = unescape(caps[i]) end
        return r.name, labels
      end
    end
  end
  return nil, path_known
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
  if t == "integer" or t == "long" then
    local n = tonumber(raw)
    -- an integral number; math.tointeger is 5.3+ only
    if n and n == math.floor(n) and n > -2 ^ 63 and n < 2 ^ 63 then return math.floor(n) end
    return raw
  end
  if t == "double" or t == "float" then return tonumber(raw) or raw end
  if t == "boolean" then return raw == "true" end
  return raw
end

-- Gathers an operation's input from labels, query string and body.
local function read_input(opname, labels, query, body)
  local op = model.operations[opname]
  if not op.input then return {} end
  -- strictly, as the service reads it: a mistyped member is an error, never dropped
  local ok, serr = native.check_request(opname, body or "")
  if not ok then return nil, serr.message end
  local params, err = core.decode_shape(opname, body or "", "input")
  if not params then return nil, err.message end
  for member, ref in pairs(shapes[op.input.shape].members) do
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
STATUS.InvalidSignatureException = 403
STATUS.MissingAuthenticationTokenException = 403
STATUS.UnrecognizedClientException = 403
STATUS.IncompleteSignatureException = 403
STATUS.UnknownOperationException = 404

local Emulator = {}
Emulator.__index = Emulator

function Emulator:request_id()
  self.requests = self.requests + 1
  return string.format("emu-%08x-%06d", self.started, self.requests)
end

function Emulator:error(code, message, extra)
  local body = { message = message }
  for k, v in pairs(extra or {}) do body[k] = v end
  return { status = STATUS[code] or 400, body = assert(core.json_encode(body)),
    headers = { ["x-amzn-ErrorType"] = code, ["x-amzn-RequestId"] = self:request_id(),
      ["Content-Type"] = "application/json" } }
end

function Emulator:answer(opname, out)
  local body, err = core.encode_shape(opname, out, "output")
  if not body then return self:error("InternalServerException", "the emulator wrote a bad answer: " .. err.message) end
  return { status = 200, body = body, headers = { ["x-amzn-RequestId"] = self:request_id(),
    ["Content-Type"] = "application/json" } }
end

-- }======

-- {====== Faults, for testing retry logic ======

local FAULT_KEYS = { throttle_rate = true, error_rate = true, drop_rate = true, latency = true, sequence = true }

--- Sets faults: `throttle_rate`, `error_rate`, `drop_rate` (0..1), `latency`
-- (seconds added to every answer) and `sequence`, a list of faults for the
-- next requests in order: "throttle", "error500", "error503", "drop",
-- "delay:<seconds>" or "ok".
function Emulator:set_faults(f)
  for k, v in pairs(f) do
    if not FAULT_KEYS[k] then return nil, "unknown fault " .. tostring(k) end
    if k == "sequence" then
      if type(v) ~= "table" then return nil, "sequence must be a list" end
    elseif type(v) ~= "number" or v < 0 or (k ~= "latency" and v > 1) then
      return nil, k .. " must be a number" .. (k == "latency" and " >= 0" or " from 0 to 1")
    end
  end
  for k, v in pairs(f) do self.faults[k] = v end
  return true
end

-- The fault to inject into this request, if any.
function Emulator:next_fault()
  local f = self.faults
  if f.sequence and #f.sequence > 0 then
    local kind = table.remove(f.sequence, 1)
    if kind ~= "ok" then return kind end
    return nil
  end
  local r = math.random()
  if r < (f.drop_rate or 0) then return "drop" end
  r = math.random()
  if r < (f.throttle_rate or 0) then return "throttle" end
  r = math.random()
  if r < (f.error_rate or 0) then return math.random() < 0.5 and "error500" or "error503" end
  return nil
end

function Emulator:inject(kind)
  if kind == "drop" then return { drop = true } end
  if kind == "throttle" then return self:error("ThrottlingException", "Rate exceeded") end
  if kind == "error500" then return self:error("InternalServerException", "Internal failure (injected)") end
  if kind == "error503" then
    local resp = self:error("ServiceUnavailableException", "Service unavailable (injected)")
    resp.status = 503
    return resp
  end
  local delay = kind and tonumber(kind:match("^delay:([%d.]+)$"))
  if delay then return nil, delay end
  return nil
end

-- }======

-- {====== State kept across restarts ======

function Emulator:save()
  if not self.state_file then return true end
  local text, jerr = core.json_encode(self.state)
  if not text then return nil, jerr.message end
  local ok, err = native.write_file_atomic(self.state_file, text)
  if not ok then
    io.stderr:write("emulator: cannot save the state: ", err.message, "\n")
    return nil, err.message
  end
  return true
end

function Emulator:load()
  local f = io.open(self.state_file, "rb")
  if not f then return true end -- a new file
  local text = f:read("*a")
  f:close()
  local state, err = core.json_decode(text)
  if type(state) ~= "table" then
    return nil, "state file " .. self.state_file .. " is not JSON: " .. tostring(err and err.message)
  end
  local fresh = service.new_state()
  for k, v in pairs(fresh) do
    if type(state[k]) ~= "table" then state[k] = v end
  end
  self.state = state
  return true
end

-- }======

-- {====== Requests ======

local READ_ONLY = { Describe = true, Get = true, List = true }

--- Answers one request (an httpd request table).
-- The signature, scope and date of a request, as AWS checks them.
function Emulator:authenticate(req)
  local ok, why, code = sigcheck.verify(self.signer, req, self.access_key_id, self.secret_access_key,
    { region = self.region, service = SIGNING_NAME, now = self.clock(), max_skew = self.max_skew })
  if not ok then return self:error(code, why) end
  return nil
end

function Emulator:handle(req)
  if req.path:sub(1, #M.CONTROL) == M.CONTROL then
    -- the control endpoints change state and faults: the emulator's own credentials only
    return self:authenticate(req) or self:control(req)
  end
  local opname, labels = route(req.method, req.path)
  if not opname then
    if labels then
      return self:error("ValidationException", "No operation for " .. req.method .. " " .. req.path)
    end
    return self:error("UnknownOperationException", "No operation at " .. req.path)
  end
  local refused = self:authenticate(req)
  if refused then return refused end

  local injected, delay = self:inject(self:next_fault())
  delay = (delay or 0) + (self.faults.latency or 0)
  if delay > 0 then self.sleep(delay) end
  if injected then return injected end

  local input, ierr = read_input(opname, labels, parse_query(req.query), req.body)
  if not input then return self:error("ValidationException", ierr) end
  -- the client's own rules first, then what only the service checks
  local _, verr = core.build(opname, input)
  if verr then return self:error("ValidationException", verr.message) end
  local op = model.operations[opname]
  local cerr = op.input and constraints.check(op.input.shape, input)
  if cerr then return self:error("ValidationException", cerr) end

  local writes = not READ_ONLY[opname:match("^%u%l+")] and self.state_file ~= nil
  local before = writes and service.copy(self.state) or nil -- what a failed save rolls back to
  local out, code, msg, extra = self.handlers[opname](self, input)
  if not out then return self:error(code, msg, extra) end
  if writes then
    local saved, serr = self:save()
    if not saved then
      -- never acknowledge a write that did not reach the disk: the state stays as it was
      self.state = before
      return self:error("InternalServerException", "the emulator could not save its state: " .. serr)
    end
  end
  return self:answer(opname, out)
end

--- A request to the control endpoint of an emulator at `base_url`, signed
-- like any request (the control endpoint needs the emulator's credentials).
-- @tparam string base_url
-- @tparam string what "faults", "reset", "state" or "shutdown"
-- @tparam[opt] string body JSON; a POST when given, else a GET
-- @tparam[opt] table opts `access_key_id`, `secret_access_key` (test/test), `region` (us-east-1)
-- @treturn table {method, url, headers, body} for `core.http():request`
function M.control_request(base_url, what, body, opts)
  opts = opts or {}
  local u = assert(require("connectcampaigns.url").parse(base_url))
  local path = u.path:gsub("/+$", "") .. M.CONTROL .. what
  local amz_date = core.amz_date(os.time())
  local req = { method = body and "POST" or "GET", path = path, query = "", body = body or "",
    headers = { Host = u.host_header, ["X-Amz-Date"] = amz_date, ["Content-Type"] = "application/json" } }
  local signer = core.signer()
  req.headers.Authorization = assert(signer:sign(req, { access_key_id = opts.access_key_id or "test",
    secret_access_key = opts.secret_access_key or "test" }, opts.region or "us-east-1", SIGNING_NAME, amz_date))
  signer:close()
  req.url = u.origin .. path
  return req
end

--- The control endpoint: GET/POST /__emulator/faults, POST /__emulator/reset,
-- GET /__emulator/state, POST /__emulator/shutdown.
function Emulator:control(req)
  local what = req.path:sub(#M.CONTROL + 1)
  local function ok(body) return { status = 200, body = body or "{}", headers = { ["Content-Type"] = "application/json" } } end
  if what == "faults" and req.method == "GET" then
    return ok(assert(core.json_encode(self.faults)))
  elseif what == "faults" and req.method == "POST" then
    local f = core.json_decode(req.body ~= "" and req.body or "{}")
    local set, err = self:set_faults(type(f) == "table" and f or {})
    if not set then return { status = 400, body = assert(core.json_encode { message = err }) } end
    return ok(assert(core.json_encode(self.faults)))
  elseif what == "reset" and req.method == "POST" then
    local before = self.state
    self.state = service.new_state()
    self.faults = {}
    local saved, serr = self:save()
    if not saved then
      self.state = before
      return self:error("InternalServerException", "the emulator could not save its state: " .. serr)
    end
    return ok()
  elseif what == "state" and req.method == "GET" then
    return ok(assert(core.json_encode(self.state)))
  elseif what == "shutdown" and req.method == "POST" then
    local resp = ok()
    resp.stop, resp.close = true, true
    return resp
  end
  return { status = 404, body = '{"message": "no such control"}' }
end

--- A new emulator.
-- @tparam[opt] table opts `region`, `account`, `access_key_id`,
--   `secret_access_key`, `state_file`, `faults`, `max_skew` (seconds a
--   request's date may be off, 300), `clock` and `sleep` (for tests)
local NEW_OPTIONS = { region = true, account = true, access_key_id = true, secret_access_key = true,
  state_file = true, faults = true, max_skew = true, clock = true, sleep = true,
  -- what the command line passes along
  state = true, host = true, port = true, seed = true, max_seconds = true, quiet = true, help = true,
  throttle_rate = true, error_rate = true, drop_rate = true, latency = true }

function M.new(opts)
  opts = opts or {}
  local unknown = require("connectcampaigns.suggest").unknown_option(opts, NEW_OPTIONS)
  if unknown then return nil, unknown end
  local self = setmetatable({
    region = opts.region or "us-east-1",
    account = opts.account or "123456789012",
    access_key_id = opts.access_key_id or "test",
    secret_access_key = opts.secret_access_key or "test",
    state_file = opts.state_file,
    handlers = service.handlers,
    signer = core.signer(),
    state = service.new_state(),
    faults = {},
    clock = opts.clock or os.time,
    max_skew = opts.max_skew or 300,
    sleep = opts.sleep or function(s) require("socket").sleep(s) end,
    started = os.time(),
    requests = 0,
  }, Emulator)
  if self.state_file then
    native.remove_temporaries(self.state_file)
    local ok, err = self:load()
    if not ok then return nil, err end
  end
  if opts.faults then
    local ok, err = self:set_faults(opts.faults)
    if not ok then return nil, err end
  end
  return self
end

-- }======

-- {====== Command line ======

local USAGE = [[
usage: connectcampaigns-emulator [flags]
Serves Connect Campaigns V2 on loopback for development and tests. Prints
"listening on http://HOST:PORT" once ready, then one line per request on
stderr (time, method, path, status, error code, milliseconds).

  --port N                 TCP port, 0-65535 (4566; 0: any free one)
  --host ADDRESS           an address that resolves to loopback (127.0.0.1)
  --region NAME            the region requests must be signed for (us-east-1)
  --account ID             the account in ARNs (123456789012)
  --access-key-id ID       the key pair requests must be signed with (test)
  --secret-access-key KEY
  --state FILE             keep everything across restarts in FILE
  --throttle-rate R        faults, each a rate from 0 to 1
  --error-rate R
  --drop-rate R
  --latency SECONDS        added to every answer
  --max-skew SECONDS       how far X-Amz-Date may be from the clock (300)
  --seed N                 seed of the fault rates
  --max-seconds N          stop by itself after N seconds
  --quiet                  no request log
  --help                   this text

Faults can also be changed while it runs: POST {"throttle_rate": 0.5} to
/__emulator/faults, signed with the emulator's credentials like any request.]]

-- The flags: how each is read and checked; nil: a flag without a value.
local function number_in(min, max, whole)
  return function(v)
    local n = tonumber(v)
    if not n or n ~= n or n < min or (max and n > max) or (whole and n % 1 ~= 0) then
      return nil, string.format("must be a %s from %s%s", whole and "whole number" or "number", min,
        max and (" to " .. max) or " up")
    end
    return n
  end
end
local function text(v) return v end
local FLAGS = {
  port = number_in(0, 65535, true), host = text, region = text, account = text,
  access_key_id = text, secret_access_key = text, state = text,
  throttle_rate = number_in(0, 1), error_rate = number_in(0, 1), drop_rate = number_in(0, 1),
  latency = number_in(0), max_skew = number_in(0), seed = number_in(-2 ^ 53, 2 ^ 53, true),
  max_seconds = number_in(0), quiet = false, help = false,
}
local FLAG_FAULTS = { throttle_rate = true, error_rate = true, drop_rate = true, latency = true }

-- Reads argv into options; nil and a one-line reason on a bad flag.
local function parse_flags(argv)
  local opts, names = {}, {}
  for k in pairs(FLAGS) do names[#names + 1] = (k:gsub("_", "-")) end
  table.sort(names)
  local i = 1
  while i <= #argv do
    local a = argv[i]
    local name = a:match("^%-%-([%w%-]+)$") or (a == "-h" and "help") or nil
    local key = name and name:gsub("%-", "_")
    local read
    if key then read = FLAGS[key] end
    if read == nil then
      local hint = name and require("connectcampaigns.suggest").closest(name, names)
      return nil, string.format("unknown flag %s%s (--help lists them)", a, hint and (", did you mean --" .. hint .. "?") or "")
    end
    if read == false then
      opts[key] = true
      i = i + 1
    else
      if argv[i + 1] == nil then return nil, a .. " needs a value" end
      local v, why = read(argv[i + 1])
      if v == nil then return nil, string.format("%s %s: %s", a, argv[i + 1], why) end
      opts[key] = v
      i = i + 2
    end
  end
  return opts
end

-- One log line per request on stderr: time, method, path, status, error code, ms.
local function log_request(req, resp, started)
  local code = resp.headers and (resp.headers["x-amzn-ErrorType"] or resp.headers["X-Amzn-ErrorType"]) or "-"
  io.stderr:write(string.format("%s %s %s %s %s %.1f ms\n", os.date("!%Y-%m-%dT%H:%M:%SZ"), req.method, req.path,
    resp.drop and "dropped" or tostring(resp.status or 200), code, (require("socket").gettime() - started) * 1000))
end

--- Whether every address a host name resolves to is a loopback address
-- (the name is resolved, never compared as text: 127.0.0.1.evil.com is not).
function M.is_loopback_host(host)
  local addrs = require("socket").dns.getaddrinfo(host)
  if type(addrs) ~= "table" or #addrs == 0 then return false end
  for _, a in ipairs(addrs) do
    local ip = a.addr or ""
    local first = tonumber(ip:match("^(%d+)%.%d+%.%d+%.%d+$"))
    if not (first == 127 or ip == "::1") then return false end
  end
  return true
end

--- Runs the emulator from command-line arguments; returns an exit status
-- (0, or 2 with one line on stderr for a bad flag or a port it cannot use).
function M.main(argv)
  local opts, why = parse_flags(argv)
  if not opts then
    io.stderr:write("connectcampaigns-emulator: ", why, "\n")
    return 2
  end
  if opts.help then
    print(USAGE)
    return 0
  end
  opts.host = opts.host or "127.0.0.1"
  if not M.is_loopback_host(opts.host) then
    io.stderr:write("connectcampaigns-emulator: serving only on loopback addresses; ", opts.host, " is not one\n")
    return 2
  end
  local faults = {}
  for k in pairs(FLAG_FAULTS) do faults[k] = opts[k] end
  opts.faults = faults
  opts.state_file = opts.state
  math.randomseed(opts.seed or os.time())
  local emu, err = M.new(opts)
  if not emu then
    io.stderr:write("connectcampaigns-emulator: ", err, "\n")
    return 2
  end
  local socket = require "socket"
  local port = opts.port or 4566
  local served, serr = require("connectcampaigns.emulator.httpd").serve {
    host = opts.host,
    port = port,
    max_seconds = opts.max_seconds,
    on_listen = function(host, p)
      io.stdout:write(string.format("listening on http://%s:%d\n", host, p))
      io.stdout:flush()
    end,
    handler = function(req)
      local started = socket.gettime()
      local resp = emu:handle(req)
      if not opts.quiet then pcall(log_request, req, resp, started) end
      return resp
    end,
  }
  if not served then
    io.stderr:write(string.format("connectcampaigns-emulator: cannot listen on %s port %d: %s\n", opts.host, port, serr))
    return 2
  end
  return 0
end

-- }======

return M
