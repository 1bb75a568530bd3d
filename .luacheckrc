-- the code runs on Lua 5.1 to 5.4 and LuaJIT: the globals of any of them
-- (make test-all proves each one)
std = "max"
max_line_length = 130
-- specs hold whole expected messages and bodies on one line
files["spec/"] = { std = "max+busted", max_line_length = 160 }
files["spec-nginx/"] = { std = "max+busted", max_line_length = 160 }
-- OpenResty's global, read where it exists
files["lua/connectcampaigns/ngx.lua"] = { read_globals = { "ngx" } }
