--- "Did you mean ...?": the closest of some names to a misspelt one, for the
-- errors of unknown options, operations and parameters.
-- @module connectcampaigns.suggest

local M = {}

-- Letters only, lower case: "connect_instance_id" and "connectInstanceId" meet.
local function folded(s) return (s:gsub("[_%-]", ""):lower()) end

-- Levenshtein distance, stopping early once past `limit`.
local function distance(a, b, limit)
  if math.abs(#a - #b) > limit then return limit + 1 end
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur, best = { [0] = i }, i
    local ca = a:byte(i)
    for j = 1, #b do
      local cost = ca == b:byte(j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      if cur[j] < best then best = cur[j] end
    end
    if best > limit then return limit + 1 end
    prev = cur
  end
  return prev[#b]
end

--- The candidate closest to `name`, or nil when none is close: the same
-- letters in another case or with underscores first, then a few edits.
-- @tparam string name
-- @tparam table candidates array of strings
function M.closest(name, candidates)
  if type(name) ~= "string" then return nil end
  local f = folded(name)
  for _, c in ipairs(candidates) do
    if folded(c) == f then return c end
  end
  local limit = math.max(2, math.floor(#name / 4))
  local best, best_d
  for _, c in ipairs(candidates) do
    local d = distance(f, folded(c), limit)
    if d <= limit and (not best_d or d < best_d or (d == best_d and c < best)) then best, best_d = c, d end
  end
  return best
end

--- `message` with `, did you mean "x"?` appended when one is close.
function M.hint(message, name, candidates)
  local c = M.closest(name, candidates)
  if c then return string.format('%s, did you mean "%s"?', message, c) end
  return message
end

--- Checks an options table against the names a function knows: nil and
-- `unknown option "x", did you mean "y"?` for the first unknown one.
-- @tparam table|nil opts
-- @tparam table known set of names
function M.unknown_option(opts, known)
  if opts == nil then return nil end
  local names, list = {}, {}
  for k in pairs(known) do list[#list + 1] = k end
  table.sort(list)
  for k in pairs(opts) do names[#names + 1] = tostring(k) end
  table.sort(names)
  for _, k in ipairs(names) do
    if not known[k] then return M.hint(string.format('unknown option "%s"', k), k, list) end
  end
  return nil
end

return M
