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
