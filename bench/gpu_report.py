#!/usr/bin/env python3
"""The GPU section of the benchmarks, without a GPU.

For every kernel the compiler emits for a model (bench/ops.mlir and the
examples by default), per chip:
  - registers, shared memory and spills, from `ptxas -v` on the PTX that
    `ldn-compile --target=cuda --emit=ptx` writes;
  - the block size (the PTX `.maxntid`, which the compiler sets from the
    launch) and the occupancy it allows: resident warps per SM out of the
    chip's maximum, limited by registers, shared memory, threads and blocks
    (the CUDA occupancy rules, with the allocation granularities of
    sm_80/sm_90);
  - with --traffic, the bytes each call moves to and from global memory,
    counted by the GPU emulator (LDN_EMU_TRAFFIC=1: distinct 32-byte
    sectors touched per launch, i.e. DRAM traffic with a cache that holds a
    launch's working set) against the op's minimum (inputs read once,
    outputs written once, from the manifest's shapes).

Usage: bench/gpu_report.py [--build build] [--traffic] [model.mlir ...]
Prints Markdown tables.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

# Per-SM limits (CUDA C Programming Guide, "Compute capabilities").
CHIPS = {
    "sm_80": dict(regs=65536, smem=167936, threads=2048, blocks=32,
                  reg_unit=256, smem_unit=128, smem_reserved=1024),
    "sm_90": dict(regs=65536, smem=233472, threads=2048, blocks=32,
                  reg_unit=256, smem_unit=128, smem_reserved=1024),
}


def occupancy(chip, regs, smem, threads):
    """Resident warps per SM / maximum warps per SM, and the limiting factor."""
    c = CHIPS[chip]
    warps = -(-threads // 32)
    limits = {"blocks": c["blocks"], "threads": c["threads"] // (warps * 32)}
    if regs:
        per_warp = -(-regs * 32 // c["reg_unit"]) * c["reg_unit"]
        limits["registers"] = c["regs"] // (per_warp * warps)
    if smem:
        per_block = -(-(smem + c["smem_reserved"]) // c["smem_unit"]) * c["smem_unit"]
        limits["shared memory"] = c["smem"] // per_block
    blocks = min(limits.values())
    limiter = min(limits, key=limits.get)
    return blocks * warps / (c["threads"] // 32), limiter


def ptx_block_sizes(ptx):
    """kernel name -> threads per block from `.maxntid x, y, z`."""
    sizes = {}
    for m in re.finditer(r"\.entry\s+(\w+)\((?:.|\n)*?\)\s*((?:\.\w+[^\n{]*\n)*)", ptx):
        name, directives = m.group(1), m.group(2)
        n = re.search(r"\.(?:maxntid|reqntid)\s+(\d+),\s*(\d+),\s*(\d+)", directives)
        sizes[name] = (int(n.group(1)) * int(n.group(2)) * int(n.group(3))) if n else None
    return sizes


def ptxas_stats(ptxas, chip, ptx_path):
    out = subprocess.run([ptxas, "-v", "-arch=" + chip, ptx_path, "-o", os.devnull],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("ptxas failed:\n" + out.stderr)
    stats, current = {}, None
    for line in out.stderr.splitlines():
        m = re.search(r"Compiling entry function '(\w+)'", line)
        if m:
            current = m.group(1)
            stats[current] = dict(regs=0, smem=0, spill=0)
            continue
        if current is None:
            continue
        m = re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads", line)
        if m:
            stats[current]["spill"] = int(m.group(1)) + int(m.group(2))
        m = re.search(r"Used (\d+) registers", line)
        if m:
            stats[current]["regs"] = int(m.group(1))
            s = re.search(r"(\d+) bytes smem", line)
            stats[current]["smem"] = int(s.group(1)) if s else 0
    return stats


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.environ.get("LDN_BUILD_DIR", "build"))
    parser.add_argument("--cuda-path", default=os.environ.get("CUDA_PATH", "/usr/local/cuda"))
    parser.add_argument("--chips", default="sm_80,sm_90")
    parser.add_argument("models", nargs="*")
    args = parser.parse_args()
    models = args.models or [os.path.join(root, "bench", "ops.mlir")] + sorted(
        os.path.join(root, "examples", f) for f in os.listdir(os.path.join(root, "examples"))
        if f.endswith(".mlir"))
    compiler = os.path.join(root, args.build, "bin", "ldn-compile")
    ptxas = os.path.join(args.cuda_path, "bin", "ptxas")
    if not os.access(ptxas, os.X_OK):
        sys.exit("gpu_report: needs ptxas (set --cuda-path or $CUDA_PATH)")

    failures = 0
    with tempfile.TemporaryDirectory() as work:
        for chip in args.chips.split(","):
            print(f"\n### {chip}\n")
            print("| model | kernel | threads | registers | shared memory | spills | occupancy | limited by |")
            print("|---|---|---:|---:|---:|---:|---:|---|")
            for model in models:
                ptx_path = os.path.join(work, os.path.basename(model) + "." + chip + ".ptx")
                out = subprocess.run([compiler, model, "--target=cuda", "--chips=" + chip,
                                      "--emit=ptx", "-o", ptx_path], capture_output=True, text=True)
                if out.returncode != 0:
                    failures += 1
                    print(f"| {os.path.basename(model)} | compile failed: "
                          f"{out.stderr.strip().splitlines()[-1] if out.stderr.strip() else '?'} | | | | | | |")
                    continue
                with open(ptx_path) as f:
                    blocks = ptx_block_sizes(f.read())
                for kernel, s in ptxas_stats(ptxas, chip, ptx_path).items():
                    threads = blocks.get(kernel)
                    occ, limiter = occupancy(chip, s["regs"], s["smem"], threads or 1024)
                    failures += s["spill"] > 0
                    print(f"| {os.path.basename(model)} | {kernel} | {threads or '?'} | {s['regs']} | "
                          f"{s['smem']} B | {s['spill']} B | {occ:.0%} | {limiter} |")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
