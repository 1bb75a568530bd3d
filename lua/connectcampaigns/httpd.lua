--- A small HTTP/1.1 server on LuaSocket for loopback stand-ins (the spec
-- stub server, the emulator): keep-alive, several connections at once,
-- Content-Length bodies. Not for the open internet.
-- @module connectcampaigns.httpd

local socket = require "socket"

local M = {}

local REASONS = {
  [200] = "OK", [201] = "Created", [204] = "No Content", [400] = "Bad Request",
  [402] = "Payment Required", [403] = "Forbidden", [404] = "Not Found",
  [409] = "Conflict", [413] = "Payload Too Large", [429] = "Too Many Requests",
  [500] = "Internal Server Error", [502] = "Bad Gateway", [503] = "Service Unavailable",
  [504] = "Gateway Timeout",
}

local MAX_HEADER = 64 * 1024
local MAX_BODY = 32 * 1024 * 1024

-- Reads one complete request off the front of buf; nil when more bytes are needed.
local function take_request(buf)
  local head_end = buf:find("\r\n\r\n", 1, true)
  if not head_end then
    if #buf > MAX_HEADER then return nil, nil, "header too large" end
    return nil
  end
  local head = buf:sub(1, head_end - 1)
  local method, target, version = head:match("^(%u+) (%S+) (HTTP/%d%.%d)")
  if not method then return nil, nil, "bad request line" end
  local headers, raw_headers = {}, {}
  for line in head:gmatch("\r\n([^\r\n]*)") do
    local name, value = line:match("^([^:]+):[ \t]*(.-)[ \t]*$")
    if name then
      raw_headers[#raw_headers + 1] = { name, value }
      local lname = name:lower()
      headers[lname] = headers[lname] and (headers[lname] .. "," .. value) or value
    end
  end
  local len = tonumber(headers["content-length"] or "0")
  if not len or len < 0 or len > MAX_BODY then return nil, nil, "bad content-length" end
  if #buf < head_end + 3 + len then return nil end
  local body = buf:sub(head_end + 4, head_end + 3 + len)
  local path, query = target:match("^([^?]*)%??(.*)$")
  return {
    method = method, target = target, path = path, query = query, version = version,
    headers = headers, raw_headers = raw_headers, body = body,
  }, buf:sub(head_end + 4 + len)
end

local function write_response(sock, resp, keep_alive)
  local status = resp.status or 200
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
  sock:settimeout(10)
  local ok = sock:send(table.concat(lines, "\r\n") .. "\r\n\r\n" .. body)
  sock:settimeout(0)
  return ok
end

--- Serves until the handler asks to stop.
-- @tparam table opts `host` (127.0.0.1), `port` (0: any free one),
--   `handler(req) -> resp` where resp is `{status, headers, body}` plus
--   `drop = true` (close without answering), `close = true`, `stop = true`;
--   `on_listen(host, port)` called once listening; `max_seconds` stops the
--   server by itself after that long (a stand-in never outlives its tests).
function M.serve(opts)
  local host = opts.host or "127.0.0.1"
  local server = assert(socket.bind(host, opts.port or 0))
  server:settimeout(0)
  local _, port = server:getsockname()
  if opts.on_listen then opts.on_listen(host, tonumber(port)) end
  local deadline = opts.max_seconds and (socket.gettime() + opts.max_seconds)
  local conns = {} -- sock -> pending bytes
  local peers = {} -- sock -> the client's port (tells reused connections apart)
  local running = true
  while running do
    if deadline and socket.gettime() > deadline then break end
    local watch = { server }
    for sock in pairs(conns) do watch[#watch + 1] = sock end
    local readable = socket.select(watch, nil, 0.5)
    for _, sock in ipairs(readable or {}) do
      if sock == server then
        local c = server:accept()
        if c then
          c:settimeout(0)
          c:setoption("tcp-nodelay", true)
          conns[c] = ""
          local _, peer_port = c:getpeername()
          peers[c] = tonumber(peer_port)
        end
      elseif conns[sock] then
        local data, err, partial = sock:receive(65536)
        local chunk = data or partial or ""
        local buf = conns[sock] .. chunk
        if err == "closed" and #chunk == 0 then
          sock:close()
          conns[sock] = nil
        else
          while true do
            local req, rest, perr = take_request(buf)
            if perr then
              write_response(sock, { status = 400, body = "" }, false)
              sock:close()
              conns[sock] = nil
              break
            end
            if not req then
              conns[sock] = buf
              break
            end
            buf = rest
            req.peer_port = peers[sock]
            local ok, resp = pcall(opts.handler, req)
            if not ok then
              resp = { status = 500, headers = { ["x-amzn-ErrorType"] = "InternalServerException" },
                       body = '{"message":"stand-in failed"}' }
              io.stderr:write("httpd handler error: ", tostring(resp), "\n")
            end
            if resp.drop then
              sock:close()
              conns[sock] = nil
              break
            end
            local keep = not resp.close and (req.headers.connection or ""):lower() ~= "close"
            write_response(sock, resp, keep)
            if resp.stop then running = false end
            if not keep then
              sock:close()
              conns[sock] = nil
              break
            end
            conns[sock] = buf
          end
        end
      end
    end
  end
  for sock in pairs(conns) do sock:close() end
  server:close()
end

return M
