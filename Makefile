# Hotline — the two commands a new user needs:
#   make run    install missing Debian packages, build, and start hotlined in the background (embedded PostgreSQL)
#   make test   run every test (unit and integration) against a throwaway PostgreSQL
SWIFT ?= swift
STATE ?= $(CURDIR)/.state
BIN := $(CURDIR)/.build/debug

.PHONY: run stop deps build test unit-test bench bench-remote-db soak fuzz format lint clean release install deb check-units boot-test packaging-deps

# Installation paths (GNU conventions). `make install` builds release binaries with the Swift runtime linked in,
# so the installed programs need only libc, libpq and libsystemd.
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
BINDIR := $(PREFIX)/bin
# Debian 12 keeps packaged units in /lib/systemd/system; local installs use the /usr/local tree systemd also reads.
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
LIBDIR := $(PREFIX)/lib
DOCDIR := $(PREFIX)/share/doc/hotline
MANDIR := $(PREFIX)/share/man
RELEASE_FLAGS := -c release --static-swift-stdlib
PROGRAMS := hotlined hotlinectl hotline-pbx-sim hotline-pbx-bridge hotline-notifier

deps:
	scripts/install-deps.sh

build: deps
	$(SWIFT) build

run: build
	@mkdir -p $(STATE)
	@if [ -f $(STATE)/hotlined.pid ] && kill -0 $$(cat $(STATE)/hotlined.pid) 2>/dev/null; then \
		echo "hotlined already running (pid $$(cat $(STATE)/hotlined.pid)); 'make stop' stops it"; exit 0; fi
	@nohup $(BIN)/hotlined --state-dir $(STATE) >$(STATE)/hotlined.log 2>&1 & echo $$! >$(STATE)/hotlined.pid
	@for i in $$(seq 1 60); do \
		if $(BIN)/hotlinectl status >/dev/null 2>&1; then break; fi; \
		if ! kill -0 $$(cat $(STATE)/hotlined.pid) 2>/dev/null; then cat $(STATE)/hotlined.log; exit 1; fi; \
		sleep 1; done
	@$(BIN)/hotlinectl status
	@echo
	@echo "hotlined is running (pid $$(cat $(STATE)/hotlined.pid), log $(STATE)/hotlined.log)."
	@echo "You ($$(id -un)) run hotlined, so you administer it. Next, set up the centre and yourself:"
	@echo "  $(BIN)/hotlinectl dept add SVC --name 客服部"
	@echo "  $(BIN)/hotlinectl staff add $$(id -un) --name \"$$(id -un)\" --dept SVC --role operator --role supervisor"
	@echo "Stop:  make stop"

stop:
	@if [ -f $(STATE)/hotlined.pid ]; then kill $$(cat $(STATE)/hotlined.pid) 2>/dev/null || true; \
		for i in $$(seq 1 30); do kill -0 $$(cat $(STATE)/hotlined.pid) 2>/dev/null || break; sleep 1; done; \
		rm -f $(STATE)/hotlined.pid; echo "hotlined stopped"; fi

test: deps
	$(SWIFT) build --build-tests
	scripts/with-temp-postgres.sh $(SWIFT) test --skip-build --skip '(Asterisk|FreeSWITCH)LiveTests'

# Benchmarks, not timed tests: prints figures as ratios against baselines measured in the same run.
bench: deps
	$(SWIFT) build -c release --product hotlined
	$(SWIFT) build -c release --product hotline-bench
	HOTLINE_PG_FSYNC=on scripts/with-temp-postgres.sh $(CURDIR)/.build/release/hotline-bench
	$(SWIFT) build -c release --product hotline-notifier
	$(SWIFT) build -c release --product hotline-notifier-bench
	HOTLINE_PG_FSYNC=on scripts/with-temp-postgres.sh $(CURDIR)/.build/release/hotline-notifier-bench
	$(SWIFT) build -c release --product hotline-pbx-bridge
	$(SWIFT) build -c release --product hotline-bridge-bench
	HOTLINE_PG_FSYNC=on scripts/with-temp-postgres.sh $(CURDIR)/.build/release/hotline-bridge-bench

# The ingest and ack figures of `make bench` with the database a network hop away (scripts/bench-remote-db.sh).
bench-remote-db: deps
	$(SWIFT) build -c release --product hotlined
	$(SWIFT) build -c release --product hotline-bench
	HOTLINE_BENCH_ONLY=ingest scripts/bench-remote-db.sh

# The soak, not part of `make bench` (half an hour): hotlined under 200 PBX events/s, operators filing and moving
# complaints and deadlines firing on a fast manual clock; RSS, open descriptors and database connections of hotlined
# must not grow by more than 10 % (PASS/FAIL each), and no error. SOAK_SECONDS shortens it.
SOAK_SECONDS ?= 1800
soak: deps
	$(SWIFT) build -c release --product hotlined
	$(SWIFT) build -c release --product hotlinectl
	$(SWIFT) build -c release --product hotline-bench
	HOTLINE_BENCH_ONLY=soak HOTLINE_SOAK_SECONDS=$(SOAK_SECONDS) HOTLINE_PG_FSYNC=on \
		scripts/with-temp-postgres.sh $(CURDIR)/.build/release/hotline-bench

# libFuzzer on the PBX line parser for FUZZ_SECONDS (default 60) from the seed corpus; any crash fails.
fuzz:
	scripts/fuzz.sh

unit-test:
	$(SWIFT) test --filter 'HotlineCoreTests|HotlineProtocolTests|HotlineCLITests|HotlineDaemonTests|CallRecordCodingTests|PostgresTimestampTests'

format:
	$(SWIFT) format format --in-place --recursive Package.swift Sources Tests Plugins Benchmarks Fuzz

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Plugins Benchmarks Fuzz

# generate-manual (from swift-argument-parser) writes the man pages from the programs' own help.
release:
	for program in $(PROGRAMS) generate-manual; do $(SWIFT) build $(RELEASE_FLAGS) --product $$program || exit 1; done

# Installs binaries, units (ExecStart rewritten for PREFIX), sysusers/tmpfiles, the documented config (never
# overwriting an existing one), man pages, completions and docs. Then, on a live system:
#   systemd-sysusers && systemd-tmpfiles --create && systemctl daemon-reload
#   systemctl enable --now hotlined.socket hotlined-control.socket
install: release
	scripts/install-tree.sh "$(DESTDIR)" "$(BINDIR)" "$(UNITDIR)" "$(LIBDIR)" "$(SYSCONFDIR)" "$(DOCDIR)" "$(MANDIR)" \
		"$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)"

# The Debian package, .build/deb/hotline_VERSION_ARCH.deb, checked by lintian (errors fail the build).
deb: packaging-deps release
	scripts/build-deb.sh "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)"

# systemd-analyze verify (any output fails) and security --offline (exposure at most 2.0) on the installed units.
check-units: packaging-deps release
	scripts/check-units.sh "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)"

# Boots Debian 12 with systemd in a container, installs the package and exercises the units (needs root).
boot-test: deb
	scripts/with-temp-postgres.sh scripts/boot-test.sh

packaging-deps:
	scripts/install-deps.sh --packaging

clean:
	rm -rf .build

# The PBX bridges against a real Asterisk and FreeSWITCH built from ../shared/pbx (cached): starts them on
# 127.0.0.1:15038 and :18021 (HOTLINE_TEST_AMI_PORT, HOTLINE_TEST_ESL_PORT), runs HotlinePBXBridgeTests with both
# live suites, stops them. Fails, never skips.
.PHONY: pbx-test
pbx-test: deps
	scripts/pbx-test.sh

# libFuzzer on the AMI frame parser and the Asterisk call model for FUZZ_SECONDS (default 60); any crash fails.
.PHONY: fuzz-ami
fuzz-ami:
	scripts/fuzz-ami.sh
