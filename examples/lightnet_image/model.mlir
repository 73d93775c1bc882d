// LightNet image classifier ("You Only Scan Once", Qin et al., arXiv 2405.21022;
// models.md §2): a complete small vision network, 32x32x3 images -> 10 classes.
// B is dynamic; T = 1 + 8·8 = 65 is fixed by the MD-LRPE grid (ldn.lrpe).
//
// Sizes: D = 64, 4 heads of d = 16, GLU hidden 128, 2 blocks, patch 4x4 (48 values),
// about 95k weights (~380 KB f32).
//
// 1. Patch embedding (§2.6, DeiT/DiT recipe): the image [B,32,32,3] is cut into 4x4
//    patches on an 8x8 grid; patch (i,j) is flattened in (row p, column q, channel c)
//    order to a 48-vector and embedded linearly:
//      X0[b,i,j,:] = Σ_{p,q,c} image[b,4i+p,4j+q,c] · patch_w[(p·4+q)·3+c, :] + patch_b
//
// 2. MD-TPE (§2.5), applied once after the embedding, on the [B,8,8,D] grid:
//      X ← X + Σ_{a=1,2} TPE_a(X)
//    TPE_a mixes tokens along grid axis a only (the other axis is batch-like). Per
//    head j (channels 16j..16j+15), with learned q_a, k_a ∈ R^D, θ_a ∈ R^H:
//      c_j = q_j·k_j (dot over the head's 16 channels),  λ_j = σ(θ_a[j])
//    Direction: BIDIRECTIONAL (the [R] choice for non-causal vision),
//      y_t = c_j Σ_s λ_j^{|t−s|} x_s  =  fwd + bwd − diag, with
//      fwd_t = λ fwd_{t−1} + c x_t   (ldn.scan, per-channel decay λ, dim = a)
//      bwd_t = λ bwd_{t+1} + c x_t   (ldn.scan, reverse = true)
//      diag  = c x_t
//    TPE_a(X) = GroupRMSNorm(y) W_o,a   (4 groups = heads of 16, gain tpe*_g, eps 1e-5)
//
// 3. Class token: X ← [cls ; X.reshape(B,64,D)]   -> [B,65,D], token 0 = class,
//    tokens 1.. = patches in row-major grid order (the order ldn.lrpe assumes).
//
// 4. 2 LightNet blocks (§2.6), non-causal, LayerNorm, @lightnet_image_block
//    (one block function, called per layer):
//      X ← X + LNA(LN(X)),   X ← X + GLU(LN(X)),   GLU(x) = W3 (swish(x W1) ⊙ x W2)
//    LNA (§2.3): Q = SiLU(X Wq), K = X Wk, V = X Wv  [B,65,4,16]
//      K̃ = softmax over t of K per channel (ldn.additive_decay, causal = false: the
//          additive recurrence's global form, §2.2; its decay is all zeros)
//      Q̂, K̂ = MD-LRPE(Q), MD-LRPE(K̃)  on the 8x8 grid, prefix 1 (§2.4):
//          Θ(p) = concat(p_1 θ[h], p_2 θ[h])[:16], θ: [4, 8];  [x cos Θ, x sin Θ]
//      O = Q̂ (K̂ᵀ V)  (ldn.linear_attention, causal = false, scale 1: one reduction)
//      LNA(X) = RMSNorm(O ⊙ σ(X Wu1 Wu2)) Wo
//
// 5. Final LayerNorm on the class token, head: logits = LN(X[:,0]) head_w + head_b
//    -> [B,10] ("logits").

#btd = affine_map<(b, t, d) -> (b, t, d)>
#bt  = affine_map<(b, t, d) -> (b, t)>
#d   = affine_map<(b, t, d) -> (d)>
#mm_x = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_w = affine_map<(b, m, n, k) -> (k, n)>
#mm_y = affine_map<(b, m, n, k) -> (b, m, n)>
// patch embedding: loops (b, i, j, n, p, q, c)
#pe_x = affine_map<(b, i, j, n, p, q, c) -> (b, i, p, j, q, c)>
#pe_w = affine_map<(b, i, j, n, p, q, c) -> (p, q, c, n)>
#pe_y = affine_map<(b, i, j, n, p, q, c) -> (b, i, j, n)>
// [B,8,8,D] grid maps
#g4   = affine_map<(b, i, j, n) -> (b, i, j, n)>
#g4_n = affine_map<(b, i, j, n) -> (n)>
// [B,8,8,H,d] grouped maps
#g5   = affine_map<(b, i, j, h, e) -> (b, i, j, h, e)>
#g5_r = affine_map<(b, i, j, h, e) -> (b, i, j, h)>
#g5_g = affine_map<(b, i, j, h, e) -> (h, e)>
// [H,d] maps
#he   = affine_map<(h, e) -> (h, e)>
#he_h = affine_map<(h, e) -> (h)>
// [B,D] maps
#bd   = affine_map<(b, d) -> (b, d)>
#bd_b = affine_map<(b, d) -> (b)>
#bd_d = affine_map<(b, d) -> (d)>

//===----------------------------------------------------------------------===//
// MD-TPE helpers
//===----------------------------------------------------------------------===//

// Per-head scale c_j = q_j·k_j and decay λ_j = σ(θ_j), both broadcast to the
// head's 16 channels: [64] each.
func.func private @tpe_coefficients(%q: tensor<64xf32>, %k: tensor<64xf32>, %theta: tensor<4xf32>)
    -> (tensor<64xf32>, tensor<64xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %q2 = tensor.expand_shape %q [[0, 1]] output_shape [4, 16] : tensor<64xf32> into tensor<4x16xf32>
  %k2 = tensor.expand_shape %k [[0, 1]] output_shape [4, 16] : tensor<64xf32> into tensor<4x16xf32>
  %h_e = tensor.empty() : tensor<4xf32>
  %h_0 = linalg.fill ins(%zero : f32) outs(%h_e : tensor<4xf32>) -> tensor<4xf32>
  %qk = linalg.generic {indexing_maps = [#he, #he, #he_h],
                        iterator_types = ["parallel", "reduction"]}
      ins(%q2, %k2 : tensor<4x16xf32>, tensor<4x16xf32>) outs(%h_0 : tensor<4xf32>) {
  ^bb0(%a: f32, %bv: f32, %acc: f32):
    %m = arith.mulf %a, %bv : f32
    %r = arith.addf %m, %acc : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %he_e = tensor.empty() : tensor<4x16xf32>
  %c2, %l2 = linalg.generic {indexing_maps = [#he_h, #he_h, #he, #he],
                             iterator_types = ["parallel", "parallel"]}
      ins(%qk, %theta : tensor<4xf32>, tensor<4xf32>)
      outs(%he_e, %he_e : tensor<4x16xf32>, tensor<4x16xf32>) {
  ^bb0(%c: f32, %th: f32, %o1: f32, %o2: f32):
    %nt = arith.negf %th : f32
    %en = math.exp %nt : f32
    %den = arith.addf %en, %one : f32
    %lam = arith.divf %one, %den : f32          // σ(θ)
    linalg.yield %c, %lam : f32, f32
  } -> (tensor<4x16xf32>, tensor<4x16xf32>)
  %c64 = tensor.collapse_shape %c2 [[0, 1]] : tensor<4x16xf32> into tensor<64xf32>
  %l64 = tensor.collapse_shape %l2 [[0, 1]] : tensor<4x16xf32> into tensor<64xf32>
  return %c64, %l64 : tensor<64xf32>, tensor<64xf32>
}

// TPE output: GroupRMSNorm(y) W_o with 4 groups (heads) of 16 channels, on the
// token-major layout [B,64 tokens,64].
func.func private @tpe_output(%y: tensor<?x8x8x64xf32>, %g: tensor<64xf32>, %wo: tensor<64x64xf32>)
    -> tensor<?x64x64xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %inv_e = arith.constant 0.0625 : f32            // 1 / 16
  %eps = arith.constant 1.0e-5 : f32
  %b = tensor.dim %y, %c0 : tensor<?x8x8x64xf32>
  %y5 = tensor.expand_shape %y [[0], [1], [2], [3, 4]] output_shape [%b, 8, 8, 4, 16]
      : tensor<?x8x8x64xf32> into tensor<?x8x8x4x16xf32>
  %g2 = tensor.expand_shape %g [[0, 1]] output_shape [4, 16] : tensor<64xf32> into tensor<4x16xf32>
  %r_e = tensor.empty(%b) : tensor<?x8x8x4xf32>
  %r_0 = linalg.fill ins(%zero : f32) outs(%r_e : tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  %ss = linalg.generic {indexing_maps = [#g5, #g5_r],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%y5 : tensor<?x8x8x4x16xf32>) outs(%r_0 : tensor<?x8x8x4xf32>) {
  ^bb0(%yi: f32, %acc: f32):
    %y2 = arith.mulf %yi, %yi : f32
    %r = arith.addf %y2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x8x8x4xf32>
  %n_e = tensor.empty(%b) : tensor<?x8x8x4x16xf32>
  %yn = linalg.generic {indexing_maps = [#g5, #g5_r, #g5_g, #g5],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%y5, %ss, %g2 : tensor<?x8x8x4x16xf32>, tensor<?x8x8x4xf32>, tensor<4x16xf32>)
      outs(%n_e : tensor<?x8x8x4x16xf32>) {
  ^bb0(%yi: f32, %s: f32, %gi: f32, %out: f32):
    %m = arith.mulf %s, %inv_e : f32
    %me = arith.addf %m, %eps : f32
    %rs = math.rsqrt %me : f32
    %n = arith.mulf %yi, %rs : f32
    %r = arith.mulf %n, %gi : f32
    linalg.yield %r : f32
  } -> tensor<?x8x8x4x16xf32>
  %yt = tensor.collapse_shape %yn [[0], [1, 2], [3, 4]]
      : tensor<?x8x8x4x16xf32> into tensor<?x64x64xf32>
  %o_e = tensor.empty(%b) : tensor<?x64x64xf32>
  %o_0 = linalg.fill ins(%zero : f32) outs(%o_e : tensor<?x64x64xf32>) -> tensor<?x64x64xf32>
  %o = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%yt, %wo : tensor<?x64x64xf32>, tensor<64x64xf32>)
      outs(%o_0 : tensor<?x64x64xf32>) -> tensor<?x64x64xf32>
  return %o : tensor<?x64x64xf32>
}

//===----------------------------------------------------------------------===//
// LightNet block (non-causal, LayerNorm), T = 65 = class token + 8x8 patches
//===----------------------------------------------------------------------===//

func.func private @lightnet_image_block(
    %x: tensor<?x65x64xf32>,                                  // X  [B,T,D]
    %ln1_g: tensor<64xf32>, %ln1_b: tensor<64xf32>,           // LayerNorm before LNA
    %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>,
    %theta: tensor<4x8xf32>,                                  // MD-LRPE base frequencies [H,e]
    %wu1: tensor<64x4xf32>, %wu2: tensor<4x64xf32>,           // low-rank output gate
    %rms_g: tensor<64xf32>,                                   // RMSNorm gain on O
    %wo: tensor<64x64xf32>,
    %ln2_g: tensor<64xf32>, %ln2_b: tensor<64xf32>,           // LayerNorm before GLU
    %w1: tensor<64x128xf32>, %w2: tensor<64x128xf32>, %w3: tensor<128x64xf32>)
    -> tensor<?x65x64xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %inv_d = arith.constant 0.015625 : f32          // 1 / 64
  %eps = arith.constant 1.0e-5 : f32
  %b = tensor.dim %x, %c0 : tensor<?x65x64xf32>
  %act_e = tensor.empty(%b) : tensor<?x65x64xf32>
  %act_0 = linalg.fill ins(%zero : f32) outs(%act_e : tensor<?x65x64xf32>) -> tensor<?x65x64xf32>
  %row_e = tensor.empty(%b) : tensor<?x65xf32>
  %row_0 = linalg.fill ins(%zero : f32) outs(%row_e : tensor<?x65xf32>) -> tensor<?x65xf32>

  // ---- Xn = LayerNorm(X) --------------------------------------------------------
  %sum1 = linalg.generic {indexing_maps = [#btd, #bt],
                          iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<?x65x64xf32>) outs(%row_0 : tensor<?x65xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %r = arith.addf %xi, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x65xf32>
  %sq1 = linalg.generic {indexing_maps = [#btd, #bt, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %sum1 : tensor<?x65x64xf32>, tensor<?x65xf32>) outs(%row_0 : tensor<?x65xf32>) {
  ^bb0(%xi: f32, %s: f32, %acc: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %c = arith.subf %xi, %mu : f32
    %c2 = arith.mulf %c, %c : f32
    %r = arith.addf %c2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x65xf32>
  %xn = linalg.generic {indexing_maps = [#btd, #bt, #bt, #d, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %sum1, %sq1, %ln1_g, %ln1_b
          : tensor<?x65x64xf32>, tensor<?x65xf32>, tensor<?x65xf32>, tensor<64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x65x64xf32>) {
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
  } -> tensor<?x65x64xf32>

  // ---- Q = SiLU(Xn Wq), K = Xn Wk, V = Xn Wv, split to [B,65,4,16] -------------
  %qm = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wq : tensor<?x65x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x65x64xf32>) -> tensor<?x65x64xf32>
  %qs = linalg.generic {indexing_maps = [#btd, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%qm : tensor<?x65x64xf32>) outs(%act_e : tensor<?x65x64xf32>) {
  ^bb0(%xi: f32, %init: f32):
    // SiLU(x) = x / (1 + exp(-x))
    %nx = arith.negf %xi : f32
    %en = math.exp %nx : f32
    %den = arith.addf %en, %one : f32
    %r = arith.divf %xi, %den : f32
    linalg.yield %r : f32
  } -> tensor<?x65x64xf32>
  %km = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wk : tensor<?x65x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x65x64xf32>) -> tensor<?x65x64xf32>
  %vm = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wv : tensor<?x65x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x65x64xf32>) -> tensor<?x65x64xf32>
  %q = tensor.expand_shape %qs [[0], [1], [2, 3]] output_shape [%b, 65, 4, 16]
      : tensor<?x65x64xf32> into tensor<?x65x4x16xf32>
  %k = tensor.expand_shape %km [[0], [1], [2, 3]] output_shape [%b, 65, 4, 16]
      : tensor<?x65x64xf32> into tensor<?x65x4x16xf32>
  %v = tensor.expand_shape %vm [[0], [1], [2, 3]] output_shape [%b, 65, 4, 16]
      : tensor<?x65x64xf32> into tensor<?x65x4x16xf32>

  // ---- Additive decay, non-causal: K̃ = softmax over t of K (decay is all 0) ------
  %kn, %logl = ldn.additive_decay %k {causal = false}
      : tensor<?x65x4x16xf32> -> tensor<?x65x4x16xf32>, tensor<?x65x4x16xf32>

  // ---- MD-LRPE on the 8x8 grid, token 0 (class token) has no position -----------
  %qr = ldn.lrpe %q, %theta {grid = array<i64: 8, 8>, prefix = 1}
      : tensor<?x65x4x16xf32>, tensor<4x8xf32> -> tensor<?x65x4x32xf32>
  %kr = ldn.lrpe %kn, %theta {grid = array<i64: 8, 8>, prefix = 1}
      : tensor<?x65x4x16xf32>, tensor<4x8xf32> -> tensor<?x65x4x32xf32>

  // ---- Global linear attention O = Q̂ (K̂ᵀ V): one scan, no decay ---------------
  %o4, %kv = ldn.linear_attention %qr, %kr, %v {causal = false, scale = 1.0 : f32}
      : (tensor<?x65x4x32xf32>, tensor<?x65x4x32xf32>, tensor<?x65x4x16xf32>)
        -> (tensor<?x65x4x16xf32>, tensor<?x4x32x16xf32>)
  %o = tensor.collapse_shape %o4 [[0], [1], [2, 3]]
      : tensor<?x65x4x16xf32> into tensor<?x65x64xf32>

  // ---- Low-rank output gate: O ⊙ σ(Xn Wu1 Wu2) ------------------------------------
  %lr_e = tensor.empty(%b) : tensor<?x65x4xf32>
  %lr_0 = linalg.fill ins(%zero : f32) outs(%lr_e : tensor<?x65x4xf32>) -> tensor<?x65x4xf32>
  %u_lr = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %wu1 : tensor<?x65x64xf32>, tensor<64x4xf32>)
      outs(%lr_0 : tensor<?x65x4xf32>) -> tensor<?x65x4xf32>
  %u_gt = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u_lr, %wu2 : tensor<?x65x4xf32>, tensor<4x64xf32>)
      outs(%act_0 : tensor<?x65x64xf32>) -> tensor<?x65x64xf32>
  %og = linalg.generic {indexing_maps = [#btd, #btd, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%o, %u_gt : tensor<?x65x64xf32>, tensor<?x65x64xf32>) outs(%act_e : tensor<?x65x64xf32>) {
  ^bb0(%oi: f32, %gi: f32, %out: f32):
    %ng = arith.negf %gi : f32
    %en = math.exp %ng : f32
    %den = arith.addf %en, %one : f32
    %r = arith.divf %oi, %den : f32          // o · σ(g)
    linalg.yield %r : f32
  } -> tensor<?x65x64xf32>

  // ---- RMSNorm(O ⊙ gate) Wo, residual X1 = X + LNA(Xn) -----------------------------
  %ms = linalg.generic {indexing_maps = [#btd, #bt],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%og : tensor<?x65x64xf32>) outs(%row_0 : tensor<?x65xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %x2 = arith.mulf %xi, %xi : f32
    %r = arith.addf %x2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x65xf32>
  %on = linalg.generic {indexing_maps = [#btd, #bt, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%og, %ms, %rms_g : tensor<?x65x64xf32>, tensor<?x65xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x65x64xf32>) {
  ^bb0(%xi: f32, %ss: f32, %g: f32, %out: f32):
    %m = arith.mulf %ss, %inv_d : f32
    %me = arith.addf %m, %eps : f32
    %rs = math.rsqrt %me : f32
    %n = arith.mulf %xi, %rs : f32
    %r = arith.mulf %n, %g : f32
    linalg.yield %r : f32
  } -> tensor<?x65x64xf32>
  %lna = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%on, %wo : tensor<?x65x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x65x64xf32>) -> tensor<?x65x64xf32>
  %x1 = linalg.add ins(%x, %lna : tensor<?x65x64xf32>, tensor<?x65x64xf32>)
      outs(%act_e : tensor<?x65x64xf32>) -> tensor<?x65x64xf32>

  // ---- GLU channel mixer on LayerNorm(X1), residual ------------------------------
  %sum2 = linalg.generic {indexing_maps = [#btd, #bt],
                          iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x1 : tensor<?x65x64xf32>) outs(%row_0 : tensor<?x65xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %r = arith.addf %xi, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x65xf32>
  %sq2 = linalg.generic {indexing_maps = [#btd, #bt, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x1, %sum2 : tensor<?x65x64xf32>, tensor<?x65xf32>) outs(%row_0 : tensor<?x65xf32>) {
  ^bb0(%xi: f32, %s: f32, %acc: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %c = arith.subf %xi, %mu : f32
    %c2 = arith.mulf %c, %c : f32
    %r = arith.addf %c2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x65xf32>
  %x1n = linalg.generic {indexing_maps = [#btd, #bt, #bt, #d, #d, #btd],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x1, %sum2, %sq2, %ln2_g, %ln2_b
          : tensor<?x65x64xf32>, tensor<?x65xf32>, tensor<?x65xf32>, tensor<64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x65x64xf32>) {
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
  } -> tensor<?x65x64xf32>
  %hid_e = tensor.empty(%b) : tensor<?x65x128xf32>
  %hid_0 = linalg.fill ins(%zero : f32) outs(%hid_e : tensor<?x65x128xf32>) -> tensor<?x65x128xf32>
  %h1 = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x1n, %w1 : tensor<?x65x64xf32>, tensor<64x128xf32>)
      outs(%hid_0 : tensor<?x65x128xf32>) -> tensor<?x65x128xf32>
  %h2 = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x1n, %w2 : tensor<?x65x64xf32>, tensor<64x128xf32>)
      outs(%hid_0 : tensor<?x65x128xf32>) -> tensor<?x65x128xf32>
  %glu = linalg.generic {indexing_maps = [#btd, #btd, #btd],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%h1, %h2 : tensor<?x65x128xf32>, tensor<?x65x128xf32>) outs(%hid_e : tensor<?x65x128xf32>) {
  ^bb0(%a: f32, %bv: f32, %init: f32):
    // swish(a) ⊙ b
    %na = arith.negf %a : f32
    %en = math.exp %na : f32
    %den = arith.addf %en, %one : f32
    %sw = arith.divf %a, %den : f32
    %r = arith.mulf %sw, %bv : f32
    linalg.yield %r : f32
  } -> tensor<?x65x128xf32>
  %mix = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%glu, %w3 : tensor<?x65x128xf32>, tensor<128x64xf32>)
      outs(%act_0 : tensor<?x65x64xf32>) -> tensor<?x65x64xf32>
  %x2 = linalg.add ins(%x1, %mix : tensor<?x65x64xf32>, tensor<?x65x64xf32>)
      outs(%act_e : tensor<?x65x64xf32>) -> tensor<?x65x64xf32>
  return %x2 : tensor<?x65x64xf32>
}

//===----------------------------------------------------------------------===//
// The network
//===----------------------------------------------------------------------===//

func.func @lightnet_image(
    %image: tensor<?x32x32x3xf32>,                                   // [B,32,32,3]
    %patch_w: tensor<48x64xf32>, %patch_b: tensor<64xf32>,          // patch embedding
    // MD-TPE along grid axis 1 (rows) and axis 2 (columns)
    %tpe1_q: tensor<64xf32>, %tpe1_k: tensor<64xf32>, %tpe1_theta: tensor<4xf32>,
    %tpe1_g: tensor<64xf32>, %tpe1_wo: tensor<64x64xf32>,
    %tpe2_q: tensor<64xf32>, %tpe2_k: tensor<64xf32>, %tpe2_theta: tensor<4xf32>,
    %tpe2_g: tensor<64xf32>, %tpe2_wo: tensor<64x64xf32>,
    %cls: tensor<64xf32>,                                            // class token
    // block 0
    %l0_ln1_g: tensor<64xf32>, %l0_ln1_b: tensor<64xf32>,
    %l0_wq: tensor<64x64xf32>, %l0_wk: tensor<64x64xf32>, %l0_wv: tensor<64x64xf32>,
    %l0_theta: tensor<4x8xf32>,
    %l0_wu1: tensor<64x4xf32>, %l0_wu2: tensor<4x64xf32>,
    %l0_rms_g: tensor<64xf32>, %l0_wo: tensor<64x64xf32>,
    %l0_ln2_g: tensor<64xf32>, %l0_ln2_b: tensor<64xf32>,
    %l0_w1: tensor<64x128xf32>, %l0_w2: tensor<64x128xf32>, %l0_w3: tensor<128x64xf32>,
    // block 1
    %l1_ln1_g: tensor<64xf32>, %l1_ln1_b: tensor<64xf32>,
    %l1_wq: tensor<64x64xf32>, %l1_wk: tensor<64x64xf32>, %l1_wv: tensor<64x64xf32>,
    %l1_theta: tensor<4x8xf32>,
    %l1_wu1: tensor<64x4xf32>, %l1_wu2: tensor<4x64xf32>,
    %l1_rms_g: tensor<64xf32>, %l1_wo: tensor<64x64xf32>,
    %l1_ln2_g: tensor<64xf32>, %l1_ln2_b: tensor<64xf32>,
    %l1_w1: tensor<64x128xf32>, %l1_w2: tensor<64x128xf32>, %l1_w3: tensor<128x64xf32>,
    // final norm and classifier head
    %lnf_g: tensor<64xf32>, %lnf_b: tensor<64xf32>,
    %head_w: tensor<64x10xf32>, %head_b: tensor<10xf32>)
    -> (tensor<?x10xf32> {ldn.name = "logits"}) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %inv_d = arith.constant 0.015625 : f32          // 1 / 64
  %eps = arith.constant 1.0e-5 : f32
  %b = tensor.dim %image, %c0 : tensor<?x32x32x3xf32>

  // ---- 1. Patch embedding: X0 = patches(image) patch_w + patch_b -> [B,8,8,64] ------
  %img6 = tensor.expand_shape %image [[0], [1, 2], [3, 4], [5]] output_shape [%b, 8, 4, 8, 4, 3]
      : tensor<?x32x32x3xf32> into tensor<?x8x4x8x4x3xf32>
  %pw4 = tensor.expand_shape %patch_w [[0, 1, 2], [3]] output_shape [4, 4, 3, 64]
      : tensor<48x64xf32> into tensor<4x4x3x64xf32>
  %grid_e = tensor.empty(%b) : tensor<?x8x8x64xf32>
  %x_bias = linalg.generic {indexing_maps = [#g4_n, #g4],
                            iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%patch_b : tensor<64xf32>) outs(%grid_e : tensor<?x8x8x64xf32>) {
  ^bb0(%bi: f32, %out: f32):
    linalg.yield %bi : f32
  } -> tensor<?x8x8x64xf32>
  %x0 = linalg.generic {indexing_maps = [#pe_x, #pe_w, #pe_y],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                          "reduction", "reduction", "reduction"]}
      ins(%img6, %pw4 : tensor<?x8x4x8x4x3xf32>, tensor<4x4x3x64xf32>)
      outs(%x_bias : tensor<?x8x8x64xf32>) {
  ^bb0(%xi: f32, %wi: f32, %acc: f32):
    %m = arith.mulf %xi, %wi : f32
    %r = arith.addf %m, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x8x8x64xf32>

  // ---- 2. MD-TPE, bidirectional along each grid axis: y = fwd + bwd - c·x -----------
  // axis 1 (grid rows, tensor dim 1)
  %c1, %lam1 = func.call @tpe_coefficients(%tpe1_q, %tpe1_k, %tpe1_theta)
      : (tensor<64xf32>, tensor<64xf32>, tensor<4xf32>) -> (tensor<64xf32>, tensor<64xf32>)
  %bx1 = linalg.generic {indexing_maps = [#g4, #g4_n, #g4],
                         iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x0, %c1 : tensor<?x8x8x64xf32>, tensor<64xf32>) outs(%grid_e : tensor<?x8x8x64xf32>) {
  ^bb0(%xi: f32, %ci: f32, %out: f32):
    %r = arith.mulf %xi, %ci : f32
    linalg.yield %r : f32
  } -> tensor<?x8x8x64xf32>
  %f1, %f1_last = ldn.scan %lam1, %bx1 {dim = 1}
      : tensor<64xf32>, tensor<?x8x8x64xf32> -> tensor<?x8x8x64xf32>, tensor<?x8x64xf32>
  %r1, %r1_last = ldn.scan %lam1, %bx1 {dim = 1, reverse = true}
      : tensor<64xf32>, tensor<?x8x8x64xf32> -> tensor<?x8x8x64xf32>, tensor<?x8x64xf32>
  %y1 = linalg.generic {indexing_maps = [#g4, #g4, #g4, #g4],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%f1, %r1, %bx1 : tensor<?x8x8x64xf32>, tensor<?x8x8x64xf32>, tensor<?x8x8x64xf32>)
      outs(%grid_e : tensor<?x8x8x64xf32>) {
  ^bb0(%fi: f32, %ri: f32, %di: f32, %out: f32):
    %s = arith.addf %fi, %ri : f32
    %r = arith.subf %s, %di : f32
    linalg.yield %r : f32
  } -> tensor<?x8x8x64xf32>
  %tpe1 = func.call @tpe_output(%y1, %tpe1_g, %tpe1_wo)
      : (tensor<?x8x8x64xf32>, tensor<64xf32>, tensor<64x64xf32>) -> tensor<?x64x64xf32>
  // axis 2 (grid columns, tensor dim 2)
  %c2, %lam2 = func.call @tpe_coefficients(%tpe2_q, %tpe2_k, %tpe2_theta)
      : (tensor<64xf32>, tensor<64xf32>, tensor<4xf32>) -> (tensor<64xf32>, tensor<64xf32>)
  %bx2 = linalg.generic {indexing_maps = [#g4, #g4_n, #g4],
                         iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x0, %c2 : tensor<?x8x8x64xf32>, tensor<64xf32>) outs(%grid_e : tensor<?x8x8x64xf32>) {
  ^bb0(%xi: f32, %ci: f32, %out: f32):
    %r = arith.mulf %xi, %ci : f32
    linalg.yield %r : f32
  } -> tensor<?x8x8x64xf32>
  %f2, %f2_last = ldn.scan %lam2, %bx2 {dim = 2}
      : tensor<64xf32>, tensor<?x8x8x64xf32> -> tensor<?x8x8x64xf32>, tensor<?x8x64xf32>
  %r2, %r2_last = ldn.scan %lam2, %bx2 {dim = 2, reverse = true}
      : tensor<64xf32>, tensor<?x8x8x64xf32> -> tensor<?x8x8x64xf32>, tensor<?x8x64xf32>
  %y2 = linalg.generic {indexing_maps = [#g4, #g4, #g4, #g4],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%f2, %r2, %bx2 : tensor<?x8x8x64xf32>, tensor<?x8x8x64xf32>, tensor<?x8x8x64xf32>)
      outs(%grid_e : tensor<?x8x8x64xf32>) {
  ^bb0(%fi: f32, %ri: f32, %di: f32, %out: f32):
    %s = arith.addf %fi, %ri : f32
    %r = arith.subf %s, %di : f32
    linalg.yield %r : f32
  } -> tensor<?x8x8x64xf32>
  %tpe2 = func.call @tpe_output(%y2, %tpe2_g, %tpe2_wo)
      : (tensor<?x8x8x64xf32>, tensor<64xf32>, tensor<64x64xf32>) -> tensor<?x64x64xf32>
  // X ← X + TPE_1(X) + TPE_2(X), as 64 row-major patch tokens
  %x0t = tensor.collapse_shape %x0 [[0], [1, 2], [3]]
      : tensor<?x8x8x64xf32> into tensor<?x64x64xf32>
  %tok_e = tensor.empty(%b) : tensor<?x64x64xf32>
  %xp = linalg.generic {indexing_maps = [#btd, #btd, #btd, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x0t, %tpe1, %tpe2 : tensor<?x64x64xf32>, tensor<?x64x64xf32>, tensor<?x64x64xf32>)
      outs(%tok_e : tensor<?x64x64xf32>) {
  ^bb0(%xi: f32, %t1: f32, %t2: f32, %out: f32):
    %s = arith.addf %xi, %t1 : f32
    %r = arith.addf %s, %t2 : f32
    linalg.yield %r : f32
  } -> tensor<?x64x64xf32>

  // ---- 3. Prepend the class token -> [B,65,64] ---------------------------------------
  %cls_e = tensor.empty(%b) : tensor<?x1x64xf32>
  %clsb = linalg.generic {indexing_maps = [#d, #btd],
                          iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%cls : tensor<64xf32>) outs(%cls_e : tensor<?x1x64xf32>) {
  ^bb0(%ci: f32, %out: f32):
    linalg.yield %ci : f32
  } -> tensor<?x1x64xf32>
  %xs = tensor.concat dim(1) %clsb, %xp
      : (tensor<?x1x64xf32>, tensor<?x64x64xf32>) -> tensor<?x65x64xf32>

  // ---- 4. Two LightNet blocks -----------------------------------------------------------
  %h0 = func.call @lightnet_image_block(%xs,
      %l0_ln1_g, %l0_ln1_b, %l0_wq, %l0_wk, %l0_wv, %l0_theta, %l0_wu1, %l0_wu2,
      %l0_rms_g, %l0_wo, %l0_ln2_g, %l0_ln2_b, %l0_w1, %l0_w2, %l0_w3)
      : (tensor<?x65x64xf32>, tensor<64xf32>, tensor<64xf32>,
         tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<4x8xf32>,
         tensor<64x4xf32>, tensor<4x64xf32>, tensor<64xf32>, tensor<64x64xf32>,
         tensor<64xf32>, tensor<64xf32>,
         tensor<64x128xf32>, tensor<64x128xf32>, tensor<128x64xf32>) -> tensor<?x65x64xf32>
  %h1 = func.call @lightnet_image_block(%h0,
      %l1_ln1_g, %l1_ln1_b, %l1_wq, %l1_wk, %l1_wv, %l1_theta, %l1_wu1, %l1_wu2,
      %l1_rms_g, %l1_wo, %l1_ln2_g, %l1_ln2_b, %l1_w1, %l1_w2, %l1_w3)
      : (tensor<?x65x64xf32>, tensor<64xf32>, tensor<64xf32>,
         tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<4x8xf32>,
         tensor<64x4xf32>, tensor<4x64xf32>, tensor<64xf32>, tensor<64x64xf32>,
         tensor<64xf32>, tensor<64xf32>,
         tensor<64x128xf32>, tensor<64x128xf32>, tensor<128x64xf32>) -> tensor<?x65x64xf32>

  // ---- 5. Final LayerNorm on the class token, linear head -> [B,10] --------------------
  %xc = tensor.extract_slice %h1[0, 0, 0] [%b, 1, 64] [1, 1, 1]
      : tensor<?x65x64xf32> to tensor<?x64xf32>
  %row_e = tensor.empty(%b) : tensor<?xf32>
  %row_0 = linalg.fill ins(%zero : f32) outs(%row_e : tensor<?xf32>) -> tensor<?xf32>
  %sum = linalg.generic {indexing_maps = [#bd, #bd_b],
                         iterator_types = ["parallel", "reduction"]}
      ins(%xc : tensor<?x64xf32>) outs(%row_0 : tensor<?xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %r = arith.addf %xi, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %sq = linalg.generic {indexing_maps = [#bd, #bd_b, #bd_b],
                        iterator_types = ["parallel", "reduction"]}
      ins(%xc, %sum : tensor<?x64xf32>, tensor<?xf32>) outs(%row_0 : tensor<?xf32>) {
  ^bb0(%xi: f32, %s: f32, %acc: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %c = arith.subf %xi, %mu : f32
    %c2v = arith.mulf %c, %c : f32
    %r = arith.addf %c2v, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %cn_e = tensor.empty(%b) : tensor<?x64xf32>
  %cn = linalg.generic {indexing_maps = [#bd, #bd_b, #bd_b, #bd_d, #bd_d, #bd],
                        iterator_types = ["parallel", "parallel"]}
      ins(%xc, %sum, %sq, %lnf_g, %lnf_b
          : tensor<?x64xf32>, tensor<?xf32>, tensor<?xf32>, tensor<64xf32>, tensor<64xf32>)
      outs(%cn_e : tensor<?x64xf32>) {
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
  } -> tensor<?x64xf32>
  %lg_e = tensor.empty(%b) : tensor<?x10xf32>
  %lg_b = linalg.generic {indexing_maps = [#bd_d, #bd],
                          iterator_types = ["parallel", "parallel"]}
      ins(%head_b : tensor<10xf32>) outs(%lg_e : tensor<?x10xf32>) {
  ^bb0(%bi: f32, %out: f32):
    linalg.yield %bi : f32
  } -> tensor<?x10xf32>
  %logits = linalg.matmul ins(%cn, %head_w : tensor<?x64xf32>, tensor<64x10xf32>)
      outs(%lg_b : tensor<?x10xf32>) -> tensor<?x10xf32>
  return %logits : tensor<?x10xf32>
}
