-- Hostile credentials, answers and inputs: each case here was a defect once.
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"
local H = require "helpers"

local write = H.write

local function env_of(t)
  return function(name) return t[name] end
end

describe("header injection", function()
  local stub
  setup(function() stub = H.start_stub() end)
  teardown(function() stub:stop() end)
  before_each(function() stub:reset() end)

  local function assert_refused(opts, want)
    local base = { region = "us-east-1", endpoint = stub.url, max_attempts = 1, timeout = 5 }
    for k, v in pairs(opts) do base[k] = v end
    local c, cerr = cc.new(base)
    local out, err
    if c then
      out, err = c:describe_campaign { id = "c1" }
    else
      err = cerr
    end
    assert.is_nil(out)
    assert.matches(want, err.code)
    assert.matches("control character", err.message)
    assert.is_nil(tostring(err):find("X-Injected", 1, true), "the value must not be quoted")
    assert.are.equal(0, #stub:requests(), "nothing may reach the wire")
  end

  it("refuses a session token with CR/LF from the environment", function()
    assert_refused({ env = env_of { AWS_ACCESS_KEY_ID = "AKIDSTUB", AWS_SECRET_ACCESS_KEY = H.SECRET,
      AWS_SESSION_TOKEN = "tok\r\nX-Injected: yes" } }, "CredentialsError")
  end)

  it("refuses a key id with a line feed from a credentials file", function()
    local dir = os.tmpname()
    write(dir, "[default]\naws_access_key_id = AKID\naws_secret_access_key = s\naws_session_token = a\0b\n")
    assert_refused({ env = env_of { AWS_SHARED_CREDENTIALS_FILE = dir, AWS_CONFIG_FILE = dir .. ".none" } },
      "CredentialsError")
    os.remove(dir)
  end)

  it("refuses explicit credentials with control characters", function()
    assert_refused({ credentials = { access_key_id = "AKIDSTUB", secret_access_key = H.SECRET,
      session_token = "tok\nX-Injected: yes" } }, "InvalidConfiguration")
  end)

  it("refuses the container endpoint's token with CR/LF", function()
    local creds = H.start_stub { nosig = true }
    creds:respond({ status = 200, body = assert(core.json_encode {
      AccessKeyId = "AKIDSTUB", SecretAccessKey = H.SECRET, Token = "t\r\nX-Injected: yes" }) })
    assert_refused({ env = env_of { AWS_CONTAINER_CREDENTIALS_FULL_URI = creds.url .. "/creds",
      AWS_CONFIG_FILE = "/nonexistent", AWS_SHARED_CREDENTIALS_FILE = "/nonexistent" } }, "CredentialsError")
    creds:stop()
  end)

  it("checks every header centrally, for a user's transport too", function()
    local called = false
    local c = assert(cc.new { region = "us-east-1", credentials = H.CREDS, max_attempts = 1,
      transport = function() called = true return { status = 200, headers = {}, body = "{}" } end })
    -- a header that slipped past every other check still stops before the transport
    local ok, err = core.check_headers { ["X-Amz-Security-Token"] = "a\r\nX-Injected: yes" }
    assert.is_nil(ok)
    assert.are.equal("ParamValidationError", err.code)
    assert.matches("X%-Amz%-Security%-Token", err.message)
    assert.is_nil(err.message:find("Injected", 1, true))
    assert.is_nil((core.check_headers { ["Bad Name"] = "v" }))
    assert.is_true(core.check_headers { ["X-Ok"] = "tab\tis fine", N = 5 })
    assert.truthy(c:describe_campaign { id = "c1" })
    assert.is_true(called)
  end)

  it("takes as a header name exactly RFC 9110's token characters", function()
    local tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for b = 0, 255 do
      local c = string.char(b)
      local ok = core.check_headers { ["X" .. c .. "Y"] = "v" }
      assert.are.equal(tchar:find(c, 1, true) ~= nil, ok == true, "byte " .. b)
    end
  end)

  it("finds a control byte at any place of a header value", function()
    for at = 1, 20 do
      for _, b in ipairs { 0, 10, 13, 31, 127 } do
        local v = ("a"):rep(at - 1) .. string.char(b) .. ("z"):rep(9)
        assert.is_nil((core.check_headers { ["X-V"] = v }), "byte " .. b .. " at " .. at)
      end
      assert.is_true(core.check_headers { ["X-V"] = ("a"):rep(at - 1) .. "\t\128\255 ~" .. ("z"):rep(9) })
    end
  end)

  it("refuses a header line with a control character in libcurl's transport", function()
    local http = core.http { timeout = 5 }
    for _, v in ipairs { "a\r\nX-Injected: yes", "a\0b", "a\nb" } do
      local resp, err = http:request { method = "GET", url = stub.url .. "/x", headers = { ["X-A"] = v } }
      assert.is_nil(resp)
      assert.are.equal("ParamValidationError", err.code)
      assert.is_false(err.retryable)
    end
    assert.are.equal(0, #stub:requests())
    http:close()
  end)
end)

describe("answers over the caps", function()
  it("calls a 1 MB response header what it is, and does not retry it", function()
    local raw = H.start_raw("HTTP/1.1 200 OK\r\nX-Big: " .. string.rep("a", 1024 * 1024) .. "\r\nContent-Length: 2\r\n\r\n{}")
    local c = assert(cc.new { region = "us-east-1", endpoint = raw.url, credentials = H.CREDS, max_attempts = 3,
      timeout = 5, sleep = function() end })
    local out, err = c:describe_campaign { id = "c1" }
    assert.is_nil(out)
    assert.are.equal("NetworkError", err.code)
    assert.matches("response header too large", err.message)
    assert.is_false(err.retryable)
    assert.are.equal(1, raw.stop())
  end)

  it("does not download an answer over max_response again", function()
    local body = '{"x":"' .. string.rep("b", 300 * 1024) .. '"}'
    local raw = H.start_raw("HTTP/1.1 200 OK\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body)
    local c = assert(cc.new { region = "us-east-1", endpoint = raw.url, credentials = H.CREDS, max_attempts = 3,
      timeout = 5, max_response = 64 * 1024, sleep = function() end })
    local out, err = c:describe_campaign { id = "c1" }
    assert.is_nil(out)
    assert.matches("larger than", err.message)
    assert.is_false(err.retryable)
    assert.are.equal(1, raw.stop())
  end)

  it("gives back the memory of a large answer once it is read", function()
    local body = '{"x":"' .. string.rep("b", 2 * 1024 * 1024) .. '"}'
    local raw = H.start_raw("HTTP/1.1 200 OK\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body)
    local http = core.http { timeout = 5 }
    local resp = assert(http:request { method = "GET", url = raw.url .. "/", headers = {} })
    assert.are.equal(#body, #resp.body)
    assert.is_true(http:buffered() < 512 * 1024, "kept " .. http:buffered() .. " bytes")
    raw.stop()
    http:close()
  end)
end)

describe("bounded work on any input", function()
  local c = assert(cc.new { region = "us-east-1", credentials = H.CREDS, max_attempts = 1,
    transport = function() return { status = 200, headers = {}, body = "{}" } end })

  it("never walks the value of an unknown member (a self-referencing junk table)", function()
    local t = {}
    t[1] = t
    t[2] = t
    local ok, out, err = pcall(c.describe_campaign, c, { id = "c1", junk = t })
    assert.is_true(ok, "must not raise: " .. tostring(out))
    assert.is_nil(out)
    assert.are.equal("ParamValidationError", err.code)
    assert.matches('Unknown parameter in input: "junk"', err.message)
  end)

  local function dag(depth)
    local node = {}
    for _ = 1, depth do node = { node, node } end
    return node
  end

  it("stops a shared DAG where the model allows no table, and under json_encode", function()
    local ok, out, err = pcall(c.untag_resource, c, { arn = "arn:aws:connect-campaigns:us-east-1:1:campaign/c",
      tagKeys = dag(22) })
    assert.is_true(ok, tostring(out))
    assert.matches("Invalid type for parameter tagKeys%[%d%], type: table", err.message)
    local s, jerr = core.json_encode(dag(22))
    assert.is_nil(s)
    assert.are.equal("ParamValidationError", jerr.code)
    assert.matches("more values than one request may hold", jerr.message)
  end)

  it("counts the values a request holds, not the members its structures could hold", function()
    -- 120k items of one shared valid structure: 7 values an item (840k, under the bound of
    -- 2^20), where the structures have 13 members an item (1.56M)
    local item = { clientToken = "t", expirationTime = 1772355600,
      channelSubtypeParameters = { telephony = { destinationPhoneNumber = "+15550100", attributes = {} } } }
    local items = {}
    for i = 1, 120000 do items[i] = item end
    local _, err = core.build("PutOutboundRequestBatch", { outboundRequests = items })
    assert.are.equal("ParamValidationError", err.code)
    assert.are.equal('Missing required parameter in input: "id"', err.message)
  end)

  it("names a cycle with its path", function()
    local list = {}
    list[1] = { maxCountPerRecipient = 1, frequency = 1, unit = "DAY" }
    list[2] = list -- a list that holds itself
    local override = { allChannelSubtypes = { communicationLimitsList = list } }
    local _, err = c:update_campaign_communication_limits { id = "c", communicationLimitsOverride = override }
    assert.matches("communicationLimitsOverride.allChannelSubtypes.communicationLimitsList%[2%].*cycle", err.message)
  end)

  it("refuses nesting deeper than the model's deepest shape under json_encode", function()
    local deep = {}
    local node = deep
    for _ = 1, 200 do node[1] = {} node = node[1] end
    local s, err = core.json_encode(deep)
    assert.is_nil(s)
    assert.matches("deeper", err.message)
  end)
end)

describe("timeouts", function()
  it("refuses a timeout of 0 or less, which libcurl would read as none", function()
    for _, opts in ipairs { { timeout = 0 }, { timeout = -1 }, { connect_timeout = 0 }, { timeout = 0 / 0 },
      { timeout = math.huge }, { timeout = "5" } } do
      opts.region = "us-east-1"
      local c, err = cc.new(opts)
      assert.is_nil(c)
      assert.are.equal("InvalidConfiguration", err.code)
      assert.matches("> 0", err.message)
    end
  end)

  it("rounds a sub-millisecond timeout up to 1 ms instead of waiting forever", function()
    local socket = require "socket"
    local silent = assert(socket.bind("127.0.0.1", 0)) -- accepts into its backlog, never answers
    local _, port = silent:getsockname()
    local c = assert(cc.new { region = "us-east-1", endpoint = "http://127.0.0.1:" .. port, credentials = H.CREDS,
      timeout = 0.0004, max_attempts = 1 })
    local out, err = c:describe_campaign { id = "c1" }
    assert.is_nil(out)
    assert.are.equal("TimeoutError", err.code)
    silent:close()
  end)
end)

describe("shared config files", function()
  local config = require "connectcampaigns.config"

  it("reads `key =` as the empty string, which is unset, not a nested table", function()
    local s = config.parse_ini("[profile p]\ncredential_process =\nsource_profile =\naws_session_token =\nregion = eu-west-1\n")
    assert.are.equal("", s["profile p"].credential_process)
    local p = config.profile({ config = s, credentials = {} }, "p")
    assert.is_nil(p.credential_process)
    assert.is_nil(p.source_profile)
    assert.is_nil(p.aws_session_token)
    assert.are.equal("eu-west-1", p.region)
  end)

  it("sends no token and raises nothing for empty values in a real profile", function()
    local cfg, cred = os.tmpname(), os.tmpname()
    write(cfg, "[default]\nregion = us-east-1\ncredential_process =\n")
    write(cred, "[default]\naws_access_key_id = AKIDSTUB\naws_secret_access_key = s\naws_session_token =\n")
    local seen
    local c = assert(cc.new { env = env_of { AWS_CONFIG_FILE = cfg, AWS_SHARED_CREDENTIALS_FILE = cred },
      transport = function(req) seen = req.headers return { status = 200, headers = {}, body = "{}" } end })
    assert.truthy(c:describe_campaign { id = "c1" })
    assert.is_nil(seen["X-Amz-Security-Token"])
    write(cred, "[default]\nsource_profile =\nrole_arn =\ncredential_process =\n")
    c = assert(cc.new { env = env_of { AWS_CONFIG_FILE = cfg, AWS_SHARED_CREDENTIALS_FILE = cred } })
    local ok, out, err = pcall(c.describe_campaign, c, { id = "c1" })
    assert.is_true(ok, tostring(out))
    assert.are.equal("CredentialsError", err.code)
    os.remove(cfg)
    os.remove(cred)
  end)

  it("makes a sub-section only of a key followed by indented lines", function()
    local s = config.parse_ini("[services s]\nconnectcampaignsv2 =\n  endpoint_url = http://127.0.0.1:1\nother =\nx = 1\n")
    assert.are.equal("http://127.0.0.1:1", s["services s"].connectcampaignsv2.endpoint_url)
    assert.are.equal("", s["services s"].other)
    assert.are.equal("1", s["services s"].x)
  end)

  it("reads comments, CRLF, a BOM and duplicate sections", function()
    local s = config.parse_ini("\239\187\191# top\r\n[default]\r\n; note\r\nregion = a\r\n# region = b\r\n"
      .. "[default]\r\noutput = json\r\nregion = c\r\n")
    assert.are.same({ region = "c", output = "json" }, s.default)
  end)

  it("trims in linear time: long runs of spaces in a line take no longer than any text", function()
    assert.are.equal("a b", config.trim(" \t a b \r\n"))
    assert.are.equal("", config.trim(" \t "))
    assert.are.equal("", config.trim(""))
    assert.are.equal("x", config.trim("x"))
    assert.are.equal(" tok en", config.rtrim(" tok en \n\t"))
    assert.are.equal("", config.rtrim("  "))
    -- each line below took minutes with the lazy patterns (`^%s*(.-)%s*$`
    -- and kin retry at every length of a run: quadratic); a bound a
    -- thousand times what the linear reading needs, not a benchmark
    local run = string.rep(" ", 200000)
    local started = os.clock()
    local s = config.parse_ini("[profile a" .. run .. "b]\nregion = x" .. run .. "y" .. run .. "\nkey" .. run .. "part\n"
      .. "[" .. run .. "default" .. run .. "]\noutput" .. run .. "=" .. run .. "json\n")
    assert.are.equal("x" .. run .. "y", s["profile a" .. run .. "b"].region)
    assert.are.same({ output = "json" }, s.default)
    assert.are.equal("tok", config.rtrim("tok" .. run .. "\n"))
    assert.are.equal("", config.rtrim(run))
    assert.are.equal("", config.trim(run))
    assert.is_true(os.clock() - started < 5, string.format("took %.1f s", os.clock() - started))
  end)

  it("survives a binary file and refuses a huge one", function()
    local bytes = {}
    for i = 0, 4095 do bytes[#bytes + 1] = string.char((i * 7919) % 256) end
    local ok, s = pcall(config.parse_ini, table.concat(bytes))
    assert.is_true(ok)
    assert.are.equal("table", type(s))
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    local chunk = string.rep("[s]\nk = v\n", 1000)
    for _ = 1, 500 do f:write(chunk) end -- 5 MB
    f:close()
    local text, err = config.read_file(path)
    assert.is_nil(text)
    assert.matches("larger than", err)
    os.remove(path)
  end)
end)

describe("credential_process without a shell", function()
  local credentials = require "connectcampaigns.credentials"
  local dir

  setup(function()
    dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p '" .. dir .. "'"))
  end)
  teardown(function() os.execute("rm -rf '" .. dir .. "'") end)

  local function script(name, body)
    local path = dir .. "/" .. name
    write(path, "#!/bin/sh\n" .. body)
    assert(os.execute("chmod +x '" .. path .. "'"))
    return path
  end

  local function client_for(line)
    local cfg = dir .. "/config"
    write(cfg, "[default]\nregion = us-east-1\ncredential_process = " .. line .. "\n")
    local seen = {}
    local c = assert(cc.new { env = env_of { AWS_CONFIG_FILE = cfg, AWS_SHARED_CREDENTIALS_FILE = dir .. "/none" },
      transport = function(req) seen.authz = req.headers.Authorization return { status = 200, headers = {}, body = "{}" } end })
    return c, seen
  end

  it("splits the line as shlex does", function()
    local cases = {
      { [[a b  c]], { "a", "b", "c" } },
      { [['a b' "c d" e\ f]], { "a b", "c d", "e f" } },
      { [["a \"q\" \$x \n" 'it''s']], { 'a "q" $x \\n', "its" } },
      { [[x;y $(z) `w`]], { "x;y", "$(z)", "`w`" } },
      { [[""]], { "" } },
    }
    for _, case in ipairs(cases) do
      assert.are.same(case[2], (credentials.split_command(case[1])), case[1])
    end
    assert.is_nil((credentials.split_command("'open")))
    assert.is_nil((credentials.split_command('"open')))
  end)

  it("never runs ;, $(...) or backticks", function()
    local marker = dir .. "/pwned"
    local echo = script("echo_args.sh", 'printf \'{"Version": 1, "AccessKeyId": "AKIDARGS%s", "SecretAccessKey": "s"}\' "$#"\n')
    for _, tail in ipairs { "; touch " .. marker, "$(touch " .. marker .. ")", "`touch " .. marker .. "`",
      "&& touch " .. marker, "| touch " .. marker } do
      local c, seen = client_for(echo .. " " .. tail)
      assert.truthy(c:describe_campaign { id = "c1" })
      assert.matches("AKIDARGS%d", seen.authz)
      assert.is_nil(io.open(marker, "rb"), "the shell ran: " .. tail)
    end
  end)

  it("passes arguments with spaces and quotes whole", function()
    local echo = script("first.sh", 'printf \'{"Version": 1, "AccessKeyId": "AKID%s", "SecretAccessKey": "s"}\' "$(printf %s "$1" | tr -c "A-Za-z" X)"\n')
    local c, seen = client_for(echo .. [[ "two words"]])
    assert.truthy(c:describe_campaign { id = "c1" })
    assert.matches("Credential=AKIDtwoXwords/", seen.authz, 1, true)
  end)

  it("names a missing program, a timeout, too much output and a signal", function()
    local c = client_for(dir .. "/does-not-exist")
    local _, err = c:describe_campaign { id = "c1" }
    assert.matches("credential_process could not be started", err.message)
    local big = script("big.sh", "head -c 3000000 /dev/zero 2>/dev/null\n")
    _, err = client_for(big):describe_campaign { id = "c1" }
    assert.matches("credential_process printed more than", err.message)
    local killed = script("killed.sh", "kill -9 $$\n")
    _, err = client_for(killed):describe_campaign { id = "c1" }
    assert.matches("killed by signal 9", err.message)
    local r, serr = core.spawn({ "sleep", "5" }, { timeout = 0.2 })
    assert.is_nil(r)
    assert.are.equal("TimeoutError", serr.code)
  end)
end)

describe("answers read by lengths", function()
  local function answer(body)
    local c = assert(cc.new { region = "us-east-1", credentials = H.CREDS, max_attempts = 1,
      transport = function() return { status = 200, headers = {}, body = body } end })
    return c:call("list_campaigns", {})
  end

  it("keeps U+0000 in strings and map keys, so keys never collide", function()
    local out = assert(answer('{"campaignSummaryList": [{"id": "a\\u0000b", "arn": "x", "name": "n\\u0000", '
      .. '"connectInstanceId": "i", "channelSubtypes": [], "tags": {"k\\u0000one": "1", "k\\u0000two": "2"}}]}'))
    local s = out.campaignSummaryList[1]
    assert.are.equal("a\0b", s.id)
    assert.are.equal("n\0", s.name)
    local decoded = assert(core.json_decode('{"k\\u0000one": 1, "k\\u0000two": 2, "s": "x\\u0000y"}'))
    assert.are.equal(1, decoded["k\0one"])
    assert.are.equal(2, decoded["k\0two"])
    assert.are.equal("x\0y", decoded.s)
  end)

  it("refuses trailing bytes and raw invalid UTF-8 as ResponseParseError", function()
    for _, body in ipairs { '{"campaignSummaryList": []} x', '{}{}', '{"nextToken": "\255"}',
      '{"nextToken": "\192\128"}', '{"nextToken": "a\1b"}', '{"a":1}\0' } do
      local out, err = answer(body)
      assert.is_nil(out, body)
      assert.are.equal("ResponseParseError", err.code)
    end
    assert.truthy(answer(' {"nextToken": "\226\130\172"} \r\n'))
  end)
end)
