#!/usr/bin/env bash
# The top functions of one call of a bench figure, in instructions: callgrind
# runs the figure with N and with 2N iterations (bench.lua warms up with as
# many calls first, at most 500), and each function's difference between the
# two runs, over the calls that make it, is its cost per call: loading Lua, the
# module and the model cancels out.
#
# usage: bench/callgrind_top.sh FIGURE LUA BUILD [N]   (a per-call figure:
#        call:<Operation>, describe_2k or sign)
set -euo pipefail
figure=$1 lua=$2 build=$3 n=${4:-200}

# one run's functions as "instructions<TAB>name", self cost
profile() {
    LUA_PATH='./lua/?.lua;./lua/?/init.lua;;' LUA_CPATH="./$build/?.so;;" \
        valgrind --tool=callgrind --callgrind-out-file="$build/callgrind.$1" \
        "$lua" bench/bench.lua --only "$figure" --iterations "$1" >/dev/null 2>&1
    callgrind_annotate "$build/callgrind.$1" 2>/dev/null |
        awk 'function by_name(f) {
                 # a named function by its name alone: the core is linked into
                 # core.so and bench_tables.so, and callgrind may credit the
                 # same code to either, or to "???:" where it lacks the line,
                 # in one run and not the other; an address keeps its object
                 if (f ~ /^[^ ]*:0x[0-9a-f]+/) return f
                 sub(/ \[[^]]*\]$/, "", f); sub(/^[^ ]*:/, "", f); return f
             }
             /PROGRAM TOTALS/ { ir = $1; gsub(",", "", ir); print ir "\t(all)"; next }
             /file:function/ { on = 1; next }
             /counts for unidentified lines/ { next } # a file summary, not a function of its own
             on && $1 ~ /^[0-9,]+$/ { ir = $1; gsub(",", "", ir); $1 = ""; sub(/^ *(\([^)]*\) *)?/, "");
                                      print ir "\t" by_name($0) }' >"$build/callgrind.$1.txt"
}

profile "$n"
profile $((2 * n))
echo "$figure: instructions per call by function (self cost; ??? is code without symbols)"
# the calls between the two runs: N more timed ones, and the warm-up's
# difference (bench.lua warms up with as many calls, at most 500)
warm() { echo $(($1 < 500 ? $1 : 500)); }
awk -F'\t' -v calls=$((n + $(warm $((2 * n))) - $(warm "$n"))) '
    FNR == NR { before[$2] += $1; next }
    { after[$2] += $1 }
    END {
        for (f in after) {
            d = (after[f] - before[f]) / calls
            if (d >= 1) printf "%9.0f  %s\n", d, f
        }
    }' "$build/callgrind.$n.txt" "$build/callgrind.$((2 * n)).txt" | sort -rn | head -32
