--- Endpoint resolution by the service's endpoint rule set (embedded in the
-- model), evaluated as the AWS SDKs do: parameters Region, UseFIPS,
-- UseDualStack and Endpoint; rules of conditions, tree, endpoint and error.
-- @module connectcampaigns.endpoints

local urls = require "connectcampaigns.url"

local M = {}

-- The AWS partitions: which regions belong where and their DNS suffixes.
-- Facts of the public partitions data; the first whose regex matches wins,
-- and an unknown region falls back to "aws", as the SDKs do.
local PARTITIONS = {
  { id = "aws", regex = "^(us|eu|ap|sa|ca|me|af|il|mx)%-%w+%-%d+$", dnsSuffix = "amazonaws.com",
    dualStackDnsSuffix = "api.aws", supportsFIPS = true, supportsDualStack = true, implicitGlobalRegion = "us-east-1",
    regions = { ["aws-global"] = true } },
  { id = "aws-cn", regex = "^cn%-%w+%-%d+$", dnsSuffix = "amazonaws.com.cn",
    dualStackDnsSuffix = "api.amazonwebservices.com.cn", supportsFIPS = true, supportsDualStack = true,
    implicitGlobalRegion = "cn-northwest-1", regions = { ["aws-cn-global"] = true } },
  { id = "aws-us-gov", regex = "^us%-gov%-%w+%-%d+$", dnsSuffix = "amazonaws.com", dualStackDnsSuffix = "api.aws",
    supportsFIPS = true, supportsDualStack = true, implicitGlobalRegion = "us-gov-west-1",
    regions = { ["aws-us-gov-global"] = true } },
  { id = "aws-iso", regex = "^us%-iso%-%w+%-%d+$", dnsSuffix = "c2s.ic.gov", dualStackDnsSuffix = "c2s.ic.gov",
    supportsFIPS = true, supportsDualStack = false, implicitGlobalRegion = "us-iso-east-1",
    regions = { ["aws-iso-global"] = true } },
  { id = "aws-iso-b", regex = "^us%-isob%-%w+%-%d+$", dnsSuffix = "sc2s.sgov.gov", dualStackDnsSuffix = "sc2s.sgov.gov",
    supportsFIPS = true, supportsDualStack = false, implicitGlobalRegion = "us-isob-east-1",
    regions = { ["aws-iso-b-global"] = true } },
  { id = "aws-iso-e", regex = "^eu%-isoe%-%w+%-%d+$", dnsSuffix = "cloud.adc-e.uk", dualStackDnsSuffix = "cloud.adc-e.uk",
    supportsFIPS = true, supportsDualStack = false, implicitGlobalRegion = "eu-isoe-west-1",
    regions = { ["aws-iso-e-global"] = true } },
  { id = "aws-iso-f", regex = "^us%-isof%-%w+%-%d+$", dnsSuffix = "csp.hci.ic.gov", dualStackDnsSuffix = "csp.hci.ic.gov",
    supportsFIPS = true, supportsDualStack = false, implicitGlobalRegion = "us-isof-south-1",
    regions = { ["aws-iso-f-global"] = true } },
  { id = "aws-eusc", regex = "^eusc%-de%-%w+%-%d+$", dnsSuffix = "amazonaws.eu", dualStackDnsSuffix = "amazonaws.eu",
    supportsFIPS = true, supportsDualStack = false, implicitGlobalRegion = "eusc-de-east-1", regions = {} },
}

local function partition(region)
  if type(region) ~= "string" then return nil end
  for _, p in ipairs(PARTITIONS) do
    if p.regions[region] then return p end
  end
  for _, p in ipairs(PARTITIONS) do
    if region:match(p.regex) then return p end
  end
  return PARTITIONS[1]
end

local function partition_result(region)
  local p = partition(region)
  if not p then return nil end
  return { name = p.id, dnsSuffix = p.dnsSuffix, dualStackDnsSuffix = p.dualStackDnsSuffix,
    supportsFIPS = p.supportsFIPS, supportsDualStack = p.supportsDualStack,
    implicitGlobalRegion = p.implicitGlobalRegion }
end

-- {====== The rules engine ======

local eval

local function get_attr(value, path)
  for part in path:gmatch("[^%.]+") do
    if type(value) ~= "table" then return nil end
    local name, index = part:match("^([^%[]*)%[(%d+)%]$")
    if name then
      if name ~= "" then value = value[name] end
      value = type(value) == "table" and value[tonumber(index) + 1] or nil
    else
      value = value[part]
    end
  end
  return value
end

-- "{Region}" and "{PartitionResult#dnsSuffix}" in strings.
local function template(s, scope)
  return (s:gsub("{([^}]+)}", function(ref)
    local name, path = ref:match("^([^#]+)#(.+)$")
    if name then return tostring(get_attr(scope[name], path)) end
    return tostring(scope[ref])
  end))
end

local FUNCTIONS = {
  isSet = function(v) return v ~= nil end,
  ["not"] = function(v) return not v end,
  booleanEquals = function(a, b) return a == b end,
  stringEquals = function(a, b) return a == b end,
  getAttr = get_attr,
  ["aws.partition"] = partition_result,
  isValidHostLabel = function(s, allow_dots)
    if type(s) ~= "string" then return false end
    local function label_ok(l) return #l <= 63 and l:match("^[%w][%w%-]*$") ~= nil end
    if not allow_dots then return label_ok(s) end
    for label in (s .. "."):gmatch("([^.]*)%.") do
      if not label_ok(label) then return false end
    end
    return true
  end,
  substring = function(s, start, stop, reverse)
    if type(s) ~= "string" or stop > #s or start >= stop or s:find("[\128-\255]") then return nil end
    if reverse then return s:sub(#s - stop + 1, #s - start) end
    return s:sub(start + 1, stop)
  end,
  uriEncode = urls.encode,
  parseURL = function(text)
    local u = urls.parse(text)
    if not u or u.query then return nil end -- the rules' parseURL takes no query
    local normalized = u.path:sub(-1) == "/" and u.path or (u.path .. "/")
    return { scheme = u.scheme, authority = u.authority, path = u.path, normalizedPath = normalized, isIp = u.is_ip }
  end,
}

function eval(expr, scope)
  if type(expr) ~= "table" then
    if type(expr) == "string" then return template(expr, scope) end
    return expr
  end
  if expr.ref then return scope[expr.ref] end
  if expr.fn then
    local fn = FUNCTIONS[expr.fn]
    if not fn then error("endpoint rules: unsupported function " .. expr.fn) end
    local args = {}
    for i, a in ipairs(expr.argv) do args[i] = eval(a, scope) end
    return fn((table.unpack or unpack)(args, 1, #expr.argv)) -- unpack: LuaJIT
  end
  return expr
end

-- Conditions all hold (assigning what they name), or not.
local function conditions_hold(conds, scope)
  for _, c in ipairs(conds or {}) do
    local v = eval(c, scope)
    if v == nil or v == false then return false end
    if c.assign then scope[c.assign] = v end
  end
  return true
end

local function copy(t)
  local out = {}
  for k, v in pairs(t) do out[k] = v end
  return out
end

local function run(rules, scope)
  for _, rule in ipairs(rules) do
    local inner = copy(scope)
    if conditions_hold(rule.conditions, inner) then
      if rule.type == "endpoint" then
        return eval(rule.endpoint.url, inner)
      elseif rule.type == "error" then
        return nil, eval(rule.error, inner)
      elseif rule.type == "tree" then
        local url, err = run(rule.rules, inner)
        if url or err then return url, err end
      end
    end
  end
  return nil
end

-- }======

--- Resolves an endpoint URL by a rule set.
-- @tparam table rule_set the model's `endpointRuleSet`
-- @tparam table params `Region`, `UseFIPS`, `UseDualStack`, `Endpoint`
-- @treturn[1] string URL
-- @treturn[2] nil
-- @treturn[2] string the rule set's error
function M.resolve(rule_set, params)
  local scope = {}
  for name, p in pairs(rule_set.parameters) do
    local v = params[name]
    if v == nil then v = p.default end
    scope[name] = v
  end
  local url, err = run(rule_set.rules, scope)
  if not url and not err then err = "no endpoint rule matched" end
  return url, err
end

M.partition = partition_result
return M
