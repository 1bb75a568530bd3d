-- Shared spec helpers: the loopback stub server and the test credentials.
local core = require "connectcampaigns.core"

local H = {}

-- No spec may reach the instance metadata endpoint: the default chain must stop before it.
assert(os.getenv("AWS_EC2_METADATA_DISABLED") == "true",
  "run the specs with AWS_EC2_METADATA_DISABLED=true (make test does)")

H.LUA = os.getenv("LUA") or "lua5.4"
H.KEY_ID = "AKIDSTUB"
H.SECRET = "stub/secret+key"
H.CREDS = { access_key_id = H.KEY_ID, secret_access_key = H.SECRET }

-- Deep equality where numbers keep their subtype (Lua 5.3+: a Double read
-- as 1.0 must not come back as 1) and zero its sign. A timestamp expected as
-- { ["$timestamp"] = seconds } is compared by value, to the microsecond where
-- a double holds it: the client returns epoch seconds, integral or not.
function H.same_typed(want, got, path)
  path = path or "value"
  if type(want) == "table" and want["$timestamp"] ~= nil then
    local ts = want["$timestamp"]
    assert(type(got) == "number", path .. ": a timestamp expected, got " .. type(got))
    assert(math.abs(got - ts) <= math.max(2e-6, math.abs(ts) * 2 ^ -50), path .. ": " .. tostring(ts)
      .. " expected, got " .. string.format("%.6f", got))
    return
  end
  assert(type(want) == type(got), path .. ": " .. type(want) .. " expected, got " .. type(got))
  if type(want) == "table" then
    for k, v in pairs(want) do H.same_typed(v, got[k], path .. "." .. tostring(k)) end
    for k in pairs(got) do assert(want[k] ~= nil, path .. "." .. tostring(k) .. " was not expected") end
  elseif type(want) == "number" then
    assert(want == got, path .. ": " .. tostring(want) .. " expected, got " .. tostring(got))
    if math.type then assert(math.type(want) == math.type(got), path .. ": " .. math.type(want) .. " expected") end
    if want == 0 then assert(1 / want == 1 / got, path .. ": the sign of zero") end
  else
    assert(want == got, path .. ": " .. string.format("%q", tostring(want)) .. " expected, got "
      .. string.format("%q", tostring(got)))
  end
end

local Stub = {}
Stub.__index = Stub

local function control(self, path, body)
  local resp, err = self.http:request {
    method = body and "POST" or "GET",
    url = self.url .. "/__stub/" .. path,
    headers = { ["Content-Type"] = "application/json" },
    body = body,
  }
  assert(resp, err and err.message)
  assert(resp.status == 200, "stub control " .. path .. ": HTTP " .. tostring(resp.status))
  return resp.body
end

--- The module paths of this tree, and a shell command running lua with them.
H.BUILD = os.getenv("CC_BUILD") or "build" -- where make put this interpreter's module
H.LUA_ENV = "LUA_PATH='./lua/?.lua;./lua/?/init.lua;;' LUA_CPATH='./" .. H.BUILD .. "/?.so;;'"
H.LUA_CMD = H.LUA_ENV .. " " .. H.LUA

-- Starts a server script; returns its pipe and the first line it prints.
local function spawn(args)
  local pipe = assert(io.popen(H.LUA_ENV .. " exec " .. H.LUA .. " " .. args, "r"))
  return pipe, pipe:read("*l") or ""
end

--- Starts spec/support/stub_server.lua on a free loopback port.
-- @tparam[opt] table opts `key_id`, `secret` (what signatures are checked
--   against), `nosig` (check none)
function H.start_stub(opts)
  opts = opts or {}
  local pipe, port = spawn(string.format("spec/support/stub_server.lua %s '%s' %s",
    opts.key_id or H.KEY_ID, opts.secret or H.SECRET, opts.nosig and "nosig" or ""))
  assert(port:match("^%d+$"), "stub server did not start")
  local self = setmetatable({ pipe = pipe, port = tonumber(port),
    url = "http://127.0.0.1:" .. port, http = core.http { timeout = 10 } }, Stub)
  return self
end

--- Starts spec/support/raw_server.lua answering every connection with `answer`
-- (raw bytes). @treturn table {url, stop()}
function H.start_raw(answer, seconds)
  local file = os.tmpname()
  local f = assert(io.open(file, "wb"))
  f:write(answer)
  f:close()
  local pipe, port = spawn(string.format("spec/support/raw_server.lua %s %d", file, seconds or 20))
  assert(port:match("^%d+$"), "raw server did not start")
  return { url = "http://127.0.0.1:" .. port, stop = function()
    -- tells it to end; returns how many requests it answered
    local c = require("socket").connect("127.0.0.1", tonumber(port))
    if c then
      c:send("STOP\r\n")
      c:close()
    end
    local served = tonumber((pipe:read("*a") or ""):match("served (%d+)"))
    pipe:close()
    os.remove(file)
    return served
  end }
end

--- Starts spec/support/slow_server.lua: every request answered after
-- `delay` seconds, many at once. @treturn table {url, stats(), stop()}
function H.start_slow(delay)
  local pipe, port = spawn(string.format("spec/support/slow_server.lua %s 120", tostring(delay)))
  assert(port:match("^%d+$"), "slow server did not start")
  local url = "http://127.0.0.1:" .. port
  local http = core.http { timeout = 10 }
  return { url = url,
    stats = function()
      return core.json_decode(assert(http:request { method = "GET", url = url .. "/stats", headers = {} }).body)
    end,
    stop = function()
      pcall(http.request, http, { method = "POST", url = url .. "/stop", headers = {}, body = "" })
      pipe:close()
      http:close()
    end }
end

--- Starts the emulator (bin/connectcampaigns-emulator) on a free loopback port.
-- @treturn table {url, stop()}
function H.start_emulator(extra_args)
  local pipe, line = spawn("bin/connectcampaigns-emulator --port 0 --max-seconds 300 --quiet " .. (extra_args or ""))
  local url = assert(line:match("^listening on (http://[%d.]+:%d+)$"), "emulator did not start: " .. line)
  local http = core.http { timeout = 10 }
  local emu = { url = url }
  --- Calls the control endpoint; returns the decoded answer.
  local emulator = require "connectcampaigns.emulator"
  function emu.control(what, body)
    local resp = assert(http:request(emulator.control_request(url, what, body and assert(core.json_encode(body)))))
    assert(resp.status == 200, resp.body)
    return core.json_decode(resp.body)
  end
  function emu.stop()
    pcall(http.request, http, emulator.control_request(url, "shutdown", "{}"))
    pipe:close()
    http:close()
  end
  --- A client for this emulator (its default key pair test/test).
  function emu.client(extra)
    local cc = require "connectcampaigns"
    local opts = { region = "us-east-1", endpoint = url, timeout = 10, max_attempts = 1,
      credentials = { access_key_id = "test", secret_access_key = "test" } }
    for k, v in pairs(extra or {}) do opts[k] = v end
    return assert(cc.new(opts))
  end
  return emu
end

--- Reads a file whole; nil when it cannot be opened.
function H.read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local text = f:read("*a")
  f:close()
  return text
end

--- Writes a file whole.
function H.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

--- Runs a shell command; returns its output and whether it succeeded.
function H.run(cmd)
  -- the status is printed, not taken from close(): Lua 5.1 and LuaJIT report none
  local p = assert(io.popen("(" .. cmd .. ") 2>&1; echo \"<exit $?>\"", "r"))
  local out = p:read("*a")
  p:close()
  local status = tonumber(out:match("<exit (%d+)>\n?$"))
  return (out:gsub("<exit %d+>\n?$", "")), status == 0
end

--- The Lua version of the interpreter the specs run on ("5.1" for LuaJIT).
H.LUA_VERSION = (_VERSION or ""):match("%d+%.%d+") or "5.1"

--- Queues answers: each {status=, headers=, body=}.
function Stub:respond(...)
  control(self, "respond", assert(core.json_encode({ ... })))
end

--- The requests received since the last reset, oldest first.
function Stub:requests()
  return assert(core.json_decode(control(self, "requests")))
end

function Stub:last()
  local all = self:requests()
  return all[#all]
end

function Stub:reset()
  control(self, "reset", "{}")
end

function Stub:stop()
  pcall(control, self, "stop", "{}")
  self.pipe:close()
  self.http:close()
end

--- A client pointed at the stub, with a pinned clock unless told otherwise.
function H.client(stub, extra)
  local cc = require "connectcampaigns"
  -- one attempt unless a spec asks for retries: answers are queued one per call
  local opts = { region = "us-east-1", endpoint = stub.url, credentials = H.CREDS, timeout = 10, max_attempts = 1 }
  for k, v in pairs(extra or {}) do opts[k] = v end
  return assert(cc.new(opts))
end

--- Reads a fixture file.
function H.fixture(name)
  local f = assert(io.open("spec/fixtures/" .. name, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

return H
