#!/usr/bin/env python3
"""Compiles an example model, runs it with its generated weights, and checks
it against the model's independent numpy reference.

usage: examples/run.py MODEL [--target cpu|emu|cuda] [--batch B] [--seq T]
                       [--bin build/bin] [--workdir DIR] [--bench N]

Steps: write DIR/weights.safetensors (fixed seed) and DIR/<input>.npy;
ldn-compile examples/MODEL/model.mlir for the target; ldn-run it with
--weights/--input, writing every result to .npy; evaluate reference.py's
forward pass in float64 and print, per result, the max-abs and relative-RMS
error. Exits 1 if any result is off by more than the model's tolerance.

--target cuda only compiles (a fatbin for sm_80 and sm_90): no GPU here.
--bench N also times N calls of the compiled model and of the reference in
numpy (float32, the same inputs) and prints tokens per second for both.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "common"))
import ldnex  # noqa: E402
import numpy as np  # noqa: E402


def run(cmd, what):
    """Runs `cmd`; on failure prints its output and exits."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout)
        print("FAILED: %s (exit %d): %s" % (what, proc.returncode, " ".join(cmd)))
        sys.exit(1)
    return proc.stdout


def median_time(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def show(name, result):
    """Prints the start of a result; for logits also the argmax per row."""
    flat = result.reshape(result.shape[0], -1)
    for b in range(min(2, result.shape[0])):
        print("    %s[%d] = [%s%s]" % (name, b, ", ".join("%.4f" % v for v in flat[b, :6]),
                                      ", ..." if flat.shape[1] > 6 else ""))
    if name == "logits":
        # [B, classes] -> the class per row; [B, T, vocab] -> the next token.
        last = result if result.ndim == 2 else result[:, -1, :]
        print("    argmax%s per batch row: %s" % ("" if result.ndim == 2 else " at the last position",
                                                  last.argmax(axis=-1).tolist()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", help="directory name under examples/")
    parser.add_argument("--target", default="cpu", choices=["cpu", "emu", "cuda"])
    parser.add_argument("--batch", type=int,
                        help="batch size (default 2; with --bench the model's BENCH_BATCH or 1)")
    parser.add_argument("--seq", type=int, help="sequence length (default: the model's)")
    parser.add_argument("--bin", default=os.environ.get("LDN_BIN", "build/bin"),
                        help="directory with ldn-compile and ldn-run")
    parser.add_argument("--workdir", help="where files go (default: a temporary directory)")
    parser.add_argument("--seed", type=int, default=ldnex.DEFAULT_SEED)
    parser.add_argument("--bench", type=int, default=0, metavar="N")
    parser.add_argument("--show", action="store_true",
                        help="print the start of every result")
    parser.add_argument("--compile-arg", action="append", default=[],
                        help="extra ldn-compile argument (repeatable)")
    args = parser.parse_args()

    model = ldnex.load_model(args.model)
    fixed = getattr(model, "SEQ", None)
    # Checks default to a short sequence, benchmarks to a realistic one.
    default_seq = getattr(model, "BENCH_SEQ", 4096) if args.bench else 64
    seq = args.seq or fixed or default_seq
    if args.batch is None:
        args.batch = getattr(model, "BENCH_BATCH", 1) if args.bench else 2
    if fixed and seq != fixed:
        sys.exit("%s: the sequence length is fixed to %d by the model" % (args.model, fixed))
    workdir = args.workdir or tempfile.mkdtemp(prefix="ldn-example-")
    os.makedirs(workdir, exist_ok=True)
    source = os.path.join(ldnex.EXAMPLES, args.model, "model.mlir")
    options = ["--target=" + args.target] + args.compile_arg
    if args.target == "cuda":
        options.append("--chips=sm_80,sm_90")
    # The tests run one model at several shapes: compile once per workdir and
    # set of options (their hash names the artifact).
    tag = zlib.crc32(" ".join(options).encode())
    artifact = os.path.join(workdir, "%s.%s.%08x.so" % (args.model, args.target, tag))
    compile_cmd = [os.path.join(args.bin, "ldn-compile"), source, "-o", artifact] + options
    newest_input = max(os.path.getmtime(source), os.path.getmtime(compile_cmd[0]))
    if not (os.path.exists(artifact) and os.path.getmtime(artifact) > newest_input):
        run(compile_cmd, "ldn-compile")
    if args.target == "cuda":
        print("%s: compiled for CUDA (sm_80, sm_90 fatbin): %s" % (args.model, artifact))
        return 0

    weights = ldnex.make_weights(model.params(), args.seed)
    weights_path = os.path.join(workdir, "weights.safetensors")
    ldnex.write_safetensors(weights_path, weights)
    rng = np.random.default_rng(args.seed + 1)
    inputs = model.inputs(rng, args.batch, seq)
    cmd = [os.path.join(args.bin, "ldn-run"), artifact, "--entry", model.ENTRY,
           "--weights", weights_path, "--quiet"]
    for name, array in inputs.items():
        path = os.path.join(workdir, name + ".npy")
        np.save(path, array)
        cmd += ["--input", "%s=%s" % (name, path)]

    # The reference names the results; ldn-run writes each one.
    reference = model.forward(ldnex.as_float64(weights), ldnex.as_float64(inputs))
    outputs = {name: os.path.join(workdir, "%s.%s.npy" % (name, args.target))
               for name in reference}
    for name, path in outputs.items():
        cmd += ["--output", "%s=%s" % (name, path)]
    if args.bench:
        cmd += ["--bench", str(args.bench)]
    log = run(cmd, "ldn-run")

    tolerance = getattr(model, "TOLERANCE", 1e-4)
    status = 0
    print("%s @%s on %s, B = %d, T = %d, seed %d:" %
          (args.model, model.ENTRY, args.target, args.batch, seq, args.seed))
    for name, want in reference.items():
        got = np.load(outputs[name])
        if got.shape != want.shape:
            print("  %s: shape %s, reference %s: FAILED" % (name, got.shape, want.shape))
            status = 1
            continue
        max_abs, rel_rms = ldnex.errors(got, want)
        ok = rel_rms <= tolerance and np.all(np.isfinite(got))
        print("  %s %s: max-abs %.3g, rel-RMS %.3g (tolerance %.0e): %s" %
              (name, "x".join(map(str, got.shape)), max_abs, rel_rms, tolerance,
               "ok" if ok else "FAILED"))
        status |= not ok
        if args.show:
            show(name, got)

    if args.bench:
        match = re.search(r"median ([0-9.]+) ms", log)
        compiled = float(match.group(1)) / 1e3
        # The generated weights and inputs are float32 as drawn: the
        # baseline runs the reference at the compiled model's precision.
        baseline = median_time(lambda: model.forward(weights, inputs),
                               max(3, args.bench // 4))
        tokens = args.batch * seq
        print("  bench: ldn %.0f tokens/s (median %.2f ms), numpy %.0f tokens/s "
              "(median %.2f ms), speedup %.1fx" %
              (tokens / compiled, compiled * 1e3, tokens / baseline,
               baseline * 1e3, baseline / compiled))
    return status


if __name__ == "__main__":
    sys.exit(main())
