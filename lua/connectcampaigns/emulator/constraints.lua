--- What the service checks that the client leaves to it: enum values,
-- maximum lengths and values, and the model's patterns (PCRE-style, with
-- lookaheads, so PCRE2 does the matching). A value must match a pattern as a
-- whole, as the service's "failed to satisfy constraint" answers show.
-- The client already checked types, required members and minimums.
-- @module connectcampaigns.emulator.constraints

-- Code points of a UTF-8 string (validated before it gets here): every byte
-- that is not a continuation byte starts one. Lua 5.1 and LuaJIT have no utf8.
local function chars(v)
  return select(2, v:gsub("[^\128-\191]", ""))
end

local core = require "connectcampaigns.core"
local rex = require "rex_pcre2"

local M = {}

local shapes = core.model_view().shapes
local compiled = {}

local function regex(pattern)
  local r = compiled[pattern]
  if r == nil then
    r = assert(rex.new("^(?:" .. pattern .. ")$", rex.flags().UTF))
    compiled[pattern] = r
  end
  return r
end

local function join(path, name)
  return path == "" and name or (path .. "." .. name)
end

local function check(shape_name, value, path)
  local s = shapes[shape_name]
  local t = s.type
  if t == "structure" then
    for name, ref in pairs(s.members or {}) do
      if value[name] ~= nil then
        local err = check(ref.shape, value[name], join(path, name))
        if err then return err end
      end
    end
  elseif t == "list" then
    if s.max and #value > s.max then
      return string.format("Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d",
        path, s.max)
    end
    for i, v in ipairs(value) do
      local err = check(s.member.shape, v, string.format("%s[%d]", path, i))
      if err then return err end
    end
  elseif t == "map" then
    for k, v in pairs(value) do
      local err = check(s.key.shape, k, join(path, k)) or check(s.value.shape, v, join(path, k))
      if err then return err end
    end
  elseif t == "string" then
    if s.max and chars(value) > s.max then
      return string.format("Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d",
        path, s.max)
    end
    if s.enum then
      local ok = false
      for _, e in ipairs(s.enum) do
        if e == value then ok = true break end
      end
      if not ok then
        return string.format("Value at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
          path, table.concat(s.enum, ", "))
      end
    end
    if s.pattern and not regex(s.pattern):find(value) then
      return string.format("Value at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s",
        path, s.pattern)
    end
  elseif t == "integer" or t == "long" or t == "double" or t == "float" then
    if s.max and value > s.max then
      return string.format("Value at '%s' failed to satisfy constraint: Member must be less than or equal to %s",
        path, tostring(s.max))
    end
  end
  return nil
end

--- The first constraint the input of an operation breaks, as the service words it; nil when none.
function M.check(input_shape, value)
  return check(input_shape, value, "")
end

return M
