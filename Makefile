# The two commands that matter: `make report` (the main job) and `make test`.
# Both install missing system libraries first (libnuma-dev, libopenblas-dev; OpenMPI and iproute2 for the MPI tests).
BIN := .build/release/roofline

.PHONY: deps build report probe test bench bench-mpi examples fuzz

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

bench-mpi: build
	python3 scripts/bench-mpi.py

fuzz:
	scripts/fuzz.sh $${FUZZ_SECONDS:-120}
