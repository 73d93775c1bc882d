#!/usr/bin/env bash
# The main job: install, build, then run ldn-opt on every example model
# (parse, verify, print, and parse the printed form again).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --target ldn-opt
BUILD_DIR=${LDN_BUILD_DIR:-build}
OPT="$BUILD_DIR/bin/ldn-opt"

status=0
for model in examples/*.mlir; do
  if "$OPT" "$model" | "$OPT" --verify-each >/dev/null; then
    ops=$("$OPT" "$model" | grep -oE '= ldn\.[a-z_]+' | cut -c3- | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
    echo "ok    $model  ($ops)"
  else
    echo "FAIL  $model" >&2
    status=1
  fi
done
exit $status
