-- Benchmarks of the per-call work, without the network: building and
-- signing a create_campaign request, reading a describe_campaign answer, and
-- a whole call through an in-memory transport. Prints microseconds per
-- operation (wall clock: noisy on shared machines) and, under
-- `make bench-callgrind`, instruction counts are the repeatable measure.
--
-- usage: lua5.4 bench/bench.lua [ITERATIONS]
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"

local N = tonumber(arg and arg[1]) or 20000

local f = assert(io.open("spec/fixtures/responses/describe_campaign.json", "rb"))
local DESCRIBE = f:read("*a")
f:close()

local CREATE = {
  name = "spring", connectInstanceId = "inst-1",
  channelSubtypeConfig = {
    telephony = { capacity = 0.5, outboundMode = { progressive = { bandwidthAllocation = 1 } },
      defaultOutboundConfig = { connectContactFlowId = "flow-1", connectSourcePhoneNumber = "+15550100" } },
    email = { outboundMode = { agentless = {} }, defaultOutboundConfig = {
      connectSourceEmailAddress = "a@example.com", wisdomTemplateArn = "arn:aws:wisdom:us-east-1:1:template/t" } },
  },
  schedule = { startTime = "2026-03-01T09:00:00Z", endTime = 1775000000 },
  tags = { team = "growth", env = "prod" },
}

local client = assert(cc.new { region = "us-east-1", endpoint = "https://campaigns.test",
  credentials = { access_key_id = "AKID", secret_access_key = "SECRET" }, max_attempts = 1,
  transport = function() return { status = 200, headers = {}, body = DESCRIBE } end })

local function bench(name, fn)
  for _ = 1, math.min(N, 1000) do fn() end -- warm up
  collectgarbage()
  local kb = collectgarbage("count")
  local t = core.monotonic()
  for _ = 1, N do fn() end
  local dt = core.monotonic() - t
  print(string.format("%-34s %9.2f us/op   %8.0f ops/s   Lua heap +%.0f KiB", name, dt / N * 1e6, N / dt,
    collectgarbage("count") - kb))
end

print(string.format("%d iterations each (%s)", N, _VERSION))
bench("build create_campaign", function() assert(core.build("CreateCampaign", CREATE)) end)
bench("build + sign create_campaign", function() assert(client:prepare("CreateCampaign", CREATE)) end)
bench("parse describe_campaign answer", function() assert(core.parse("DescribeCampaign", 200, DESCRIBE)) end)
bench("whole call (in-memory transport)", function() assert(client:describe_campaign { id = "c-1" }) end)
