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

-- one describe through the cosocket transport of a fresh client (a raw
-- upstream's connection is closed after its answer: no pooled connection is
-- shared between tests), with what came of it and how long it took
function M.raw()
  local c = assert(cc.new { region = "us-east-1", endpoint = ngx.var.arg_endpoint, max_attempts = 1, timeout = 30,
    max_response = tonumber(ngx.var.arg_max), credentials = { access_key_id = "test", secret_access_key = "test" } })
  ngx.update_time()
  local started = ngx.now()
  local out, err = c:describe_campaign { id = "c1" }
  ngx.update_time()
  reply { ok = out ~= nil, name = out and out.campaign and out.campaign.name, code = err and err.code,
    message = err and err.message, request_id = err and err.request_id, took = ngx.now() - started }
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
    location /raw { content_by_lua_block { require("handlers").raw() } }
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

  -- The cosocket transport reads answers itself (libcurl's are read in C):
  -- each way an answer may be framed, and each way one may be hostile.
  describe("reads the answers of a raw upstream", function()
    local f = assert(io.open("spec/fixtures/responses/describe_campaign.json", "rb"))
    local DESCRIBE = f:read("*a")
    f:close()
    local HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"

    local function through(answer, query)
      local raw = H.start_raw(answer)
      local out = get("/raw?endpoint=" .. raw.url .. (query or ""))
      raw.stop()
      return out
    end

    it("by Content-Length, with any case of header name", function()
      local out = through(HEAD .. "content-LENGTH: " .. #DESCRIBE .. "\r\n\r\n" .. DESCRIBE)
      assert.is_true(out.ok, tostring(out.message))
      assert.are.equal("spring-renewals", out.name)
    end)

    it("by chunks, with extensions and trailers", function()
      local half = math.floor(#DESCRIBE / 2)
      local out = through(HEAD .. "Transfer-Encoding: Chunked\r\n\r\n"
        .. string.format("%x;ext=1\r\n%s\r\n%X\r\n%s\r\n", half, DESCRIBE:sub(1, half), #DESCRIBE - half,
          DESCRIBE:sub(half + 1))
        .. "0\r\nX-Trailer: t\r\n\r\n")
      assert.is_true(out.ok, tostring(out.message))
      assert.are.equal("spring-renewals", out.name)
    end)

    it("to the close when the answer has no length", function()
      local out = through(HEAD .. "Connection: close\r\n\r\n" .. DESCRIBE)
      assert.is_true(out.ok, tostring(out.message))
      assert.are.equal("spring-renewals", out.name)
    end)

    it("joining a repeated header, as HTTP allows", function()
      local body = '{"message": "no such campaign"}'
      local out = through("HTTP/1.1 404 Not Found\r\nx-amzn-ErrorType: ResourceNotFoundException\r\n"
        .. "X-Amzn-RequestId: r1\r\nx-amzn-requestid:  r2 \r\nContent-Length: " .. #body .. "\r\n\r\n" .. body)
      assert.is_false(out.ok)
      assert.are.equal("ResourceNotFoundException", out.code)
      assert.are.equal("r1, r2", out.request_id)
    end)

    it("in linear time, whatever runs of spaces a header holds", function()
      -- a value trimmed by a lazy pattern (`(.-)%s*$`) took about 15 s of
      -- the worker for this line: quadratic in the run; a bound many times
      -- the linear reading, not a benchmark
      local out = through(HEAD .. "X-Pad: a" .. string.rep(" ", 60000) .. "b\r\nContent-Length: " .. #DESCRIBE
        .. "\r\n\r\n" .. DESCRIBE)
      assert.is_true(out.ok, tostring(out.message))
      assert.is_true(out.took < 5, string.format("took %.1f s", out.took))
    end)

    it("refusing a header over 64 KB, a body over max_response and a bad Content-Length", function()
      local out = through(HEAD .. "X-Big: " .. string.rep("a", 70000) .. "\r\nContent-Length: 2\r\n\r\n{}")
      assert.are.equal("NetworkError", out.code)
      assert.matches("response header too large", out.message)
      out = through(HEAD .. "Content-Length: " .. #DESCRIBE .. "\r\n\r\n" .. DESCRIBE, "&max=1000")
      assert.are.equal("NetworkError", out.code)
      assert.matches("larger than 1000 bytes", out.message)
      out = through(HEAD .. "Content-Length: 1.5\r\n\r\n{}")
      assert.are.equal("NetworkError", out.code)
      assert.matches("bad Content%-Length", out.message)
    end)
  end)

  it("refuses a self-signed TLS server with a clear NetworkError", function()
    local out = get("/one?endpoint=https://127.0.0.1:" .. tls_port)
    assert.is_false(out.ok)
    assert.are.equal("NetworkError", out.code)
    assert.matches("TLS handshake", out.message)
    assert.matches("certificate", out.message)
  end)
end)
