-- The emulator's command line: flags checked, one clear line and status 2 on
-- any failure to start, a log line per request.
local core = require "connectcampaigns.core"
local emulator = require "connectcampaigns.emulator"
local socket = require "socket"
local H = require "helpers"

local function emu(args)
  return H.run(H.LUA_CMD .. " bin/connectcampaigns-emulator " .. args)
end

describe("connectcampaigns-emulator", function()
  it("refuses bad flags with one line and status 2", function()
    for args, want in pairs {
      ["--port abc"] = "--port abc: must be a whole number from 0 to 65535",
      ["--port 99999"] = "--port 99999: must be a whole number from 0 to 65535",
      ["--port 1.5"] = "must be a whole number",
      ["--throttle-rate 2"] = "--throttle-rate 2: must be a number from 0 to 1",
      ["--prot 4566"] = "unknown flag --prot, did you mean --port?",
      ["--port"] = "--port needs a value",
      ["extra"] = "unknown flag extra",
    } do
      local out, ok = emu(args)
      assert.is_false(ok, args)
      assert.matches(want, out, 1, true)
      local _, lines = out:gsub("\n", "")
      assert.are.equal(1, lines, out)
      assert.is_nil(out:find("traceback", 1, true))
    end
  end)

  it("lists its flags with --help", function()
    local out, ok = emu("--help")
    assert.is_true(ok)
    for _, flag in ipairs { "--port", "--host", "--state", "--max-skew", "--quiet", "--latency" } do
      assert.matches(flag, out, 1, true)
    end
  end)

  it("says in one line that a port is taken, with status 2", function()
    local busy = assert(socket.bind("127.0.0.1", 0))
    local _, port = busy:getsockname()
    local out, ok = emu("--port " .. port)
    busy:close()
    assert.is_false(ok)
    assert.matches("^connectcampaigns%-emulator: cannot listen on 127%.0%.0%.1 port %d+: address already in use\n$", out)
  end)

  it("names a missing dependency in one line, with status 2", function()
    local out, ok = H.run("LUA_PATH='./lua/?.lua;./lua/?/init.lua' LUA_CPATH='./" .. H.BUILD .. "/?.so' "
      .. H.LUA .. " bin/connectcampaigns-emulator --help")
    assert.is_false(ok)
    assert.matches("^connectcampaigns%-emulator: missing dependency: lrexlib%-pcre2 %(Debian: lua%-rex%-pcre2; "
      .. "LuaRocks: lrexlib%-pcre2%)\n$", out)
  end)

  it("logs one line per request on stderr, unless --quiet", function()
    local log = os.tmpname()
    local pipe = assert(io.popen(H.LUA_ENV .. " exec " .. H.LUA .. " bin/connectcampaigns-emulator --port 0 "
      .. "--max-seconds 60 2>" .. log, "r"))
    local url = assert((pipe:read("*l") or ""):match("^listening on (http://[%d.]+:%d+)$"))
    local cc = require "connectcampaigns"
    local client = assert(cc.new { region = "us-east-1", endpoint = url, max_attempts = 1,
      credentials = { access_key_id = "test", secret_access_key = "test" } })
    assert.truthy(client:list_campaigns {})
    local _, err = client:describe_campaign { id = "nope" }
    assert.are.equal("ResourceNotFoundException", err.code)
    local http = core.http { timeout = 5 }
    http:request(emulator.control_request(url, "shutdown", "{}"))
    http:close()
    pipe:close()
    local f = assert(io.open(log, "rb"))
    local text = f:read("*a")
    f:close()
    os.remove(log)
    assert.matches("%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%dZ POST /v2/campaigns%-summary 200 %- [%d.]+ ms\n", text)
    assert.matches("GET /v2/campaigns/nope 404 ResourceNotFoundException [%d.]+ ms\n", text)
    client:close()
  end)
end)
