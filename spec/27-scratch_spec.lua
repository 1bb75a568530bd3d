-- The scratch box each Lua state keeps for the C calls it makes: a call in
-- the steady state allocates nothing in C, and no way out of a call (a
-- refusal, a bad answer, a service error, a result) leaves the box taken,
-- which would send every later call back to allocating a box of its own.
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"

local CREDS = { access_key_id = "AKIDEXAMPLE", secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }

local answer = { status = 200, headers = {}, body = "{}" }
local client = assert(cc.new { region = "us-east-1", endpoint = "https://campaigns.test", max_attempts = 1,
  credentials = CREDS, transport = function() return answer end })

-- The C allocations of one describe call, made after fn.
local function describe_after(fn)
  answer = { status = 200, headers = {}, body = "{}" }
  fn()
  answer = { status = 200, headers = {}, body = "{}" }
  local before = core.allocations()
  assert(client:describe_campaign { id = "c-1" })
  return core.allocations() - before
end

describe("the scratch box", function()
  it("makes a call in the steady state allocate nothing in C", function()
    for _ = 1, 3 do assert(client:create_campaign { name = "n", connectInstanceId = "i",
      channelSubtypeConfig = { sms = { outboundMode = { agentless = {} },
        defaultOutboundConfig = { connectSourcePhoneNumberArn = "arn:aws:connect:us-east-1:1:instance/i/phone-number/p",
          wisdomTemplateArn = "arn:aws:wisdom:us-east-1:1:message-template/t" } } } }) end
    assert.are.equal(0, describe_after(function() end))
  end)

  it("is free again after every way out of a call", function()
    local ways = {
      refused = function() assert.is_nil(client:describe_campaign { id = 5 }) end,
      unknown_member = function() assert.is_nil(client:describe_campaign { id = "c", nope = 1 }) end,
      bad_json = function()
        answer = { status = 200, headers = {}, body = "{not json" }
        assert.is_nil(client:describe_campaign { id = "c" })
      end,
      service_error = function()
        answer = { status = 404, headers = { ["x-amzn-errortype"] = "ResourceNotFoundException" },
          body = '{"message": "no such campaign"}' }
        local _, err = client:describe_campaign { id = "c" }
        assert.are.equal("ResourceNotFoundException", err.code)
      end,
      build = function() assert(core.build("DescribeCampaign", { id = "c" })) end,
      build_refused = function() assert.is_nil(core.build("DescribeCampaign", {})) end,
      parse = function() assert(core.parse("DescribeCampaign", 200, '{"id": "c"}', {})) end,
      encode = function() assert(core.json_encode { a = { 1, 2 } }) end,
      encode_cycle = function()
        local t = {}
        t.t = t
        assert.is_nil(core.json_encode(t))
      end,
    }
    describe_after(function() end) -- the box's buffers grown once
    for name, way in pairs(ways) do
      assert.are.equal(0, describe_after(way), name)
    end
  end)
end)
