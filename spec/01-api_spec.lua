local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"
local H = require "helpers"

-- A transport that records what it is given and answers with a canned reply.
local function recorder(reply)
  local seen = {}
  return seen, function(req)
    seen[#seen + 1] = req
    return reply or { status = 200, headers = {}, body = "{}" }
  end
end

-- A target whose host and user_agent come from a function: another string
-- (and other bytes) at every read, counted in reads.
local function answering_target(reads)
  return setmetatable({ signer = core.signer(), region = "us-east-1", service = "connect-campaigns",
    origin = "https://h.test", base_path = "" }, { __index = function(_, k)
      reads[k] = (reads[k] or 0) + 1
      if k == "host" then return "h" .. reads[k] .. ".test" end
      if k == "user_agent" then return "a-user-agent-longer-than-forty-bytes-read-" .. reads[k] end
    end })
end

describe("connectcampaigns", function()
  describe("the model", function()
    it("makes every one of the 37 operations a client method and a module function", function()
      local model = assert(core.json_decode(core.model_json()))
      local count = 0
      for name in pairs(model.operations) do
        count = count + 1
        local snake = name:gsub("(%l)(%u)", "%1_%2"):lower()
        assert.is_function(cc.Client[snake], snake)
        assert.is_function(cc[snake], snake)
      end
      assert.are.equal(37, count)
      assert.are.equal(37, #cc.operations)
    end)

    it("carries no documentation text", function()
      assert.is_nil(core.model_json():find('"documentation"', 1, true))
    end)
  end)

  describe("new", function()
    it("refuses a missing region with an error, not a raise", function()
      local saved = { os.getenv("AWS_REGION"), os.getenv("AWS_DEFAULT_REGION") }
      if saved[1] or saved[2] then return end -- the environment decides; nothing to check
      local c, err = cc.new { credentials = H.CREDS }
      assert.is_nil(c)
      assert.are.equal("InvalidConfiguration", err.code)
      assert.matches("no region", err.message)
    end)

    it("refuses bad options", function()
      local cases = {
        { { region = "us-east-1", endpoint = "ftp://x" }, "endpoint scheme must be http or https" },
        { { region = "us-east-1", endpoint = "http://u:p@host" }, "user information" },
        { { region = "us-east-1", credentials = { access_key_id = "A" } }, "secret_access_key" },
        { { region = "us-east-1", timeout = -1 }, "timeout" },
        { { region = "us-east-1", max_attempts = 0 }, "max_attempts" },
        { { region = "us-east-1", max_attempts = 2.5 }, "max_attempts" },
        { { region = "us-east-1", transport = "pigeon" }, 'transport must be "curl", "ngx" or a function' },
        { { region = "us east" }, "region" },
        { { region = "us-east-1", profile = 5 }, "profile must be a name" },
        { { region = "us-east-1", env = "AWS_REGION=x" }, "env must be a table or a function" },
        { { region = "us-east-1", retry_mode = "fast" }, "retry_mode must be standard or adaptive" },
        { { region = "us-east-1", logger = true }, "logger must be a function" },
      }
      for _, case in ipairs(cases) do
        local c, err = cc.new(case[1])
        assert.is_nil(c)
        assert.are.equal("InvalidConfiguration", err.code)
        assert.matches(case[2], err.message, 1, true)
      end
    end)

    it("raises only for a non-table argument", function()
      assert.has_error(function() cc.new("us-east-1") end,
        "bad argument #1 to 'new' (table expected, got string)")
    end)

    it("accepts max_attempts now (retries come later)", function()
      assert.is_not_nil(cc.new { region = "us-east-1", max_attempts = 3, credentials = H.CREDS })
    end)

    it("never shows credentials when printed or walked", function()
      local c = assert(cc.new { region = "eu-west-1", credentials = { access_key_id = "AKIDSHOW",
        secret_access_key = "SUPERSECRET", session_token = "TOKENTOKEN" } })
      local s = tostring(c)
      assert.matches("eu%-west%-1", s)
      assert.is_nil(s:find("SUPERSECRET", 1, true))
      for k, v in pairs(c) do
        assert.is_nil(tostring(v):find("SUPERSECRET", 1, true), k)
      end
      assert.is_nil(next(c))
    end)
  end)

  describe("calls", function()
    it("raise when a method is called without self", function()
      local c = H.client({ url = "http://127.0.0.1:9" })
      assert.has_error(function() c.describe_campaign { id = "x" } end,
        "bad self: call it as client:describe_campaign{...} (with a colon)")
    end)

    it("raise for a non-table argument", function()
      local c = H.client({ url = "http://127.0.0.1:9" })
      assert.has_error(function() c:describe_campaign("x") end,
        "bad argument #1 to 'describe_campaign' (table expected, got string)")
    end)

    it("raise for non-table parameters to call, prepare, pages and items, naming the argument", function()
      local c = H.client({ url = "http://127.0.0.1:9" })
      for _, name in ipairs { "call", "prepare", "pages", "items" } do
        assert.has_error(function() c[name](c, "list_campaigns", 5) end,
          "bad argument #2 to '" .. name .. "' (table expected, got number)")
      end
    end)

    it("take no parameters as none in call and prepare", function()
      local seen, transport = recorder()
      local c = H.client({ url = "http://127.0.0.1:9" }, { transport = transport })
      local req = assert(c:prepare("list_campaigns"))
      assert.are.equal("/v2/campaigns-summary", req.path)
      assert(c:call("list_campaigns"))
      assert.are.equal("/v2/campaigns-summary", seen[1].path)
    end)

    it("return an empty table for an operation with no output", function()
      local seen, transport = recorder()
      local c = H.client({ url = "http://127.0.0.1:9" }, { transport = transport })
      local out, err = c:delete_campaign { id = "c1" }
      assert.is_nil(err)
      assert.are.same({}, out)
      assert.are.equal("DELETE", seen[1].method)
    end)

    it("turn a raising transport into a NetworkError and stay usable", function()
      local calls = 0
      local c = H.client({ url = "http://127.0.0.1:9" }, { transport = function()
        calls = calls + 1
        if calls == 1 then error("boom") end
        return { status = 200, headers = {}, body = '{"state":"Running","id":"c"}' }
      end })
      local out, err = c:get_campaign_state { id = "c" }
      assert.is_nil(out)
      assert.are.equal("NetworkError", err.code)
      assert.matches("boom", err.message)
      out = assert(c:get_campaign_state { id = "c" })
      assert.are.equal("Running", out.state)
    end)

    it("pass a transport's own error code through", function()
      local c = H.client({ url = "http://127.0.0.1:9" }, { transport = function()
        return nil, { code = "TimeoutError", message = "too slow" }
      end })
      local _, err = c:get_campaign_state { id = "c" }
      assert.are.equal("TimeoutError", err.code)
      assert.is_true(err.retryable)
    end)

    it("return CredentialsError when none can be had", function()
      local seen, transport = recorder()
      local c = assert(cc.new { region = "us-east-1", transport = transport,
        env = { AWS_EC2_METADATA_DISABLED = "true", AWS_CONFIG_FILE = "/nonexistent", AWS_SHARED_CREDENTIALS_FILE = "/nonexistent" } })
      local out, err = c:describe_campaign { id = "c" }
      assert.is_nil(out)
      assert.are.equal("CredentialsError", err.code)
      assert.are.equal(0, #seen)
    end)

    it("prepare a signed request without sending it", function()
      local c = H.client({ url = "http://127.0.0.1:4566/base" }, { clock = function() return 1440938160 end })
      local req = assert(c:prepare("DescribeCampaign", { id = "a:b/c" }))
      assert.are.equal("GET", req.method)
      assert.are.equal("http://127.0.0.1:4566/base/v2/campaigns/a%3Ab%2Fc", req.url)
      assert.are.equal("127.0.0.1:4566", req.headers.Host)
      assert.are.equal("20150830T123600Z", req.headers["X-Amz-Date"])
      assert.matches("^AWS4%-HMAC%-SHA256 Credential=AKIDSTUB/20150830/us%-east%-1/connect%-campaigns/aws4_request, "
        .. "SignedHeaders=host;x%-amz%-date, Signature=%x+$", req.headers.Authorization)
      assert.matches("^connectcampaigns%-lua/" .. cc.VERSION:gsub("%.", "%%."), req.headers["User-Agent"])
    end)

    it("prepare in one C call what build, the added headers and sign give apart", function()
      local creds = { access_key_id = "AKIDSTUB", secret_access_key = "secret", session_token = "tok" }
      local target = { signer = core.signer(), region = "us-east-1", service = "connect-campaigns",
        origin = "https://h.test", host = "h.test", base_path = "/base", user_agent = "ua/1" }
      local date = "20150830T123600Z"
      local cases = {
        { "DescribeCampaign", { id = "a:b/c" } },
        { "CreateCampaign", { name = "n", connectInstanceId = "i", tags = { team = "growth" } } },
        { "StartInstanceOnboardingJob", { connectInstanceId = "i",
          encryptionConfig = { enabled = true, encryptionType = "KMS", keyArn = "arn:k" } } },
      }
      for _, case in ipairs(cases) do
        local req = assert(core.prepare(case[1], case[2], target, creds, date, "tok-1"))
        local built = assert(core.build(case[1], case[2], -1, "tok-1"))
        local headers = { Host = "h.test", ["X-Amz-Date"] = date, ["User-Agent"] = "ua/1",
          ["X-Amz-Security-Token"] = "tok", ["Content-Type"] = built.content_type }
        headers.Authorization = assert(core.signer():sign({ method = built.method, path = "/base" .. built.path,
          query = built.query, headers = headers, body = built.body }, creds, "us-east-1", "connect-campaigns", date))
        assert.are.same(headers, req.headers, case[1])
        assert.are.equal("https://h.test/base" .. built.path, req.url)
        assert.are.same({ case[1], built.method, "/base" .. built.path, built.query, built.body },
          { req.operation, req.method, req.path, req.query, req.body })
      end
      -- the clock's seconds (a number, or a numeric string from a user's clock)
      -- give the same request as the date written from them
      for _, seconds in ipairs { 1440938160, 1440938160.5, "1440938160" } do
        assert.are.same(core.prepare("DescribeCampaign", { id = "c" }, target, creds, date),
          core.prepare("DescribeCampaign", { id = "c" }, target, creds, seconds), tostring(seconds))
      end
      -- no date: the wall clock's, as core.now reads it
      local before = core.amz_date(core.now())
      local now = core.prepare("DescribeCampaign", { id = "c" }, target, creds).headers["X-Amz-Date"]
      assert.is_true(now == before or now == core.amz_date(core.now()), now)
      local _, err = core.prepare("DescribeCampaign", {}, target, creds, date)
      assert.are.equal("ParamValidationError", err.code)
      assert.are.equal("id", err.problems[1].path)
    end)

    it("prepare sends the Host and User-Agent it signed, even from a target that answers anew each read", function()
      local creds = { access_key_id = "AKIDSTUB", secret_access_key = "secret" }
      local target = answering_target({})
      local req = assert(core.prepare("DescribeCampaign", { id = "c" }, target, creds, "20150830T123600Z"))
      assert.are.equal("h1.test", req.headers.Host)
      assert.are.equal("a-user-agent-longer-than-forty-bytes-read-1", req.headers["User-Agent"])
      local headers = {}
      for k, v in pairs(req.headers) do if k ~= "Authorization" then headers[k] = v end end
      assert.are.equal(assert(core.signer():sign({ method = "GET", path = req.path, query = req.query,
        headers = headers, body = "" }, creds, "us-east-1", "connect-campaigns", "20150830T123600Z")),
        req.headers.Authorization)
      -- a plain target: the strings it holds, the same objects
      local plain = { signer = core.signer(), region = "us-east-1", service = "connect-campaigns",
        origin = "https://h.test", host = "h.test", base_path = "", user_agent = string.rep("u", 60) }
      req = assert(core.prepare("DescribeCampaign", { id = "c" }, plain, creds, "20150830T123600Z"))
      assert.are.equal(plain.host, req.headers.Host)
      assert.are.equal(plain.user_agent, req.headers["User-Agent"])
    end)

    it("prepare from a target read once by core.target: the same requests, from what was read then", function()
      local creds = { access_key_id = "AKIDSTUB", secret_access_key = "secret", session_token = "tok" }
      local date = "20150830T123600Z"
      local function fresh() -- strings made here, collected once nothing else holds them
        return { signer = core.signer(), region = "us-east-1", service = "connect-campaigns",
          origin = "https://" .. string.rep("h", 3) .. ".test", host = string.rep("h", 3) .. ".test",
          base_path = "/base", user_agent = string.rep("u", 60), min_compression = 10 }
      end
      local target = fresh()
      local compiled = core.target(fresh())
      collectgarbage()
      collectgarbage()
      for _, case in ipairs {
        { "DescribeCampaign", { id = "a:b/c" } },
        { "CreateCampaign", { name = "n", connectInstanceId = "i", tags = { team = "growth" } } },
        { "PutProfileOutboundRequestBatch", { id = "c", profileOutboundRequests = { { clientToken = "t",
          profileId = "p" } } } },
      } do
        assert.are.same(core.prepare(case[1], case[2], target, creds, date, "tok-1"),
          core.prepare(case[1], case[2], compiled, creds, date, "tok-1"), case[1])
      end
      -- each value read once: a later answer of a metamethod is not used
      local reads = {}
      compiled = core.target(answering_target(reads))
      for _ = 1, 3 do
        local req = assert(core.prepare("DescribeCampaign", { id = "c" }, compiled, creds, date))
        assert.are.equal("h1.test", req.headers.Host)
        assert.are.equal("a-user-agent-longer-than-forty-bytes-read-1", req.headers["User-Agent"])
        assert.are.same(core.prepare("DescribeCampaign", { id = "c" }, { signer = core.signer(), region = "us-east-1",
          service = "connect-campaigns", origin = "https://h.test", base_path = "", host = "h1.test",
          user_agent = "a-user-agent-longer-than-forty-bytes-read-1" }, creds, date).headers, req.headers)
      end
      assert.are.same({ host = 1, user_agent = 1 }, { host = reads.host, user_agent = reads.user_agent })
      -- a change to the table afterwards changes nothing
      target = fresh()
      compiled = core.target(target)
      target.host, target.region = "other.test", "eu-west-1"
      local req = assert(core.prepare("DescribeCampaign", { id = "c" }, compiled, creds, date))
      assert.are.equal("hhh.test", req.headers.Host)
      assert.matches("/us%-east%-1/", req.headers.Authorization)
      -- its signer closed: the call raises, as with the table
      target.signer:close()
      assert.has_error(function() core.prepare("DescribeCampaign", { id = "c" }, compiled, creds, date) end,
        "attempt to use a closed connectcampaigns.Signer")
      -- what is no target
      assert.has_error(function() core.target { signer = core.signer() } end,
        "bad argument #1 to 'target' (region, service, origin, host, base_path and user_agent are required)")
      assert.has_error(function() core.target(42) end)
      assert.has_error(function() core.target { signer = {}, region = "r" } end)
      assert.has_error(function() core.prepare("DescribeCampaign", { id = "c" }, core.signer(), creds, date) end)
    end)

    it("prepare adds an attempt's two id headers, unsigned, when asked", function()
      local creds = { access_key_id = "AKIDSTUB", secret_access_key = "secret" }
      local target = { signer = core.signer(), region = "us-east-1", service = "connect-campaigns",
        origin = "https://h.test", host = "h.test", base_path = "", user_agent = "ua/1" }
      local date = "20150830T123600Z"
      local bare = assert(core.prepare("DescribeCampaign", { id = "c" }, target, creds, date))
      assert.is_nil(bare.headers["amz-sdk-invocation-id"])
      assert.is_nil(bare.headers["amz-sdk-request"])
      local made = assert(core.prepare("DescribeCampaign", { id = "c" }, target, creds, date, nil, true, "attempt=1; max=3"))
      local again = assert(core.prepare("DescribeCampaign", { id = "c" }, target, creds, date, nil, true))
      local id = made.headers["amz-sdk-invocation-id"]
      assert.matches("^%x%x%x%x%x%x%x%x%-%x%x%x%x%-4%x%x%x%-[89ab]%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$", id)
      assert.are_not.equal(id, again.headers["amz-sdk-invocation-id"])
      assert.are.equal("attempt=1; max=3", made.headers["amz-sdk-request"])
      assert.is_nil(again.headers["amz-sdk-request"])
      local given = assert(core.prepare("DescribeCampaign", { id = "c" }, target, creds, date, nil, id, "attempt=2; max=3"))
      assert.are.equal(id, given.headers["amz-sdk-invocation-id"])
      assert.are.equal("attempt=2; max=3", given.headers["amz-sdk-request"])
      -- unsigned: the rest of the request is the one without them
      for _, req in ipairs { made, given } do
        req.headers["amz-sdk-invocation-id"], req.headers["amz-sdk-request"] = nil, nil
        assert.are.same(bare, req)
      end
      for _, bad in ipairs { { "x\r\nInjected: 1", nil }, { true, "attempt=1\nX: y" } } do
        local none, err = core.prepare("DescribeCampaign", { id = "c" }, target, creds, date, nil, bad[1], bad[2])
        assert.is_nil(none)
        assert.matches("amz%-sdk%-", err.message)
      end
    end)

    it("prepare refuses outside text that would split a header line, from a table target or a core.target", function()
      local creds = { access_key_id = "AKIDSTUB", secret_access_key = "secret" }
      local date = "20150830T123600Z"
      local function target(field, value)
        local t = { signer = core.signer(), region = "us-east-1", service = "connect-campaigns",
          origin = "https://h.test", host = "h.test", base_path = "", user_agent = "ua/1" }
        if field then t[field] = value end
        return t
      end
      local function refused(header, ...)
        local none, err = core.prepare("DescribeCampaign", { id = "c" }, ...)
        assert.is_nil(none, header)
        assert.are.equal("ParamValidationError", err.code)
        assert.matches("header " .. header:gsub("%-", "%%-") .. ": its value holds a control character", err.message)
        assert.is_nil(err.message:find("Injected", 1, true), "the value is not quoted")
      end
      for _, case in ipairs { { "host", "Host" }, { "user_agent", "User-Agent" }, { "region", "Authorization" },
        { "service", "Authorization" } } do
        local bad = target(case[1], "x\r\nInjected: 1")
        refused(case[2], bad, creds, date)
        local compiled = core.target(bad) -- found bad once, and refused by every call
        refused(case[2], compiled, creds, date)
        refused(case[2], compiled, creds, date)
      end
      local good = core.target(target())
      refused("Authorization", good, { access_key_id = "AKID\nInjected", secret_access_key = "secret" }, date)
      refused("X-Amz-Security-Token", good, { access_key_id = "AKIDSTUB", secret_access_key = "secret",
        session_token = "tok\r\nInjected: 1" }, date)
      refused("X-Amz-Date", good, creds, "20150830T12\r\nInj")
      -- the checks refuse, and a good call right after is whole
      local req = assert(core.prepare("DescribeCampaign", { id = "c" }, good, creds, date))
      assert.are.same(req, assert(core.prepare("DescribeCampaign", { id = "c" }, target(), creds, date)))
    end)

    it("tell in one call how a transport's answer can be read", function()
      assert.is_true(core.answer_form { status = 200, body = "", headers = { ["x-a"] = "1" } })
      for _, copied in ipairs {
        { status = 200, body = "", headers = { ["X-A"] = "1" } }, -- a name to lower-case
        { status = 200, headers = {} },                          -- no body
        { status = 200, body = "" },                             -- no headers
        { status = 200, body = "", headers = { [1] = "x" } },    -- a name that is no string
        { status = 200.5, body = "", headers = {} },             -- not a whole status
      } do
        assert.is_false(core.answer_form(copied))
      end
      if math.type then -- 5.3+: a float status is copied, to become an integer
        assert.is_false(core.answer_form { status = 200.0, body = "", headers = {} })
      end
      for _, bad in ipairs { "200", { status = "200" }, { body = "" } } do
        assert.is_nil(core.answer_form(bad))
      end
    end)

    it("read a transport's answer as given, never changing it, whatever the case of its header names", function()
      local function copy(t)
        local out = {}
        for k, v in pairs(t) do out[k] = type(v) == "table" and copy(v) or v end
        return out
      end
      local mixed = { status = 400, body = '{"message": "no"}',
        headers = { ["X-Amzn-RequestId"] = "rid-1", ["X-Amzn-ErrorType"] = "ValidationException" } }
      local plain = { status = 200, headers = { ["x-amzn-requestid"] = "rid-2" },
        body = '{"campaign": {"id": "c", "name": "n"}}' }
      local before = { copy(mixed), copy(plain) }
      for _ = 1, 2 do
        local _, err = H.client({ url = "http://127.0.0.1:9" }, { transport = function() return mixed end })
          :describe_campaign { id = "c" }
        assert.are.same({ "ValidationException", "no", "rid-1" }, { err.code, err.message, err.request_id })
        local out = assert(H.client({ url = "http://127.0.0.1:9" }, { transport = function() return plain end })
          :describe_campaign { id = "c" })
        assert.are.same({ id = "c", name = "n" }, out.campaign)
      end
      assert.are.same(before, { mixed, plain })
    end)

    it("fetch no credentials for a call whose parameters are refused", function()
      local seen, transport = recorder()
      local c = assert(cc.new { region = "us-east-1", transport = transport,
        env = { AWS_CONTAINER_CREDENTIALS_FULL_URI = "http://127.0.0.1:9/creds", AWS_CONFIG_FILE = "/nonexistent",
          AWS_SHARED_CREDENTIALS_FILE = "/nonexistent" } })
      local _, err = c:describe_campaign {}
      assert.are.equal("ParamValidationError", err.code)
      assert.are.equal(0, #seen)
      _, err = c:describe_campaign { id = "c" } -- valid: the container endpoint is asked, and answers nothing usable
      assert.are.equal("CredentialsError", err.code)
      assert.are.equal("http://127.0.0.1:9/creds", seen[1].url)
    end)

    it("send botocore's invocation id and attempt headers, unsigned, the id the same across retries", function()
      local seen = {}
      local c = H.client({ url = "http://127.0.0.1:9" }, { max_attempts = 3, sleep = function() end,
        transport = function(req)
          seen[#seen + 1] = req.headers
          if #seen < 3 then return { status = 503, headers = {}, body = "" } end
          return { status = 200, headers = {}, body = "{}" }
        end })
      assert(c:list_campaigns {})
      assert.are.equal(3, #seen)
      assert.matches("^%x%x%x%x%x%x%x%x%-%x%x%x%x%-4%x%x%x%-[89ab]%x%x%x%-%x+$", seen[1]["amz-sdk-invocation-id"])
      for i, h in ipairs(seen) do
        assert.are.equal(seen[1]["amz-sdk-invocation-id"], h["amz-sdk-invocation-id"])
        assert.are.equal("attempt=" .. i .. "; max=3", h["amz-sdk-request"])
        assert.is_nil(h.Authorization:find("amz-sdk", 1, true))
      end
      assert(c:list_campaigns {})
      assert.are_not.equal(seen[1]["amz-sdk-invocation-id"], seen[4]["amz-sdk-invocation-id"])
    end)

    it("sign the session token and send it", function()
      local seen, transport = recorder()
      local c = assert(cc.new { region = "us-east-1", transport = transport, credentials = {
        access_key_id = "AKID", secret_access_key = "S", session_token = "TOKEN" } })
      assert(c:list_campaigns {})
      assert.are.equal("TOKEN", seen[1].headers["X-Amz-Security-Token"])
      assert.matches("SignedHeaders=content%-type;host;x%-amz%-date;x%-amz%-security%-token,", seen[1].headers.Authorization)
    end)

    it("use the default endpoint of the region", function()
      if os.getenv("AWS_ENDPOINT_URL") or os.getenv("AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2") then return end
      local seen, transport = recorder()
      local c = assert(cc.new { region = "eu-west-2", transport = transport, credentials = H.CREDS })
      assert(c:list_campaigns {})
      assert.are.equal("https://connect-campaigns.eu-west-2.amazonaws.com/v2/campaigns-summary", seen[1].url)
      assert.are.equal("connect-campaigns.eu-west-2.amazonaws.com", seen[1].headers.Host)
    end)
  end)

  describe("module-level calls", function()
    it("use a default client built from the environment", function()
      if not (os.getenv("AWS_REGION") or os.getenv("AWS_DEFAULT_REGION")) then
        cc.reset_default_client()
        local out, err = cc.describe_campaign { id = "x" }
        assert.is_nil(out)
        assert.are.equal("InvalidConfiguration", err.code)
      end
      assert.has_error(function() cc.describe_campaign("x") end,
        "bad argument #1 to 'describe_campaign' (table expected, got string)")
    end)
  end)

  describe("errors", function()
    it("read as Code: message (HTTP status, request id)", function()
      local e = cc.Error and require("connectcampaigns.errors").new("ResourceNotFoundException", "no campaign c",
        { status = 404, request_id = "r-1" })
      assert.are.equal("ResourceNotFoundException: no campaign c (HTTP 404, request id r-1)", tostring(e))
      assert.is_false(e.retryable)
      assert.is_true(cc.is_error(e))
      local p = require("connectcampaigns.errors").new("ParamValidationError", "bad")
      assert.are.equal("ParamValidationError: bad", tostring(p))
    end)

    it("mark throttling and server errors retryable", function()
      local errors = require "connectcampaigns.errors"
      assert.is_true(errors.new("ThrottlingException", "slow down", { status = 429 }).retryable)
      assert.is_true(errors.new("InternalServerException", "oops", { status = 500 }).retryable)
      assert.is_true(errors.new("503", "", { status = 503 }).retryable)
      assert.is_false(errors.new("ConflictException", "", { status = 409 }).retryable)
      assert.is_false(errors.new("ParamValidationError", "").retryable)
    end)
  end)
end)
