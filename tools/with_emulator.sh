#!/bin/sh
# Runs a command with the emulator serving on a free loopback port: its URL
# is in $CC_EMULATOR_URL (and replaces {} in the arguments). The emulator
# stops when the command ends. LUA and CC_BUILD pick the interpreter and
# module, as make sets them.
#   tools/with_emulator.sh CMD [ARGS...]
set -eu
LUA=${LUA:-lua5.4}
export LUA_PATH="./lua/?.lua;./lua/?/init.lua;;"
export LUA_CPATH="./${CC_BUILD:-build}/?.so;;"
out=$(mktemp)
"$LUA" bin/connectcampaigns-emulator --port 0 --max-seconds 300 --quiet >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$out"' EXIT
url=""
for _ in $(seq 1 100); do
    url=$(sed -n 's/^listening on //p' "$out")
    [ -n "$url" ] && break
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "the emulator did not start" >&2
    exit 1
fi
export CC_EMULATOR_URL="$url"
cmd=$1
shift
for a in "$@"; do
    shift
    [ "$a" = "{}" ] && a=$url
    set -- "$@" "$a"
done
"$cmd" "$@"
