#!/usr/bin/env bash
# The main job: install what is missing, build, then compile every example
# model for the CPU with ldn-compile and run it with ldn-run on random
# inputs and weights (B = 2, T = 64 where the sequence length is free).
# Models and their reference checks with real weights come with the models
# issue; this shows the whole path working: IR -> shared library -> runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --target ldn-opt ldn-compile ldn-run
BIN=${LDN_BUILD_DIR:-build}/bin
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# example file | entry | ldn-run binding arguments
RUNS=(
  "ldn_block ldn_block --random-rest 2,64"
  "diffuser_layer diffuser_layer --random lengths=2:50:65 --random-rest 2,64"
  "lightnet_block lightnet_image_block --random-rest 2"
  "lightnet_block lightnet_lm_block --random-rest 2"
  "ldnn_layer ldnn_layer --random-rest 2,64"
  "mamba_block mamba_block --random-rest 2,64"
)

status=0
for run in "${RUNS[@]}"; do
  read -r model entry args <<<"$run"
  src="examples/$model.mlir"
  echo "== $src @$entry"
  if ! "$BIN/ldn-compile" "$src" --target=cpu -o "$OUT/$model.so" ||
     ! "$BIN/ldn-run" "$OUT/$model.so" --entry "$entry" $args --bench 5; then
    echo "FAILED: $src @$entry" >&2
    status=1
  fi
done
exit $status
