// A small Mamba language model (Gu & Dao, arXiv 2312.00752): the selective
// state-space (S6) block of models.md §5, stacked twice in the pre-norm
// residual form of the Mamba LM, with a tied embedding / LM head.
//
//   X⁰        = E[tokens]                               token embedding, E: [256, 64]
//   per layer ℓ = 0, 1 (@mamba_block, models.md §5):
//     Xn      = RMSNorm(Xˡ) ⊙ g                         (mean of squares over 64, eps 1e-5)
//     [x, z]  = Xn W_in                                 in-projection, expand 2: 64 -> 2·128
//     x       = SiLU(causal_depthwise_conv4(x) + b_conv) short causal conv, width 4
//               -> ldn.long_conv with a [128, 4] kernel (kernel[j] multiplies x_{t-j})
//     [δ, B, C] = x W_x                                 δ: rank 4, B_t, C_t ∈ R^16      (§5)
//     Δ_t     = softplus(δ_t W_dt + b_dt)               (delta_softplus, dbias)         (§5)
//     A       = -exp(A_log)                             [128, 16]                       (§5)
//     h_t     = exp(Δ_t A) ⊙ h_{t-1} + (Δ_t B_t) x_t,  h_{-1} = 0, state [128, 16]      (§5)
//     y_t     = h_t C_t + D ⊙ x_t,  y = y ⊙ SiLU(z)     skip and gate                   (§5)
//               -> ldn.selective_scan ... skip %D gate %z dbias %b_dt {delta_softplus}
//     Xˡ⁺¹    = Xˡ + y W_out                            out-projection, residual
//   (Mamba has no separate channel MLP: the gated block is its MLP, §5.)
//   H         = RMSNorm(X²) ⊙ g_f                       final norm
//   logits    = H Eᵀ                                    LM head tied to the embedding -> [B,T,256]
//
// Sizes: vocab 256, d_model = 64, d_inner = 128, state N = 16, dt_rank = 4,
// conv width 4, 2 layers (about 82k f32 weights). B and T are dynamic.
// Entry @mamba_lm(tokens, embed, l0_*, l1_*, norm_f) -> "logits".
// Run: python3 examples/run.py mamba --target cpu

#btd = affine_map<(b, t, d) -> (b, t, d)>
#bt  = affine_map<(b, t, d) -> (b, t)>
#d   = affine_map<(b, t, d) -> (d)>
#mat = affine_map<(i, j) -> (i, j)>
#mm_x = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_w = affine_map<(b, m, n, k) -> (k, n)>
#mm_y = affine_map<(b, m, n, k) -> (b, m, n)>

func.func @mamba_lm(
    %tokens: tensor<?x?xi32>,                                 // [B,T] token ids in [0, 256)
    %embed: tensor<256x64xf32>,                               // E (also the LM head)
    %l0_norm_g: tensor<64xf32>, %l0_w_in: tensor<64x256xf32>,
    %l0_conv_w: tensor<128x4xf32>, %l0_conv_b: tensor<128xf32>,
    %l0_w_x: tensor<128x36xf32>, %l0_w_dt: tensor<4x128xf32>, %l0_b_dt: tensor<128xf32>,
    %l0_a_log: tensor<128x16xf32>, %l0_d_skip: tensor<128xf32>, %l0_w_out: tensor<128x64xf32>,
    %l1_norm_g: tensor<64xf32>, %l1_w_in: tensor<64x256xf32>,
    %l1_conv_w: tensor<128x4xf32>, %l1_conv_b: tensor<128xf32>,
    %l1_w_x: tensor<128x36xf32>, %l1_w_dt: tensor<4x128xf32>, %l1_b_dt: tensor<128xf32>,
    %l1_a_log: tensor<128x16xf32>, %l1_d_skip: tensor<128xf32>, %l1_w_out: tensor<128x64xf32>,
    %norm_f: tensor<64xf32>)                                  // final RMSNorm gain
    -> (tensor<?x?x256xf32> {ldn.name = "logits"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %inv_d = arith.constant 0.015625 : f32          // 1 / 64
  %eps = arith.constant 1.0e-5 : f32
  %b = tensor.dim %tokens, %c0 : tensor<?x?xi32>
  %t = tensor.dim %tokens, %c1 : tensor<?x?xi32>

  // ---- X⁰ = E[tokens] ------------------------------------------------------------------
  %x_e = tensor.empty(%b, %t) : tensor<?x?x64xf32>
  %x0 = linalg.generic {indexing_maps = [#bt, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%tokens : tensor<?x?xi32>) outs(%x_e : tensor<?x?x64xf32>) {
  ^bb0(%tok: i32, %init: f32):
    %row = arith.index_cast %tok : i32 to index
    %col = linalg.index 2 : index
    %v = tensor.extract %embed[%row, %col] : tensor<256x64xf32>
    linalg.yield %v : f32
  } -> tensor<?x?x64xf32>

  // ---- Two Mamba blocks ------------------------------------------------------------------
  %x1 = func.call @mamba_block(%x0, %l0_norm_g, %l0_w_in, %l0_conv_w, %l0_conv_b, %l0_w_x,
                               %l0_w_dt, %l0_b_dt, %l0_a_log, %l0_d_skip, %l0_w_out)
      : (tensor<?x?x64xf32>, tensor<64xf32>, tensor<64x256xf32>, tensor<128x4xf32>,
         tensor<128xf32>, tensor<128x36xf32>, tensor<4x128xf32>, tensor<128xf32>,
         tensor<128x16xf32>, tensor<128xf32>, tensor<128x64xf32>) -> tensor<?x?x64xf32>
  %x2 = func.call @mamba_block(%x1, %l1_norm_g, %l1_w_in, %l1_conv_w, %l1_conv_b, %l1_w_x,
                               %l1_w_dt, %l1_b_dt, %l1_a_log, %l1_d_skip, %l1_w_out)
      : (tensor<?x?x64xf32>, tensor<64xf32>, tensor<64x256xf32>, tensor<128x4xf32>,
         tensor<128xf32>, tensor<128x36xf32>, tensor<4x128xf32>, tensor<128xf32>,
         tensor<128x16xf32>, tensor<128xf32>, tensor<128x64xf32>) -> tensor<?x?x64xf32>

  // ---- H = RMSNorm(X²) ⊙ g_f -------------------------------------------------------------
  %row_e = tensor.empty(%b, %t) : tensor<?x?xf32>
  %row_0 = linalg.fill ins(%zero : f32) outs(%row_e : tensor<?x?xf32>) -> tensor<?x?xf32>
  %ms = linalg.generic {indexing_maps = [#btd, #bt],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x2 : tensor<?x?x64xf32>) outs(%row_0 : tensor<?x?xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %x2i = arith.mulf %xi, %xi : f32
    %r = arith.addf %x2i, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %hn = linalg.generic {indexing_maps = [#btd, #bt, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x2, %ms, %norm_f : tensor<?x?x64xf32>, tensor<?x?xf32>, tensor<64xf32>)
      outs(%x_e : tensor<?x?x64xf32>) {
  ^bb0(%xi: f32, %ss: f32, %g: f32, %init: f32):
    %m = arith.mulf %ss, %inv_d : f32
    %me = arith.addf %m, %eps : f32
    %rs = math.rsqrt %me : f32
    %n = arith.mulf %xi, %rs : f32
    %r = arith.mulf %n, %g : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- logits = H Eᵀ (tied head) ---------------------------------------------------------
  %lg_e = tensor.empty(%b, %t) : tensor<?x?x256xf32>
  %lg_0 = linalg.fill ins(%zero : f32) outs(%lg_e : tensor<?x?x256xf32>) -> tensor<?x?x256xf32>
  // (batch_matmul only accepts a [k, n] broadcast operand, so transpose E first.)
  %et_e = tensor.empty() : tensor<64x256xf32>
  %embed_t = linalg.transpose ins(%embed : tensor<256x64xf32>)
      outs(%et_e : tensor<64x256xf32>) permutation = [1, 0]
  %logits = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%hn, %embed_t : tensor<?x?x64xf32>, tensor<64x256xf32>)
      outs(%lg_0 : tensor<?x?x256xf32>) -> tensor<?x?x256xf32>
  return %logits : tensor<?x?x256xf32>
}

// One Mamba block (models.md §5); it
// returns only the residual stream (the final SSM state %h_last is unused).
func.func private @mamba_block(
    %x: tensor<?x?x64xf32>,                                   // X  [B,T,d_model]
    %norm_g: tensor<64xf32>,                                  // RMSNorm gain
    %w_in: tensor<64x256xf32>,                                // in_proj -> [x | z]
    %conv_w: tensor<128x4xf32>,                               // depthwise causal conv taps
    %conv_b: tensor<128xf32>,
    %w_x: tensor<128x36xf32>,                                 // x_proj -> [δ(4) | B(16) | C(16)]
    %w_dt: tensor<4x128xf32>, %b_dt: tensor<128xf32>,         // dt_proj
    %a_log: tensor<128x16xf32>,                               // A = -exp(A_log)
    %d_skip: tensor<128xf32>,                                 // D
    %w_out: tensor<128x64xf32>)                               // out_proj
    -> tensor<?x?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %inv_d = arith.constant 0.015625 : f32          // 1 / 64
  %eps = arith.constant 1.0e-5 : f32
  %b = tensor.dim %x, %c0 : tensor<?x?x64xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x64xf32>

  // ---- Xn = RMSNorm(X) ---------------------------------------------------------------
  %row_e = tensor.empty(%b, %t) : tensor<?x?xf32>
  %row_0 = linalg.fill ins(%zero : f32) outs(%row_e : tensor<?x?xf32>) -> tensor<?x?xf32>
  %ms = linalg.generic {indexing_maps = [#btd, #bt],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<?x?x64xf32>) outs(%row_0 : tensor<?x?xf32>) {
  ^bb0(%xi: f32, %acc: f32):
    %x2 = arith.mulf %xi, %xi : f32
    %r = arith.addf %x2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %m_e = tensor.empty(%b, %t) : tensor<?x?x64xf32>
  %xn = linalg.generic {indexing_maps = [#btd, #bt, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %ms, %norm_g : tensor<?x?x64xf32>, tensor<?x?xf32>, tensor<64xf32>)
      outs(%m_e : tensor<?x?x64xf32>) {
  ^bb0(%xi: f32, %ss: f32, %g: f32, %init: f32):
    %m = arith.mulf %ss, %inv_d : f32
    %me = arith.addf %m, %eps : f32
    %rs = math.rsqrt %me : f32
    %n = arith.mulf %xi, %rs : f32
    %r = arith.mulf %n, %g : f32
    linalg.yield %r : f32
  } -> tensor<?x?x64xf32>

  // ---- In-projection [x | z] = Xn W_in, split along the channels -------------------
  %xz_e = tensor.empty(%b, %t) : tensor<?x?x256xf32>
  %xz_0 = linalg.fill ins(%zero : f32) outs(%xz_e : tensor<?x?x256xf32>) -> tensor<?x?x256xf32>
  %xz = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xn, %w_in : tensor<?x?x64xf32>, tensor<64x256xf32>)
      outs(%xz_0 : tensor<?x?x256xf32>) -> tensor<?x?x256xf32>
  %xin = tensor.extract_slice %xz[0, 0, 0] [%b, %t, 128] [1, 1, 1]
      : tensor<?x?x256xf32> to tensor<?x?x128xf32>
  %z = tensor.extract_slice %xz[0, 0, 128] [%b, %t, 128] [1, 1, 1]
      : tensor<?x?x256xf32> to tensor<?x?x128xf32>

  // ---- Short causal depthwise conv (4 taps) + bias, then SiLU ------------------------
  %xc = ldn.long_conv %xin, %conv_w {strategy = #ldn.conv_strategy<direct>}
      : tensor<?x?x128xf32>, tensor<128x4xf32> -> tensor<?x?x128xf32>
  %in_e = tensor.empty(%b, %t) : tensor<?x?x128xf32>
  %in_0 = linalg.fill ins(%zero : f32) outs(%in_e : tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  %xs = linalg.generic {indexing_maps = [#btd, #d, #btd],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xc, %conv_b : tensor<?x?x128xf32>, tensor<128xf32>) outs(%in_e : tensor<?x?x128xf32>) {
  ^bb0(%xi: f32, %bias: f32, %init: f32):
    %y = arith.addf %xi, %bias : f32
    %ny = arith.negf %y : f32
    %en = math.exp %ny : f32
    %den = arith.addf %en, %one : f32
    %r = arith.divf %y, %den : f32          // SiLU(y) = y · σ(y)
    linalg.yield %r : f32
  } -> tensor<?x?x128xf32>

  // ---- Input-dependent parameters: [δ | B | C] = x W_x, Δ_raw = δ W_dt --------------
  %dbc_e = tensor.empty(%b, %t) : tensor<?x?x36xf32>
  %dbc_0 = linalg.fill ins(%zero : f32) outs(%dbc_e : tensor<?x?x36xf32>) -> tensor<?x?x36xf32>
  %dbc = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xs, %w_x : tensor<?x?x128xf32>, tensor<128x36xf32>)
      outs(%dbc_0 : tensor<?x?x36xf32>) -> tensor<?x?x36xf32>
  %dlow = tensor.extract_slice %dbc[0, 0, 0] [%b, %t, 4] [1, 1, 1]
      : tensor<?x?x36xf32> to tensor<?x?x4xf32>
  %bm = tensor.extract_slice %dbc[0, 0, 4] [%b, %t, 16] [1, 1, 1]
      : tensor<?x?x36xf32> to tensor<?x?x16xf32>
  %cm = tensor.extract_slice %dbc[0, 0, 20] [%b, %t, 16] [1, 1, 1]
      : tensor<?x?x36xf32> to tensor<?x?x16xf32>
  // dt_proj without its bias: the bias b_dt is the scan's dbias, and the
  // softplus is the scan's delta_softplus.
  %delta = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%dlow, %w_dt : tensor<?x?x4xf32>, tensor<4x128xf32>)
      outs(%in_0 : tensor<?x?x128xf32>) -> tensor<?x?x128xf32>

  // ---- A = -exp(A_log) ------------------------------------------------------------------
  %a_e = tensor.empty() : tensor<128x16xf32>
  %a = linalg.generic {indexing_maps = [#mat, #mat], iterator_types = ["parallel", "parallel"]}
      ins(%a_log : tensor<128x16xf32>) outs(%a_e : tensor<128x16xf32>) {
  ^bb0(%l: f32, %init: f32):
    %e = math.exp %l : f32
    %r = arith.negf %e : f32
    linalg.yield %r : f32
  } -> tensor<128x16xf32>

  // ---- Selective scan (S6) with D skip and SiLU(z) gate ------------------------------
  %y, %h_last = ldn.selective_scan %xs, %delta, %a, %bm, %cm skip %d_skip gate %z dbias %b_dt
      {delta_softplus = true}
      : (tensor<?x?x128xf32>, tensor<?x?x128xf32>, tensor<128x16xf32>, tensor<?x?x16xf32>,
         tensor<?x?x16xf32>, tensor<128xf32>, tensor<?x?x128xf32>, tensor<128xf32>)
        -> (tensor<?x?x128xf32>, tensor<?x128x16xf32>)

  // ---- Out-projection and residual -------------------------------------------------------
  %out_0 = linalg.fill ins(%zero : f32) outs(%m_e : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %yo = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%y, %w_out : tensor<?x?x128xf32>, tensor<128x64xf32>)
      outs(%out_0 : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %res = linalg.add ins(%x, %yo : tensor<?x?x64xf32>, tensor<?x?x64xf32>)
      outs(%m_e : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  return %res : tensor<?x?x64xf32>
}
