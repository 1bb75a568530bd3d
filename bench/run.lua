-- `make bench`: the performance issue's figures, side by side, in one run.
-- In each of RUNS rounds, runs every figure of bench/bench.lua and of
-- botocore's bench/botocore_bench.py (when botocore imports) one after the
-- other, a process each, then bench/loopback.lua (when nginx is installed);
-- then callgrind instruction counts per operation when valgrind is there.
-- Prints each goal with its figure and ratio and writes bench/RESULTS.md
-- (machine, date, medians).
--
-- With a second interpreter (JIT: "luajit:build/luajit", OpenResty's
-- runtime) it runs the client there too and adds its column: the goals are
-- judged on the first.
--
-- usage: lua bench/run.lua LUA BUILD_DIR [RUNS [JIT_LUA:JIT_BUILD_DIR]]
-- environment: BENCH_N, the iterations of each per-call figure (and the
-- loopback's calls; default 20000); BENCH_RESULTS, the file written
-- (default bench/RESULTS.md); BENCH_CALLGRIND=0 skips the instruction
-- counts. bench/check.lua runs it small this way in `make test`.
local LUA, BUILD, RUNS = arg[1] or "lua5.4", arg[2] or "build", tonumber(arg[3]) or 3
local N = tonumber(os.getenv("BENCH_N") or "") or 20000
local RESULTS = os.getenv("BENCH_RESULTS") or "bench/RESULTS.md"
local JIT_LUA, JIT_BUILD = (arg[4] or ""):match("^([^:]+):(.+)$")
local function env(build)
  return string.format("LUA_PATH='./lua/?.lua;./lua/?/init.lua;;' LUA_CPATH='./%s/?.so;;'", build)
end
local ENV = env(BUILD)

local S = dofile("bench/support.lua")
local sh, median = S.sh, S.median
local sides = S.sides(LUA, BUILD)

local function have(cmd) return select(2, sh("command -v " .. cmd .. " >/dev/null")) end

-- name -> list of values over the runs (column 1: us/op or req/s; column 2:
-- core allocations, column 3: the Lua heap's, into allocs.core and .lua)
local function collect(cmd, runs, into, allocs)
  for _ = 1, runs do
    local out, ok = sh(cmd)
    assert(ok, cmd .. " failed:\n" .. out)
    for name, value, core_allocs, lua_allocs in out:gmatch("([%w_:]+)\t([%d.]+)\t?([%d.]*)\t?([%d.]*)") do
      into[name] = into[name] or {}
      table.insert(into[name], tonumber(value))
      if allocs and core_allocs ~= "" then allocs.core[name] = tonumber(core_allocs) end
      if allocs and lua_allocs ~= "" then allocs.lua[name] = tonumber(lua_allocs) end
    end
  end
end

local ours, allocs, boto, loop, jit = {}, { core = {}, lua = {} }, {}, {}, {}
local has_botocore, has_nginx = sides.botocore, sides.loopback
local CLIENT = ENV .. " " .. LUA .. " bench/bench.lua --iterations "
local JIT = JIT_LUA and (env(JIT_BUILD) .. " " .. JIT_LUA .. " bench/bench.lua --iterations ")
local BOTO = "python3 bench/botocore_bench.py --iterations "

-- Each side's figures, from a short run of it.
local function figures(cmd)
  local found, out = {}, {}
  collect(cmd .. "3", 1, found)
  for name in pairs(found) do out[#out + 1] = name end
  table.sort(out)
  return out, found
end

-- The sides take turns figure by figure: each figure of a round is a run of
-- the client, of the client under the JIT and of botocore, one after the
-- other, seconds apart. This machine's speed moves by half from one minute
-- to the next (every side at once: a describe took 3.6 us and botocore's
-- 296 us in one minute, 5.8 and 470 in another), so figures measured
-- minutes apart would make a ratio of two states; a ratio is the median of
-- the rounds' ratios (paired below). The client's runs go on either side of
-- botocore's (client, JIT, botocore, JIT, client), and a ratio takes the
-- mean of the two: a change of state within the figure moves it half as
-- much.
local again, jit_again = {}, {}
local FIGURES = figures(CLIENT)
local BOTO_HAS = has_botocore and select(2, figures(BOTO)) or {}
for round = 1, RUNS do
  io.stderr:write(string.format("bench: round %d of %d, figure by figure: the client%s%s\n", round, RUNS,
    JIT_LUA and (", the client under " .. JIT_LUA) or "", has_botocore and ", botocore" or ""))
  for _, name in ipairs(FIGURES) do
    collect(CLIENT .. N .. " --only " .. name, 1, ours, allocs)
    if JIT then collect(JIT .. N .. " --only " .. name, 1, jit) end
    -- a tenth as many: each of its calls costs 30 to 100 of ours
    if BOTO_HAS[name] then
      collect(BOTO .. math.max(1, math.floor(N / 10)) .. " --only " .. name, 1, boto)
      if JIT then collect(JIT .. N .. " --only " .. name, 1, jit_again) end
      collect(CLIENT .. N .. " --only " .. name, 1, again)
    end
  end
  if has_nginx then collect(ENV .. " " .. LUA .. " bench/loopback.lua " .. BUILD .. "/curl_loop " .. N, 1, loop) end
end
collect(ENV .. " " .. LUA .. " bench/bench.lua --rss --only rss_kib", 1, ours)

-- Instructions per op: callgrind of 200 and 400 iterations (each after as
-- many warm-up calls), the difference over 400 calls: startup cancels out.
-- Repeatable on a busy machine, unlike the clock; under valgrind OpenSSL
-- picks its generic code (no SHA extensions), so signing counts run high.
local instr = {}
if have("valgrind") and os.getenv("BENCH_CALLGRIND") ~= "0" then
  io.stderr:write("bench: callgrind\n")
  local function count(name, n)
    local out = sh(string.format("%s valgrind --tool=callgrind --callgrind-out-file=/dev/null %s bench/bench.lua "
      .. "--only %s --iterations %d", ENV, LUA, name, n))
    return tonumber((out:match("Collected : (%d+)")))
  end
  for name in pairs(ours) do
    if name:match("^call:") or name == "describe_2k" or name == "sign" then
      local a, b = count(name, 200), count(name, 400)
      if a and b then instr[name] = (b - a) / 400 end
    end
  end
end

local lines = {}
local function out(fmt, ...)
  local s = string.format(fmt, ...)
  print(s)
  lines[#lines + 1] = s
end

local function divide(a, b) return a / b end
local function subtract(a, b) return a - b end

local rounds, around = S.rounds, S.around
local function per_round(a, b, op) return rounds(op, a, b) end

-- The ratio column: the rounds' ratio, or "-".
local function ratio_text(r) return r and string.format("%.1fx", r) or "-" end
local function paired(a, b) return ratio_text(per_round(a, b, divide)) end

-- botocore's time for a figure over a client's (its runs on either side of
-- botocore's, mine and mine_again), round by round: the table's ratio
-- column and the goals-met line
local function versus_botocore(name, mine, mine_again)
  return per_round(boto[name], around(mine[name], mine_again[name]), divide)
end

local JIT_HEAD = JIT_LUA and string.format(" %s | botocore / %s |", JIT_LUA, JIT_LUA) or ""
out("| figure | client | core allocations | Lua allocations | instructions | botocore | botocore / client | goal |%s",
  JIT_HEAD)
out("|---|---|---|---|---|---|---|---|%s", JIT_LUA and "---|---|" or "")
local names = {}
local share_ops = {} -- the operations with floor shares (ratios, not times: no row of the table)
for name in pairs(ours) do
  if name:match("^floor_share:") then
    share_ops[#share_ops + 1] = name:match(":(.+)$")
  elseif name ~= "rss_kib" and name ~= "startup" and not name:match("_share:") then
    names[#names + 1] = name
  end
end
table.sort(share_ops)
table.sort(names)
local GOALS = { ["call:DescribeCampaign"] = 100, ["call:CreateCampaign"] = 100, ["call:UpdateCampaignCommunicationTime"] = 100,
  ["call:UpdateCampaignCommunicationLimits"] = 100, ["call:PutInstanceCommunicationLimits"] = 100, list_1000 = 30 }
for _, name in ipairs(names) do
  local mine, theirs, jitted = median(ours[name]), median(boto[name]), median(jit[name])
  out("| %s | %.2f us | %s | %s | %s | %s | %s | %s |%s", name, mine,
    allocs.core[name] and string.format("%.0f", allocs.core[name]) or "-",
    allocs.lua[name] and string.format("%.1f", allocs.lua[name]) or "-",
    instr[name] and string.format("%.0f", instr[name]) or "-", theirs and string.format("%.1f us", theirs) or "-",
    ratio_text(versus_botocore(name, ours, again)), GOALS[name] and (">= " .. GOALS[name] .. "x") or "",
    JIT_LUA and string.format(" %s | %s |", jitted and string.format("%.2f us", jitted) or "-",
      ratio_text(versus_botocore(name, jit, jit_again)))
      or "")
end
local sign = median(ours.sign)
out("")
-- the ratio goals met on each interpreter: the table judges the first only
if has_botocore then
  local goal_names = {}
  for name in pairs(GOALS) do goal_names[#goal_names + 1] = name end
  table.sort(goal_names)
  local function met(mine, mine_again)
    local reached = {}
    for _, name in ipairs(goal_names) do
      local r = versus_botocore(name, mine, mine_again)
      if r and r >= GOALS[name] then reached[#reached + 1] = name end
    end
    return string.format("%s (%d of %d)", #reached > 0 and table.concat(reached, ", ") or "none", #reached,
      #goal_names)
  end
  out("- ratio goals met on %s: %s%s", LUA, met(ours, again),
    JIT_LUA and string.format("; under %s: %s", JIT_LUA, met(jit, jit_again)) or "")
end
out("- describe / bare signature: %s (goal <= 3x)", paired(ours["call:DescribeCampaign"], ours.sign))
local l100, l1000 = median(ours.list_100), median(ours.list_1000)
out("- list parsing per summary: %.2f us at 100, %.2f us at 1000 (linear when equal)", l100 / 100, l1000 / 1000)
if ours.list_1000_tables then
  local floor = median(ours.list_1000_tables)
  out("- list_1000: making its Lua tables alone (no JSON read, bench/tables.c) takes %.0f us of the %.0f us, "
    .. "%sreading the JSON is the other %.0f us", floor, l1000,
    boto.list_1000 and string.format("so no parser could take it past %s botocore on %s; ",
      paired(boto.list_1000, ours.list_1000_tables), LUA) or "",
    per_round(ours.list_1000, ours.list_1000_tables, subtract))
end
if ours.list_1000_incremental then
  out("- list_1000 under the incremental collector (a state from luaL_newstate, as embedding hosts make it; the "
    .. "standalone %s runs the generational one): %.0f us%s", LUA, median(ours.list_1000_incremental),
    boto.list_1000 and string.format(", %s botocore", paired(boto.list_1000, ours.list_1000_incremental)) or "")
end
-- The request side's floor: a call costs at least a describe's own work
-- beside its parameters read and its body hashed (bench/tables.c). The
-- bound is the paired ratio over the floor's share of the call, a ratio of
-- the client's own figures timed in turns in one process: neither mixes two
-- states of the machine.
local D, BD = around(ours["call:DescribeCampaign"], again["call:DescribeCampaign"]), boto["call:DescribeCampaign"]
local floors, bounds, at_goal = {}, {}, {}
for _, op in ipairs(share_ops) do
  local call, share, d = around(ours["call:" .. op], again["call:" .. op]), ours["floor_share:" .. op],
    ours["describe_share:" .. op]
  floors[#floors + 1] = string.format("%s %.2f us (%.0f%% of its call with a describe's own work)", op,
    median(ours["floor:" .. op]), 100 * median(share))
  local b = rounds(function(boto_op, c, fs) return boto_op / c / fs end, boto["call:" .. op], call, share)
  local g = rounds(function(boto_op, c, fs, dd, bd, dc) return boto_op / c / (fs - dd * (1 - bd / dc / 100)) end,
    boto["call:" .. op], call, share, d, BD, D)
  if b and g then
    bounds[#bounds + 1] = string.format("%s %.1fx", op, b)
    at_goal[#at_goal + 1] = string.format("%s %.1fx", op, g)
  end
end
if #floors > 0 then
  out("- the request side's floor (bench/tables.c: the parameters read through the Lua API and the body hashed, "
    .. "nothing kept, checked or written): %s", table.concat(floors, ", "))
end
if #bounds > 0 then
  out("- beside a describe's own work, a client whose reading, checking and writing of the parameters cost no more "
    .. "than that floor would reach, on %s: %s; and were a describe at 100x botocore: %s", LUA, table.concat(bounds, ", "),
    table.concat(at_goal, ", "))
end
if ours.describe_2k_tables then
  out("- describe_2k: making its answer's Lua tables alone takes %.2f us of the %.2f us call",
    median(ours.describe_2k_tables), median(ours.describe_2k))
end
if jit["call:DescribeCampaign"] and jit.sign then
  out("- under %s: describe / bare signature %s; list parsing per summary %.2f us at 100, %.2f us at 1000",
    JIT_LUA, paired(jit["call:DescribeCampaign"], jit.sign), median(jit.list_100) / 100,
    median(jit.list_1000) / 1000)
end
out("- startup (require + cc.new): %.1f ms%s", median(ours.startup) / 1000,
  boto.startup and string.format(" (botocore import + create_client: %.0f ms)", median(boto.startup) / 1000) or "")
out("- RSS growth over 300,000 calls: %d KiB (goal: within 1024)", median(ours.rss_kib))
if loop.loopback_client then
  local c, r = median(loop.loopback_client), median(loop.loopback_curl)
  out("- loopback keep-alive: client %.0f req/s, raw libcurl loop %.0f req/s: %.2fx (goal >= 0.9x)", c, r,
    per_round(loop.loopback_client, loop.loopback_curl, divide))
  if loop.loopback_curl_headers then
    local h = median(loop.loopback_curl_headers)
    out("- the raw libcurl loop sending the client's header lines: %.0f req/s (%.2fx the bare loop): libcurl's own "
      .. "cost for them; the client is %.2fx that loop", h, per_round(loop.loopback_curl_headers, loop.loopback_curl,
      divide), per_round(loop.loopback_client, loop.loopback_curl_headers, divide))
    local tables = median(ours.describe_2k_tables)
    if tables then
      -- one connection, one request at a time: each microsecond of the
      -- client's CPU adds to every round trip
      out("- a client that only signed (%.2f us) and made the answer's tables (%.2f us) over that loop would reach "
        .. "%.2fx the bare loop", sign, tables, (1e6 / r) / (1e6 / h + sign + tables))
    end
  end
else
  out("- loopback: nginx or luasocket missing, not measured")
end
if has_botocore then
  -- which botocore: the python3 on PATH may hold another than Debian's
  out("- botocore measured: %s", (sh("python3 -c 'import botocore, sys; print(\"botocore \" + botocore.__version__ + "
    .. "\" on Python \" + sys.version.split()[0] + \", \" + botocore.__file__)'"):gsub("%s+$", "")))
else
  out("- botocore is not installed: no botocore figures")
end

local f = assert(io.open(RESULTS, "wb"))
f:write("# Benchmark results\n\n")
f:write(string.format("Written by `make bench` on %s. Machine: %s, %s CPUs; %s. Medians of %d rounds, each a run "
  .. "of every side in turn, figure by figure, the client's on either side of botocore's (a ratio is the median of the "
  .. "rounds' ratios, each over the mean of the client's two runs: the two sides of a figure share the load of its "
  .. "moment); "
  .. "allocations per op: the C core's (its own counter) and the Lua heap's (new or grown blocks, counted over "
  .. "calls of their own by an allocator wrapped around the state's, bench/tables.c; the figures through a "
  .. "transport, call: and describe_2k, include the three of the transport's answer table); "
  .. "instructions per op from callgrind (the difference of 200 and 400 iterations, each after as many warm-up "
  .. "calls; OpenSSL runs its generic code under valgrind, so signing counts run high).%s\n\n",
  os.date("!%Y-%m-%d %H:%M UTC"), (sh("uname -srm"):gsub("%s+$", "")), (sh("nproc"):gsub("%s+$", "")),
  (sh(LUA .. " -v"):gsub("%s+$", "")), RUNS,
  JIT_LUA and string.format(" The %s columns are the same figures under %s (OpenResty's runtime); the goals are "
    .. "judged on the first interpreter.", JIT_LUA, (sh(JIT_LUA .. " -v"):gsub("%s+$", ""))) or ""))
f:write(table.concat(lines, "\n") .. "\n")
f:close()
io.stderr:write("bench: wrote " .. RESULTS .. "\n")
