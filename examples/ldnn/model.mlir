// LDNN classifier (Linear Dynamics-embedded Neural Network, Liang & Li,
// arXiv 2402.15290 / eSSM; models.md §4): a complete LRA-style network of
// two multi-head, diagonalized MIMO SSM layers, each evaluated as
// "disentanglement then FFT" inside an S4-style pre-norm residual block.
//
//   U⁰    = E[tokens]                                 embedding, vocab 256 -> H = 64    (§4.6 LRA input)
//   for ℓ = 0, 1  (@ldnn_block, weights l<ℓ>_*):
//     Û     = LayerNorm(U)                            pre-norm (BatchNorm on LRA)        (§4.5 Layer)
//     v     = B̃ Û                                     input projection, block-diagonal
//                                                     over 4 heads: [B,T,64] -> [B,T,16]  (§4.5 Disentanglement, Multi-head)
//     κ_n[j]= Re(c_n λ̄_n^j), λ̄ = exp(λΔ), c = (λ̄-1)/λ, j < T (ZOH)                      (§4.3, §4.4)
//             λ = min(Re λ, -1e-4) + i Im λ, Δ = exp(log Δ)
//             -> ldn.ssm_kernel {method = zoh, bidirectional = true}: [16, 2T]
//     x_t   = Σ_{s<=t} κ[t-s] v_s + Σ_{s>t} κ[s-t-1] v_s   bidirectional, no extra params (§4.5 Bidirectional)
//             -> ldn.long_conv {bidirectional, fft}
//     y     = 2 · C̃ x + D ⊙ Û                         output projection (conjugate
//                                                     symmetry: 2·Re), D skip              (§4.3, §4.4)
//     g     = GELU(y),  a = g ⊙ σ(g Wg + bg)          activation_post = half_glu1          (§4.5 Layer)
//     U'    = U + a Wm + bm                           head mixer Linear(M->M), residual    (§4.5 Multi-head, Layer)
//   Z     = LayerNorm(U²)                             final norm
//   p     = (1/T) Σ_t Z_t                             mean pooling over T                  (§4.5 "decoder uses mean pooling")
//   logits= p Wh + bh                                 linear head -> 10 classes
//
// Sizes: vocab 256, H = M = 64 channels, N = 16 states, 4 heads (each H/h = 16
// inputs, N/h = 4 states, M/h = 16 outputs), 2 layers, 10 classes: 35 306
// parameters (141 KB f32). The SSM kernel spans L = T lags (2T
// bidirectional), so B and T are both dynamic.
// Run: build/bin/ldn-compile examples/ldnn/model.mlir --target=cpu -o ldnn.so
//      python3 examples/run.py ldnn --target cpu

#btd = affine_map<(b, t, d) -> (b, t, d)>
#bt  = affine_map<(b, t, d) -> (b, t)>
#d   = affine_map<(b, t, d) -> (d)>
#bd  = affine_map<(b, t, d) -> (b, d)>
#mm_x = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_w = affine_map<(b, m, n, k) -> (k, n)>
#mm_y = affine_map<(b, m, n, k) -> (b, m, n)>
// Block-diagonal (per-head) projection: out[b,t,h,o] = Σ_i in[b,t,h,i] W[h,i,o].
#hp_x = affine_map<(b, t, h, o, i) -> (b, t, h, i)>
#hp_w = affine_map<(b, t, h, o, i) -> (h, i, o)>
#hp_y = affine_map<(b, t, h, o, i) -> (b, t, h, o)>
// Classifier head: logits[b,c] = Σ_k p[b,k] W[k,c] + bias[c].
#hd_x = affine_map<(b, c, k) -> (b, k)>
#hd_w = affine_map<(b, c, k) -> (k, c)>
#hd_y = affine_map<(b, c, k) -> (b, c)>
#bc   = affine_map<(b, c) -> (b, c)>
#c    = affine_map<(b, c) -> (c)>

func.func @ldnn_classifier(
    %tokens: tensor<?x?xi32>,                                  // [B,T] in [0, 256)
    %embed: tensor<256x64xf32>,                                // E
    // layer 0
    %l0_ln_g: tensor<64xf32>, %l0_ln_b: tensor<64xf32>,
    %l0_b_tilde: tensor<4x16x4xf32>,
    %l0_lambda_re: tensor<16xf32>, %l0_lambda_im: tensor<16xf32>,
    %l0_log_dt: tensor<16xf32>,
    %l0_c_tilde: tensor<4x4x16xf32>,
    %l0_d_skip: tensor<64xf32>,
    %l0_wg: tensor<64x64xf32>, %l0_bg: tensor<64xf32>,
    %l0_wm: tensor<64x64xf32>, %l0_bm: tensor<64xf32>,
    // layer 1
    %l1_ln_g: tensor<64xf32>, %l1_ln_b: tensor<64xf32>,
    %l1_b_tilde: tensor<4x16x4xf32>,
    %l1_lambda_re: tensor<16xf32>, %l1_lambda_im: tensor<16xf32>,
    %l1_log_dt: tensor<16xf32>,
    %l1_c_tilde: tensor<4x4x16xf32>,
    %l1_d_skip: tensor<64xf32>,
    %l1_wg: tensor<64x64xf32>, %l1_bg: tensor<64xf32>,
    %l1_wm: tensor<64x64xf32>, %l1_bm: tensor<64xf32>,
    // final norm and head
    %norm_g: tensor<64xf32>, %norm_b: tensor<64xf32>,
    %head_w: tensor<64x10xf32>, %head_b: tensor<10xf32>)
    -> (tensor<?x10xf32> {ldn.name = "logits"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %inv_d = arith.constant 0.015625 : f32          // 1 / 64
  %eps = arith.constant 1.0e-5 : f32
  %b = tensor.dim %tokens, %c0 : tensor<?x?xi32>
  %t = tensor.dim %tokens, %c1 : tensor<?x?xi32>
  %act_e = tensor.empty(%b, %t) : tensor<?x?x64xf32>
  %row_e = tensor.empty(%b, %t) : tensor<?x?xf32>
  %row_0 = linalg.fill ins(%zero : f32) outs(%row_e : tensor<?x?xf32>) -> tensor<?x?xf32>

  // ---- U⁰ = E[tokens] ----------------------------------------------------------------
  %u0 = linalg.generic {indexing_maps = [#bt, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%tokens : tensor<?x?xi32>) outs(%act_e : tensor<?x?x64xf32>) {
  ^bb0(%tok: i32, %init: f32):
    %row = arith.index_cast %tok : i32 to index
    %col = linalg.index 2 : index
    %e = tensor.extract %embed[%row, %col] : tensor<256x64xf32>
    linalg.yield %e : f32
  } -> tensor<?x?x64xf32>

  // ---- Two LDNN layers --------------------------------------------------------------
  %u1 = func.call @ldnn_block(%u0, %l0_ln_g, %l0_ln_b, %l0_b_tilde, %l0_lambda_re,
                              %l0_lambda_im, %l0_log_dt, %l0_c_tilde, %l0_d_skip,
                              %l0_wg, %l0_bg, %l0_wm, %l0_bm)
      : (tensor<?x?x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<4x16x4xf32>,
         tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<4x4x16xf32>, tensor<64xf32>,
         tensor<64x64xf32>, tensor<64xf32>, tensor<64x64xf32>, tensor<64xf32>)
      -> tensor<?x?x64xf32>
  %u2 = func.call @ldnn_block(%u1, %l1_ln_g, %l1_ln_b, %l1_b_tilde, %l1_lambda_re,
                              %l1_lambda_im, %l1_log_dt, %l1_c_tilde, %l1_d_skip,
                              %l1_wg, %l1_bg, %l1_wm, %l1_bm)
      : (tensor<?x?x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<4x16x4xf32>,
         tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<4x4x16xf32>, tensor<64xf32>,
         tensor<64x64xf32>, tensor<64xf32>, tensor<64x64xf32>, tensor<64xf32>)
      -> tensor<?x?x64xf32>

  // ---- Z = LayerNorm(U²) ------------------------------------------------------------
  %sum = linalg.generic {indexing_maps = [#btd, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%u2 : tensor<?x?x64xf32>) outs(%row_0 : tensor<?x?xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %r = arith.addf %x, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %sqsum = linalg.generic {indexing_maps = [#btd, #bt, #bt],
                           iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%u2, %sum : tensor<?x?x64xf32>, tensor<?x?xf32>) outs(%row_0 : tensor<?x?xf32>) {
  ^bb0(%x: f32, %s: f32, %acc: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %c = arith.subf %x, %mu : f32
    %c2 = arith.mulf %c, %c : f32
    %r = arith.addf %c2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %z = linalg.generic {indexing_maps = [#btd, #bt, #bt, #d, #d, #btd],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%u2, %sum, %sqsum, %norm_g, %norm_b
          : tensor<?x?x64xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x?x64xf32>) {
  ^bb0(%x: f32, %s: f32, %ss: f32, %g: f32, %be: f32, %init: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %var = arith.mulf %ss, %inv_d : f32
    %ve = arith.addf %var, %eps : f32
    %rs = math.rsqrt %ve : f32
    %c = arith.subf %x, %mu : f32
    %n = arith.mulf %c, %rs : f32
    %ng = arith.mulf %n, %g : f32
    %r = arith.addf %ng, %be : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- p = (1/T) Σ_t Z_t --------------------------------------------------------------
  %pool_e = tensor.empty(%b) : tensor<?x64xf32>
  %pool_0 = linalg.fill ins(%zero : f32) outs(%pool_e : tensor<?x64xf32>) -> tensor<?x64xf32>
  %zsum = linalg.generic {indexing_maps = [#btd, #bd],
                          iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%z : tensor<?x?x64xf32>) outs(%pool_0 : tensor<?x64xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %r = arith.addf %x, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x64xf32>

  // ---- logits = p Wh + bh ------------------------------------------------------------
  %t_i64 = arith.index_cast %t : index to i64
  %t_f = arith.sitofp %t_i64 : i64 to f32
  %inv_t = arith.divf %one, %t_f : f32
  %lg_e = tensor.empty(%b) : tensor<?x10xf32>
  %lg_0 = linalg.fill ins(%zero : f32) outs(%lg_e : tensor<?x10xf32>) -> tensor<?x10xf32>
  %zw = linalg.generic {indexing_maps = [#hd_x, #hd_w, #hd_y],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%zsum, %head_w : tensor<?x64xf32>, tensor<64x10xf32>)
      outs(%lg_0 : tensor<?x10xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %r = arith.addf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x10xf32>
  %logits = linalg.generic {indexing_maps = [#bc, #c, #bc],
                            iterator_types = ["parallel", "parallel"]}
      ins(%zw, %head_b : tensor<?x10xf32>, tensor<10xf32>)
      outs(%lg_e : tensor<?x10xf32>) {
  ^bb0(%s: f32, %bias: f32, %init: f32):
    %m = arith.mulf %s, %inv_t : f32                // mean pool: (Σ_t Z_t Wh) / T
    %r = arith.addf %m, %bias : f32
    linalg.yield %r : f32
  } -> tensor<?x10xf32>
  return %logits : tensor<?x10xf32>
}

// One LDNN layer (the header above gives the math): pre-norm, B̃ per head, bidirectional ZOH SSM kernel + FFT long
// convolution, 2·C̃x + D⊙Û, GELU + half-GLU, head mixer, residual.
func.func private @ldnn_block(
    %u: tensor<?x?x64xf32>,                                   // U  [B,T,H]
    %ln_g: tensor<64xf32>, %ln_b: tensor<64xf32>,             // pre-norm
    %b_tilde: tensor<4x16x4xf32>,                             // B̃ per head [h, H/h, N/h]
    %lambda_re: tensor<16xf32>, %lambda_im: tensor<16xf32>,   // Λ (Re clamped <= -1e-4 by the op)
    %log_dt: tensor<16xf32>,                                  // log Δ per state
    %c_tilde: tensor<4x4x16xf32>,                             // C̃ per head [h, N/h, M/h]
    %d_skip: tensor<64xf32>,                                  // D
    %wg: tensor<64x64xf32>, %bg: tensor<64xf32>,              // half-GLU gate
    %wm: tensor<64x64xf32>, %bm: tensor<64xf32>)              // head mixer
    -> tensor<?x?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %two = arith.constant 2.0 : f32
  %half = arith.constant 0.5 : f32
  %inv_d = arith.constant 0.015625 : f32          // 1 / 64
  %eps = arith.constant 1.0e-5 : f32
  %rsqrt2 = arith.constant 0.707106781 : f32
  %b = tensor.dim %u, %c0 : tensor<?x?x64xf32>
  %t = tensor.dim %u, %c1 : tensor<?x?x64xf32>
  %act_e = tensor.empty(%b, %t) : tensor<?x?x64xf32>
  %act_0 = linalg.fill ins(%zero : f32) outs(%act_e : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %row_e = tensor.empty(%b, %t) : tensor<?x?xf32>
  %row_0 = linalg.fill ins(%zero : f32) outs(%row_e : tensor<?x?xf32>) -> tensor<?x?xf32>

  // ---- Û = LayerNorm(U) -----------------------------------------------------------
  %sum = linalg.generic {indexing_maps = [#btd, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%u : tensor<?x?x64xf32>) outs(%row_0 : tensor<?x?xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %r = arith.addf %x, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %sqsum = linalg.generic {indexing_maps = [#btd, #bt, #bt],
                           iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%u, %sum : tensor<?x?x64xf32>, tensor<?x?xf32>) outs(%row_0 : tensor<?x?xf32>) {
  ^bb0(%x: f32, %s: f32, %acc: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %c = arith.subf %x, %mu : f32
    %c2 = arith.mulf %c, %c : f32
    %r = arith.addf %c2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %un = linalg.generic {indexing_maps = [#btd, #bt, #bt, #d, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%u, %sum, %sqsum, %ln_g, %ln_b
          : tensor<?x?x64xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x?x64xf32>) {
  ^bb0(%x: f32, %s: f32, %ss: f32, %g: f32, %be: f32, %init: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %var = arith.mulf %ss, %inv_d : f32
    %ve = arith.addf %var, %eps : f32
    %rs = math.rsqrt %ve : f32
    %c = arith.subf %x, %mu : f32
    %n = arith.mulf %c, %rs : f32
    %ng = arith.mulf %n, %g : f32
    %r = arith.addf %ng, %be : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- Input projection v = B̃ Û, block-diagonal over heads -------------------------
  %un4 = tensor.expand_shape %un [[0], [1], [2, 3]] output_shape [%b, %t, 4, 16]
      : tensor<?x?x64xf32> into tensor<?x?x4x16xf32>
  %st_e = tensor.empty(%b, %t) : tensor<?x?x4x4xf32>
  %st_0 = linalg.fill ins(%zero : f32) outs(%st_e : tensor<?x?x4x4xf32>) -> tensor<?x?x4x4xf32>
  %v4 = linalg.generic {indexing_maps = [#hp_x, #hp_w, #hp_y],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%un4, %b_tilde : tensor<?x?x4x16xf32>, tensor<4x16x4xf32>)
      outs(%st_0 : tensor<?x?x4x4xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %r = arith.addf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?x4x4xf32>
  %v = tensor.collapse_shape %v4 [[0], [1], [2, 3]]
      : tensor<?x?x4x4xf32> into tensor<?x?x16xf32>

  // ---- Per-state SSM kernel over L = T lags, mirrored to 2T (bidirectional) -------
  %kern = ldn.ssm_kernel %lambda_re, %lambda_im, %log_dt, %t
      {method = #ldn.discretization<zoh>, bidirectional = true}
      : tensor<16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<16x?xf32>

  // ---- N scalar long convolutions x_n = κ_n ∗ v_n (FFT, length 2T) -----------------
  %xs = ldn.long_conv %v, %kern {bidirectional = true, strategy = #ldn.conv_strategy<fft>}
      : tensor<?x?x16xf32>, tensor<16x?xf32> -> tensor<?x?x16xf32>

  // ---- Output projection y = 2 · C̃ x + D ⊙ Û -----------------------------------------
  %xs4 = tensor.expand_shape %xs [[0], [1], [2, 3]] output_shape [%b, %t, 4, 4]
      : tensor<?x?x16xf32> into tensor<?x?x4x4xf32>
  %y_e = tensor.empty(%b, %t) : tensor<?x?x4x16xf32>
  %y_0 = linalg.fill ins(%zero : f32) outs(%y_e : tensor<?x?x4x16xf32>) -> tensor<?x?x4x16xf32>
  %cy4 = linalg.generic {indexing_maps = [#hp_x, #hp_w, #hp_y],
                         iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%xs4, %c_tilde : tensor<?x?x4x4xf32>, tensor<4x4x16xf32>)
      outs(%y_0 : tensor<?x?x4x16xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %r = arith.addf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?x4x16xf32>
  %cy = tensor.collapse_shape %cy4 [[0], [1], [2, 3]]
      : tensor<?x?x4x16xf32> into tensor<?x?x64xf32>
  // Fused with the skip: g = GELU(2 · C̃x + D ⊙ Û).
  %gy = linalg.generic {indexing_maps = [#btd, #btd, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%cy, %un, %d_skip : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x?x64xf32>) {
  ^bb0(%cx: f32, %x: f32, %dd: f32, %init: f32):
    %c2 = arith.mulf %cx, %two : f32
    %dx = arith.mulf %dd, %x : f32
    %y = arith.addf %c2, %dx : f32
    // GELU(y) = 0.5 y (1 + erf(y / √2))
    %ys = arith.mulf %y, %rsqrt2 : f32
    %er = math.erf %ys : f32
    %op = arith.addf %er, %one : f32
    %hy = arith.mulf %y, %half : f32
    %r = arith.mulf %hy, %op : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- half_glu1: a = g ⊙ σ(g Wg + bg) ----------------------------------------------
  %gw = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%gy, %wg : tensor<?x?x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %a = linalg.generic {indexing_maps = [#btd, #btd, #d, #btd],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%gy, %gw, %bg : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x?x64xf32>) {
  ^bb0(%g: f32, %z: f32, %bias: f32, %init: f32):
    %zb = arith.addf %z, %bias : f32
    %nz = arith.negf %zb : f32
    %en = math.exp %nz : f32
    %den = arith.addf %en, %one : f32
    %r = arith.divf %g, %den : f32          // g · σ(z)
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- Head mixer Linear(M -> M) and residual ----------------------------------------
  %mx = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%a, %wm : tensor<?x?x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %out = linalg.generic {indexing_maps = [#btd, #btd, #d, #btd],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%u, %mx, %bm : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x?x64xf32>) {
  ^bb0(%x: f32, %m: f32, %bias: f32, %init: f32):
    %mb = arith.addf %m, %bias : f32
    %r = arith.addf %x, %mb : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>
  return %out : tensor<?x?x64xf32>
}
