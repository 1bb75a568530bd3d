--- Retries as the AWS SDKs make them. Standard mode: up to `max_attempts`
-- in total, a delay of `random() * min(2^(attempt-1), 20)` seconds, retries
-- on throttling, on transient codes and HTTP 500/502/503/504, on connection
-- errors and timeouts, never on other 4xx; a retry quota (500 tokens, 5 per
-- retry, 10 per timeout retry, refunded on success) so that a dead endpoint
-- does not multiply load. Adaptive mode adds the client-side rate limiter
-- (a token bucket whose rate follows CUBIC) of the AWS SDKs.
-- @module connectcampaigns.retry

local M = {}

local MAX_BACKOFF = 20
local QUOTA = 500
local RETRY_COST = 5
local TIMEOUT_RETRY_COST = 10
local NO_RETRY_INCREMENT = 1

M.MAX_BACKOFF = MAX_BACKOFF

-- {====== The client-side rate limiter (adaptive mode) ======

local Limiter = {}
Limiter.__index = Limiter

local SMOOTH, BETA, SCALE_CONSTANT, MIN_FILL_RATE, MIN_CAPACITY = 0.8, 0.7, 0.4, 0.5, 1

local function new_limiter(clock, sleep)
  return setmetatable({
    clock = clock, sleep = sleep,
    fill_rate = nil, max_capacity = nil, current_capacity = 0, last_timestamp = nil, enabled = false,
    measured_tx_rate = 0, last_tx_rate_bucket = math.floor(clock()), request_count = 0,
    last_max_rate = 0, last_throttle_time = clock(), time_window = 0,
  }, Limiter)
end

function Limiter:refill()
  local now = self.clock()
  if self.last_timestamp == nil then
    self.last_timestamp = now
    return
  end
  local amount = (now - self.last_timestamp) * self.fill_rate
  self.current_capacity = math.min(self.max_capacity, self.current_capacity + amount)
  self.last_timestamp = now
end

--- Waits for a token before an attempt (only once throttling was seen).
-- @treturn number the seconds waited
function Limiter:acquire()
  if not self.enabled then return 0 end
  self:refill()
  local waited = 0
  if self.current_capacity < 1 then
    waited = math.min((1 - self.current_capacity) / self.fill_rate, MAX_BACKOFF)
    self.sleep(waited)
    self:refill()
  end
  self.current_capacity = self.current_capacity - 1
  return waited
end

function Limiter:update_measured_rate()
  local now = self.clock()
  local bucket = math.floor(now * 2) / 2
  self.request_count = self.request_count + 1
  if bucket > self.last_tx_rate_bucket then
    local rate = self.request_count / (bucket - self.last_tx_rate_bucket)
    self.measured_tx_rate = rate * SMOOTH + self.measured_tx_rate * (1 - SMOOTH)
    self.request_count = 0
    self.last_tx_rate_bucket = bucket
  end
end

function Limiter:update_bucket_rate(rate)
  self:refill()
  self.fill_rate = math.max(rate, MIN_FILL_RATE)
  self.max_capacity = math.max(rate, MIN_CAPACITY)
  self.current_capacity = math.min(self.current_capacity, self.max_capacity)
end

--- Feeds the outcome of an attempt into the rate.
function Limiter:update(throttled)
  self:update_measured_rate()
  local now = self.clock()
  local rate
  if throttled then
    local rate_to_use = self.enabled and math.min(self.measured_tx_rate, self.fill_rate) or self.measured_tx_rate
    self.last_max_rate = rate_to_use
    self.time_window = ((self.last_max_rate * (1 - BETA)) / SCALE_CONSTANT) ^ (1 / 3)
    self.last_throttle_time = now
    rate = rate_to_use * BETA
    self.enabled = true
  else
    self.time_window = ((self.last_max_rate * (1 - BETA)) / SCALE_CONSTANT) ^ (1 / 3)
    rate = SCALE_CONSTANT * (now - self.last_throttle_time - self.time_window) ^ 3 + self.last_max_rate
  end
  if self.fill_rate == nil then
    self.fill_rate, self.max_capacity = MIN_FILL_RATE, MIN_CAPACITY
  end
  self:update_bucket_rate(math.min(rate, 2 * self.measured_tx_rate))
end

-- }======

-- {====== The retry policy ======

local Policy = {}
Policy.__index = Policy

--- A retry policy, shared by every call of one client.
-- @tparam table opts `mode` ("standard" or "adaptive"), `max_attempts`,
--   `random` (0..1), `sleep(seconds)`, `clock()` (monotonic seconds)
function M.new(opts)
  local self = setmetatable({
    mode = opts.mode or "standard",
    max_attempts = opts.max_attempts or 3,
    quota = QUOTA,
    random = opts.random or math.random,
  }, Policy)
  if self.mode == "adaptive" then self.limiter = new_limiter(opts.clock, opts.sleep) end
  -- true while a success would change nothing (no rate limiter, the quota
  -- full): a call then skips before_attempt and after_success, two calls of
  -- every attempt
  self.settled = self.limiter == nil
  return self
end

--- The delay before attempt `attempt + 1`.
function Policy:backoff(attempt)
  return self.random() * math.min(2 ^ (attempt - 1), MAX_BACKOFF)
end

--- Called before each attempt (adaptive mode may wait here).
function Policy:before_attempt()
  if self.limiter then return self.limiter:acquire() end
  return 0
end

--- Decides whether a failed attempt is retried.
-- @treturn boolean retry
-- @treturn string why, for the log ("retryable", "not retryable", "max attempts", "retry quota exhausted")
-- @treturn number the quota taken (to refund on success)
function Policy:after_failure(err, attempt)
  if self.limiter then self.limiter:update(err.throttling == true) end
  if not err.retryable then return false, "not retryable", 0 end
  if attempt >= self.max_attempts then return false, "max attempts reached", 0 end
  local cost = err.code == "TimeoutError" and TIMEOUT_RETRY_COST or RETRY_COST
  if self.quota < cost then return false, "retry quota exhausted", 0 end
  self.quota = self.quota - cost
  self.settled = false
  return true, "retryable", cost
end

--- Called after a successful attempt: refunds the last retry's cost, or a token.
function Policy:after_success(last_cost)
  if self.limiter then self.limiter:update(false) end
  local quota = self.quota + (last_cost and last_cost > 0 and last_cost or NO_RETRY_INCREMENT)
  self.quota = quota < QUOTA and quota or QUOTA -- not math.min: a call less on every success
  self.settled = self.limiter == nil and quota >= QUOTA
end

-- }======

return M
