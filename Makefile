# caseload: the weekly review of home-exercise logs for patellofemoral pain.
# Quick start: `make report` (builds and reviews samples/ into reports/sample) and `make test`.

SWIFT ?= swift
REPORT_DIR ?= reports/sample

.PHONY: report test build release bootstrap clean fuzz

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build

release: bootstrap
	$(SWIFT) build -c release --product caseload

report: release
	$$($(SWIFT) build -c release --show-bin-path)/caseload review samples --roster samples/roster.csv --out $(REPORT_DIR)

test: bootstrap
	$(SWIFT) test

# libFuzzer targets for the CSV reader and the JSON importer (docs/RELIABILITY.md):
# FUZZ_SECONDS per target (default 600), one after the other; grown corpus merged into Fuzz/corpus/.
FUZZ_SECONDS ?= 600
fuzz: bootstrap
	Fuzz/build.sh csv json
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh csv
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh json

clean:
	rm -rf .build reports
