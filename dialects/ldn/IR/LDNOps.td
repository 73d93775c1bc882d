//===- LDNOps.td - ldn op definitions ------------------------*- tablegen -*-===//
//
// The sequence-mixing ops. Their normative semantics are ops.md; each
// description here restates the contract a user needs to write the op.
// Static shape invariants are checked in LDNOps.cpp (one verifier per op).
//
//===----------------------------------------------------------------------===//

#ifndef LDN_OPS_TD
#define LDN_OPS_TD

include "ldn/IR/LDNDialect.td"
include "ldn/IR/LDNAttrs.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

defvar LDN_FloatTypes = [F32, F16, BF16];
def LDN_Tensor : RankedTensorOf<LDN_FloatTypes>;
def LDN_Tensor0D : 0DTensorOf<LDN_FloatTypes>;
def LDN_Tensor1D : 1DTensorOf<LDN_FloatTypes>;
def LDN_Tensor2D : 2DTensorOf<LDN_FloatTypes>;
def LDN_Tensor3D : 3DTensorOf<LDN_FloatTypes>;
def LDN_Tensor4D : 4DTensorOf<LDN_FloatTypes>;
def LDN_Tensor1Dor3D : TensorRankOf<LDN_FloatTypes, [1, 3]>;
def LDN_Tensor3Dor4D : TensorRankOf<LDN_FloatTypes, [3, 4]>;
def LDN_F32Tensor1D : 1DTensorOf<[F32]>;
def LDN_F32Tensor2D : 2DTensorOf<[F32]>;
def LDN_F32Tensor3D : 3DTensorOf<[F32]>;
def LDN_F32Tensor4D : 4DTensorOf<[F32]>;
def LDN_I32Tensor1D : 1DTensorOf<[I32]>;

// Ops whose result types follow from their operands: the types are inferred
// (so builders need none) and shape-compatible declared types are accepted.
class LDN_InferredOp<string mnemonic, list<Trait> traits = []>
    : LDN_Op<mnemonic, !listconcat(traits, [Pure,
        InferTypeOpAdaptorWithIsCompatible,
        DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>])> {
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ldn.diffuse
//===----------------------------------------------------------------------===//

def LDN_DiffuseOp : LDN_InferredOp<"diffuse"> {
  let summary = "Linear diffusion along the sequence (LDN's primary kernel)";
  let description = [{
    Applies `steps` explicit-Euler steps of graph diffusion on the path graph
    of the sequence, per channel:

    ```
    x <- x + dt * alpha ⊙ (K x)
    (K x)_t = Σ_{r=1..R} w_r * ( [t-r >= 0] (x_{t-r} - x_t)
                               + [!causal][t+r < T] (x_{t+r} - x_t) )
    ```

    Operands: `x: [B,T,D]`; `w: [R]` non-negative weights of offsets 1..R;
    `alpha: [D]` per-channel or `[B,T,D]` data-dependent coefficients; an
    optional 0-d tensor `dt` that takes precedence over the `dt` attribute
    (default 1.0). Edges leaving the sequence do not exist, so every row of
    `K` sums to zero: constants are fixed points and with `causal = false`
    the sum over `t` is conserved.

    Example:

    ```mlir
    %y = ldn.diffuse %x, %w, %alpha {steps = 4, dt = 0.1 : f32}
         : tensor<?x?x256xf32>, tensor<8xf32>, tensor<256xf32> -> tensor<?x?x256xf32>
    %y2 = ldn.diffuse %x, %w, %alpha_t dt %dt
         : tensor<?x?x256xf32>, tensor<8xf32>, tensor<?x?x256xf32>, tensor<f32> -> tensor<?x?x256xf32>
    ```
  }];
  let arguments = (ins
    LDN_Tensor3D:$x,
    LDN_Tensor1D:$w,
    LDN_Tensor1Dor3D:$alpha,
    Optional<LDN_Tensor0D>:$dt_value,
    DefaultValuedAttr<I64Attr, "1">:$steps,
    DefaultValuedAttr<F32Attr, "1.0f">:$dt,
    DefaultValuedAttr<BoolAttr, "false">:$causal);
  let results = (outs LDN_Tensor3D:$y);
  let assemblyFormat = [{
    $x `,` $w `,` $alpha (`dt` $dt_value^)? attr-dict `:` type($x) `,` type($w)
    `,` type($alpha) (`,` type($dt_value)^)? `->` type($y)
  }];
}

//===----------------------------------------------------------------------===//
// ldn.attention_diffuse
//===----------------------------------------------------------------------===//

def LDN_AttentionDiffuseOp : LDN_InferredOp<"attention_diffuse"> {
  let summary = "Multi-hop attention diffusion over a sparse pattern (Diffuser, LDN A_diff)";
  let description = [{
    Softmax attention restricted to the edges of `pattern` (see
    `#ldn.pattern`), `A_ts = softmax_{s in N(t)} (q_t · k_s) * scale`, then
    diffused over `hops = K` hops:

    - `mode = ppr` (default): `Z0 = V; Z_{k+1} = (1 - alpha) A Z_k + alpha V`;
      the result is `Z_K` (truncated, not the converged PageRank);
    - `mode = laplacian`: `(A - I) V`, LDN's attention Laplacian (`hops = 1`);
    - `mode = coeffs`: `Σ_k coeffs[k] A^k V` with `hops + 1` coefficients.

    Operands: `q, k: [B,T,H,d]`, `v: [B,T,H,e]`, optional `lengths: [B]`
    (i32, valid tokens per row: padded keys get no edges, padded outputs are
    0). `scale` defaults to `1/sqrt(d)`. Result: `[B,T,H,e]`. No lowering
    stores a `T x T` matrix unless the pattern is dense.

    Example:

    ```mlir
    %z = ldn.attention_diffuse %q, %k, %v
           {pattern = #ldn.pattern<window = 64, stride = 32, globals = [0, 512],
                                   random = 3, seed = 7>,
            hops = 5, alpha = 0.1 : f32, mode = #ldn.diffusion_mode<ppr>}
         : tensor<?x?x4x64xf32>, tensor<?x?x4x64xf32>, tensor<?x?x4x64xf32>
           -> tensor<?x?x4x64xf32>
    ```
  }];
  let arguments = (ins
    LDN_Tensor4D:$q,
    LDN_Tensor4D:$k,
    LDN_Tensor4D:$v,
    Optional<LDN_I32Tensor1D>:$lengths,
    LDN_PatternAttr:$pattern,
    DefaultValuedAttr<I64Attr, "1">:$hops,
    DefaultValuedAttr<F32Attr, "0.1f">:$alpha,
    DefaultValuedAttr<LDN_DiffusionModeAttr, "::mlir::ldn::DiffusionMode::ppr">:$mode,
    OptionalAttr<F32Attr>:$scale,
    OptionalAttr<DenseF32ArrayAttr>:$coeffs);
  let results = (outs LDN_Tensor4D:$z);
  let assemblyFormat = [{
    $q `,` $k `,` $v (`lengths` $lengths^)? attr-dict `:` type($q) `,` type($k)
    `,` type($v) (`,` type($lengths)^)? `->` type($z)
  }];
}

//===----------------------------------------------------------------------===//
// ldn.scan
//===----------------------------------------------------------------------===//

def LDN_ScanOp : LDN_InferredOp<"scan"> {
  let summary = "Diagonal linear recurrence along one axis";
  let description = [{
    `h_t = a_t ⊙ h_{t-1} + b_t` along dimension `dim` of `b` (default 1),
    starting from `h_{-1} = init` (default zeros); `reverse = true` runs from
    the last index to the first. Results: every state (the shape of `b`) and
    the final state (the shape of `b` without `dim`).

    `a` has the shape of `b`, or is 1-D with `b`'s last dimension: a
    per-channel decay, constant over every other dimension (then `dim` must
    not be the last dimension). Any `dim` is allowed, so per-axis scans over
    image grids need no transposes.

    Example:

    ```mlir
    %h, %last = ldn.scan %a, %b init %h0 {dim = 1, reverse = false}
         : tensor<?x?x512xf32>, tensor<?x?x512xf32>, tensor<?x512xf32>
           -> tensor<?x?x512xf32>, tensor<?x512xf32>
    ```
  }];
  let arguments = (ins
    LDN_Tensor:$a,
    LDN_Tensor:$b,
    Optional<LDN_Tensor>:$init,
    DefaultValuedAttr<I64Attr, "1">:$dim,
    DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs LDN_Tensor:$h, LDN_Tensor:$last);
  let assemblyFormat = [{
    $a `,` $b (`init` $init^)? attr-dict `:` type($a) `,` type($b)
    (`,` type($init)^)? `->` type($h) `,` type($last)
  }];
}

//===----------------------------------------------------------------------===//
// ldn.selective_scan
//===----------------------------------------------------------------------===//

def LDN_SelectiveScanOp : LDN_InferredOp<"selective_scan", [AttrSizedOperandSegments]> {
  let summary = "Mamba's selective scan (S6)";
  let description = [{
    With `Δ = delta + dbias`, then `softplus(Δ)` if `delta_softplus`:

    ```
    h_t[d,n] = exp(Δ_t[d] A[d,n]) h_{t-1}[d,n] + Δ_t[d] B_t[n] x_t[d]
    y_t[d]   = Σ_n h_t[d,n] C_t[n] + D[d] x_t[d]        ; y *= silu(z) if z
    ```

    Operands: `x, delta: [B,T,D]`, `A: [D,N]`, `B, C: [B,T,N]`, and the
    optional `D: [D]` (skip), `z: [B,T,D]` (gate), `dbias: [D]`,
    `init: [B,D,N]` (default zeros). Results: `y: [B,T,D]` and the final state
    `[B,D,N]` in f32. No lowering materializes the `[B,T,D,N]` states.

    Example:

    ```mlir
    %y, %hT = ldn.selective_scan %x, %delta, %A, %B, %C skip %D gate %z
                dbias %dbias init %h0 {delta_softplus = true}
         : (tensor<?x?x1024xf32>, tensor<?x?x1024xf32>, tensor<1024x16xf32>,
            tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<1024xf32>,
            tensor<?x?x1024xf32>, tensor<1024xf32>, tensor<?x1024x16xf32>)
           -> (tensor<?x?x1024xf32>, tensor<?x1024x16xf32>)
    ```
  }];
  let arguments = (ins
    LDN_Tensor3D:$x,
    LDN_Tensor3D:$delta,
    LDN_Tensor2D:$A,
    LDN_Tensor3D:$B,
    LDN_Tensor3D:$C,
    Optional<LDN_Tensor1D>:$D,
    Optional<LDN_Tensor3D>:$z,
    Optional<LDN_Tensor1D>:$dbias,
    Optional<LDN_F32Tensor3D>:$init,
    DefaultValuedAttr<BoolAttr, "false">:$delta_softplus);
  let results = (outs LDN_Tensor3D:$y, LDN_F32Tensor3D:$final_state);
  let assemblyFormat = [{
    $x `,` $delta `,` $A `,` $B `,` $C (`skip` $D^)? (`gate` $z^)?
    (`dbias` $dbias^)? (`init` $init^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// ldn.linear_attention
//===----------------------------------------------------------------------===//

def LDN_LinearAttentionOp : LDN_InferredOp<"linear_attention", [AttrSizedOperandSegments]> {
  let summary = "(Gated) linear attention, causal or global";
  let description = [{
    Causal (default):

    ```
    S_t = diag(exp(decay_t)) S_{t-1} + k_t v_tᵀ,   S_{-1} = init (default 0)
    o_t = scale * S_tᵀ q_t
    ```

    Non-causal (`causal = false`, no decay): `o_t = scale * (init + Σ_s k_s v_sᵀ)ᵀ q_t`.

    Operands: `q, k: [B,T,H,dk]`, `v: [B,T,H,dv]`, optional log-decay
    (`<= 0`) `decay: [B,T,H]` (scalar per head) or `[B,T,H,dk]` (vector,
    GLA), optional `init: [B,H,dk,dv]`. Results: `o: [B,T,H,dv]` and the
    final state `[B,H,dk,dv]` (f32).

    Example:

    ```mlir
    %o, %S = ldn.linear_attention %q, %k, %v decay %logl init %S0 {scale = 0.125 : f32}
         : (tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>,
            tensor<?x?x8xf32>, tensor<?x8x64x64xf32>)
           -> (tensor<?x?x8x64xf32>, tensor<?x8x64x64xf32>)
    ```
  }];
  let arguments = (ins
    LDN_Tensor4D:$q,
    LDN_Tensor4D:$k,
    LDN_Tensor4D:$v,
    Optional<LDN_Tensor3Dor4D>:$decay,
    Optional<LDN_F32Tensor4D>:$init,
    DefaultValuedAttr<BoolAttr, "true">:$causal,
    DefaultValuedAttr<F32Attr, "1.0f">:$scale);
  let results = (outs LDN_Tensor4D:$o, LDN_F32Tensor4D:$final_state);
  let assemblyFormat = [{
    $q `,` $k `,` $v (`decay` $decay^)? (`init` $init^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// ldn.additive_decay
//===----------------------------------------------------------------------===//

def LDN_AdditiveDecayOp : LDN_InferredOp<"additive_decay"> {
  let summary = "LightNet's additive recurrence, as decays for ldn.linear_attention";
  let description = [{
    Turns keys into normalized keys and log-decays, per channel, in f32.

    Causal (default): `z_t = log(exp(sink) + Σ_{j<=t} exp(k_j))`,
    `decay_t = z_{t-1} - z_t` (`z_{-1} = sink`, or `-inf` without a sink, so
    `decay_0 = -inf` is allowed), `k_norm_t = exp(k_t - z_t)`.

    Non-causal: `k_norm = softmax over t of k`, `decay = 0`.

    Feeding both to `ldn.linear_attention` weights token `j` at step `t` by
    the cumulative softmax `exp(k_j) / Σ_{i<=t} exp(k_i)`.

    Operand `k: [B,T,H,d]`; results `k_norm, decay: [B,T,H,d]` in f32.

    Example:

    ```mlir
    %kn, %logl = ldn.additive_decay %k {causal = true}
         : tensor<?x?x8x64xf32> -> tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>
    ```
  }];
  let arguments = (ins
    LDN_Tensor4D:$k,
    DefaultValuedAttr<BoolAttr, "true">:$causal,
    OptionalAttr<F32Attr>:$sink);
  let results = (outs LDN_F32Tensor4D:$k_norm, LDN_F32Tensor4D:$decay);
  let assemblyFormat = [{
    $k attr-dict `:` type($k) `->` type($k_norm) `,` type($decay)
  }];
}

//===----------------------------------------------------------------------===//
// ldn.lrpe
//===----------------------------------------------------------------------===//

def LDN_LrpeOp : LDN_InferredOp<"lrpe"> {
  let summary = "Multi-dimensional linearized relative positional encoding (MD-LRPE)";
  let description = [{
    Token `prefix + i` sits at grid coordinate `p = unravel(i, grid)`
    (row-major: the last axis varies fastest). Per head `h` its angles are
    `Θ = concat(p_1 θ[h], ..., p_m θ[h])[:d]` and the result is
    `[x ⊙ cos Θ, x ⊙ sin Θ]`. The `prefix` tokens (a class token, say) have
    no position: `[x, 0]`. Then `lrpe(q, p) · lrpe(k, p')` depends only on
    `p - p'`.

    Operands: `x: [B,T,H,d]`, `theta: [H,e]` (per-axis base frequencies,
    `m * e >= d` for `m = size(grid)`). Result: `[B,T,H,2d]`.
    `T = prefix + Π grid`; a run-time `T` that differs is a runtime error.

    Example:

    ```mlir
    %qr = ldn.lrpe %q, %theta {grid = array<i64: 14, 14>, prefix = 1}
         : tensor<?x197x6x64xf32>, tensor<6x32xf32> -> tensor<?x197x6x128xf32>
    ```
  }];
  let arguments = (ins
    LDN_Tensor4D:$x,
    LDN_Tensor2D:$theta,
    DenseI64ArrayAttr:$grid,
    DefaultValuedAttr<I64Attr, "0">:$prefix);
  let results = (outs LDN_Tensor4D:$y);
  let assemblyFormat = [{
    $x `,` $theta attr-dict `:` type($x) `,` type($theta) `->` type($y)
  }];
}

//===----------------------------------------------------------------------===//
// ldn.ssm_kernel
//===----------------------------------------------------------------------===//

def LDN_SsmKernelOp : LDN_Op<"ssm_kernel", [Pure,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>]> {
  let summary = "Diagonal SSM convolution kernel (S4D / LDNN)";
  let description = [{
    Materializes the convolution kernel of a diagonal state-space model with
    `N` modes over `length = L` lags. With `λ = min(lambda_re, -1e-4) +
    i lambda_im` and `Δ = exp(log_dt)`:

    - `zoh` (default): `λ̄ = exp(λΔ)`, `c = (λ̄ - 1) / λ`;
    - `bilinear`: `λ̄ = (1 + Δλ/2) / (1 - Δλ/2)`, `c = Δ / (1 - Δλ/2)`;

    and `κ_n[j] = Re(c_n λ̄_n^j)`, `j < L`. Result `[N, L]` f32, or with
    `bidirectional` `[N, 2L]`: the forward kernel followed by its mirror,
    the layout `ldn.long_conv {bidirectional = true}` expects.

    Operands: `lambda_re, lambda_im, log_dt: [N]` f32 and `length: index`.
    The result's second dimension may be static only where it equals `L`
    (or `2L`) for a constant `length`.

    Example:

    ```mlir
    %c = arith.constant 4096 : index
    %kern = ldn.ssm_kernel %re, %im, %log_dt, %c
              {method = #ldn.discretization<zoh>, bidirectional = true}
         : tensor<64xf32>, tensor<64xf32>, tensor<64xf32> -> tensor<64x8192xf32>
    ```
  }];
  let arguments = (ins
    LDN_F32Tensor1D:$lambda_re,
    LDN_F32Tensor1D:$lambda_im,
    LDN_F32Tensor1D:$log_dt,
    Index:$length,
    DefaultValuedAttr<LDN_DiscretizationAttr,
                      "::mlir::ldn::Discretization::zoh">:$method,
    DefaultValuedAttr<BoolAttr, "false">:$bidirectional);
  let results = (outs LDN_F32Tensor2D:$kernel);
  let assemblyFormat = [{
    $lambda_re `,` $lambda_im `,` $log_dt `,` $length attr-dict
    `:` type($lambda_re) `,` type($lambda_im) `,` type($log_dt) `->` type($kernel)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ldn.long_conv
//===----------------------------------------------------------------------===//

def LDN_LongConvOp : LDN_InferredOp<"long_conv"> {
  let summary = "Per-channel long convolution (causal or bidirectional)";
  let description = [{
    Causal (default): `y_t = Σ_{j=0..min(t, Lk-1)} kernel[j] v_{t-j}`.

    Bidirectional (`kernel: [C, 2L]` as made by `ldn.ssm_kernel`):
    `y_t = Σ_{s<=t, t-s<L} kernel[t-s] v_s + Σ_{s>t, s-t<=L} kernel[2L-(s-t)] v_s`.
    `T` and the kernel length are independent: lags beyond the kernel
    contribute nothing.

    `strategy = auto | direct | fft` is a lowering choice only; `fft` is
    O(T log T) and agrees with `direct` to fp32 round-off.

    Operands: `v: [B,T,C]`, `kernel: [C,Lk]`. Result: `[B,T,C]`.

    Example:

    ```mlir
    %y = ldn.long_conv %v, %kern {bidirectional = true, strategy = #ldn.conv_strategy<fft>}
         : tensor<?x?x64xf32>, tensor<64x8192xf32> -> tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins
    LDN_Tensor3D:$v,
    LDN_Tensor2D:$kernel,
    DefaultValuedAttr<BoolAttr, "false">:$bidirectional,
    DefaultValuedAttr<LDN_ConvStrategyAttr,
                      "::mlir::ldn::ConvStrategy::automatic">:$strategy);
  let results = (outs LDN_Tensor3D:$y);
  let assemblyFormat = [{
    $v `,` $kernel attr-dict `:` type($v) `,` type($kernel) `->` type($y)
  }];
}

//===----------------------------------------------------------------------===//
// ldn.ssm_conv
//===----------------------------------------------------------------------===//

def LDN_SsmConvOp : LDN_InferredOp<"ssm_conv"> {
  let summary = "Projected long convolution: per-head in-projection, long_conv, out-projection";
  let description = [{
    The LDNN state-space layer's linear part as one op (ops.md section 11),
    formed by `ldn-fuse-ssm-conv` so that the lowerings can keep the
    `[B, T, N]` intermediates of one batch row in cache (CPU) or never
    store the projected input (GPU):

    ```
    v[b, t, g·Ng + n] = Σ_i u[b, t, g·Hg + i] · in_proj[g, i, n]
    x = ldn.long_conv(v, kernel)        (bidirectional, strategy as there)
    y[b, t, g·Mg + o] = Σ_n x[b, t, g·Ng + n] · out_proj[g, n, o]
    ```

    Operands: `u: [B,T,H]`, `in_proj: [G,Hg,Ng]`, `kernel: [N,Lk]`,
    `out_proj: [G,Ng,Mg]` with `H = G·Hg`, `N = G·Ng`; result `[B,T,M]`,
    `M = G·Mg`. G is the number of heads (block-diagonal projections); a
    dense projection has G = 1. The channel sizes (H, the weights, the
    kernel's N) are static; B, T and Lk may be dynamic.

    Example (LDNN: 4 heads, H = M = 64, N = 16):

    ```mlir
    %y = ldn.ssm_conv %u, %b_tilde, %kern, %c_tilde
         {bidirectional = true, strategy = #ldn.conv_strategy<fft>}
         : tensor<?x?x64xf32>, tensor<4x16x4xf32>, tensor<16x?xf32>,
           tensor<4x4x16xf32> -> tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins
    LDN_Tensor3D:$u,
    LDN_Tensor3D:$in_proj,
    LDN_Tensor2D:$kernel,
    LDN_Tensor3D:$out_proj,
    DefaultValuedAttr<BoolAttr, "false">:$bidirectional,
    DefaultValuedAttr<LDN_ConvStrategyAttr,
                      "::mlir::ldn::ConvStrategy::automatic">:$strategy);
  let results = (outs LDN_Tensor3D:$y);
  let assemblyFormat = [{
    $u `,` $in_proj `,` $kernel `,` $out_proj attr-dict `:` type($u) `,`
    type($in_proj) `,` type($kernel) `,` type($out_proj) `->` type($y)
  }];
}

//===----------------------------------------------------------------------===//
// ldn.lightnet_attention
//===----------------------------------------------------------------------===//

def LDN_LightNetAttentionOp : LDN_InferredOp<"lightnet_attention"> {
  let summary = "Additive decay, LRPE and linear attention in one op";
  let description = [{
    LightNet's token mixer as one op (ops.md section 12), formed by
    `ldn-fuse-linear-attention` so that the lowerings never store the
    normalized keys, the decays or the rotated q and k:

    ```
    k_norm, decay = ldn.additive_decay(k)          {causal, sink}
    q' = ldn.lrpe(q, theta), k' = ldn.lrpe(k_norm, theta)   {grid, prefix}
    o, S = ldn.linear_attention(q', k', v, decay ⊕ decay if causal)  {causal, scale}
    ```

    Operands (f32): `q, k: [B,T,H,d]`, `v: [B,T,H,dv]`, `theta: [H,e]`.
    Results: `o: [B,T,H,dv]` and the final state `[B,H,2d,dv]` (in the
    rotated basis, as linear_attention would return it). The attributes
    mean what they mean on the three ops.

    Example (LightNet LM: causal, 4 heads of 16, a 1-D grid of 256):

    ```mlir
    %o, %S = ldn.lightnet_attention %q, %k, %v, %theta
         {causal = true, sink = 0.0 : f32, grid = array<i64: 256>, prefix = 0,
          scale = 1.0 : f32}
         : (tensor<?x256x4x16xf32>, tensor<?x256x4x16xf32>,
            tensor<?x256x4x16xf32>, tensor<4x16xf32>)
           -> (tensor<?x256x4x16xf32>, tensor<?x4x32x16xf32>)
    ```
  }];
  let arguments = (ins
    LDN_F32Tensor4D:$q,
    LDN_F32Tensor4D:$k,
    LDN_F32Tensor4D:$v,
    LDN_F32Tensor2D:$theta,
    DefaultValuedAttr<BoolAttr, "true">:$causal,
    OptionalAttr<F32Attr>:$sink,
    DenseI64ArrayAttr:$grid,
    DefaultValuedAttr<I64Attr, "0">:$prefix,
    DefaultValuedAttr<F32Attr, "1.0f">:$scale);
  let results = (outs LDN_F32Tensor4D:$o, LDN_F32Tensor4D:$final_state);
  let assemblyFormat = [{
    $q `,` $k `,` $v `,` $theta attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// ldn.elementwise and ldn.yield: fused prologues and epilogues
//===----------------------------------------------------------------------===//

def LDN_ElementwiseOp : LDN_Op<"elementwise", [Pure, IsolatedFromAbove,
    SingleBlock]> {
  let summary = "An elementwise map that ldn lowerings fuse into the adjacent op";
  let description = [{
    Applies the scalar body to every element of `source`:
    `result[i] = body(source[i], inputs[0][i'], ..., inputs[n-1][i'])`,
    where each input's shape is a trailing part of `source`'s shape (the
    whole shape, a per-channel `[D]`, or a 0-d tensor) and `i'` is the
    matching trailing part of the index `i`; a scalar input (float,
    integer, index) is the same for every element. The body is isolated from
    above, has one block argument per input element (source first) and
    ends in `ldn.yield` of the result element; every op in it must be free
    of memory effects.

    On its own the op is an ordinary elementwise map (it lowers to a
    `linalg.generic`). Its purpose is fusion (docs/fusion.md):

    - an **epilogue** when `source` is a result of an ldn op and this op
      is its only user: the lowering of that ldn op applies the body where
      it stores each result element, so the unmapped result never reaches
      memory;
    - a **prologue** when only an ldn op reads the result (possibly through
      `tensor.expand_shape` / `collapse_shape`): the GPU kernels apply the
      body where they load that operand, reading `source` instead;
    - `ldn-fuse-elementwise` forms it from the elementwise `linalg.generic`
      consumers of ldn results (bias, softplus, exp, SiLU/sigmoid gates,
      residual adds, scaling, casts) and from the maps only an ldn op reads.

    Example (a per-channel bias and SiLU after a convolution):

    ```mlir
    %y = ldn.long_conv %v, %w : tensor<?x?x128xf32>, tensor<128x4xf32> -> tensor<?x?x128xf32>
    %s = ldn.elementwise %y, %bias : tensor<?x?x128xf32>, tensor<128xf32> -> tensor<?x?x128xf32> {
    ^bb0(%yi: f32, %bi: f32):
      %a = arith.addf %yi, %bi : f32
      %n = arith.negf %a : f32
      %e = math.exp %n : f32
      %one = arith.constant 1.0 : f32
      %d = arith.addf %e, %one : f32
      %r = arith.divf %a, %d : f32
      ldn.yield %r : f32
    }
    ```
  }];
  let arguments = (ins AnyRankedTensor:$source,
                       Variadic<AnyTypeOf<[AnyRankedTensor, AnyFloat,
                                           AnySignlessInteger, Index]>>:$inputs);
  let results = (outs AnyRankedTensor:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $source (`,` $inputs^)? attr-dict `:` type($source)
    (`,` type($inputs)^)? `->` type($result) $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The ldn op whose result `source` is, or null.
    ::mlir::Operation *getAnchor();
  }];
}

def LDN_YieldOp : LDN_Op<"yield", [Pure, Terminator,
    HasParent<"ElementwiseOp">]> {
  let summary = "The result element of an ldn.elementwise body";
  let arguments = (ins AnyType:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

#endif // LDN_OPS_TD
