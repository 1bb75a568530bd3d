--- Checks a received request's SigV4 signature, as the service does: the
-- canonical request is rebuilt from the bytes received (path, query, the
-- headers the Authorization names, body) and signed again with the known key.
-- Used by the loopback stand-ins (the emulator, the spec stub).
-- @module connectcampaigns.sigcheck

local M = {}

--- Verifies `req` (an httpd request table).
-- @tparam userdata signer a `core.signer()`
-- @treturn[1] true
-- @treturn[1] string region of the credential scope
-- @treturn[1] string service of the credential scope
-- @treturn[2] false
-- @treturn[2] string why, in the service's words
function M.verify(signer, req, key_id, secret)
  local authz = req.headers.authorization
  if not authz then return false, "Missing Authentication Token" end
  local id, date, region, service, signed = authz:match(
    "^AWS4%-HMAC%-SHA256 Credential=([^/]+)/(%d+)/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=%x+$")
  if not id then return false, "Authorization header is malformed" end
  if id ~= key_id then return false, "The security token included in the request is invalid" end
  local amz_date = req.headers["x-amz-date"]
  if not amz_date or amz_date:sub(1, 8) ~= date then
    return false, "X-Amz-Date does not match the credential scope"
  end
  local want, headers = {}, {}
  for name in signed:gmatch("[^;]+") do want[name] = true end
  for _, h in ipairs(req.raw_headers) do
    local lname = h[1]:lower()
    if want[lname] then headers[lname] = headers[lname] and (headers[lname] .. "," .. h[2]) or h[2] end
  end
  for name in pairs(want) do
    if not headers[name] then return false, "signed header " .. name .. " was not sent" end
  end
  local expected = signer:sign({ method = req.method, path = req.path, query = req.query,
    headers = headers, body = req.body }, { access_key_id = key_id, secret_access_key = secret },
    region, service, amz_date)
  if expected ~= authz then
    return false, "The request signature we calculated does not match the signature you provided"
  end
  return true, region, service
end

return M
