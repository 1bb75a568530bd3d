--- The one URL parser of the client: the service endpoint, the endpoint
-- rules' `parseURL`, STS, the container endpoint and instance metadata all
-- read their URLs here, so one rule decides what a host is.
--
-- Only absolute `http`/`https` URLs are read. User information
-- (`user:pass@`) is refused everywhere: it is how `http://localhost:1@evil/`
-- passes a check that reads "localhost" while the connection goes to "evil".
-- @module connectcampaigns.url

local M = {}

local DEFAULT_PORT = { http = 80, https = 443 }

-- A dotted IPv4 address: four decimal octets 0-255, no leading zeros.
local function ipv4(host)
  local a, b, c, d = host:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  if not a then return nil end
  local out = {}
  for i, part in ipairs { a, b, c, d } do
    if #part > 1 and part:sub(1, 1) == "0" then return nil end
    local n = tonumber(part)
    if n > 255 then return nil end
    out[i] = n
  end
  return out
end

-- An IPv6 literal's inside (without brackets): hex groups, colons, an
-- optional IPv4 tail, and at most one "::".
local function ipv6(inner)
  if inner == "" or not inner:match("^[%x:.]+$") then return false end
  local _, doubles = inner:gsub("::", "")
  if doubles > 1 or inner:find(":::", 1, true) then return false end
  local groups = 0
  for g in inner:gmatch("[^:]+") do
    if g:find(".", 1, true) then
      if not ipv4(g) then return false end
      groups = groups + 2
    elseif #g > 4 then
      return false
    else
      groups = groups + 1
    end
  end
  return doubles == 1 and groups < 8 or groups == 8
end

--- Percent-encodes every byte but the unreserved ones (letters, digits,
-- `-_.~`), upper-case hex: query values, form bodies, the rules' uriEncode.
function M.encode(s)
  return (s:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", c:byte()) end))
end

--- Parses an absolute http(s) URL.
-- @tparam string s
-- @treturn[1] table `scheme` (lower case), `host` (lower case; an IPv6
--   literal keeps its brackets), `port` (number), `explicit_port`
--   (boolean), `path` (may be ""), `query` (nil when absent), `authority`,
--   `origin` (scheme://authority), `host_header` (the port left out when it
--   is the scheme's default, as botocore sends it), `is_ip`
-- @treturn[2] nil
-- @treturn[2] string why
function M.parse(s)
  if type(s) ~= "string" then return nil, "a URL must be a string" end
  if s:find("[%c ]") then return nil, "a URL must not hold spaces or control characters" end
  local scheme, rest = s:match("^(%a[%w+.-]*)://(.*)$")
  if not scheme then return nil, "not an absolute URL" end
  scheme = scheme:lower()
  if not DEFAULT_PORT[scheme] then return nil, "scheme must be http or https" end
  local authority, tail = rest:match("^([^/?#]*)(.*)$")
  if authority:find("@", 1, true) then return nil, "a URL must not carry user information (user@host)" end
  local path, query, fragment = tail:match("^([^?#]*)%??([^#]*)(#?.*)$")
  if fragment ~= "" then return nil, "a URL must not carry a fragment (#...)" end
  if tail:find("?", 1, true) == nil then query = nil end
  local host, port_text
  if authority:sub(1, 1) == "[" then
    local inner, after = authority:match("^%[([^%]]*)%](.*)$")
    if not inner or not ipv6(inner) then return nil, "not a valid IPv6 literal" end
    if after ~= "" then
      port_text = after:match("^:(%d*)$")
      if not port_text then return nil, "junk after the IPv6 literal" end
    end
    host = "[" .. inner:lower() .. "]"
  else
    host, port_text = authority:match("^([^:]*):(%d*)$")
    if not host then
      if authority:find(":", 1, true) then return nil, "the port must be a number" end
      host = authority
    end
    -- a registered name or IPv4 address; percent-encoding in a host is refused (no decoding games)
    if host == "" then return nil, "the URL has no host" end
    if not host:match("^[%w%-%._~]+$") then return nil, "the host holds characters a host name may not hold" end
    host = host:lower()
  end
  local port = DEFAULT_PORT[scheme]
  local explicit = port_text ~= nil and port_text ~= ""
  if explicit then
    port = tonumber(port_text)
    if #port_text > 5 or port < 1 or port > 65535 then return nil, "the port must be from 1 to 65535" end
  end
  local canonical_authority = host .. (explicit and (":" .. port) or "")
  return {
    scheme = scheme,
    host = host,
    port = port,
    explicit_port = explicit,
    path = path,
    query = query,
    authority = canonical_authority,
    origin = scheme .. "://" .. canonical_authority,
    host_header = port == DEFAULT_PORT[scheme] and host or (host .. ":" .. port),
    is_ip = ipv4(host) ~= nil or host:sub(1, 1) == "[",
  }
end

--- Whether a parsed URL's host is a loopback address: 127.0.0.0/8, [::1]
-- (in any spelling) or localhost.
function M.is_loopback(u)
  local h = u.host
  if h == "localhost" then return true end
  local v4 = ipv4(h)
  if v4 then return v4[1] == 127 end
  if h:sub(1, 1) == "[" then
    local inner = h:sub(2, -2)
    return inner == "::1" or inner:match("^0*:0*:0*:0*:0*:0*:0*:0*1$") ~= nil or inner:match("^[0:]*:0*1$") ~= nil
  end
  return false
end

-- The hosts botocore lets the container credentials endpoint use over plain
-- http besides loopback: the ECS and EKS agents' link-local addresses.
local CONTAINER_HOSTS = { ["169.254.170.2"] = true, ["169.254.170.23"] = true, ["[fd00:ec2::23]"] = true }

--- Whether a parsed URL may serve container credentials over plain http.
function M.is_container_host(u)
  return CONTAINER_HOSTS[u.host] == true or M.is_loopback(u)
end

return M
