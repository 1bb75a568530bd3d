-- A newer model dropped in without a rebuild: cc.new{model=}, botocore's data
-- path (AWS_DATA_PATH, ~/.aws/models), and models the engine cannot serve
-- refused when the client is made, naming the shape and the trait.
local H = require "helpers"
local cc = require "connectcampaigns"
local core = require "connectcampaigns.core"

-- The embedded model as botocore lays it out: service-2.json, its paginators
-- beside it in paginators-1.json. The copy adds to UpdateCampaignName a body
-- member and a header-bound member the embedded model does not have.
local function newer_model()
  local m = assert(core.json_decode(core.model_json()))
  local paginators = { pagination = m.paginators }
  m.paginators, m.endpointRuleSet = nil, nil
  m.shapes.UpdateCampaignNameRequest.members.displayLabel = { shape = "CampaignName" }
  m.shapes.UpdateCampaignNameRequest.members.traceTag = { shape = "CampaignName", location = "header",
    locationName = "X-Trace-Tag" }
  return assert(core.json_encode(m)), assert(core.json_encode(paginators))
end

local function drop_in(dir)
  local service, paginators = newer_model()
  local folder = dir .. "/connectcampaignsv2/" .. cc.model().metadata.apiVersion
  assert(H.run("mkdir -p '" .. folder .. "'"))
  H.write(folder .. "/service-2.json", service)
  H.write(folder .. "/paginators-1.json", paginators)
  return folder .. "/service-2.json"
end

describe("a newer model", function()
  local dir, sent
  local function client(extra)
    local opts = { region = "us-east-1", credentials = H.CREDS, env = {}, max_attempts = 1,
      endpoint = "https://example.com", transport = function(req)
        sent[#sent + 1] = req
        return { status = 200, headers = {}, body = "{}" }
      end }
    for k, v in pairs(extra or {}) do opts[k] = v end
    return cc.new(opts)
  end
  local params = { id = "c1", name = "n", displayLabel = "shown", traceTag = "t-1" }

  before_each(function()
    sent = {}
    dir = os.tmpname()
    os.remove(dir)
    assert(H.run("mkdir -p '" .. dir .. "'"))
  end)
  after_each(function() H.run("rm -rf '" .. dir .. "'") end)

  it("is not used unless dropped in: the embedded model refuses the new members", function()
    local _, err = assert(client()):update_campaign_name(params)
    assert.are.equal("ParamValidationError", err.code)
    assert.matches('Unknown parameter in input: "displayLabel"', err.message, 1, true)
    assert.are.equal(0, #sent)
  end)

  local function check_sent()
    assert.are.equal(1, #sent)
    assert.are.same({ name = "n", displayLabel = "shown" }, core.json_decode(sent[1].body))
    assert.are.equal("t-1", sent[1].headers["X-Trace-Tag"])
    assert.matches("x%-trace%-tag", sent[1].headers.Authorization) -- and signed
  end

  it("is found through AWS_DATA_PATH, its paginators beside it", function()
    drop_in(dir)
    local c = assert(client { env = { AWS_DATA_PATH = "/nonexistent:" .. dir } })
    assert(c:update_campaign_name(params))
    check_sent()
    for page in c:pages("list_campaigns") do assert.is_table(page) end
  end)

  it("is found in ~/.aws/models", function()
    drop_in(dir .. "/.aws/models")
    assert(assert(client { env = { HOME = dir } }):update_campaign_name(params))
    check_sent()
  end)

  it("is taken from a path, from its text or from a table given as model", function()
    local path = drop_in(dir)
    assert(assert(client { model = path }):update_campaign_name(params))
    local text = newer_model()
    assert(assert(client { model = text }):update_campaign_name(params))
    assert(assert(client { model = core.json_decode(text) }):update_campaign_name(params))
    assert.are.equal(3, #sent)
    for _, req in ipairs(sent) do assert.are.equal("t-1", req.headers["X-Trace-Tag"]) end
  end)

  it("that cannot be read is an InvalidConfiguration naming the file", function()
    local c, err = client { model = dir .. "/missing/service-2.json" }
    assert.is_nil(c)
    assert.are.equal("InvalidConfiguration", err.code)
    assert.matches("missing/service-2.json", err.message, 1, true)
  end)
end)

describe("a model the engine cannot serve", function()
  local function refused(change, want)
    local m = assert(core.json_decode(core.model_json()))
    change(m)
    local c, err = cc.new { region = "us-east-1", credentials = H.CREDS, env = {}, model = m }
    assert.is_nil(c)
    assert.are.equal("InvalidConfiguration", err.code)
    assert.matches(want, err.message, 1, true)
    -- and the core says the same, as a ModelError
    local model, cerr = core.compile_model(assert(core.json_encode(m)))
    assert.is_nil(model)
    assert.are.equal("ModelError", cerr.code)
    assert.matches(want, cerr.message, 1, true)
  end

  it("is refused with the shape and the trait named", function()
    refused(function(m) m.shapes.CampaignName.eventstream = true end, "shape CampaignName uses the eventstream trait")
    refused(function(m) m.shapes.CampaignName.type = "bigdecimal" end, 'shape CampaignName has type "bigdecimal"')
    refused(function(m) m.shapes.UpdateCampaignNameRequest.members.name.location = "cookie" end,
      'member name of UpdateCampaignNameRequest has location "cookie"')
    refused(function(m) m.shapes.UpdateCampaignNameRequest.members.name.timestampFormat = "julian" end,
      'member name of UpdateCampaignNameRequest has timestampFormat "julian"')
    refused(function(m) m.metadata.protocol, m.metadata.protocols = "ec2", { "ec2" } end,
      'the service\'s protocol is "ec2"')
    refused(function(m) m.shapes.UpdateCampaignNameRequest.members.name.shape = "Nowhere" end,
      "refers to an unknown shape")
  end)

  it("is refused when its text is not JSON", function()
    local c, err = cc.new { region = "us-east-1", credentials = H.CREDS, env = {}, model = "{ not json" }
    assert.is_nil(c)
    assert.matches("not valid JSON", err.message, 1, true)
  end)
end)

describe("the model as Lua sees it", function()
  it("is the core's parse, made once per model and shared", function()
    assert.are.equal(core.model_view(), cc.model())
    assert.are.equal(25, cc.model().shapes.OutboundRequestList.max)
    assert.are.equal("nextToken", cc.model().paginators.ListCampaigns.input_token)
    assert.are.equal("table", type(cc.model().endpointRuleSet.rules))
    local m = assert(core.compile_model(core.model_json()))
    local view = core.model_view(m)
    assert.are_not.equal(cc.model(), view)
    assert.are.equal(view, core.model_view(m))
  end)

  it("is the given model's in the logs: a member it marks sensitive is redacted", function()
    local m = assert(core.json_decode(core.model_json()))
    m.paginators, m.endpointRuleSet = nil, nil
    m.shapes.SecretLabel = { type = "string", sensitive = true }
    m.shapes.UpdateCampaignNameRequest.members.secretLabel = { shape = "SecretLabel" }
    local fields
    local c = assert(cc.new { region = "us-east-1", credentials = H.CREDS, env = {}, max_attempts = 1,
      endpoint = "https://example.com", model = assert(core.json_encode(m)),
      logger = function(_, _, f) fields = f end,
      transport = function() return { status = 200, headers = {}, body = "{}" } end })
    assert(c:update_campaign_name { id = "c1", name = "n", secretLabel = "hunter2" })
    assert.are.equal("***", fields.params.secretLabel)
    assert.are.equal("n", fields.params.name)
  end)
end)
