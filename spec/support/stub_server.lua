-- A loopback stand-in for the service, started and stopped by the specs.
-- It checks the SigV4 signature of every request against the bytes it
-- actually received, records the request, and answers with what the spec
-- queued through its control paths (/__stub/...), or 200 "{}".
--
-- usage: lua5.4 spec/support/stub_server.lua [ACCESS_KEY_ID SECRET_ACCESS_KEY [nosig]]
-- With "nosig" it stands in for endpoints that take unsigned requests
-- (instance metadata, the container endpoint, STS web identity): it records
-- and answers without checking.
-- Prints the port it listens on, then serves until told to stop (or 300 s).

local httpd = require "connectcampaigns.emulator.httpd"
local socket = require "socket"
local core = require "connectcampaigns.core"
local sigcheck = require "connectcampaigns.emulator.sigcheck"

local key_id = arg[1] or "AKIDSTUB"
local secret = arg[2] or "stub/secret+key"
local check_signatures = arg[3] ~= "nosig"
local signer = core.signer()
local recorded, queue = {}, {}

local function json(v) return (assert(core.json_encode(v))) end

local function control(req)
  local what = req.path:match("^/__stub/(.*)$")
  if what == "respond" then
    local list = assert(core.json_decode(req.body))
    for _, r in ipairs(list) do queue[#queue + 1] = r end
    return { status = 200, body = "{}" }
  elseif what == "requests" then
    return { status = 200, body = #recorded == 0 and "[]" or json(recorded) }
  elseif what == "reset" then
    recorded, queue = {}, {}
    return { status = 200, body = "{}" }
  elseif what == "stop" then
    return { status = 200, body = "{}", stop = true, close = true }
  end
  return { status = 404, body = "{}" }
end

httpd.serve {
  max_seconds = 300,
  on_listen = function(_, port)
    io.stdout:write(port, "\n")
    io.stdout:flush()
  end,
  handler = function(req)
    if req.path:sub(1, 8) == "/__stub/" then return control(req) end
    local ok, why, service = true, nil, nil
    if check_signatures then ok, why, service = sigcheck.verify(signer, req, key_id, secret) end
    local region
    if ok then region, why = why, nil end
    local headers = {}
    for _, h in ipairs(req.raw_headers) do headers[h[1]:lower()] = h[2] end
    recorded[#recorded + 1] = { method = req.method, path = req.path, query = req.query,
      headers = headers, body = req.body, signature_ok = ok, why = why, region = region,
      service = service, peer_port = req.peer_port }
    if not ok then
      return { status = 403, headers = { ["x-amzn-ErrorType"] = "InvalidSignatureException",
        ["x-amzn-RequestId"] = "stub-req-" .. #recorded },
        body = json({ message = "signature check failed: " .. why }) }
    end
    local r = table.remove(queue, 1) or { status = 200, body = "{}" }
    if r.delay then socket.sleep(r.delay) end
    local rh = r.headers or {}
    if rh["x-amzn-RequestId"] == nil then rh["x-amzn-RequestId"] = "stub-req-" .. #recorded end
    return { status = r.status or 200, headers = rh, body = r.body or "", drop = r.drop }
  end,
}
