-- The README's Lua examples, run in order against the emulator.
local H = require "helpers"

local function readme_blocks()
  local f = assert(io.open("README.md", "rb"))
  local text = f:read("*a")
  f:close()
  local blocks = {}
  for code in text:gmatch("```lua\n(.-)```") do blocks[#blocks + 1] = code end
  return blocks
end

describe("the README", function()
  local emu
  setup(function() emu = H.start_emulator() end)
  teardown(function() if emu then emu.stop() end end)

  it("has examples that run as written", function()
    local blocks = readme_blocks()
    assert.is_true(#blocks >= 7)
    local source = table.concat(blocks, "\n")
    -- point the example at the emulator, with its key pair
    source = source:gsub('endpoint = "http://127%.0%.0%.1:4566"', 'endpoint = "' .. emu.url .. '"')
    source = source:gsub('access_key_id = "%.%.%.", secret_access_key = "%.%.%."',
      'access_key_id = "test", secret_access_key = "test"')
    -- the error-handling example pauses the campaign the first example created
    source = source:gsub("local out, err = client:pause_campaign { id = id }",
      "local out, err = client:pause_campaign { id = created.id }")
    local printed = {}
    local env = setmetatable({ print = function(...)
      local t = {}
      for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end
      printed[#printed + 1] = table.concat(t, "\t")
    end }, { __index = _G })
    local chunk
    if setfenv then -- Lua 5.1: load takes no environment
      chunk = assert(loadstring(source, "=README.md")) -- luacheck: ignore 113
      setfenv(chunk, env)
    else
      chunk = assert(load(source, "=README.md", "t", env))
    end
    chunk()
    assert.matches("^%x+%-[%x%-]+\tarn:aws:connect%-campaigns:us%-east%-1:123456789012:campaign/", printed[1])
    assert.matches("^spring%-renewals\t1772352000$", printed[2])
    assert.are.equal("campaign is Initialized", printed[3])
  end)
end)
