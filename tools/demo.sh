#!/bin/sh
# make demo: start the emulator on a free loopback port, run the quickstart
# against it, stop the emulator.
set -eu
LUA=${LUA:-lua5.4}
export LUA_PATH="./lua/?.lua;./lua/?/init.lua;;"
export LUA_CPATH="./${CC_BUILD:-build}/?.so;;"
out=$(mktemp)
"$LUA" bin/connectcampaigns-emulator --port 0 --max-seconds 120 >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$out"' EXIT
url=""
for _ in $(seq 1 50); do
    url=$(sed -n 's/^listening on //p' "$out")
    [ -n "$url" ] && break
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "the emulator did not start" >&2
    exit 1
fi
echo "emulator listening on $url"
AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2="$url" "$LUA" examples/quickstart.lua
