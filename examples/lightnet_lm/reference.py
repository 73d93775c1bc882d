"""LightNet causal language model (Qin et al., arXiv 2405.21022; models.md §2),
numpy reference written from the equations and the ldn op contract.

Network (D = 64, h = 4 heads of d = 16, vocabulary V = 256, T = 256):

    X = E[tokens]                                         E: [V, D]
    for l in 0, 1:                                        §2.6, LLaMA-style pre-norm
        X = X + LNA_l(RMSNorm(X))
        X = X + W3 (swish(Xn W1) * Xn W2),  Xn = RMSNorm(X) hidden 128
    logits = RMSNorm(X) W_head                            W_head: [D, V] (untied)

    RMSNorm(x) = g * x / sqrt(mean(x^2) + 1e-6)

LNA, causal (§2.2-2.4), X = the normed input:
    Q = SiLU(X Wq), K = X Wk, V = X Wv                     per head [T, d]
    Additive decay with sink logit 0: per channel c the weights of the
    cumulative softmax are
        w_{t,j,c} = exp(K_{j,c}) / (exp(0) + sum_{i<=t} exp(K_{i,c})),  j <= t
    1-D LRPE with fixed theta_c = 10000^(-c/16) turns q.k into
        sum_c q_c k_c cos(theta_c (t - j))                 (relative offsets)
    so the attention output is
        O_t = sum_{j<=t} [ sum_c Q_{t,c} w_{t,j,c} cos(theta_c (t-j)) ] V_j
    (evaluated here directly in this quadratic, relative-position form, not as
    the recurrence S_t = diag(lambda_t) S_{t-1} + k_t v_t^T that the model uses).
    LNA(X) = RMSNorm(O * sigmoid(X Wu1 Wu2)) Wo            low-rank gate, rank 4
"""
import numpy as np

ENTRY = "lightnet_lm"
SEQ = 256            # ldn.lrpe: T = prod(grid) = 256
BENCH_BATCH = 16     # bench/models.sh: 16 x 256 = 4096 tokens per call
VOCAB = 256
D, H, DH, HID, RANK = 64, 4, 16, 128, 4
LAYERS = 2
EPS = 1e-6


def params():
    spec = {"embed": ((VOCAB, D), "normal", 1.0)}
    for l in range(LAYERS):
        p = "l%d_" % l
        spec.update({
            p + "rms1_g": ((D,), "const", 1.0),
            p + "wq": ((D, D), "fan_in"),
            p + "wk": ((D, D), "fan_in"),
            p + "wv": ((D, D), "fan_in"),
            p + "wu1": ((D, RANK), "fan_in"),
            p + "wu2": ((RANK, D), "fan_in"),
            p + "rms_g": ((D,), "const", 1.0),
            p + "wo": ((D, D), "fan_in"),
            p + "rms2_g": ((D,), "const", 1.0),
            p + "w1": ((D, HID), "fan_in"),
            p + "w2": ((D, HID), "fan_in"),
            p + "w3": ((HID, D), "fan_in"),
        })
    spec["norm_g"] = ((D,), "const", 1.0)
    spec["head"] = ((D, VOCAB), "fan_in")
    return spec


def inputs(rng, batch, seq):
    return {"tokens": rng.integers(0, VOCAB, size=(batch, seq)).astype(np.int32)}


def _rmsnorm(x, g):
    return g * x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + EPS)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _lna(x, w, p, theta):
    """Causal LightNet attention on normed x [B,T,D]."""
    b, t, _ = x.shape
    q = x @ w[p + "wq"]
    q = (q * _sigmoid(q)).reshape(b, t, H, DH)
    k = (x @ w[p + "wk"]).reshape(b, t, H, DH)
    v = (x @ w[p + "wv"]).reshape(b, t, H, DH)
    # log of the running denominator with the sink exp(0): z_t = log(1 + sum_{i<=t} e^{k_i})
    sink = np.zeros((b, 1, H, DH), k.dtype)
    z = np.logaddexp.accumulate(np.concatenate([sink, k], axis=1), axis=1)[:, 1:]
    pos = np.arange(t, dtype=x.dtype)
    offset = pos[:, None] - pos[None, :]                      # t - j
    causal = offset >= 0
    rot = np.cos(offset[:, :, None] * theta[None, None, :])    # [T,T,d], shared by heads
    out = np.empty_like(v)
    for h in range(H):
        # w[b,t,j,c] = exp(k_j - z_t) for j <= t
        logw = k[:, None, :, h, :] - z[:, :, None, h, :]      # [B,T,T,d]
        wts = np.where(causal[None, :, :, None], np.exp(np.minimum(logw, 0.0)), 0.0)
        scores = np.matmul(wts * rot, q[:, :, h, :, None])[..., 0]   # sum over c
        out[:, :, h] = scores @ v[:, :, h]
    o = out.reshape(b, t, D)
    gate = _sigmoid(x @ w[p + "wu1"] @ w[p + "wu2"])
    return _rmsnorm(o * gate, w[p + "rms_g"]) @ w[p + "wo"]


def forward(w, x):
    dtype = w["embed"].dtype
    tokens = x["tokens"]
    theta = (10000.0 ** (-np.arange(DH) / DH)).astype(dtype)  # fixed, shared by heads
    h = w["embed"][tokens]
    for l in range(LAYERS):
        p = "l%d_" % l
        h = h + _lna(_rmsnorm(h, w[p + "rms1_g"]), w, p, theta)
        hn = _rmsnorm(h, w[p + "rms2_g"])
        a = hn @ w[p + "w1"]
        h = h + ((a * _sigmoid(a)) * (hn @ w[p + "w2"])) @ w[p + "w3"]
    return {"logits": _rmsnorm(h, w["norm_g"]) @ w["head"]}
