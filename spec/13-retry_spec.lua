-- Retries, the retry quota, backoff, adaptive mode and the logger, against
-- the emulator's fault injection. Sleeps go through the `sleep` hook: no
-- real waiting unless a case needs the server to catch up.
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"
local H = require "helpers"

describe("retries", function()
  local emu
  setup(function() emu = H.start_emulator("--seed 7") end)
  teardown(function() if emu then emu.stop() end end)
  before_each(function() emu.control("reset", {}) end)

  -- A client whose sleeps are recorded, not slept.
  local function client(extra)
    local slept = {}
    local opts = { max_attempts = 3, sleep = function(s) slept[#slept + 1] = s end }
    for k, v in pairs(extra or {}) do opts[k] = v end
    return emu.client(opts), slept
  end

  local function faults(seq) emu.control("faults", { sequence = seq }) end

  it("retries a 429 and succeeds on the second attempt", function()
    local c, slept = client { random = function() return 0.5 end }
    faults { "throttle" }
    local out, err = c:list_campaigns {}
    assert.is_nil(err)
    assert.is_table(out)
    assert.are.same({ 0.5 }, slept)
  end)

  for _, case in ipairs {
    { "500", "error500", "InternalServerException" },
    { "503", "error503", "ServiceUnavailableException" },
    { "a dropped connection", "drop", "NetworkError" },
  } do
    it("retries " .. case[1] .. " and gives up after max_attempts, counting them", function()
      local c, slept = client()
      faults { case[2], case[2], case[2] }
      local out, err = c:list_campaigns {}
      assert.is_nil(out)
      assert.are.equal(case[3], err.code)
      assert.are.equal(3, err.attempts)
      assert.are.equal(2, #slept)
      faults { case[2], case[2] }
      assert(c:list_campaigns {}) -- third attempt answers
    end)
  end

  it("retries a timeout", function()
    -- the emulator answers one request at a time: the retry waits for it to be free
    local c = emu.client { max_attempts = 3, timeout = 0.5, sleep = core.sleep, random = function() return 1 end }
    faults { "delay:1" } -- busy until t=1; the retry comes at t=1.5 (0.5 s timeout + 1 s backoff)
    local out, err = c:list_campaigns {}
    assert.is_nil(err)
    assert.is_table(out)
    c:close()
  end)

  it("never retries other 4xx answers", function()
    local c, slept = client()
    local created = assert(c:create_campaign { name = "r", connectInstanceId = "i" })
    local _, e400 = c:update_campaign_communication_limits { id = created.id, communicationLimitsOverride = {
      allChannelSubtypes = { communicationLimitsList = { { maxCountPerRecipient = 1, frequency = 1, unit = "YEAR" } } } } }
    local _, e404 = c:describe_campaign { id = "missing" }
    local _, e409 = c:pause_campaign { id = created.id }
    assert.are.same({ 400, 404, 409 }, { e400.status, e404.status, e409.status })
    assert.are.same({ 1, 1, 1 }, { e400.attempts, e404.attempts, e409.attempts })
    assert.are.equal(0, #slept)
  end)

  it("does not retry what was refused before sending", function()
    local c, slept = client()
    local _, err = c:describe_campaign { id = "" }
    assert.are.equal("ParamValidationError", err.code)
    assert.are.equal(0, err.attempts)
    assert.are.equal(0, #slept)
  end)

  it("stops retrying when the retry quota runs dry", function()
    emu.control("faults", { throttle_rate = 1 })
    local c = client()
    local attempts = {}
    for i = 1, 52 do
      local _, err = c:list_campaigns {}
      attempts[i] = err.attempts
    end
    -- 500 tokens, 5 per retry: 50 calls retried twice, then no more retries
    assert.are.equal(3, attempts[50])
    assert.are.equal(1, attempts[51])
    assert.are.equal(1, attempts[52])
    emu.control("faults", { throttle_rate = 0 })
    -- successes refund the quota: retries come back
    for _ = 1, 10 do assert(c:list_campaigns {}) end
    faults { "throttle" }
    assert(c:list_campaigns {})
  end)

  it("is settled while a success would change nothing, and a call then skips its hooks", function()
    local retry = require "connectcampaigns.retry"
    local p = retry.new { max_attempts = 3 }
    assert.is_true(p.settled)
    assert.is_true((p:after_failure({ retryable = true, code = "ThrottlingException" }, 1)))
    assert.is_false(p.settled) -- 495 tokens
    for _ = 1, 4 do p:after_success(0) end
    assert.is_false(p.settled) -- 499
    p:after_success(0)
    assert.is_true(p.settled) -- 500 again
    assert.is_false((p:after_failure({ retryable = false }, 1)))
    assert.is_true(p.settled) -- nothing taken
    local adaptive = retry.new { mode = "adaptive", clock = function() return 0 end, sleep = function() end }
    assert.is_false(adaptive.settled) -- its rate limiter hears of every attempt
    adaptive:after_success(0)
    assert.is_false(adaptive.settled)
  end)

  it("backs off random() * min(2^(attempt-1), 20) seconds", function()
    emu.control("faults", { throttle_rate = 1 })
    local c, slept = client { max_attempts = 8, random = function() return 1 end }
    local _, err = c:list_campaigns {}
    assert.are.equal(8, err.attempts)
    assert.are.same({ 1, 2, 4, 8, 16, 20, 20 }, slept)
    local c0, slept0 = client { max_attempts = 3, random = function() return 0 end }
    c0:list_campaigns {}
    assert.are.same({ 0, 0 }, slept0)
  end)

  it("takes max_attempts from AWS_MAX_ATTEMPTS and the profile", function()
    emu.control("faults", { throttle_rate = 1 })
    local dir = assert(H.run("mktemp -d")):gsub("%s+$", "")
    local f = assert(io.open(dir .. "/config", "wb"))
    f:write("[default]\nmax_attempts = 4\nretry_mode = standard\n")
    f:close()
    local base = { AWS_CONFIG_FILE = dir .. "/config", AWS_SHARED_CREDENTIALS_FILE = dir .. "/none" }
    local function attempts(env)
      local c = cc.new { region = "us-east-1", endpoint = emu.url, env = env, sleep = function() end,
        credentials = { access_key_id = "test", secret_access_key = "test" } }
      local _, err = c:list_campaigns {}
      return err.attempts
    end
    assert.are.equal(4, attempts(base))
    base.AWS_MAX_ATTEMPTS = "2"
    assert.are.equal(2, attempts(base))
    base.AWS_MAX_ATTEMPTS = nil
    base.AWS_CONFIG_FILE = dir .. "/none"
    assert.are.equal(3, attempts(base)) -- the default
    H.run("rm -rf " .. dir)
  end)

  it("adds the client-side rate limiter in adaptive mode", function()
    emu.control("faults", { throttle_rate = 1 })
    local lines = {}
    local logger = function(_, _, fields) lines[#lines + 1] = fields end
    local c = client { retry_mode = "adaptive", max_attempts = 4, logger = logger }
    for _ = 1, 3 do c:list_campaigns {} end
    local limited = 0
    for _, f in ipairs(lines) do
      if f.rate_limited then limited = limited + 1 end
    end
    assert.is_true(limited > 0, "the limiter never waited")
    lines = {}
    local s = client { retry_mode = "standard", max_attempts = 4, logger = logger }
    for _ = 1, 3 do s:list_campaigns {} end
    for _, f in ipairs(lines) do assert.is_nil(f.rate_limited) end
    local _, err = cc.new { region = "us-east-1", retry_mode = "turbo" }
    assert.matches("retry_mode must be standard or adaptive", err.message, 1, true)
  end)

  it("lets a 100-call script finish when half the requests are throttled", function()
    emu.control("faults", { throttle_rate = 0.5 })
    local c = client { max_attempts = 10 }
    local created = assert(c:create_campaign { name = "busy", connectInstanceId = "i" })
    for i = 1, 99 do
      local out, err = c:get_campaign_state { id = created.id }
      assert(out, "call " .. i .. ": " .. tostring(err))
    end
    local log = emu.control("faults")
    assert.are.equal(0.5, log.throttle_rate)
  end)
end)

describe("the logger", function()
  local emu
  setup(function() emu = H.start_emulator() end)
  teardown(function() if emu then emu.stop() end end)
  before_each(function() emu.control("reset", {}) end)

  local SECRET, TOKEN = "test", "SESSIONTOKEN-must-not-leak"

  local function dump(v, out)
    out = out or {}
    if type(v) == "table" then
      for k, x in pairs(v) do
        out[#out + 1] = tostring(k)
        dump(x, out)
      end
    else
      out[#out + 1] = tostring(v)
    end
    return out
  end

  it("gets one line per attempt, with the decision, and no secret", function()
    emu.control("faults", { sequence = { "throttle", "error503" } })
    local lines = {}
    local c = emu.client { max_attempts = 3, sleep = function() end, random = function() return 0.25 end,
      credentials = { access_key_id = "test", secret_access_key = SECRET, session_token = TOKEN },
      logger = function(level, msg, fields) lines[#lines + 1] = { level, msg, fields } end }
    assert(c:list_campaigns { maxResults = 5 })
    assert.are.equal(3, #lines)
    assert.are.equal("warn", lines[1][1])
    assert.matches("^ListCampaigns attempt 1: ThrottlingException %(HTTP 429%) in [%d.]+ s; retrying in 0.250 s$", lines[1][2])
    assert.matches("^ListCampaigns attempt 2: ServiceUnavailableException %(HTTP 503%)", lines[2][2])
    assert.are.equal("info", lines[3][1])
    assert.matches("^ListCampaigns attempt 3: HTTP 200 in [%d.]+ s$", lines[3][2])
    local f = lines[1][3]
    assert.are.equal("ListCampaigns", f.operation)
    assert.are.equal(1, f.attempt)
    assert.are.equal(429, f.status)
    assert.is_true(f.retry)
    assert.are.equal("retryable", f.decision)
    assert.are.equal(0.25, f.delay)
    assert.is_number(f.duration)
    assert.are.equal("***", f.headers.Authorization)
    assert.are.equal("***", f.headers["X-Amz-Security-Token"])
    for _, line in ipairs(lines) do
      for _, s in ipairs(dump(line)) do
        assert.is_nil(s:find(TOKEN, 1, true), "token in the log")
        assert.is_nil(s:find("Signature=", 1, true), "signature in the log")
        assert.is_nil(s:find("secret_access_key", 1, true))
      end
    end
  end)

  it("redacts the members the model marks sensitive", function()
    local lines = {}
    local c = emu.client { logger = function(_, _, fields) lines[#lines + 1] = fields end }
    local created = assert(c:create_campaign { name = "s", connectInstanceId = "i", channelSubtypeConfig = {
      telephony = { outboundMode = { agentless = {} }, defaultOutboundConfig = { connectContactFlowId = "f" } } } })
    assert(c:start_campaign { id = created.id })
    lines = {}
    assert(c:put_outbound_request_batch { id = created.id, outboundRequests = { { clientToken = "t",
      expirationTime = os.time() + 60, channelSubtypeParameters = { telephony = {
        destinationPhoneNumber = "+15550123", attributes = { ssn = "123-45-6789" } } } } } })
    local p = lines[1].params
    assert.are.equal(created.id, p.id)
    assert.are.equal("t", p.outboundRequests[1].clientToken)
    local tel = p.outboundRequests[1].channelSubtypeParameters.telephony
    assert.are.equal("***", tel.destinationPhoneNumber)
    assert.are.equal("***", tel.attributes)
    for _, s in ipairs(dump(lines)) do
      assert.is_nil(s:find("+15550123", 1, true))
      assert.is_nil(s:find("123-45-6789", 1, true))
    end
  end)

  it("survives a logger that raises", function()
    local c = emu.client { logger = function() error("logger broke") end }
    assert(c:list_campaigns {})
  end)
end)
