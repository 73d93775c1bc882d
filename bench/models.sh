#!/usr/bin/env bash
# Every example model's forward pass on the CPU at a realistic size, as
# tokens per second, against the same forward pass in numpy (float32, the
# model's reference.py) in the same run. B = 1, T = 4096 where the model lets
# T vary; the LightNet models have T fixed by their LRPE grid and run a batch
# instead (BENCH_BATCH). Each line is also a check against the reference.
#
#   bench/models.sh [N]      N timed calls per model (default 10; medians)
set -euo pipefail
cd "$(dirname "$0")/.."
export LDN_BIN=${LDN_BUILD_DIR:-build}/bin
RUNS=${1:-10}
for model in ldn diffuser lightnet_image lightnet_lm ldnn mamba; do
  python3 examples/run.py "$model" --target cpu --bench "$RUNS"
done
