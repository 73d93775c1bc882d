"""LDNN classifier: independent numpy reference (models.md §4, docs/ops.md §8-9).

Network (vocab 256, H = M = 64 channels, 4 heads of N/h = 4 complex-diagonal
states each, N = 16 states in all, 2 layers, 10 classes):

    U⁰ = E[tokens]                                          embedding
    per layer ℓ (an S4-style pre-norm residual block, §4.5 "Layer"):
      Û         = LayerNorm(U)  (eps 1e-5, biased variance)
      v[h,n]    = Σ_i Û[h,i] B̃[h,i,n]                       block-diagonal B̃ over heads (§4.5)
      λ_n       = min(Re λ_n, -1e-4) + i Im λ_n,  Δ_n = exp(log Δ_n)       (§4.3 stability clip)
      λ̄_n      = exp(λ_n Δ_n),  c_n = (λ̄_n - 1) / λ_n                      ZOH (§4.4)
      κ_n[j]    = Re(c_n λ̄_n^j),  j = 0 .. T-1                              kernel (§4.5)
      x_t       = Σ_{s<=t} κ[t-s] v_s + Σ_{s>t} κ[s-t-1] v_s                bidirectional (§4.5, ops.md §8)
      y[h,o]    = 2 Σ_n C̃[h,n,o] x[h,n] + D[h,o] ⊙ Û[h,o]                  conj. symmetry, D skip (§4.3)
      g         = GELU(y) = ½ y (1 + erf(y/√2))
      a         = g ⊙ σ(g Wg + bg)                           half_glu1 (§4.5)
      U'        = U + a Wm + bm                              head mixer, residual
    Z      = LayerNorm(U²)
    logits = mean_t(Z) Wh + bh                               mean-pool decoder (§4.5)

The two convolutions are evaluated with the FFT as in the paper's
"disentanglement then FFT" (§4.5): the causal half is the linear convolution
of v with κ (zero-padded to 2T); the anti-causal half is the causal
convolution of the time-reversed v with κ delayed by one lag
(κ'[0] = 0, κ'[j] = κ[j-1]), reversed back. Run this file to check that against
the direct sums and against the diagonal recurrence
x̃_k = λ̄ x̃_{k-1} + c v_k (forward and backward, §4.4).
"""
import math

import numpy as np

ENTRY = "ldnn_classifier"
VOCAB, D, HEADS, NS, CLASSES, LAYERS = 256, 64, 4, 16, 10, 2
DH, NH = D // HEADS, NS // HEADS          # 16 channels, 4 states per head
BENCH_SEQ = 4096


def params():
    spec = {"embed": ((VOCAB, D), "normal", 1.0)}
    for l in range(LAYERS):
        p = "l%d_" % l
        spec.update({
            p + "ln_g": ((D,), "uniform", 0.8, 1.2),
            p + "ln_b": ((D,), "normal", 0.1),
            p + "b_tilde": ((HEADS, DH, NH), "fan_in"),         # std 1/4
            # Re λ around the HiPPO value -1/2, Im λ free (§4.3).
            p + "lambda_re": ((NS,), "uniform", -1.0, -0.1),
            p + "lambda_im": ((NS,), "uniform", -3.0, 3.0),
            # log Δ ~ U[log 1e-2, log 1e-1]: the upper part of the LRA range,
            # so the SSM path matters at short T.
            p + "log_dt": ((NS,), "uniform", math.log(1e-2), math.log(1e-1)),
            p + "c_tilde": ((HEADS, NH, DH), "fan_in"),          # std 1/2
            p + "d_skip": ((D,), "uniform", 0.5, 1.5),
            p + "wg": ((D, D), "fan_in"),
            p + "bg": ((D,), "normal", 0.1),
            p + "wm": ((D, D), "fan_in"),
            p + "bm": ((D,), "normal", 0.1),
        })
    spec.update({
        "norm_g": ((D,), "uniform", 0.8, 1.2),
        "norm_b": ((D,), "normal", 0.1),
        "head_w": ((D, CLASSES), "fan_in"),
        "head_b": ((CLASSES,), "normal", 0.1),
    })
    return spec


def inputs(rng, batch, seq):
    return {"tokens": rng.integers(0, VOCAB, (batch, seq), dtype=np.int32)}


def layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


_erf_exact = np.frompyfunc(math.erf, 1, 1)


def erf(x):
    """math.erf elementwise in float64 (the checked reference). numpy has no
    erf and that Python-level loop would dominate the float32 benchmark
    baseline, so float32 uses Abramowitz & Stegun 7.1.26 instead
    (|error| <= 1.5e-7 in exact arithmetic, ~5e-7 evaluated in float32)."""
    if x.dtype == np.float64:
        return _erf_exact(x).astype(np.float64)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
                + t * (-1.453152027 + t * 1.061405429))))
    return np.sign(x) * (1.0 - poly * np.exp(-a * a))


def gelu(y):
    return 0.5 * y * (1.0 + erf(y / math.sqrt(2.0)))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def ssm_kernel(lambda_re, lambda_im, log_dt, length):
    """κ_n[j] = Re(c_n λ̄_n^j), ZOH, j < length: [N, length] (§4.4, §4.5)."""
    lam = np.minimum(lambda_re, -1e-4) + 1j * lambda_im
    dt = np.exp(log_dt)
    lam_bar = np.exp(lam * dt)
    c = (lam_bar - 1.0) / lam
    j = np.arange(length, dtype=lambda_re.dtype)
    return (c[:, None] * np.exp(lam[:, None] * dt[:, None] * j)).real.astype(lambda_re.dtype)


def causal_conv(v, k):
    """y_t = Σ_{j<=t} k[..., j] v[..., t-j, ...] along axis 1 of v [B,T,C]; k [C,T]."""
    t = v.shape[1]
    n = 2 * t
    vf = np.fft.rfft(v, n=n, axis=1)
    kf = np.fft.rfft(k.T, n=n, axis=0)
    return np.fft.irfft(vf * kf[None], n=n, axis=1)[:, :t].astype(v.dtype)


def bidirectional_conv(v, kappa):
    """x_t = Σ_{s<=t} κ[t-s] v_s + Σ_{s>t} κ[s-t-1] v_s  (v [B,T,C], κ [C,T])."""
    delayed = np.concatenate([np.zeros_like(kappa[:, :1]), kappa[:, :-1]], axis=1)
    forward = causal_conv(v, kappa)
    backward = causal_conv(v[:, ::-1], delayed)[:, ::-1]
    return forward + backward


def per_head(x, weight):
    """out[..., h, o] = Σ_i x[..., h, i] W[h, i, o]: block-diagonal projection."""
    lead = x.shape[:-2]
    xh = np.moveaxis(x.reshape(-1, *x.shape[-2:]), 1, 0)     # [h, B·T, i]
    return np.moveaxis(xh @ weight, 0, 1).reshape(*lead, x.shape[-2], weight.shape[-1])


def ldnn_layer(w, p, u, conv=bidirectional_conv):
    bsz, t, _ = u.shape
    un = layer_norm(u, w[p + "ln_g"], w[p + "ln_b"])
    uh = un.reshape(bsz, t, HEADS, DH)
    v = per_head(uh, w[p + "b_tilde"]).reshape(bsz, t, NS)
    kappa = ssm_kernel(w[p + "lambda_re"], w[p + "lambda_im"], w[p + "log_dt"], t)
    x = conv(v, kappa).reshape(bsz, t, HEADS, NH)
    y = 2.0 * per_head(x, w[p + "c_tilde"]).reshape(bsz, t, D)
    y = y + w[p + "d_skip"] * un
    g = gelu(y)
    a = g * sigmoid(g @ w[p + "wg"] + w[p + "bg"])
    return u + a @ w[p + "wm"] + w[p + "bm"]


def forward(w, x, conv=bidirectional_conv):
    u = w["embed"][x["tokens"]]
    for l in range(LAYERS):
        u = ldnn_layer(w, "l%d_" % l, u, conv)
    z = layer_norm(u, w["norm_g"], w["norm_b"])
    return {"logits": z.mean(axis=1) @ w["head_w"] + w["head_b"]}


# ---- self-test: FFT convolution against the direct sums and the recurrence ----

def _direct_conv(v, kappa):
    bsz, t, c = v.shape
    out = np.zeros_like(v)
    for ti in range(t):
        for s in range(t):
            k = kappa[:, ti - s] if s <= ti else kappa[:, s - ti - 1]
            out[:, ti] += k * v[:, s]
    return out


def _recurrent_layer_conv(w, p):
    """Forward scan x̃_k = λ̄ x̃_{k-1} + c v_k, plus the backward scan of the
    anti-causal half (which starts one lag later), both taking Re (§4.4)."""
    lam = np.minimum(w[p + "lambda_re"], -1e-4) + 1j * w[p + "lambda_im"]
    dt = np.exp(w[p + "log_dt"])
    lam_bar = np.exp(lam * dt)
    c = (lam_bar - 1.0) / lam

    def conv(v, _kappa):
        bsz, t, n = v.shape
        out = np.zeros(v.shape)
        state = np.zeros((bsz, n), complex)
        for k in range(t):
            state = lam_bar * state + c * v[:, k]
            out[:, k] += state.real
        state = np.zeros((bsz, n), complex)       # Σ_{s>k} c λ̄^{s-k-1} v_s
        for k in range(t - 1, -1, -1):
            out[:, k] += state.real
            state = lam_bar * state + c * v[:, k]
        return out
    return conv


if __name__ == "__main__":
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
    import ldnex
    w = ldnex.as_float64(ldnex.make_weights(params()))
    rng = np.random.default_rng(0)
    for t in (1, 2, 7, 33):
        v = rng.normal(size=(2, t, NS))
        kappa = ssm_kernel(w["l0_lambda_re"], w["l0_lambda_im"], w["l0_log_dt"], t)
        err = np.abs(bidirectional_conv(v, kappa) - _direct_conv(v, kappa)).max()
        rec = _recurrent_layer_conv(w, "l0_")(v, None)
        err2 = np.abs(bidirectional_conv(v, kappa) - rec).max()
        print("T=%d fft vs direct %.2e, fft vs recurrence %.2e" % (t, err, err2))
    x = inputs(np.random.default_rng(1), 3, 64)
    out = forward(w, x)["logits"]
    print("logits:\n", np.round(out, 3))
    u = w["embed"][x["tokens"]]
    for l in range(LAYERS):
        u2 = ldnn_layer(w, "l%d_" % l, u)
        print("layer %d: |U| rms %.3f, update rms %.3f" % (l, np.sqrt((u ** 2).mean()),
                                                          np.sqrt(((u2 - u) ** 2).mean())))
        u = u2
