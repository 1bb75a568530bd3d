-- A loopback server that answers every request after a delay without
-- blocking the others (many requests wait at once), for the concurrency
-- specs. It counts connections and the most requests in flight at once.
--
-- usage: lua spec/support/slow_server.lua DELAY_SECONDS [MAX_SECONDS]
-- Prints its port. GET /stats answers {"connections", "max_in_flight",
-- "requests"} at once; POST /stop ends it. A path containing "flaky"
-- answers 503 to every other request.
local socket = require "socket"

local delay = tonumber(arg[1]) or 1
local deadline = socket.gettime() + (tonumber(arg[2]) or 60)
local server = assert(socket.bind("127.0.0.1", 0))
server:settimeout(0)
local _, port = server:getsockname()
io.stdout:write(port, "\n")
io.stdout:flush()

local conns = {} -- sock -> { buf, due = { {at, answer} } }
local stats = { connections = 0, max_in_flight = 0, requests = 0 }
local in_flight, flaky = 0, 0

local BODY = '{"campaign": {"id": "c", "arn": "a", "name": "n", "connectInstanceId": "i", "channelSubtypeConfig": {}}}'

local function answer(status, body)
  return string.format("HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
    status, #body, body)
end

local running = true
while running and socket.gettime() < deadline do
  local watch = { server }
  for s in pairs(conns) do watch[#watch + 1] = s end
  local readable = socket.select(watch, nil, 0.005)
  for _, s in ipairs(readable or {}) do
    if s == server then
      local c = server:accept()
      if c then
        c:settimeout(0)
        conns[c] = { buf = "", due = {} }
        stats.connections = stats.connections + 1
      end
    elseif conns[s] then
      local data, err, partial = s:receive(65536)
      local c = conns[s]
      c.buf = c.buf .. (data or partial or "")
      if err == "closed" then
        s:close()
        in_flight = in_flight - #c.due
        conns[s] = nil
      else
        while true do
          local head_end = c.buf:find("\r\n\r\n", 1, true)
          if not head_end then break end
          local len = tonumber(c.buf:sub(1, head_end):lower():match("content%-length: *(%d+)")) or 0
          if #c.buf < head_end + 3 + len then break end
          local path = c.buf:match("^%u+ (%S+)")
          c.buf = c.buf:sub(head_end + 4 + len)
          if path == "/stats" then
            s:send(answer(200, string.format('{"connections": %d, "max_in_flight": %d, "requests": %d}',
              stats.connections, stats.max_in_flight, stats.requests)))
          elseif path == "/stop" then
            running = false
          else
            stats.requests = stats.requests + 1
            in_flight = in_flight + 1
            stats.max_in_flight = math.max(stats.max_in_flight, in_flight)
            local status = 200
            if path:find("flaky", 1, true) then
              flaky = flaky + 1
              if flaky % 2 == 1 then status = 503 end
            end
            c.due[#c.due + 1] = { at = socket.gettime() + delay,
              text = status == 200 and answer(200, BODY) or answer(503, '{"message": "try again"}') }
          end
        end
      end
    end
  end
  local now = socket.gettime()
  for s, c in pairs(conns) do
    while c.due[1] and c.due[1].at <= now do
      s:settimeout(2)
      s:send(table.remove(c.due, 1).text)
      s:settimeout(0)
      in_flight = in_flight - 1
    end
  end
end
for s in pairs(conns) do s:close() end
server:close()
