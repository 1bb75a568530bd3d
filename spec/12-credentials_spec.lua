-- The credential chain against loopback stand-ins for STS, the container
-- endpoint and instance metadata. The environment is given as a table, so
-- nothing here depends on (or reaches) the machine's own configuration.
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"
local H = require "helpers"

local function tmpdir()
  local d = assert(H.run("mktemp -d")):gsub("%s+$", "")
  return d
end

local function write(path, text, mode)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  if mode then os.execute("chmod " .. mode .. " '" .. path .. "'") end
  return path
end

local function sts_xml(action, id, secret, token, expiration)
  return string.format([[<%sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <%sResult><Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>
  <SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials></%sResult>
  <ResponseMetadata><RequestId>sts-1</RequestId></ResponseMetadata></%sResponse>]],
    action, action, id, secret, token, expiration, action, action)
end

-- A client over a recording transport for the service itself: what it
-- signs with shows in the Authorization header. Credential sources use
-- their own libcurl handles against the stand-ins.
local function client_with(env, extra)
  local seen = {}
  local opts = { region = "us-east-1", env = env, max_attempts = 1, endpoint = "https://campaigns.test" }
  for k, v in pairs(extra or {}) do opts[k] = v end
  local c, err = cc.new(opts)
  if not c then return nil, err end
  -- the service calls go through prepare(): nothing is sent to campaigns.test
  return c, seen
end

local function key_used(c)
  local req, err = c:prepare("ListCampaigns", {})
  if not req then return nil, err end
  return req.headers.Authorization:match("Credential=([^/]+)/"), req.headers["X-Amz-Security-Token"]
end

describe("credentials", function()
  local dir
  setup(function() dir = tmpdir() end)
  teardown(function() H.run("rm -rf '" .. dir .. "'") end)

  local function files(config_text, credentials_text)
    return {
      AWS_CONFIG_FILE = write(dir .. "/config", config_text or ""),
      AWS_SHARED_CREDENTIALS_FILE = write(dir .. "/credentials", credentials_text or ""),
      AWS_EC2_METADATA_DISABLED = "true",
    }
  end

  local function with(base, more)
    local t = {}
    for k, v in pairs(base) do t[k] = v end
    for k, v in pairs(more or {}) do t[k] = v end
    return t
  end

  it("prefers explicit credentials to everything", function()
    local env = with(files(), { AWS_ACCESS_KEY_ID = "AKIDENV", AWS_SECRET_ACCESS_KEY = "s" })
    local c = client_with(env, { credentials = { access_key_id = "AKIDEXPLICIT", secret_access_key = "s" } })
    assert.are.equal("AKIDEXPLICIT", key_used(c))
  end)

  it("holds credentials that never expire as lasting: a call reads them without a renewal check", function()
    local credentials = require "connectcampaigns.credentials"
    local chain = credentials.chain { explicit = { access_key_id = "AKIDEXPLICIT", secret_access_key = "s" },
      clock = function() return 0 end }
    assert.is_nil(chain.lasting) -- nothing resolved yet
    local creds = assert(chain:get())
    assert.are.equal(creds, chain.lasting)
    assert.are.equal("AKIDEXPLICIT", chain.lasting.access_key_id)
    -- (credentials that expire are never lasting: the credential_process and
    -- STS cases below renew them through the same call path)
  end)

  it("reads the environment, session token included", function()
    local env = with(files("[default]\nregion = eu-west-1\n", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n"),
      { AWS_ACCESS_KEY_ID = "AKIDENV", AWS_SECRET_ACCESS_KEY = "s", AWS_SESSION_TOKEN = "TOK" })
    local c = client_with(env)
    local id, token = key_used(c)
    assert.are.equal("AKIDENV", id)
    assert.are.equal("TOK", token)
  end)

  it("refuses half of a key pair in the environment", function()
    local c = client_with(with(files(), { AWS_ACCESS_KEY_ID = "AKIDENV" }))
    local _, err = key_used(c)
    assert.are.equal("CredentialsError", err.code)
    assert.matches("environment: AWS_SECRET_ACCESS_KEY is not set while the other is", err.message, 1, true)
  end)

  it("reads static keys of the chosen profile from both files", function()
    local env = files("[default]\n[profile dev]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = s\n",
      "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = s\naws_session_token = PRODTOK\n")
    assert.are.equal("AKIDCONFIG", key_used(client_with(with(env, { AWS_PROFILE = "dev" }))))
    local id, token = key_used(client_with(env, { profile = "prod" }))
    assert.are.equal("AKIDPROD", id)
    assert.are.equal("PRODTOK", token)
    local c, err = client_with(with(env, { AWS_PROFILE = "nope" }))
    assert.is_nil(c)
    assert.are.equal("InvalidConfiguration", err.code)
    assert.matches("profile nope is not in", err.message, 1, true)
  end)

  describe("credential_process", function()
    it("runs the command and reads its JSON, renewing before Expiration", function()
      local counter = dir .. "/runs"
      write(counter, "")
      local script = write(dir .. "/creds.sh", string.format([[#!/bin/sh
echo run >> '%s'
n=$(wc -l < '%s')
printf '{"Version": 1, "AccessKeyId": "AKIDPROC%%s", "SecretAccessKey": "procsecret", "SessionToken": "proctoken", "Expiration": "2030-01-01T00:00:00Z"}' "$n"
]], counter, counter), "+x")
      local now = 1893456000 - 3600 -- an hour before the Expiration
      local env = files("[profile p]\ncredential_process = " .. script .. "\n")
      local c = client_with(env, { profile = "p", clock = function() return now end })
      assert.are.equal("AKIDPROC1", key_used(c))
      assert.are.equal("AKIDPROC1", key_used(c)) -- cached
      now = 1893456000 - 600 -- inside the renewal window
      assert.are.equal("AKIDPROC2", key_used(c))
    end)

    it("names a failing process without quoting what it printed", function()
      local script = write(dir .. "/bad.sh", "#!/bin/sh\necho '{\"SecretAccessKey\": \"LEAKME\"}'\nexit 3\n", "+x")
      local c = client_with(files("[default]\ncredential_process = " .. script .. "\n"))
      local _, err = key_used(c)
      assert.are.equal("CredentialsError", err.code)
      assert.matches("credential_process exited with status 3", err.message, 1, true)
      assert.is_nil(err.message:find("LEAKME", 1, true))
    end)

    it("refuses a Version other than 1", function()
      local script = write(dir .. "/v2.sh", "#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\n", "+x")
      local _, err = key_used(client_with(files("[default]\ncredential_process = " .. script .. "\n")))
      assert.matches("Version 2, not 1", err.message, 1, true)
    end)
  end)

  describe("through STS", function()
    local sts
    setup(function() sts = H.start_stub { key_id = "AKIDSOURCE", secret = "sourcesecret" } end)
    teardown(function() sts:stop() end)
    before_each(function() sts:reset() end)

    it("assumes a profile's role with its source_profile's keys", function()
      sts:respond { status = 200, body = sts_xml("AssumeRole", "ASIAROLE", "rolesecret", "roletoken", "2099-01-01T00:00:00Z") }
      local env = with(files("[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = base\n"
        .. "role_session_name = sess-1\nexternal_id = ext-9\n",
        "[base]\naws_access_key_id = AKIDSOURCE\naws_secret_access_key = sourcesecret\n"),
        { AWS_ENDPOINT_URL_STS = sts.url })
      local id, token = key_used(client_with(env, { profile = "app" }))
      assert.are.equal("ASIAROLE", id)
      assert.are.equal("roletoken", token)
      local r = sts:last()
      assert.is_true(r.signature_ok, r.why)
      assert.are.equal("sts", r.service)
      assert.are.equal("POST", r.method)
      assert.are.equal("Action=AssumeRole&ExternalId=ext-9&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fapp"
        .. "&RoleSessionName=sess-1&Version=2011-06-15", r.body)
    end)

    it("follows a chain of roles", function()
      sts:respond({ status = 200, body = sts_xml("AssumeRole", "AKIDSOURCE", "sourcesecret", "t1", "2099-01-01T00:00:00Z") },
        { status = 200, body = sts_xml("AssumeRole", "ASIASECOND", "s2", "t2", "2099-01-01T00:00:00Z") })
      local env = with(files("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
        .. "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n",
        "[c]\naws_access_key_id = AKIDSOURCE\naws_secret_access_key = sourcesecret\n"), { AWS_ENDPOINT_URL_STS = sts.url })
      assert.are.equal("ASIASECOND", key_used(client_with(env, { profile = "a" })))
      local rs = sts:requests()
      assert.are.equal(2, #rs)
      assert.matches("role%%2Fb&", rs[1].body)
      assert.matches("role%%2Fa&", rs[2].body)
    end)

    it("rejects a loop of source profiles", function()
      local env = with(files("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
        .. "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n"), { AWS_ENDPOINT_URL_STS = sts.url })
      local _, err = key_used(client_with(env, { profile = "a" }))
      assert.are.equal("CredentialsError", err.code)
      assert.matches("(a loop)", err.message, 1, true)
      assert.are.equal(0, #sts:requests())
    end)

    it("takes the source from credential_source = Environment", function()
      sts:respond { status = 200, body = sts_xml("AssumeRole", "ASIAENVROLE", "s", "t", "2099-01-01T00:00:00Z") }
      local env = with(files("[default]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Environment\n"),
        { AWS_ENDPOINT_URL_STS = sts.url, AWS_ACCESS_KEY_ID = "AKIDSOURCE", AWS_SECRET_ACCESS_KEY = "sourcesecret" })
      -- without a profile option the environment's keys win the chain ...
      assert.are.equal("AKIDSOURCE", key_used(client_with(env)))
      assert.are.equal(0, #sts:requests())
      -- ... a profile named in the options outranks them, and they become its role's source
      assert.are.equal("ASIAENVROLE", key_used(client_with(env, { profile = "default" })))
      assert.is_true(sts:last().signature_ok)
    end)

    it("reports an STS error answer", function()
      sts:respond { status = 403, body = [[<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>
        <Message>not allowed</Message></Error><RequestId>r</RequestId></ErrorResponse>]] }
      local env = with(files("[default]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n",
        "[base]\naws_access_key_id = AKIDSOURCE\naws_secret_access_key = sourcesecret\n"), { AWS_ENDPOINT_URL_STS = sts.url })
      local _, err = key_used(client_with(env))
      assert.are.equal("CredentialsError", err.code)
      assert.matches("STS AssumeRole: AccessDenied: not allowed (HTTP 403)", err.message, 1, true)
      assert.is_nil(err.message:find("sourcesecret", 1, true))
    end)

    it("renews ahead of expiry, and keeps still-valid credentials when renewal fails", function()
      local now = 1900000000
      sts:respond({ status = 200, body = sts_xml("AssumeRole", "ASIAFIRST", "s", "t", "2030-03-17T18:46:40Z") }, -- now + 3600
        { status = 500, body = "<ErrorResponse><Error><Code>InternalFailure</Code><Message>down</Message></Error></ErrorResponse>" },
        { status = 200, body = sts_xml("AssumeRole", "ASIASECOND", "s", "t", "2030-03-17T19:46:40Z") })
      local env = with(files("[default]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n",
        "[base]\naws_access_key_id = AKIDSOURCE\naws_secret_access_key = sourcesecret\n"), { AWS_ENDPOINT_URL_STS = sts.url })
      local c = client_with(env, { clock = function() return now end })
      assert.are.equal("ASIAFIRST", key_used(c))
      now = now + 3600 - 300 -- five minutes left: renew, which fails
      assert.are.equal("ASIAFIRST", key_used(c))
      now = now + 60 -- renew again, which works
      assert.are.equal("ASIASECOND", key_used(c))
      assert.are.equal(3, #sts:requests())
    end)

    it("assumes a role with a web identity token, unsigned", function()
      local open_sts = H.start_stub { nosig = true }
      open_sts:respond { status = 200, body = sts_xml("AssumeRoleWithWebIdentity", "ASIAWEB", "s", "t", "2099-01-01T00:00:00Z") }
      local token = write(dir .. "/token", "eyJhbGciOi.web+token/=\n")
      local env = with(files(), { AWS_ENDPOINT_URL_STS = open_sts.url, AWS_WEB_IDENTITY_TOKEN_FILE = token,
        AWS_ROLE_ARN = "arn:aws:iam::1:role/irsa", AWS_ROLE_SESSION_NAME = "pod-1" })
      local id = key_used(client_with(env))
      local r = open_sts:last()
      open_sts:stop()
      assert.are.equal("ASIAWEB", id)
      assert.is_nil(r.headers.authorization)
      assert.are.equal("Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Firsa"
        .. "&RoleSessionName=pod-1&Version=2011-06-15&WebIdentityToken=eyJhbGciOi.web%2Btoken%2F%3D", r.body)
    end)
  end)

  describe("container and instance metadata", function()
    local standin
    setup(function() standin = H.start_stub { nosig = true } end)
    teardown(function() standin:stop() end)
    before_each(function() standin:reset() end)

    local CREDS_JSON = '{"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "cs", "Token": "ctok", '
      .. '"Expiration": "2099-01-01T00:00:00Z"}'

    it("reads the container endpoint with its authorization token", function()
      standin:respond { status = 200, body = CREDS_JSON }
      local env = with(files(), { AWS_CONTAINER_CREDENTIALS_FULL_URI = standin.url .. "/v2/credentials/abc",
        AWS_CONTAINER_AUTHORIZATION_TOKEN = "container-auth" })
      local id, token = key_used(client_with(env))
      assert.are.equal("ASIACONTAINER", id)
      assert.are.equal("ctok", token)
      local r = standin:last()
      assert.are.equal("/v2/credentials/abc", r.path)
      assert.are.equal("container-auth", r.headers.authorization)
    end)

    it("prefers the token file to the token", function()
      standin:respond { status = 200, body = CREDS_JSON }
      local env = with(files(), { AWS_CONTAINER_CREDENTIALS_FULL_URI = standin.url .. "/creds",
        AWS_CONTAINER_AUTHORIZATION_TOKEN = "old", AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = write(dir .. "/ctoken", "from-file\n") })
      assert.are.equal("ASIACONTAINER", key_used(client_with(env)))
      assert.are.equal("from-file", standin:last().headers.authorization)
    end)

    it("refuses a full URI that is plain http off loopback, sending nothing", function()
      local env = with(files(), { AWS_CONTAINER_CREDENTIALS_FULL_URI = "http://192.0.2.10/creds" })
      local _, err = key_used(client_with(env))
      assert.are.equal("CredentialsError", err.code)
      assert.matches("must be https, or http on loopback", err.message, 1, true)
      assert.are.equal(0, #standin:requests())
    end)

    it("reads IMDSv2: a token, the role, its credentials", function()
      standin:respond({ status = 200, body = "imds-token-1" }, { status = 200, body = "app-role\n" },
        { status = 200, body = '{"Code": "Success", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "is", "Token": "itok", '
          .. '"Expiration": "2099-01-01T00:00:00Z"}' })
      local env = with(files(), { AWS_EC2_METADATA_DISABLED = "false", AWS_EC2_METADATA_SERVICE_ENDPOINT = standin.url })
      assert.are.equal("ASIAIMDS", key_used(client_with(env)))
      local rs = standin:requests()
      assert.are.equal("PUT", rs[1].method)
      assert.are.equal("/latest/api/token", rs[1].path)
      assert.are.equal("21600", rs[1].headers["x-aws-ec2-metadata-token-ttl-seconds"])
      assert.are.equal("/latest/meta-data/iam/security-credentials/", rs[2].path)
      assert.are.equal("imds-token-1", rs[2].headers["x-aws-ec2-metadata-token"])
      assert.are.equal("/latest/meta-data/iam/security-credentials/app-role", rs[3].path)
    end)

    it("does not fall back to IMDSv1 when no token is given", function()
      standin:respond { status = 403, body = "" }
      local env = with(files(), { AWS_EC2_METADATA_DISABLED = "false", AWS_EC2_METADATA_SERVICE_ENDPOINT = standin.url })
      local _, err = key_used(client_with(env))
      assert.matches("instance metadata: instance metadata gave no session token (HTTP 403)", err.message, 1, true)
      assert.are.equal(1, #standin:requests())
    end)

    it("walks the chain in order: environment, profile, container, metadata", function()
      local cfg = files("", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n")
      local container = { AWS_CONTAINER_CREDENTIALS_FULL_URI = standin.url .. "/c" }
      local imds = { AWS_EC2_METADATA_DISABLED = "false", AWS_EC2_METADATA_SERVICE_ENDPOINT = standin.url }
      local envkeys = { AWS_ACCESS_KEY_ID = "AKIDENV", AWS_SECRET_ACCESS_KEY = "s" }
      assert.are.equal("AKIDENV", key_used(client_with(with(with(with(cfg, envkeys), container), imds))))
      assert.are.equal("AKIDPROFILE", key_used(client_with(with(with(cfg, container), imds))))
      standin:respond { status = 200, body = CREDS_JSON }
      assert.are.equal("ASIACONTAINER", key_used(client_with(with(with(files(), container), imds))))
      assert.are.equal(1, #standin:requests()) -- metadata was not asked
    end)

    it("names every source tried when none yields", function()
      local _, err = key_used(client_with(files()))
      assert.are.equal("CredentialsError", err.code)
      assert.are.equal("no credentials: environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; "
        .. "shared files (profile): the profile has no role_arn; web identity: AWS_WEB_IDENTITY_TOKEN_FILE and "
        .. "AWS_ROLE_ARN are not both set; shared files: no profile default in the shared files; container: "
        .. "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set; instance metadata: "
        .. "AWS_EC2_METADATA_DISABLED is true", err.message)
    end)
  end)
end)

describe("region and endpoint", function()
  local function new(env, opts)
    opts = opts or {}
    opts.env = env
    opts.credentials = opts.credentials or H.CREDS
    return cc.new(opts)
  end

  local dir
  setup(function() dir = tmpdir() end)
  teardown(function() H.run("rm -rf '" .. dir .. "'") end)

  local function cfg(text)
    return write(dir .. "/config", text)
  end

  it("takes the region from the option, AWS_REGION, AWS_DEFAULT_REGION, then the profile", function()
    local file = cfg("[default]\nregion = ap-south-1\n")
    local base = { AWS_CONFIG_FILE = file, AWS_SHARED_CREDENTIALS_FILE = dir .. "/none" }
    local function region(env, opts) return tostring(assert(new(env, opts))):match("%((.-),") end
    assert.are.equal("ca-central-1", region({ AWS_REGION = "eu-west-1", AWS_CONFIG_FILE = file }, { region = "ca-central-1" }))
    assert.are.equal("eu-west-1", region({ AWS_REGION = "eu-west-1", AWS_DEFAULT_REGION = "us-west-2", AWS_CONFIG_FILE = file }))
    assert.are.equal("us-west-2", region({ AWS_DEFAULT_REGION = "us-west-2", AWS_CONFIG_FILE = file }))
    assert.are.equal("ap-south-1", region(base))
    local c, err = new({ AWS_CONFIG_FILE = dir .. "/none" })
    assert.is_nil(c)
    assert.matches("no region", err.message)
  end)

  it("takes the endpoint from the option, the service variable, the global one, the profile, then the rules", function()
    local file = cfg("[default]\nregion = us-east-1\nendpoint_url = http://profile.test\nservices = local\n"
      .. "[services local]\nconnectcampaignsv2 =\n  endpoint_url = http://services.test\n"
      .. "[profile plain]\nregion = us-east-1\nendpoint_url = http://profile.test\n"
      .. "[profile fips]\nregion = us-west-2\nuse_fips_endpoint = true\n")
    local function endpoint(env, opts)
      env.AWS_CONFIG_FILE = file
      return tostring(assert(new(env, opts))):match(", (.-)%)$")
    end
    assert.are.equal("http://option.test", endpoint({ AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2 = "http://svc.test" },
      { endpoint = "http://option.test" }))
    assert.are.equal("http://svc.test", endpoint({ AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2 = "http://svc.test",
      AWS_ENDPOINT_URL = "http://global.test" }))
    assert.are.equal("http://global.test", endpoint({ AWS_ENDPOINT_URL = "http://global.test" }))
    assert.are.equal("http://services.test", endpoint({}))
    assert.are.equal("http://profile.test", endpoint({ AWS_PROFILE = "plain" }))
    assert.are.equal("https://connect-campaigns.us-east-1.amazonaws.com",
      endpoint({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = "true" }))
    assert.are.equal("https://connect-campaigns-fips.us-west-2.amazonaws.com", endpoint({ AWS_PROFILE = "fips" }))
    assert.are.equal("https://connect-campaigns.eu-west-1.api.aws",
      endpoint({ AWS_USE_DUALSTACK_ENDPOINT = "true", AWS_PROFILE = "fips" }, { region = "eu-west-1", use_fips = false }))
  end)

  describe("resolve_endpoint passes every official endpoint test", function()
    local f = assert(io.open("spec/fixtures/endpoint-tests-1.json", "rb"))
    local cases = assert(core.json_decode(f:read("*a"))).testCases
    f:close()
    for i, case in ipairs(cases) do
      local p = case.params or {}
      it(string.format("case %d: %s fips=%s dualstack=%s endpoint=%s", i, tostring(p.Region), tostring(p.UseFIPS),
        tostring(p.UseDualStack), tostring(p.Endpoint)), function()
        local url, err = cc.resolve_endpoint { region = p.Region, use_fips = p.UseFIPS, use_dualstack = p.UseDualStack,
          endpoint = p.Endpoint }
        if case.expect.endpoint then
          assert.are.equal(case.expect.endpoint.url, url, err and err.message)
        else
          assert.is_nil(url)
          assert.are.equal(case.expect.error, err.message)
        end
      end)
    end
  end)
end)
