#!/usr/bin/env bash
# Installs what the build needs from Debian's packages. Idempotent and quiet
# when everything is already there: apt is only called for missing packages.
set -euo pipefail

PACKAGES=(
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools  # LLVM/MLIR 22.1, lit, FileCheck
  ninja-build cmake g++ python3                           # build
  libgtest-dev                                            # unit tests
  libcjson-dev                                            # runtime: JSON (manifests, .safetensors)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$pkg")
done
install_numpy() {
  # The example models' references (examples/*/reference.py) use numpy; the
  # tests that need it are skipped, with the reason, where it cannot be had.
  python3 -c "import numpy" 2>/dev/null && return 0
  echo "setup: installing numpy with pip"
  python3 -m pip install --quiet --disable-pip-version-check numpy >/dev/null 2>&1 \
    || python3 -m pip install --quiet --user --disable-pip-version-check numpy >/dev/null 2>&1 \
    || echo "setup: warning: could not install numpy; the model reference checks will be skipped" >&2
}

if [ ${#missing[@]} -eq 0 ]; then install_numpy; exit 0; fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_numpy
