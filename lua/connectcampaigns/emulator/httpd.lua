--- A small HTTP/1.1 server on LuaSocket for loopback stand-ins (the spec
-- stub server, the emulator): keep-alive, several connections at once,
-- Content-Length and chunked bodies. Not for the open internet, but no
-- request may stop it: a malformed one gets 400 and its connection is
-- closed, a slow client is cut off, a client that never reads its answers
-- is dropped once too much waits for it, and every handler runs protected.
-- @module connectcampaigns.emulator.httpd

local socket = require "socket"

local M = {}

local REASONS = {
  [200] = "OK", [201] = "Created", [204] = "No Content", [400] = "Bad Request",
  [402] = "Payment Required", [403] = "Forbidden", [404] = "Not Found",
  [409] = "Conflict", [413] = "Payload Too Large", [429] = "Too Many Requests",
  [431] = "Request Header Fields Too Large", [500] = "Internal Server Error", [501] = "Not Implemented",
  [502] = "Bad Gateway", [503] = "Service Unavailable", [504] = "Gateway Timeout",
}

local MAX_HEADER = 64 * 1024
local MAX_BODY = 32 * 1024 * 1024
local MAX_PENDING_OUTPUT = 64 * 1024 * 1024 -- answers a client has not read yet
local REQUEST_SECONDS = 10 -- a request must arrive whole within this
local IDLE_SECONDS = 120 -- a kept-alive connection with nothing to do

-- A request the server refuses: status and why.
local function refusal(status, why) return { status = status, why = why } end

-- Decodes a chunked body from buf at pos; returns body, next position, or
-- nil (more bytes needed), or nil, nil, refusal.
local function take_chunked(buf, pos)
  local parts, size = {}, 0
  while true do
    local line_end = buf:find("\r\n", pos, true)
    if not line_end then
      if #buf - pos > 1024 then return nil, nil, refusal(400, "bad chunk size line") end
      return nil
    end
    local hex = buf:sub(pos, line_end - 1):match("^(%x+)[ \t]*;?[^\r\n]*$")
    if not hex or #hex > 8 then return nil, nil, refusal(400, "bad chunk size") end
    local n = tonumber(hex, 16)
    pos = line_end + 2
    if n == 0 then
      -- trailers until the blank line
      while true do
        local e = buf:find("\r\n", pos, true)
        if not e then return nil end
        if e == pos then return table.concat(parts), e + 2 end
        pos = e + 2
      end
    end
    size = size + n
    if size > MAX_BODY then return nil, nil, refusal(413, "body too large") end
    if #buf < pos + n + 1 then return nil end
    if buf:sub(pos + n, pos + n + 1) ~= "\r\n" then return nil, nil, refusal(400, "bad chunk end") end
    parts[#parts + 1] = buf:sub(pos, pos + n - 1)
    pos = pos + n + 2
  end
end

-- Reads one complete request off the front of buf: request, rest; nil when
-- more bytes are needed; nil, nil, refusal for a request that is refused.
local function take_request(buf)
  local head_end = buf:find("\r\n\r\n", 1, true)
  if not head_end then
    if #buf > MAX_HEADER then return nil, nil, refusal(431, "header too large") end
    return nil
  end
  if head_end > MAX_HEADER then return nil, nil, refusal(431, "header too large") end
  local head = buf:sub(1, head_end - 1)
  local method, target, version = head:match("^(%u+) (%S+) (HTTP/1%.[01])\r?\n?")
  if not method then return nil, nil, refusal(400, "bad request line") end
  local headers, raw_headers = {}, {}
  for line in head:gmatch("\r\n([^\r\n]*)") do
    -- split, then trimmed of spaces and tabs: linear on any line (a lazy
    -- value before `[ \t]*$` is quadratic in a run of them)
    local name, value = line:match("^([!#$%%&'*+%-.^_`|~%w]+):(.*)$")
    if not name then return nil, nil, refusal(400, "bad header line") end
    local first = value:find("[^ \t]")
    value = first and value:match(".*[^ \t]", first) or ""
    raw_headers[#raw_headers + 1] = { name, value }
    local lname = name:lower()
    if lname == "content-length" and headers[lname] and headers[lname] ~= value then
      return nil, nil, refusal(400, "two Content-Length values")
    end
    headers[lname] = headers[lname] and lname ~= "content-length" and (headers[lname] .. "," .. value) or value
  end
  local body, rest_at
  local te = headers["transfer-encoding"]
  if te then
    if headers["content-length"] then return nil, nil, refusal(400, "both Transfer-Encoding and Content-Length") end
    if te:lower() ~= "chunked" then return nil, nil, refusal(501, "only chunked transfer coding") end
    local why
    body, rest_at, why = take_chunked(buf, head_end + 4)
    if why then return nil, nil, why end
    if not body then
      if #buf > MAX_HEADER + MAX_BODY * 2 then return nil, nil, refusal(413, "body too large") end
      return nil
    end
  else
    local cl = headers["content-length"] or "0"
    if not cl:match("^%d+$") or #cl > 10 then return nil, nil, refusal(400, "bad Content-Length") end
    local len = tonumber(cl)
    if len > MAX_BODY then return nil, nil, refusal(413, "body too large") end
    if #buf < head_end + 3 + len then return nil end
    body = buf:sub(head_end + 4, head_end + 3 + len)
    rest_at = head_end + 4 + len
  end
  local path, query = target:match("^([^?]*)%??(.*)$")
  return {
    method = method, target = target, path = path, query = query, version = version,
    headers = headers, raw_headers = raw_headers, body = body,
  }, buf:sub(rest_at)
end

local function format_response(resp, keep_alive)
  local status = math.floor(tonumber(resp.status) or 200)
  local body = resp.body or ""
  local lines = { string.format("HTTP/1.1 %d %s", status, REASONS[status] or "Status") }
  local has_type = false
  for name, value in pairs(resp.headers or {}) do
    if name:lower() == "content-type" then has_type = true end
    lines[#lines + 1] = name .. ": " .. tostring(value)
  end
  if not has_type and #body > 0 then lines[#lines + 1] = "Content-Type: application/json" end
  lines[#lines + 1] = "Content-Length: " .. #body
  lines[#lines + 1] = "Connection: " .. (keep_alive and "keep-alive" or "close")
  return table.concat(lines, "\r\n") .. "\r\n\r\n" .. body
end

local INTERNAL = { status = 500, headers = { ["x-amzn-ErrorType"] = "InternalServerException" },
  body = '{"message":"stand-in failed"}' }

--- Serves until the handler asks to stop.
-- @tparam table opts `host` (127.0.0.1), `port` (0: any free one),
--   `handler(req) -> resp` where resp is `{status, headers, body}` plus
--   `drop = true` (close without answering), `close = true`, `stop = true`;
--   `on_listen(host, port)` called once listening; `max_seconds` stops the
--   server by itself after that long (a stand-in never outlives its tests);
--   `on_refused(req_or_nil, status, why)` hears of every refused request;
--   `request_seconds` (10) for a request to arrive whole.
-- @treturn[1] true
-- @treturn[2] nil
-- @treturn[2] string why it could not listen
function M.serve(opts)
  local host = opts.host or "127.0.0.1"
  local server, berr = socket.bind(host, opts.port or 0)
  if not server then return nil, berr end
  server:settimeout(0)
  local _, port = server:getsockname()
  if opts.on_listen then opts.on_listen(host, tonumber(port)) end
  local deadline = opts.max_seconds and (socket.gettime() + opts.max_seconds)
  local request_seconds = opts.request_seconds or REQUEST_SECONDS
  local conns = {} -- sock -> { inbuf, out = pending answer bytes, since = when a request began, closing }
  local running = true

  local function drop(sock)
    sock:close()
    conns[sock] = nil
  end

  local function queue(c, bytes, closing)
    c.out = c.out .. bytes
    c.closing = c.closing or closing
  end

  -- Handles every complete request in c.inbuf.
  local function on_input(sock, c)
    while not c.closing do
      local req, rest, refused = take_request(c.inbuf)
      if refused then
        if opts.on_refused then pcall(opts.on_refused, nil, refused.status, refused.why) end
        queue(c, format_response({ status = refused.status,
          body = string.format('{"message":"%s"}', refused.why) }, false), true)
        return
      end
      if not req then
        if c.inbuf ~= "" then c.since = c.since or socket.gettime() end
        return
      end
      c.inbuf, c.since = rest, nil
      req.peer_port = c.peer_port
      local ok, resp = pcall(opts.handler, req)
      if not ok or type(resp) ~= "table" then
        io.stderr:write("httpd handler error: ", tostring(resp), "\n")
        resp = INTERNAL
      end
      if resp.drop then
        drop(sock)
        return
      end
      local keep = not resp.close and (req.headers.connection or ""):lower() ~= "close"
      local ok_fmt, bytes = pcall(format_response, resp, keep)
      if not ok_fmt then bytes, keep = format_response(INTERNAL, false), false end
      queue(c, bytes, not keep)
      if resp.stop then running = false end
    end
  end

  while running do
    local now = socket.gettime()
    if deadline and now > deadline then break end
    local readers, writers = { server }, {}
    for sock, c in pairs(conns) do
      -- a slow client, or one that leaves its connection idle too long, is cut off
      if (c.since and now - c.since > request_seconds) or (now - c.active > IDLE_SECONDS) then
        drop(sock)
      else
        if not c.closing then readers[#readers + 1] = sock end
        if #c.out > 0 then writers[#writers + 1] = sock end
      end
    end
    local readable, writable = socket.select(readers, writers, 0.25)
    for _, sock in ipairs(writable or {}) do
      local c = conns[sock]
      if c then
        local sent, err, partial = sock:send(c.out)
        local n = sent or partial or 0
        c.out = c.out:sub(n + 1)
        if n > 0 then c.active = now end
        if err and err ~= "timeout" then
          drop(sock)
        elseif #c.out == 0 and c.closing then
          drop(sock)
        end
      end
    end
    for _, sock in ipairs(readable or {}) do
      if sock == server then
        local s = server:accept()
        if s then
          s:settimeout(0)
          s:setoption("tcp-nodelay", true)
          local _, peer_port = s:getpeername()
          conns[s] = { inbuf = "", out = "", active = now, peer_port = tonumber(peer_port) }
        end
      elseif conns[sock] then
        local c = conns[sock]
        local data, err, partial = sock:receive(65536)
        local chunk = data or partial or ""
        if err == "closed" and #chunk == 0 then
          drop(sock)
        else
          c.inbuf = c.inbuf .. chunk
          c.active = now
          -- nothing a request holds may stop the server
          local ok, perr = pcall(on_input, sock, c)
          if not ok then
            io.stderr:write("httpd: ", tostring(perr), "\n")
            if conns[sock] then queue(c, format_response(INTERNAL, false), true) end
          end
          if conns[sock] and #c.out > MAX_PENDING_OUTPUT then drop(sock) end -- a client that never reads
        end
      end
    end
  end
  -- answers already made are still delivered (a shutdown's own answer among them)
  for sock, c in pairs(conns) do
    if #c.out > 0 then
      sock:settimeout(1)
      sock:send(c.out)
    end
    sock:close()
  end
  server:close()
  return true
end

M._take_request = take_request -- for the specs

return M
