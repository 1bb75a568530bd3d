-- The AWS SigV4 suite again, through the Lua binding, stage by stage.
local core = require "connectcampaigns.core"

local ROOT = "spec/fixtures/sigv4"

local read = require("helpers").read

local function cases()
  local list = {}
  local p = io.popen("find " .. ROOT .. " -name '*.req' | sort")
  for line in p:lines() do
    list[#list + 1] = line:sub(1, -5)
  end
  p:close()
  return list
end

-- Parses a .req: request line, headers (folded lines kept), body.
local function parse_req(text)
  local head, body = text:match("^(.-)\n\n(.*)$")
  if not head then head, body = text, "" end
  local lines = {}
  for line in (head .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = line end
  local method, target = lines[1]:match("^(%u+) (.-) HTTP/1%.1$")
  local path, query = target:match("^([^?]*)%??(.*)$")
  local headers, order = {}, {}
  for i = 2, #lines do
    local l = lines[i]
    if l == "" then -- luacheck: ignore 542
      -- a trailing newline of the file
    elseif l:match("^%s") and #order > 0 then
      local last = order[#order]
      headers[last] = headers[last] .. "\n" .. l
    else
      local name, value = l:match("^([^:]+):(.*)$")
      if headers[name] then
        headers[name] = headers[name] .. "," .. value -- only get-header-key-duplicate repeats a name
      else
        headers[name] = value
        order[#order + 1] = name
      end
    end
  end
  return { method = method, path = path, query = query, headers = headers, body = body }
end

describe("SigV4 through the binding", function()
  local signer = core.signer()
  local creds = { access_key_id = "AKIDEXAMPLE", secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }
  local list = cases()

  it("finds the whole suite", function()
    assert.is_true(#list >= 30)
  end)

  for _, base in ipairs(list) do
    local name = base:match("([^/]+)$")
    local req = parse_req(read(base .. ".req"))
    local creq, sts, authz = read(base .. ".creq"), read(base .. ".sts"), read(base .. ".authz")
    -- get-header-key-duplicate and -value-order repeat a header name: the C
    -- suite covers repeated names; a Lua table cannot hold them twice.
    local repeats = name == "get-header-key-duplicate" or name == "get-header-value-order"
    if not repeats then
      it(name .. ": canonical request, string to sign, authorization", function()
        local sreq = read(base .. ".sreq")
        local token = sreq:match("X%-Amz%-Security%-Token:([^\n]+)")
        if token and creq:find("x-amz-security-token:", 1, true) and not req.headers["X-Amz-Security-Token"] then
          req.headers["X-Amz-Security-Token"] = token
        end
        local got_authz, got_creq, got_sts = signer:sign(req, creds, "us-east-1", "service",
          req.headers["X-Amz-Date"], true)
        assert.are.equal(creq, got_creq)
        assert.are.equal(sts, got_sts)
        assert.are.equal(authz, got_authz)
      end)
    end
  end

  it("refuses to sign without credentials", function()
    local out, err = signer:sign({ method = "GET", path = "/", headers = { Host = "h" } }, {}, "us-east-1", "s",
      "20150830T123600Z")
    assert.is_nil(out)
    assert.are.equal("CredentialsError", err.code)
  end)

  it("raises on a closed signer", function()
    local s = core.signer()
    s:close()
    assert.has_error(function() s:sign({}, {}, "r", "s", "d") end, "attempt to use a closed connectcampaigns.Signer")
  end)
end)
