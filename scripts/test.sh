#!/usr/bin/env bash
# Installs, builds, runs every test (lit and ctest) and ends with one line
# `N passed, N failed, N skipped`, the totals of both. Exits non-zero on any
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
BUILD_DIR=$(cd "${LDN_BUILD_DIR:-build}" && pwd)
RESULTS="$BUILD_DIR/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

echo "== lit"
lit_rc=0
# The main suite, then the GPU tiers of the integration tests (the CUDA tier
# is reported unsupported, with the reason, where no device exists).
/usr/lib/llvm-22/bin/lit -sv "$BUILD_DIR/test" "$BUILD_DIR/test/tiers/emu" \
  "$BUILD_DIR/test/tiers/cuda" -o "$RESULTS/lit.json" || lit_rc=$?

echo "== ctest"
ctest_rc=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" \
  --output-junit "$RESULTS/ctest.xml" || ctest_rc=$?

summary_rc=0
python3 scripts/summarize_tests.py "$RESULTS/lit.json" "$RESULTS/ctest.xml" || summary_rc=$?
[ $lit_rc -eq 0 ] && [ $ctest_rc -eq 0 ] && [ $summary_rc -eq 0 ]
