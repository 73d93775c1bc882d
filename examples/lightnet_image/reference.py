"""LightNet image classifier: independent numpy reference (models.md §2).

Input image [B,32,32,3] -> logits [B,10]. D = 64, H = 4 heads of d = 16.

Patch embedding (4x4 patches, 8x8 grid, patch vector in (row, col, channel) order):
    P[b,i,j] = image[b, 4i:4i+4, 4j:4j+4, :].ravel()          (48 values)
    X0 = P patch_w + patch_b                                     [B,8,8,D]

MD-TPE (§2.5), bidirectional along each grid axis a in {1, 2}:
    per head j: c_j = q_a[j-block] . k_a[j-block],  lam_j = sigmoid(theta_a[j])
    y[.., t, ..] = c_j * sum_s lam_j^|t-s| X0[.., s, ..]       (symmetric Toeplitz
                   along axis a = fwd + bwd - diag of the models.md bidir choice)
    TPE_a = GroupRMSNorm_{4 groups of 16}(y) * g_a  W_o,a
    X = X0 + TPE_1 + TPE_2
Class token: X = [cls ; X.reshape(B,64,D)]                      [B,65,D]

LightNet block (§2.6, non-causal vision block), twice:
    X <- X + LNA(LN(X));  X <- X + W3 (swish(LN(X) W1) * LN(X) W2)
LNA (§2.3):
    Q = SiLU(Xn Wq), K = Xn Wk, V = Xn Wv                       [B,65,4,16]
    Kt = softmax over tokens of K (per channel)   (global form of the additive
         recurrence, §2.2: s = sum_j softmax(K)_j v_j^T, independent of order)
    MD-LRPE (§2.4), prefix 1, grid 8x8: token 1 + 8 p1 + p2 has angles
         Theta = concat(p1 theta[h], p2 theta[h])[:16];
         LRPE(x) = [x cos Theta, x sin Theta]; class token: [x, 0]
    O = Qh (Kh^T V)                                             (scale 1)
    LNA = RMSNorm(O * sigmoid(Xn Wu1 Wu2)) * rms_g  Wo
Final: logits = LN(X[:, 0]) head_w + head_b.

LayerNorm/RMSNorm eps = 1e-5 (GroupRMSNorm too).
"""
import numpy as np

ENTRY = "lightnet_image"
SEQ = 65          # 1 class token + 8x8 patches, fixed by the MD-LRPE grid
BENCH_BATCH = 64  # bench/models.sh: 64 images = 4160 tokens per call
D, H, DH, HID, NCLS = 64, 4, 16, 128, 10
GRID, PATCH = 8, 4
EPS = 1e-5


def params():
    spec = {
        "patch_w": ((48, D), "fan_in"),
        "patch_b": ((D,), "normal", 0.1),
    }
    for a in ("tpe1", "tpe2"):
        spec.update({
            a + "_q": ((D,), "normal", 0.5),
            a + "_k": ((D,), "normal", 0.5),
            a + "_theta": ((H,), "uniform", -1.0, 2.0),     # lambda in (0.27, 0.88)
            a + "_g": ((D,), "uniform", 0.8, 1.2),
            a + "_wo": ((D, D), "normal", 0.5 / np.sqrt(D)),
        })
    spec["cls"] = ((D,), "normal", 1.0)
    for l in range(2):
        p = "l%d_" % l
        spec.update({
            p + "ln1_g": ((D,), "uniform", 0.8, 1.2),
            p + "ln1_b": ((D,), "normal", 0.05),
            p + "wq": ((D, D), "fan_in"),
            p + "wk": ((D, D), "fan_in"),
            p + "wv": ((D, D), "fan_in"),
            # MD-LRPE base frequencies [H, e = 8]; moderate, like RoPE-style
            # frequencies in (0, 1]: angles stay below 7 on the 8x8 grid.
            p + "theta": ((H, 8), "uniform", 0.05, 1.0),
            p + "wu1": ((D, 4), "fan_in"),
            p + "wu2": ((4, D), "fan_in"),
            p + "rms_g": ((D,), "uniform", 0.8, 1.2),
            p + "wo": ((D, D), "normal", 0.5 / np.sqrt(D)),
            p + "ln2_g": ((D,), "uniform", 0.8, 1.2),
            p + "ln2_b": ((D,), "normal", 0.05),
            p + "w1": ((D, HID), "fan_in"),
            p + "w2": ((D, HID), "fan_in"),
            p + "w3": ((HID, D), "normal", 0.5 / np.sqrt(HID)),
        })
    spec.update({
        "lnf_g": ((D,), "uniform", 0.8, 1.2),
        "lnf_b": ((D,), "normal", 0.05),
        "head_w": ((D, NCLS), "fan_in"),
        "head_b": ((NCLS,), "normal", 0.1),
    })
    return spec


def inputs(rng, batch, seq):
    # seq is fixed by the grid (SEQ); the image size determines it.
    return {"image": rng.normal(0.0, 1.0, (batch, 32, 32, 3)).astype(np.float32)}


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def layer_norm(x, g, b):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + EPS) * g + b


def rms_norm(x, g):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + EPS) * g


def md_tpe_axis(x, w, a, axis):
    """Bidirectional Toeplitz mixing along grid `axis` (1 or 2) of x [B,8,8,D]."""
    q = w[a + "_q"].reshape(H, DH)
    k = w[a + "_k"].reshape(H, DH)
    c = (q * k).sum(-1)                                  # [H]
    lam = sigmoid(w[a + "_theta"])                       # [H]
    idx = np.arange(GRID)
    dist = np.abs(idx[:, None] - idx[None, :]).astype(x.dtype)   # |t - s|
    toep = c[:, None, None] * lam[:, None, None] ** dist  # [H, t, s]
    xh = x.reshape(x.shape[:3] + (H, DH))                # [B,8,8,H,16]
    if axis == 1:
        y = np.einsum("hts,bsjhe->btjhe", toep, xh)
    else:
        y = np.einsum("hts,bishe->bithe", toep, xh)
    g = w[a + "_g"].reshape(H, DH)
    yn = y / np.sqrt((y * y).mean(-1, keepdims=True) + EPS) * g   # GroupRMSNorm
    return yn.reshape(x.shape) @ w[a + "_wo"]


def lrpe_angles(theta):
    """[T=65, H, 16] angles; row 0 (class token) is unused."""
    p1, p2 = np.meshgrid(np.arange(GRID), np.arange(GRID), indexing="ij")
    p1, p2 = p1.ravel(), p2.ravel()                      # row-major grid order
    ang = np.concatenate([p1[:, None, None] * theta[None], p2[:, None, None] * theta[None]],
                         axis=-1)[..., :DH]              # [64, H, 16]
    return ang


def lrpe(x, ang):
    """x [B,65,H,16] -> [B,65,H,32]; prefix token 0 gets [x, 0]."""
    out = np.zeros(x.shape[:3] + (2 * DH,), x.dtype)
    out[:, 0, :, :DH] = x[:, 0]
    out[:, 1:, :, :DH] = x[:, 1:] * np.cos(ang)
    out[:, 1:, :, DH:] = x[:, 1:] * np.sin(ang)
    return out


def block(x, w, p):
    B, T, _ = x.shape
    xn = layer_norm(x, w[p + "ln1_g"], w[p + "ln1_b"])
    qm = xn @ w[p + "wq"]
    q = (qm * sigmoid(qm)).reshape(B, T, H, DH)
    k = (xn @ w[p + "wk"]).reshape(B, T, H, DH)
    v = (xn @ w[p + "wv"]).reshape(B, T, H, DH)
    k = np.exp(k - k.max(1, keepdims=True))
    k = k / k.sum(1, keepdims=True)                      # softmax over tokens
    ang = lrpe_angles(w[p + "theta"]).astype(x.dtype)
    qh, kh = lrpe(q, ang), lrpe(k, ang)
    kv = np.einsum("bthc,bthe->bhce", kh, v)             # [B,H,32,16]
    o = np.einsum("bthc,bhce->bthe", qh, kv).reshape(B, T, D)
    o = o * sigmoid(xn @ w[p + "wu1"] @ w[p + "wu2"])
    x = x + rms_norm(o, w[p + "rms_g"]) @ w[p + "wo"]
    xn = layer_norm(x, w[p + "ln2_g"], w[p + "ln2_b"])
    h1 = xn @ w[p + "w1"]
    return x + (h1 * sigmoid(h1) * (xn @ w[p + "w2"])) @ w[p + "w3"]


def forward(w, x):
    img = x["image"]
    B = img.shape[0]
    patches = img.reshape(B, GRID, PATCH, GRID, PATCH, 3).transpose(0, 1, 3, 2, 4, 5)
    x0 = patches.reshape(B, GRID, GRID, 48) @ w["patch_w"] + w["patch_b"]
    xg = x0 + md_tpe_axis(x0, w, "tpe1", 1) + md_tpe_axis(x0, w, "tpe2", 2)
    cls = np.broadcast_to(w["cls"], (B, 1, D)).astype(xg.dtype)
    h = np.concatenate([cls, xg.reshape(B, GRID * GRID, D)], axis=1)
    for l in range(2):
        h = block(h, w, "l%d_" % l)
    c = layer_norm(h[:, 0], w["lnf_g"], w["lnf_b"])
    return {"logits": c @ w["head_w"] + w["head_b"]}
