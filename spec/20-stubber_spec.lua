-- connectcampaigns.stubber: botocore's Stubber for the specs of users' code.
local cc = require "connectcampaigns"
local Stubber = require "connectcampaigns.stubber"

describe("the Stubber", function()
  local client, s
  before_each(function()
    client = assert(cc.new { region = "us-east-1", credentials = { access_key_id = "A", secret_access_key = "S" },
      transport = function() error("nothing may be sent while stubbed") end })
    s = Stubber.new(client)
  end)

  it("answers calls from the queue, in order, checking expected parameters", function()
    s:add_response("describe_campaign", { campaign = { id = "c1", arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c1", name = "spring",
      connectInstanceId = "i", channelSubtypeConfig = {} } }, { id = "c1" })
    s:add_response("pause_campaign", {})
    s:activate()
    local out = assert(client:describe_campaign { id = "c1" })
    assert.are.equal("spring", out.campaign.name)
    assert.truthy(client:pause_campaign { id = "anything" })
    s:assert_no_pending()
    s:deactivate()
  end)

  it("builds errors as real failures build them", function()
    s:add_error("describe_campaign", "ResourceNotFoundException", "no such campaign", 404)
    s:add_error("describe_campaign", "ThrottlingException", "slow down", 429, { request_id = "r-9" })
    s:activate()
    local out, err = client:describe_campaign { id = "c1" }
    assert.is_nil(out)
    assert.is_true(cc.is_error(err))
    assert.are.same({ "ResourceNotFoundException", "no such campaign", 404, false },
      { err.code, err.message, err.status, err.retryable })
    out, err = client:describe_campaign { id = "c1" }
    assert.is_nil(out)
    assert.are.same({ "ThrottlingException", 429, true, "r-9" }, { err.code, err.status, err.retryable, err.request_id })
    assert.matches("ThrottlingException: slow down %(HTTP 429, request id r%-9%)", tostring(err))
  end)

  local CAMPAIGN = { campaign = { id = "c1", arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c1", name = "n",
    connectInstanceId = "i", channelSubtypeConfig = {} } }

  it("raises a stub assertion at the caller for another operation or other parameters", function()
    s:add_response("describe_campaign", CAMPAIGN, { id = "c1" })
    s:activate()
    local ok, err = pcall(function()
      local r = client:pause_campaign { id = "c1" }
      return r
    end)
    assert.is_false(ok)
    assert.matches("^spec/20%-stubber_spec%.lua:%d+: stub assertion: expected a call of describe_campaign, got pause_campaign", err)
    s:add_response("describe_campaign", CAMPAIGN, { id = "c1" })
    ok, err = pcall(function()
      local r = client:describe_campaign { id = "c2" }
      return r
    end)
    assert.is_false(ok)
    assert.matches('other parameters: params.id: expected "c1", got "c2"', err, 1, true)
  end)

  it("refuses a response that does not fit the output shape, and reports what was not used", function()
    assert.has_error(function() s:add_response("describe_campaign", { campaign = { id = 5 } }) end)
    assert.has_error(function() s:add_response("describe_campaigns", {}) end)
    s:add_response("pause_campaign", {})
    s:activate()
    local ok, err = pcall(s.assert_no_pending, s)
    assert.is_false(ok)
    assert.matches("1 queued answer%(s%) not used, the next for pause_campaign", err)
    -- invalid parameters still fail as they would, without using the queue
    local out, verr = client:pause_campaign { id = "" }
    assert.is_nil(out)
    assert.are.equal("ParamValidationError", verr.code)
    assert.truthy(client:pause_campaign { id = "c" })
    s:deactivate()
    out, verr = client:pause_campaign { id = "c" }
    assert.is_nil(out)
    assert.matches("nothing may be sent while stubbed", verr.message)
  end)
end)
