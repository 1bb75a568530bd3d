-- Imports outbound requests from a CSV file into a running campaign, in
-- batches of the largest size the service takes, several batches in flight
-- at once (cc.map), and reports every row that failed with its reason. A
-- batch the service refuses as a whole for one bad row is split until the
-- bad rows stand alone, so exactly those are reported. The failed rows and
-- their reasons are written to FILE.failed.csv, and the exit status is 1
-- when any row failed. On a terminal (or with --progress) a progress line
-- shows rows done and the rate.
--
--   lua5.4 examples/import_outbound_requests.lua [--progress] CAMPAIGN_ID contacts.csv
--
-- The CSV has a header row. Column `phone` is the number to call (E.164);
-- optional `expires_in_hours` (default 24); every other column becomes an
-- attribute of the contact flow. Fields may be "quoted", with "" for a quote.
local cc = require "connectcampaigns"

local progress = false
local args = {}
for _, a in ipairs(arg) do
  if a == "--progress" then progress = true else args[#args + 1] = a end
end
local campaign_id, path = args[1], args[2]
if not (campaign_id and path) then
  io.stderr:write("usage: import_outbound_requests.lua [--progress] CAMPAIGN_ID FILE.csv\n")
  os.exit(2)
end
if not progress then -- a terminal on stderr? (the one shell this example starts)
  local tty = os.execute("[ -t 2 ]")
  progress = tty == true or tty == 0
end

-- Splits one CSV line into fields.
local function csv_fields(line)
  local fields, i, n = {}, 1, #line
  while i <= n + 1 do
    if line:sub(i, i) == '"' then
      local value, j = {}, i + 1
      while true do
        local q = line:find('"', j, true)
        if not q then return nil, "unterminated quote" end
        value[#value + 1] = line:sub(j, q - 1)
        if line:sub(q + 1, q + 1) == '"' then
          value[#value + 1] = '"'
          j = q + 2
        else
          i = q + 1
          break
        end
      end
      fields[#fields + 1] = table.concat(value)
      if i <= n and line:sub(i, i) ~= "," then return nil, "text after a closing quote" end
      i = i + 1
    else
      local comma = line:find(",", i, true) or (n + 1)
      fields[#fields + 1] = line:sub(i, comma - 1)
      i = comma + 1
    end
  end
  return fields
end

local BATCH = cc.model().shapes.OutboundRequestList.max -- 25 in this model
local client = assert(cc.new())
local token_prefix = (path:match("([^/]+)$") or "import"):gsub("[^%w_.-]", "-")

local file = assert(io.open(path, "rb"))
local header = csv_fields((file:read("*l") or ""):gsub("\r$", ""))
local CONCURRENCY = 4 -- batches in flight at once
local unpack_list = table.unpack or unpack -- luacheck: ignore 113 (Lua 5.1 and LuaJIT: unpack)
local rows, batches, failed, sent, ok_count = {}, {}, {}, 0, 0
local total, done, started = 0, 0, os.time()

local function show_progress()
  if not progress then return end
  local rate = done / math.max(1, os.time() - started)
  io.stderr:write(string.format("\r%d/%d rows, %.0f rows/s ", done, total, rate))
end

-- Sends rows (in a cc.map task: it waits without blocking the others). A
-- batch refused as a whole (ValidationException: one row breaks the rules)
-- is sent again in halves, down to single rows, so only bad rows fail.
local function send_rows(batch, result)
  local requests, by_token = {}, {}
  for i, row in ipairs(batch) do
    requests[i] = row.request
    by_token[row.request.clientToken] = row
  end
  local out, err = client:put_outbound_request_batch { id = campaign_id, outboundRequests = requests }
  if not out and err.code == "ValidationException" and #batch > 1 then
    local half = math.floor(#batch / 2)
    send_rows({ unpack_list(batch, 1, half) }, result)
    send_rows({ unpack_list(batch, half + 1, #batch) }, result)
    return
  end
  result.sent = result.sent + #batch
  if not out then
    for _, row in ipairs(batch) do result.failed[#result.failed + 1] = { row, tostring(err) } end
  else
    result.ok = result.ok + #(out.successfulRequests or {})
    for _, f in ipairs(out.failedRequests or {}) do
      result.failed[#result.failed + 1] = { by_token[f.clientToken] or { line = "?" }, f.failureCode or "unknown" }
    end
  end
  done = done + #batch
  show_progress()
end

local function send_batch(batch)
  local result = { sent = 0, ok = 0, failed = {} }
  send_rows(batch, result)
  return result
end

local function flush()
  if #rows == 0 then return end
  batches[#batches + 1] = rows
  rows = {}
end

local line_no = 1
for line in file:lines() do
  line_no = line_no + 1
  line = line:gsub("\r$", "")
  if line ~= "" then
    local fields, perr = csv_fields(line)
    local row = {}
    for i, name in ipairs(header or {}) do row[name] = fields and fields[i] end
    if not fields then
      failed[#failed + 1] = { { line = line_no, text = line }, "bad CSV: " .. perr }
    elseif not row.phone or row.phone == "" then
      failed[#failed + 1] = { { line = line_no, text = line }, "no phone number" }
    else
      local attributes = {}
      for name, value in pairs(row) do
        if name ~= "phone" and name ~= "expires_in_hours" and value ~= "" then attributes[name] = value end
      end
      local hours = tonumber(row.expires_in_hours) or 24
      total = total + 1
      rows[#rows + 1] = { line = line_no, text = line, request = {
        clientToken = string.format("%s-%d", token_prefix, line_no),
        expirationTime = os.time() + math.floor(hours * 3600),
        channelSubtypeParameters = { telephony = { destinationPhoneNumber = row.phone, attributes = attributes } },
      } }
      if #rows == BATCH then flush() end
    end
  end
end
file:close()
flush()

for _, r in ipairs(cc.map(batches, send_batch, { concurrency = CONCURRENCY })) do
  local result = r[1]
  sent, ok_count = sent + result.sent, ok_count + result.ok
  for _, f in ipairs(result.failed) do failed[#failed + 1] = f end
end

if progress and total > 0 then io.stderr:write("\n") end

table.sort(failed, function(a, b) return (tonumber(a[1].line) or 0) < (tonumber(b[1].line) or 0) end)
print(string.format("%d row(s) sent in batches of %d: %d accepted, %d failed", sent, BATCH, ok_count, #failed))
for _, f in ipairs(failed) do print(string.format("  line %s: %s", f[1].line, f[2])) end

-- the failed rows as they were, with their reasons, ready to fix and import again
if #failed > 0 then
  local function quoted(v) return '"' .. tostring(v):gsub('"', '""') .. '"' end
  local out = assert(io.open(path .. ".failed.csv", "wb"))
  out:write(table.concat(header or {}, ","), ",reason\n")
  for _, f in ipairs(failed) do out:write(f[1].text or "", ",", quoted(f[2]), "\n") end
  out:close()
  print("failed rows written to " .. path .. ".failed.csv")
end
os.exit(#failed == 0 and 0 or 1)
