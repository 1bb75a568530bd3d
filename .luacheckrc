std = "lua54"
max_line_length = 130
-- specs hold whole expected messages and bodies on one line
files["spec/"] = { std = "+busted", max_line_length = 160 }
files["lua/connectcampaigns/endpoints.lua"] = { read_globals = { "unpack" } } -- LuaJIT
