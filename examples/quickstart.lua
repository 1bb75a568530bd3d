-- Quickstart: create a campaign on every channel, tune it, and read it back.
--
--   make demo                       (runs this against the local emulator)
--   lua5.4 examples/quickstart.lua  (region, credentials and endpoint come from
--                                    the environment or the profile, as in any AWS SDK;
--                                    AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2 points it at the emulator)
local cc = require "connectcampaigns"

local client = assert(cc.new())

local INSTANCE = os.getenv("CONNECT_INSTANCE_ID") or "11111111-2222-3333-4444-555555555555"
local ACCOUNT_ARN = "arn:aws:connect:us-east-1:123456789012:"

-- 1. create a campaign that can reach customers on every channel
local created, err = client:create_campaign {
  name = "spring-renewals",
  connectInstanceId = INSTANCE,
  channelSubtypeConfig = {
    telephony = {
      capacity = 0.5,
      outboundMode = { progressive = { bandwidthAllocation = 1 } },
      defaultOutboundConfig = {
        connectContactFlowId = "contact-flow-1",
        connectSourcePhoneNumber = "+15550100",
        answerMachineDetectionConfig = { enableAnswerMachineDetection = true },
      },
    },
    sms = {
      capacity = 0.25,
      outboundMode = { agentless = {} },
      defaultOutboundConfig = {
        connectSourcePhoneNumberArn = ACCOUNT_ARN .. "phone-number/sms-1",
        wisdomTemplateArn = "arn:aws:wisdom:us-east-1:123456789012:template/sms-renewal",
      },
    },
    email = {
      capacity = 1,
      outboundMode = { agentless = {} },
      defaultOutboundConfig = {
        connectSourceEmailAddress = "renewals@example.com",
        sourceEmailAddressDisplayName = "Example Renewals",
        wisdomTemplateArn = "arn:aws:wisdom:us-east-1:123456789012:template/email-renewal",
      },
    },
    whatsApp = {
      capacity = 0.1,
      outboundMode = { agentless = {} },
      defaultOutboundConfig = {
        connectSourcePhoneNumberArn = ACCOUNT_ARN .. "phone-number/wa-1",
        wisdomTemplateArn = "arn:aws:wisdom:us-east-1:123456789012:template/wa-renewal",
      },
    },
  },
  schedule = { startTime = "2026-03-01T09:00:00Z", endTime = "2026-03-31T18:00:00Z" },
  tags = { team = "growth" },
}
if not created then
  io.stderr:write("create_campaign failed: ", tostring(err), "\n")
  os.exit(1)
end
print("created campaign " .. created.id)

-- 2. when it may call, and how often one person may be contacted
assert(client:update_campaign_communication_time {
  id = created.id,
  communicationTimeConfig = {
    localTimeZoneConfig = { defaultTimeZone = "America/New_York" },
    telephony = { openHours = { dailyHours = {
      MONDAY = { { startTime = "T09:00", endTime = "T17:00" } },
      FRIDAY = { { startTime = "T09:00", endTime = "T15:00" } },
    } } },
  },
})
assert(client:update_campaign_communication_limits {
  id = created.id,
  communicationLimitsOverride = {
    allChannelSubtypes = { communicationLimitsList = {
      { maxCountPerRecipient = 3, frequency = 7, unit = "DAY" },
    } },
  },
})
assert(client:put_instance_communication_limits {
  connectInstanceId = INSTANCE,
  communicationLimitsConfig = { allChannelSubtypes = { communicationLimitsList = {
    { maxCountPerRecipient = 5, frequency = 30, unit = "DAY" },
  } } },
})

-- 3. read it back and show it
local described = assert(client:describe_campaign { id = created.id })

local function show(value, indent)
  indent = indent or ""
  local keys = {}
  for k in pairs(value) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    local v = value[k]
    local label = type(k) == "number" and ("[" .. k .. "]") or k
    if type(v) == "table" then
      if next(v) == nil then
        print(indent .. label .. ": {}")
      else
        print(indent .. label .. ":")
        show(v, indent .. "  ")
      end
    elseif (k == "startTime" or k == "endTime") and type(v) == "number" then
      print(indent .. label .. ": " .. os.date("!%Y-%m-%d %H:%M:%S UTC", math.floor(v)))
    else
      print(indent .. label .. ": " .. tostring(v))
    end
  end
end
print("campaign as described:")
show(described.campaign, "  ")

-- 4. run it: start, pause, resume
for _, step in ipairs { "start_campaign", "pause_campaign", "resume_campaign" } do
  assert(client[step](client, { id = created.id }))
  local state = assert(client:get_campaign_state { id = created.id })
  print(string.format("%-16s -> %s", step, state.state))
end

-- 5. list the instance's campaigns, then clean up
local list = assert(client:list_campaigns { filters = { instanceIdFilter = { value = INSTANCE, operator = "Eq" } } })
print(string.format("%d campaign(s) on instance %s", #list.campaignSummaryList, INSTANCE))
assert(client:delete_campaign { id = created.id })
print("deleted campaign " .. created.id)
