-- The client's per-call costs without the network, one line per figure:
--   <name> <TAB> <microseconds per op> <TAB> <core allocations per op>
--     [<TAB> <Lua heap allocations per op>]   (with bench/tables.c built)
-- bench/botocore_bench.py prints the same names for botocore; bench/run.lua
-- runs both several times, takes medians and writes bench/RESULTS.md.
--
-- Figures (the inputs are bench/inputs.json, shared with the botocore side):
--   call:<Operation>   validate, serialize, sign, then parse a canned "{}"
--                      through a Lua transport: the whole public call
--   describe_2k        the same with a realistic 2.2 KB describe answer
--   list_<N>           parsing a list_campaigns answer of N summaries
--   list_<N>_tables    making the same result tables without reading JSON
--   list_1000_incremental  (Lua 5.4) list_1000 under the incremental
--                      collector, an embedding host's default
--   describe_2k_tables (bench/tables.c, when built): the interpreter's share,
--                      which no parser can go below
--   floor:<Operation>  (bench/tables.c) reading the call's parameters through
--                      the Lua API and hashing its body, nothing else: what
--                      no client reading Lua tables can go below
--   floor_share:<Op>   (with floor:<Op>, but DescribeCampaign) what a client
--   describe_share:<Op> costing that floor beside a describe's own work would
--                      take, (describe - its floor + the op's floor) / the
--                      op's call, and describe / the op's call: ratios of
--                      the client's own figures, timed in turns in one
--                      process, so the machine's state cancels out
--   sign               a bare SigV4 signature (cached key) through the binding
--   startup            require + cc.new, in this fresh process
--   rss_kib            RSS growth over 300,000 calls (only with --rss)
--
-- usage: lua bench/bench.lua [--iterations N] [--only NAME] [--rss]
local t_start = os.clock()
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"
local function noop_transport() return { status = 200, headers = {}, body = "{}" } end
local client = assert(cc.new { region = "us-east-1", endpoint = "https://campaigns.test", max_attempts = 1,
  credentials = { access_key_id = "AKIDEXAMPLE", secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
  transport = noop_transport })
local startup = os.clock() - t_start

local N, ONLY, RSS = 20000, nil, false
local i = 1
while arg and arg[i] do
  if arg[i] == "--iterations" then N = assert(tonumber(arg[i + 1])); i = i + 1
  elseif arg[i] == "--only" then ONLY = arg[i + 1]; i = i + 1
  elseif arg[i] == "--rss" then RSS = true
  else error("unknown argument " .. arg[i]) end
  i = i + 1
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local INPUTS = assert(core.json_decode(read("bench/inputs.json")))
local DESCRIBE = read("spec/fixtures/responses/describe_campaign.json")

--- A list_campaigns answer of n summaries, the same text bench/botocore_bench.py builds.
local function list_answer(n)
  local items = {}
  for k = 1, n do
    items[k] = string.format('{"id": "c-%06d", "arn": "arn:aws:connect-campaigns:us-east-1:123456789012:campaign/c-%06d", '
      .. '"name": "campaign %d", "connectInstanceId": "inst-1", "channelSubtypes": ["TELEPHONY", "SMS"], '
      .. '"schedule": {"startTime": 1772355600, "endTime": 1780304400}, "type": "MANAGED"}', k, k, k)
  end
  return '{"campaignSummaryList": [' .. table.concat(items, ", ") .. '], "nextToken": "t"}'
end

-- The calls are timed in five slices and the median slice is reported: a
-- burst of this shared machine's slowness spoils one slice, not the figure.
local SLICES = 5
local unpack = table.unpack or unpack -- Lua 5.1 and LuaJIT

--- Warms fns up, then times n calls of each in SLICES slices, the fns
-- taking turns within a slice: per slice, the seconds one call of each took
-- ({t1, t2, ...}), and the core's allocations over the timed calls.
local function slices(fns, n)
  local per_slice, each = math.max(1, math.floor(n / SLICES)), {}
  for _, f in ipairs(fns) do for _ = 1, math.min(n, 500) do f() end end -- warm up
  local a0 = core.allocations()
  for slice = 1, SLICES do
    local t = {}
    for k, f in ipairs(fns) do
      local t0 = core.monotonic()
      for _ = 1, per_slice do f() end
      t[k] = (core.monotonic() - t0) / per_slice
    end
    each[slice] = t
  end
  return each, (core.allocations() - a0) / (per_slice * SLICES * #fns)
end

--- The median over the slices of fn(t1, t2, ...).
local function median_slice(each, fn)
  local v = {}
  for k, t in ipairs(each) do v[k] = fn(unpack(t)) end
  table.sort(v)
  return v[math.floor((SLICES + 1) / 2)]
end

local has_tables, tables = pcall(require, "bench_tables")

local function measure(name, fn, n)
  if ONLY and ONLY ~= name then return end
  local each, allocations = slices({ fn }, n or N)
  -- the interpreter's allocations are counted in calls of their own, after
  -- the timing: the counting allocator would weigh on the time
  local counted = math.max(1, math.min(n or N, 200))
  local lua_allocations = has_tables and tables.lua_allocations(fn, counted) / counted
  print(string.format("%s\t%.3f\t%.1f%s", name, median_slice(each, function(t) return t end) * 1e6, allocations,
    lua_allocations and string.format("\t%.1f", lua_allocations) or ""))
end

if not ONLY or ONLY == "startup" then print(string.format("startup\t%.1f\t0", startup * 1e6)) end

for _, input in ipairs(INPUTS) do
  local name, params = input[1], input[2]
  measure("call:" .. name, function() assert(client:call(name, params)) end)
end

local describe_client = assert(cc.new { region = "us-east-1", endpoint = "https://campaigns.test", max_attempts = 1,
  credentials = { access_key_id = "AKIDEXAMPLE", secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
  transport = function() return { status = 200, headers = {}, body = DESCRIBE } end })
measure("describe_2k", function() assert(describe_client:describe_campaign { id = "c-7f3a9e" }) end)

-- The tables figures are a floor only if they make what the parser makes.
local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

if has_tables then
  local function floor_of(name, params)
    local body = assert(core.build(name, params)).body or ""
    return function()
      tables.walk(params)
      tables.hash(body)
    end
  end
  local describe_params = { id = "c-7f3a9e" }
  local describe_call = function() assert(client:call("DescribeCampaign", describe_params)) end
  local describe_floor = floor_of("DescribeCampaign", describe_params)
  for _, input in ipairs(INPUTS) do
    local name, params = input[1], input[2]
    local floor = floor_of(name, params)
    measure("floor:" .. name, floor)
    if name ~= "DescribeCampaign" and (not ONLY or ONLY == "floor:" .. name) then
      local op_call = function() assert(client:call(name, params)) end
      local each = slices({ op_call, describe_call, describe_floor, floor }, N) -- both shares from the same slices
      print(string.format("floor_share:%s\t%.4f\t0", name,
        median_slice(each, function(c, d, fd, f) return (d - fd + f) / c end)))
      print(string.format("describe_share:%s\t%.4f\t0", name, median_slice(each, function(c, d) return d / c end)))
    end
  end
  local answer = tables.load("DescribeCampaign", DESCRIBE)
  assert(same(tables.build(answer), core.parse("DescribeCampaign", 200, DESCRIBE)), "describe tables differ")
  measure("describe_2k_tables", function() assert(tables.build(answer)) end)
end
-- The standalone lua5.4 runs the generational collector (lua.c asks for
-- it); a state made by luaL_newstate, as embedding hosts make theirs, runs
-- the incremental one: the 1000-summary list under that collector too.
local INCREMENTAL = _VERSION == "Lua 5.4"
for _, n in ipairs { 100, 1000 } do
  local body, iterations = list_answer(n), math.max(20, math.floor(N / n * 5))
  local function parse() assert(core.parse("ListCampaigns", 200, body)) end
  measure("list_" .. n, parse, iterations)
  if n == 1000 and INCREMENTAL and (not ONLY or ONLY == "list_1000_incremental") then
    local previous = collectgarbage("incremental")
    measure("list_1000_incremental", parse, iterations)
    collectgarbage(previous)
  end
  if has_tables then
    local answer = tables.load("ListCampaigns", body)
    assert(same(tables.build(answer), core.parse("ListCampaigns", 200, body)), "list tables differ")
    measure("list_" .. n .. "_tables", function() assert(tables.build(answer)) end, iterations)
  end
end

local signer = core.signer()
local req = { method = "GET", path = "/campaigns-v2/c-7f3a9e", query = "", body = "",
  headers = { Host = "connect-campaigns.us-east-1.amazonaws.com", ["X-Amz-Date"] = "20260301T090000Z" } }
local creds = { access_key_id = "AKIDEXAMPLE", secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }
measure("sign", function() assert(signer:sign(req, creds, "us-east-1", "connect-campaigns", "20260301T090000Z")) end)

if RSS then
  local function rss_kib()
    for line in io.lines("/proc/self/status") do
      local kb = line:match("^VmRSS:%s+(%d+)")
      if kb then return tonumber(kb) end
    end
  end
  local params = { id = "c-7f3a9e" }
  for _ = 1, 20000 do assert(client:describe_campaign(params)) end
  collectgarbage()
  local before = rss_kib()
  for _ = 1, 300000 do assert(client:describe_campaign(params)) end
  collectgarbage()
  print(string.format("rss_kib\t%d\t0", rss_kib() - before))
end
