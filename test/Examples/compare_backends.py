#!/usr/bin/env python3
"""Runs one entry point of two artifacts of the same model (e.g. --target=cpu
and --target=emu) on the same random inputs and compares every result.

usage: compare_backends.py LDN_RUN A.so B.so WORKDIR ENTRY [ldn-run args...]

Prints, per result, the max-abs and relative-RMS difference; exits 1 if a
result differs in shape or by more than 1e-4 relative RMS (the two backends
order their float operations differently, and a whole model compounds the
rounding of many ops).
"""
import ast
import math
import os
import re
import struct
import subprocess
import sys

TOLERANCE = 1e-4


def read_npy(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        raise ValueError(path + ": not an .npy file")
    header_len = struct.unpack("<H", data[8:10])[0]
    header = ast.literal_eval(data[10:10 + header_len].decode("latin1"))
    body = data[10 + header_len:]
    descr, shape = header["descr"], tuple(header["shape"])
    if descr == "<f4":
        values = struct.unpack("<%df" % (len(body) // 4), body)
    elif descr == "<f2":
        values = struct.unpack("<%de" % (len(body) // 2), body)
    elif descr in ("<u2", "<V2"):  # bf16 is stored as its 16 bits
        values = [struct.unpack("<f", struct.pack("<I", h << 16))[0]
                  for h in struct.unpack("<%dH" % (len(body) // 2), body)]
    elif descr == "<i4":
        values = struct.unpack("<%di" % (len(body) // 4), body)
    else:
        raise ValueError(path + ": unsupported dtype " + descr)
    return shape, values


def main():
    ldn_run, a, b, work, entry, *args = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    listing = subprocess.run([ldn_run, a, "--entry", entry] + args,
                             capture_output=True, text=True)
    if listing.returncode != 0:
        sys.exit(listing.stderr)
    names = re.findall(r"^(\w+): \w+ \[", listing.stdout, re.M)
    results = {}
    for tag, artifact in (("a", a), ("b", b)):
        outputs = []
        for name in names:
            outputs += ["--output", f"{name}={work}/{tag}.{name}.npy"]
        run = subprocess.run([ldn_run, artifact, "--entry", entry, "--quiet"]
                             + args + outputs, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"{artifact}: {run.stderr}")
        results[tag] = {n: read_npy(f"{work}/{tag}.{n}.npy") for n in names}
    failed = False
    for name in names:
        (shape_a, x), (shape_b, y) = results["a"][name], results["b"][name]
        if shape_a != shape_b:
            print(f"{entry} {name}: shapes differ: {shape_a} vs {shape_b}")
            failed = True
            continue
        diff = [p - q for p, q in zip(x, y)]
        max_abs = max((abs(d) for d in diff), default=0.0)
        norm = math.sqrt(sum(p * p for p in x) / max(len(x), 1))
        rms = math.sqrt(sum(d * d for d in diff) / max(len(diff), 1))
        rel = rms / norm if norm > 0 else rms
        ok = rel <= TOLERANCE and not any(math.isnan(d) for d in diff)
        failed |= not ok
        print(f"{entry} {name}: max-abs {max_abs:.3e}, relative-RMS {rel:.3e}: "
              f"{'ok' if ok else 'MISMATCH'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
