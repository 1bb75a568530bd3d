rockspec_format = "3.0"
package = "connectcampaigns-emulator"
version = "0.1.0-1"
source = {
  url = "git+file://.",
}
description = {
  summary = "A local emulator of Amazon Connect Outbound Campaigns V2, for development and tests",
  detailed = [[
connectcampaigns-emulator serves all operations of the Connect Campaigns V2
model on loopback: SigV4 checked, input validated as the service does, state
kept across restarts, faults on demand. It reuses the connectcampaigns core.
]],
  license = "Apache-2.0",
}
dependencies = {
  "lua >= 5.1",
  "connectcampaigns == 0.1.0",
  "luasocket",
  "lrexlib-pcre2",
}
external_dependencies = {
  CJSON = { header = "cjson/cJSON.h", library = "cjson" },
}
build = {
  type = "make",
  build_target = "rock-emulator",
  build_variables = {
    CFLAGS = "$(CFLAGS)", LUA_INCDIR = "$(LUA_INCDIR)",
    CJSON_INCDIR = "$(CJSON_INCDIR)", CJSON_LIBDIR = "$(CJSON_LIBDIR)",
  },
  install_target = "rock-emulator-install",
  install_variables = { INST_LIBDIR = "$(LIBDIR)", LUA_INCDIR = "$(LUA_INCDIR)" },
  install = {
    lua = {
      ["connectcampaigns.emulator"] = "lua/connectcampaigns/emulator/init.lua",
      ["connectcampaigns.emulator.service"] = "lua/connectcampaigns/emulator/service.lua",
      ["connectcampaigns.emulator.constraints"] = "lua/connectcampaigns/emulator/constraints.lua",
      ["connectcampaigns.emulator.httpd"] = "lua/connectcampaigns/emulator/httpd.lua",
      ["connectcampaigns.emulator.sigcheck"] = "lua/connectcampaigns/emulator/sigcheck.lua",
    },
    bin = { ["connectcampaigns-emulator"] = "bin/connectcampaigns-emulator" },
  },
}
