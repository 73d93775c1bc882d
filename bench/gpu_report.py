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
  - with --traffic, for every entry of bench/ops.mlir at a small size
    (B=2, T=256 by default, --traffic-shape), the bytes one call moves to
    and from global memory, counted by the GPU emulator (LDN_EMU_TRAFFIC,
    docs/emulator.md: the distinct 32-byte sectors each launch reads and
    writes, i.e. DRAM traffic with a cache that holds one launch's working
    set), summed over the call's launches (layout and dtype conversions
    included), against the op's minimum: its inputs read once and its
    results written once, at the shapes passed and the result shapes
    `ldn-run` prints. A breakdown per kernel follows.

Usage: bench/gpu_report.py [--build build] [--traffic] [model.mlir ...]
Prints Markdown tables. Exits with 1 if a model fails to compile or run, a
kernel spills, or an entry moves more than 1.25x its minimal bytes (the
targets of the GPU issue).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

# An entry may move at most this many times its minimal bytes.
TRAFFIC_TARGET = 1.25

# ldn-run arguments for each entry of bench/ops.mlir (bench/run.sh's ARGS at
# batch {B} and length {T}): small enough that the emulator, counting every
# access on one host thread, runs each in seconds.
TRAFFIC_ARGS = {
    "scan": "--random a={B}x{T}x512:0.5:1 --random b={B}x{T}x512",
    "diffuse": "--random x={B}x{T}x512 --random w=4:0:1 --random alpha=512:0:1",
    "additive_decay": "--random k={B}x{T}x8x64",
    "selective_scan": "--random x={B}x{T}x1024 --random delta={B}x{T}x1024 "
                      "--random A=1024x16:-1:0 --random B={B}x{T}x16 --random C={B}x{T}x16 "
                      "--random D=1024 --random z={B}x{T}x1024",
    "linear_attention": "--random q={B}x{T}x8x64 --random k={B}x{T}x8x64 "
                        "--random v={B}x{T}x8x64 --random decay={B}x{T}x8:-0.1:0",
    "attention_diffuse": "--random q={B}x{T}x8x64 --random k={B}x{T}x8x64 --random v={B}x{T}x8x64",
    "long_conv_fft": "--random v={B}x{T}x64 --random kernel=64x{T}:-0.01:0.01",
    "long_conv_direct": "--random v={B}x{T}x64 --random kernel=64x{T}:-0.01:0.01",
}

DTYPE_BYTES = {"f64": 8, "f32": 4, "f16": 2, "bf16": 2, "i64": 8, "i32": 4,
               "i16": 2, "i8": 1, "i1": 1, "bool": 1}

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


def ptxas_report(compiler, ptxas, chips, models, work):
    """Prints a table per chip; returns the number of failures and spills."""
    failures = 0
    for chip in chips:
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
                      f"{last_line(out.stderr)} | | | | | | |")
                continue
            with open(ptx_path) as f:
                blocks = ptx_block_sizes(f.read())
            for kernel, s in ptxas_stats(ptxas, chip, ptx_path).items():
                threads = blocks.get(kernel)
                occ, limiter = occupancy(chip, s["regs"], s["smem"], threads or 1024)
                failures += s["spill"] > 0
                print(f"| {os.path.basename(model)} | {kernel} | {threads or '?'} | {s['regs']} | "
                      f"{s['smem']} B | {s['spill']} B | {occ:.0%} | {limiter} |")
    return failures


def last_line(text):
    lines = text.strip().splitlines()
    return lines[-1] if lines else "?"


def entry_arg_dtypes(model):
    """entry -> {argument name: element type}, from the model's func.func
    signatures (ldn-run does not print the arguments' dtypes)."""
    with open(model) as f:
        text = f.read()
    dtypes = {}
    for m in re.finditer(r"func\.func\s+@(\w+)\s*\((.*?)\)\s*->", text, re.S):
        dtypes[m.group(1)] = {a.group(1): a.group(2).split("x")[-1] for a in
                              re.finditer(r"%(\w+)\s*:\s*tensor<([^>]*)>", m.group(2))}
    return dtypes


def product(dims):
    n = 1
    for d in dims:
        n *= d
    return n


def input_bytes(args, dtypes):
    """Bytes of the inputs `ldn-run --random NAME=SHAPE[:LO:HI]` binds."""
    total = 0
    for name, shape in re.findall(r"--random\s+(\w+)=([0-9x]+)", args):
        total += product(int(d) for d in shape.split("x")) * DTYPE_BYTES[dtypes.get(name, "f32")]
    return total


def result_bytes(stdout):
    """Bytes of the results, from ldn-run's `NAME: DTYPE [d0, d1, ...] sum ...`."""
    total = 0
    for dtype, dims in re.findall(r"^\w+: (\w+) \[([0-9, ]*)\]", stdout, re.M):
        total += product(int(d) for d in dims.split(",") if d.strip()) * DTYPE_BYTES[dtype]
    return total


def mib(n):
    return f"{n / 2**20:.2f}"


def traffic_report(compiler, runner, model, shape, work):
    """Runs every entry of TRAFFIC_ARGS under LDN_EMU_TRAFFIC and prints the
    bytes moved per call against the minimum, then per kernel. Returns the
    number of failures and entries above TRAFFIC_TARGET."""
    batch, length = shape
    so = os.path.join(work, "traffic.so")
    out = subprocess.run([compiler, model, "--target=emu", "-o", so],
                         capture_output=True, text=True)
    print(f"\n### Global-memory traffic per call (emulator, B={batch}, T={length})\n")
    if out.returncode != 0:
        print(f"compile for emu failed: {last_line(out.stderr)}")
        return 1
    dtypes = entry_arg_dtypes(model)
    failures = 0
    rows, kernels = [], []
    for entry, template in TRAFFIC_ARGS.items():
        args = template.format(B=batch, T=length)
        log = os.path.join(work, entry + ".tsv")
        env = dict(os.environ, LDN_EMU_TRAFFIC=log)
        # Counting needs nothing else from the emulator; bounds checking
        # would only slow it down.
        env.pop("LDN_EMU_CHECK", None)
        run = subprocess.run([runner, so, "--entry", entry] + args.split(),
                             capture_output=True, text=True, env=env)
        if run.returncode != 0:
            failures += 1
            rows.append(f"| {entry} | failed: {last_line(run.stderr)} | | | | |")
            continue
        launches = []
        with open(log) as f:
            for line in f:
                name, grid, block, read, written = line.rstrip("\n").split("\t")
                launches.append((name, grid, block, int(read), int(written)))
        moved = sum(r + w for _, _, _, r, w in launches)
        minimum = input_bytes(args, dtypes.get(entry, {})) + result_bytes(run.stdout)
        ratio = moved / minimum if minimum else float("inf")
        failures += ratio > TRAFFIC_TARGET
        rows.append(f"| {entry} | {len(launches)} | {mib(moved)} | {mib(minimum)} | "
                    f"{ratio:.2f}x | {'yes' if ratio <= TRAFFIC_TARGET else '**no**'} |")
        # One row per kernel, launches of the same kernel and shape merged
        # (e.g. the stages of an FFT), in first-launch order.
        merged = {}
        for name, grid, block, read, written in launches:
            m = merged.setdefault((name, grid, block), [0, 0, 0])
            m[0] += 1
            m[1] += read
            m[2] += written
        for (name, grid, block), (count, read, written) in merged.items():
            kernels.append(f"| {entry} | {name} | {count} | {grid} | {block} | {mib(read)} | "
                           f"{mib(written)} | {(read + written) / minimum:.2f}x |")
    print("| entry | kernels launched | MiB moved | MiB minimum | ratio | within 1.25x |")
    print("|---|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    print("\nPer kernel (ratio: the kernel's bytes over the entry's minimum):\n")
    print("| entry | kernel | launches | grid | block | MiB read | MiB written | ratio |")
    print("|---|---|---:|---|---|---:|---:|---:|")
    print("\n".join(kernels))
    return failures


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.environ.get("LDN_BUILD_DIR", "build"))
    parser.add_argument("--cuda-path", default=os.environ.get("CUDA_PATH", "/usr/local/cuda"))
    parser.add_argument("--chips", default="sm_80,sm_90")
    parser.add_argument("--traffic", action="store_true",
                        help="also count each bench/ops.mlir entry's global-memory traffic "
                             "in the emulator")
    parser.add_argument("--traffic-shape", default="2,256", metavar="B,T",
                        help="batch and sequence length for --traffic (default 2,256)")
    parser.add_argument("models", nargs="*")
    args = parser.parse_args()
    models = args.models or [os.path.join(root, "bench", "ops.mlir")] + sorted(
        os.path.join(root, "examples", f) for f in os.listdir(os.path.join(root, "examples"))
        if f.endswith(".mlir"))
    build = os.path.join(root, args.build)
    compiler = os.path.join(build, "bin", "ldn-compile")
    ptxas = os.path.join(args.cuda_path, "bin", "ptxas")
    have_ptxas = os.access(ptxas, os.X_OK)
    if not have_ptxas and not args.traffic:
        sys.exit("gpu_report: needs ptxas (set --cuda-path or $CUDA_PATH)")
    shape = tuple(int(n) for n in args.traffic_shape.split(","))

    failures = 0
    with tempfile.TemporaryDirectory() as work:
        if have_ptxas:
            failures += ptxas_report(compiler, ptxas, args.chips.split(","), models, work)
        else:
            print("\n(no ptxas: register and occupancy tables skipped)")
        if args.traffic:
            failures += traffic_report(compiler, os.path.join(build, "bin", "ldn-run"),
                                       os.path.join(root, "bench", "ops.mlir"), shape, work)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
