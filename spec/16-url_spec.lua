-- The one URL parser: every URL the client connects to is read by it.
local url = require "connectcampaigns.url"
local cc = require "connectcampaigns"
local H = require "helpers"

describe("url.parse", function()
  it("reads scheme, host, port, path and query, case-folded where URLs are", function()
    local u = assert(url.parse("HTTPS://Example.COM:8443/a/B?x=1"))
    assert.are.same({ "https", "example.com", 8443, "/a/B", "x=1", "example.com:8443",
      "https://example.com:8443" }, { u.scheme, u.host, u.port, u.path, u.query, u.host_header, u.origin })
    u = assert(url.parse("http://h:80"))
    assert.are.same({ 80, "h", "", true }, { u.port, u.host_header, u.path, u.explicit_port })
    assert.is_nil(u.query)
    assert.are.equal("h", assert(url.parse("https://h:443/")).host_header)
  end)

  it("reads IPv6 literals", function()
    local u = assert(url.parse("http://[FD00:EC2::23]:8080/creds"))
    assert.are.same({ "[fd00:ec2::23]", 8080, "[fd00:ec2::23]:8080", true }, { u.host, u.port, u.host_header, u.is_ip })
    assert.truthy(url.parse("http://[::1]/"))
    assert.truthy(url.parse("http://[::ffff:127.0.0.1]/"))
    for _, bad in ipairs { "http://[::1/", "http://[g::1]/", "http://[1:2:3:4:5:6:7:8:9]/", "http://[1::2::3]/",
      "http://[::1]x/", "http://[]/" } do
      assert.is_nil(url.parse(bad), bad)
    end
  end)

  it("refuses user information, bad ports, percent-encoded hosts and non-http schemes", function()
    for bad, why in pairs {
      ["http://localhost:1@evil.example:8080/creds"] = "user information",
      ["http://user@h/"] = "user information",
      ["http://h:0/"] = "port",
      ["http://h:65536/"] = "port",
      ["http://h:8x/"] = "port",
      ["http://h:0000080/"] = "port",
      ["http://%6cocalhost/"] = "host",
      ["http://h/#frag"] = "fragment",
      ["ftp://h/"] = "scheme",
      ["//h/"] = "absolute",
      ["http:///path"] = "no host",
      ["http://h /"] = "spaces",
      ["http://h\r\n/"] = "control",
    } do
      local u, err = url.parse(bad)
      assert.is_nil(u, bad)
      assert.matches(why, err, 1, true)
    end
  end)

  it("tells loopback and container hosts by the parsed host, not by a prefix", function()
    local function loop(s) return url.is_loopback(assert(url.parse(s))) end
    assert.is_true(loop("http://127.0.0.1/"))
    assert.is_true(loop("http://127.200.3.4:9/"))
    assert.is_true(loop("http://LOCALHOST/"))
    assert.is_true(loop("http://[::1]/"))
    assert.is_true(loop("http://[0:0:0:0:0:0:0:1]/"))
    assert.is_false(loop("http://127.0.0.1.evil.com/"))
    assert.is_false(loop("http://localhost.evil.com/"))
    assert.is_false(loop("http://128.0.0.1/"))
    assert.is_false(loop("http://127.0.0.256/"))
    assert.is_false(loop("http://[::2]/"))
    local function container(s) return url.is_container_host(assert(url.parse(s))) end
    assert.is_true(container("http://169.254.170.2/v2"))
    assert.is_true(container("http://169.254.170.23/v1"))
    assert.is_true(container("http://[fd00:ec2::23]/"))
    assert.is_false(container("http://169.254.170.3/"))
    assert.is_false(container("http://169.254.170.2.evil/"))
  end)
end)

describe("the container credentials endpoint", function()
  it("never sends the authorization token to the host behind user information", function()
    local stub = H.start_stub { nosig = true }
    local env = { AWS_CONTAINER_CREDENTIALS_FULL_URI = "http://localhost:1@evil.example:" .. stub.port .. "/creds",
      AWS_CONTAINER_AUTHORIZATION_TOKEN = "secret-token", AWS_CONFIG_FILE = "/nonexistent",
      AWS_SHARED_CREDENTIALS_FILE = "/nonexistent" }
    local c = assert(cc.new { region = "us-east-1", env = function(k) return env[k] end, max_attempts = 1 })
    local out, err = c:describe_campaign { id = "c1" }
    assert.is_nil(out)
    assert.are.equal("CredentialsError", err.code)
    assert.matches("user information", err.message)
    assert.is_nil(err.message:find("secret-token", 1, true))
    assert.are.equal(0, #stub:requests())
    stub:stop()
  end)

  it("refuses plain http to a host that only starts like an allowed one", function()
    local env = { AWS_CONTAINER_CREDENTIALS_FULL_URI = "http://127.0.0.1.evil.com/creds",
      AWS_CONFIG_FILE = "/nonexistent", AWS_SHARED_CREDENTIALS_FILE = "/nonexistent" }
    local c = assert(cc.new { region = "us-east-1", env = function(k) return env[k] end, max_attempts = 1,
      transport = function() error("must not be called") end })
    local _, err = c:describe_campaign { id = "c1" }
    assert.matches("must be https, or http on loopback", err.message)
  end)

  it("never quotes an endpoint that may hold a password", function()
    local c, err = cc.new { region = "us-east-1", endpoint = "http://me:hunter2@h/" }
    assert.is_nil(c)
    assert.is_nil(err.message:find("hunter2", 1, true))
  end)
end)
