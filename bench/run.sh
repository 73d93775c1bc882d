#!/usr/bin/env bash
# Benchmarks every op on this machine, in one run, against the machine's own
# copy bandwidth and against lib/Reference (fp64, naive): builds what it
# needs, measures copy bandwidth, compiles bench/ops.mlir, then times each
# op with `ldn-run --bench` (median of repeats) and prints a Markdown table.
#
#   bench/run.sh [repeats]        (default 9; set LDN_BENCH_OPS="scan diffuse" to pick)
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-9}
BUILD_DIR=${LDN_BUILD_DIR:-build}
scripts/setup.sh
scripts/build.sh --target ldn-compile ldn-run ldn-copy-bandwidth >/dev/null
BIN="$BUILD_DIR/bin"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# 1 GiB buffers: well past the last-level cache this machine reports.
copy=$("$BIN/ldn-copy-bandwidth" 1024 "$REPEATS")
copy_gbs=$(sed -n 's/^copy bandwidth: \([0-9.]*\) GB\/s median.*/\1/p' <<<"$copy")
"$BIN/ldn-compile" bench/ops.mlir -o "$WORK/ops.so"

# entry[:variant] -> ldn-run arguments. GB/s counts the bytes the op must move
# at least: inputs read once, outputs written once.
declare -A ARGS=(
  [scan]="--random a=8x4096x512:0.5:1 --random b=8x4096x512"
  [diffuse]="--random x=8x4096x512 --random w=4:0:1 --random alpha=512:0:1"
  [additive_decay]="--random k=8x4096x8x64"
  [selective_scan]="--random x=8x4096x1024 --random delta=8x4096x1024 --random A=1024x16:-1:0 --random B=8x4096x16 --random C=8x4096x16 --random D=1024 --random z=8x4096x1024"
  [linear_attention]="--random q=8x4096x8x64 --random k=8x4096x8x64 --random v=8x4096x8x64 --random decay=8x4096x8:-0.1:0"
  [attention_diffuse]="--random q=8x4096x8x64 --random k=8x4096x8x64 --random v=8x4096x8x64"
  [long_conv_fft]="--random v=8x8192x64 --random kernel=64x8192:-0.01:0.01"
  [long_conv_direct]="--random v=8x8192x64 --random kernel=64x8192:-0.01:0.01"
  # Where FFT overtakes the direct sum: kernels as long as the sequence.
  [long_conv_fft:512]="--random v=8x512x64 --random kernel=64x512:-0.01:0.01"
  [long_conv_direct:512]="--random v=8x512x64 --random kernel=64x512:-0.01:0.01"
  [long_conv_fft:1024]="--random v=8x1024x64 --random kernel=64x1024:-0.01:0.01"
  [long_conv_direct:1024]="--random v=8x1024x64 --random kernel=64x1024:-0.01:0.01"
  [long_conv_fft:2048]="--random v=8x2048x64 --random kernel=64x2048:-0.01:0.01"
  [long_conv_direct:2048]="--random v=8x2048x64 --random kernel=64x2048:-0.01:0.01"
)
ORDER=${LDN_BENCH_OPS:-"scan diffuse additive_decay selective_scan linear_attention attention_diffuse long_conv_fft long_conv_direct long_conv_fft:512 long_conv_direct:512 long_conv_fft:1024 long_conv_direct:1024 long_conv_fft:2048 long_conv_direct:2048"}

echo "$copy"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), threads used: 1"
echo
echo "| op | shape | median ms | GB/s | of copy BW | vs reference |"
echo "|---|---|---:|---:|---:|---:|"
for op in $ORDER; do
  out=$("$BIN/ldn-run" "$WORK/ops.so" --entry "${op%%:*}" ${ARGS[$op]} --quiet \
          --bench "$REPEATS" --bench-reference 2>&1) || {
    echo "| $op | ${ARGS[$op]} | failed: $(tail -1 <<<"$out") | | | |"; continue; }
  line=$(grep '^bench ' <<<"$out")
  ms=$(sed -n 's/.*median \([0-9.]*\) ms.*/\1/p' <<<"$line")
  gbs=$(sed -n 's/.* \([0-9.]*\) GB\/s.*/\1/p' <<<"$line")
  speedup=$(sed -n 's/.*(\([0-9.]*x\))$/\1/p' <<<"$line")
  shape=$(sed -E 's/--random ([a-zA-Z_]+)=([0-9x]+)(:[^ ]*)?/\1 \2/g' <<<"${ARGS[$op]}")
  frac=$(awk -v g="$gbs" -v c="$copy_gbs" 'BEGIN { printf "%.0f%%", 100 * g / c }')
  echo "| $op | $shape | $ms | $gbs | $frac | $speedup |"
done
