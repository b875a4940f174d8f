# The two commands that matter: `make report` (the main job) and `make test`.
# Both install missing system libraries first (libnuma-dev, libopenblas-dev).
BIN := .build/release/roofline

.PHONY: deps build report probe test bench

deps:
	@scripts/install-deps.sh

build: deps
	swift build -c release

probe: build
	$(BIN) probe

test: deps
	swift test

bench: build
	python3 scripts/bench-probe.py
