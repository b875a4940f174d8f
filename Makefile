# The two commands that matter: `make report` (the main job) and `make test`.
# Both install missing system libraries first (libnuma-dev, libopenblas-dev).
BIN := .build/release/roofline

.PHONY: deps build report probe test bench examples fuzz

deps:
	@scripts/install-deps.sh

build: deps
	swift build -c release

report: build
	$(BIN) report --output roofline-report.md

probe: build
	$(BIN) probe

examples: build
	sh Reports/regenerate.sh

test: deps
	swift test

bench: build
	python3 scripts/bench-probe.py

fuzz:
	scripts/fuzz.sh $${FUZZ_SECONDS:-120}
