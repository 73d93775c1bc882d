#!/usr/bin/env python3
"""Fused against unfused, per example model (issue #6's measure).

For every model in examples/: compile with fusion (the default) and with
--fuse=false, for the CPU and for the GPU path (--target=emu: the GPU
kernels, compiled for this machine), and print per target the kernels and
bytes that ldn-report-traffic counts (dynamic sizes taken as 64), and on the
CPU the median time of N calls at the bench size (examples/run.py --bench).

usage: bench/fusion.py [--bin build/bin] [--bench N] [MODEL...]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ["ldn", "diffuser", "lightnet_image", "lightnet_lm", "ldnn", "mamba"]
REMARK = re.compile(r"remark: @(\w+): (\d+) kernels, reads (\d+) bytes, writes (\d+) bytes")


def traffic(bin_dir, model, target, fuse, workdir):
    """(kernels, bytes read + written) of the model's entry function."""
    out = subprocess.run(
        [os.path.join(bin_dir, "ldn-compile"), os.path.join(ROOT, "examples", model, "model.mlir"),
         "--target=" + target, "--fuse=" + ("true" if fuse else "false"), "--report-traffic",
         "-o", os.path.join(workdir, "%s.%s.so" % (model, target))],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=True).stdout
    kernels = moved = 0
    for match in REMARK.finditer(out):
        kernels += int(match.group(2))
        moved += int(match.group(3)) + int(match.group(4))
    return kernels, moved


def cpu_time(bin_dir, model, fuse, runs, workdir):
    """Median milliseconds per call, from examples/run.py --bench."""
    out = subprocess.run(
        [sys.executable, os.path.join(ROOT, "examples", "run.py"), model, "--bin", bin_dir,
         "--bench", str(runs), "--workdir", workdir, "--compile-arg=--fuse=%s" % ("true" if fuse else "false")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=True).stdout
    return float(re.search(r"ldn \d+ tokens/s \(median ([0-9.]+) ms\)", out).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="*", default=MODELS)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--bench", type=int, default=5, metavar="N")
    args = parser.parse_args()
    print("| model | target | kernels fused / unfused | MB moved fused / unfused | time fused / unfused |")
    print("|---|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as workdir:
        for model in args.models:
            for target in ["cpu", "emu"]:
                fk, fb = traffic(args.bin, model, target, True, workdir)
                uk, ub = traffic(args.bin, model, target, False, workdir)
                time = "n/a (static)"
                if target == "cpu":
                    ft = cpu_time(args.bin, model, True, args.bench, workdir)
                    ut = cpu_time(args.bin, model, False, args.bench, workdir)
                    time = "%.1f / %.1f ms (%.2fx)" % (ft, ut, ut / ft)
                print("| %s | %s | %d / %d | %.1f / %.1f (%.2fx) | %s |" %
                      (model, target, fk, uk, fb / 1e6, ub / 1e6, ub / fb, time))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
