"""Diffuser classifier (Feng et al., AAAI 2023, arXiv 2210.11794; models.md §3):
an independent numpy forward pass, written from models.md §3 and the
`ldn.attention_diffuse` contract in docs/ops.md §2.

Network (D = 64, 4 heads of d = 16, FFN 128, vocab 256, 10 classes, 2 layers):

  X0[b,t]  = LN_emb(E[tok[b,t]] + P[t])
             P[t,2i] = sin(t / 10000^(2i/D)),  P[t,2i+1] = cos(t / 10000^(2i/D))
  per layer l (post-LN, RoBERTa style, §3.3):
    Q, K, V = X Wq + bq, X Wk + bk, X Wv + bv        split into H = 4 heads
    A[t,s]  = softmax_{s in N_b(t)} (q_t . k_s) / sqrt(d)      (§3.3)
    Z^0 = V,  Z^{k+1} = (1 - a) A Z^k + a V,  k < 5,  a = 0.1  (PPR, truncated)
    Z[t]    = 0 for t >= len[b]                                (ops.md §2)
    Y1      = LN1(X + concat_h(Z^5) Wo + bo)
    X      <- LN2(Y1 + W2 GELU(W1 Y1 + b1) + b2),   GELU(x) = x/2 (1 + erf(x/sqrt 2))
  logits[b] = X[b, 0] Wh + bh        (token 0 is a global token, like CLS)
  LN(x) = g (x - mean) / sqrt(var + 1e-5) + beta  over the 64 channels.

The graph N(t) is `#ldn.pattern<window = 16, stride = 8, globals = [0, 5],
random = 2, seed = 7>` (ops.md §2), as a set of edges (t = query, s = key):
  local   with lo = min(t,s), hi = max(t,s):
          max(0, ceil((hi - window + 1) / stride)) * stride <= lo
  global  t in globals or s in globals (globals >= T are ignored)
  random  s_j = mix(seed ^ (t << 20) ^ j) mod T, j < random, in uint64,
          mix = SplitMix64 finalizer
  self    (t, t)
  lengths keys s >= len[b] are dropped; outputs t >= len[b] are 0.
Global query rows are dense rows: they are computed separately from the
padded neighbour lists of the other rows.
"""
import math

import numpy as np

ENTRY = "diffuser_classifier"
BENCH_SEQ = 4096

D, H, DH, F, VOCAB, CLASSES, LAYERS = 64, 4, 16, 128, 256, 10, 2
WINDOW, STRIDE, GLOBALS, RANDOM, SEED = 16, 8, (0, 5), 2, 7
HOPS, ALPHA, EPS = 5, 0.1, 1e-5


def params():
    spec = {"emb": ((VOCAB, D), "normal", 1.0),
            "emb_ln_g": ((D,), "uniform", 0.8, 1.2),
            "emb_ln_b": ((D,), "normal", 0.05)}
    for l in range(LAYERS):
        p = "l%d_" % l
        for name in ("wq", "wk", "wv", "wo"):
            spec[p + name] = ((D, D), "fan_in")
        for name in ("bq", "bk", "bv", "bo"):
            spec[p + name] = ((D,), "normal", 0.05)
        spec[p + "ln1_g"] = ((D,), "uniform", 0.8, 1.2)
        spec[p + "ln1_b"] = ((D,), "normal", 0.05)
        spec[p + "w1"] = ((D, F), "fan_in")
        spec[p + "b1"] = ((F,), "normal", 0.05)
        spec[p + "w2"] = ((F, D), "fan_in")
        spec[p + "b2"] = ((D,), "normal", 0.05)
        spec[p + "ln2_g"] = ((D,), "uniform", 0.8, 1.2)
        spec[p + "ln2_b"] = ((D,), "normal", 0.05)
    spec["head_w"] = ((D, CLASSES), "fan_in")
    spec["head_b"] = ((CLASSES,), "normal", 0.05)
    return spec


def inputs(rng, batch, seq):
    tokens = rng.integers(0, VOCAB, size=(batch, seq)).astype(np.int32)
    # Per-row valid lengths in [1, T]: row 0 is full, the others vary.
    lengths = rng.integers(1, seq + 1, size=(batch,))
    lengths[0] = seq
    if batch > 2:
        lengths[2] = 1 + (seq - 1) // 2
    return {"tokens": tokens, "lengths": lengths.astype(np.int32)}


# ---- the #ldn.pattern graph --------------------------------------------------

def _splitmix64(x):
    x = np.asarray(x, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _neighbours(T):
    """Padded key lists of the non-global query rows: (idx [T,M], ok [T,M]).

    Row t lists each key of N(t) once (the pattern is a set); unused slots
    have ok = False. Global query rows are handled densely by the caller."""
    t = np.arange(T)[:, None]
    # Local: every key within window - 1 of t, kept if some block holds both.
    s = t + np.arange(-(WINDOW - 1), WINDOW)[None, :]
    lo, hi = np.minimum(t, s), np.maximum(t, s)
    n = hi - WINDOW + 1
    first = np.maximum(0, -((-n) // STRIDE)) * STRIDE       # ceil(n / stride) * stride
    local_ok = (s >= 0) & (s < T) & (first <= lo)
    # Global keys (columns).
    g = np.array([x for x in GLOBALS if x < T], dtype=np.int64)
    gs = np.broadcast_to(g[None, :], (T, len(g)))
    # Random keys.
    tt = np.arange(T, dtype=np.uint64)[:, None]
    j = np.arange(RANDOM, dtype=np.uint64)[None, :]
    rs = (_splitmix64(np.uint64(SEED) ^ (tt << np.uint64(20)) ^ j)
          % np.uint64(T)).astype(np.int64)
    selfs = np.arange(T)[:, None]
    idx = np.concatenate([np.where(local_ok, s, T), gs, rs, selfs], axis=1)
    idx = np.sort(idx, axis=1)
    ok = idx < T
    ok[:, 1:] &= idx[:, 1:] != idx[:, :-1]                  # drop duplicate edges
    return np.where(ok, idx, 0), ok


def attention_diffuse(q, k, v, lengths):
    """ops.md §2 with the pattern above, mode = ppr, hops = 5, alpha = 0.1."""
    B, T = q.shape[:2]
    dt = q.dtype
    scale = 1.0 / math.sqrt(q.shape[-1])
    valid = np.arange(T)[None, :] < lengths[:, None]                    # [B,T]
    idx, ok = _neighbours(T)
    m_ok = ok[None] & (idx[None] < lengths[:, None, None])              # [B,T,M]
    sc = np.einsum("bthd,btmhd->btmh", q, k[:, idx]) * scale
    sc = np.where(m_ok[..., None], sc, -np.inf)
    mx = np.max(sc, axis=2, keepdims=True)
    mx = np.where(np.isfinite(mx), mx, 0.0)
    a = np.exp(sc - mx)
    a = a / np.maximum(np.sum(a, axis=2, keepdims=True), 1e-30)
    a = a.astype(dt)
    # Global query rows: every key s < len[b].
    g = np.array([x for x in GLOBALS if x < T], dtype=np.int64)
    gsc = np.einsum("bghd,bshd->bgsh", q[:, g], k) * scale
    gsc = np.where(valid[:, None, :, None], gsc, -np.inf)
    ga = np.exp(gsc - np.max(gsc, axis=2, keepdims=True))
    ga = (ga / np.sum(ga, axis=2, keepdims=True)).astype(dt)
    z = v
    for _ in range(HOPS):
        az = np.einsum("btmh,btmhe->bthe", a, z[:, idx])
        az[:, g] = np.einsum("bgsh,bshe->bghe", ga, z)
        z = (1.0 - ALPHA) * az + ALPHA * v
    return np.where(valid[:, :, None, None], z, 0.0).astype(dt)


# ---- the network -------------------------------------------------------------

_erf = np.frompyfunc(math.erf, 1, 1)


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)).astype(x.dtype))


def layer_norm(x, g, b):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + EPS) * g + b


def positions(T, dtype):
    t = np.arange(T, dtype=np.float64)[:, None]
    i = np.arange(D // 2, dtype=np.float64)[None, :]
    angle = t / 10000.0 ** (2.0 * i / D)
    pe = np.empty((T, D))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)
    return pe.astype(dtype)


def forward(w, x):
    tokens, lengths = x["tokens"], x["lengths"].astype(np.int64)
    emb = w["emb"]
    dt = emb.dtype
    B, T = tokens.shape
    h = layer_norm(emb[tokens] + positions(T, dt), w["emb_ln_g"], w["emb_ln_b"])
    for l in range(LAYERS):
        p = lambda n: w["l%d_%s" % (l, n)]  # noqa: E731
        q = (h @ p("wq") + p("bq")).reshape(B, T, H, DH)
        k = (h @ p("wk") + p("bk")).reshape(B, T, H, DH)
        v = (h @ p("wv") + p("bv")).reshape(B, T, H, DH)
        z = attention_diffuse(q, k, v, lengths).reshape(B, T, D)
        y1 = layer_norm(h + z @ p("wo") + p("bo"), p("ln1_g"), p("ln1_b"))
        f = gelu(y1 @ p("w1") + p("b1")) @ p("w2") + p("b2")
        h = layer_norm(y1 + f, p("ln2_g"), p("ln2_b"))
    return {"logits": h[:, 0] @ w["head_w"] + w["head_b"]}
