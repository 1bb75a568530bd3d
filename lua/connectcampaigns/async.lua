--- Many calls in flight outside nginx: tasks on one libcurl multi handle.
--
--     local task = cc.async(function() return client:describe_campaign{ id = id } end)
--     local out, err = task:result()   -- drives the loop until this task is done
--     local n = cc.poll(0.01)          -- one turn of the loop; tasks still running
--
-- A task is a coroutine. Inside one, every client call (its retries, backoff
-- and credential fetches included) yields to the loop where it would block;
-- the same call outside a task blocks as before. All tasks share one multi
-- handle, so they share its connections (keep-alive across tasks and
-- clients). The loop belongs to the Lua state that loaded this module: a host
-- with several states has one loop per state.
-- @module connectcampaigns.async

local core = require "connectcampaigns.core"

local M = {}

local unpack_all = table.unpack or unpack -- luacheck: ignore 113 (5.1 and LuaJIT: unpack)

local function pack(...) return { n = select("#", ...), ... } end

local loop = {
  multi = nil,      -- created on first use
  idle = {},        -- options key -> idle Http handles
  waiting = {},     -- transfer key -> { task, handle, pool }
  transfers = 0,    -- transfers under way
  sleepers = {},    -- { task, deadline } waiting on the clock
  running = 0,      -- tasks not finished
}

local task_of = setmetatable({}, { __mode = "k" }) -- coroutine -> task

local Task = {}
Task.__index = Task
Task.__name = "connectcampaigns.Task"

--- The task the running code belongs to, or nil outside any task.
function M.current()
  local co = coroutine.running()
  return co and task_of[co] or nil
end

local function finish(task, ok, ...)
  task.done = true
  loop.running = loop.running - 1
  if ok then
    task.results = pack(...)
  else
    task.error = ...
    task.traceback = debug and debug.traceback(task.co, tostring((...))) or nil
  end
  local waiters = task.waiters
  task.waiters = {}
  for _, w in ipairs(waiters) do M._resume(w) end
end

--- (internal) Runs a task until it waits or ends.
function M._resume(task, ...)
  local co = task.co
  local function after(ok, ...)
    if coroutine.status(co) == "dead" then finish(task, ok, ...) end
  end
  after(coroutine.resume(co, ...))
end

local function check_options(opts, known, where)
  if opts == nil then return {} end
  if type(opts) ~= "table" then error("bad argument to '" .. where .. "' (options must be a table)", 3) end
  local why = require("connectcampaigns.suggest").unknown_option(opts, known)
  if why then error(where .. ": " .. why, 3) end
  return opts
end

--- Starts fn(...) as a task, now: it runs until its first wait.
-- @treturn Task
function M.async(fn, ...)
  if type(fn) ~= "function" then error("bad argument #1 to 'async' (function expected, got " .. type(fn) .. ")", 2) end
  local task = setmetatable({ waiters = {}, done = false }, Task)
  task.co = coroutine.create(fn)
  task_of[task.co] = task
  loop.running = loop.running + 1
  M._resume(task, ...)
  return task
end

--- Whether the task has finished.
function Task:is_done() return self.done end

--- The task's results (the function's return values: a client call's `out`
-- or `nil, err`). Outside a task this drives the loop until the task is done;
-- inside another task it waits without blocking. A task whose function
-- raised raises the same error here.
function Task:result()
  if not self.done then
    local me = M.current()
    if me == self then error("a task cannot wait for itself", 2) end
    if me then
      self.waiters[#self.waiters + 1] = me
      coroutine.yield()
    else
      while not self.done do
        M.poll(0.05)
        if not self.done and loop.transfers == 0 and #loop.sleepers == 0 then
          error("the task waits on something no loop turn can give it (a coroutine.yield of its own?)", 2)
        end
      end
    end
  end
  if self.error ~= nil then error(self.error, 0) end
  return unpack_all(self.results, 1, self.results.n)
end

Task.__tostring = function(self)
  return "connectcampaigns.Task (" .. (self.done and "done" or "running") .. ")"
end

-- {====== What a task waits on ======

local pool_keys = setmetatable({}, { __mode = "k" }) -- options table -> its pool's key, made once

local function handle_for(opts)
  local key = pool_keys[opts]
  if not key then
    key = table.concat({ tostring(opts.ca_file), opts.timeout, opts.connect_timeout, opts.max_response }, "|")
    pool_keys[opts] = key
  end
  local pool = loop.idle[key]
  if not pool then
    pool = {}
    loop.idle[key] = pool
  end
  return table.remove(pool) or core.http(opts), pool
end

--- (for transports) Sends req through the loop and yields until the answer
-- is in; only inside a task.
-- @tparam table opts of `core.http` (timeouts, ca_file, max_response)
-- @treturn table|nil response, or nil and an error as `http:request` gives
function M.request(opts, req)
  local task = assert(M.current(), "async.request outside a task")
  loop.multi = loop.multi or core.multi()
  local h, pool = handle_for(opts)
  local key, err = loop.multi:add(h, req)
  if not key then
    pool[#pool + 1] = h
    return nil, err
  end
  loop.waiting[key] = { task = task, handle = h, pool = pool }
  loop.transfers = loop.transfers + 1
  return coroutine.yield()
end

--- Waits that long without blocking the loop; only inside a task.
function M.sleep(seconds)
  local task = assert(M.current(), "async.sleep outside a task")
  loop.sleepers[#loop.sleepers + 1] = { task = task, deadline = core.monotonic() + math.max(0, seconds) }
  coroutine.yield()
end

-- }======

--- One turn of the loop: waits at most `timeout` seconds (0: not at all) for
-- the network or a sleeping task, then resumes every task whose wait is over.
-- @treturn integer tasks still running
function M.poll(timeout)
  timeout = timeout or 0
  if type(timeout) ~= "number" or timeout ~= timeout or timeout < 0 then
    error("bad argument #1 to 'poll' (seconds >= 0 expected)", 2)
  end
  if M.current() then error("cc.poll inside a task: the loop is already running it", 2) end
  local now = core.monotonic()
  local wait = timeout
  for _, s in ipairs(loop.sleepers) do wait = math.min(wait, math.max(0, s.deadline - now)) end
  if loop.transfers > 0 then
    local done = loop.multi:perform(wait)
    for _, d in ipairs(done) do
      local w = loop.waiting[d[1]]
      loop.waiting[d[1]] = nil
      loop.transfers = loop.transfers - 1
      w.pool[#w.pool + 1] = w.handle
      if d[2] then M._resume(w.task, d[2]) else M._resume(w.task, nil, d[3]) end
    end
  elseif #loop.sleepers > 0 and wait > 0 then
    core.sleep(wait)
  end
  now = core.monotonic()
  local due, later = {}, {}
  for _, s in ipairs(loop.sleepers) do
    if s.deadline <= now then due[#due + 1] = s else later[#later + 1] = s end
  end
  loop.sleepers = later
  for _, s in ipairs(due) do M._resume(s.task) end
  return loop.running
end

--- Runs fn(item, i) for every item of list, at most `concurrency` at once
-- (16), each in a task; returns when all are done.
-- @treturn table results: `results[i]` holds fn's return values for
--   `list[i]` (`results[i][1]`, `results[i][2]`, ..., and `.n`)
function M.map(list, fn, opts)
  opts = check_options(opts, { concurrency = true }, "map")
  if type(list) ~= "table" then error("bad argument #1 to 'map' (table expected, got " .. type(list) .. ")", 2) end
  if type(fn) ~= "function" then error("bad argument #2 to 'map' (function expected, got " .. type(fn) .. ")", 2) end
  local concurrency = opts.concurrency or 16
  if type(concurrency) ~= "number" or concurrency < 1 or concurrency % 1 ~= 0 then
    error("map: concurrency must be a whole number >= 1", 2)
  end
  local n, next_index, results = #list, 1, {}
  local function worker()
    while next_index <= n do
      local i = next_index
      next_index = i + 1
      results[i] = pack(fn(list[i], i))
    end
  end
  local workers = {}
  for w = 1, math.min(concurrency, n) do workers[w] = M.async(worker) end
  for _, t in ipairs(workers) do t:result() end
  return results
end

return M
