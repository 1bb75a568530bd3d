#!/bin/sh
# make demo: the quickstart against the emulator on a free loopback port.
set -eu
exec sh tools/with_emulator.sh sh -c 'echo "emulator listening on $CC_EMULATOR_URL"
AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
AWS_ENDPOINT_URL_CONNECTCAMPAIGNSV2="$CC_EMULATOR_URL" "${LUA:-lua5.4}" examples/quickstart.lua'
