--- Error objects: what a failed call returns as its second value.
--
-- Fields: `code`, `message`, `status` (HTTP status or nil), `request_id`,
-- `retryable`, `operation`, and the members of the service's error shape
-- (for example `state` of an InvalidCampaignStateException).
-- `tostring(err)` reads `Code: message (HTTP 404, request id ...)`.
-- @module connectcampaigns.errors

local M = {}

--- The codes the client itself produces; the service's own codes
-- (`ResourceNotFoundException`, ...) arrive as the service sends them.
M.codes = {
  ParamValidationError = "ParamValidationError",
  NetworkError = "NetworkError",
  TimeoutError = "TimeoutError",
  CredentialsError = "CredentialsError",
  ResponseParseError = "ResponseParseError",
  PaginationError = "PaginationError",
  InvalidConfiguration = "InvalidConfiguration",
  ModelError = "ModelError",
}

-- What AWS SDKs treat as throttling and as transient (retryable) answers.
local THROTTLING = {
  Throttling = true, ThrottlingException = true, ThrottledException = true,
  RequestThrottledException = true, TooManyRequestsException = true,
  ProvisionedThroughputExceededException = true, TransactionInProgressException = true,
  RequestLimitExceeded = true, BandwidthLimitExceeded = true, LimitExceededException = true,
  RequestThrottled = true, SlowDown = true, PriorRequestNotComplete = true,
  EC2ThrottledException = true,
}
local TRANSIENT = {
  RequestTimeout = true, RequestTimeoutException = true, PriorRequestNotComplete = true,
  InternalError = true, InternalServerException = true, ServiceUnavailable = true,
  NetworkError = true, TimeoutError = true,
}
local TRANSIENT_STATUS = { [500] = true, [502] = true, [503] = true, [504] = true }
M.THROTTLING = THROTTLING

local Error = {}
Error.__index = Error
Error.__name = "connectcampaigns.Error"

Error.__tostring = function(e)
  local s = tostring(e.code) .. ": " .. tostring(e.message)
  local extra = {}
  if e.status then extra[#extra + 1] = "HTTP " .. tostring(e.status) end
  if e.request_id then extra[#extra + 1] = "request id " .. tostring(e.request_id) end
  if #extra > 0 then s = s .. " (" .. table.concat(extra, ", ") .. ")" end
  return s
end

Error.__eq = function(a, b)
  return a.code == b.code and a.message == b.message and a.status == b.status
    and a.request_id == b.request_id
end

M.Error = Error

--- Whether a value is an error object of this library.
function M.is_error(v)
  return getmetatable(v) == Error
end

--- Whether a code names throttling.
function M.is_throttling(code)
  return THROTTLING[code] == true
end

--- Makes an error object.
-- @tparam string code
-- @tparam string message
-- @tparam[opt] table extra `status`, `request_id`, `operation`, `fields`,
--   `modeled_retryable`, `modeled_throttling`, `retryable` (false: never retried)
function M.new(code, message, extra)
  extra = extra or {}
  local e = setmetatable({
    code = code,
    message = message or "",
    status = extra.status,
    request_id = extra.request_id,
    operation = extra.operation,
  }, Error)
  e.throttling = THROTTLING[code] == true or extra.modeled_throttling == true or extra.status == 429
  e.retryable = e.throttling or TRANSIENT[code] == true or extra.modeled_retryable == true
    or (extra.status ~= nil and TRANSIENT_STATUS[extra.status] == true)
  -- a failure the transport knows another attempt cannot fix (an answer over the size caps)
  if extra.retryable == false then e.retryable = false end
  if type(extra.fields) == "table" then
    for k, v in pairs(extra.fields) do
      if e[k] == nil and k ~= "retryable" and k ~= "throttling" then e[k] = v end
    end
  end
  return e
end

return M
