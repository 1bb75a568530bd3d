/* libFuzzer: any bytes as a shared config or credentials file. */
#define FUZZ_CHECK                                                                                  \
    "local config = require 'connectcampaigns.config'\n"                                           \
    "return function(text)\n"                                                                       \
    "  local sections = config.parse_ini(text)\n"                                                   \
    "  for name, s in pairs(sections) do\n"                                                         \
    "    assert(type(name) == 'string' and type(s) == 'table')\n"                                  \
    "    for k, v in pairs(s) do\n"                                                                 \
    "      assert(type(k) == 'string' and k ~= '', 'a key')\n"                                      \
    "      assert(type(v) == 'string' or type(v) == 'table', 'a value')\n"                          \
    "      assert(type(v) ~= 'string' or not v:find('\\n'), 'one line per value')\n"                \
    "    end\n"                                                                                     \
    "    local p = config.profile({ config = sections, credentials = sections }, name)\n"          \
    "    for _, v in pairs(p or {}) do assert(v ~= '', 'empty is unset') end\n"                    \
    "  end\n"                                                                                       \
    "end\n"
#include "fuzz_lua.h"
