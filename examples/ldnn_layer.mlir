// One LDNN layer (Linear Dynamics-embedded Neural Network, Liang & Li,
// arXiv 2402.15290 / eSSM; models.md §4): a multi-head, diagonalized MIMO
// state-space model evaluated as "disentanglement then FFT", inside an
// S4-style pre-norm residual block.
//
//   Û     = LayerNorm(U)                              pre-norm (BatchNorm on LRA)      (§4.5 Layer)
//   v     = B̃ Û                                       input projection, block-diagonal
//                                                     over 4 heads: [B,T,64] -> [B,T,16]  (§4.5, §4.5 Multi-head)
//   κ     = Re(c_n λ̄_n^j),  λ̄ = exp(λΔ), c = (λ̄-1)/λ  ZOH, bidirectional [N, 2T]      (§4.4, §4.5)
//             -> ldn.ssm_kernel {method = zoh, bidirectional = true}
//   x_n   = κ_n ∗ v_n (bidirectional, no extra params)  -> ldn.long_conv                  (§4.5)
//   y     = 2 · C̃ x + D ⊙ Û                           output projection (conjugate
//                                                     symmetry: 2·Re), D skip           (§4.3, §4.4)
//   g     = GELU(y),  a = g ⊙ σ(g Wg + bg)            activation_post = half_glu1      (§4.5 Layer)
//   U'    = U + a Wm + bm                             head mixer Linear(M->M), residual
//
// Sizes: H = M = 64 channels, N = 16 states, 4 heads (each H/h = 16 inputs,
// N/h = 4 states, M/h = 16 outputs). The SSM kernel spans L = T lags (2T
// bidirectional). B and T are dynamic.
// Run: build/bin/ldn-opt examples/ldnn_layer.mlir

#btd = affine_map<(b, t, d) -> (b, t, d)>
#bt  = affine_map<(b, t, d) -> (b, t)>
#d   = affine_map<(b, t, d) -> (d)>
#mm_x = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_w = affine_map<(b, m, n, k) -> (k, n)>
#mm_y = affine_map<(b, m, n, k) -> (b, m, n)>
// Block-diagonal (per-head) projection: out[b,t,h,o] = Σ_i in[b,t,h,i] W[h,i,o].
#hp_x = affine_map<(b, t, h, o, i) -> (b, t, h, i)>
#hp_w = affine_map<(b, t, h, o, i) -> (h, i, o)>
#hp_y = affine_map<(b, t, h, o, i) -> (b, t, h, o)>

func.func @ldnn_layer(
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
