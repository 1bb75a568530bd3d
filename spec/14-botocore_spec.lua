-- The client's requests against what botocore sends for the same input:
-- spec/fixtures/botocore/requests.json was written by botocore itself
-- (tools/botocore_fixtures.py: its rest-json serializer on the same model,
-- its SigV4Auth at a fixed time). Method, URL, body and Authorization must
-- match byte for byte.
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"

local function load(path)
  local f = assert(io.open(path, "rb"))
  local v = assert(core.json_decode(f:read("*a")))
  f:close()
  return v
end

describe("byte for byte what botocore sends", function()
  local inputs = load("spec/fixtures/botocore/inputs.json")
  local fixture = load("spec/fixtures/botocore/requests.json")
  local client = assert(cc.new {
    region = "us-east-1",
    endpoint = fixture.endpoint,
    credentials = { access_key_id = fixture.access_key_id, secret_access_key = fixture.secret_access_key,
      session_token = fixture.session_token },
    clock = function() return fixture.time end,
  })

  it("has a botocore answer for every input", function()
    -- at least as many as were written: two empty files must not pass
    assert.is_true(#inputs >= 23, "only " .. #inputs .. " inputs")
    assert.are.equal(#inputs, #fixture.requests)
  end)

  for i, want in ipairs(fixture.requests) do
    local name, params = inputs[i][1], inputs[i][2]
    it(string.format("#%d %s", i, name), function()
      local req = assert(client:prepare(name, params))
      assert.are.equal(want.method, req.method)
      assert.are.equal(want.url, req.url)
      assert.are.equal(want.body, req.body or "")
      assert.are.equal(want.content_type, req.headers["Content-Type"])
      assert.are.equal(want.x_amz_date, req.headers["X-Amz-Date"])
      assert.are.equal(want.authorization, req.headers.Authorization)
    end)
  end
end)

-- Valid input for the operations the answers belong to.
local PARAMS = { DescribeCampaign = { id = "x" }, GetCampaignState = { id = "x" }, DeleteCampaign = { id = "x" },
  PauseCampaign = { id = "x" }, CreateCampaign = { name = "n", connectInstanceId = "i" } }

-- Where the client reads an answer differently from botocore on purpose,
-- keyed by the case's position, with the answer the client gives instead.
local DEVIATIONS = {
  [24] = { message = "from errorMessage",
    why = "the issue asks for errorMessage after message and Message; botocore 1.43 reads only the first two" },
  [25] = { message = "upstream said no",
    why = "a body that is not JSON is trimmed; botocore passes it on with its spaces and newline" },
}

local same_typed = require("helpers").same_typed

describe("results as botocore reads them", function()
  local cases = load("spec/fixtures/botocore/responses_in.json")
  local expected = load("spec/fixtures/botocore/responses.json")

  it("has a botocore reading for every answer", function()
    assert.is_true(#cases >= 28, "only " .. #cases .. " answers")
    assert.are.equal(#cases, #expected)
  end)

  for i, case in ipairs(cases) do
    local name, status, headers, body = case[1], case[2], case[3], case[4]
    it(string.format("#%d %s HTTP %d", i, name, status), function()
      if body:sub(1, 1) == "@" then
        local f = assert(io.open("spec/fixtures/" .. body:sub(2), "rb"))
        body = f:read("*a")
        f:close()
      end
      local c = assert(cc.new { region = "us-east-1", max_attempts = 1,
        credentials = { access_key_id = "A", secret_access_key = "S" },
        transport = function() return { status = status, headers = headers, body = body } end })
      local out, err = c:call(name, PARAMS[name] or {})
      local want = expected[i]
      local deviation = DEVIATIONS[i] or {}
      if want.result then
        assert.is_nil(err)
        same_typed(want.result, out, "result")
      else
        assert.is_nil(out)
        assert.are.equal(want.error.code, err.code)
        assert.are.equal(deviation.message or want.error.message, err.message)
        assert.are.equal(want.error.request_id, err.request_id)
        for k, v in pairs(want.error.fields) do assert.are.equal(v, err[k]) end
      end
    end)
  end
end)

describe("input refused as botocore refuses it", function()
  local cases = load("spec/fixtures/botocore/validation_in.json")
  local verdicts = load("spec/fixtures/botocore/validation.json")
  local client = assert(cc.new { region = "us-east-1", credentials = { access_key_id = "A", secret_access_key = "S" },
    transport = function() error("nothing may be sent") end })

  it("has botocore's verdict for every input", function()
    assert.is_true(#cases >= 37, "only " .. #cases .. " cases")
    assert.are.equal(#cases, #verdicts)
  end)

  for i, case in ipairs(cases) do
    local name, params, verdict = case[1], case[2], verdicts[i]
    it(string.format("#%d %s: %s", i, name, verdict.valid and "valid" or verdict.kind), function()
      local req, err = client:prepare(name, params)
      if verdict.valid then
        assert.is_table(req, err and tostring(err))
      else
        assert.is_nil(req)
        assert.are.equal("ParamValidationError", err.code)
        assert.are.equal(verdict.kind, err.message:sub(1, #verdict.kind), err.message)
        -- every problem botocore reports, by kind and path, and no other
        local got = {}
        for _, p in ipairs(err.problems) do got[#got + 1] = { kind = p.kind, path = p.path } end
        table.sort(got, function(a, b) return a.path < b.path or (a.path == b.path and a.kind < b.kind) end)
        assert.are.same(verdict.problems, got)
        assert.are.equal(#got, select(2, err.message:gsub("[^\n]+", "")))
      end
    end)
  end
end)
