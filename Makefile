# caseload: the weekly review of home-exercise logs for patellofemoral pain.
# Quick start: `make report` (builds and reviews samples/ into reports/sample) and `make test`.

SWIFT ?= swift
REPORT_DIR ?= reports/sample

.PHONY: report test build release bootstrap clean

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

clean:
	rm -rf .build reports
