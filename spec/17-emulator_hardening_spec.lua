-- The emulator refuses what the service refuses, survives any request, and
-- never acknowledges a write it could not persist.
local core = require "connectcampaigns.core"
local emulator = require "connectcampaigns.emulator"
local httpd = require "connectcampaigns.emulator.httpd"
local socket = require "socket"
local H = require "helpers"

-- Sends raw bytes on a new connection; returns what came back before close or timeout.
local function raw(url, bytes, wait)
  local host, port = url:match("^http://([^:]+):(%d+)")
  local c = assert(socket.connect(host, tonumber(port)))
  c:settimeout(wait or 2)
  c:send(bytes)
  local out, _, partial = c:receive("*a")
  c:close()
  return out or partial or ""
end

describe("the emulator's server", function()
  local emu
  setup(function() emu = H.start_emulator() end)
  teardown(function() emu.stop() end)

  local function still_serving()
    local client = emu.client()
    local out, err = client:list_campaigns {}
    client:close()
    assert.truthy(out, tostring(err))
  end

  it("answers a malformed Content-Length with 400 and keeps serving", function()
    for _, cl in ipairs { "1.5", "-1", "99999999999999999999", "abc", "1e3", "0x10" } do
      local answer = raw(emu.url, "POST /v2/campaigns HTTP/1.1\r\nHost: x\r\nContent-Length: " .. cl .. "\r\n\r\n{}")
      assert.matches("^HTTP/1.1 4%d%d", answer, nil, false)
      still_serving()
    end
  end)

  it("reads chunked bodies, and refuses smuggling and oversized headers", function()
    local take = httpd._take_request
    local req = take("POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\nNEXT")
    assert.are.equal("abcde", req.body)
    local partial = take("POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab")
    assert.is_nil(partial)
    local _, _, why = take("POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n")
    assert.are.equal(400, why.status)
    _, _, why = take("POST /p HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n")
    assert.are.equal(400, why.status)
    _, _, why = take("GET /p HTTP/1.1\r\nX: " .. string.rep("a", 70000) .. "\r\n\r\n")
    assert.are.equal(431, why.status)
    local answer = raw(emu.url, "GET /v2/campaigns HTTP/1.1\r\nX: " .. string.rep("a", 70000) .. "\r\n\r\n")
    assert.matches("^HTTP/1.1 431", answer)
    -- a header value is trimmed of spaces and tabs in linear time: a run of
    -- 60000 inside one took the lazy pattern many seconds (quadratic)
    local started = os.clock()
    local run = string.rep(" \t", 30000)
    req = take("GET /p HTTP/1.1\r\nX-Pad: \t a" .. run .. "b \t\r\nX-Empty: \t \r\n\r\n")
    assert.are.equal("a" .. run .. "b", req.headers["x-pad"])
    assert.are.equal("", req.headers["x-empty"])
    assert.is_true(os.clock() - started < 5, string.format("took %.1f s", os.clock() - started))
    answer = raw(emu.url, "GARBAGE\r\n\r\n")
    assert.matches("^HTTP/1.1 400", answer)
    still_serving()
  end)

  it("cuts off a slow client and keeps serving others meanwhile", function()
    local host, port = emu.url:match("^http://([^:]+):(%d+)")
    local slow = assert(socket.connect(host, tonumber(port)))
    slow:send("POST /v2/campaigns HTTP/1.1\r\nContent-Length: 10\r\n\r\n{") -- and never the rest
    still_serving()
    slow:close()
  end)

  it("drops a client that never reads, without stalling others", function()
    local host, port = emu.url:match("^http://([^:]+):(%d+)")
    local greedy = assert(socket.connect(host, tonumber(port)))
    local req = emulator.control_request(emu.url, "state")
    local lines = { "GET " .. req.url:match("^https?://[^/]+(.*)$") .. " HTTP/1.1" }
    for k, v in pairs(req.headers) do lines[#lines + 1] = k .. ": " .. v end
    local one = table.concat(lines, "\r\n") .. "\r\n\r\n"
    greedy:settimeout(0.5)
    greedy:send(string.rep(one, 200)) -- 200 answers it will never read
    still_serving()
    greedy:close()
  end)
end)

describe("the emulator's checks", function()
  local emu
  setup(function() emu = H.start_emulator() end)
  teardown(function() emu.stop() end)

  it("refuses a request dated too far from now, and the wrong region or service", function()
    for _, offset in ipairs { -20 * 60, 365 * 86400, -2 * 365 * 86400 } do
      local c = emu.client { clock = function() return os.time() + offset end }
      local _, err = c:list_campaigns {}
      assert.are.equal("InvalidSignatureException", err.code)
      assert.matches(offset < 0 and "Signature expired" or "Signature not yet current", err.message)
      c:close()
    end
    local c = emu.client { region = "us-west-2", endpoint = emu.url }
    local _, err = c:list_campaigns {}
    assert.are.equal("InvalidSignatureException", err.code)
    assert.matches("scoped to a valid region", err.message)
    local http = core.http { timeout = 5 }
    local req = emulator.control_request(emu.url, "state")
    -- the same request, signed for another service
    local signer = core.signer()
    local path = req.url:match("^https?://[^/]+(.*)$")
    req.headers.Authorization = nil
    req.headers.Authorization = signer:sign({ method = "GET", path = path, query = "", headers = req.headers, body = "" },
      { access_key_id = "test", secret_access_key = "test" }, "us-east-1", "s3", req.headers["X-Amz-Date"])
    local resp = assert(http:request(req))
    assert.are.equal(403, resp.status)
    assert.matches("correct service", resp.body)
    http:close()
  end)

  it("answers an unsigned request with MissingAuthenticationTokenException", function()
    local http = core.http { timeout = 5 }
    local resp = assert(http:request { method = "POST", url = emu.url .. "/v2/campaigns-summary", headers = {}, body = "{}" })
    assert.are.equal(403, resp.status)
    assert.are.equal("MissingAuthenticationTokenException", resp.headers["x-amzn-errortype"])
    http:close()
  end)

  it("needs its credentials on the control endpoint", function()
    local http = core.http { timeout = 5 }
    local resp = assert(http:request { method = "POST", url = emu.url .. "/__emulator/reset", headers = {}, body = "{}" })
    assert.are.equal(403, resp.status)
    resp = assert(http:request { method = "POST", url = emu.url .. "/__emulator/shutdown", headers = {}, body = "{}" })
    assert.are.equal(403, resp.status)
    resp = assert(http:request(emulator.control_request(emu.url, "state", nil, { secret_access_key = "wrong" })))
    assert.are.equal(403, resp.status)
    resp = assert(http:request(emulator.control_request(emu.url, "state")))
    assert.are.equal(200, resp.status)
    http:close()
  end)

  it("reads request bodies strictly by the input shape", function()
    local c = emu.client()
    local function send(body)
      local req = assert(c:prepare("update_campaign_name", { id = "c1", name = "n" }))
      req.body = body
      local signer = core.signer()
      req.headers.Authorization = nil
      req.headers.Authorization = signer:sign(req, { access_key_id = "test", secret_access_key = "test" },
        "us-east-1", "connect-campaigns", req.headers["X-Amz-Date"])
      local http = core.http { timeout = 5 }
      local resp = assert(http:request(req))
      http:close()
      return resp
    end
    for body, want in pairs {
      ['{"name": 7}'] = "name must be a string",
      ['{"name": null}'] = "name must not be null",
      ['{"name": "n", "extra": 1}'] = "extra is not a member",
      ['[1]'] = "must be a JSON object",
    } do
      local resp = send(body)
      assert.are.equal(400, resp.status)
      assert.matches(want, resp.body, 1, true)
    end
    local native = require "connectcampaigns.emulator.native"
    local ok, err = native.check_request("put_instance_communication_limits",
      '{"communicationLimitsConfig": {"allChannelSubtypes": {"communicationLimitsList": '
      .. '[{"maxCountPerRecipient": 4294967296, "frequency": 1, "unit": "DAY"}]}}}')
    assert.is_nil(ok)
    assert.matches("communicationLimitsConfig.allChannelSubtypes.communicationLimitsList[1].maxCountPerRecipient "
      .. "is out of the range of a 32-bit integer", err.message, 1, true)
    ok, err = native.check_request("create_campaign", '{"name": "n", "tags": {"k": 7}}')
    assert.is_nil(ok)
    assert.matches("tags.k must be a string", err.message, 1, true)
    c:close()
  end)

  it("serves only on addresses that resolve to loopback", function()
    assert.is_true(emulator.is_loopback_host("127.0.0.1"))
    assert.is_true(emulator.is_loopback_host("localhost"))
    assert.is_false(emulator.is_loopback_host("127.0.0.1.evil.com"))
    local out, ok = H.run(H.LUA_CMD .. " bin/connectcampaigns-emulator --host 127.0.0.1.evil.com --port 0")
    assert.is_false(ok)
    assert.matches("loopback", out)
  end)
end)

describe("the emulator's state file", function()
  it("answers 500 and keeps the state it had when saving fails", function()
    local dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p '" .. dir .. "'"))
    local emu = assert(emulator.new { state_file = dir .. "/state.json" })
    local function call(opname, params)
      local client = require("connectcampaigns").new { region = "us-east-1", max_attempts = 1,
        credentials = { access_key_id = "test", secret_access_key = "test" },
        transport = function(req)
          local path, query = req.url:match("^https?://[^/]+([^?]*)%??(.*)$")
          local raw_headers = {}
          local headers = {}
          for k, v in pairs(req.headers) do
            raw_headers[#raw_headers + 1] = { k, v }
            headers[k:lower()] = v
          end
          local resp = emu:handle { method = req.method, path = path, query = query, headers = headers,
            raw_headers = raw_headers, body = req.body or "" }
          return { status = resp.status, headers = resp.headers, body = resp.body }
        end }
      return client:call(opname, params)
    end
    local created = assert(call("create_campaign", { name = "a", connectInstanceId = "i",
      channelSubtypeConfig = { telephony = { outboundMode = { agentless = {} },
        defaultOutboundConfig = { connectContactFlowId = "f" } } } }))
    -- a folder where the file should be: every save now fails
    assert(os.execute("rm -f '" .. dir .. "/state.json' && mkdir '" .. dir .. "/state.json'"))
    local out, err = call("update_campaign_name", { id = created.id, name = "b" })
    assert.is_nil(out)
    assert.are.equal("InternalServerException", err.code)
    assert.are.equal(500, err.status)
    local described = assert(call("describe_campaign", { id = created.id }))
    assert.are.equal("a", described.campaign.name)
    os.execute("rm -rf '" .. dir .. "'")
  end)

  it("removes temporary files a crash left behind when it starts", function()
    local dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p '" .. dir .. "'"))
    local f = assert(io.open(dir .. "/state.json.tmp.12345", "wb"))
    f:write("{half")
    f:close()
    assert(emulator.new { state_file = dir .. "/state.json" })
    assert.is_nil(io.open(dir .. "/state.json.tmp.12345", "rb"))
    os.execute("rm -rf '" .. dir .. "'")
  end)
end)
