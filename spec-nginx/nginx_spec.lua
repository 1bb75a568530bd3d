-- The client inside a real nginx (Debian's nginx + libnginx-mod-http-lua, on
-- OpenResty's LuaJIT), on loopback, against the emulator and stand-ins:
-- the default transport there is the cosocket one, and it never blocks the
-- worker. Run by `make test-nginx` (LuaJIT build), which CI runs.
local core = require "connectcampaigns.core"
local socket = require "socket"
local H = require "helpers"

local ROOT = os.getenv("PWD") or "."

local function free_port()
  local s = assert(socket.bind("127.0.0.1", 0))
  local _, port = s:getsockname()
  s:close()
  return tonumber(port)
end

local write = H.write

-- The handlers: one client per worker, kept in a module-level upvalue.
local HANDLERS = [[
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"
local M = {}
local clients = {}
function M.client(endpoint, extra)
  local key = endpoint .. (extra or "")
  if not clients[key] then
    clients[key] = assert(cc.new { region = "us-east-1", endpoint = endpoint, max_attempts = 1, timeout = 10,
      credentials = { access_key_id = "test", secret_access_key = "test" } })
  end
  return clients[key]
end
local function reply(v) ngx.say(assert(core.json_encode(v))) end

function M.seed()
  local c = M.client(ngx.var.arg_endpoint)
  local out = {}
  local created, err = c:create_campaign { name = "n", connectInstanceId = "inst-1",
    channelSubtypeConfig = { telephony = { outboundMode = { agentless = {} },
      defaultOutboundConfig = { connectContactFlowId = "flow-1" } } } }
  if not created then return reply { error = tostring(err) } end
  local steps = {
    { "describe_campaign", { id = created.id } },
    { "update_campaign_communication_time", { id = created.id, communicationTimeConfig = {
      localTimeZoneConfig = { defaultTimeZone = "UTC" } } } },
    { "update_campaign_communication_limits", { id = created.id, communicationLimitsOverride = {
      allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = 3, frequency = 1, unit = "DAY" } } } } } },
    { "put_instance_communication_limits", { connectInstanceId = "inst-1", communicationLimitsConfig = {
      allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = 5, frequency = 7, unit = "DAY" } } } } } },
  }
  out.created = created.id
  for _, s in ipairs(steps) do
    local r, e = c:call(s[1], s[2])
    if not r then return reply { error = s[1] .. ": " .. tostring(e) } end
  end
  local d = assert(c:describe_campaign { id = created.id })
  out.name = d.campaign.name
  out.limits = d.campaign.communicationLimitsOverride.allChannelSubtypes.communicationLimitsList[1].maxCountPerRecipient
  reply(out)
end

function M.one()
  local out, err = M.client(ngx.var.arg_endpoint):describe_campaign { id = "c1" }
  reply { ok = out ~= nil, code = err and err.code, message = err and err.message }
end

function M.many()
  local c = M.client(ngx.var.arg_endpoint)
  local n = tonumber(ngx.var.arg_n)
  for i = 1, n do
    local out, err = c:describe_campaign { id = "c" .. i }
    if not out then return reply { error = tostring(err) } end
  end
  reply { ok = true }
end

-- a slow upstream (1 s), answering as the service would
function M.slow()
  ngx.sleep(tonumber(ngx.var.arg_delay) or 1)
  ngx.header["Content-Type"] = "application/json"
  ngx.print('{"campaign": {"id": "c", "arn": "a", "name": "n", "connectInstanceId": "i", ' ..
    '"channelSubtypeConfig": {}}}')
end
return M
]]

describe("inside nginx", function()
  local dir, port, tls_port, pid_pipe, emu, stub, http

  local function get(path)
    local resp = assert(http:request { method = "GET", url = "http://127.0.0.1:" .. port .. path, headers = {} })
    assert.are.equal(200, resp.status, resp.body)
    return assert(core.json_decode(resp.body))
  end

  setup(function()
    emu = H.start_emulator()
    stub = H.start_stub { key_id = "test", secret = "test" }
    http = core.http { timeout = 30 }
    dir = assert(H.run("mktemp -d")):gsub("%s+$", "")
    port, tls_port = free_port(), free_port()
    local out, ok = H.run(string.format("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
      .. "-keyout %s/key.pem -out %s/cert.pem", dir, dir))
    assert(ok, out)
    write(dir .. "/handlers.lua", HANDLERS)
    write(dir .. "/nginx.conf", string.format([[
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
daemon off;
master_process off;
worker_processes 1;
error_log %s/error.log warn;
pid %s/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path %s/body; proxy_temp_path %s/proxy; fastcgi_temp_path %s/fcgi;
  uwsgi_temp_path %s/uwsgi; scgi_temp_path %s/scgi;
  lua_package_path "%s/?.lua;%s/lua/?.lua;%s/lua/?/init.lua;;";
  lua_package_cpath "%s/%s/?.so;;";
  lua_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;
  lua_ssl_verify_depth 3;
  server {
    listen 127.0.0.1:%d;
    location /seed { content_by_lua_block { require("handlers").seed() } }
    location /one { content_by_lua_block { require("handlers").one() } }
    location /many { content_by_lua_block { require("handlers").many() } }
    location /slow/ { content_by_lua_block { require("handlers").slow() } }
  }
  server {
    listen 127.0.0.1:%d ssl;
    ssl_certificate %s/cert.pem;
    ssl_certificate_key %s/key.pem;
    location / { return 200 "{}"; }
  }
}
]], dir, dir, dir, dir, dir, dir, dir, dir, ROOT, ROOT, ROOT, H.BUILD, port, tls_port, dir, dir))
    pid_pipe = assert(io.popen(string.format("exec timeout 300 nginx -p %s -c %s/nginx.conf 2>&1", dir, dir), "r"))
    for _ = 1, 50 do -- until it listens
      local c = socket.connect("127.0.0.1", port)
      if c then c:close() break end
      socket.sleep(0.1)
    end
  end)

  teardown(function()
    H.run(string.format("kill $(cat %s/nginx.pid) 2>/dev/null", dir))
    if pid_pipe then pid_pipe:close() end
    local log = io.open(dir .. "/error.log", "rb")
    if log then
      local text = log:read("*a")
      log:close()
      if text:find("%[error%]") or text:find("%[crit%]") or text:find("%[alert%]") then
        io.stderr:write("nginx error.log:\n", text, "\n")
      end
    end
    H.run("rm -rf " .. dir)
    if emu then emu.stop() end
    if stub then stub:stop() end
    if http then http:close() end
  end)

  it("round-trips the five seed operations through the cosocket transport", function()
    local out = get("/seed?endpoint=" .. emu.url)
    assert.is_nil(out.error)
    assert.are.equal("n", out.name)
    assert.are.equal(3, out.limits)
  end)

  it("does not block the worker: ten calls to a 1 s upstream overlap", function()
    local urls = {}
    for i = 1, 10 do
      urls[i] = string.format("'http://127.0.0.1:%d/one?endpoint=http://127.0.0.1:%d/slow&n=%d'", port, port, i)
    end
    local started = socket.gettime()
    local out, ok = H.run("curl -s -Z --parallel-max 10 " .. table.concat(urls, " "))
    local took = socket.gettime() - started
    assert.is_true(ok, out)
    local _, answered = out:gsub('"ok": true', "")
    assert.are.equal(10, answered, out)
    -- a blocking transport takes 10 s in one worker; generous bound for a noisy machine
    assert.is_true(took < 3, string.format("took %.2f s", took))
  end)

  it("reuses one upstream connection for many calls (keep-alive through the cosocket pool)", function()
    stub:reset()
    local out = get("/many?n=5&endpoint=" .. stub.url)
    assert.is_true(out.ok, tostring(out.error))
    local requests = stub:requests()
    assert.are.equal(5, #requests)
    for _, r in ipairs(requests) do
      assert.is_true(r.signature_ok, r.why)
      assert.are.equal(requests[1].peer_port, r.peer_port)
    end
  end)

  it("refuses a self-signed TLS server with a clear NetworkError", function()
    local out = get("/one?endpoint=https://127.0.0.1:" .. tls_port)
    assert.is_false(out.ok)
    assert.are.equal("NetworkError", out.code)
    assert.matches("TLS handshake", out.message)
    assert.matches("certificate", out.message)
  end)
end)
