# connectcampaigns developer build. `make` builds the C module in place,
# `make test` runs the C unit tests and the busted specs, `make demo` runs
# examples/quickstart.lua against a local stand-in server.
#
# LUA picks the interpreter: lua5.4 (the default), lua5.3, lua5.1 or luajit.
# Each builds into a folder of its own (build/ for lua5.4, build/<LUA>/ for
# the others), so `make test LUA=luajit` never mixes objects. `make test-all`
# runs the whole suite on every interpreter.

LUA         ?= lua5.4
LUAS        ?= lua5.4 lua5.3 lua5.1 luajit
BUSTED      ?= busted
PKG_CONFIG  ?= pkg-config
CC          ?= cc
# pkg-config names: lua5.X, and luajit for LuaJIT (OpenResty's luajit2 on Debian)
LUA_PC      ?= $(if $(filter luajit,$(LUA)),luajit,$(LUA))
BUILD       ?= $(if $(filter lua5.4,$(LUA)),build,build/$(LUA))
LUA_INC     ?= $(shell $(PKG_CONFIG) --cflags $(LUA_PC) 2>/dev/null || echo -I/usr/include/$(LUA))
LUA_LIBS    ?= $(shell $(PKG_CONFIG) --libs $(LUA_PC) 2>/dev/null || echo -l$(LUA))
DEPS_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags libcurl libcrypto libcjson expat zlib 2>/dev/null)
CJSON_LIBS  ?= $(shell $(PKG_CONFIG) --libs libcjson 2>/dev/null || echo -lcjson)
DEPS_LIBS   ?= $(shell $(PKG_CONFIG) --libs libcurl libcrypto libcjson expat zlib 2>/dev/null || echo -lcurl -lcrypto -lcjson -lexpat -lz)
WARN        ?= -Wall -Wextra -Wshadow -Wwrite-strings -Wstrict-prototypes -Wmissing-prototypes \
               -Wundef -Wformat=2
USE_WERROR  ?= $(if $(CI),1,0)
OPT         ?= -O2 -g
# extension points that never clobber a user's CFLAGS/LDFLAGS
CC_CFLAGS   ?=
CC_LDFLAGS  ?=

ALL_CFLAGS  = -std=c99 -D_GNU_SOURCE -fPIC -fvisibility=hidden $(OPT) $(WARN) \
              $(if $(filter 1,$(USE_WERROR)),-Werror) $(DEPS_CFLAGS) $(CFLAGS) $(CC_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(CC_LDFLAGS)

CORE_SRC = csrc/alloc.c csrc/header.c csrc/buf.c csrc/err.c csrc/value.c csrc/json.c csrc/timestamp.c csrc/model.c \
           csrc/model_data.c csrc/sigv4.c csrc/validate.c csrc/serialize.c csrc/deserialize.c \
           csrc/http.c csrc/xml.c csrc/spawn.c csrc/multi.c csrc/uuid.c csrc/codec.c csrc/sink.c
# the emulator's own C (its rock): strict request reading and atomic state files,
# over the part of the core they use
EMU_SRC  = csrc/file.c csrc/strict.c csrc/lemulator.c \
           csrc/alloc.c csrc/buf.c csrc/err.c csrc/value.c csrc/json.c csrc/timestamp.c csrc/model.c csrc/model_data.c
BIND_SRC = csrc/lconnectcampaigns.c csrc/lbind.c csrc/lmodel.c csrc/lutil.c csrc/lsigner.c csrc/lhttp.c
CORE_OBJ = $(CORE_SRC:csrc/%.c=$(BUILD)/%.o)
BIND_OBJ = $(BIND_SRC:csrc/%.c=$(BUILD)/%.o)
MODULE   = $(BUILD)/connectcampaigns/core.so
EMU_OBJ  = $(EMU_SRC:csrc/%.c=$(BUILD)/%.o)
EMU_MODULE = $(BUILD)/connectcampaigns/emulator/native.so
CTESTS   = $(BUILD)/test_sigv4 $(BUILD)/test_sigv4_evp $(BUILD)/test_shape $(BUILD)/test_http $(BUILD)/test_alloc $(BUILD)/test_lua_alloc
# what the specs and scripts load: this tree's Lua files and this interpreter's module
SPEC_ENV = AWS_EC2_METADATA_DISABLED=true CC_BUILD=$(BUILD) LUA=$(LUA)

.PHONY: all client rock rock-install rock-emulator rock-emulator-install test test-all test-nginx embed tsan ctest spec spec-gc lint demo deps docs model clean asan valgrind fuzz fuzz-roundtrip bench bench-callgrind bench-check

all: $(MODULE) $(EMU_MODULE)

client: $(MODULE)

$(BUILD)/.dir:
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/%.o: csrc/%.c csrc/*.h | $(BUILD)/.dir
	$(CC) $(ALL_CFLAGS) $(LUA_INC) -c $< -o $@

$(MODULE): $(CORE_OBJ) $(BIND_OBJ)
	@mkdir -p $(BUILD)/connectcampaigns
	$(CC) -shared -o $@ $^ $(DEPS_LIBS) -lpthread $(ALL_LDFLAGS)

$(EMU_MODULE): $(EMU_OBJ)
	@mkdir -p $(BUILD)/connectcampaigns/emulator
	$(CC) -shared -o $@ $^ $(CJSON_LIBS) -lm $(ALL_LDFLAGS)

# a Lua host with the module linked in (the failing-allocator run of the Lua side)
$(BUILD)/test_lua_alloc: tests/test_lua_alloc.c $(CORE_OBJ) $(BIND_OBJ) tests/check.h
	$(CC) $(ALL_CFLAGS) $(LUA_INC) -o $@ $< $(CORE_OBJ) $(BIND_OBJ) $(LUA_LIBS) $(DEPS_LIBS) -lpthread -lm $(ALL_LDFLAGS)

# the signer as a build of OpenSSL without its deprecated calls makes it
# (its SHA-256 through EVP), with the same suite
SIGV4_EVP_OBJ = $(filter-out $(BUILD)/sigv4.o,$(CORE_OBJ)) $(BUILD)/sigv4_evp.o
$(BUILD)/sigv4_evp.o: csrc/sigv4.c csrc/*.h | $(BUILD)/.dir
	$(CC) $(ALL_CFLAGS) -DOPENSSL_NO_DEPRECATED -c $< -o $@
$(BUILD)/test_sigv4_evp: tests/test_sigv4.c $(SIGV4_EVP_OBJ) tests/check.h tests/wipe_watch.h
	$(CC) $(ALL_CFLAGS) -DOPENSSL_NO_DEPRECATED -o $@ $< $(SIGV4_EVP_OBJ) $(DEPS_LIBS) -lpthread -lm $(ALL_LDFLAGS)

$(BUILD)/test_%: tests/test_%.c $(CORE_OBJ) tests/check.h tests/wipe_watch.h
	$(CC) $(ALL_CFLAGS) -o $@ $< $(CORE_OBJ) $(DEPS_LIBS) -lpthread -lm $(ALL_LDFLAGS)

# LuaRocks builds through these (build.type = "make" in the rockspecs), into
# build/rock-<Lua headers>/: nothing is written beside the sources.
ROCK_BUILD = build/rock-$(notdir $(LUA_INCDIR))
ROCK_VARS = BUILD=$(ROCK_BUILD) LUA_INC="-I$(LUA_INCDIR)" OPT="$(CFLAGS)" \
	DEPS_CFLAGS="-I$(CURL_INCDIR) -I$(OPENSSL_INCDIR) -I$(CJSON_INCDIR) -I$(EXPAT_INCDIR) -I$(ZLIB_INCDIR)" \
	DEPS_LIBS="-L$(CURL_LIBDIR) -L$(OPENSSL_LIBDIR) -L$(CJSON_LIBDIR) -L$(EXPAT_LIBDIR) -L$(ZLIB_LIBDIR) -lcurl -lcrypto -lcjson -lexpat -lz" \
	CJSON_LIBS="-L$(CJSON_LIBDIR) -lcjson"
rock:
	$(MAKE) --no-print-directory $(ROCK_VARS) client
rock-install:
	mkdir -p "$(INST_LIBDIR)/connectcampaigns"
	cp $(ROCK_BUILD)/connectcampaigns/core.so "$(INST_LIBDIR)/connectcampaigns/core.so"
rock-emulator:
	$(MAKE) --no-print-directory $(ROCK_VARS) $(ROCK_BUILD)/connectcampaigns/emulator/native.so
rock-emulator-install:
	mkdir -p "$(INST_LIBDIR)/connectcampaigns/emulator"
	cp $(ROCK_BUILD)/connectcampaigns/emulator/native.so "$(INST_LIBDIR)/connectcampaigns/emulator/native.so"

deps:
	@sh tools/deps.sh

lint:
	luacheck --no-color -q lua spec spec-nginx examples tools bench bin/connectcampaigns-emulator

# docs/operations.md from the embedded model
docs: $(MODULE)
	LUA_CPATH='./$(BUILD)/?.so;;' $(LUA) tools/gen_docs.lua docs/operations.md

# csrc/model_data.c from the published model beside the project (../shared)
model:
	python3 tools/gen_model.py

ctest: $(CTESTS)
	@for t in $(CTESTS); do ./$$t || exit 1; done

# the metadata endpoints are never reached from tests: the default chain stops before them
spec: $(MODULE) $(EMU_MODULE)
	$(SPEC_ENV) $(BUSTED) --lua=$(LUA) --cpath='./$(BUILD)/?.so' --output=plainTerminal spec

# The specs again with the collector always running (see spec/support/gc_stress.lua).
spec-gc: $(MODULE) $(EMU_MODULE)
	$(SPEC_ENV) $(BUSTED) --lua=$(LUA) --cpath='./$(BUILD)/?.so' --output=plainTerminal \
	    --helper=spec/support/gc_stress.lua spec

test: deps all lint ctest spec bench-check

# The client inside a real nginx (OpenResty's LuaJIT): the cosocket transport,
# never blocking a worker (spec-nginx/; needs nginx + libnginx-mod-http-lua).
test-nginx:
	$(MAKE) --no-print-directory LUA=luajit all
	AWS_EC2_METADATA_DISABLED=true CC_BUILD=build/luajit LUA=luajit $(BUSTED) --lua=luajit \
	    --cpath='./build/luajit/?.so' --output=plainTerminal spec-nginx

# Embedding: a C host that links the module in (examples/embed/host.c), its
# threads each with a sandboxed Lua state, against the emulator.
EMBED_THREADS ?= 4
$(BUILD)/embed_host: examples/embed/host.c $(CORE_OBJ) $(BIND_OBJ)
	$(CC) $(ALL_CFLAGS) $(LUA_INC) -o $@ $< $(CORE_OBJ) $(BIND_OBJ) $(LUA_LIBS) $(DEPS_LIBS) -lpthread -lm $(ALL_LDFLAGS)

embed: $(BUILD)/embed_host
	CC_BUILD=$(BUILD) LUA=$(LUA) sh tools/with_emulator.sh ./$(BUILD)/embed_host {} $(EMBED_THREADS)

# The same host under ThreadSanitizer (built apart in build/tsan-<LUA>).
TSAN_BUILD = build/tsan-$(LUA)
tsan:
	$(MAKE) --no-print-directory BUILD=$(TSAN_BUILD) OPT="-O1 -g -fsanitize=thread" CC_LDFLAGS="-fsanitize=thread" \
	    $(TSAN_BUILD)/embed_host
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" CC_BUILD=$(BUILD) LUA=$(LUA) \
	    sh tools/with_emulator.sh ./$(TSAN_BUILD)/embed_host {} $(EMBED_THREADS)

# The whole suite on every interpreter (CI runs this).
test-all: deps lint
	@for l in $(LUAS); do echo "=== $$l"; $(MAKE) --no-print-directory LUA=$$l all ctest spec || exit 1; done

demo: deps all
	@CC_BUILD=$(BUILD) LUA=$(LUA) sh tools/demo.sh

# The specs and C tests under AddressSanitizer + UBSan, built apart in build/asan-<LUA>.
ASAN_BUILD = build/asan-$(LUA)
asan:
	$(MAKE) BUILD=$(ASAN_BUILD) OPT="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	        CC_LDFLAGS="-fsanitize=address,undefined" all ctest
	# (the #install spec runs luarocks, which would inherit the preloaded sanitizer)
	$(SPEC_ENV) CC_BUILD=$(ASAN_BUILD) ASAN_OPTIONS=detect_leaks=1 \
	    LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	    $(LUA) $$(command -v $(BUSTED)) --ignore-lua --cpath='./$(ASAN_BUILD)/?.so' --output=plainTerminal \
	    --exclude-tags=install spec

# The C tests and the specs under valgrind (the specs with a plain build).
valgrind: all $(CTESTS)
	@for t in $(CTESTS); do valgrind -q --leak-check=full --error-exitcode=1 ./$$t || exit 1; done
	$(SPEC_ENV) valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 \
	    --child-silent-after-fork=yes $(LUA) $$(command -v $(BUSTED)) --ignore-lua --cpath='./$(BUILD)/?.so' \
	    --output=plainTerminal spec

# Per-call cost without the network (wall clock, noisy), and the same under
# callgrind (instructions: repeatable whatever else the machine does).
BENCH_N ?= 20000
# the client under LuaJIT too, in columns of its own, when it is installed
BENCH_JIT = $(if $(filter-out luajit,$(LUA)),$(if $(shell command -v luajit),luajit:build/luajit))
bench: $(MODULE) $(BUILD)/curl_loop $(BUILD)/bench_tables.so
	$(if $(BENCH_JIT),$(MAKE) --no-print-directory LUA=luajit all build/luajit/bench_tables.so >/dev/null)
	BENCH_N=$(BENCH_N) $(LUA) bench/run.lua $(LUA) $(BUILD) $(BENCH_RUNS) $(BENCH_JIT)
	@if command -v nginx >/dev/null && [ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ]; then \
	    $(MAKE) --no-print-directory LUA=luajit all && \
	    LUA_PATH='./lua/?.lua;./lua/?/init.lua;;' LUA_CPATH='./build/luajit/?.so;;' luajit bench/nginx_bench.lua build/luajit; \
	else echo "(nginx with its lua module is not installed: no OpenResty figures)"; fi

BENCH_RUNS ?= 5
# the list figures' floor: the same Lua tables made without reading JSON
$(BUILD)/bench_tables.so: bench/tables.c $(CORE_OBJ) $(BIND_OBJ)
	$(CC) $(ALL_CFLAGS) $(LUA_INC) -Icsrc -shared -o $@ $< $(CORE_OBJ) $(BIND_OBJ) $(DEPS_LIBS) -lpthread $(ALL_LDFLAGS)
$(BUILD)/curl_loop: bench/curl_loop.c
	@mkdir -p $(BUILD)
	$(CC) -O2 $(DEPS_CFLAGS) -o $@ bench/curl_loop.c $(DEPS_LIBS)

# make bench's tooling, run small (make test): every figure comes out
bench-check: $(MODULE) $(BUILD)/curl_loop $(BUILD)/bench_tables.so
	$(LUA) bench/check.lua $(LUA) $(BUILD)

bench-callgrind: $(MODULE)
	bash bench/callgrind_top.sh $(or $(OP),call:DescribeCampaign) $(LUA) $(BUILD)

# libFuzzer targets (clang) for what reads untrusted bytes: service answers,
# STS XML, the canonical-request builder, shared config files and URLs (the
# last two are Lua, run in an embedded interpreter: Lua code gives libFuzzer
# no coverage signal, so those two mutate their seeds at random, with
# invariants checked on every input); FUZZ_SECONDS each. New
# finds land in build/fuzz/corpus_*; fuzz/seeds_* is the committed corpus.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = response headers xml sigv4
FUZZ_LUA_TARGETS = ini url
FUZZ_FLAGS = -std=c99 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# The random answer round trip of spec/24 with a new seed each run (printed:
# CC_ROUNDTRIP_SEED=N make test replays a failure), ROUNDTRIP_ROUNDS answers
# per shape.
ROUNDTRIP_ROUNDS ?= 2000
fuzz-roundtrip: $(MODULE)
	@seed=$$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); echo "round trip seed $$seed"; \
	CC_ROUNDTRIP_SEED=$$seed CC_ROUNDTRIP_ROUNDS=$(ROUNDTRIP_ROUNDS) $(SPEC_ENV) $(BUSTED) --lua=$(LUA) \
	    --cpath='./$(BUILD)/?.so' --output=plainTerminal spec/24-roundtrip_spec.lua

fuzz: fuzz-roundtrip
	@mkdir -p build/fuzz
	@for t in $(FUZZ_TARGETS) $(FUZZ_LUA_TARGETS); do \
	    case " $(FUZZ_LUA_TARGETS) " in *" $$t "*) extra="$(LUA_INC) $(LUA_LIBS)" ;; *) extra="" ;; esac; \
	    clang $(FUZZ_FLAGS) $(DEPS_CFLAGS) -o build/fuzz/$$t fuzz/fuzz_$$t.c $(CORE_SRC) $$extra $(DEPS_LIBS) -lpthread -lm || exit 1; \
	    mkdir -p build/fuzz/corpus_$$t; \
	    ./build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -artifact_prefix=build/fuzz/$$t- \
	        build/fuzz/corpus_$$t fuzz/seeds_$$t || exit 1; \
	done

clean:
	rm -rf build
