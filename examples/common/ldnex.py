"""Plumbing shared by the example models: weights, inputs, .safetensors,
running a compiled model with ldn-run, and comparing with a reference.

Each model lives in examples/<name>/ with
  model.mlir    the network, entry point `ENTRY`
  reference.py  an independent numpy forward pass from the papers' equations
                and the weight spec; it defines
                  ENTRY            entry point name in model.mlir
                  params()         {name: (shape, init...)} for every weight
                  inputs(rng, batch, seq)  {name: array} model inputs
                  forward(w, x)    {result name: array}, computed in float64
                and optionally SEQ (fixed sequence length, e.g. when the
                grid of ldn.lrpe fixes T), TOLERANCE (relative RMS) and
                BENCH_SEQ / BENCH_BATCH (the size bench/models.sh times;
                default T = 4096, B = 1).

Weights are reproducible: each tensor draws from its own generator seeded by
(seed, crc32(name)), so adding a weight never changes the others.
"""
import importlib.util
import json
import os
import zlib

import numpy as np

EXAMPLES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SEED = 2026


def load_model(name):
    """Imports examples/<name>/reference.py as a module."""
    path = os.path.join(EXAMPLES, name, "reference.py")
    if not os.path.isfile(path):
        raise SystemExit("no example model '%s' (looked for %s)" % (name, path))
    spec = importlib.util.spec_from_file_location("ldn_example_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_weights(spec, seed=DEFAULT_SEED):
    """Draws every weight of `spec` ({name: (shape, kind, *args)}) as float32.

    kind: "normal" std | "uniform" lo hi | "const" value | "fan_in" (normal
    with std 1/sqrt(shape[-2]), for [.., in, out] projection matrices).
    """
    weights = {}
    for name, (shape, kind, *args) in spec.items():
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
        shape = tuple(shape)
        if kind == "normal":
            value = rng.normal(0.0, args[0], shape)
        elif kind == "fan_in":
            value = rng.normal(0.0, 1.0 / np.sqrt(shape[-2]), shape)
        elif kind == "uniform":
            value = rng.uniform(args[0], args[1], shape)
        elif kind == "const":
            value = np.full(shape, args[0])
        else:
            raise ValueError("%s: unknown init '%s'" % (name, kind))
        weights[name] = value.astype(np.float32)
    return weights


_ST_DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64",
              np.dtype(np.int32): "I32", np.dtype(np.int64): "I64"}
_NP_DTYPES = {v: k for k, v in _ST_DTYPES.items()}


def write_safetensors(path, tensors):
    """Writes {name: array} in the safetensors format (little endian)."""
    header, offset, blobs = {}, 0, []
    for name, array in tensors.items():
        shape = list(np.shape(array))  # before ascontiguousarray, which makes 0-d arrays 1-d
        array = np.ascontiguousarray(array)
        blob = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": _ST_DTYPES[array.dtype],
                        "shape": shape,
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the format aligns the data to 8 bytes
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    """Reads a safetensors file into {name: array}."""
    with open(path, "rb") as f:
        data = f.read()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = _NP_DTYPES[info["dtype"]].newbyteorder("<")
        tensors[name] = np.frombuffer(body[begin:end], dtype=dtype).reshape(
            info["shape"])
    return tensors


def errors(got, want):
    """(max-abs error, relative RMS error) of `got` against `want`."""
    got = np.asarray(got, np.float64)
    want = np.asarray(want, np.float64)
    diff = got - want
    max_abs = float(np.max(np.abs(diff))) if diff.size else 0.0
    norm = float(np.sqrt(np.mean(want * want))) if want.size else 0.0
    rms = float(np.sqrt(np.mean(diff * diff))) if diff.size else 0.0
    return max_abs, rms / norm if norm > 0 else rms


def as_float64(tensors):
    """Float tensors widened to float64, integer ones unchanged."""
    return {name: (a.astype(np.float64) if a.dtype.kind == "f" else a)
            for name, a in tensors.items()}
