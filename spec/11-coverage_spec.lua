-- One operation added to the model is one method, one doc entry and one
-- emulator handler: this fails when any of them is missing or stale.
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"
local emulator = require "connectcampaigns.emulator"
local H = require "helpers"

local function read(path) return assert(H.read(path), path) end

describe("coverage of the model", function()
  local model = assert(core.json_decode(core.model_json()))
  local docs = read("docs/operations.md")

  for name in pairs(model.operations) do
    local snake = name:gsub("(%l)(%u)", "%1_%2"):lower()
    it(name .. " has a method, a reference entry and an emulator handler", function()
      assert.is_function(cc.Client[snake], "no client method " .. snake)
      assert.is_function(cc[snake], "no module function " .. snake)
      assert.is_truthy(docs:find("\n## " .. snake .. "\n", 1, true), "no reference entry for " .. snake)
      assert.is_function(emulator.handlers[name], "no emulator handler for " .. name)
    end)
  end

  it("has a reference that matches the model (make docs)", function()
    local tmp = os.tmpname()
    local out, ok = H.run(string.format("LUA_CPATH='./%s/?.so;;' %s tools/gen_docs.lua %s", H.BUILD, H.LUA, tmp))
    assert.is_true(ok, out)
    local fresh = read(tmp)
    os.remove(tmp)
    assert.are.equal(fresh, docs, "docs/operations.md is stale: run make docs")
  end)
end)
