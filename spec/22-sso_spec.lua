-- SSO (IAM Identity Center) profiles, as botocore resolves them: the AWS
-- CLI's cached token, GetRoleCredentials on the portal (a loopback stand-in).
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"
local H = require "helpers"

local write = H.write

describe("SSO profiles", function()
  local home, portal
  setup(function()
    home = assert(H.run("mktemp -d")):gsub("%s+$", "")
    assert(H.run("mkdir -p " .. home .. "/.aws/sso/cache"))
    portal = H.start_stub { nosig = true }
  end)
  teardown(function()
    H.run("rm -rf " .. home)
    portal:stop()
  end)
  before_each(function() portal:reset() end)

  local NOW = 1893456000 -- 2030-01-01

  local function cache(key, token)
    write(home .. "/.aws/sso/cache/" .. core.sha1_hex(key) .. ".json", assert(core.json_encode(token)))
  end

  local function client(config_text, profile, extra_env)
    write(home .. "/.aws/config", config_text)
    local env = { HOME = home, AWS_ENDPOINT_URL_SSO = portal.url }
    for k, v in pairs(extra_env or {}) do env[k] = v end
    return assert(cc.new { region = "us-east-1", profile = profile, env = env, max_attempts = 1,
      clock = function() return NOW end })
  end

  local SESSION_CONFIG = "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Campaigns\n"
    .. "[sso-session corp]\nsso_region = eu-west-1\nsso_start_url = https://corp.awsapps.com/start\n"

  local ROLE = { roleCredentials = { accessKeyId = "ASIASSO", secretAccessKey = "ssosecret", sessionToken = "ssotoken",
    expiration = (NOW + 3600) * 1000 } }

  it("reads the cached token of an sso_session and gets the role's credentials", function()
    cache("corp", { accessToken = "bearer-1", expiresAt = "2030-01-01T08:00:00Z", region = "eu-west-1" })
    portal:respond({ status = 200, body = assert(core.json_encode(ROLE)) })
    local c = client(SESSION_CONFIG, "dev")
    local req = assert(c:prepare("describe_campaign", { id = "c1" }))
    assert.matches("Credential=ASIASSO/", req.headers.Authorization, 1, true)
    assert.are.equal("ssotoken", req.headers["X-Amz-Security-Token"])
    local got = portal:last()
    assert.are.equal("GET", got.method)
    assert.are.equal("/federation/credentials", got.path)
    assert.are.equal("account_id=111122223333&role_name=Campaigns", got.query)
    assert.are.equal("bearer-1", got.headers["x-amz-sso_bearer_token"])
    -- cached until shortly before they expire: no second fetch
    assert(c:prepare("describe_campaign", { id = "c2" }))
    assert.are.equal(1, #portal:requests())
  end)

  it("supports the legacy sso_start_url profile, keyed by the start URL", function()
    cache("https://legacy.awsapps.com/start", { accessToken = "bearer-2", expiresAt = "2030-01-01T08:00:00Z" })
    portal:respond({ status = 200, body = assert(core.json_encode(ROLE)) })
    local c = client("[profile old]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\n"
      .. "sso_account_id = 111122223333\nsso_role_name = Campaigns\n", "old")
    assert(c:prepare("describe_campaign", { id = "c1" }))
    assert.are.equal("bearer-2", portal:last().headers["x-amz-sso_bearer_token"])
  end)

  it("says to run aws sso login when the token expired or is missing, never quoting it", function()
    cache("corp", { accessToken = "bearer-old", expiresAt = "2029-12-31T00:00:00Z" })
    local c = client(SESSION_CONFIG, "dev")
    local out, err = c:describe_campaign { id = "c1" }
    assert.is_nil(out)
    assert.are.equal("CredentialsError", err.code)
    assert.matches("expired at 2029%-12%-31T00:00:00Z: run `aws sso login %-%-profile dev`", err.message)
    assert.matches("does not refresh it through SSO%-OIDC", err.message)
    assert.is_nil(err.message:find("bearer-old", 1, true))
    assert.are.equal(0, #portal:requests())
    os.remove(home .. "/.aws/sso/cache/" .. core.sha1_hex("corp") .. ".json")
    out, err = c:describe_campaign { id = "c1" }
    assert.is_nil(out)
    assert.matches("no SSO token cached for profile dev", err.message)
  end)

  it("names what an SSO profile lacks, and a refused token", function()
    local c = client("[profile dev]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = R\n", "dev")
    local _, err = c:describe_campaign { id = "c1" }
    assert.matches("has no %[sso%-session nowhere%] section", err.message)
    c = client("[profile dev]\nsso_session = corp\nsso_role_name = R\n[sso-session corp]\nsso_region = eu-west-1\n"
      .. "sso_start_url = https://corp.awsapps.com/start\n", "dev")
    _, err = c:describe_campaign { id = "c1" }
    assert.matches("has no sso_account_id", err.message)
    cache("corp", { accessToken = "bearer-1", expiresAt = "2030-01-01T08:00:00Z" })
    portal:respond({ status = 401, body = '{"message": "Session token not found or invalid"}' })
    c = client(SESSION_CONFIG, "dev")
    _, err = c:describe_campaign { id = "c1" }
    assert.matches("refused the cached token %(HTTP 401%)", err.message)
  end)

  it("takes the portal endpoint from the profile's services section", function()
    cache("corp", { accessToken = "bearer-1", expiresAt = "2030-01-01T08:00:00Z" })
    portal:respond({ status = 200, body = assert(core.json_encode(ROLE)) })
    write(home .. "/.aws/config", SESSION_CONFIG:gsub("sso_role_name = Campaigns\n",
      "sso_role_name = Campaigns\nservices = local\n") .. "[services local]\nsso =\n  endpoint_url = " .. portal.url .. "\n")
    local c = assert(cc.new { region = "us-east-1", profile = "dev", env = { HOME = home }, max_attempts = 1,
      clock = function() return NOW end })
    assert(c:prepare("describe_campaign", { id = "c1" }))
    assert.are.equal(1, #portal:requests())
  end)
end)
