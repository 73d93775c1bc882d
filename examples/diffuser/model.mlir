// Diffuser text classifier (Feng et al., AAAI 2023, arXiv 2210.11794; models.md §3):
// token embedding + sinusoidal positions, 2 post-LN Diffuser layers whose
// attention is multi-hop (PPR) attention diffusion over a sparse graph, and a
// linear head on token 0 (a global token of the pattern, like CLS).
//
// Embedding (T stays dynamic: the positions are computed, not looked up):
//   X0[b,t]  = LN_emb(E[tok[b,t]] + P[t])                 E: [256, 64]
//   P[t,2i]  = sin(t·ω_i), P[t,2i+1] = cos(t·ω_i), ω_i = 10000^(-2i/64)
// Per layer l = 0, 1 (@diffuser_block):
//   Q, K, V = X Wq + bq, X Wk + bk, X Wv + bv, split into 4 heads      (§3.3)
//   A_ts    = softmax_{s ∈ N(t)} (q_t · k_s) / √d   on the sparse graph  (§3.2, §3.3)
//   Z⁰ = V,  Z^{k+1} = (1 - α) A Z^k + α V,  K = 5 hops, α = 0.1        (§3.3, PPR recursion)
//             -> ldn.attention_diffuse {mode = ppr, hops = 5, alpha = 0.1}
//   Y1      = LayerNorm(X + concat_heads(Z^5) Wo + bo)                   (post-LN)
//   X      <- LayerNorm(Y1 + W2 · GELU(W1 Y1 + b1) + b2)                 (FFN, post-LN)
// Head (the post-LN layers already end in a LayerNorm, so no extra final norm):
//   logits[b] = X[b, 0] Wh + bh                                           [B, 10]
//
// Graph (#ldn.pattern, models.md §3.2, docs/ops.md §2): overlapping local
// blocks of window 16 with stride 8, global tokens 0 and 5 (globals >= T are
// ignored by the op, so token 0, read by the head, is global at every T >= 1),
// 2 random keys per query with seed 7, plus self edges. `lengths` (per-row
// valid tokens, in [1, T]) drops padded keys and zeroes padded query rows of
// the diffusion output; padded rows never reach token 0.
//
// Sizes: D = 64, 4 heads of d = 16, FFN hidden 128, vocab 256, 10 classes,
// 2 layers, 84k weights (336 kB); B and T dynamic.
// Run: python3 examples/run.py diffuser --target cpu

#btd = affine_map<(b, t, d) -> (b, t, d)>
#bt  = affine_map<(b, t, d) -> (b, t)>
#d   = affine_map<(b, t, d) -> (d)>
#mm_x = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_w = affine_map<(b, m, n, k) -> (k, n)>
#mm_y = affine_map<(b, m, n, k) -> (b, m, n)>
#bc  = affine_map<(b, c) -> (b, c)>
#c   = affine_map<(b, c) -> (c)>

// One post-LN Diffuser layer. Globals [0, 5]: token 0, which the head reads,
// is global at every T >= 1 (indices >= T are ignored).
func.func private @diffuser_block(
    %x: tensor<?x?x64xf32>,                                    // X  [B,T,D]
    %lengths: tensor<?xi32>,                                   // valid tokens per row [B]
    %wq: tensor<64x64xf32>, %bq: tensor<64xf32>,
    %wk: tensor<64x64xf32>, %bk: tensor<64xf32>,
    %wv: tensor<64x64xf32>, %bv: tensor<64xf32>,
    %wo: tensor<64x64xf32>, %bo: tensor<64xf32>,
    %ln1_g: tensor<64xf32>, %ln1_b: tensor<64xf32>,
    %w1: tensor<64x128xf32>, %b1: tensor<128xf32>,
    %w2: tensor<128x64xf32>, %b2: tensor<64xf32>,
    %ln2_g: tensor<64xf32>, %ln2_b: tensor<64xf32>)
    -> tensor<?x?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %half = arith.constant 0.5 : f32
  %inv_d = arith.constant 0.015625 : f32          // 1 / 64
  %eps = arith.constant 1.0e-5 : f32
  %rsqrt2 = arith.constant 0.707106781 : f32
  %b = tensor.dim %x, %c0 : tensor<?x?x64xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x64xf32>
  %act_e = tensor.empty(%b, %t) : tensor<?x?x64xf32>
  %act_0 = linalg.fill ins(%zero : f32) outs(%act_e : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %row_e = tensor.empty(%b, %t) : tensor<?x?xf32>
  %row_0 = linalg.fill ins(%zero : f32) outs(%row_e : tensor<?x?xf32>) -> tensor<?x?xf32>

  // ---- Q, K, V projections with bias, split into heads [B,T,4,16] ---------
  %qm = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x, %wq : tensor<?x?x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %km = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x, %wk : tensor<?x?x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %vm = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x, %wv : tensor<?x?x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %q2, %k2, %v2 = linalg.generic {indexing_maps = [#btd, #btd, #btd, #d, #d, #d, #btd, #btd, #btd],
                                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%qm, %km, %vm, %bq, %bk, %bv
          : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>,
            tensor<64xf32>, tensor<64xf32>, tensor<64xf32>)
      outs(%act_e, %act_e, %act_e : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  ^bb0(%a: f32, %bb: f32, %c: f32, %ba: f32, %bbb: f32, %bc: f32, %o1: f32, %o2: f32, %o3: f32):
    %ra = arith.addf %a, %ba : f32
    %rb = arith.addf %bb, %bbb : f32
    %rc = arith.addf %c, %bc : f32
    linalg.yield %ra, %rb, %rc : f32, f32, f32
  } -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>)
  %q = tensor.expand_shape %q2 [[0], [1], [2, 3]] output_shape [%b, %t, 4, 16]
      : tensor<?x?x64xf32> into tensor<?x?x4x16xf32>
  %k = tensor.expand_shape %k2 [[0], [1], [2, 3]] output_shape [%b, %t, 4, 16]
      : tensor<?x?x64xf32> into tensor<?x?x4x16xf32>
  %v = tensor.expand_shape %v2 [[0], [1], [2, 3]] output_shape [%b, %t, 4, 16]
      : tensor<?x?x64xf32> into tensor<?x?x4x16xf32>

  // ---- Sparse attention + 5-hop PPR diffusion ---------------------------------
  // Padded keys (s >= lengths[b]) get no edges; padded outputs are 0.
  %z4 = ldn.attention_diffuse %q, %k, %v lengths %lengths
      {pattern = #ldn.pattern<window = 16, stride = 8, globals = [0, 5], random = 2, seed = 7>,
       hops = 5, alpha = 0.1 : f32, mode = #ldn.diffusion_mode<ppr>}
      : tensor<?x?x4x16xf32>, tensor<?x?x4x16xf32>, tensor<?x?x4x16xf32>, tensor<?xi32>
        -> tensor<?x?x4x16xf32>
  %z = tensor.collapse_shape %z4 [[0], [1], [2, 3]]
      : tensor<?x?x4x16xf32> into tensor<?x?x64xf32>

  // ---- Output projection and residual: R1 = X + Z Wo + bo ----------------------
  %zo = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%z, %wo : tensor<?x?x64xf32>, tensor<64x64xf32>)
      outs(%act_0 : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %r1 = linalg.generic {indexing_maps = [#btd, #btd, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %zo, %bo : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x?x64xf32>) {
  ^bb0(%xi: f32, %p: f32, %bias: f32, %init: f32):
    %pb = arith.addf %p, %bias : f32
    %r = arith.addf %xi, %pb : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- Y1 = LayerNorm(R1) (post-LN) ----------------------------------------------
  %sum1 = linalg.generic {indexing_maps = [#btd, #bt],
                          iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%r1 : tensor<?x?x64xf32>) outs(%row_0 : tensor<?x?xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %r = arith.addf %xi, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %sq1 = linalg.generic {indexing_maps = [#btd, #bt, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%r1, %sum1 : tensor<?x?x64xf32>, tensor<?x?xf32>) outs(%row_0 : tensor<?x?xf32>) {
  ^bb0(%xi: f32, %s: f32, %acc: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %c = arith.subf %xi, %mu : f32
    %c2 = arith.mulf %c, %c : f32
    %r = arith.addf %c2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %y1 = linalg.generic {indexing_maps = [#btd, #bt, #bt, #d, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r1, %sum1, %sq1, %ln1_g, %ln1_b
          : tensor<?x?x64xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x?x64xf32>) {
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
  } -> tensor<?x?x64xf32>

  // ---- FFN: W2 · GELU(W1 Y1 + b1) + b2, residual R2 = Y1 + FFN(Y1) -------------
  %hid_e = tensor.empty(%b, %t) : tensor<?x?x128xf32>
  %hid_0 = linalg.fill ins(%zero : f32) outs(%hid_e : tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  %u1 = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%y1, %w1 : tensor<?x?x64xf32>, tensor<64x128xf32>)
      outs(%hid_0 : tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  %g1 = linalg.generic {indexing_maps = [#btd, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%u1, %b1 : tensor<?x?x128xf32>, tensor<128xf32>) outs(%hid_e : tensor<?x?x128xf32>) {
  ^bb0(%xi: f32, %bias: f32, %init: f32):
    // GELU(x) = 0.5 x (1 + erf(x / √2))
    %y = arith.addf %xi, %bias : f32
    %ys = arith.mulf %y, %rsqrt2 : f32
    %er = math.erf %ys : f32
    %op = arith.addf %er, %one : f32
    %hy = arith.mulf %y, %half : f32
    %r = arith.mulf %hy, %op : f32
    linalg.yield %r : f32
  } -> tensor<?x?x128xf32>
  %u2 = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%g1, %w2 : tensor<?x?x128xf32>, tensor<128x64xf32>)
      outs(%act_0 : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %r2 = linalg.generic {indexing_maps = [#btd, #btd, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y1, %u2, %b2 : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x?x64xf32>) {
  ^bb0(%xi: f32, %p: f32, %bias: f32, %init: f32):
    %pb = arith.addf %p, %bias : f32
    %r = arith.addf %xi, %pb : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- Y = LayerNorm(R2) (post-LN) ------------------------------------------------
  %sum2 = linalg.generic {indexing_maps = [#btd, #bt],
                          iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%r2 : tensor<?x?x64xf32>) outs(%row_0 : tensor<?x?xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %r = arith.addf %xi, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %sq2 = linalg.generic {indexing_maps = [#btd, #bt, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%r2, %sum2 : tensor<?x?x64xf32>, tensor<?x?xf32>) outs(%row_0 : tensor<?x?xf32>) {
  ^bb0(%xi: f32, %s: f32, %acc: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %c = arith.subf %xi, %mu : f32
    %c2 = arith.mulf %c, %c : f32
    %r = arith.addf %c2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %y = linalg.generic {indexing_maps = [#btd, #bt, #bt, #d, #d, #btd],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r2, %sum2, %sq2, %ln2_g, %ln2_b
          : tensor<?x?x64xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x?x64xf32>) {
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
  } -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

func.func @diffuser_classifier(
    %tokens: tensor<?x?xi32>,                                  // token ids [B,T], in [0, 256)
    %lengths: tensor<?xi32>,                                   // valid tokens per row [B], in [1, T]
    %emb: tensor<256x64xf32>,
    %emb_ln_g: tensor<64xf32>, %emb_ln_b: tensor<64xf32>,
    %l0_wq: tensor<64x64xf32>, %l0_bq: tensor<64xf32>,
    %l0_wk: tensor<64x64xf32>, %l0_bk: tensor<64xf32>,
    %l0_wv: tensor<64x64xf32>, %l0_bv: tensor<64xf32>,
    %l0_wo: tensor<64x64xf32>, %l0_bo: tensor<64xf32>,
    %l0_ln1_g: tensor<64xf32>, %l0_ln1_b: tensor<64xf32>,
    %l0_w1: tensor<64x128xf32>, %l0_b1: tensor<128xf32>,
    %l0_w2: tensor<128x64xf32>, %l0_b2: tensor<64xf32>,
    %l0_ln2_g: tensor<64xf32>, %l0_ln2_b: tensor<64xf32>,
    %l1_wq: tensor<64x64xf32>, %l1_bq: tensor<64xf32>,
    %l1_wk: tensor<64x64xf32>, %l1_bk: tensor<64xf32>,
    %l1_wv: tensor<64x64xf32>, %l1_bv: tensor<64xf32>,
    %l1_wo: tensor<64x64xf32>, %l1_bo: tensor<64xf32>,
    %l1_ln1_g: tensor<64xf32>, %l1_ln1_b: tensor<64xf32>,
    %l1_w1: tensor<64x128xf32>, %l1_b1: tensor<128xf32>,
    %l1_w2: tensor<128x64xf32>, %l1_b2: tensor<64xf32>,
    %l1_ln2_g: tensor<64xf32>, %l1_ln2_b: tensor<64xf32>,
    %head_w: tensor<64x10xf32>, %head_b: tensor<10xf32>)
    -> (tensor<?x10xf32> {ldn.name = "logits"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %inv_d = arith.constant 0.015625 : f32          // 1 / 64
  %eps = arith.constant 1.0e-5 : f32
  %neg_lnw = arith.constant -0.287823136624 : f32 // -2 ln(10000) / 64
  %b = tensor.dim %tokens, %c0 : tensor<?x?xi32>
  %t = tensor.dim %tokens, %c1 : tensor<?x?xi32>
  %act_e = tensor.empty(%b, %t) : tensor<?x?x64xf32>
  %row_e = tensor.empty(%b, %t) : tensor<?x?xf32>
  %row_0 = linalg.fill ins(%zero : f32) outs(%row_e : tensor<?x?xf32>) -> tensor<?x?xf32>

  // ---- E[tok] + P[t]: gather the embedding row, add the sinusoid of t -------
  %x_in = linalg.generic {indexing_maps = [#bt, #btd],
                          iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%tokens : tensor<?x?xi32>) outs(%act_e : tensor<?x?x64xf32>) {
  ^bb0(%tok: i32, %init: f32):
    %ti = linalg.index 1 : index
    %di = linalg.index 2 : index
    %row = arith.index_cast %tok : i32 to index
    %e = tensor.extract %emb[%row, %di] : tensor<256x64xf32>
    %pair = arith.divui %di, %c2 : index                 // i = d / 2
    %odd = arith.remui %di, %c2 : index
    %pair_i = arith.index_cast %pair : index to i64
    %pair_f = arith.sitofp %pair_i : i64 to f32
    %t_i = arith.index_cast %ti : index to i64
    %t_f = arith.sitofp %t_i : i64 to f32
    %lw = arith.mulf %pair_f, %neg_lnw : f32
    %w = math.exp %lw : f32                              // ω_i = 10000^(-2i/64)
    %ang = arith.mulf %t_f, %w : f32
    %sn = math.sin %ang : f32
    %cs = math.cos %ang : f32
    %is_even = arith.cmpi eq, %odd, %c0 : index
    %pe = arith.select %is_even, %sn, %cs : f32
    %r = arith.addf %e, %pe : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- X0 = LayerNorm_emb(E[tok] + P) -----------------------------------------
  %sum0 = linalg.generic {indexing_maps = [#btd, #bt],
                          iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x_in : tensor<?x?x64xf32>) outs(%row_0 : tensor<?x?xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %r = arith.addf %xi, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %sq0 = linalg.generic {indexing_maps = [#btd, #bt, #bt],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x_in, %sum0 : tensor<?x?x64xf32>, tensor<?x?xf32>) outs(%row_0 : tensor<?x?xf32>) {
  ^bb0(%xi: f32, %s: f32, %acc: f32):
    %mu = arith.mulf %s, %inv_d : f32
    %c = arith.subf %xi, %mu : f32
    %c2v = arith.mulf %c, %c : f32
    %r = arith.addf %c2v, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %x0 = linalg.generic {indexing_maps = [#btd, #bt, #bt, #d, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x_in, %sum0, %sq0, %emb_ln_g, %emb_ln_b
          : tensor<?x?x64xf32>, tensor<?x?xf32>, tensor<?x?xf32>, tensor<64xf32>, tensor<64xf32>)
      outs(%act_e : tensor<?x?x64xf32>) {
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
  } -> tensor<?x?x64xf32>

  // ---- 2 post-LN Diffuser layers ----------------------------------------------
  %x1 = func.call @diffuser_block(%x0, %lengths, %l0_wq, %l0_bq, %l0_wk, %l0_bk, %l0_wv, %l0_bv, %l0_wo, %l0_bo, %l0_ln1_g, %l0_ln1_b, %l0_w1, %l0_b1, %l0_w2, %l0_b2, %l0_ln2_g, %l0_ln2_b)
      : (tensor<?x?x64xf32>, tensor<?xi32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64x128xf32>, tensor<128xf32>, tensor<128x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>)
      -> tensor<?x?x64xf32>
  %x2 = func.call @diffuser_block(%x1, %lengths, %l1_wq, %l1_bq, %l1_wk, %l1_bk, %l1_wv, %l1_bv, %l1_wo, %l1_bo, %l1_ln1_g, %l1_ln1_b, %l1_w1, %l1_b1, %l1_w2, %l1_b2, %l1_ln2_g, %l1_ln2_b)
      : (tensor<?x?x64xf32>, tensor<?xi32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64x128xf32>, tensor<128xf32>, tensor<128x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>)
      -> tensor<?x?x64xf32>

  // ---- Head on token 0: logits = X2[:, 0] Wh + bh -------------------------------
  %cls = tensor.extract_slice %x2[0, 0, 0] [%b, 1, 64] [1, 1, 1]
      : tensor<?x?x64xf32> to tensor<?x64xf32>
  %lg_e = tensor.empty(%b) : tensor<?x10xf32>
  %lg_0 = linalg.fill ins(%zero : f32) outs(%lg_e : tensor<?x10xf32>) -> tensor<?x10xf32>
  %lg = linalg.matmul ins(%cls, %head_w : tensor<?x64xf32>, tensor<64x10xf32>)
      outs(%lg_0 : tensor<?x10xf32>) -> tensor<?x10xf32>
  %logits = linalg.generic {indexing_maps = [#bc, #c, #bc],
                            iterator_types = ["parallel", "parallel"]}
      ins(%lg, %head_b : tensor<?x10xf32>, tensor<10xf32>) outs(%lg_e : tensor<?x10xf32>) {
  ^bb0(%p: f32, %bias: f32, %init: f32):
    %r = arith.addf %p, %bias : f32
    linalg.yield %r : f32
  } -> tensor<?x10xf32>
  return %logits : tensor<?x10xf32>
}
