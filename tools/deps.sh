#!/bin/sh
# Installs the Debian 12 packages the build, the tests and the demo need, when
# some are missing: as root it runs apt-get, otherwise it prints the command.
# every interpreter the suite runs on: Lua 5.4, 5.3, 5.1 and LuaJIT (OpenResty's
# luajit2, which nginx's lua module needs; it replaces Debian's plain luajit)
PKGS="gcc make pkg-config lua5.4 liblua5.4-dev lua5.3 liblua5.3-dev lua5.1 liblua5.1-0-dev luajit2 libluajit2-5.1-dev lua-busted nginx libnginx-mod-http-lua lua-resty-core openssl curl lua-check luarocks lua-socket lua-rex-pcre2 libcurl4-openssl-dev libcjson-dev libssl-dev libexpat1-dev zlib1g-dev"
missing=""
for p in $PKGS; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing packages:$missing (install them with your system's package manager)" >&2
    exit 1
fi
if [ "$(id -u)" = "0" ]; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || {
        echo "apt-get install failed for:$missing" >&2
        exit 1
    }
else
    echo "missing packages; run:  sudo apt-get install -y$missing" >&2
    exit 1
fi
