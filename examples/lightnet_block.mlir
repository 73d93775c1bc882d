// LightNet blocks ("You Only Scan Once", Qin et al., arXiv 2405.21022;
// models.md §2). A block alternates the LightNet Attention (LNA) token mixer
// and a GLU channel mixer, each pre-norm with a residual (§2.6):
//
//   X ← X + LNA(Norm(X))
//   X ← X + GLU(Norm(X)),      GLU(x) = W3 (swish(x W1) ⊙ x W2)
//
// LNA (§2.3, paper eqs. 7-9), per head (4 heads of d = 16, D = 64):
//   Q = SiLU(X Wq),  K = X Wk,  V = X Wv                    split to [B,T,4,16]
//   K̃, logλ = additive_decay(K)   non-causal: K̃ = softmax over t of K (per channel)
//                                 causal: z = lcse_t(K) with sink 0, logλ_t = z_{t-1} - z_t,
//                                         K̃_t = exp(K_t - z_t)                     (§2.2)
//   Q̂, K̂ = MD-LRPE(Q), MD-LRPE(K̃)                        [B,T,4,32]  (§2.4)
//   non-causal: O = Q̂ (K̂ᵀ V)                              (one order-free reduction)
//   causal:     S_t = diag(λ_t ⊕ λ_t) S_{t-1} + K̂_t V_tᵀ,  O_t = S_tᵀ Q̂_t        (scale 1)
//   O = O ⊙ σ(X Wu1 Wu2)                                  low-rank output gate (Wu1: D×h)
//   LNA(X) = RMSNorm(O) Wo                                 (gate, then norm, as in xmixers)
//
// @lightnet_image_block: the vision block (LayerNorm), non-causal, on a 4x4
//   patch grid with one class token: T = 1 + 4·4 = 17 is fixed by the grid.
//   MD-LRPE over 2 axes: θ is [4 heads, e = 8] (2·8 >= d = 16).
// @lightnet_lm_block: the causal language-model block (RMSNorm), MD-LRPE
//   on a 1-D grid of 128 positions; ldn.lrpe fixes T = prefix + Π grid, so
//   T is static here too. θ is [4, 16]. Also returns the final state S_T.
//
// Run: build/bin/ldn-opt examples/lightnet_block.mlir

#btd = affine_map<(b, t, d) -> (b, t, d)>
#bt  = affine_map<(b, t, d) -> (b, t)>
#d   = affine_map<(b, t, d) -> (d)>
#mm_x = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_w = affine_map<(b, m, n, k) -> (k, n)>
#mm_y = affine_map<(b, m, n, k) -> (b, m, n)>

//===----------------------------------------------------------------------===//
// Image (non-causal) block, T = 17 = class token + 4x4 patches
//===----------------------------------------------------------------------===//

func.func @lightnet_image_block(
    %x: tensor<?x17x64xf32>,                                  // X  [B,T,D]
    %ln1_g: tensor<64xf32>, %ln1_b: tensor<64xf32>,           // LayerNorm before LNA
    %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>,
    %theta: tensor<4x8xf32>,                                  // MD-LRPE base frequencies [H,e]
    %wu1: tensor<64x4xf32>, %wu2: tensor<4x64xf32>,           // low-rank output gate
    %rms_g: tensor<64xf32>,                                   // RMSNorm gain on O
    %wo: tensor<64x64xf32>,
    %ln2_g: tensor<64xf32>, %ln2_b: tensor<64xf32>,           // LayerNorm before GLU
    %w1: tensor<64x128xf32>, %w2: tensor<64x128xf32>, %w3: tensor<128x64xf32>)
    -> tensor<?x17x64xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %inv_d = arith.constant 0.015625 : f32          // 1 / 64
  %eps = arith.constant 1.0e-5 : f32
  %b = tensor.dim %x, %c0 : tensor<?x17x64xf32>
  %act_e = tensor.empty(%b) : tensor<?x17x64xf32>
  %act_0 = linalg.fill ins(%zero : f32) outs(%act_e : tensor<?x17x64xf32>) -> tensor<?x17x64xf32>
  %row_e = tensor.empty(%b) : tensor<?x17xf32>
  %row_0 = linalg.fill ins(%zero : f32) outs(%row_e : tensor<?x17xf32>) -> tensor<?x17xf32>

  // ---- Xn = LayerNorm(X) --------------------------------------------------------
  %sum1 = linalg.generic {indexing_maps = [#btd, #bt],
                          iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<?x17x64xf32>) outs(%row_0 : tensor<?x17xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %r = arith.addf %xi, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x17xf32>
  %sq1 = linalg.generic {indexing_maps = [#btd, #bt, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %sum1 : tensor<?x17x64xf32>, tensor<?x17xf32>) outs(%row_0 : tensor<?x17xf32>) {
  ^bb0(%xi: f32, %s: f32, %acc: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %c = arith.subf %xi, %mu : f32
    %c2 = arith.mulf %c, %c : f32
    %r = arith.addf %c2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x17xf32>
  %xn = linalg.generic {indexing_maps = [#btd, #bt, #bt, #d, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %sum1, %sq1, %ln1_g, %ln1_b
          : tensor<?x17x64xf32>, tensor<?x17xf32>, tensor<?x17xf32>, tensor<64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x17x64xf32>) {
  ^bb0(%xi: f32, %s: f32, %ss: f32, %g: f32, %be: f32, %init: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %var = arith.mulf %ss, %inv_d : f32
    %ve = arith.addf %var, %eps : f32
    %rs = math.rsqrt %ve : f32
    %c = arith.subf %xi, %mu : f32
    %n = arith.mulf %c, %rs : f32
    %ng = arith.mulf %n, %g : f32
    %r = arith.addf %ng, %be : f32
    linalg.yield %r : f32
  } -> tensor<?x17x64xf32>

  // ---- Q = SiLU(Xn Wq), K = Xn Wk, V = Xn Wv, split to [B,17,4,16] -------------
  %qm = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wq : tensor<?x17x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x17x64xf32>) -> tensor<?x17x64xf32>
  %qs = linalg.generic {indexing_maps = [#btd, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%qm : tensor<?x17x64xf32>) outs(%act_e : tensor<?x17x64xf32>) {
  ^bb0(%xi: f32, %init: f32):
    // SiLU(x) = x / (1 + exp(-x))
    %nx = arith.negf %xi : f32
    %en = math.exp %nx : f32
    %den = arith.addf %en, %one : f32
    %r = arith.divf %xi, %den : f32
    linalg.yield %r : f32
  } -> tensor<?x17x64xf32>
  %km = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wk : tensor<?x17x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x17x64xf32>) -> tensor<?x17x64xf32>
  %vm = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wv : tensor<?x17x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x17x64xf32>) -> tensor<?x17x64xf32>
  %q = tensor.expand_shape %qs [[0], [1], [2, 3]] output_shape [%b, 17, 4, 16]
      : tensor<?x17x64xf32> into tensor<?x17x4x16xf32>
  %k = tensor.expand_shape %km [[0], [1], [2, 3]] output_shape [%b, 17, 4, 16]
      : tensor<?x17x64xf32> into tensor<?x17x4x16xf32>
  %v = tensor.expand_shape %vm [[0], [1], [2, 3]] output_shape [%b, 17, 4, 16]
      : tensor<?x17x64xf32> into tensor<?x17x4x16xf32>

  // ---- Additive decay, non-causal: K̃ = softmax over t of K (decay is all 0) ------
  %kn, %logl = ldn.additive_decay %k {causal = false}
      : tensor<?x17x4x16xf32> -> tensor<?x17x4x16xf32>, tensor<?x17x4x16xf32>

  // ---- MD-LRPE on the 4x4 grid, token 0 (class token) has no position -----------
  %qr = ldn.lrpe %q, %theta {grid = array<i64: 4, 4>, prefix = 1}
      : tensor<?x17x4x16xf32>, tensor<4x8xf32> -> tensor<?x17x4x32xf32>
  %kr = ldn.lrpe %kn, %theta {grid = array<i64: 4, 4>, prefix = 1}
      : tensor<?x17x4x16xf32>, tensor<4x8xf32> -> tensor<?x17x4x32xf32>

  // ---- Global linear attention O = Q̂ (K̂ᵀ V): one scan, no decay ---------------
  %o4, %kv = ldn.linear_attention %qr, %kr, %v {causal = false, scale = 1.0 : f32}
      : (tensor<?x17x4x32xf32>, tensor<?x17x4x32xf32>, tensor<?x17x4x16xf32>)
        -> (tensor<?x17x4x16xf32>, tensor<?x4x32x16xf32>)
  %o = tensor.collapse_shape %o4 [[0], [1], [2, 3]]
      : tensor<?x17x4x16xf32> into tensor<?x17x64xf32>

  // ---- Low-rank output gate: O ⊙ σ(Xn Wu1 Wu2) ------------------------------------
  %lr_e = tensor.empty(%b) : tensor<?x17x4xf32>
  %lr_0 = linalg.fill ins(%zero : f32) outs(%lr_e : tensor<?x17x4xf32>) -> tensor<?x17x4xf32>
  %u_lr = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wu1 : tensor<?x17x64xf32>, tensor<64x4xf32>)
      outs(%lr_0 : tensor<?x17x4xf32>) -> tensor<?x17x4xf32>
  %u_gt = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u_lr, %wu2 : tensor<?x17x4xf32>, tensor<4x64xf32>)
      outs(%act_0 : tensor<?x17x64xf32>) -> tensor<?x17x64xf32>
  %og = linalg.generic {indexing_maps = [#btd, #btd, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%o, %u_gt : tensor<?x17x64xf32>, tensor<?x17x64xf32>) outs(%act_e : tensor<?x17x64xf32>) {
  ^bb0(%oi: f32, %gi: f32, %out: f32):
    %ng = arith.negf %gi : f32
    %en = math.exp %ng : f32
    %den = arith.addf %en, %one : f32
    %r = arith.divf %oi, %den : f32          // o · σ(g)
    linalg.yield %r : f32
  } -> tensor<?x17x64xf32>

  // ---- RMSNorm(O ⊙ gate) Wo, residual X1 = X + LNA(Xn) -----------------------------
  %ms = linalg.generic {indexing_maps = [#btd, #bt],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%og : tensor<?x17x64xf32>) outs(%row_0 : tensor<?x17xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %x2 = arith.mulf %xi, %xi : f32
    %r = arith.addf %x2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x17xf32>
  %on = linalg.generic {indexing_maps = [#btd, #bt, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%og, %ms, %rms_g : tensor<?x17x64xf32>, tensor<?x17xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x17x64xf32>) {
  ^bb0(%xi: f32, %ss: f32, %g: f32, %out: f32):
    %m = arith.mulf %ss, %inv_d : f32
    %me = arith.addf %m, %eps : f32
    %rs = math.rsqrt %me : f32
    %n = arith.mulf %xi, %rs : f32
    %r = arith.mulf %n, %g : f32
    linalg.yield %r : f32
  } -> tensor<?x17x64xf32>
  %lna = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%on, %wo : tensor<?x17x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x17x64xf32>) -> tensor<?x17x64xf32>
  %x1 = linalg.add ins(%x, %lna : tensor<?x17x64xf32>, tensor<?x17x64xf32>)
      outs(%act_e : tensor<?x17x64xf32>) -> tensor<?x17x64xf32>

  // ---- GLU channel mixer on LayerNorm(X1), residual ------------------------------
  %sum2 = linalg.generic {indexing_maps = [#btd, #bt],
                          iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x1 : tensor<?x17x64xf32>) outs(%row_0 : tensor<?x17xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %r = arith.addf %xi, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x17xf32>
  %sq2 = linalg.generic {indexing_maps = [#btd, #bt, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x1, %sum2 : tensor<?x17x64xf32>, tensor<?x17xf32>) outs(%row_0 : tensor<?x17xf32>) {
  ^bb0(%xi: f32, %s: f32, %acc: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %c = arith.subf %xi, %mu : f32
    %c2 = arith.mulf %c, %c : f32
    %r = arith.addf %c2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x17xf32>
  %x1n = linalg.generic {indexing_maps = [#btd, #bt, #bt, #d, #d, #btd],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x1, %sum2, %sq2, %ln2_g, %ln2_b
          : tensor<?x17x64xf32>, tensor<?x17xf32>, tensor<?x17xf32>, tensor<64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x17x64xf32>) {
  ^bb0(%xi: f32, %s: f32, %ss: f32, %g: f32, %be: f32, %init: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %var = arith.mulf %ss, %inv_d : f32
    %ve = arith.addf %var, %eps : f32
    %rs = math.rsqrt %ve : f32
    %c = arith.subf %xi, %mu : f32
    %n = arith.mulf %c, %rs : f32
    %ng = arith.mulf %n, %g : f32
    %r = arith.addf %ng, %be : f32
    linalg.yield %r : f32
  } -> tensor<?x17x64xf32>
  %hid_e = tensor.empty(%b) : tensor<?x17x128xf32>
  %hid_0 = linalg.fill ins(%zero : f32) outs(%hid_e : tensor<?x17x128xf32>) -> tensor<?x17x128xf32>
  %h1 = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x1n, %w1 : tensor<?x17x64xf32>, tensor<64x128xf32>)
      outs(%hid_0 : tensor<?x17x128xf32>) -> tensor<?x17x128xf32>
  %h2 = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x1n, %w2 : tensor<?x17x64xf32>, tensor<64x128xf32>)
      outs(%hid_0 : tensor<?x17x128xf32>) -> tensor<?x17x128xf32>
  %glu = linalg.generic {indexing_maps = [#btd, #btd, #btd],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%h1, %h2 : tensor<?x17x128xf32>, tensor<?x17x128xf32>) outs(%hid_e : tensor<?x17x128xf32>) {
  ^bb0(%a: f32, %bv: f32, %init: f32):
    // swish(a) ⊙ b
    %na = arith.negf %a : f32
    %en = math.exp %na : f32
    %den = arith.addf %en, %one : f32
    %sw = arith.divf %a, %den : f32
    %r = arith.mulf %sw, %bv : f32
    linalg.yield %r : f32
  } -> tensor<?x17x128xf32>
  %mix = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%glu, %w3 : tensor<?x17x128xf32>, tensor<128x64xf32>)
      outs(%act_0 : tensor<?x17x64xf32>) -> tensor<?x17x64xf32>
  %x2 = linalg.add ins(%x1, %mix : tensor<?x17x64xf32>, tensor<?x17x64xf32>)
      outs(%act_e : tensor<?x17x64xf32>) -> tensor<?x17x64xf32>
  return %x2 : tensor<?x17x64xf32>
}

//===----------------------------------------------------------------------===//
// Causal language-model block, T = 128 positions on a 1-D LRPE grid
//===----------------------------------------------------------------------===//

func.func @lightnet_lm_block(
    %x: tensor<?x128x64xf32>,                                 // X  [B,T,D]
    %rms1_g: tensor<64xf32>,                                  // RMSNorm before LNA
    %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>,
    %theta: tensor<4x16xf32>,                                 // 1-D LRPE frequencies [H,e]
    %wu1: tensor<64x4xf32>, %wu2: tensor<4x64xf32>,           // low-rank output gate
    %rms_g: tensor<64xf32>,                                   // RMSNorm gain on O
    %wo: tensor<64x64xf32>,
    %rms2_g: tensor<64xf32>,                                  // RMSNorm before GLU
    %w1: tensor<64x128xf32>, %w2: tensor<64x128xf32>, %w3: tensor<128x64xf32>)
    -> (tensor<?x128x64xf32>, tensor<?x4x32x16xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %inv_d = arith.constant 0.015625 : f32          // 1 / 64
  %eps = arith.constant 1.0e-6 : f32
  %b = tensor.dim %x, %c0 : tensor<?x128x64xf32>
  %act_e = tensor.empty(%b) : tensor<?x128x64xf32>
  %act_0 = linalg.fill ins(%zero : f32) outs(%act_e : tensor<?x128x64xf32>) -> tensor<?x128x64xf32>
  %row_e = tensor.empty(%b) : tensor<?x128xf32>
  %row_0 = linalg.fill ins(%zero : f32) outs(%row_e : tensor<?x128xf32>) -> tensor<?x128xf32>

  // ---- Xn = RMSNorm(X) ------------------------------------------------------------
  %ms1 = linalg.generic {indexing_maps = [#btd, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<?x128x64xf32>) outs(%row_0 : tensor<?x128xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %x2 = arith.mulf %xi, %xi : f32
    %r = arith.addf %x2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x128xf32>
  %xn = linalg.generic {indexing_maps = [#btd, #bt, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %ms1, %rms1_g : tensor<?x128x64xf32>, tensor<?x128xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x128x64xf32>) {
  ^bb0(%xi: f32, %ss: f32, %g: f32, %out: f32):
    %m = arith.mulf %ss, %inv_d : f32
    %me = arith.addf %m, %eps : f32
    %rs = math.rsqrt %me : f32
    %n = arith.mulf %xi, %rs : f32
    %r = arith.mulf %n, %g : f32
    linalg.yield %r : f32
  } -> tensor<?x128x64xf32>

  // ---- Q = SiLU(Xn Wq), K = Xn Wk, V = Xn Wv, split to [B,128,4,16] ------------
  %qm = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wq : tensor<?x128x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x128x64xf32>) -> tensor<?x128x64xf32>
  %qs = linalg.generic {indexing_maps = [#btd, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%qm : tensor<?x128x64xf32>) outs(%act_e : tensor<?x128x64xf32>) {
  ^bb0(%xi: f32, %init: f32):
    %nx = arith.negf %xi : f32
    %en = math.exp %nx : f32
    %den = arith.addf %en, %one : f32
    %r = arith.divf %xi, %den : f32
    linalg.yield %r : f32
  } -> tensor<?x128x64xf32>
  %km = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wk : tensor<?x128x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x128x64xf32>) -> tensor<?x128x64xf32>
  %vm = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wv : tensor<?x128x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x128x64xf32>) -> tensor<?x128x64xf32>
  %q = tensor.expand_shape %qs [[0], [1], [2, 3]] output_shape [%b, 128, 4, 16]
      : tensor<?x128x64xf32> into tensor<?x128x4x16xf32>
  %k = tensor.expand_shape %km [[0], [1], [2, 3]] output_shape [%b, 128, 4, 16]
      : tensor<?x128x64xf32> into tensor<?x128x4x16xf32>
  %v = tensor.expand_shape %vm [[0], [1], [2, 3]] output_shape [%b, 128, 4, 16]
      : tensor<?x128x64xf32> into tensor<?x128x4x16xf32>

  // ---- Additive decay, causal, with the xmixers sink z_{-1} = 0 ------------------
  %kn, %logl = ldn.additive_decay %k {causal = true, sink = 0.0 : f32}
      : tensor<?x128x4x16xf32> -> tensor<?x128x4x16xf32>, tensor<?x128x4x16xf32>

  // ---- 1-D LRPE: [x cos Θ, x sin Θ], d = 16 -> 32 ------------------------------------
  %qr = ldn.lrpe %q, %theta {grid = array<i64: 128>, prefix = 0}
      : tensor<?x128x4x16xf32>, tensor<4x16xf32> -> tensor<?x128x4x32xf32>
  %kr = ldn.lrpe %kn, %theta {grid = array<i64: 128>, prefix = 0}
      : tensor<?x128x4x16xf32>, tensor<4x16xf32> -> tensor<?x128x4x32xf32>
  // The key features doubled to [cos | sin] halves, so the per-channel decay
  // is doubled the same way: λ ⊕ λ.
  %logl2 = tensor.concat dim(3) %logl, %logl
      : (tensor<?x128x4x16xf32>, tensor<?x128x4x16xf32>) -> tensor<?x128x4x32xf32>

  // ---- Causal vector-decay linear attention (GLA form), scale 1 --------------------
  %o4, %s_last = ldn.linear_attention %qr, %kr, %v decay %logl2 {causal = true, scale = 1.0 : f32}
      : (tensor<?x128x4x32xf32>, tensor<?x128x4x32xf32>, tensor<?x128x4x16xf32>,
         tensor<?x128x4x32xf32>)
        -> (tensor<?x128x4x16xf32>, tensor<?x4x32x16xf32>)
  %o = tensor.collapse_shape %o4 [[0], [1], [2, 3]]
      : tensor<?x128x4x16xf32> into tensor<?x128x64xf32>

  // ---- Low-rank output gate: O ⊙ σ(Xn Wu1 Wu2) ------------------------------------
  %lr_e = tensor.empty(%b) : tensor<?x128x4xf32>
  %lr_0 = linalg.fill ins(%zero : f32) outs(%lr_e : tensor<?x128x4xf32>) -> tensor<?x128x4xf32>
  %u_lr = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wu1 : tensor<?x128x64xf32>, tensor<64x4xf32>)
      outs(%lr_0 : tensor<?x128x4xf32>) -> tensor<?x128x4xf32>
  %u_gt = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u_lr, %wu2 : tensor<?x128x4xf32>, tensor<4x64xf32>)
      outs(%act_0 : tensor<?x128x64xf32>) -> tensor<?x128x64xf32>
  %og = linalg.generic {indexing_maps = [#btd, #btd, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%o, %u_gt : tensor<?x128x64xf32>, tensor<?x128x64xf32>) outs(%act_e : tensor<?x128x64xf32>) {
  ^bb0(%oi: f32, %gi: f32, %out: f32):
    %ng = arith.negf %gi : f32
    %en = math.exp %ng : f32
    %den = arith.addf %en, %one : f32
    %r = arith.divf %oi, %den : f32
    linalg.yield %r : f32
  } -> tensor<?x128x64xf32>

  // ---- RMSNorm(O ⊙ gate) Wo, residual -----------------------------------------------
  %ms = linalg.generic {indexing_maps = [#btd, #bt],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%og : tensor<?x128x64xf32>) outs(%row_0 : tensor<?x128xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %x2 = arith.mulf %xi, %xi : f32
    %r = arith.addf %x2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x128xf32>
  %on = linalg.generic {indexing_maps = [#btd, #bt, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%og, %ms, %rms_g : tensor<?x128x64xf32>, tensor<?x128xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x128x64xf32>) {
  ^bb0(%xi: f32, %ss: f32, %g: f32, %out: f32):
    %m = arith.mulf %ss, %inv_d : f32
    %me = arith.addf %m, %eps : f32
    %rs = math.rsqrt %me : f32
    %n = arith.mulf %xi, %rs : f32
    %r = arith.mulf %n, %g : f32
    linalg.yield %r : f32
  } -> tensor<?x128x64xf32>
  %lna = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%on, %wo : tensor<?x128x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x128x64xf32>) -> tensor<?x128x64xf32>
  %x1 = linalg.add ins(%x, %lna : tensor<?x128x64xf32>, tensor<?x128x64xf32>)
      outs(%act_e : tensor<?x128x64xf32>) -> tensor<?x128x64xf32>

  // ---- GLU channel mixer on RMSNorm(X1), residual ----------------------------------
  %ms2 = linalg.generic {indexing_maps = [#btd, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x1 : tensor<?x128x64xf32>) outs(%row_0 : tensor<?x128xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %x2 = arith.mulf %xi, %xi : f32
    %r = arith.addf %x2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x128xf32>
  %x1n = linalg.generic {indexing_maps = [#btd, #bt, #d, #btd],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x1, %ms2, %rms2_g : tensor<?x128x64xf32>, tensor<?x128xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x128x64xf32>) {
  ^bb0(%xi: f32, %ss: f32, %g: f32, %out: f32):
    %m = arith.mulf %ss, %inv_d : f32
    %me = arith.addf %m, %eps : f32
    %rs = math.rsqrt %me : f32
    %n = arith.mulf %xi, %rs : f32
    %r = arith.mulf %n, %g : f32
    linalg.yield %r : f32
  } -> tensor<?x128x64xf32>
  %hid_e = tensor.empty(%b) : tensor<?x128x128xf32>
  %hid_0 = linalg.fill ins(%zero : f32) outs(%hid_e : tensor<?x128x128xf32>) -> tensor<?x128x128xf32>
  %h1 = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x1n, %w1 : tensor<?x128x64xf32>, tensor<64x128xf32>)
      outs(%hid_0 : tensor<?x128x128xf32>) -> tensor<?x128x128xf32>
  %h2 = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x1n, %w2 : tensor<?x128x64xf32>, tensor<64x128xf32>)
      outs(%hid_0 : tensor<?x128x128xf32>) -> tensor<?x128x128xf32>
  %glu = linalg.generic {indexing_maps = [#btd, #btd, #btd],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%h1, %h2 : tensor<?x128x128xf32>, tensor<?x128x128xf32>) outs(%hid_e : tensor<?x128x128xf32>) {
  ^bb0(%a: f32, %bv: f32, %init: f32):
    %na = arith.negf %a : f32
    %en = math.exp %na : f32
    %den = arith.addf %en, %one : f32
    %sw = arith.divf %a, %den : f32
    %r = arith.mulf %sw, %bv : f32
    linalg.yield %r : f32
  } -> tensor<?x128x128xf32>
  %mix = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%glu, %w3 : tensor<?x128x128xf32>, tensor<128x64xf32>)
      outs(%act_0 : tensor<?x128x64xf32>) -> tensor<?x128x64xf32>
  %x2 = linalg.add ins(%x1, %mix : tensor<?x128x64xf32>, tensor<?x128x64xf32>)
      outs(%act_e : tensor<?x128x64xf32>) -> tensor<?x128x64xf32>
  return %x2, %s_last : tensor<?x128x64xf32>, tensor<?x4x32x16xf32>
}
