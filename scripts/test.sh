#!/usr/bin/env bash
# The whole test command: type-check, lint, build, then bun test (which includes the Deno smoke suite).
# Ends with one line "N passed, N failed[, N skipped]" counting each stage and each test.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin
passed=0 failed=0 skipped=0

stage() {
  local name=$1; shift
  echo "== $name: $*"
  if "$@"; then passed=$((passed + 1)); else echo "== $name FAILED"; failed=$((failed + 1)); fi
}

stage typecheck "$bin/tsc" --noEmit -p .
stage lint "$bin/biome" check --error-on-warnings .
stage build "$bin/bun" scripts/build.ts

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "== bun test"
"$bin/bun" test --timeout=60000 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
count() { grep -E "^ *[0-9]+ $1\$" "$log" | tail -1 | awk '{print $1}'; }
tests_passed=$(count pass) tests_failed=$(count fail) tests_skipped=$(count skip)
passed=$((passed + ${tests_passed:-0}))
failed=$((failed + ${tests_failed:-0}))
skipped=$((skipped + ${tests_skipped:-0}))
if [ "$status" -ne 0 ] && [ "${tests_failed:-0}" -eq 0 ]; then failed=$((failed + 1)); fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
