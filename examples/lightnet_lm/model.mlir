// LightNet causal language model ("You Only Scan Once", Qin et al.,
// arXiv 2405.21022; models.md §2): a LLaMA-style stack (§2.6) of 2 causal
// LightNet blocks, D = 64, 4 heads of d = 16, vocabulary 256.
//
//   X⁰     = E[tokens]                                  token embedding, E: [256,64]
//   for l = 0, 1 (@lightnet_lm_block):
//     X ← X + LNA(RMSNorm(X))                           §2.6
//     X ← X + GLU(RMSNorm(X)),  GLU(x) = W3 (swish(x W1) ⊙ x W2),  hidden 128
//   logits = RMSNorm(X) W_head                          untied LM head, W_head: [64,256]
//
// LNA, causal (§2.3, paper eqs. 7-9), per head:
//   Q = SiLU(X Wq), K = X Wk, V = X Wv                   [B,T,4,16]
//   z_t = log(exp(0) + Σ_{j≤t} exp(K_j))  per channel    additive decay with sink 0 (§2.2)
//   logλ_t = z_{t-1} - z_t (z_{-1} = 0),  K̃_t = exp(K_t - z_t)
//   Q̂ = LRPE(Q), K̂ = LRPE(K̃):  [x ⊙ cos tθ, x ⊙ sin tθ]   1-D grid of T positions (§2.4)
//   S_t = diag(λ_t ⊕ λ_t) S_{t-1} + K̂_t V_tᵀ,  O_t = S_tᵀ Q̂_t       (scale 1)
//     i.e. O_t = Σ_c Q_tc Σ_{j≤t} exp(K_jc - z_tc) cos(θ_c (t-j)) V_j
//   LNA(X) = RMSNorm(O ⊙ σ(X Wu1 Wu2)) Wo                 low-rank gate (rank 4), gate → norm
//
// LRPE frequencies are fixed, not learned (§2.3, RoPE-style, base 10000):
//   θ[h, i] = 10000^(-i/16), i < e = 16, shared by the 4 heads; the largest
//   angle is (T-1)·θ_0 = 255 rad.
// ldn.lrpe fixes T = Π grid = 256, so the token input is tensor<?x256xi32>
// (B dynamic). Each block also returns its final state S_T; the model drops it.
//
// Run: python3 examples/run.py lightnet_lm --target cpu

#btd = affine_map<(b, t, d) -> (b, t, d)>
#bt  = affine_map<(b, t, d) -> (b, t)>
#d   = affine_map<(b, t, d) -> (d)>
#hc  = affine_map<(h, c) -> (h, c)>
#mm_x = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_w = affine_map<(b, m, n, k) -> (k, n)>
#mm_y = affine_map<(b, m, n, k) -> (b, m, n)>

//===----------------------------------------------------------------------===//
// The network
//===----------------------------------------------------------------------===//

func.func @lightnet_lm(
    %tokens: tensor<?x256xi32>,                               // token ids [B,T], T = 256
    %embed: tensor<256x64xf32>,                               // embedding table [V,D]
    %l0_rms1_g: tensor<64xf32>,
    %l0_wq: tensor<64x64xf32>, %l0_wk: tensor<64x64xf32>, %l0_wv: tensor<64x64xf32>,
    %l0_wu1: tensor<64x4xf32>, %l0_wu2: tensor<4x64xf32>,
    %l0_rms_g: tensor<64xf32>, %l0_wo: tensor<64x64xf32>,
    %l0_rms2_g: tensor<64xf32>,
    %l0_w1: tensor<64x128xf32>, %l0_w2: tensor<64x128xf32>, %l0_w3: tensor<128x64xf32>,
    %l1_rms1_g: tensor<64xf32>,
    %l1_wq: tensor<64x64xf32>, %l1_wk: tensor<64x64xf32>, %l1_wv: tensor<64x64xf32>,
    %l1_wu1: tensor<64x4xf32>, %l1_wu2: tensor<4x64xf32>,
    %l1_rms_g: tensor<64xf32>, %l1_wo: tensor<64x64xf32>,
    %l1_rms2_g: tensor<64xf32>,
    %l1_w1: tensor<64x128xf32>, %l1_w2: tensor<64x128xf32>, %l1_w3: tensor<128x64xf32>,
    %norm_g: tensor<64xf32>,                                  // final RMSNorm gain
    %head: tensor<64x256xf32>)                                // LM head [D,V]
    -> (tensor<?x256x256xf32> {ldn.name = "logits"}) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %inv_d = arith.constant 0.015625 : f32          // 1 / 64
  %eps = arith.constant 1.0e-6 : f32
  %neg_log_base = arith.constant -0.575646273 : f32   // -ln(10000) / 16
  %b = tensor.dim %tokens, %c0 : tensor<?x256xi32>

  // ---- X⁰ = E[tokens] --------------------------------------------------------------
  %act_e = tensor.empty(%b) : tensor<?x256x64xf32>
  %x0 = linalg.generic {indexing_maps = [#bt, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%tokens : tensor<?x256xi32>) outs(%act_e : tensor<?x256x64xf32>) {
  ^bb0(%tok: i32, %out: f32):
    %row = arith.index_cast %tok : i32 to index
    %col = linalg.index 2 : index
    %e = tensor.extract %embed[%row, %col] : tensor<256x64xf32>
    linalg.yield %e : f32
  } -> tensor<?x256x64xf32>

  // ---- θ[h, i] = 10000^(-i/16), fixed LRPE frequencies ------------------------------
  %th_e = tensor.empty() : tensor<4x16xf32>
  %theta = linalg.generic {indexing_maps = [#hc], iterator_types = ["parallel", "parallel"]}
      outs(%th_e : tensor<4x16xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i32
    %fi = arith.sitofp %ii : i32 to f32
    %a = arith.mulf %fi, %neg_log_base : f32
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>

  // ---- 2 causal LightNet blocks ------------------------------------------------------
  %x1, %s0 = func.call @lightnet_lm_block(%x0, %l0_rms1_g, %l0_wq, %l0_wk, %l0_wv, %theta,
                                          %l0_wu1, %l0_wu2, %l0_rms_g, %l0_wo, %l0_rms2_g,
                                          %l0_w1, %l0_w2, %l0_w3)
      : (tensor<?x256x64xf32>, tensor<64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
         tensor<64x64xf32>, tensor<4x16xf32>, tensor<64x4xf32>, tensor<4x64xf32>,
         tensor<64xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64x128xf32>,
         tensor<64x128xf32>, tensor<128x64xf32>)
        -> (tensor<?x256x64xf32>, tensor<?x4x32x16xf32>)
  %x2, %s1 = func.call @lightnet_lm_block(%x1, %l1_rms1_g, %l1_wq, %l1_wk, %l1_wv, %theta,
                                          %l1_wu1, %l1_wu2, %l1_rms_g, %l1_wo, %l1_rms2_g,
                                          %l1_w1, %l1_w2, %l1_w3)
      : (tensor<?x256x64xf32>, tensor<64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
         tensor<64x64xf32>, tensor<4x16xf32>, tensor<64x4xf32>, tensor<4x64xf32>,
         tensor<64xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64x128xf32>,
         tensor<64x128xf32>, tensor<128x64xf32>)
        -> (tensor<?x256x64xf32>, tensor<?x4x32x16xf32>)

  // ---- logits = RMSNorm(X) W_head -----------------------------------------------------
  %row_e = tensor.empty(%b) : tensor<?x256xf32>
  %row_0 = linalg.fill ins(%zero : f32) outs(%row_e : tensor<?x256xf32>) -> tensor<?x256xf32>
  %ms = linalg.generic {indexing_maps = [#btd, #bt],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x2 : tensor<?x256x64xf32>) outs(%row_0 : tensor<?x256xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %sq = arith.mulf %xi, %xi : f32
    %r = arith.addf %sq, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x256xf32>
  %xn = linalg.generic {indexing_maps = [#btd, #bt, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x2, %ms, %norm_g : tensor<?x256x64xf32>, tensor<?x256xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x256x64xf32>) {
  ^bb0(%xi: f32, %ss: f32, %g: f32, %out: f32):
    %m = arith.mulf %ss, %inv_d : f32
    %me = arith.addf %m, %eps : f32
    %rs = math.rsqrt %me : f32
    %n = arith.mulf %xi, %rs : f32
    %r = arith.mulf %n, %g : f32
    linalg.yield %r : f32
  } -> tensor<?x256x64xf32>
  %lg_e = tensor.empty(%b) : tensor<?x256x256xf32>
  %lg_0 = linalg.fill ins(%zero : f32) outs(%lg_e : tensor<?x256x256xf32>) -> tensor<?x256x256xf32>
  %logits = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %head : tensor<?x256x64xf32>, tensor<64x256xf32>)
      outs(%lg_0 : tensor<?x256x256xf32>) -> tensor<?x256x256xf32>
  return %logits : tensor<?x256x256xf32>
}

//===----------------------------------------------------------------------===//
// Causal LightNet block, T = 256
//===----------------------------------------------------------------------===//

func.func private @lightnet_lm_block(
    %x: tensor<?x256x64xf32>,                                 // X  [B,T,D]
    %rms1_g: tensor<64xf32>,                                  // RMSNorm before LNA
    %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>,
    %theta: tensor<4x16xf32>,                                 // 1-D LRPE frequencies [H,e]
    %wu1: tensor<64x4xf32>, %wu2: tensor<4x64xf32>,           // low-rank output gate
    %rms_g: tensor<64xf32>,                                   // RMSNorm gain on O
    %wo: tensor<64x64xf32>,
    %rms2_g: tensor<64xf32>,                                  // RMSNorm before GLU
    %w1: tensor<64x128xf32>, %w2: tensor<64x128xf32>, %w3: tensor<128x64xf32>)
    -> (tensor<?x256x64xf32>, tensor<?x4x32x16xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %inv_d = arith.constant 0.015625 : f32          // 1 / 64
  %eps = arith.constant 1.0e-6 : f32
  %b = tensor.dim %x, %c0 : tensor<?x256x64xf32>
  %act_e = tensor.empty(%b) : tensor<?x256x64xf32>
  %act_0 = linalg.fill ins(%zero : f32) outs(%act_e : tensor<?x256x64xf32>) -> tensor<?x256x64xf32>
  %row_e = tensor.empty(%b) : tensor<?x256xf32>
  %row_0 = linalg.fill ins(%zero : f32) outs(%row_e : tensor<?x256xf32>) -> tensor<?x256xf32>

  // ---- Xn = RMSNorm(X) ------------------------------------------------------------
  %ms1 = linalg.generic {indexing_maps = [#btd, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<?x256x64xf32>) outs(%row_0 : tensor<?x256xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %x2 = arith.mulf %xi, %xi : f32
    %r = arith.addf %x2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x256xf32>
  %xn = linalg.generic {indexing_maps = [#btd, #bt, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %ms1, %rms1_g : tensor<?x256x64xf32>, tensor<?x256xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x256x64xf32>) {
  ^bb0(%xi: f32, %ss: f32, %g: f32, %out: f32):
    %m = arith.mulf %ss, %inv_d : f32
    %me = arith.addf %m, %eps : f32
    %rs = math.rsqrt %me : f32
    %n = arith.mulf %xi, %rs : f32
    %r = arith.mulf %n, %g : f32
    linalg.yield %r : f32
  } -> tensor<?x256x64xf32>

  // ---- Q = SiLU(Xn Wq), K = Xn Wk, V = Xn Wv, split to [B,256,4,16] ------------
  %qm = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wq : tensor<?x256x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x256x64xf32>) -> tensor<?x256x64xf32>
  %qs = linalg.generic {indexing_maps = [#btd, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%qm : tensor<?x256x64xf32>) outs(%act_e : tensor<?x256x64xf32>) {
  ^bb0(%xi: f32, %init: f32):
    %nx = arith.negf %xi : f32
    %en = math.exp %nx : f32
    %den = arith.addf %en, %one : f32
    %r = arith.divf %xi, %den : f32
    linalg.yield %r : f32
  } -> tensor<?x256x64xf32>
  %km = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wk : tensor<?x256x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x256x64xf32>) -> tensor<?x256x64xf32>
  %vm = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wv : tensor<?x256x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x256x64xf32>) -> tensor<?x256x64xf32>
  %q = tensor.expand_shape %qs [[0], [1], [2, 3]] output_shape [%b, 256, 4, 16]
      : tensor<?x256x64xf32> into tensor<?x256x4x16xf32>
  %k = tensor.expand_shape %km [[0], [1], [2, 3]] output_shape [%b, 256, 4, 16]
      : tensor<?x256x64xf32> into tensor<?x256x4x16xf32>
  %v = tensor.expand_shape %vm [[0], [1], [2, 3]] output_shape [%b, 256, 4, 16]
      : tensor<?x256x64xf32> into tensor<?x256x4x16xf32>

  // ---- Additive decay, causal, with the xmixers sink z_{-1} = 0 ------------------
  %kn, %logl = ldn.additive_decay %k {causal = true, sink = 0.0 : f32}
      : tensor<?x256x4x16xf32> -> tensor<?x256x4x16xf32>, tensor<?x256x4x16xf32>

  // ---- 1-D LRPE: [x cos Θ, x sin Θ], d = 16 -> 32 ------------------------------------
  %qr = ldn.lrpe %q, %theta {grid = array<i64: 256>, prefix = 0}
      : tensor<?x256x4x16xf32>, tensor<4x16xf32> -> tensor<?x256x4x32xf32>
  %kr = ldn.lrpe %kn, %theta {grid = array<i64: 256>, prefix = 0}
      : tensor<?x256x4x16xf32>, tensor<4x16xf32> -> tensor<?x256x4x32xf32>
  // The key features doubled to [cos | sin] halves, so the per-channel decay
  // is doubled the same way: λ ⊕ λ.
  %logl2 = tensor.concat dim(3) %logl, %logl
      : (tensor<?x256x4x16xf32>, tensor<?x256x4x16xf32>) -> tensor<?x256x4x32xf32>

  // ---- Causal vector-decay linear attention (GLA form), scale 1 --------------------
  %o4, %s_last = ldn.linear_attention %qr, %kr, %v decay %logl2 {causal = true, scale = 1.0 : f32}
      : (tensor<?x256x4x32xf32>, tensor<?x256x4x32xf32>, tensor<?x256x4x16xf32>,
         tensor<?x256x4x32xf32>)
        -> (tensor<?x256x4x16xf32>, tensor<?x4x32x16xf32>)
  %o = tensor.collapse_shape %o4 [[0], [1], [2, 3]]
      : tensor<?x256x4x16xf32> into tensor<?x256x64xf32>

  // ---- Low-rank output gate: O ⊙ σ(Xn Wu1 Wu2) ------------------------------------
  %lr_e = tensor.empty(%b) : tensor<?x256x4xf32>
  %lr_0 = linalg.fill ins(%zero : f32) outs(%lr_e : tensor<?x256x4xf32>) -> tensor<?x256x4xf32>
  %u_lr = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wu1 : tensor<?x256x64xf32>, tensor<64x4xf32>)
      outs(%lr_0 : tensor<?x256x4xf32>) -> tensor<?x256x4xf32>
  %u_gt = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u_lr, %wu2 : tensor<?x256x4xf32>, tensor<4x64xf32>)
      outs(%act_0 : tensor<?x256x64xf32>) -> tensor<?x256x64xf32>
  %og = linalg.generic {indexing_maps = [#btd, #btd, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%o, %u_gt : tensor<?x256x64xf32>, tensor<?x256x64xf32>) outs(%act_e : tensor<?x256x64xf32>) {
  ^bb0(%oi: f32, %gi: f32, %out: f32):
    %ng = arith.negf %gi : f32
    %en = math.exp %ng : f32
    %den = arith.addf %en, %one : f32
    %r = arith.divf %oi, %den : f32
    linalg.yield %r : f32
  } -> tensor<?x256x64xf32>

  // ---- RMSNorm(O ⊙ gate) Wo, residual -----------------------------------------------
  %ms = linalg.generic {indexing_maps = [#btd, #bt],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%og : tensor<?x256x64xf32>) outs(%row_0 : tensor<?x256xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %x2 = arith.mulf %xi, %xi : f32
    %r = arith.addf %x2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x256xf32>
  %on = linalg.generic {indexing_maps = [#btd, #bt, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%og, %ms, %rms_g : tensor<?x256x64xf32>, tensor<?x256xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x256x64xf32>) {
  ^bb0(%xi: f32, %ss: f32, %g: f32, %out: f32):
    %m = arith.mulf %ss, %inv_d : f32
    %me = arith.addf %m, %eps : f32
    %rs = math.rsqrt %me : f32
    %n = arith.mulf %xi, %rs : f32
    %r = arith.mulf %n, %g : f32
    linalg.yield %r : f32
  } -> tensor<?x256x64xf32>
  %lna = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%on, %wo : tensor<?x256x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x256x64xf32>) -> tensor<?x256x64xf32>
  %x1 = linalg.add ins(%x, %lna : tensor<?x256x64xf32>, tensor<?x256x64xf32>)
      outs(%act_e : tensor<?x256x64xf32>) -> tensor<?x256x64xf32>

  // ---- GLU channel mixer on RMSNorm(X1), residual ----------------------------------
  %ms2 = linalg.generic {indexing_maps = [#btd, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x1 : tensor<?x256x64xf32>) outs(%row_0 : tensor<?x256xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %x2 = arith.mulf %xi, %xi : f32
    %r = arith.addf %x2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x256xf32>
  %x1n = linalg.generic {indexing_maps = [#btd, #bt, #d, #btd],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x1, %ms2, %rms2_g : tensor<?x256x64xf32>, tensor<?x256xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x256x64xf32>) {
  ^bb0(%xi: f32, %ss: f32, %g: f32, %out: f32):
    %m = arith.mulf %ss, %inv_d : f32
    %me = arith.addf %m, %eps : f32
    %rs = math.rsqrt %me : f32
    %n = arith.mulf %xi, %rs : f32
    %r = arith.mulf %n, %g : f32
    linalg.yield %r : f32
  } -> tensor<?x256x64xf32>
  %hid_e = tensor.empty(%b) : tensor<?x256x128xf32>
  %hid_0 = linalg.fill ins(%zero : f32) outs(%hid_e : tensor<?x256x128xf32>) -> tensor<?x256x128xf32>
  %h1 = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x1n, %w1 : tensor<?x256x64xf32>, tensor<64x128xf32>)
      outs(%hid_0 : tensor<?x256x128xf32>) -> tensor<?x256x128xf32>
  %h2 = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x1n, %w2 : tensor<?x256x64xf32>, tensor<64x128xf32>)
      outs(%hid_0 : tensor<?x256x128xf32>) -> tensor<?x256x128xf32>
  %glu = linalg.generic {indexing_maps = [#btd, #btd, #btd],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%h1, %h2 : tensor<?x256x128xf32>, tensor<?x256x128xf32>) outs(%hid_e : tensor<?x256x128xf32>) {
  ^bb0(%a: f32, %bv: f32, %init: f32):
    %na = arith.negf %a : f32
    %en = math.exp %na : f32
    %den = arith.addf %en, %one : f32
    %sw = arith.divf %a, %den : f32
    %r = arith.mulf %sw, %bv : f32
    linalg.yield %r : f32
  } -> tensor<?x256x128xf32>
  %mix = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%glu, %w3 : tensor<?x256x128xf32>, tensor<128x64xf32>)
      outs(%act_0 : tensor<?x256x64xf32>) -> tensor<?x256x64xf32>
  %x2 = linalg.add ins(%x1, %mix : tensor<?x256x64xf32>, tensor<?x256x64xf32>)
      outs(%act_e : tensor<?x256x64xf32>) -> tensor<?x256x64xf32>
  return %x2, %s_last : tensor<?x256x64xf32>, tensor<?x4x32x16xf32>
}
