-- The quickstart against the emulator, and an install with LuaRocks.
local H = require "helpers"

describe("the quickstart", function()
  local emu
  setup(function() emu = H.start_emulator() end)
  teardown(function() if emu then emu.stop() end end)

  it("creates, tunes, describes, runs, lists and deletes a campaign", function()
    local out, ok = H.run(string.format(
      "AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2=%s "
        .. "%s examples/quickstart.lua",
      emu.url, H.LUA_CMD))
    assert.is_true(ok, out)
    local id = assert(out:match("created campaign ([%x%-]+)"), out)
    assert.matches("campaign as described:", out, 1, true)
    assert.matches("name: spring%-renewals", out)
    assert.matches("startTime: 2026%-03%-01 09:00:00 UTC", out)
    assert.matches("maxCountPerRecipient: 3", out)
    assert.matches("start_campaign   %-> Running", out)
    assert.matches("pause_campaign   %-> Paused", out)
    assert.matches("resume_campaign  %-> Running", out)
    assert.matches("1 campaign%(s%) on instance", out)
    assert.matches("deleted campaign " .. id:gsub("%-", "%%-"), out)
  end)

  it("runs with only AWS_PROFILE (credential_process) and the endpoint variable set", function()
    local dir = assert(H.run("mktemp -d")):gsub("%s+$", "")
    local script = dir .. "/creds.sh"
    local f = assert(io.open(script, "wb"))
    f:write('#!/bin/sh\necho \'{"Version": 1, "AccessKeyId": "test", "SecretAccessKey": "test"}\'\n')
    f:close()
    f = assert(io.open(dir .. "/config", "wb"))
    f:write("[profile emulator]\nregion = us-east-1\ncredential_process = sh " .. script .. "\n")
    f:close()
    local out, ok = H.run(string.format(
      "env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_REGION -u AWS_DEFAULT_REGION "
        .. "-u AWS_ENDPOINT_URL HOME=%s AWS_CONFIG_FILE=%s/config AWS_SHARED_CREDENTIALS_FILE=%s/credentials "
        .. "AWS_PROFILE=emulator AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2=%s "
        .. "%s examples/quickstart.lua",
      dir, dir, dir, emu.url, H.LUA_CMD))
    H.run("rm -rf " .. dir)
    assert.is_true(ok, out)
    assert.matches("deleted campaign", out, 1, true)
  end)

  it("is refused by the emulator with the wrong secret", function()
    local cc = require "connectcampaigns"
    local c = assert(cc.new { region = "us-east-1", endpoint = emu.url,
      credentials = { access_key_id = "test", secret_access_key = "not-test" } })
    local out, err = c:list_campaigns {}
    assert.is_nil(out)
    assert.are.equal("InvalidSignatureException", err.code)
    assert.are.equal(403, err.status)
    c:close()
  end)

  it("refuses a transition the service refuses, with the current state", function()
    local cc = require "connectcampaigns"
    local c = assert(cc.new { region = "us-east-1", endpoint = emu.url,
      credentials = { access_key_id = "test", secret_access_key = "test" } })
    local created = assert(c:create_campaign { name = "n", connectInstanceId = "inst-9" })
    local out, err = c:pause_campaign { id = created.id }
    assert.is_nil(out)
    assert.are.equal("InvalidCampaignStateException", err.code)
    assert.are.equal(409, err.status)
    assert.are.equal("Initialized", err.state)
    local _, nf = c:describe_campaign { id = "no-such-campaign" }
    assert.are.equal("ResourceNotFoundException", nf.code)
    assert.are.equal(404, nf.status)
    c:close()
  end)
end)

describe("luarocks make #install", function()
  -- both rocks into a fresh tree from a copy of the sources, as a user would
  -- (the emulator's luasocket and lrexlib-pcre2 from Debian: --deps-mode=none)
  local v, tmp, src, lua_env
  setup(function()
    v = H.LUA_VERSION
    tmp = assert(H.run("mktemp -d")):gsub("%s+$", "")
    src = tmp .. "/src"
    local out, ok = H.run(string.format(
      "mkdir %s && cp -r csrc lua bin Makefile connectcampaigns-*.rockspec %s/ && cd %s && "
        .. "luarocks --lua-version=%s make --tree %s/tree connectcampaigns-0.1.0-1.rockspec && "
        .. "luarocks --lua-version=%s make --deps-mode=none --tree %s/tree connectcampaigns-emulator-0.1.0-1.rockspec",
      src, src, src, v, tmp, v, tmp))
    assert(ok, out)
    lua_env = string.format("LUA_PATH='%s/tree/share/lua/%s/?.lua;%s/tree/share/lua/%s/?/init.lua;;' "
      .. "LUA_CPATH='%s/tree/lib/lua/%s/?.so;;'", tmp, v, tmp, v, tmp, v)
  end)
  teardown(function() H.run("rm -rf " .. tmp) end)

  it("installs a client module that the interpreter of the specs can require", function()
    local out, ok = H.run(string.format("cd / && %s %s -e 'local cc = require \"connectcampaigns\"; print(cc.VERSION, "
      .. "#cc.operations, type(cc.new{region=\"us-east-1\"}.describe_campaign))'", lua_env, H.LUA))
    assert.is_true(ok, out)
    assert.matches("^0%.1%.0\t37\tfunction", out)
  end)

  it("keeps the emulator out of the client: its own rock, its own C module", function()
    local out, ok = H.run(string.format("cd / && %s %s -e 'local core = require \"connectcampaigns.core\"; "
      .. "print(core.write_file_atomic, core.remove_temporaries, core.spawn ~= nil)'", lua_env, H.LUA))
    assert.is_true(ok, out)
    assert.matches("^nil\tnil\ttrue", out)
    local f = assert(io.open("connectcampaigns-0.1.0-1.rockspec", "rb"))
    local client_spec = f:read("*a")
    f:close()
    assert.is_nil(client_spec:find("emulator", 1, true))
    assert.is_nil(client_spec:find("luasocket", 1, true))
    assert.is_nil(client_spec:find("pcre", 1, true))
    -- the wrapper LuaRocks writes runs the script with the tree's paths
    out, ok = H.run(string.format("cd / && %s %s/tree/bin/connectcampaigns-emulator --help", lua_env, tmp))
    assert.is_true(ok, out)
    assert.matches("usage: connectcampaigns%-emulator", out)
  end)

  it("leaves no build output beside the sources, and make clean removes what it builds", function()
    local out = H.run(string.format("cd %s && find . -name '*.o' -o -name '*.so' | grep -v '^./build/' || true", src))
    assert.are.equal("", out)
    out = H.run(string.format("cd %s && make clean >/dev/null && find . -name '*.o' -o -name '*.so'", src))
    assert.are.equal("", out)
  end)
end)
