# SPDX-License-Identifier: MIT
# Thin wrapper over meson: `make run`, `make test`, `make bench`.
BUILD ?= build
SAN_BUILD ?= build-san
MESON_FLAGS ?=

.PHONY: all deps run test bench clean

all: $(BUILD)/build.ninja deps
	ninja -C $(BUILD)

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD) $(MESON_FLAGS)

$(SAN_BUILD)/build.ninja: | deps
	meson setup $(SAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false $(MESON_FLAGS)

# The main job: groups of this machine, or of the built-in server without PCI sysfs.
run: all
	$(BUILD)/cli/iommukit groups

# Every suite, plain and under ASan+UBSan, with warnings as errors.
test: deps
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) $(MESON_FLAGS)
	@[ -f $(SAN_BUILD)/build.ninja ] || meson setup $(SAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false $(MESON_FLAGS)
	meson configure $(BUILD) -Dwerror=true
	meson configure $(SAN_BUILD) -Dwerror=true
	ninja -C $(BUILD)
	ninja -C $(SAN_BUILD)
	-meson test -C $(BUILD) --print-errorlogs --num-processes 2 >$(BUILD)/test-output.txt 2>&1; tail -n 15 $(BUILD)/test-output.txt
	-ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(SAN_BUILD) --print-errorlogs --num-processes 2 >$(SAN_BUILD)/test-output.txt 2>&1; tail -n 15 $(SAN_BUILD)/test-output.txt
	@python3 scripts/test-summary.py $(BUILD) $(SAN_BUILD)

# Figures on stdout (one JSON object with BENCH_JSON=1); build chatter on stderr.
bench: deps
	@scripts/deps.sh --bench
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) $(MESON_FLAGS) >&2
	@ninja -C $(BUILD) >&2
	@scripts/bench.sh $(BUILD) $(if $(BENCH_JSON),--json)

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
