-- Writes docs/operations.md, the reference of every operation, from the
-- model the library embeds: HTTP method and path, each parameter with its
-- type, whether it is required and its constraints, the result, the errors.
--
-- usage: lua5.4 tools/gen_docs.lua [OUTPUT]   (default docs/operations.md)
-- (with LUA_CPATH finding the built connectcampaigns.core, as `make docs` sets)
local core = require "connectcampaigns.core"

local model = assert(core.json_decode(core.model_json()))
local shapes = model.shapes
local out = {}
local function emit(s) out[#out + 1] = s end

local TYPE = { structure = "table", list = "list", map = "map", string = "string", integer = "integer",
  long = "integer", double = "number", float = "number", boolean = "boolean",
  timestamp = "timestamp (epoch seconds or ISO-8601)", blob = "string" }

local function fmt_num(n)
  if n == math.floor(n) then return string.format("%d", n) end
  return tostring(n)
end

local function constraints(s)
  local c = {}
  local what = (s.type == "string" or s.type == "list" or s.type == "map") and "length" or "value"
  if s.min and s.max then
    c[#c + 1] = string.format("%s %s..%s", what, fmt_num(s.min), fmt_num(s.max))
  elseif s.min then
    c[#c + 1] = string.format("%s >= %s", what, fmt_num(s.min))
  elseif s.max then
    c[#c + 1] = string.format("%s <= %s", what, fmt_num(s.max))
  end
  if s.enum then c[#c + 1] = "one of `" .. table.concat(s.enum, "`, `") .. "`" end
  if s.pattern then c[#c + 1] = "pattern `" .. s.pattern:gsub("|", "\\|") .. "`" end
  if s.union then c[#c + 1] = "a union: set exactly one member" end
  if s.sensitive then c[#c + 1] = "sensitive" end
  return c
end

local function sorted_members(s)
  local names = {}
  for name in pairs(s.members or {}) do names[#names + 1] = name end
  table.sort(names)
  local required = {}
  for _, r in ipairs(s.required or {}) do required[r] = true end
  return names, required
end

-- One line for a value of shape `name`, then its members, indented.
local function describe(label, shape_name, required, where, indent, stack)
  local s = shapes[shape_name]
  local t = TYPE[s.type] or s.type
  if s.type == "list" then t = "list of " .. (TYPE[shapes[s.member.shape].type] or "?") end
  if s.type == "map" then t = "map of string to " .. (TYPE[shapes[s.value.shape].type] or "?") end
  local parts = { t }
  if s.type == "map" then
    local keys = constraints(shapes[s.key.shape])
    if #keys > 0 then parts[#parts + 1] = "keys: " .. table.concat(keys, ", ") end
  end
  if required then parts[#parts + 1] = "**required**" end
  if where then parts[#parts + 1] = where end
  for _, c in ipairs(constraints(s)) do parts[#parts + 1] = c end
  emit(string.format("%s- `%s` (%s)", indent, label, table.concat(parts, "; ")))
  if stack[shape_name] then return end -- a recursive shape: described above
  stack[shape_name] = true
  local inner = s
  if s.type == "list" then inner = shapes[s.member.shape] end
  if s.type == "map" then inner = shapes[s.value.shape] end
  if inner.type == "structure" then
    local names, req = sorted_members(inner)
    for _, name in ipairs(names) do
      describe(name, inner.members[name].shape, req[name], nil, indent .. "  ", stack)
    end
  end
  stack[shape_name] = nil
end

local function snake(name)
  return (name:gsub("(%l)(%u)", "%1_%2"):gsub("(%u)(%u%l)", "%1_%2"):lower())
end

local names = {}
for name in pairs(model.operations) do names[#names + 1] = name end
table.sort(names, function(a, b) return snake(a) < snake(b) end)

emit("# Operations")
emit("")
emit("Generated from the service model by `tools/gen_docs.lua` (`make docs`); do not edit.")
emit("Every operation is a method of a client, `client:<name>{...}`, and a module function,")
emit("`cc.<name>{...}`. A call returns the result table, or `nil, err` (see the README's")
emit("\"Error handling\"). Timestamps are given as epoch seconds or ISO-8601 text and come")
emit("back as epoch seconds. Only types, required members and minimums are checked before")
emit("sending; the service checks maxima, enums and patterns.")
emit("")
for _, name in ipairs(names) do
  emit(string.format("- [`%s`](#%s)", snake(name), snake(name)))
end
for _, name in ipairs(names) do
  local op = model.operations[name]
  emit("")
  emit("## " .. snake(name))
  emit("")
  emit(string.format("`%s %s` (%s)", op.http.method, op.http.requestUri, name))
  local pag = model.paginators[name]
  if pag then
    emit("")
    emit(string.format("Paginated: `client:pages(\"%s\", params)` walks the pages and `client:items(\"%s\", params)` "
      .. "the items of `%s`.", snake(name), snake(name), pag.result_key))
  end
  emit("")
  emit("**Parameters**")
  emit("")
  local input = op.input and shapes[op.input.shape]
  if input and next(input.members) then
    local members, req = sorted_members(input)
    for _, m in ipairs(members) do
      local ref = input.members[m]
      local where = ref.location == "uri" and "in the path"
        or ref.location == "querystring" and "in the query string" or nil
      describe(m, ref.shape, req[m], where, "", {})
    end
  else
    emit("None.")
  end
  emit("")
  emit("**Result**")
  emit("")
  local output = op.output and shapes[op.output.shape]
  if output and next(output.members) then
    local members = sorted_members(output)
    for _, m in ipairs(members) do describe(m, output.members[m].shape, false, nil, "", {}) end
  else
    emit("An empty table.")
  end
  emit("")
  emit("**Errors**")
  emit("")
  for _, e in ipairs(op.errors or {}) do
    local s = shapes[e.shape]
    emit(string.format("- `%s` (HTTP %d)", e.shape, s.error and s.error.httpStatusCode or 400))
  end
end

local path = arg[1] or "docs/operations.md"
local f = assert(io.open(path, "wb"))
f:write(table.concat(out, "\n"), "\n")
f:close()
print(string.format("wrote %s: %d operations", path, #names))
