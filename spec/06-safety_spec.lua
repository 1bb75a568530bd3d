-- Secrets never leak; objects are collectable; a closed object says so.
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"
local H = require "helpers"

local SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
local TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"

local function assert_clean(s)
  s = tostring(s)
  assert.is_nil(s:find(SECRET, 1, true), "secret leaked: " .. s)
  assert.is_nil(s:find(TOKEN, 1, true), "token leaked: " .. s)
  assert.is_nil(s:find("Signature=", 1, true), "signature leaked: " .. s)
end

local function assert_error_clean(err)
  assert_clean(tostring(err))
  for k, v in pairs(err) do
    assert_clean(k)
    assert_clean(v)
  end
end

describe("safety", function()
  local creds = { access_key_id = "AKIDSAFE", secret_access_key = SECRET, session_token = TOKEN }

  it("keeps secrets out of every kind of error", function()
    local answers = {
      function() return nil, "connection reset" end,
      function() error("transport blew up") end,
      function() return { status = 403, headers = { ["x-amzn-ErrorType"] = "AccessDeniedException" },
        body = '{"message":"denied"}' } end,
      function() return { status = 200, headers = {}, body = "{not json" } end,
      function() return { status = 500, headers = {}, body = "" } end,
    }
    for _, transport in ipairs(answers) do
      local c = assert(cc.new { region = "us-east-1", credentials = creds, transport = transport, max_attempts = 1 })
      local out, err = c:describe_campaign { id = "c" }
      assert.is_nil(out)
      assert_error_clean(err)
      assert_clean(tostring(c))
    end
    local c = assert(cc.new { region = "us-east-1", credentials = creds })
    local _, err = c:describe_campaign { id = 12 }
    assert_error_clean(err)
  end)

  it("keeps secrets out of configuration errors", function()
    local _, err = cc.new { region = "us-east-1", credentials = { access_key_id = "", secret_access_key = SECRET } }
    assert_error_clean(err)
    _, err = cc.new { region = "us-east-1", credentials = { access_key_id = "A", secret_access_key = SECRET,
      session_token = 5 } }
    assert_error_clean(err)
  end)

  it("copies the credentials: changing the caller's table later changes nothing", function()
    local seen
    local mine = { access_key_id = "AKID1", secret_access_key = "S1" }
    local c = assert(cc.new { region = "us-east-1", credentials = mine, transport = function(req)
      seen = req.headers.Authorization
      return { status = 200, headers = {}, body = "{}" }
    end })
    mine.access_key_id = "AKID2"
    assert(c:list_campaigns {})
    assert.matches("Credential=AKID1/", seen)
  end)

  it("lets clients, signers and transports be collected", function()
    local weak = setmetatable({}, { __mode = "v" })
    do
      local c = assert(cc.new { region = "us-east-1", credentials = creds, transport = function()
        return { status = 200, headers = {}, body = "{}" }
      end })
      assert(c:list_campaigns {})
      weak.client = c
      weak.signer = core.signer()
      weak.http = core.http {}
    end
    collectgarbage()
    collectgarbage()
    assert.is_nil(weak.client)
    assert.is_nil(weak.signer)
    assert.is_nil(weak.http)
  end)

  it("says so when a closed transport is used", function()
    local h = core.http {}
    h:close()
    h:close() -- closing twice is fine
    assert.has_error(function() h:request { method = "GET", url = "http://127.0.0.1:9/" } end,
      "attempt to use a closed connectcampaigns.Http")
    assert.matches("closed", tostring(h))
  end)

  it("raises from a closed client", function()
    local c = H.client({ url = "http://127.0.0.1:9" })
    c:close()
    assert.has_error(function() c:list_campaigns {} end, "attempt to use a closed connectcampaigns.Client")
    assert.are.equal("connectcampaigns.Client (closed)", tostring(c))
  end)

  it("reads tables raw: metatables on parameters are not consulted", function()
    local seen
    local c = H.client({ url = "http://127.0.0.1:9" }, { transport = function(req)
      seen = req
      return { status = 200, headers = {}, body = "{}" }
    end })
    local params = setmetatable({ id = "c" }, { __index = function() error("must not be called") end,
      __pairs = function() error("must not be called") end })
    assert(c:get_campaign_state(params))
    assert.matches("/v2/campaigns/c/state$", seen.url)
  end)

  it("survives many failing calls in a row without growing", function()
    local c = H.client({ url = "http://127.0.0.1:9" }, { transport = function()
      return { status = 400, headers = {}, body = '{"message": "no"}' }
    end })
    local function round()
      local _, err = c:describe_campaign { id = "c" }
      assert(err)
      local _, verr = c:describe_campaign { id = "" }
      assert(verr)
      local _, cerr = c:update_campaign_communication_limits { id = "c", communicationLimitsOverride = {
        allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = "x" } } } } }
      assert(cerr)
    end
    round() -- warm: buffers a client keeps for reuse
    collectgarbage()
    collectgarbage()
    local before, c_before = collectgarbage("count"), core.live_allocations()
    for _ = 1, 2000 do round() end
    collectgarbage()
    collectgarbage()
    -- the Lua heap, and the C core's own blocks (a C leak never shows in the Lua heap)
    assert.is_true(collectgarbage("count") < before + 256)
    assert.are.equal(c_before, core.live_allocations())
  end)
end)
