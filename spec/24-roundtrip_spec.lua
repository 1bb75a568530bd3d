-- Random answers, built from the model, written as the service could write
-- them, read back by the client and compared with what was generated, with
-- number types. Every operation's output shape and every modeled error.
--
-- What the writer varies: members present or absent, JSON null for absent,
-- unknown members (nested values too) and "__type" anywhere, strings with
-- NULs, controls, escapes and astral characters (raw or \u-escaped),
-- integral doubles and -0.0, integers written as 30.0, timestamps as epoch
-- integers, epoch fractions, ISO-8601 with a fraction or an offset, RFC 822;
-- error codes from the header, code, Code or __type, with the suffixes and
-- prefixes botocore cuts.
--
-- CC_ROUNDTRIP_SEED picks the run (fixed in make test; make fuzz passes a
-- random one and prints it), CC_ROUNDTRIP_ROUNDS how many answers per shape.
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"
local H = require "helpers"

local SEED = tonumber(os.getenv("CC_ROUNDTRIP_SEED") or "") or 20261123
local ROUNDS = tonumber(os.getenv("CC_ROUNDTRIP_ROUNDS") or "") or 25
local MAX_DEPTH = 12

-- Park-Miller: the same numbers on every interpreter (products stay below
-- 2^53, exact in a double), unlike math.random.
local state = SEED % 2147483646 + 1
local function rand(n) -- 1..n
  state = state * 16807 % 2147483647
  return state % n + 1
end
local function chance(p) return rand(1000) <= p * 1000 end
local function pick(list) return list[rand(#list)] end

-- { text, json } pairs built together so the expected text is known exactly.
local function utf8_char(cp)
  if cp < 0x80 then return string.char(cp) end
  if cp < 0x800 then return string.char(0xC0 + math.floor(cp / 64), 0x80 + cp % 64) end
  if cp < 0x10000 then
    return string.char(0xE0 + math.floor(cp / 4096), 0x80 + math.floor(cp / 64) % 64, 0x80 + cp % 64)
  end
  return string.char(0xF0 + math.floor(cp / 262144), 0x80 + math.floor(cp / 4096) % 64,
    0x80 + math.floor(cp / 64) % 64, 0x80 + cp % 64)
end

local SHORT = { [8] = "\\b", [9] = "\\t", [10] = "\\n", [12] = "\\f", [13] = "\\r", [34] = '\\"', [92] = "\\\\" }
local function json_char(cp)
  if SHORT[cp] and (cp == 34 or cp == 92 or chance(0.5)) then return SHORT[cp] end
  if cp < 0x20 or (cp >= 0x80 and chance(0.5)) or cp == 0x2F and chance(0.3) then
    if cp >= 0x10000 then
      local v = cp - 0x10000
      return string.format("\\u%04x\\u%04X", 0xD800 + math.floor(v / 1024), 0xDC00 + v % 1024)
    end
    return string.format(chance(0.5) and "\\u%04x" or "\\u%04X", cp)
  end
  return utf8_char(cp)
end

local CODEPOINTS = { 0, 1, 0x1F, 0x22, 0x5C, 0x2F, 0x7F, 0xE9, 0x7FF, 0x800, 0x2603, 0xFFFD, 0x10000, 0x1F600,
  0x10FFFF, 8, 9, 10, 12, 13 }
local function random_string(max)
  local text, json = {}, {}
  for i = 1, rand(max + 1) - 1 do
    local cp = chance(0.7) and (rand(94) + 32) or pick(CODEPOINTS)
    text[i], json[i] = utf8_char(cp), json_char(cp)
  end
  return table.concat(text), '"' .. table.concat(json) .. '"'
end

local function ws() return chance(0.2) and pick { " ", "\n", "\t ", "\r\n  " } or "" end

-- Any JSON value, for unknown members: the reader must skip it whole.
local function junk(depth)
  local r = rand(depth > 3 and 5 or 7)
  if r == 1 then return "null" elseif r == 2 then return chance(0.5) and "true" or "false"
  elseif r == 3 then return select(2, random_string(6))
  elseif r == 4 then return pick { "0", "-1.5e300", "12345678901234567890", "1E-7", "-0" }
  elseif r == 5 then return "{}"
  elseif r == 6 then
    local items = {}
    for i = 1, rand(3) do items[i] = junk(depth + 1) end
    return "[" .. table.concat(items, ",") .. "]"
  end
  return '{"a":' .. junk(depth + 1) .. ',"__type":"x#Y"}'
end

-- {{ Timestamps: civil dates by Howard Hinnant's algorithms, in floats.
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = math.floor((153 * mp + 2) / 5) + d - 1
  return era * 146097 + yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  return yoe + era * 400 + (m <= 2 and 1 or 0), m, d
end

local MONTHS = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }
local DAYS = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" } -- 1970-01-01 was a Thursday

local function clock(sec) -- days, hours, minutes, seconds of epoch seconds
  local days = math.floor(sec / 86400)
  local rest = sec - days * 86400
  return days, math.floor(rest / 3600), math.floor(rest % 3600 / 60), rest % 60
end

-- Returns the expected value and its JSON text.
local function random_timestamp()
  local form = rand(5)
  local sec
  if form == 5 then -- ISO in any year 0001-9999
    sec = days_from_civil(rand(9999), rand(12), rand(28)) * 86400 + rand(86400) - 1
  else
    sec = rand(4102444800) - 1 -- 1970-2100
  end
  local usec = chance(0.5) and rand(1000000) - 1 or 0
  local value = sec + usec / 1e6
  if form == 1 then return sec, string.format("%d", sec) end
  if form == 2 then return value, string.format("%d.%06d", sec, usec) end
  if form == 3 then -- RFC 822, whole seconds
    local days, h, mi, s = clock(sec)
    local y, m, d = civil_from_days(days)
    return sec, string.format('"%s, %02d %s %04d %02d:%02d:%02d GMT"', DAYS[days % 7 + 1], d, MONTHS[m], y, h, mi, s)
  end
  -- ISO-8601, Z or an offset, with or without a fraction (1 to 9 digits, truncated to 6)
  local offset = (form == 4 and chance(0.5)) and (rand(27) - 14) * 3600 + (chance(0.3) and 1800 or 0) or 0
  local days, h, mi, s = clock(sec + offset)
  local y, m, d = civil_from_days(days)
  if y < 1 or y > 9999 then offset = 0; days, h, mi, s = clock(sec); y, m, d = civil_from_days(days) end
  local frac = ""
  if usec > 0 then
    local digits = rand(9)
    frac = "." .. string.format("%06d", usec):sub(1, digits) .. string.rep(tostring(rand(10) - 1), digits - 6)
    value = sec + tonumber("0" .. frac:sub(1, 7)) -- what the first six digits say
  end
  local zone = "Z"
  if offset ~= 0 then
    local a = math.abs(offset)
    zone = string.format("%s%02d:%02d", offset < 0 and "-" or "+", math.floor(a / 3600), a % 3600 / 60)
  end
  return value, string.format('"%04d-%02d-%02dT%02d:%02d:%02d%s%s"', y, m, d, h, mi, s, frac, zone)
end
-- }}

local model = cc.model()
local shapes = model.shapes

-- Returns the expected Lua value (nil: absent) and the JSON text.
local gen

-- opts.no_type: no "__type" member (an error body that carries its code there).
local function gen_structure(shape, depth, opts)
  local names = {}
  for name in pairs(shape.members) do names[#names + 1] = name end
  table.sort(names) -- pairs() order differs between runs; the generator must not
  local want, parts = {}, {}
  local chosen = {}
  if shape.union then
    chosen[pick(names)] = true
  elseif depth < MAX_DEPTH then
    for _, name in ipairs(names) do chosen[name] = chance(0.6) end
  end
  for _, name in ipairs(names) do
    local m = shape.members[name]
    if chosen[name] and not m.location then
      local v, text = gen(m.shape, depth + 1)
      want[name] = v
      parts[#parts + 1] = string.format('"%s"%s:%s%s', m.locationName or name, ws(), ws(), text)
    elseif not shape.union and chance(0.1) then
      parts[#parts + 1] = string.format('"%s":null', name) -- a null reads as absent
    end
  end
  if chance(0.2) and not (opts and opts.no_type) then
    parts[#parts + 1] = '"__type":"com.amazonaws.connectcampaigns#' .. (shape.name or "X") .. '"'
  end
  -- a union holds exactly one member, as botocore requires (a new member the
  -- model does not know arrives alone: SDK_UNKNOWN_MEMBER, spec/14)
  if chance(0.2) and not shape.union then parts[#parts + 1] = '"unknownMember' .. rand(9) .. '":' .. junk(depth) end
  -- members in any order
  for i = #parts, 2, -1 do
    local j = rand(i)
    parts[i], parts[j] = parts[j], parts[i]
  end
  return want, "{" .. ws() .. table.concat(parts, "," .. ws()) .. ws() .. "}"
end

local function gen_number(shape)
  if shape.type == "integer" or shape.type == "long" then
    local limit = shape.type == "long" and 2 ^ 53 or 2 ^ 31
    local n = rand(2000) - 1000
    if chance(0.3) then n = (rand(2147483646) - 1073741823) * (shape.type == "long" and rand(2 ^ 21) or 1) end
    if n >= limit then n = limit - 1 end
    local want = math.tointeger and math.tointeger(n) or n
    -- an integral value written as a float still reads as an integer
    return want, string.format(chance(0.2) and "%d.0" or "%d", n)
  end
  local r = rand(5)
  local n
  if r == 1 then n = rand(100) - 50 + 0.0 -- integral: still a float
  elseif r == 2 then n = -0.0
  elseif r == 3 then n = (rand(2147483646) - 1073741823) / 1024
  else n = (rand(2000000) - 1000000) / (10 ^ rand(8)) end
  local text = string.format("%.17g", n)
  if n == 0 and 1 / n < 0 then text = "-0.0" end
  return tonumber(text) * 1.0, text -- * 1.0 keeps -0.0 (+ 0.0 would not)
end

function gen(name, depth)
  local shape = shapes[name]
  shape.name = name
  local t = shape.type
  if t == "structure" then return gen_structure(shape, depth) end
  if t == "list" then
    local want, items = {}, {}
    for i = 1, depth < MAX_DEPTH and rand(4) - 1 or 0 do
      want[i], items[i] = gen(shape.member.shape, depth + 1)
    end
    return want, "[" .. table.concat(items, "," .. ws()) .. "]"
  end
  if t == "map" then
    local want, parts = {}, {}
    for _ = 1, depth < MAX_DEPTH and rand(4) - 1 or 0 do
      local key, keytext = random_string(6)
      if want[key] == nil then
        local v, text = gen(shape.value.shape, depth + 1)
        want[key] = v
        parts[#parts + 1] = keytext .. ":" .. ws() .. text
      end
    end
    return want, "{" .. table.concat(parts, ",") .. "}"
  end
  if t == "string" then
    if shape.enum and chance(0.8) then
      local v = pick(shape.enum)
      return v, '"' .. v .. '"'
    end
    return random_string(12)
  end
  if t == "boolean" then
    local v = chance(0.5)
    return v, tostring(v)
  end
  if t == "timestamp" then
    local v, text = random_timestamp()
    return { ["$timestamp"] = v }, text
  end
  if t == "integer" or t == "long" or t == "double" or t == "float" then return gen_number(shape) end
  error("the round trip cannot write a " .. t .. " yet (" .. name .. ")")
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

describe("random answers read back as they were written (seed " .. SEED .. ")", function()
  for _, opname in ipairs(sorted_keys(model.operations)) do
    local op = model.operations[opname]
    if op.output then
      it(opname, function()
        for round = 1, ROUNDS do
          local want, body = gen(op.output.shape, 0)
          local got, err = core.parse(opname, 200, body)
          assert(got, string.format("round %d: %s\n%s", round, tostring(err and err.message or err), body))
          local ok, why = pcall(H.same_typed, want, got, opname)
          assert(ok, string.format("seed %d round %d: %s\n%s", SEED, round, tostring(why), body))
        end
      end)
    end
  end
end)

describe("random error answers read back as they were written (seed " .. SEED .. ")", function()
  local errors = {}
  for _, name in ipairs(sorted_keys(shapes)) do
    if shapes[name].exception then errors[#errors + 1] = name end
  end

  it("covers every modeled error", function()
    assert.is_true(#errors >= 8, #errors .. " errors")
  end)

  for _, name in ipairs(errors) do
    it(name, function()
      local shape = shapes[name]
      local status = shape.error and shape.error.httpStatusCode or 400
      for round = 1, ROUNDS do
        local where = rand(4)
        local fields, body = gen_structure(shape, 0, { no_type = where == 4 })
        local message = fields.message
        -- where the code comes from, with what botocore cuts off it
        local suffix = pick { "", ":http://internal.amazon.com/coral/com.amazonaws.connectcampaignsv2/",
          ":http://internal.amazon.com/coral/com.amazon.coral.validate/#x" }
        local prefix = pick { "", "com.amazonaws.connectcampaignsv2#" }
        local header
        if where == 1 then
          header = name .. suffix
          fields.xAmzErrorType = header
        else
          local key = ({ "code", "Code", "__type" })[where - 1]
          local code = string.format('"%s":"%s"', key, prefix .. name .. suffix)
          body = body:match("^{%s*}$") and "{" .. code .. "}" or "{" .. code .. "," .. body:sub(2)
        end
        local got, err = core.parse("DescribeCampaign", status, body, header)
        assert.is_nil(got)
        local context = string.format("seed %d round %d: %s", SEED, round, body)
        assert.are.equal(name, err.code, context)
        if message ~= nil and message ~= "" then assert.are.equal(message, err.message, context) end
        fields.message = nil
        local got_fields = err.fields or {}
        got_fields.message = nil
        local ok, why = pcall(H.same_typed, fields, got_fields, name)
        assert(ok, context .. "\n" .. tostring(why))
      end
    end)
  end
end)
