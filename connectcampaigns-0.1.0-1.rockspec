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
  ZLIB = { header = "zlib.h", library = "z" },
}
test_dependencies = { "busted" }
test = { type = "busted" }
build = {
  -- the Makefile builds into build/rock-<Lua>/, out of the source tree
  type = "make",
  build_target = "rock",
  build_variables = {
    CFLAGS = "$(CFLAGS)", LUA_INCDIR = "$(LUA_INCDIR)",
    CURL_INCDIR = "$(CURL_INCDIR)", CURL_LIBDIR = "$(CURL_LIBDIR)",
    OPENSSL_INCDIR = "$(OPENSSL_INCDIR)", OPENSSL_LIBDIR = "$(OPENSSL_LIBDIR)",
    CJSON_INCDIR = "$(CJSON_INCDIR)", CJSON_LIBDIR = "$(CJSON_LIBDIR)",
    EXPAT_INCDIR = "$(EXPAT_INCDIR)", EXPAT_LIBDIR = "$(EXPAT_LIBDIR)",
    ZLIB_INCDIR = "$(ZLIB_INCDIR)", ZLIB_LIBDIR = "$(ZLIB_LIBDIR)",
  },
  install_target = "rock-install",
  install_variables = { INST_LIBDIR = "$(LIBDIR)", LUA_INCDIR = "$(LUA_INCDIR)" },
  install = {
    lua = {
      ["connectcampaigns"] = "lua/connectcampaigns/init.lua",
      ["connectcampaigns.errors"] = "lua/connectcampaigns/errors.lua",
      ["connectcampaigns.config"] = "lua/connectcampaigns/config.lua",
      ["connectcampaigns.credentials"] = "lua/connectcampaigns/credentials.lua",
      ["connectcampaigns.endpoints"] = "lua/connectcampaigns/endpoints.lua",
      ["connectcampaigns.retry"] = "lua/connectcampaigns/retry.lua",
      ["connectcampaigns.url"] = "lua/connectcampaigns/url.lua",
      ["connectcampaigns.ngx"] = "lua/connectcampaigns/ngx.lua",
      ["connectcampaigns.async"] = "lua/connectcampaigns/async.lua",
      ["connectcampaigns.suggest"] = "lua/connectcampaigns/suggest.lua",
      ["connectcampaigns.stubber"] = "lua/connectcampaigns/stubber.lua",
    },
  },
}
