-- Keep-alive calls on loopback: the client (curl transport, one connection
-- reused) against a bare libcurl loop (bench/curl_loop.c), to the same nginx
-- serving a canned describe answer, in the same run, and the same loop
-- sending the client's header lines (libcurl's own cost for them), taking
-- turns. Prints
--   loopback_client <TAB> req/s    loopback_curl <TAB> req/s
--   loopback_curl_headers <TAB> req/s
-- usage: lua bench/loopback.lua CURL_LOOP_BINARY [CALLS]
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"
local S = dofile("bench/support.lua")

local LOOP, CALLS = assert(arg[1], "the curl_loop binary"), tonumber(arg[2]) or 20000

local sh = S.sh
local port = S.free_port()
local dir = sh("mktemp -d"):gsub("%s+$", "")
local f = assert(io.open("spec/fixtures/responses/describe_campaign.json", "rb"))
local DESCRIBE = f:read("*a"):gsub("\n", " ")
f:close()
local conf = dir .. "/nginx.conf"
f = assert(io.open(conf, "wb"))
f:write(string.format([[
daemon off; master_process off; worker_processes 1;
error_log %s/error.log error; pid %s/nginx.pid;
events { worker_connections 256; }
http {
  access_log off; keepalive_requests 10000000;
  client_body_temp_path %s/b; proxy_temp_path %s/p; fastcgi_temp_path %s/f; uwsgi_temp_path %s/u; scgi_temp_path %s/s;
  server { listen 127.0.0.1:%d; location / { default_type application/json; return 200 '%s'; } }
}
]], dir, dir, dir, dir, dir, dir, dir, port, DESCRIBE))
f:close()
local server = assert(io.popen(string.format("exec timeout 600 nginx -p %s -c %s 2>&1", dir, conf), "r"))
S.wait_port(port)

-- the measuring, in a function: nginx is stopped whatever happens in it (an
-- error left it running, holding run.lua's pipe, until its timeout)
local ok, err = pcall(function()
  local client = assert(cc.new { region = "us-east-1", endpoint = "http://127.0.0.1:" .. port, max_attempts = 1,
    credentials = { access_key_id = "AKIDEXAMPLE", secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" } })
  local params = { id = "c-7f3a9e" }
  assert(client:describe_campaign(params))
  -- the lines the client hands libcurl for this call: its signed headers, the
  -- two ids added per attempt, and those turning off curl's own headers, as
  -- set_lines in csrc/http.c gives them (a bodyless GET: Accept alone)
  local req = assert(client:prepare("describe_campaign", params))
  req.headers["amz-sdk-invocation-id"] = core.invocation_id()
  req.headers["amz-sdk-request"] = "attempt=1; max=1"
  local args = {}
  for name, value in pairs(req.headers) do args[#args + 1] = "'" .. name .. ": " .. value .. "'" end
  local offs = { "Accept:" }
  if req.body or req.method == "POST" or req.method == "PUT" then
    offs[2] = "Expect:"
    offs[3] = not req.body and "Content-Type:" or nil
  end
  for _, off in ipairs(offs) do args[#args + 1] = off end
  local url = string.format("http://127.0.0.1:%d/campaigns-v2/c-7f3a9e", port)
  local LOOP_HEADERS = table.concat(args, " ")

  -- The three take turns in slices of the calls, so that a change in the
  -- machine's load (it moves by half between minutes here) falls on all of
  -- them alike; each one's rate is its calls over its summed time.
  local SLICES = 5
  local slice = math.max(1, math.floor(CALLS / SLICES))
  local seconds = { client = 0, curl = 0, headers = 0 }
  local function loop_seconds(extra)
    local rate = tonumber((sh(string.format("%s %s %d %s", LOOP, url, slice, extra)):match("^%s*([%d.]+)")))
    return slice / assert(rate, "curl_loop printed no rate")
  end
  for _ = 1, SLICES do
    local t = core.monotonic()
    for _ = 1, slice do assert(client:describe_campaign(params)) end
    seconds.client = seconds.client + core.monotonic() - t
    seconds.curl = seconds.curl + loop_seconds("")
    seconds.headers = seconds.headers + loop_seconds(LOOP_HEADERS)
  end
  print(string.format("loopback_client\t%.0f", SLICES * slice / seconds.client))
  print(string.format("loopback_curl\t%.0f", SLICES * slice / seconds.curl))
  print(string.format("loopback_curl_headers\t%.0f", SLICES * slice / seconds.headers))
end)
sh(string.format("kill $(cat %s/nginx.pid)", dir))
server:close()
sh("rm -rf " .. dir)
assert(ok, err)
