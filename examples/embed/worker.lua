-- The script each thread of examples/embed/host.c runs, in a sandbox: no io,
-- no os. Credentials, region and endpoint are given explicitly, as a host
-- that keeps its own configuration would. It returns a frame function that
-- the host calls once per frame: each call turns the client's loop once
-- (cc.poll(0), never blocking), and the last returns the thread's summary.
local cc = require "connectcampaigns"
local endpoint, thread_id = ...

assert(io == nil and os == nil, "the sandbox should have neither io nor os")

local client = assert(cc.new {
  region = "us-east-1",
  endpoint = endpoint,
  credentials = { access_key_id = "test", secret_access_key = "test" },
  max_attempts = 2,
  timeout = 10,
})

-- a blocking call, as a script would make at load time
local created = assert(client:create_campaign {
  name = "embedded-" .. thread_id,
  connectInstanceId = "inst-embed",
  channelSubtypeConfig = { telephony = { outboundMode = { agentless = {} },
    defaultOutboundConfig = { connectContactFlowId = "flow-1" } } },
})

-- then calls in flight while the host keeps drawing frames
local tasks = {}
for i = 1, 5 do
  tasks[i] = cc.async(function()
    local out, err = client:describe_campaign { id = created.id }
    return out and out.campaign.name, err
  end)
end

local frames = 0
return function()
  frames = frames + 1
  if cc.poll(0) > 0 then return nil end -- still working: draw the next frame
  for _, t in ipairs(tasks) do
    local name, err = t:result()
    if name ~= "embedded-" .. thread_id then return "error: " .. tostring(err) end
  end
  client:close()
  return string.format("thread %s: campaign %s, 5 calls in flight over %d frames", thread_id, created.id, frames)
end
