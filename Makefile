# caseload: the weekly review of home-exercise logs for patellofemoral pain.
# Quick start: `make report` (builds, reviews samples/ into reports/sample and audits them into
# reports/sample-audit) and `make test`.
# `make bench` measures every phase against DuckDB, pandas and libxlsxwriter (see BENCHMARKS.md).

SWIFT ?= swift
REPORT_DIR ?= reports/sample
AUDIT_DIR ?= reports/sample-audit

.PHONY: report test test-slurm build release static bootstrap clean fuzz bench

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build

release: bootstrap
	$(SWIFT) build -c release --product caseload

# The release caseload with the Swift runtime and Foundation linked in, for images and nodes without a
# Swift toolchain (docs/SCALING.md, "Static build"). Not fully static: Debian ships libxlsxwriter as a
# shared library only, so libxlsxwriter.so.4 (with libminizip, libcrypto and libz) and glibc stay dynamic.
static: bootstrap
	$(SWIFT) build -c release --product caseload --static-swift-stdlib
	@bin=$$($(SWIFT) build -c release --show-bin-path)/caseload; ls -l $$bin; ldd $$bin

# samples/fhir is a FHIR Bulk export of six more patients; its caseload.toml names the generator's
# own codes (readiness test, KOOS-PF, AKPS), so both commands read it with --config.
report: release
	$$($(SWIFT) build -c release --show-bin-path)/caseload review samples --roster samples/roster.csv \
		--config samples/fhir/caseload.toml --out $(REPORT_DIR)
	$$($(SWIFT) build -c release --show-bin-path)/caseload audit samples --roster samples/roster.csv \
		--config samples/fhir/caseload.toml --from 2026-10-01 --to 2026-11-22 --proms samples/proms.csv --out $(AUDIT_DIR)

# The Kubernetes manifests are checked statically first (PyYAML; no cluster here): deploy/kubernetes/README.md.
test: bootstrap
	scripts/check-kubernetes --self-test
	$(SWIFT) test

# A throw-away one-node Slurm cluster (scratch folder, ports 16817/16818; installs slurmctld slurmd
# slurm-client munge when missing; needs root): the samples and a generated caseload through the
# shard array and merge, compared with `review --plan`, and one injected shard failure (docs/SCALING.md).
test-slurm: build
	scripts/slurm/test-cluster

# libFuzzer targets for the CSV reader, the JSON importer, the FHIR reader and mapping profiles (docs/RELIABILITY.md):
# FUZZ_SECONDS per target (default 600), one after the other; grown corpus merged into Fuzz/corpus/.
# FUZZ_TARGETS picks some (e.g. make fuzz FUZZ_TARGETS=profile).
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= csv json fhir profile
fuzz: bootstrap
	Fuzz/build.sh $(FUZZ_TARGETS)
	for target in $(FUZZ_TARGETS); do FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh $$target || exit 1; done

# Removes the builds and every report, keeping reports/README.md (the folder's only committed file).
clean:
	rm -rf .build
	[ ! -d reports ] || find reports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +

# Benchmarks: seeded inputs in Benchmarks/data (generated once), phase timings, the whole review and
# the anchors (wc -l, DuckDB, pandas + scipy + XlsxWriter, a C libxlsxwriter loop) on the same files,
# then the package-benchmark suite. BENCH_SIZES=small,medium,large adds the 40,000-patient caseload
# (about 1 GB, generated on demand); BENCH_PACKAGE=0 skips package-benchmark; BENCH_RUNS=n (default 3).
BENCH_SIZES ?= small,medium
BENCH_PACKAGE ?= 1
BENCH_VENV := Benchmarks/.build/venv

bench: release
	@mkdir -p Benchmarks/.build
	@test -x $(BENCH_VENV)/bin/python || python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q duckdb pandas scipy xlsxwriter
	$(SWIFT) build -c release --package-path Benchmarks --product caseload-phases
	cc -O2 -pthread -o Benchmarks/.build/xlsx_floor Benchmarks/anchors/xlsx_floor.c $$(pkg-config --cflags --libs xlsxwriter)
	$(BENCH_VENV)/bin/python Benchmarks/bench.py --sizes $(BENCH_SIZES) \
		--caseload $$($(SWIFT) build -c release --show-bin-path)/caseload \
		--phases $$($(SWIFT) build -c release --package-path Benchmarks --show-bin-path)/caseload-phases \
		--floor Benchmarks/.build/xlsx_floor
	@if [ "$(BENCH_PACKAGE)" = 1 ]; then cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark; fi
