--- botocore's Stubber, the Lua way: answers a client's calls from a queue,
-- for the specs of code that uses the client. Nothing is sent.
--
--     local Stubber = require "connectcampaigns.stubber"
--     local s = Stubber.new(client)
--     s:add_response("describe_campaign", { campaign = {...} }, { id = "c1" })
--     s:add_error("describe_campaign", "ResourceNotFoundException", "no such campaign", 404)
--     s:activate()
--     ... code under test ...
--     s:assert_no_pending()
--     s:deactivate()
--
-- Parameters are still validated as for a real call (a bad call fails as it
-- would). A call whose operation, or parameters when the entry names them,
-- differ from the next entry raises a stub assertion at the caller's line.
-- @module connectcampaigns.stubber

local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"
local errors = require "connectcampaigns.errors"

local Stubber = {}
Stubber.__index = Stubber

local by_name = {}
for _, op in ipairs(cc.operations) do
  by_name[op.snake] = op
  by_name[op.name] = op
end

-- The first stack level outside this library: where a stub assertion points.
local function caller_level()
  for level = 2, 50 do
    local info = debug and debug.getinfo(level, "S")
    if not info then return 1 end
    local src = info.short_src or ""
    -- (Lua 5.1 shows a tail call as a frame of its own: not a caller)
    if info.what ~= "C" and info.what ~= "tail" and not src:find("connectcampaigns[/\\]") then return level - 1 end
  end
  return 1
end

local function fail(message)
  error("stub assertion: " .. message, caller_level())
end

local function operation(name, where)
  local op = by_name[name]
  if not op then error(string.format("%s: no operation %q", where, tostring(name)), 3) end
  return op
end

local function copy(v)
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = copy(x) end
  return out
end

-- The first difference between two values, as "path: expected x, got y".
local function difference(want, got, path)
  if type(want) ~= "table" or type(got) ~= "table" then
    if want ~= got then
      return string.format("%s: expected %s, got %s", path, type(want) == "string" and string.format("%q", want)
        or tostring(want), type(got) == "string" and string.format("%q", got) or tostring(got))
    end
    return nil
  end
  local keys = {}
  for k in pairs(want) do keys[#keys + 1] = k end
  for k in pairs(got) do if want[k] == nil then keys[#keys + 1] = k end end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    local d = difference(want[k], got[k], type(k) == "number" and (path .. "[" .. k .. "]") or (path .. "." .. tostring(k)))
    if d then return d end
  end
  return nil
end

--- A stubber for `client` (inactive until `activate`).
function Stubber.new(client)
  if getmetatable(client) ~= cc.Client then error("bad argument #1 to 'new' (a connectcampaigns client expected)", 2) end
  return setmetatable({ client = client, queue = {}, active = false }, Stubber)
end

--- Queues an answer: `response` must be valid for the operation's output
-- shape (it raises otherwise, as botocore's does); `expected_params`, when
-- given, must equal the call's parameters.
function Stubber:add_response(opname, response, expected_params)
  local op = operation(opname, "add_response")
  response = response or {}
  if type(response) ~= "table" then error("add_response: the response must be a table", 2) end
  local ok, err = core.encode_shape(op.name, response, "output")
  if not ok then error("add_response: the response does not fit " .. op.name .. ": " .. err.message, 2) end
  self.queue[#self.queue + 1] = { op = op, response = copy(response), params = copy(expected_params) }
end

--- Queues a failure: the same Error object a real failure of `code` gives.
-- @tparam[opt=400] integer status
-- @tparam[opt] table extra `request_id`, `fields` (members of the error shape), `expected_params`
function Stubber:add_error(opname, code, message, status, extra)
  local op = operation(opname, "add_error")
  if type(code) ~= "string" then error("add_error: the code must be a string", 2) end
  extra = extra or {}
  local shape = cc.model().shapes[code]
  local retryable = shape and shape.retryable ~= nil
  local throttling = retryable and shape.retryable.throttling == true
  self.queue[#self.queue + 1] = { op = op, params = copy(extra.expected_params), error = {
    code = code, message = message or "", status = status or 400,
    request_id = extra.request_id or ("stub-" .. #self.queue + 1),
    fields = copy(extra.fields), modeled_retryable = retryable, modeled_throttling = throttling } }
end

-- The answer of one call: out, or nil and err.
function Stubber:answer(opname, params)
  local entry = table.remove(self.queue, 1)
  if not entry then fail(string.format("%s was called, and no answer is queued", opname)) end
  if entry.op.name ~= opname then
    fail(string.format("expected a call of %s, got %s", entry.op.snake, by_name[opname].snake))
  end
  if entry.params ~= nil then
    local d = difference(entry.params, params, "params")
    if d then fail(entry.op.snake .. " was called with other parameters: " .. d) end
  end
  if entry.error then
    local e = entry.error
    return nil, errors.new(e.code, e.message, { status = e.status, request_id = e.request_id, fields = e.fields,
      modeled_retryable = e.modeled_retryable, modeled_throttling = e.modeled_throttling, operation = opname })
  end
  return copy(entry.response)
end

--- From now on the client's calls are answered from the queue.
function Stubber:activate()
  cc._set_stub(self.client, function(opname, params) return self:answer(opname, params) end)
  self.active = true
end

--- The client talks to the service again.
function Stubber:deactivate()
  cc._set_stub(self.client, nil)
  self.active = false
end

--- Raises when queued answers were not used.
function Stubber:assert_no_pending()
  if #self.queue > 0 then
    fail(string.format("%d queued answer(s) not used, the next for %s", #self.queue, self.queue[1].op.snake))
  end
end

return Stubber
