# The README's two commands (`make demo`, `make test`) and the targets behind them.
# Every target first runs scripts/setup, which installs only what is missing.
.PHONY: setup configure build test demo bench fuzz test-debug test-tsan test-slow format format-check tidy clean

BUILD := build
JOBS ?= $(shell nproc)

setup:
	@scripts/setup

$(BUILD)/build.ninja: CMakeLists.txt CMakePresets.json | setup
	cmake --preset release >/dev/null

configure: setup $(BUILD)/build.ninja

build: configure
	cmake --build --preset release -j $(JOBS)

# Every test: unit, fuzz seed replays, integration. The last lines are ctest's summary.
test: build
	ctest --preset release -LE slow

# Long suites (full-length fault injection, soak); listed in README.
test-slow: build
	ctest --preset release -L slow

demo: build
	@scripts/demo

bench: build
	@scripts/bench

fuzz: setup
	cmake --preset fuzz >/dev/null && cmake --build --preset fuzz -j $(JOBS) --target fuzzers
	@scripts/fuzz build-fuzz $(or $(SECONDS_PER_TARGET),30)

test-debug: setup
	cmake --preset debug >/dev/null && cmake --build --preset debug -j $(JOBS) && ctest --preset debug -LE slow

test-tsan: setup
	cmake --preset tsan >/dev/null && cmake --build --preset tsan -j $(JOBS) && ctest --preset tsan -LE slow

# The crash-recovery fault test at full length: SIGKILL under load 50 times, 3-6 min
# (WEFT_FAULT_KILLS=N to change, WEFT_FAULT_SEED=S to repeat a run). `make test` runs 3 kills.
.PHONY: test-faults
test-faults: build
	WEFT_FAULT_KILLS=$(or $(WEFT_FAULT_KILLS),50) ctest --test-dir $(BUILD) -R crash_recovery --output-on-failure

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check:
	git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror

tidy: configure
	git ls-files 'src/*.cc' 'apps/*.cc' | xargs clang-tidy -p $(BUILD) --quiet

clean:
	rm -rf build build-debug build-tsan build-fuzz
