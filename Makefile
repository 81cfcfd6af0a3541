# vf: a peer-to-peer node for ValueFlows economic networks.
#   make demo    set up, build, and run the demo (real nodes, on this machine)
#   make test    the test suite (debug build); the web page too when a browser is installed
#   make test-ui the web page in headless Chromium against a real node
#   make bench   throughput and replication against libsodium's own speeds, sync under
#                attack, listings written as JSON, a page of a long list of events, and the economic graph at a million
#                events (release build)
#   make bench-scale  only the last: the graph at 10,000 and SCALE_EVENTS events
#   make bench-proof  provenance proofs: size and check time at 1,000 to 100,000 entries per feed
#   make fuzz    libFuzzer on every decoder and state machine fed by outside bytes (FUZZ_SECONDS per target)

SWIFT ?= swift
DEBIAN_PACKAGES := libsodium-dev libsqlite3-dev pkg-config iproute2
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build test test-vectors test-web test-ui test-ui-if-browser bench bench-scale bench-proof fuzz fuzz-seeds demo clean

# Installs the C libraries from Debian when any is missing.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

# The command-line tests run the built `vf`, so every product is built before the tests.
test: build test-vectors test-web
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing
	@$(MAKE) --no-print-directory test-ui-if-browser

# The entry vectors, recomputed by an independent Python implementation of docs/protocol.md,
# and the payload vectors' verdicts under Python's strict reading of the JSON profile.
test-vectors:
	@if command -v python3 >/dev/null && python3 -c "import ctypes.util, sys; sys.exit(not ctypes.util.find_library('sodium'))"; then \
		python3 tools/backup_vector.py --check docs/protocol.md; \
	fi
	@if command -v python3 >/dev/null; then \
		python3 tools/entry_vectors.py --check-payloads Tests/VFLogTests/Fixtures/payload-vectors.json; \
	else \
		echo "skipping the Python cross-check of the payload vectors: python3 is not installed"; \
	fi
	@if python3 -c "import cryptography" 2>/dev/null; then \
		python3 tools/entry_vectors.py --check Tests/VFLogTests/Fixtures/entry-vectors.json; \
	else \
		echo "skipping the Python cross-check of the entry vectors: python3 with the cryptography package is not installed"; \
	fi

# The web page's own BLAKE2b and proof checker, run by node (under a second; Tests/Web).
test-web:
	@if command -v node >/dev/null; then \
		node --test Tests/Web/; \
	else \
		echo "skipping the web page's script tests (BLAKE2b, the proof checker): node is not installed"; \
	fi

# The web page, driven in headless Chromium (Debian's chromium, chromium-driver and
# python3-selenium; nothing is downloaded). Screenshots of each view go to artifacts/ui/.
# Then the "Check a proof" page, opened from disk with no node (Tests/UI/proof_test.py).
UI_TEST := /usr/bin/python3 Tests/UI/ui_test.py --vf .build/debug/vf --artifacts artifacts/ui && \
	/usr/bin/python3 Tests/UI/proof_test.py --vf .build/debug/vf --artifacts artifacts/ui
UI_READY := [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && /usr/bin/python3 -c "import selenium" 2>/dev/null

test-ui: build
	$(UI_TEST)

test-ui-if-browser:
	@if $(UI_READY); then \
		echo "$(UI_TEST)"; $(UI_TEST); \
	else \
		echo "skipping the web page test: it needs /usr/bin/chromium, /usr/bin/chromedriver and python3-selenium (apt-get install chromium chromium-driver python3-selenium)"; \
	fi

bench: deps
	$(SWIFT) build -c release --product vf-bench
	$(SWIFT) build -c release --product vf-sync-bench
	$(SWIFT) build -c release --product vf-graph-bench
	$(SWIFT) build -c release --product vf-hostile-bench
	$(SWIFT) build -c release --product vf-listing-bench
	$(SWIFT) build -c release --product vf-page-bench
	.build/release/vf-bench $(or $(ENTRIES),50000)
	.build/release/vf-sync-bench 2>/dev/null
	.build/release/vf-graph-bench
	.build/release/vf-hostile-bench
	.build/release/vf-listing-bench
	.build/release/vf-page-bench
	@$(MAKE) --no-print-directory bench-proof
	@$(MAKE) --no-print-directory bench-scale

# Provenance proofs of a 30-event chain across 3 feeds of 1,000, 10,000 and 100,000 entries:
# size, and time to check in process, with `vf proof check` and against libsodium (issue 14).
bench-proof: deps
	$(SWIFT) build -c release --product vf
	$(SWIFT) build -c release --product vf-proof-bench
	.build/release/vf-proof-bench

# The economic graph at 10,000 and SCALE_EVENTS (default 1,000,000) events: commands, the
# API and bulk entry, run with the release `vf` as a user would (issue 12). Long: ~15 minutes.
bench-scale: deps
	$(SWIFT) build -c release --product vf
	$(SWIFT) build -c release --product vf-scale-bench
	.build/release/vf-scale-bench

# Not part of `make test`: a package of its own (Fuzz/), built with --sanitize=fuzzer into
# .build-fuzz. Each target runs FUZZ_SECONDS (default 60) from a copy of Fuzz/Corpus/<target>.
fuzz: deps
	bash scripts/fuzz.sh

# Rewrites the committed seeds (Fuzz/Corpus) from the real encoders, after a format change.
fuzz-seeds: deps
	$(SWIFT) build --package-path Fuzz --scratch-path $(CURDIR)/.build-fuzz -c release --sanitize=fuzzer \
		-Xswiftc -g -Xswiftc -enable-testing --product fuzz-seeds
	FUZZ_SEEDS_DIR=$(CURDIR)/Fuzz/Corpus .build-fuzz/release/fuzz-seeds

demo: build
	bash scripts/demo.sh

clean:
	rm -rf .build .build-fuzz
