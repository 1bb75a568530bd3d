-- botocore's rest-json protocol suites (spec/fixtures/rest-json, Apache-2.0,
-- copied by tools/protocol_fixtures.py): every input case is built and
-- signed through client:prepare and compared with its serialized request;
-- every output case is answered through a transport and the client's result
-- or error compared with the case's, with number types.
--
-- The rules, from botocore's own runner (tests/unit/test_protocols.py):
--   * params: a top-level "NaN", "Infinity" or "-Infinity" is that float;
--     results: a top-level special float is compared as that string.
--   * JSON bodies are compared parsed; other bodies byte for byte.
--   * every expected header must be sent with that value; forbidHeaders must
--     not be; requireHeaders must be (Content-Length is the transport's: a
--     body must be there). Unlike botocore, Content-Type is compared too.
--   * an error is its code, its message when the case gives one, and the
--     members of its shape (which the client's Error carries as fields).
--     (Without a message botocore gives "", this client the HTTP reason
--     phrase: spec/14 covers that.)
--   * Content-MD5 is the MD5 of the body sent. The suite's value is that of
--     the compact JSON other SDKs write ({"foo":"..."}), not of botocore's
--     bytes ({"foo": "..."}), which this client sends; tests/test_shape.c
--     checks the suite's value against the compact bytes, and this spec the
--     header against the body actually sent (with the openssl command).
local H = require "helpers"
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"

-- Cases not run, each with its reason. The goal is none.
local EXCLUDED = {}

local TOKEN = "00000000-0000-4000-8000-000000000000"
local SPECIAL = { NaN = 0 / 0, Infinity = math.huge, ["-Infinity"] = -math.huge }

local function suites(name)
  return assert(core.json_decode(H.fixture("rest-json/" .. name)))
end

local function client_for(suite, transport)
  return assert(cc.new {
    model = suite.model, region = "us-east-1", endpoint = suite.clientEndpoint or "https://example.com", env = {},
    credentials = H.CREDS, max_attempts = 1, idempotency_token = function() return TOKEN end,
    transport = transport or function() error("no request is sent in an input case") end,
  })
end

local function header_of(headers, name)
  for k, v in pairs(headers) do
    if k:lower() == name:lower() then return v end
  end
  return nil
end

-- Deep equality with number types, NaN equal to itself.
local function same(want, got, path)
  if type(want) == "number" and want ~= want then
    assert(got ~= got, path .. ": NaN expected, got " .. tostring(got))
    return
  end
  H.same_typed(want, got, path)
end

local function check_body(want, got)
  if want == nil then return end
  if want == "" then
    assert(got == nil or got == "", "no body expected, got " .. tostring(got))
    return
  end
  assert(got, "a body expected")
  local want_json = core.json_decode(want)
  if want_json ~= nil then
    same(want_json, assert(core.json_decode(got), "the body is not JSON: " .. got), "body")
  else
    assert.are.equal(want, got)
  end
end

-- The base64 MD5 of some bytes, by openssl.
local function md5_base64(bytes)
  local path = os.tmpname()
  H.write(path, bytes)
  local out = H.run("openssl dgst -md5 -binary < " .. path .. " | openssl base64")
  os.remove(path)
  return (out:gsub("%s+$", ""))
end

local function check_request(case, req)
  local s = case.serialized
  assert.are.equal(s.method, req.method)
  assert.are.equal(s.uri, req.path .. (req.query ~= "" and ("?" .. req.query) or ""))
  for name, value in pairs(s.headers or {}) do
    if name:lower() == "content-md5" and req.body ~= s.body then value = md5_base64(req.body) end
    assert.are.equal(value, header_of(req.headers, name), "header " .. name)
  end
  for _, name in ipairs(s.forbidHeaders or {}) do
    assert.is_nil(header_of(req.headers, name), "forbidden header " .. name)
  end
  for _, name in ipairs(s.requireHeaders or {}) do
    if name:lower() == "content-length" then
      assert(req.body ~= nil, "a body (and its Content-Length) expected")
    else
      assert(header_of(req.headers, name) ~= nil, "header " .. name .. " expected")
    end
  end
  check_body(s.body, req.body)
  if s.host then
    assert.are.equal(s.host, req.url:match("^https://([^?]*)"):sub(1, #s.host))
    assert.are.equal(s.host, header_of(req.headers, "Host") .. (s.host:match("^[^/]*(/.*)$") or ""))
  end
end

local function params_of(case)
  local params = case.params
  for k, v in pairs(params) do
    if SPECIAL[v] then params[k] = SPECIAL[v] end
  end
  return params
end

local function check_answer(case, out, err)
  if case.error then
    assert(err, "an error expected")
    assert.are.equal(case.errorCode, err.code)
    if case.errorMessage then assert.are.equal(case.errorMessage, err.message) end
    for k, v in pairs(case.error) do same(v, err[k], "error." .. k) end
    return
  end
  assert(out, err and (err.code .. ": " .. err.message))
  for k, v in pairs(out) do
    if type(v) == "number" and (v ~= v or v == math.huge or v == -math.huge) then
      out[k] = v ~= v and "NaN" or v > 0 and "Infinity" or "-Infinity"
    end
  end
  same(case.result, out, "result")
end

local counts = { input = { 0, 0 }, output = { 0, 0 } }

local function run(kind, suite, case)
  counts[kind][2] = counts[kind][2] + 1
  if EXCLUDED[case.id] then return end
  it(kind .. " " .. case.id, function()
    if kind == "input" then
      local client = client_for(suite)
      local req, err = client:prepare(suite.operation, params_of(case))
      assert(req, err and err.message)
      check_request(case, req)
    else
      local r = case.response
      local client = client_for(suite, function()
        return { status = r.status_code, headers = r.headers or {}, body = r.body or "" }
      end)
      check_answer(case, client:call(suite.operation, {}))
    end
    counts[kind][1] = counts[kind][1] + 1
  end)
end

describe("rest-json protocol suites", function()
  for _, kind in ipairs { "input", "output" } do
    for _, suite in ipairs(suites(kind .. ".json")) do
      for _, case in ipairs(suite.cases) do run(kind, suite, case) end
    end
  end

  it("are all there and each excluded case has a reason", function()
    assert.are.equal(113, counts.input[2])
    assert.are.equal(91, counts.output[2])
    for id, why in pairs(EXCLUDED) do assert(type(why) == "string" and #why > 10, id) end
  end)

  -- What the suites leave out: the options around compression, and labels refused.
  local function suite_of(opname)
    for _, suite in ipairs(suites("input.json")) do
      if suite.operation == opname then return suite end
    end
  end

  it("compresses as the options say, and the gzip body reads back", function()
    local suite = suite_of("PutWithContentEncoding")
    local data = string.rep("compressible ", 100)
    local function prepared(extra)
      local opts = { model = suite.model, region = "us-east-1", endpoint = "https://example.com", env = {},
        credentials = H.CREDS }
      for k, v in pairs(extra) do opts[k] = v end
      return assert(assert(cc.new(opts)):prepare("PutWithContentEncoding", { data = data }))
    end
    local small = prepared {} -- 1.3 KB: under the 10240-byte default
    assert.is_nil(header_of(small.headers, "Content-Encoding"))
    assert.are.same({ data = data }, core.json_decode(small.body))
    local off = prepared { request_min_compression_size_bytes = 1, disable_request_compression = true }
    assert.is_nil(header_of(off.headers, "Content-Encoding"))
    local env = prepared { env = { AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES = "1" } }
    assert.are.equal("gzip", header_of(env.headers, "Content-Encoding"))
    local path = os.tmpname()
    H.write(path, env.body)
    local text, ok = H.run("gzip -dc < " .. path)
    os.remove(path)
    assert(ok, text)
    assert.are.same({ data = data }, core.json_decode(text))
    assert.matches("content%-encoding", env.headers.Authorization) -- signed as sent
  end)

  it("refuses a host label that is not letters, digits, hyphens or periods", function()
    local suite = suite_of("EndpointWithHostLabelOperation")
    local c = client_for(suite)
    local req, err = c:prepare("EndpointWithHostLabelOperation", { label = "evil.com/x" })
    assert.is_nil(req)
    assert.are.equal("ParamValidationError", err.code)
    assert.matches("Invalid value for parameter(s): label", err.message, 1, true)
    assert(c:prepare("EndpointWithHostLabelOperation", { label = "a.b-c" }))
  end)

  it("refuses a member bound to a header whose value would split a line, before any transport", function()
    local suite = suite_of("InputAndOutputWithHeaders")
    local sent = 0
    local c = client_for(suite, function()
      sent = sent + 1
      return { status = 200, headers = {}, body = "{}" }
    end)
    for _, v in ipairs { "a\r\nX-Injected: yes", "a\0b", "a\nb" } do
      local out, err = c:call("InputAndOutputWithHeaders", { headerString = v })
      assert.is_nil(out)
      assert.are.equal("ParamValidationError", err.code)
      assert.matches("^headerString: header X%-String cannot be sent", err.message)
      assert.is_nil(err.message:find("Injected", 1, true), "what the caller gave is not echoed")
    end
    assert.are.equal(0, sent)
    assert(c:call("InputAndOutputWithHeaders", { headerString = "a\tb" }))
    assert.are.equal(1, sent)
    -- a map of headers: neither a key nor a value may split a line
    local prefixed = client_for(suite_of("HttpPrefixHeaders"), function()
      sent = sent + 1
      return { status = 200, headers = {}, body = "{}" }
    end)
    for _, map in ipairs { { ["a\r\nX-Injected"] = "v" }, { a = "v\r\nX-Injected: yes" }, { ["a b"] = "v" } } do
      local out, err = prefixed:call("HttpPrefixHeaders", { fooMap = map })
      assert.is_nil(out)
      assert.matches("^fooMap: a header with the prefix x%-foo%- cannot be sent", err.message)
      assert.is_nil(err.message:find("Injected", 1, true))
    end
    assert.are.equal(1, sent)
  end)

  teardown(function()
    print(string.format("\nrest-json protocol: %d/%d input, %d/%d output", counts.input[1], counts.input[2],
      counts.output[1], counts.output[2]))
  end)
end)
