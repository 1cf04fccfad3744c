#!/usr/bin/env bash
# Runs one libFuzzer target for FUZZ_SECONDS (default 600), seeded from the committed corpus
# (Fuzz/corpus/<target>) and the test fixtures, then merges what it found that adds coverage
# back into Fuzz/corpus/<target> (commit that). A crash, hang (>10 s) or leak stops the run,
# writes the input as crash-*/timeout-*/leak-* in .build-fuzz/artifacts/ and exits non-zero.
#
# Usage: Fuzz/run.sh csv|json|fhir|profile   (after Fuzz/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
target=$1
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
seconds=${FUZZ_SECONDS:-600}
binary="$SCRATCH/fuzz-$target"
corpus="Fuzz/corpus/$target"
work="$SCRATCH/corpus-$target"
seeds="$SCRATCH/seeds-$target"
mkdir -p "$corpus" "$work" "$seeds" "$SCRATCH/artifacts"

# Seeds: every CSV/TSV fixture for csv; every JSON/NDJSON fixture for json, prefixed with the
# byte that picks its format in the harness (' ' even: .json, '!' odd: .ndjson); for fhir, the
# files of Fuzz/seeds/fhir, prefixed the same way; for profile, each
# export of Tests/*/Fixtures/profiles/ behind the byte of its built-in profile (1 strong, 2 hevy,
# 3 fitnotes), and each profile file there, a NUL and each export beside it (byte 0).
rm -f "$seeds"/*
for file in Tests/*/Fixtures/*.* Tests/*/Fixtures/bad/*.* Tests/*/Fixtures/*/*.csv; do
  [ -f "$file" ] || continue
  [ "$(stat -c %s "$file")" -le 65536 ] || continue
  name=$(echo "$file" | tr '/' '_')
  case "$target:$file" in
    csv:*.csv|csv:*.tsv) cp "$file" "$seeds/$name" ;;
    json:*.json) { printf ' '; cat "$file"; } > "$seeds/$name" ;;
    json:*.ndjson) { printf '!'; cat "$file"; } > "$seeds/$name" ;;
  esac
done
# The FHIR target's seeds are the project's own (Fuzz/seeds/fhir), with the same format byte.
if [ "$target" = fhir ]; then
  for file in Fuzz/seeds/fhir/*; do
    name=$(basename "$file")
    case "$file" in
      *.json) { printf ' '; cat "$file"; } > "$seeds/$name" ;;
      *.ndjson) { printf '!'; cat "$file"; } > "$seeds/$name" ;;
    esac
  done
fi

if [ "$target" = profile ]; then
  for file in Tests/*/Fixtures/profiles/*/*.csv; do
    [ -f "$file" ] || continue
    name=$(echo "$file" | tr '/' '_')
    case "$file" in
      */strong-*) { printf '\001'; cat "$file"; } > "$seeds/$name" ;;
      */hevy*) { printf '\002'; cat "$file"; } > "$seeds/$name" ;;
      */fitnotes-*) { printf '\003'; cat "$file"; } > "$seeds/$name" ;;
    esac
    for toml in "$(dirname "$file")"/*.toml; do
      [ -f "$toml" ] || continue
      { printf '\000'; cat "$toml"; printf '\000'; cat "$file"; } > "$seeds/$name.toml"
    done
  done
fi

"$binary" "$work" "$corpus" "$seeds" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -use_value_profile=1 \
  -print_final_stats=1 -artifact_prefix="$SCRATCH/artifacts/" ${FUZZ_FLAGS:-}

# Keep the committed corpus small: only inputs that add coverage to what is there already.
"$binary" -merge=1 -set_cover_merge=1 "$corpus" "$work" "$seeds" ${FUZZ_FLAGS:-} 2>&1 | tail -n 3
echo "corpus $corpus: $(ls "$corpus" | wc -l) files, $(du -sh --apparent-size "$corpus" | cut -f1)"
