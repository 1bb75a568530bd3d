-- What AWS SDK users expect of mistakes: strict options, named misuse.
local cc = require "connectcampaigns"
local H = require "helpers"

describe("strict options", function()
  it("refuses an unknown option, with the closest one", function()
    local c, err = cc.new { region = "us-east-1", timout = 5 }
    local _
    assert.is_nil(c)
    assert.are.equal("InvalidConfiguration", err.code)
    assert.are.equal('unknown option "timout", did you mean "timeout"?', err.message)
    _, err = cc.new { region = "us-east-1", MaxAttempts = 2 }
    assert.are.equal('unknown option "MaxAttempts", did you mean "max_attempts"?', err.message)
    _, err = cc.new { region = "us-east-1", zzzzzzzz = 1 }
    assert.are.equal('unknown option "zzzzzzzz"', err.message)
  end)

  it("checks every option's type", function()
    for opt, want in pairs {
      region = "option region must be a string",
      use_fips = "option use_fips must be a boolean",
      max_attempts = "option max_attempts must be a number",
      random = "option random must be a function",
    } do
      local _, err = cc.new { region = opt == "region" and 5 or "us-east-1",
        [opt ~= "region" and opt or "endpoint"] = opt ~= "region" and {} or nil }
      assert.matches(want, err.message, 1, true)
    end
  end)
end)

describe("helpful misuse", function()
  local client = H.client({ url = "http://127.0.0.1:9" }, { transport = function()
    return { status = 200, headers = {}, body = "{}" } end })

  it("names an unknown method at the caller's line, with the closest operation", function()
    local ok, err = pcall(function() return client:describe_campaigns {} end)
    assert.is_false(ok)
    assert.matches('no operation or method "describe_campaigns", did you mean "describe_campaign"%?', err)
    assert.matches("^spec/19%-misuse_spec%.lua:%d+:", err)
    ok, err = pcall(function() return client.DescribeCampaign end)
    assert.is_false(ok)
    assert.matches('did you mean "describe_campaign"', err)
  end)

  it("names an unknown operation of call and prepare at the caller's line", function()
    local ok, err = pcall(function()
      local out = client:call("DescribeCampaignz", {}) -- not a tail call: the line is this one
      return out
    end)
    assert.is_false(ok)
    assert.matches('^spec/19%-misuse_spec%.lua:%d+: no operation "DescribeCampaignz", did you mean "describe_campaign"%?', err)
    ok, err = pcall(function() return client:prepare("frobnicate", {}) end)
    assert.is_false(ok)
    assert.matches('no operation "frobnicate"', err)
    assert.truthy(client:call("DescribeCampaign", { id = "c" }))
    assert.truthy(client:call("describe_campaign", { id = "c" }))
  end)
end)

describe("strict options elsewhere", function()
  it("cc.map and emulator.new name an unknown option", function()
    local ok, err = pcall(cc.map, {}, print, { concurency = 2 })
    assert.is_false(ok)
    assert.matches('map: unknown option "concurency", did you mean "concurrency"%?', err)
    local emu, why = require("connectcampaigns.emulator").new { regoin = "us-east-1" }
    assert.is_nil(emu)
    assert.are.equal('unknown option "regoin", did you mean "region"?', why)
  end)
end)
