--- The OpenResty transport: HTTP/1.1 over ngx_lua cosockets, so a call
-- yields to nginx's event loop instead of blocking the worker.
--
-- Keep-alive goes through the cosocket pool (`setkeepalive`): one pool per
-- scheme, host and port. TLS is always verified (`sslhandshake` with verify
-- on): nginx needs `lua_ssl_trusted_certificate` (the CA bundle) and
-- `lua_ssl_verify_depth` for that. Answers are read by Content-Length, by
-- chunks, or to the close, and capped at `max_response`.
--
-- `connectcampaigns.new` picks this transport by itself inside a request
-- phase where cosockets exist (rewrite, access, content, timers); elsewhere
-- it keeps libcurl. `transport = "ngx"` forces it.
-- @module connectcampaigns.ngx

local urls = require "connectcampaigns.url"
local config = require "connectcampaigns.config"

local M = {}

local ngx = rawget(_G, "ngx")

-- The phases in which cosockets and ngx.sleep may be used.
local COSOCKET_PHASES = { rewrite = true, access = true, content = true, timer = true,
  ssl_cert = true, ssl_session_fetch = true }

local MAX_HEADER_BYTES = 64 * 1024
local KEEPALIVE_MS = 60 * 1000
local POOL_SIZE = 64

--- Whether the code runs where cosockets can be used now.
function M.available()
  if not ngx or type(ngx.get_phase) ~= "function" or not (ngx.socket and ngx.socket.tcp) then return false end
  local ok, phase = pcall(ngx.get_phase)
  return ok and COSOCKET_PHASES[phase] == true
end

--- Sleeps without blocking the worker where it can, else returns false.
function M.sleep(seconds)
  if not M.available() then return false end
  ngx.sleep(seconds)
  return true
end

local function fail(code, message, retryable)
  return nil, { code = code, message = message, retryable = retryable }
end

-- A cosocket error as the client's error: timeouts are TimeoutError.
local function net_error(what, err)
  if err == "timeout" then return fail("TimeoutError", what .. ": timed out") end
  return fail("NetworkError", what .. ": " .. tostring(err))
end

local function read_headers(sock)
  local status_line, err = sock:receive("*l")
  if not status_line then return nil, err end
  local status = tonumber(status_line:match("^HTTP/1%.[01] (%d%d%d)"))
  if not status then return nil, "not an HTTP/1.x status line" end
  -- a repeated header's values are gathered and joined once at the end:
  -- joining as they come copies the growing value per line (quadratic)
  local headers, repeated, size = {}, nil, #status_line
  while true do
    local line, lerr = sock:receive("*l")
    if not line then return nil, lerr end
    if line == "" then break end
    size = size + #line
    if size > MAX_HEADER_BYTES then return nil, "response header too large (over " .. MAX_HEADER_BYTES .. " bytes)" end
    -- split, then trimmed: linear on any line (`:%s*(.-)%s*$` was quadratic
    -- in a run of spaces, and a 64 KB line of them held the worker 15 s)
    local name, value = line:match("^([^:]+):(.*)$")
    if name then
      value = config.trim(value)
      name = name:lower()
      if headers[name] == nil then
        headers[name] = value
      else
        repeated = repeated or {}
        local values = repeated[name] or { headers[name] }
        values[#values + 1] = value
        repeated[name] = values
      end
    end
  end
  for name, values in pairs(repeated or {}) do headers[name] = table.concat(values, ", ") end
  return status, headers
end

local function read_chunked(sock, max)
  local parts, total = {}, 0
  while true do
    local line, err = sock:receive("*l")
    if not line then return nil, err end
    local size = tonumber(line:match("^(%x+)"), 16)
    if not size then return nil, "bad chunk size" end
    if size == 0 then
      repeat -- trailers, up to the blank line
        line, err = sock:receive("*l")
        if not line then return nil, err end
      until line == ""
      return table.concat(parts)
    end
    total = total + size
    if total > max then return nil, "too large" end
    local data, derr = sock:receive(size)
    if not data then return nil, derr end
    parts[#parts + 1] = data
    local crlf, cerr = sock:receive(2)
    if crlf ~= "\r\n" then return nil, cerr or "bad chunk end" end
  end
end

--- Makes a transport function for `connectcampaigns.new{ transport = ... }`.
-- @tparam[opt] table opts `timeout`, `connect_timeout` (seconds), `max_response` (bytes)
-- @treturn function(req, fetch_opts) -> `{status, headers, body}` | nil, `{code, message}`
function M.transport(opts)
  opts = opts or {}
  return function(req, per_call)
    per_call = per_call or {}
    local timeout = per_call.timeout or opts.timeout or 60
    local connect_timeout = per_call.connect_timeout or opts.connect_timeout or 10
    local max = per_call.max_response or opts.max_response or 16 * 1024 * 1024
    local u, why = urls.parse(req.url)
    if not u then return fail("NetworkError", "bad URL: " .. why, false) end
    local sock = ngx.socket.tcp()
    local ms = math.max(1, math.ceil(timeout * 1000))
    sock:settimeouts(math.max(1, math.ceil(connect_timeout * 1000)), ms, ms)
    local pool = u.scheme .. "://" .. u.authority
    local host = u.host:match("^%[(.*)%]$") or u.host
    local ok, err = sock:connect(host, u.port, { pool = pool, pool_size = POOL_SIZE })
    if not ok then return net_error("connect to " .. u.authority, err) end
    if u.scheme == "https" and sock:getreusedtimes() == 0 then
      -- verification always on: a self-signed or unknown certificate is refused
      ok, err = sock:sslhandshake(nil, u.is_ip and nil or host, true)
      if not ok then
        sock:close()
        return fail("NetworkError", "TLS handshake with " .. u.authority .. " failed: " .. tostring(err)
          .. " (nginx verifies against lua_ssl_trusted_certificate)")
      end
    end
    local body = req.body or ""
    local lines = { string.format("%s %s%s HTTP/1.1", req.method, u.path ~= "" and u.path or "/",
      u.query and ("?" .. u.query) or "") }
    local has_host = false
    for name, value in pairs(req.headers or {}) do
      local lname = name:lower()
      if lname == "host" then has_host = true end
      if lname ~= "content-length" and lname ~= "connection" then
        lines[#lines + 1] = name .. ": " .. tostring(value)
      end
    end
    if not has_host then lines[#lines + 1] = "Host: " .. u.host_header end
    if #body > 0 or req.method == "POST" or req.method == "PUT" then
      lines[#lines + 1] = "Content-Length: " .. #body
    end
    local sent, serr = sock:send(table.concat(lines, "\r\n") .. "\r\n\r\n" .. body)
    if not sent then
      sock:close()
      return net_error("send to " .. u.authority, serr)
    end
    local status, headers = read_headers(sock)
    if not status then
      sock:close()
      if type(headers) == "string" and headers:find("too large", 1, true) then
        return fail("NetworkError", headers, false)
      end
      return net_error("read from " .. u.authority, headers)
    end
    local answer, rerr
    local reusable = (headers.connection or ""):lower() ~= "close"
    local length = headers["content-length"]
    if req.method == "HEAD" or status == 204 or status == 304 or (status >= 100 and status < 200) then
      answer = ""
    elseif (headers["transfer-encoding"] or ""):lower():find("chunked", 1, true) then
      answer, rerr = read_chunked(sock, max)
    elseif length then
      local n = tonumber(length)
      if not n or n < 0 or n % 1 ~= 0 then
        sock:close()
        return fail("NetworkError", "bad Content-Length in the answer")
      end
      if n > max then rerr = "too large" else answer, rerr = sock:receive(n) end
    else
      -- no length: the body runs to the close, capped
      reusable = false
      local parts, total = {}, 0
      while true do
        local data, e, partial = sock:receive(8192)
        local chunk = data or partial or ""
        total = total + #chunk
        if total > max then rerr = "too large" break end
        parts[#parts + 1] = chunk
        if not data then
          if e ~= "closed" then rerr = e end
          break
        end
      end
      answer = not rerr and table.concat(parts) or nil
    end
    if not answer then
      sock:close()
      if rerr == "too large" then
        return fail("NetworkError", "response body larger than " .. max .. " bytes (max_response)", false)
      end
      return net_error("read from " .. u.authority, rerr)
    end
    if reusable then sock:setkeepalive(KEEPALIVE_MS, POOL_SIZE) else sock:close() end
    return { status = status, headers = headers, body = answer }
  end
end

return M
