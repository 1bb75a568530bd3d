/* libFuzzer: any bytes as a URL the client would connect to. */
#define FUZZ_CHECK                                                                                  \
    "local url = require 'connectcampaigns.url'\n"                                                 \
    "return function(text)\n"                                                                       \
    "  local u, why = url.parse(text)\n"                                                            \
    "  if not u then assert(type(why) == 'string') return end\n"                                    \
    "  assert(u.scheme == 'http' or u.scheme == 'https')\n"                                         \
    "  assert(not u.authority:find('@', 1, true), 'no user information')\n"                        \
    "  assert(u.port >= 1 and u.port <= 65535)\n"                                                   \
    "  assert(not u.host:find('[%s%c/?#@]'), 'a clean host')\n"                                     \
    "  local again = assert(url.parse(u.origin .. u.path .. (u.query and ('?' .. u.query) or '')))\n" \
    "  assert(again.host == u.host and again.port == u.port, 'stable when re-read')\n"             \
    "  if url.is_loopback(u) then\n"                                                                \
    "    assert(u.host == 'localhost' or u.host:match('^127%.') or u.host:match('^%[[0:]*1%]$'), u.host)\n" \
    "  end\n"                                                                                       \
    "  url.is_container_host(u)\n"                                                                  \
    "end\n"
#include "fuzz_lua.h"
