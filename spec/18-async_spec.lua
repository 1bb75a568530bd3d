-- Many calls in flight outside nginx: cc.async, task:result, cc.poll, cc.map.
local cc = require "connectcampaigns"
local socket = require "socket"
local H = require "helpers"

describe("cc.async", function()
  local slow, client
  setup(function()
    slow = H.start_slow(1)
    client = H.client(slow, { max_attempts = 1 })
  end)
  teardown(function()
    client:close()
    slow.stop()
  end)

  it("runs 20 calls of 1 s each in about 1 s, on few connections", function()
    local before = slow.stats()
    local started = socket.gettime()
    local tasks = {}
    for i = 1, 20 do
      tasks[i] = cc.async(function() return client:describe_campaign { id = "c" .. i } end)
    end
    for i = 1, 20 do
      local out, err = tasks[i]:result()
      assert.truthy(out, tostring(err))
      assert.are.equal("n", out.campaign.name)
    end
    local took = socket.gettime() - started
    -- sequential would take 20 s; generous bound for a noisy machine
    assert.is_true(took < 5, string.format("took %.2f s", took))
    local after = slow.stats()
    assert.are.equal(20, after.requests - before.requests)
    assert.is_true(after.max_in_flight >= 15, "only " .. after.max_in_flight .. " at once")
    -- the next round reuses the connections the first one opened
    local again = {}
    for i = 1, 20 do again[i] = cc.async(function() return client:describe_campaign { id = "d" .. i } end) end
    for i = 1, 20 do assert.truthy((again[i]:result())) end
    local final = slow.stats()
    -- without reuse it would be 40; a few more than 20 may open while others are still closing
    assert.is_true(final.connections - before.connections < 30,
      (final.connections - before.connections) .. " connections for 40 calls")
  end)

  it("behaves as a plain call outside a task, and keeps the out | nil, err contract inside", function()
    local t = cc.async(function() return client:describe_campaign { id = "" } end)
    local out, err = t:result()
    assert.is_nil(out)
    assert.are.equal("ParamValidationError", err.code)
    assert.truthy(client:describe_campaign { id = "plain" })
  end)

  it("lets a host's frame loop drive it with cc.poll(0)", function()
    local t = cc.async(function() return client:describe_campaign { id = "frame" } end)
    local frames = 0
    while not t:is_done() do
      frames = frames + 1
      local running = cc.poll(0)
      assert.is_true(running >= 0)
      socket.sleep(0.01) -- the rest of a frame
    end
    assert.is_true(frames > 10, "the loop froze: " .. frames .. " frames")
    assert.truthy((t:result()))
    assert.are.equal(0, cc.poll(0))
  end)

  it("retries inside a task with a backoff that does not block other tasks", function()
    local flaky = H.client({ url = slow.url .. "/flaky" }, { max_attempts = 3 })
    local t1 = cc.async(function() return flaky:describe_campaign { id = "f" } end)
    local t2 = cc.async(function() return client:describe_campaign { id = "g" } end)
    local out, err = t1:result()
    assert.truthy(out, tostring(err))
    assert.truthy((t2:result()))
    flaky:close()
  end)

  it("waits for a task from inside another task", function()
    local inner = cc.async(function() return client:describe_campaign { id = "inner" } end)
    local outer = cc.async(function()
      local out = inner:result()
      return out and out.campaign.id, "seen"
    end)
    local id, seen = outer:result()
    assert.are.equal("c", id)
    assert.are.equal("seen", seen)
  end)

  it("raises a task's own error from result(), and refuses misuse", function()
    local t = cc.async(function() error("boom") end)
    assert.has_error(function() t:result() end)
    assert.has_error(function() cc.async("not a function") end)
    assert.has_error(function() cc.poll(-1) end)
    local stuck = cc.async(function() coroutine.yield() end)
    assert.has_error(function() stuck:result() end)
  end)
end)

describe("cc.map", function()
  local slow, client
  setup(function()
    slow = H.start_slow(0.3)
    client = H.client(slow, { max_attempts = 1 })
  end)
  teardown(function()
    client:close()
    slow.stop()
  end)

  it("runs every item, at most `concurrency` at once, results in order", function()
    local items = {}
    for i = 1, 12 do items[i] = "c" .. i end
    local before = slow.stats()
    local results = cc.map(items, function(id, i)
      local out, err = client:describe_campaign { id = id }
      return out and out.campaign.name, err, i
    end, { concurrency = 4 })
    assert.are.equal(12, #results)
    for i, r in ipairs(results) do
      assert.are.equal("n", r[1])
      assert.are.equal(i, r[3])
    end
    local after = slow.stats()
    assert.are.equal(12, after.requests - before.requests)
    assert.is_true(after.max_in_flight <= 4, after.max_in_flight .. " at once")
    assert.is_true(after.max_in_flight >= 2, "no overlap at all")
    assert.has_error(function() cc.map(items, print, { concurency = 2 }) end)
    assert.has_error(function() cc.map(items, print, { concurrency = 0 }) end)
  end)
end)
