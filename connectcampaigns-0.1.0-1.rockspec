rockspec_format = "3.0"
package = "connectcampaigns"
version = "0.1.0-1"
source = {
  url = "git+file://.",
}
description = {
  summary = "Amazon Connect Outbound Campaigns V2 client for Lua",
  detailed = [[
A model-driven client for Connect Campaigns V2 (connectcampaignsv2): a C core
(SigV4 with OpenSSL, HTTP with libcurl, JSON with cJSON) under a Lua API where
every operation of the service model is a method.
]],
  license = "Apache-2.0",
}
dependencies = {
  "lua >= 5.1",
}
external_dependencies = {
  -- library only: Debian keeps curl/curl.h in a multiarch folder the
  -- compiler searches by itself but LuaRocks does not look in
  CURL = { library = "curl" },
  OPENSSL = { header = "openssl/evp.h", library = "crypto" },
  CJSON = { header = "cjson/cJSON.h", library = "cjson" },
  EXPAT = { header = "expat.h", library = "expat" },
}
test_dependencies = { "busted" }
test = { type = "busted" }
build = {
  type = "builtin",
  modules = {
    ["connectcampaigns"] = "lua/connectcampaigns/init.lua",
    ["connectcampaigns.errors"] = "lua/connectcampaigns/errors.lua",
    ["connectcampaigns.config"] = "lua/connectcampaigns/config.lua",
    ["connectcampaigns.credentials"] = "lua/connectcampaigns/credentials.lua",
    ["connectcampaigns.endpoints"] = "lua/connectcampaigns/endpoints.lua",
    ["connectcampaigns.retry"] = "lua/connectcampaigns/retry.lua",
    ["connectcampaigns.httpd"] = "lua/connectcampaigns/httpd.lua",
    ["connectcampaigns.emulator"] = "lua/connectcampaigns/emulator/init.lua",
    ["connectcampaigns.emulator.service"] = "lua/connectcampaigns/emulator/service.lua",
    ["connectcampaigns.emulator.constraints"] = "lua/connectcampaigns/emulator/constraints.lua",
    ["connectcampaigns.sigcheck"] = "lua/connectcampaigns/sigcheck.lua",
    ["connectcampaigns.url"] = "lua/connectcampaigns/url.lua",
    ["connectcampaigns.ngx"] = "lua/connectcampaigns/ngx.lua",
    ["connectcampaigns.async"] = "lua/connectcampaigns/async.lua",
    ["connectcampaigns.suggest"] = "lua/connectcampaigns/suggest.lua",
    ["connectcampaigns.stubber"] = "lua/connectcampaigns/stubber.lua",
    ["connectcampaigns.core"] = {
      sources = {
        "csrc/alloc.c", "csrc/header.c", "csrc/buf.c", "csrc/err.c", "csrc/value.c", "csrc/json.c", "csrc/timestamp.c",
        "csrc/model.c", "csrc/model_data.c", "csrc/sigv4.c", "csrc/validate.c",
        "csrc/serialize.c", "csrc/deserialize.c", "csrc/http.c", "csrc/file.c", "csrc/xml.c", "csrc/spawn.c", "csrc/strict.c", "csrc/multi.c",
        "csrc/lconnectcampaigns.c", "csrc/lsigner.c", "csrc/lhttp.c",
      },
      defines = { "_GNU_SOURCE" },
      incdirs = { "$(CURL_INCDIR)", "$(OPENSSL_INCDIR)", "$(CJSON_INCDIR)", "$(EXPAT_INCDIR)" },
      libdirs = { "$(CURL_LIBDIR)", "$(OPENSSL_LIBDIR)", "$(CJSON_LIBDIR)", "$(EXPAT_LIBDIR)" },
      libraries = { "curl", "crypto", "cjson", "expat", "pthread" },
    },
  },
  install = {
    -- the emulator serves with LuaSocket and checks patterns with PCRE2 (Debian:
    -- lua-socket, lua-rex-pcre2); the client needs neither
    bin = { ["connectcampaigns-emulator"] = "bin/connectcampaigns-emulator" },
  },
}
