-- Each example script, run as a user would, against the emulator.
local H = require "helpers"

describe("the examples", function()
  local emu, client

  setup(function()
    emu = H.start_emulator()
    client = emu.client()
  end)
  teardown(function()
    if client then client:close() end
    if emu then emu.stop() end
  end)
  before_each(function() emu.control("reset", {}) end)

  local function run(script, ...)
    local args = { ... }
    for i, a in ipairs(args) do args[i] = "'" .. a .. "'" end
    return H.run(string.format(
      "AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2=%s "
        .. "%s examples/%s %s",
      emu.url, H.LUA_CMD, script, table.concat(args, " ")))
  end

  local function campaign(name, instance)
    return assert(client:create_campaign { name = name, connectInstanceId = instance or "inst-examples",
      channelSubtypeConfig = { telephony = { outboundMode = { agentless = {} },
        defaultOutboundConfig = { connectContactFlowId = "flow-1" } } } })
  end

  it("create_campaign_from_config creates what the file says", function()
    local out, ok = run("create_campaign_from_config.lua", "spec/fixtures/examples/campaign.json")
    assert.is_true(ok, out)
    local id = assert(out:match("id:  (%S+)"), out)
    local c = assert(client:describe_campaign { id = id }).campaign
    assert.are.equal("winter-reminders", c.name)
    assert.are.equal("+15550100", c.channelSubtypeConfig.telephony.defaultOutboundConfig.connectSourcePhoneNumber)
    assert.are.equal(1796115600, c.schedule.startTime)
    assert.are.same({ team = "care" }, c.tags)
  end)

  it("create_campaign_from_config names what is wrong in a bad file", function()
    local out, ok = run("create_campaign_from_config.lua", "spec/fixtures/examples/bad_campaign.lua")
    assert.is_false(ok)
    assert.matches("ParamValidationError: Invalid number of parameters set for tagged union structure "
      .. "channelSubtypeConfig.telephony.outboundMode", out, 1, true)
  end)

  -- a copy of a CSV in a fresh folder: the example writes FILE.failed.csv beside it
  local function csv_copy(text)
    local dir = assert(H.run("mktemp -d")):gsub("%s+$", "")
    local path = dir .. "/contacts.csv"
    local f = assert(io.open(path, "wb"))
    f:write(text or H.fixture("examples/contacts.csv"))
    f:close()
    return path, function() H.run("rm -rf " .. dir) end
  end

  local read = H.read

  it("import_outbound_requests sends batches of 25 and reports failed rows with reasons", function()
    local c = campaign("imports")
    assert(client:start_campaign { id = c.id })
    local path, cleanup = csv_copy()
    local out, ok = run("import_outbound_requests.lua", c.id, path)
    assert.is_false(ok) -- some rows failed
    assert.matches("29 row%(s%) sent in batches of 25: 28 accepted, 2 failed", out)
    assert.matches("line 8: no phone number", out, 1, true)
    assert.matches("line 13: InvalidInput", out, 1, true)
    local failed = assert(read(path .. ".failed.csv"))
    assert.are.equal('phone,customerName,expires_in_hours,note,reason\n,"No Phone",24,missing,"no phone number"\n'
      .. '+155501012,"Late, Expired",-1,expired,"InvalidInput"\n', failed)
    -- importing again is idempotent: the same client tokens get the same ids
    local again = run("import_outbound_requests.lua", c.id, path)
    assert.matches("28 accepted", again)
    cleanup()
  end)

  it("import_outbound_requests reports exactly the rows a refused batch was refused for", function()
    local c = campaign("one-bad-row")
    assert(client:start_campaign { id = c.id })
    local lines = { "phone,customerName" }
    for i = 1, 30 do lines[#lines + 1] = string.format("+1555020%02d,Person %d", i, i) end
    lines[8] = "+1555-not-a-number,Bad One" -- line 8 breaks the model's pattern: the service refuses its batch
    local path, cleanup = csv_copy(table.concat(lines, "\n") .. "\n")
    local out, ok = run("import_outbound_requests.lua", "--progress", c.id, path)
    assert.is_false(ok)
    assert.matches("30 row%(s%) sent in batches of 25: 29 accepted, 1 failed", out)
    assert.matches("line 8: ValidationException", out)
    assert.is_nil(out:find("line 7:", 1, true))
    assert.matches("30/30 rows, %d+ rows/s", out) -- the progress line (stderr, forced by --progress)
    assert.matches("^phone,customerName,reason\n%+1555%-not%-a%-number,Bad One,\"ValidationException", read(path .. ".failed.csv"))
    cleanup()
  end)

  it("import_outbound_requests reports a campaign that is not running", function()
    local c = campaign("not-running")
    local path, cleanup = csv_copy()
    local out, ok = run("import_outbound_requests.lua", c.id, path)
    assert.is_false(ok)
    assert.matches("line 2: InvalidCampaignStateException", out, 1, true)
    cleanup()
  end)

  it("pause_running_campaigns pauses only the running ones of the instance", function()
    local running, initialized, other = campaign("r1"), campaign("i1"), campaign("o1", "inst-other")
    assert(client:start_campaign { id = running.id })
    assert(client:start_campaign { id = other.id })
    local out, ok = run("pause_running_campaigns.lua", "inst-examples")
    assert.is_true(ok, out)
    assert.matches("2 campaign%(s%) on inst%-examples, 1 paused, 0 failed", out)
    assert.are.equal("Paused", assert(client:get_campaign_state { id = running.id }).state)
    assert.are.equal("Initialized", assert(client:get_campaign_state { id = initialized.id }).state)
    assert.are.equal("Running", assert(client:get_campaign_state { id = other.id }).state)
  end)

  it("campaign_table prints names, ids, states and channels", function()
    local a, b = campaign("alpha"), campaign("beta-with-a-long-name")
    assert(client:start_campaign { id = b.id })
    local out, ok = run("campaign_table.lua", "inst-examples")
    assert.is_true(ok, out)
    local lines = {}
    for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
    assert.matches("^NAME%s+ID%s+STATE%s+CHANNELS$", lines[1])
    assert.matches("^alpha%s+" .. a.id:gsub("%-", "%%-") .. "%s+Initialized%s+TELEPHONY$", lines[2])
    assert.matches("^beta%-with%-a%-long%-name%s+" .. b.id:gsub("%-", "%%-") .. "%s+Running%s+TELEPHONY$", lines[3])
    assert.are.equal("(2 campaigns)", lines[4])
  end)
end)
