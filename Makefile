# Entry points. `make serve` and `make test` are the two commands README.md gives.
# Build modes: release (optimised), debug (ASan + UBSan), fuzz (clang + libFuzzer),
# tsan (ThreadSanitizer: the server and the unit tests of its multi-thread paths only).
BUILD ?= build
GENERATOR ?= Ninja
CMAKE_FLAGS ?=

.PHONY: all deps release debug fuzz tsan serve test test-release test-debug bench deb format tidy clean

all: release

deps:
	@scripts/install-deps.sh build

release: deps
	@cmake -S . -B $(BUILD)/release -G $(GENERATOR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)/release

debug: deps
	@cmake -S . -B $(BUILD)/debug -G $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug -DWARREN_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)/debug

fuzz: deps
	@scripts/install-deps.sh test
	@CXX=clang++ cmake -S . -B $(BUILD)/fuzz -G $(GENERATOR) -DCMAKE_BUILD_TYPE=Release -DWARREN_FUZZ=ON -DWARREN_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)/fuzz --target fuzz_targets

# ThreadSanitizer with clang: gcc 12's libtsan crashes in its own reporting code (RestoreStack)
# when the server exits, where clang 14's runs clean. -O1 -g1: TSan's usual optimisation, with
# line tables for its reports. Only what tests/tsan/run.sh runs is built.
TSAN_TARGETS ?= warren warren_common_test warren_http_test notify_unit_tests webhook_unit_tests warren_net_test store_memory_test \
  store_rocksdb_test warren_store_redis_test warren_auth_test
tsan: deps
	@scripts/install-deps.sh test
	@CXX=clang++ cmake -S . -B $(BUILD)/tsan -G $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DWARREN_TSAN=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)/tsan --target $(TSAN_TARGETS)

# Builds and starts the server on 127.0.0.1:8888 with the default (embedded) storage.
serve: release
	$(BUILD)/release/warren serve --listen 127.0.0.1:8888

# Installs what the tests need, builds every mode and runs every test.
test:
	@scripts/test.sh

# Side-by-side benchmarks (bench/README.md). Zaqar joins when WARREN_ZAQAR_LUA names the folder
# holding its Redis driver's two Lua scripts (never committed here).
bench: release
	@scripts/install-deps.sh bench
	bench/http-compare
	bench/compare $(if $(WARREN_ZAQAR_LUA),--zaqar-lua $(WARREN_ZAQAR_LUA))

# The Debian package build/warren_VERSION_ARCH.deb (scripts/build-deb.sh; docs/operations.md).
deb: release
	@scripts/build-deb.sh $(BUILD)/release

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

tidy: release
	@git ls-files 'src/*.cpp' | xargs clang-tidy -p $(BUILD)/release --quiet

clean:
	rm -rf $(BUILD)
