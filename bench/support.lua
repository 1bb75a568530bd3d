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

local unpack = table.unpack or unpack -- Lua 5.1 and LuaJIT

--- The median over the rounds of op(a[i], b[i], ...): the figures of one
-- round share its load. A round where a figure is false (see around) is
-- left out, unless all are. Lists of different lengths (a side missing from
-- a round) fall back on op of the medians; nil when a side was not measured.
function M.rounds(op, ...)
  local lists, n = { ... }, select("#", ...)
  for k = 1, n do
    if not lists[k] then return nil end
    if #lists[k] ~= #lists[1] then
      local medians = {}
      for j = 1, n do medians[j] = M.median(lists[j].fallback or lists[j]) end
      return op(unpack(medians, 1, n))
    end
  end
  local r, all = {}, {}
  for i = 1, #lists[1] do
    local row, kept = {}, true
    for k = 1, n do
      row[k] = lists[k][i]
      if row[k] == false then kept = false end
    end
    if kept then r[#r + 1] = op(unpack(row, 1, n)) end
    all[i] = row
  end
  if #r == 0 then -- every round left out: the rounds as they were, their runs' means
    for i, row in ipairs(all) do
      for k = 1, n do if row[k] == false then row[k] = (lists[k].fallback or {})[i] end end
      r[i] = op(unpack(row, 1, n))
    end
  end
  return M.median(r)
end

--- The client's side of a ratio with botocore: per round, the mean of its
-- runs before and after botocore's (the runs before alone where there was
-- no run after). A round whose two runs differ by more than a fifth saw
-- the machine change state around botocore's run, which then belongs to
-- neither: false, and the ratio leaves it out.
local STATE_CHANGE = 1.2
function M.around(before, after)
  if not (before and after) or #before ~= #after then return before end
  local m, means = {}, {}
  for i = 1, #before do
    means[i] = (before[i] + after[i]) / 2
    local steady = math.max(before[i], after[i]) <= STATE_CHANGE * math.min(before[i], after[i])
    m[i] = steady and means[i] or false
  end
  m.fallback = means
  return m
end

return M
