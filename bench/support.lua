-- What the bench scripts share: shell commands, loopback ports, medians.
-- Loaded with dofile("bench/support.lua") from the project's root.
local M = {}

--- Runs a shell command; returns its output (stderr included) and whether it succeeded.
function M.sh(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("*a")
  local ok = p:close()
  return out, ok
end

--- Which optional sides a run can measure with lua and the module built in
-- build: botocore (a botocore that knows connectcampaignsv2: Debian 12's
-- 1.29 imports but predates it) and loopback (nginx, and
-- luasocket for this interpreter). run.lua measures them; check.lua expects
-- their figures.
function M.sides(lua, build)
  local function ok(cmd) return select(2, M.sh(cmd .. " >/dev/null")) end
  return {
    botocore = ok("python3 -c 'import botocore.session; "
      .. "botocore.session.get_session().get_service_model(\"connectcampaignsv2\")' 2>/dev/null"),
    loopback = ok("command -v nginx") and ok(string.format("LUA_CPATH='./%s/?.so;;' %s -e 'require \"socket\"'",
      build, lua)),
  }
end

--- A loopback port nothing listens on now.
function M.free_port()
  local socket = require "socket"
  local s = assert(socket.bind("127.0.0.1", 0))
  local _, port = s:getsockname()
  s:close()
  return tonumber(port)
end

--- Waits (up to 5 s) until something accepts connections on a loopback port.
function M.wait_port(port)
  local socket = require "socket"
  for _ = 1, 50 do
    local c = socket.connect("127.0.0.1", port)
    if c then c:close() return end
    socket.sleep(0.1)
  end
end

--- The median of a list of numbers (the list is left as it was).
function M.median(list)
  if not list then return nil end
  local t = {}
  for i, v in ipairs(list) do t[i] = v end
  table.sort(t)
  return t[math.ceil(#t / 2)]
end

return M
