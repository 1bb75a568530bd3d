-- Pauses every running campaign of a Connect instance.
--
--   lua5.4 examples/pause_running_campaigns.lua INSTANCE_ID
local cc = require "connectcampaigns"

local instance = arg[1]
if not instance then
  io.stderr:write("usage: pause_running_campaigns.lua INSTANCE_ID\n")
  os.exit(2)
end

local client = assert(cc.new())
local BATCH = cc.model().shapes.GetCampaignStateBatchRequestCampaignIdsList.max

-- every campaign of the instance, across pages
local ids = {}
for item, err in client:items("list_campaigns", { filters = { instanceIdFilter = { value = instance, operator = "Eq" } } }) do
  if not item then
    io.stderr:write("list_campaigns failed: ", tostring(err), "\n")
    os.exit(1)
  end
  ids[#ids + 1] = item.id
end

local unpack_list = table.unpack or unpack -- luacheck: ignore 113 (Lua 5.1 and LuaJIT: unpack)
local paused, failures = 0, 0
for first = 1, #ids, BATCH do
  local chunk = { unpack_list(ids, first, math.min(#ids, first + BATCH - 1)) }
  local states = assert(client:get_campaign_state_batch { campaignIds = chunk })
  for _, s in ipairs(states.successfulRequests or {}) do
    if s.state == "Running" then
      local ok, err = client:pause_campaign { id = s.campaignId }
      if ok then
        paused = paused + 1
        print("paused " .. s.campaignId)
      else
        failures = failures + 1
        print("could not pause " .. s.campaignId .. ": " .. tostring(err))
      end
    end
  end
end
print(string.format("%d campaign(s) on %s, %d paused, %d failed", #ids, instance, paused, failures))
os.exit(failures == 0 and 0 or 1)
