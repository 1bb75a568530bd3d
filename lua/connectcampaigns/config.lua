--- Configuration as every AWS SDK reads it: environment variables and the
-- shared files `~/.aws/config` and `~/.aws/credentials`.
--
-- The environment is read through `env`, a function or a table given to
-- `connectcampaigns.new`, so hosts without `os.getenv` (sandboxes) and tests
-- can supply their own.
-- @module connectcampaigns.config

local M = {}

--- A getter over the environment: `env` may be nil (os.getenv), a function
-- or a table. Empty values count as unset.
function M.getenv(env)
  local get
  if env == nil then
    -- a sandbox without the os library has no environment: nothing is set
    get = os and os.getenv or function() return nil end
  elseif type(env) == "function" then
    get = env
  else
    get = function(name) return env[name] end
  end
  return function(name)
    local v = get(name)
    if v == nil or v == "" then return nil end
    return v
  end
end

--- s without the white space at its ends. Linear whatever s holds: the
-- usual `^%s*(.-)%s*$` retries its tail at every length of a run of spaces,
-- so a line with a long one took seconds (quadratic).
function M.trim(s)
  local first = s:find("%S")
  if not first then return "" end
  return s:match(".*%S", first) -- from the first non-space, greedy to the last
end

--- s without the white space at its end, in linear time (not `%s+$`, which
-- starts again at each space of a run).
function M.rtrim(s)
  return s:match("^(.*%S)") or ""
end

--- Parses the INI text of a shared file into sections, as botocore reads
-- them: `#` and `;` start comment lines, CRLF and a UTF-8 BOM are fine, a
-- section named twice is one section (later keys win), and `key =` is the
-- empty string (which every reader treats as unset). Only a key with an
-- empty value *followed by indented lines* holds a nested table (the
-- `services` sections use this).
-- @treturn table section name -> { key = value | { key = value } }
function M.parse_ini(text)
  local sections, current, nested = {}, nil, nil
  local lines = {}
  text = text:gsub("^\239\187\191", "") -- a UTF-8 byte order mark
  for raw in (text .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = (raw:gsub("\r$", "")) end
  local function is_indented(line) return line ~= nil and line:match("^[ \t]+[^%s#;]") ~= nil end
  for i, line in ipairs(lines) do
    local indented = is_indented(line)
    -- each pattern here runs in linear time on any line (see M.trim)
    local trimmed = M.trim(line)
    local section = trimmed:match("^%[(.*)%]$")
    if section then section = M.trim(section) end
    local key, value = trimmed:match("^([^=]*)=(.*)$")
    if key then key, value = M.rtrim(key), value:match("^%s*(.*)$") end
    if trimmed == "" or trimmed:match("^[#;]") then -- luacheck: ignore 542
      -- a blank line or a comment
    elseif section then
      current = sections[section] or {}
      sections[section] = current
      nested = nil
    elseif current and key and key ~= "" then
      if indented and nested then
        nested[key] = value
      elseif value == "" and is_indented(lines[i + 1]) then
        nested = {}
        current[key] = nested
      else
        current[key] = value
        nested = nil
      end
    end
  end
  return sections
end

-- Shared files larger than this are not read: no real one comes near it.
local MAX_FILE = 4 * 1024 * 1024

--- The contents of a file, or nil and why.
function M.read_file(path, max)
  if not io then return nil, "no io library in this Lua state" end
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  max = max or MAX_FILE
  local s = f:read(max + 1)
  f:close()
  if s and #s > max then return nil, path .. " is larger than " .. max .. " bytes" end
  return s or ""
end

local function expand_home(path, getenv)
  if path:sub(1, 2) == "~/" then
    local home = getenv("HOME") or getenv("USERPROFILE")
    if home then return home .. path:sub(2) end
  end
  return path
end

--- The shared files, read once per client.
-- @treturn table `{ config = sections, credentials = sections, config_path, credentials_path }`
function M.load_files(getenv)
  local config_path = expand_home(getenv("AWS_CONFIG_FILE") or "~/.aws/config", getenv)
  local credentials_path = expand_home(getenv("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials", getenv)
  local config_text = M.read_file(config_path)
  local credentials_text = M.read_file(credentials_path)
  return {
    config = config_text and M.parse_ini(config_text) or {},
    credentials = credentials_text and M.parse_ini(credentials_text) or {},
    config_path = config_path,
    credentials_path = credentials_path,
  }
end

--- The settings of a profile: `[profile NAME]` (or `[default]`) of the config
-- file, with `[NAME]` of the credentials file over it, as botocore merges them.
-- @treturn table|nil the settings, nil when neither file has the profile
function M.profile(files, name)
  local from_config = files.config[name == "default" and "default" or ("profile " .. name)]
  if name == "default" and not from_config then from_config = files.config["profile default"] end
  local from_credentials = files.credentials[name]
  if not from_config and not from_credentials then return nil end
  local merged = {}
  for k, v in pairs(from_config or {}) do merged[k] = v end
  for k, v in pairs(from_credentials or {}) do merged[k] = v end
  -- `key =` is unset, as in botocore (after the merge: it still hides the other file's value)
  for k, v in pairs(merged) do
    if v == "" then merged[k] = nil end
  end
  return merged
end

--- The `[services NAME]` section a profile points at with `services = NAME`.
function M.services(files, profile)
  local name = profile and profile.services
  return name and files.config["services " .. name] or nil
end

--- Whether a setting reads as true ("true", any case).
function M.truthy(v)
  return type(v) == "string" and v:lower() == "true" or v == true
end

return M
