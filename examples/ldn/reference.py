"""numpy reference for the LDN classifier (models.md §1.2; docs/ops.md §1-2).

Linear Diffusion Network: depth is diffusion time, one explicit-Euler step
per layer, pre-norm residual form:

    H^0     = E[x]                                   token embedding (vocab 256, D = 64)
    Ĥ^k     = LayerNorm_k(H^k)                       (eps 1e-5, biased variance)
    H^{k+1} = H^k + δt_k ( α_k ⊙ (K_k Ĥ^k) + F_k(Ĥ^k) + A_diff,k(Ĥ^k) ),  k = 0, 1

    K_k     = W - diag(W 1), W_ts = w_{|t-s|} for 1 <= |t-s| <= R = 4, else 0,
              w_r = softplus(θ_{k,r})   (row-sum-zero Laplacian of the path
              graph, banded Toeplitz; edges leaving [0, T) do not exist)
    α_k     = softplus(a_k)                          per channel
    F_k(h)  = W2 GELU(W1 h + b1) + b2                token-wise (exact erf GELU)
    A_diff  = (P - I) V per head (4 heads of 16), P = softmax(Q Kᵀ / √16),
              Q = Ĥ Wq, K = Ĥ Wk, V = Ĥ Wv           (dense pattern, all pairs)
    δt_k    = δt_max σ(θ_dt,k), δt_max = 0.5

    Z       = LayerNorm_f(H^2);  p = mean_t Z_t;  logits = p W_head + b_head  [B, 10]

K Ĥ is computed as a banded stencil (O(T R D)) rather than a T x T matrix;
the attention is computed head by head so memory stays O(T^2) per head.
"""
import math

import numpy as np

ENTRY = "ldn_classifier"
VOCAB, D, HEADS, HIDDEN, R, LAYERS, CLASSES = 256, 64, 4, 128, 4, 2, 10
DT_MAX = 0.5
EPS = 1e-5


def params():
    spec = {"embed": ((VOCAB, D), "normal", 1.0)}
    for k in range(LAYERS):
        p = "l%d_" % k
        spec.update({
            p + "ln_g": ((D,), "uniform", 0.8, 1.2),
            p + "ln_b": ((D,), "normal", 0.1),
            p + "w_theta": ((R,), "uniform", -2.0, 0.0),   # w_r in ~[0.13, 0.69]
            p + "a_raw": ((D,), "uniform", -2.0, 0.5),     # α in ~[0.13, 0.97]
            p + "w1": ((D, HIDDEN), "fan_in"),
            p + "b1": ((HIDDEN,), "normal", 0.1),
            p + "w2": ((HIDDEN, D), "fan_in"),
            p + "b2": ((D,), "normal", 0.1),
            p + "wq": ((D, D), "fan_in"),
            p + "wk": ((D, D), "fan_in"),
            p + "wv": ((D, D), "fan_in"),
            p + "dt_theta": ((), "uniform", -1.0, 1.0),    # δt in ~[0.13, 0.37]
        })
    spec.update({
        "lnf_g": ((D,), "uniform", 0.8, 1.2),
        "lnf_b": ((D,), "normal", 0.1),
        "head_w": ((D, CLASSES), "normal", 0.5),
        "head_b": ((CLASSES,), "normal", 0.02),
    })
    return spec


def inputs(rng, batch, seq):
    return {"tokens": rng.integers(0, VOCAB, size=(batch, seq), dtype=np.int32)}


def _softplus(x):
    return np.logaddexp(0.0, x)


def _layer_norm(h, g, b):
    mu = h.mean(axis=-1, keepdims=True)
    var = ((h - mu) ** 2).mean(axis=-1, keepdims=True)
    return (h - mu) / np.sqrt(var + EPS) * g + b


try:
    from scipy.special import erf as _erf
except ImportError:  # math.erf elementwise; slow but exact
    _erf_scalar = np.vectorize(math.erf, otypes=[np.float64])

    def _erf(x):
        return _erf_scalar(x).astype(x.dtype)


def _gelu(x):
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


def _laplacian(h, w):
    """(K h)_t = Σ_r w_r ([t-r >= 0](h_{t-r} - h_t) + [t+r < T](h_{t+r} - h_t))."""
    out = np.zeros_like(h)
    T = h.shape[1]
    for r, wr in enumerate(w, start=1):
        if r >= T:
            break
        d = h[:, r:] - h[:, :-r]          # h_{t+r} - h_t for t < T-r
        out[:, :-r] += wr * d             # forward edge of token t
        out[:, r:] -= wr * d              # backward edge of token t+r: h_t - h_{t+r}
    return out


def _attention_laplacian(hn, wq, wk, wv):
    """(P - I) V per head, P = softmax(Q Kᵀ / √d) over all keys."""
    B, T, _ = hn.shape
    dh = D // HEADS
    q = (hn @ wq).reshape(B, T, HEADS, dh)
    k = (hn @ wk).reshape(B, T, HEADS, dh)
    v = (hn @ wv).reshape(B, T, HEADS, dh)
    out = np.empty_like(v)
    scale = 1.0 / np.sqrt(dh)
    for hd in range(HEADS):
        s = q[:, :, hd] @ (k[:, :, hd] * scale).transpose(0, 2, 1)
        s -= s.max(axis=-1, keepdims=True)
        np.exp(s, out=s)
        # P V with P = e / rowsum(e), normalized after the product
        out[:, :, hd] = (s @ v[:, :, hd]) / s.sum(axis=-1, keepdims=True) - v[:, :, hd]
    return out.reshape(B, T, D)


def _ldn_layer(h, w, p):
    hn = _layer_norm(h, w[p + "ln_g"], w[p + "ln_b"])
    kw = _softplus(w[p + "w_theta"])
    alpha = _softplus(w[p + "a_raw"])
    diffusion = alpha * _laplacian(hn, kw)
    local = _gelu(hn @ w[p + "w1"] + w[p + "b1"]) @ w[p + "w2"] + w[p + "b2"]
    attn = _attention_laplacian(hn, w[p + "wq"], w[p + "wk"], w[p + "wv"])
    dt = DT_MAX / (1.0 + np.exp(-w[p + "dt_theta"]))
    return h + dt * (diffusion + local + attn)


def forward(w, x):
    h = w["embed"][x["tokens"]]
    for k in range(LAYERS):
        h = _ldn_layer(h, w, "l%d_" % k)
    z = _layer_norm(h, w["lnf_g"], w["lnf_b"])
    pooled = z.mean(axis=1)
    return {"logits": pooled @ w["head_w"] + w["head_b"]}
