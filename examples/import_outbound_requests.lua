-- Imports outbound requests from a CSV file into a running campaign, in
-- batches of the largest size the service takes, several batches in flight
-- at once (cc.map), and reports every row that failed with its reason.
--
--   lua5.4 examples/import_outbound_requests.lua CAMPAIGN_ID contacts.csv
--
-- The CSV has a header row. Column `phone` is the number to call (E.164);
-- optional `expires_in_hours` (default 24); every other column becomes an
-- attribute of the contact flow. Fields may be "quoted", with "" for a quote.
local cc = require "connectcampaigns"

local campaign_id, path = arg[1], arg[2]
if not (campaign_id and path) then
  io.stderr:write("usage: import_outbound_requests.lua CAMPAIGN_ID FILE.csv\n")
  os.exit(2)
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
local rows, batches, failed, sent, ok_count = {}, {}, {}, 0, 0

-- Sends one batch (in a cc.map task: it waits without blocking the others).
local function send_batch(batch)
  local requests, by_token = {}, {}
  for i, row in ipairs(batch) do
    requests[i] = row.request
    by_token[row.request.clientToken] = row.line
  end
  local out, err = client:put_outbound_request_batch { id = campaign_id, outboundRequests = requests }
  local result = { sent = #batch, ok = 0, failed = {} }
  if not out then
    for _, row in ipairs(batch) do result.failed[#result.failed + 1] = { row.line, tostring(err) } end
  else
    result.ok = #(out.successfulRequests or {})
    for _, f in ipairs(out.failedRequests or {}) do
      result.failed[#result.failed + 1] = { by_token[f.clientToken] or "?", f.failureCode or "unknown" }
    end
  end
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
      failed[#failed + 1] = { line_no, "bad CSV: " .. perr }
    elseif not row.phone or row.phone == "" then
      failed[#failed + 1] = { line_no, "no phone number" }
    else
      local attributes = {}
      for name, value in pairs(row) do
        if name ~= "phone" and name ~= "expires_in_hours" and value ~= "" then attributes[name] = value end
      end
      local hours = tonumber(row.expires_in_hours) or 24
      rows[#rows + 1] = { line = line_no, request = {
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

table.sort(failed, function(a, b) return tonumber(a[1]) < tonumber(b[1]) end)
print(string.format("%d row(s) sent in batches of %d: %d accepted, %d failed", sent, BATCH, ok_count, #failed))
for _, f in ipairs(failed) do print(string.format("  line %s: %s", f[1], f[2])) end
os.exit(#failed == 0 and 0 or 1)
