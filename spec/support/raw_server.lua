-- A loopback server that answers every connection with the same raw bytes,
-- whatever they are (a hostile or broken peer), for a bounded time.
--
-- usage: lua5.4 spec/support/raw_server.lua FILE [MAX_SECONDS]
-- FILE holds the raw answer. Prints the port, then serves until MAX_SECONDS
-- (default 30) pass or a connection sends the line "STOP"; each connection's
-- request is read up to its blank line. Prints "served N" when it ends.
local socket = require "socket"

local f = assert(io.open(arg[1], "rb"))
local answer = f:read("*a")
f:close()
local deadline = socket.gettime() + (tonumber(arg[2]) or 30)
local server = assert(socket.bind("127.0.0.1", 0))
server:settimeout(0.2)
local _, port = server:getsockname()
io.stdout:write(port, "\n")
io.stdout:flush()
local served, running = 0, true
while running and socket.gettime() < deadline do
  local c = server:accept()
  if c then
    c:settimeout(2)
    local first = c:receive("*l")
    if first == "STOP" then
      running = false
    else
      repeat
        local line = c:receive("*l")
      until line == nil or line == ""
      served = served + 1
      c:send(answer)
    end
    c:close()
  end
end
server:close()
io.stdout:write("served ", served, "\n")
