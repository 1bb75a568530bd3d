-- The client inside nginx, measured (run by `make bench` when nginx and its
-- lua module are installed): a handler looping over calls through the
-- cosocket transport, then through libcurl, against an upstream nginx on
-- loopback (keep-alive, a canned describe_campaign answer); and ten
-- concurrent calls to a 100 ms upstream in one worker, both ways.
--
-- usage: luajit bench/nginx_bench.lua BUILD_DIR [CALLS]
local core = require "connectcampaigns.core"
local S = dofile("bench/support.lua")

local BUILD, CALLS = arg[1] or "build/luajit", tonumber(arg[2]) or 3000
local ROOT = os.getenv("PWD") or "."

local sh, free_port, median = S.sh, S.free_port, S.median

local dir = sh("mktemp -d"):gsub("%s+$", "")
local up, front = free_port(), free_port()
local f = assert(io.open("spec/fixtures/responses/describe_campaign.json", "rb"))
local DESCRIBE = f:read("*a"):gsub("\n", " ")
f:close()

local function conf(name, body)
  local path = dir .. "/" .. name .. ".conf"
  local w = assert(io.open(path, "wb"))
  w:write(string.format([[
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
daemon off; master_process off; worker_processes 1;
error_log %s/%s.log error; pid %s/%s.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %s/b-%s; proxy_temp_path %s/p-%s; fastcgi_temp_path %s/f-%s;
  uwsgi_temp_path %s/u-%s; scgi_temp_path %s/s-%s;
  lua_package_path "%s/lua/?.lua;%s/lua/?/init.lua;;";
  lua_package_cpath "%s/%s/?.so;;";
  keepalive_requests 1000000;
  %s
}
]], dir, name, dir, name, dir, name, dir, name, dir, name, dir, name, dir, name, ROOT, ROOT, ROOT, BUILD, body))
  w:close()
  return path
end

local upstream = conf("upstream", string.format([[
  server { listen 127.0.0.1:%d;
    location /slow/ { content_by_lua_block { ngx.sleep(0.1) ngx.header["Content-Type"] = "application/json" ngx.print(%q) } }
    location / { default_type application/json; return 200 '%s'; }
  }]], up, DESCRIBE, DESCRIBE))

local frontend = conf("front", string.format([[
  server { listen 127.0.0.1:%d;
    location /loop { content_by_lua_block {
      local cc = require "connectcampaigns"
      local c = assert(cc.new { region = "us-east-1", endpoint = "http://127.0.0.1:%d", max_attempts = 1,
        transport = ngx.var.arg_t, credentials = { access_key_id = "A", secret_access_key = "S" } })
      local n = tonumber(ngx.var.arg_n)
      assert(c:describe_campaign { id = "warm" })
      ngx.update_time()
      local t = ngx.now()
      for i = 1, n do assert(c:describe_campaign { id = "c" .. i }) end
      ngx.update_time()
      ngx.say(n / (ngx.now() - t))
    } }
    location /ten { content_by_lua_block {
      local cc = require "connectcampaigns"
      local c = assert(cc.new { region = "us-east-1", endpoint = "http://127.0.0.1:%d/slow", max_attempts = 1,
        transport = ngx.var.arg_t, credentials = { access_key_id = "A", secret_access_key = "S" } })
      ngx.update_time()
      local t = ngx.now()
      local threads = {}
      for i = 1, 10 do threads[i] = ngx.thread.spawn(function() return c:describe_campaign { id = "c" .. i } end) end
      for i = 1, 10 do assert(ngx.thread.wait(threads[i])) end
      ngx.update_time()
      ngx.say(ngx.now() - t)
    } }
  }]], front, up, up))

local pipes = {}
for _, c in ipairs { upstream, frontend } do
  pipes[#pipes + 1] = assert(io.popen(string.format("exec timeout 600 nginx -p %s -c %s 2>&1", dir, c), "r"))
end
for _, port in ipairs { up, front } do S.wait_port(port) end

local http = core.http { timeout = 300 }
local function get(path)
  local resp = assert(http:request { method = "GET", url = "http://127.0.0.1:" .. front .. path, headers = {} })
  assert(resp.status == 200, resp.body)
  return tonumber(resp.body)
end

print(string.format("nginx, one worker, %d keep-alive calls to a loopback upstream (median of 3):", CALLS))
local rates = {}
for _, t in ipairs { "ngx", "curl" } do
  local runs = {}
  for r = 1, 3 do runs[r] = get("/loop?t=" .. t .. "&n=" .. CALLS) end
  rates[t] = median(runs)
  print(string.format("  %-32s %9.0f req/s", t == "ngx" and "cosocket transport" or "libcurl transport", rates[t]))
end
print(string.format("  %-32s %9.2fx", "cosocket / libcurl", rates.ngx / rates.curl))
print("ten concurrent calls to a 100 ms upstream, one worker:")
for _, t in ipairs { "ngx", "curl" } do
  print(string.format("  %-32s %9.3f s", t == "ngx" and "cosocket transport" or "libcurl transport", get("/ten?t=" .. t)))
end

http:close()
sh(string.format("kill $(cat %s/upstream.pid) $(cat %s/front.pid)", dir, dir))
for _, p in ipairs(pipes) do p:close() end
sh("rm -rf " .. dir)
