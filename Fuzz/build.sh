#!/usr/bin/env bash
# Builds the libFuzzer targets: Fuzz/<target>/Harness.swift linked against the
# CaseloadImport module (and what it depends on) built with -sanitize=fuzzer,address.
#
# SwiftPM cannot link an executable target with libFuzzer's own main (see
# ../shared/recipes/fuzzing.md), so the modules are built by SwiftPM into a separate
# scratch path and each harness is linked by one swiftc call against their object files.
#
# Usage: Fuzz/build.sh [csv json fhir profile]   (default: all four); binaries land in .build-fuzz/fuzz-<target>.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(csv json fhir profile)

"$SWIFT" build --scratch-path "$SCRATCH" --target CaseloadImport -Xswiftc -sanitize=fuzzer,address
bin=$("$SWIFT" build --scratch-path "$SCRATCH" --show-bin-path)

# Every object file of the import module's dependency closure (not the CLI, not tests).
objects=()
while IFS= read -r -d '' file; do objects+=("$file"); done < <(
  find "$bin" -path '*/CaseloadCLI.build' -prune -o -path '*Tests.build' -prune \
    -o -path '*/CaseloadExport.build' -prune -o -path '*/CaseloadAnalytics.build' -prune \
    -o -path '*/CaseloadSynthetic.build' -prune -o -path '*/ArgumentParser*.build' -prune \
    -o -name '*.o' -print0)

for target in "${targets[@]}"; do
  "${SWIFTC:-swiftc}" -sanitize=fuzzer,address -parse-as-library -O \
    -I "$bin/Modules" "Fuzz/$target/Harness.swift" Fuzz/Shared.swift "${objects[@]}" -lstdc++ \
    -o "$SCRATCH/fuzz-$target"
  echo "built $SCRATCH/fuzz-$target"
done
