-- Prints a table of campaigns and their states (of one instance, or all).
--
--   lua5.4 examples/campaign_table.lua [INSTANCE_ID]
local cc = require "connectcampaigns"

local instance = arg[1]
local client = assert(cc.new())
local params = {}
if instance then params.filters = { instanceIdFilter = { value = instance, operator = "Eq" } } end

local rows = {}
for item, err in client:items("list_campaigns", params) do
  if not item then
    io.stderr:write("list_campaigns failed: ", tostring(err), "\n")
    os.exit(1)
  end
  local state = client:get_campaign_state { id = item.id }
  rows[#rows + 1] = { item.name, item.id, state and state.state or "?",
    table.concat(item.channelSubtypes or {}, ",") }
end

-- display width: code points (Lua 5.1 and LuaJIT have no utf8 library)
local function width_of(s) return select(2, s:gsub("[^\128-\191]", "")) end

local head = { "NAME", "ID", "STATE", "CHANNELS" }
local width = {}
for i, h in ipairs(head) do
  width[i] = #h
  for _, r in ipairs(rows) do width[i] = math.max(width[i], width_of(r[i])) end
end
local function line(cells)
  local out = {}
  for i, c in ipairs(cells) do out[i] = c .. string.rep(" ", width[i] - width_of(c)) end
  print((table.concat(out, "  "):gsub("%s+$", "")))
end
line(head)
for _, r in ipairs(rows) do line(r) end
print(string.format("(%d campaign%s)", #rows, #rows == 1 and "" or "s"))
