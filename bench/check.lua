-- `make test`'s check of the benchmark tooling, so that `make bench` cannot
-- rot unseen: runs bench/run.lua once, with few iterations and no callgrind,
-- into a temporary file (bench/RESULTS.md is left as the last real run wrote
-- it), then checks that every figure came out as a number. bench.lua asserts
-- on the way that bench/tables.c makes the tables the parser makes. The
-- botocore column is checked when botocore imports, the loopback lines when
-- nginx and luasocket are there. No figure's value is judged: timings are
-- for benchmarks, not tests. Prints "bench_check: N passed, N failed".
--
-- usage: lua bench/check.lua LUA BUILD_DIR
local LUA, BUILD = assert(arg[1], "the interpreter"), assert(arg[2], "the build directory")
local S = dofile("bench/support.lua")
local sh = S.sh

local passed, failed = 0, 0
local function check(ok, what)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    print("bench_check: FAILED: " .. what)
  end
end

-- the pairing of rounds: a round where the client's two runs around
-- botocore's differ by more than a fifth is left out, unless all are
local function ratio(boto, before, after)
  return S.rounds(function(b, c) return b / c end, boto, S.around(before, after))
end
check(ratio({ 300, 300, 300 }, { 3, 3, 3 }, { 3, 3, 3 }) == 100, "steady rounds: botocore over the client's mean")
check(ratio({ 300, 600, 600 }, { 3, 3, 3 }, { 3, 5, 5 }) == 100, "rounds that changed state are left out")
check(ratio({ 400, 400, 400 }, { 3, 3, 3 }, { 5, 5, 5 }) == 100, "every round changed: their means")
check(ratio({ 300, 330 }, { 3, 3 }, { 3, 3.3 }) ~= nil, "a change within a fifth is kept")
check(S.rounds(function(b, c) return b / c end, { 300 }, nil) == nil, "a side not measured: no ratio")

local results = (sh("mktemp"):gsub("%s+$", ""))
local out, ok = sh(string.format("BENCH_N=50 BENCH_CALLGRIND=0 BENCH_RESULTS=%s %s bench/run.lua %s %s 1 2>&1",
  results, LUA, LUA, BUILD))
check(ok, "bench/run.lua failed:\n" .. out)
local f = io.open(results, "rb")
local text = f and f:read("*a") or ""
if f then f:close() end
os.remove(results)
check(text:match("^# Benchmark results\n") ~= nil, "the results file has its title")

local sides = S.sides(LUA, BUILD)
local botocore, loopback = sides.botocore, sides.loopback

-- | figure | client | core allocations | Lua allocations | instructions | botocore | botocore / client | goal |
local NUMBER = "%d+%.?%d*"
local figures = { "call:CreateCampaign", "call:DescribeCampaign", "call:PutInstanceCommunicationLimits",
  "call:UpdateCampaignCommunicationLimits", "call:UpdateCampaignCommunicationTime", "describe_2k",
  "describe_2k_tables", "list_100", "list_100_tables", "list_1000", "list_1000_tables", "sign",
  "floor:CreateCampaign", "floor:DescribeCampaign", "floor:PutInstanceCommunicationLimits",
  "floor:UpdateCampaignCommunicationLimits", "floor:UpdateCampaignCommunicationTime" }
-- Lua 5.4 only: the list under the incremental collector
local lua54 = sh(LUA .. " -e 'io.write(_VERSION)'") == "Lua 5.4"
if lua54 then figures[#figures + 1] = "list_1000_incremental" end
for _, name in ipairs(figures) do
  local row = text:match("\n| " .. name:gsub("%p", "%%%0") .. " |([^\n]*)")
  check(row ~= nil, name .. ": a row")
  row = row or ""
  local cells = {}
  for cell in row:gmatch("%s*([^|]-)%s*|") do cells[#cells + 1] = cell end
  check((cells[1] or ""):match("^" .. NUMBER .. " us$") ~= nil, name .. ": the client's time, got " .. tostring(cells[1]))
  check((cells[2] or ""):match("^%d+$") ~= nil, name .. ": core allocations counted, got " .. tostring(cells[2]))
  check((cells[3] or ""):match("^" .. NUMBER .. "$") ~= nil, name .. ": Lua allocations counted, got " .. tostring(cells[3]))
  -- (the incremental list's ratio is on its own line: botocore has no such figure)
  if botocore and not name:match("_tables$") and not name:match("^floor:") and name ~= "list_1000_incremental" then
    check((cells[5] or ""):match("^" .. NUMBER .. " us$") ~= nil, name .. ": botocore's time, got " .. tostring(cells[5]))
    check((cells[6] or ""):match("^" .. NUMBER .. "x$") ~= nil, name .. ": the ratio, got " .. tostring(cells[6]))
  end
end

-- the summary lines: what each says, and its pattern
local lines = {
  { "describe / bare signature", "\n%- describe / bare signature: " .. NUMBER .. "x" },
  { "list parsing per summary", "\n%- list parsing per summary: " .. NUMBER .. " us at 100, " .. NUMBER .. " us at 1000" },
  { "the list's floor", "\n%- list_1000: making its Lua tables alone [^\n]*"
    .. (botocore and "no parser could take it past " .. NUMBER .. "x botocore[^\n]*" or "")
    .. "reading the JSON is the other %-?" .. NUMBER .. " us" },
  { "the request side's floor", "\n%- the request side's floor [^\n]*: CreateCampaign " .. NUMBER .. " us %("
    .. NUMBER .. "%% of its call" },
  { "startup", "\n%- startup %(require %+ cc.new%): " .. NUMBER .. " ms" },
  { "RSS growth", "\n%- RSS growth over 300,000 calls: %-?%d+ KiB" },
}
if lua54 then
  lines[#lines + 1] = { "the list under the incremental collector", "\n%- list_1000 under the incremental collector "
    .. "[^\n]*: " .. NUMBER .. " us" .. (botocore and ", " .. NUMBER .. "x botocore" or "") }
end
if botocore then
  lines[#lines + 1] = { "the ratio goals met", "\n%- ratio goals met on [^\n:]+: [^\n]*%(%d of 6%)" }
  lines[#lines + 1] = { "the request side's bound", "\n%- beside a describe's own work, a client whose [^\n]*"
    .. "CreateCampaign " .. NUMBER .. "x[^\n]*were a describe at 100x botocore: [^\n]*CreateCampaign " .. NUMBER .. "x" }
end
if loopback then
  lines[#lines + 1] = { "loopback", "\n%- loopback keep%-alive: client " .. NUMBER .. " req/s, raw libcurl loop "
    .. NUMBER .. " req/s: " .. NUMBER .. "x" }
  lines[#lines + 1] = { "the loop with the client's headers", "\n%- the raw libcurl loop sending the client's header "
    .. "lines: " .. NUMBER .. " req/s" }
  lines[#lines + 1] = { "the loopback's floor", "\n%- a client that only signed [^\n]* would reach " .. NUMBER
    .. "x the bare loop" }
end
for _, line in ipairs(lines) do
  check(text:match(line[2]) ~= nil, "the line on " .. line[1])
end

print(string.format("bench_check: %d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
