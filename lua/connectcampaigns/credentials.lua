--- The credential chain, in botocore's order: explicit credentials, the
-- environment, a profile's role (AssumeRole), web identity
-- (AssumeRoleWithWebIdentity), SSO (the AWS CLI's cached token, then
-- GetRoleCredentials), the profile's static keys or `credential_process`, the container endpoint, EC2 instance metadata
-- (IMDSv2). The first source that yields wins; its credentials are cached and
-- renewed ahead of their expiry, and a failing renewal keeps using
-- credentials that are still valid.
--
-- Sources that are not configured are passed over; a configured source that
-- fails stops the chain. Either way the CredentialsError names every source
-- tried and why it gave nothing, never a secret.
-- @module connectcampaigns.credentials

local core = require "connectcampaigns.core"
local config = require "connectcampaigns.config"
local url = require "connectcampaigns.url"

local M = {}

local ADVISORY_REFRESH = 15 * 60 -- renew this long before expiry, as botocore
local STS_VERSION = "2011-06-15"

-- {====== Helpers ======

local function form_encode(params)
  local keys = {}
  for k in pairs(params) do keys[#keys + 1] = k end
  table.sort(keys)
  local out = {}
  for _, k in ipairs(keys) do
    local v = url.encode(tostring(params[k]))
    out[#out + 1] = k .. "=" .. v
  end
  return table.concat(out, "&")
end

local function expiration_of(text)
  if text == nil then return nil end
  return core.parse_iso8601(text)
end

-- The parsed URL of a credential source, or nil and why.
local function parse_url(text, what)
  local u, why = url.parse(text)
  if not u then return nil, what .. " is not a usable http(s) URL: " .. why end
  return u
end

-- A control character in a key or token would reach a header line (CR/LF
-- starts a new one): refused where credentials enter, naming the source and
-- the part, never the value.
local PARTS = { { "access_key_id", "access key id" }, { "secret_access_key", "secret access key" },
  { "session_token", "session token" } }

--- The first part of credentials that may not be sent: its field, its name
-- and what is wrong with it; nil when all are fine.
function M.bad_part(creds)
  for _, part in ipairs(PARTS) do
    local v = creds[part[1]]
    if v ~= nil and (type(v) ~= "string" or v:find("%c")) then
      return part[1], part[2], type(v) ~= "string" and "is not a string" or "holds a control character (CR, LF, NUL, ...)"
    end
  end
  return nil
end

local function check(creds)
  local _, name, why = M.bad_part(creds)
  if name then return nil, string.format("credentials from %s: the %s %s; refused", creds.source, name, why), true end
  return creds
end

local function result(id, secret, token, expiration, source)
  return check { access_key_id = id, secret_access_key = secret, session_token = token,
    expiration = expiration, source = source }
end

-- }======

-- {====== STS ======

local function sts_endpoint(ctx)
  local configured = ctx.getenv("AWS_ENDPOINT_URL_STS") or ctx.getenv("AWS_ENDPOINT_URL")
  if configured then return configured end
  local region = ctx.region or "us-east-1"
  return "https://sts." .. region .. ".amazonaws.com"
end

-- Calls an STS action; returns the Credentials element or nil, why.
local function sts(ctx, action, params, signing_creds)
  params.Action = action
  params.Version = STS_VERSION
  local u, why = parse_url(sts_endpoint(ctx), "the STS endpoint")
  if not u then return nil, why end
  if u.query then return nil, "the STS endpoint must not carry a query" end
  local base_path = u.path:gsub("/+$", "")
  local amz_date = core.amz_date(ctx.clock())
  local req = {
    method = "POST", url = u.origin .. base_path .. "/", path = base_path .. "/", query = "",
    body = form_encode(params),
    headers = { Host = u.host_header, ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8",
      ["X-Amz-Date"] = amz_date },
  }
  if signing_creds then
    if signing_creds.session_token then req.headers["X-Amz-Security-Token"] = signing_creds.session_token end
    local authz, err = ctx.signer:sign(req, signing_creds, ctx.region or "us-east-1", "sts", amz_date)
    if not authz then return nil, err.message end
    req.headers.Authorization = authz
  end
  local resp, err = ctx.fetch(req, "sts")
  if not resp then return nil, "STS " .. action .. ": " .. tostring(err and err.message or err) end
  local doc, xerr = core.xml_decode(resp.body or "")
  if not doc then
    return nil, string.format("STS %s: HTTP %s, the answer is not XML (%s)", action, tostring(resp.status), xerr.message)
  end
  if resp.status ~= 200 then
    local e = doc.ErrorResponse and doc.ErrorResponse.Error or {}
    return nil, string.format("STS %s: %s: %s (HTTP %d)", action, tostring(e.Code), tostring(e.Message), resp.status)
  end
  local root = doc[action .. "Response"]
  local creds = root and root[action .. "Result"] and root[action .. "Result"].Credentials
  if type(creds) ~= "table" or not creds.AccessKeyId or not creds.SecretAccessKey then
    return nil, "STS " .. action .. ": the answer has no credentials"
  end
  return result(creds.AccessKeyId, creds.SecretAccessKey, creds.SessionToken, expiration_of(creds.Expiration),
    "sts")
end

-- }======

-- {====== Sources ======

-- Each source: function(ctx) -> creds | nil, why, fatal. `fatal` marks a
-- source that is configured but failed: the chain stops there.

local function from_env(ctx)
  local id, secret = ctx.getenv("AWS_ACCESS_KEY_ID"), ctx.getenv("AWS_SECRET_ACCESS_KEY")
  if id and secret then return result(id, secret, ctx.getenv("AWS_SESSION_TOKEN"), nil, "environment") end
  if id or secret then
    return nil, (id and "AWS_SECRET_ACCESS_KEY" or "AWS_ACCESS_KEY_ID") .. " is not set while the other is", true
  end
  return nil, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"
end

local function web_identity(ctx, token_file, role_arn, session_name)
  local token, err = config.read_file(token_file)
  if not token then return nil, "cannot read the web identity token file: " .. tostring(err), true end
  local creds, why = sts(ctx, "AssumeRoleWithWebIdentity", {
    RoleArn = role_arn,
    RoleSessionName = session_name or ("connectcampaigns-" .. math.floor(ctx.clock())),
    WebIdentityToken = config.rtrim(token),
  })
  if not creds then return nil, why, true end
  creds.source = "web identity"
  return creds
end

local function from_web_identity_env(ctx)
  local file, role = ctx.getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), ctx.getenv("AWS_ROLE_ARN")
  if not (file and role) then return nil, "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set" end
  return web_identity(ctx, file, role, ctx.getenv("AWS_ROLE_SESSION_NAME"))
end

--- Splits a command line into words as a POSIX shell (and Python's
-- shlex.split, which botocore uses) does, without running anything: blanks
-- separate words, '...' is literal, "..." keeps \\ \" \$ \` escapes, and a
-- backslash outside quotes escapes the next character.
-- @treturn[1] table words
-- @treturn[2] nil
-- @treturn[2] string why
function M.split_command(line)
  local words, word, i, n = {}, nil, 1, #line
  while i <= n do
    local c = line:sub(i, i)
    if c:match("^[ \t\n]$") then
      if word then words[#words + 1] = word word = nil end
    elseif c == "'" then
      local close = line:find("'", i + 1, true)
      if not close then return nil, "an unclosed ' quote" end
      word = (word or "") .. line:sub(i + 1, close - 1)
      i = close
    elseif c == '"' then
      word = word or ""
      i = i + 1
      while true do
        if i > n then return nil, 'an unclosed " quote' end
        local d = line:sub(i, i)
        if d == '"' then break end
        if d == "\\" and line:sub(i + 1, i + 1):match('^[\\"$`\n]$') then
          i = i + 1
          d = line:sub(i, i)
        end
        word = word .. d
        i = i + 1
      end
    elseif c == "\\" then
      if i == n then return nil, "a backslash at the end" end
      i = i + 1
      word = (word or "") .. line:sub(i, i)
    else
      word = (word or "") .. c
    end
    i = i + 1
  end
  if word then words[#words + 1] = word end
  return words
end

local PROCESS_TIMEOUT, PROCESS_MAX_OUTPUT = 60, 1024 * 1024

-- Runs credential_process without a shell: `;`, `$(...)` and backticks are
-- plain characters of its arguments, never commands.
local function process(command)
  local argv, why = M.split_command(command)
  if not argv then return nil, "credential_process cannot be split into words: " .. why, true end
  if #argv == 0 then return nil, "credential_process is empty", true end
  local ran, err = core.spawn(argv, { timeout = PROCESS_TIMEOUT, max_output = PROCESS_MAX_OUTPUT })
  if not ran then
    local what = err.code == "TimeoutError" and ("ran longer than " .. PROCESS_TIMEOUT .. " s")
      or err.message
    return nil, "credential_process " .. what, true
  end
  if not ran.exited or ran.status ~= 0 then
    return nil, "credential_process " .. (ran.exited and "exited with status " or "was killed by signal ")
      .. ran.status, true
  end
  local out = ran.stdout
  local doc = core.json_decode(out or "")
  -- never quote the output: it holds the secret
  if type(doc) ~= "table" then return nil, "credential_process printed something that is not JSON", true end
  if doc.Version ~= 1 then return nil, "credential_process printed Version " .. tostring(doc.Version) .. ", not 1", true end
  if type(doc.AccessKeyId) ~= "string" or type(doc.SecretAccessKey) ~= "string" then
    return nil, "credential_process printed no AccessKeyId or SecretAccessKey", true
  end
  local expiration = expiration_of(doc.Expiration)
  if doc.Expiration and not expiration then
    return nil, "credential_process printed an Expiration that is not ISO-8601", true
  end
  return result(doc.AccessKeyId, doc.SecretAccessKey, doc.SessionToken, expiration, "credential_process")
end

-- {====== SSO (IAM Identity Center) ======

-- The portal endpoint: AWS_ENDPOINT_URL_SSO, the profile's services section,
-- AWS_ENDPOINT_URL, else portal.sso.<region>.amazonaws.com.
local function sso_endpoint(ctx, profile, sso_region)
  local services = config.services(ctx.files, profile)
  local configured = ctx.getenv("AWS_ENDPOINT_URL_SSO")
    or (services and type(services.sso) == "table" and services.sso.endpoint_url)
    or ctx.getenv("AWS_ENDPOINT_URL")
  return configured or ("https://portal.sso." .. sso_region .. ".amazonaws.com")
end

local function sso_login_hint(name)
  return "run `aws sso login --profile " .. name .. "` (this client reads the token the AWS CLI caches; "
    .. "it does not refresh it through SSO-OIDC)"
end

-- A profile's SSO settings, from its sso_session section or the legacy keys.
local function sso_settings(ctx, name, p)
  local s = { account = p.sso_account_id, role = p.sso_role_name }
  if p.sso_session then
    local session = ctx.files.config["sso-session " .. p.sso_session]
    if not session then return nil, "profile " .. name .. " names sso_session " .. p.sso_session
      .. ", which has no [sso-session " .. p.sso_session .. "] section" end
    s.region, s.start_url, s.cache_key = session.sso_region, session.sso_start_url, p.sso_session
    if p.sso_start_url and p.sso_start_url ~= s.start_url then
      return nil, "profile " .. name .. ": sso_start_url differs from its sso_session's"
    end
  else
    s.region, s.start_url, s.cache_key = p.sso_region, p.sso_start_url, p.sso_start_url
  end
  for _, k in ipairs { { "region", "sso_region" }, { "start_url", "sso_start_url" }, { "account", "sso_account_id" },
    { "role", "sso_role_name" } } do
    if not s[k[1]] then return nil, "profile " .. name .. " uses SSO but has no " .. k[2] end
  end
  return s
end

-- Credentials of an SSO profile: the AWS CLI's cached token, then
-- GetRoleCredentials on the portal (unsigned; the token is the bearer).
local function from_sso(ctx, name, p)
  local s, why = sso_settings(ctx, name, p)
  if not s then return nil, why, true end
  local home = ctx.getenv("HOME") or ctx.getenv("USERPROFILE") or "~"
  local path = home .. "/.aws/sso/cache/" .. core.sha1_hex(s.cache_key) .. ".json"
  local text = config.read_file(path)
  local token = text and core.json_decode(text)
  if type(token) ~= "table" or type(token.accessToken) ~= "string" then
    return nil, "no SSO token cached for profile " .. name .. " (" .. path .. "): " .. sso_login_hint(name), true
  end
  local expires = type(token.expiresAt) == "string" and core.parse_iso8601(token.expiresAt)
  if not expires or expires <= ctx.clock() then
    return nil, "the SSO token of profile " .. name .. " expired" .. (token.expiresAt and (" at " .. token.expiresAt) or "")
      .. ": " .. sso_login_hint(name), true
  end
  if token.accessToken:find("%c") then
    return nil, "the SSO token of profile " .. name .. " holds a control character; refused", true
  end
  local u, uerr = parse_url(sso_endpoint(ctx, p, s.region), "the SSO portal endpoint")
  if not u then return nil, uerr, true end
  local base = u.origin .. u.path:gsub("/+$", "")
  local resp, err = ctx.fetch({ method = "GET",
    url = base .. "/federation/credentials?account_id=" .. url.encode(s.account) .. "&role_name=" .. url.encode(s.role),
    headers = { Host = u.host_header, ["x-amz-sso_bearer_token"] = token.accessToken, Accept = "application/json" } }, "sso")
  if not resp then return nil, "SSO GetRoleCredentials: " .. tostring(err and err.message or err), true end
  local doc = core.json_decode(resp.body or "")
  if resp.status == 401 or resp.status == 403 then
    return nil, "SSO GetRoleCredentials refused the cached token (HTTP " .. resp.status .. "): " .. sso_login_hint(name), true
  end
  local rc = type(doc) == "table" and doc.roleCredentials
  if resp.status ~= 200 or type(rc) ~= "table" or not rc.accessKeyId then
    return nil, "SSO GetRoleCredentials answered HTTP " .. tostring(resp.status) .. " without credentials", true
  end
  -- expiration in milliseconds since the epoch
  return result(rc.accessKeyId, rc.secretAccessKey, rc.sessionToken,
    type(rc.expiration) == "number" and rc.expiration / 1000 or nil, "sso " .. s.account .. "/" .. s.role)
end

-- }======

local from_container, from_imds

local CREDENTIAL_SOURCES = {
  Environment = function(ctx) return from_env(ctx) end,
  Ec2InstanceMetadata = function(ctx) return from_imds(ctx) end,
  EcsContainer = function(ctx) return from_container(ctx) end,
}

-- The credentials of a profile's own settings: role, web identity, static
-- keys, credential_process. `visited` catches source_profile loops.
local function profile_credentials(ctx, name, visited)
  local p = config.profile(ctx.files, name)
  if not p then return nil, "profile " .. name .. " is not in " .. ctx.files.config_path .. " or "
    .. ctx.files.credentials_path, true end
  if p.role_arn then
    if visited[name] then
      return nil, "profile " .. name .. " is its own source through source_profile (a loop)", true
    end
    visited[name] = true
    local source, why
    if p.web_identity_token_file then
      return web_identity(ctx, p.web_identity_token_file, p.role_arn, p.role_session_name)
    elseif p.source_profile then
      if p.source_profile == name and not config.profile(ctx.files, name).aws_access_key_id then
        return nil, "profile " .. name .. " is its own source_profile and has no keys", true
      end
      if p.source_profile == name then
        source, why = result(p.aws_access_key_id, p.aws_secret_access_key, p.aws_session_token, nil, "profile")
      else
        source, why = profile_credentials(ctx, p.source_profile, visited)
      end
    elseif p.credential_source then
      local fn = CREDENTIAL_SOURCES[p.credential_source]
      if not fn then return nil, "profile " .. name .. ": unknown credential_source " .. p.credential_source, true end
      source, why = fn(ctx)
    else
      return nil, "profile " .. name .. " has role_arn but neither source_profile nor credential_source", true
    end
    if not source then return nil, "the source of role " .. p.role_arn .. ": " .. tostring(why), true end
    local params = {
      RoleArn = p.role_arn,
      RoleSessionName = p.role_session_name or ("connectcampaigns-" .. math.floor(ctx.clock())),
      ExternalId = p.external_id,
      DurationSeconds = p.duration_seconds,
    }
    local creds, err = sts(ctx, "AssumeRole", params, source)
    if not creds then return nil, err, true end
    creds.source = "role " .. p.role_arn
    return creds
  end
  -- SSO before static keys, as botocore orders its providers
  if p.sso_session or p.sso_start_url or p.sso_account_id then return from_sso(ctx, name, p) end
  if p.aws_access_key_id and p.aws_secret_access_key then
    return result(p.aws_access_key_id, p.aws_secret_access_key, p.aws_session_token, nil, "profile " .. name)
  end
  if p.credential_process then return process(p.credential_process) end
  return nil, "profile " .. name .. " has no credentials"
end

local function from_profile(ctx)
  local name = ctx.profile_name
  if not config.profile(ctx.files, name) then
    if ctx.profile_explicit then
      return nil, "profile " .. name .. " is not in " .. ctx.files.config_path .. " or " .. ctx.files.credentials_path, true
    end
    return nil, "no profile " .. name .. " in the shared files"
  end
  return profile_credentials(ctx, name, {})
end

function from_container(ctx)
  local target
  local relative, full = ctx.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), ctx.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")
  if relative then
    target = "http://169.254.170.2" .. relative
  elseif full then
    target = full
  else
    return nil, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set"
  end
  local u, why = parse_url(target, relative and "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" or "AWS_CONTAINER_CREDENTIALS_FULL_URI")
  if not u then return nil, why, true end
  -- botocore's rule, on the parsed host: the authorization token goes only to
  -- https, or to plain http on loopback or the container agents' addresses
  if full and not relative and u.scheme == "http" and not url.is_container_host(u) then
    return nil, "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http on loopback or the container host", true
  end
  local headers = { Host = u.host_header, Accept = "application/json" }
  local token_file = ctx.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
  local token = ctx.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN")
  if token_file then
    local t, err = config.read_file(token_file)
    if not t then return nil, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: " .. tostring(err), true end
    token = config.rtrim(t)
  end
  if token then
    if token:find("[\r\n]") then return nil, "the container authorization token has a line break", true end
    headers.Authorization = token
  end
  local resp, err = ctx.fetch({ method = "GET", url = target, headers = headers }, "container")
  if not resp then return nil, "container endpoint: " .. tostring(err and err.message or err), true end
  local doc = resp.status == 200 and core.json_decode(resp.body or "") or nil
  if type(doc) ~= "table" or not doc.AccessKeyId then
    return nil, "container endpoint answered HTTP " .. tostring(resp.status) .. " without credentials", true
  end
  return result(doc.AccessKeyId, doc.SecretAccessKey, doc.Token, expiration_of(doc.Expiration), "container")
end

function from_imds(ctx)
  if config.truthy(ctx.getenv("AWS_EC2_METADATA_DISABLED")) then
    return nil, "AWS_EC2_METADATA_DISABLED is true"
  end
  local u, why = parse_url(ctx.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT") or "http://169.254.169.254",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT")
  if not u then return nil, why end
  local base, host = u.origin .. u.path:gsub("/+$", ""), u.host_header
  -- IMDSv2 only: a session token first
  local resp, err = ctx.fetch({ method = "PUT", url = base .. "/latest/api/token", body = "",
    headers = { Host = host, ["X-aws-ec2-metadata-token-ttl-seconds"] = "21600" } }, "imds")
  if not resp or resp.status ~= 200 or (resp.body or "") == "" then
    return nil, "instance metadata gave no session token (" .. (resp and ("HTTP " .. resp.status)
      or tostring(err and err.message or err)) .. ")"
  end
  local headers = { Host = host, ["X-aws-ec2-metadata-token"] = resp.body }
  local path = base .. "/latest/meta-data/iam/security-credentials/"
  resp, err = ctx.fetch({ method = "GET", url = path, headers = headers }, "imds")
  if not resp or resp.status ~= 200 then
    return nil, "instance metadata has no role (" .. (resp and ("HTTP " .. resp.status) or tostring(err and err.message)) .. ")"
  end
  local role = resp.body:match("^%s*([^\r\n]+)")
  if not role then return nil, "instance metadata has no role" end
  resp, err = ctx.fetch({ method = "GET", url = path .. role, headers = headers }, "imds")
  local doc = resp and resp.status == 200 and core.json_decode(resp.body or "") or nil
  if type(doc) ~= "table" or not doc.AccessKeyId then
    return nil, "instance metadata gave no credentials for its role ("
      .. (resp and ("HTTP " .. resp.status) or tostring(err and err.message)) .. ")", true
  end
  return result(doc.AccessKeyId, doc.SecretAccessKey, doc.Token, expiration_of(doc.Expiration), "instance metadata")
end

-- }======

-- {====== The chain ======

local SOURCES = {
  { "environment", from_env }, -- (the same function: resolve() recognises it)
  { "shared files (profile)", function(ctx)
      -- a profile's role comes before web identity from the environment, as in botocore;
      -- its static keys and credential_process after it
      local p = config.profile(ctx.files, ctx.profile_name)
      if p and p.role_arn then return from_profile(ctx) end
      return nil, "the profile has no role_arn"
    end },
  { "web identity", from_web_identity_env },
  { "shared files", function(ctx)
      local p = config.profile(ctx.files, ctx.profile_name)
      if p and p.role_arn then return nil, "the profile's role was tried above" end
      return from_profile(ctx)
    end },
  { "container", function(ctx) return from_container(ctx) end },
  { "instance metadata", function(ctx) return from_imds(ctx) end },
}

local Chain = {}
Chain.__index = Chain

local function resolve(self)
  local tried = {}
  for _, s in ipairs(self.sources) do
    -- a profile named in the options outranks the environment's keys, as in
    -- botocore (AWS_PROFILE does not: with it, environment keys still win)
    local skipped = s[2] == from_env and self.ctx.profile_option
    if not skipped then
      local creds, why, fatal = s[2](self.ctx)
      if creds then return creds, s[2] end
      tried[#tried + 1] = s[1] .. ": " .. tostring(why)
      if fatal then break end
    end
  end
  return nil, "no credentials: " .. table.concat(tried, "; ")
end

-- The credentials in hand, and where renewed ones come from. `lasting` is
-- the same credentials when they never expire (explicit, environment, a
-- profile's keys): a call reads them without a call of fresh().
local function hold(self, creds, provider)
  self.current, self.provider = creds, provider
  self.lasting = creds and not creds.expiration and creds or nil
end

--- The credentials in hand when they need no renewal, else nil: never fetches.
function Chain:fresh()
  local c = self.current
  if c and (not c.expiration or self.ctx.clock() < c.expiration - ADVISORY_REFRESH) then return c end
  return nil
end

--- The credentials to sign with now: cached, and renewed before they expire.
-- @treturn[1] table `{access_key_id, secret_access_key, session_token, expiration, source}`
-- @treturn[2] nil
-- @treturn[2] string why (the sources tried), never a secret
function Chain:get()
  local fresh_now = self:fresh()
  if fresh_now then return fresh_now end
  local now = self.ctx.clock()
  local c = self.current
  if c and self.provider then
    local fresh, why = self.provider(self.ctx)
    if fresh then
      hold(self, fresh, self.provider)
      return fresh
    end
    if now < c.expiration then return c end -- a failed renewal keeps what still works
    hold(self, nil, nil)
    return nil, "the credentials expired and could not be renewed: " .. tostring(why)
  end
  local creds, provider_or_why = resolve(self)
  if not creds then return nil, provider_or_why end
  hold(self, creds, provider_or_why)
  return creds
end

--- Builds a chain.
-- @tparam table ctx `getenv`, `files`, `profile_name`, `profile_explicit`, `profile_option`,
--   `region`, `fetch(req, kind)`, `signer`, `clock`, and `explicit`
--   credentials (which, when given, are the only source)
function M.chain(ctx)
  local sources = SOURCES
  if ctx.explicit then
    local c = ctx.explicit
    sources = { { "explicit", function() return result(c.access_key_id, c.secret_access_key, c.session_token, nil,
      "explicit") end } }
  end
  return setmetatable({ ctx = ctx, sources = sources }, Chain)
end

M.form_encode = form_encode
return M
