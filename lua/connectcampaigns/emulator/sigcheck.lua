--- Checks a received request's SigV4 signature, as the service does: the
-- canonical request is rebuilt from the bytes received (path, query, the
-- headers the Authorization names, body) and signed again with the known key.
-- With `opts`, the credential scope and the date are checked too, as AWS
-- checks them: the scope must name the expected region and service, and the
-- request's time must be within `max_skew` seconds of now.
-- Used by the loopback stand-ins (the emulator, the spec stub).
-- @module connectcampaigns.emulator.sigcheck

local core = require "connectcampaigns.core"

local M = {}

-- "20260301T090000Z" as epoch seconds, or nil.
local function amz_time(s)
  local y, mo, d, h, mi, sec = (s or ""):match("^(%d%d%d%d)(%d%d)(%d%d)T(%d%d)(%d%d)(%d%d)Z$")
  if not y then return nil end
  return core.parse_iso8601(string.format("%s-%s-%sT%s:%s:%sZ", y, mo, d, h, mi, sec))
end

--- Verifies `req` (an httpd request table).
-- @tparam userdata signer a `core.signer()`
-- @tparam table req
-- @tparam string|function key_id the access key id, or a function(id) -> secret|nil
-- @tparam string secret (when key_id is a string)
-- @tparam[opt] table opts `region`, `service`, `now` (epoch seconds), `max_skew` (seconds)
-- @treturn[1] true
-- @treturn[1] string region of the credential scope
-- @treturn[1] string service of the credential scope
-- @treturn[2] false
-- @treturn[2] string why, in the service's words
-- @treturn[2] string the service's error code
function M.verify(signer, req, key_id, secret, opts)
  opts = opts or {}
  local authz = req.headers.authorization
  if not authz then return false, "Missing Authentication Token", "MissingAuthenticationTokenException" end
  local id, date, region, service, signed = authz:match(
    "^AWS4%-HMAC%-SHA256 Credential=([^/]+)/(%d+)/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=%x+$")
  if not id then return false, "Authorization header is malformed", "IncompleteSignatureException" end
  if type(key_id) == "function" then
    secret = key_id(id)
  elseif id ~= key_id then
    secret = nil
  end
  if not secret then
    return false, "The security token included in the request is invalid.", "UnrecognizedClientException"
  end
  local amz_date = req.headers["x-amz-date"]
  if not amz_date or amz_date:sub(1, 8) ~= date then
    return false, "X-Amz-Date does not match the credential scope", "InvalidSignatureException"
  end
  if opts.region and region ~= opts.region then
    return false, "Credential should be scoped to a valid region. ", "InvalidSignatureException"
  end
  if opts.service and service ~= opts.service then
    return false, "Credential should be scoped to correct service: '" .. opts.service .. "'. ",
      "InvalidSignatureException"
  end
  if opts.now then
    local t, skew = amz_time(amz_date), opts.max_skew or 300
    local function fmt(x) return os.date("!%Y%m%dT%H%M%SZ", math.floor(x)) end
    if not t then return false, "X-Amz-Date is not a date", "InvalidSignatureException" end
    if t < opts.now - skew then
      return false, string.format("Signature expired: %s is now earlier than %s (%s - %d min.)", amz_date,
        fmt(opts.now - skew), fmt(opts.now), math.floor(skew / 60)), "InvalidSignatureException"
    end
    if t > opts.now + skew then
      return false, string.format("Signature not yet current: %s is still later than %s (%s + %d min.)", amz_date,
        fmt(opts.now + skew), fmt(opts.now), math.floor(skew / 60)), "InvalidSignatureException"
    end
  end
  local want, headers = {}, {}
  for name in signed:gmatch("[^;]+") do want[name] = true end
  for _, h in ipairs(req.raw_headers) do
    local lname = h[1]:lower()
    if want[lname] then headers[lname] = headers[lname] and (headers[lname] .. "," .. h[2]) or h[2] end
  end
  for name in pairs(want) do
    if not headers[name] then return false, "signed header " .. name .. " was not sent", "InvalidSignatureException" end
  end
  local expected = signer:sign({ method = req.method, path = req.path, query = req.query,
    headers = headers, body = req.body }, { access_key_id = id, secret_access_key = secret },
    region, service, amz_date)
  if expected ~= authz then
    return false, "The request signature we calculated does not match the signature you provided",
      "InvalidSignatureException"
  end
  return true, region, service
end

return M
