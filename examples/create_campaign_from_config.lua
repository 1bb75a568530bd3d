-- Creates a campaign from a config file: JSON, or a Lua file that returns a
-- table, with the members of create_campaign (name, connectInstanceId,
-- channelSubtypeConfig, schedule, ...).
--
--   lua5.4 examples/create_campaign_from_config.lua campaign.json
local cc = require "connectcampaigns"

local path = arg[1]
if not path then
  io.stderr:write("usage: create_campaign_from_config.lua CONFIG.json|CONFIG.lua\n")
  os.exit(2)
end

local function load_config(file)
  if file:match("%.lua$") then
    -- a config is data: no globals, no os or io
    local chunk, err = loadfile(file, "t", {})
    if not chunk then return nil, err end
    local ok, value = pcall(chunk)
    if not ok then return nil, value end
    return value
  end
  local f, err = io.open(file, "rb")
  if not f then return nil, err end
  local text = f:read("*a")
  f:close()
  local value, jerr = require("connectcampaigns.core").json_decode(text)
  if value == nil then return nil, file .. ": " .. tostring(jerr and jerr.message) end
  return value
end

local config, err = load_config(path)
if type(config) ~= "table" then
  io.stderr:write("cannot read ", path, ": ", tostring(err or "not a table"), "\n")
  os.exit(1)
end

local client = assert(cc.new())
local created, cerr = client:create_campaign(config)
if not created then
  -- a ParamValidationError names the member of the config that is wrong
  io.stderr:write("create_campaign failed: ", tostring(cerr), "\n")
  os.exit(1)
end
print(string.format("created %s\n  id:  %s\n  arn: %s", config.name, created.id, created.arn))
