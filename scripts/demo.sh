#!/usr/bin/env bash
# The main job: install what is missing, build, then compile one of the
# example models (examples/<model>/, default: ldn) for the CPU, run it with
# its generated weights on generated inputs, print the result and its check
# against the model's independent numpy reference. Then the same model for
# the GPU: run on the GPU emulator (also checked) and, when the CUDA toolkit
# is there, compiled to a fatbin for sm_80 and sm_90.
#
#   scripts/demo.sh [MODEL] [run.py options, e.g. --batch 4 --seq 512]
#   MODEL: ldn diffuser lightnet_image lightnet_lm ldnn mamba
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --target ldn-compile ldn-run
export LDN_BIN=${LDN_BUILD_DIR:-build}/bin
MODEL=${1:-ldn}
shift || true
# Weights, inputs, results and the compiled artifacts stay here to look at.
WORK=${LDN_BUILD_DIR:-build}/demo/$MODEL
mkdir -p "$WORK"
if ! python3 -c "import numpy" 2>/dev/null; then
  echo "demo: the reference check needs numpy (python3 -m pip install numpy)" >&2
  exit 1
fi

echo "== CPU: compile examples/$MODEL/model.mlir, run, check against examples/$MODEL/reference.py"
python3 examples/run.py "$MODEL" --target cpu --show --workdir "$WORK" "$@"
echo
echo "== GPU kernels on the emulator (--target=emu), same check"
python3 examples/run.py "$MODEL" --target emu --workdir "$WORK" "$@"
CUDA=${CUDA_PATH:-/usr/local/cuda}
if [ -x "$CUDA/bin/ptxas" ] && [ -x "$CUDA/bin/fatbinary" ]; then
  echo
  echo "== NVIDIA GPU (--target=cuda): fatbin for sm_80 and sm_90 (runs where a GPU is)"
  python3 examples/run.py "$MODEL" --target cuda --workdir "$WORK" "$@"
fi
