//===- Passes.td - ldn-to-ldn transformations ----------------*- tablegen -*-===//
//
// Rewrites that stay in the ldn dialect: fusion of sequence ops with each
// other and with their elementwise neighbours, before any lowering, so the
// CPU, GPU and emulator paths all profit.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_TRANSFORMS_PASSES_TD
#define LDN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LDNFuseDiffusionSteps : Pass<"ldn-fuse-diffusion-steps"> {
  let summary = "Merge chains of ldn.diffuse with the same weights into one op";
  let description = [{
    `ldn.diffuse` applies `steps` explicit-Euler steps `x <- x + dt * alpha ⊙
    (K x)`. Two ops in a row with the same `w`, `alpha`, `dt` and `causal`
    are therefore one op whose `steps` is the sum: the intermediate tensor is
    never stored, and the GPU kernel's temporal blocking covers the longer
    chain. For f32 the result is bit-identical (the steps are the same f32
    arithmetic); for f16/bf16 the merged op also skips the rounding of the
    intermediate to the narrow type.

    Legality: the inner result has this op as its only use; `w`, `alpha` and
    a `dt` operand are the same SSA values (equal `dt` attributes otherwise);
    `causal` and the element types agree. Anything else is left alone.

    Before:

    ```mlir
    %y1 = ldn.diffuse %x, %w, %alpha {steps = 2, dt = 0.1 : f32} : ...
    %y2 = ldn.diffuse %y1, %w, %alpha {steps = 3, dt = 0.1 : f32} : ...
    ```

    After:

    ```mlir
    %y2 = ldn.diffuse %x, %w, %alpha {steps = 5, dt = 0.1 : f32} : ...
    ```
  }];
}

def LDNFuseSsmConv : Pass<"ldn-fuse-ssm-conv"> {
  let summary = "Fuse the LDNN chain projection -> long_conv -> projection into ldn.ssm_conv";
  let description = [{
    An `ldn.long_conv` between an input projection `v = B̃u` and an output
    projection `y = C̃x` (LDNN's disentangled SSM layer, models.md section
    4) becomes one `ldn.ssm_conv` (ops.md section 11). Its lowerings never
    write the `[B, T, N]` intermediates for the whole batch: the CPU
    computes them one batch row at a time, in cache; the GPU path drops the
    projections' zero fills and partial sums. A following elementwise map
    (`2·C̃x + D⊙u`, GELU) then becomes the op's epilogue
    (`ldn-fuse-elementwise`, which runs after this pass).

    A projection is a contraction `out += in · W` from a zero fill, either
    per head (a `linalg.generic` over `(b, t, g, o, i)` between a channel
    split `[[0], [1], [2, 3]]` of its input and the merge of its result) or
    dense (a `linalg.generic` or `linalg.batch_matmul` over `(b, t, n, k)`
    reading `in[b, t, k]` and `W[k, n]`, one head).

    Legality: f32 throughout; the input projection's result and the
    convolution's result each have one use (through the channel split or
    merge); static weights and channel sizes; both projections split the
    channels into the same heads with the same channels per head, which
    are also the kernel's rows and u's channels; both projections are in
    the convolution's block (the fused op must not move work into a loop).
    Anything else is left alone.

    Before:

    ```mlir
    %un4 = tensor.expand_shape %u [[0], [1], [2, 3]] ... into tensor<?x?x4x16xf32>
    %v4 = linalg.generic {...(b, t, g, o, i)...} ins(%un4, %b_tilde : ...) outs(%zero_fill : ...)
    %v = tensor.collapse_shape %v4 [[0], [1], [2, 3]] ... into tensor<?x?x16xf32>
    %x = ldn.long_conv %v, %kern {bidirectional = true} : ...
    %x4 = tensor.expand_shape %x [[0], [1], [2, 3]] ... into tensor<?x?x4x4xf32>
    %y4 = linalg.generic {...(b, t, g, o, i)...} ins(%x4, %c_tilde : ...) outs(%zero_fill2 : ...)
    %y = tensor.collapse_shape %y4 [[0], [1], [2, 3]] ... into tensor<?x?x64xf32>
    ```

    After:

    ```mlir
    %y = ldn.ssm_conv %u, %b_tilde, %kern, %c_tilde {bidirectional = true}
         : tensor<?x?x64xf32>, tensor<4x16x4xf32>, tensor<16x?xf32>,
           tensor<4x4x16xf32> -> tensor<?x?x64xf32>
    ```
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def LDNFuseLinearAttention : Pass<"ldn-fuse-linear-attention"> {
  let summary = "Fuse LightNet's additive_decay -> lrpe -> linear_attention into ldn.lightnet_attention";
  let description = [{
    LightNet's token mixer (models.md section 2) written as its three ops,
    `ldn.additive_decay` of the keys, `ldn.lrpe` of the queries and of the
    normalized keys, and `ldn.linear_attention` of the rotated pair with the
    decays doubled for the two rotated halves (`tensor.concat dim(3)`),
    becomes one `ldn.lightnet_attention` (ops.md section 12). Its lowerings
    compute the normalized keys, decays and rotations where the recurrence
    reads them (the CPU per step, the GPU kernel as it stages a chunk), so
    none of `k_norm`, `decay`, the doubled decay and the rotated q and k is
    ever stored.

    Legality: f32 throughout; each intermediate (the rotated q and k, the
    normalized keys, the decays and their concat) has no other use; q and k
    are rotated with the same `theta`, grid and prefix; additive_decay and
    linear_attention agree on `causal`; causal attention takes exactly the
    doubled decays, a non-causal one none (and the zero decays are unused);
    no initial state; all in one block. Anything else is left alone.

    Before:

    ```mlir
    %kn, %logl = ldn.additive_decay %k {causal = true, sink = 0.0 : f32} : ...
    %qr = ldn.lrpe %q, %theta {grid = array<i64: 256>, prefix = 0} : ...
    %kr = ldn.lrpe %kn, %theta {grid = array<i64: 256>, prefix = 0} : ...
    %logl2 = tensor.concat dim(3) %logl, %logl : ...
    %o, %S = ldn.linear_attention %qr, %kr, %v decay %logl2 {causal = true} : ...
    ```

    After:

    ```mlir
    %o, %S = ldn.lightnet_attention %q, %k, %v, %theta
         {causal = true, sink = 0.0 : f32, grid = array<i64: 256>, prefix = 0}
         : (tensor<?x256x4x16xf32>, tensor<?x256x4x16xf32>,
            tensor<?x256x4x16xf32>, tensor<4x16xf32>)
           -> (tensor<?x256x4x16xf32>, tensor<?x4x32x16xf32>)
    ```
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def LDNFuseContractionBias : Pass<"ldn-fuse-contraction-bias"> {
  let summary = "Start contractions from their bias instead of adding it after";
  let description = [{
    A bias added to the result of a contraction (`linalg.matmul`,
    `linalg.batch_matmul`, or any linalg contraction) that starts from a
    zero fill, `y = x·W; z = y + b`, becomes the contraction accumulated
    onto the broadcast bias, `z = b + x·W`. The broadcast writes what the
    fill wrote; the add's kernel, its reads of `y` and `b` and its write of
    `z` are gone. An elementwise generic that adds biases to several
    contractions (Diffuser's q, k and v) becomes one broadcast generic with
    a result per contraction. The sums are the same up to rounding (the
    bias is added first rather than last).

    Legality: the generic is all-parallel and its body is one `arith.addf`
    per result of a contraction result and another input, nothing else;
    each contraction result has this one use and the generic's iteration
    space as its index space (identity maps for it and for the generic's
    result, same type); its init is a `linalg.fill` of zero; the biases
    and fill destinations are defined before the first contraction, in its
    block. Anything else is left alone.

    Before:

    ```mlir
    %zero = linalg.fill ins(%c0 : f32) outs(%e : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
    %y = linalg.batch_matmul ins(%x, %w : ...) outs(%zero : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
    %z = linalg.generic {indexing_maps = [(b,t,c) -> (b,t,c), (b,t,c) -> (c), (b,t,c) -> (b,t,c)], ...}
        ins(%y, %bias : tensor<?x?x64xf32>, tensor<64xf32>) outs(%e : tensor<?x?x64xf32>) {
      ^bb0(%yi: f32, %bi: f32, %o: f32):
        %s = arith.addf %yi, %bi : f32
        linalg.yield %s : f32
    } -> tensor<?x?x64xf32>
    ```

    After:

    ```mlir
    %init = linalg.generic {indexing_maps = [(b,t,c) -> (c), (b,t,c) -> (b,t,c)], ...}
        ins(%bias : tensor<64xf32>) outs(%e : tensor<?x?x64xf32>) {
      ^bb0(%bi: f32, %o: f32):
        linalg.yield %bi : f32
    } -> tensor<?x?x64xf32>
    %z = linalg.batch_matmul ins(%x, %w : ...) outs(%init : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def LDNFuseElementwise : Pass<"ldn-fuse-elementwise"> {
  let summary = "Turn elementwise neighbours of ldn ops into fused epilogues and prologues";
  let description = [{
    A `linalg.generic` that maps an ldn op's result elementwise (bias,
    softplus, exp, SiLU/sigmoid gates, residual adds, scaling, casts)
    becomes an `ldn.elementwise` epilogue of that result. The lowerings
    apply an epilogue where the op stores its result (docs/fusion.md): the
    GPU kernels at each store, the CPU loops at each slice they insert. The
    unmapped result is then never written to memory, and the elementwise
    kernel and its reads and writes are gone.

    The ldn result may reach the generic through a `tensor.collapse_shape`
    (heads merged back into channels): the epilogue is then formed on the
    uncollapsed result, its other inputs expanded to match, and the
    collapse moves after it. Scalars (inputs, or values the body uses from
    above) become scalar inputs; constants are copied into the body. The
    epilogue takes the generic's place, so its inputs may be computed after
    the ldn op (the lowerings then run the op where the epilogue is). Of
    several ldn results read by one generic, the one computed last anchors
    the epilogue.

    Legality: the ldn result has the generic as its only use (through a
    single-use collapse_shape); the generic is all-parallel with one result
    written in loop order and a body that does not read its output; the
    ldn result is read at the result element (identity map); every other
    input is read at the result element, its channel or as a scalar
    (trailing projections), so there is no dependence across tokens.
    TOSA's broadcast operands (`[1, 1, C]` read at `(0, 0, c)`) count: their
    unit dimensions are collapsed first. A map of an epilogue's result is
    merged into it (one epilogue for a chain such as bias, then SiLU) when
    that result has no other use. Anything else (shifts, transposes,
    reductions, results with other uses) is left alone.

    Prologues: an elementwise map (the same conditions on the generic)
    whose result only one ldn op reads, directly or through
    `tensor.expand_shape` / `collapse_shape` ops that nothing else uses,
    in the generic's block, becomes an `ldn.elementwise` of its *source*
    (the input read at the result element with the result's rank; the
    others trailing projections). The GPU kernels then read the source
    and apply the body at each load, so the mapped tensor is never
    written. A map between two ldn ops is the first op's epilogue. A chain
    of maps before an op becomes one prologue.

    Before (LightNet's SiLU on q):

    ```mlir
    %s = linalg.generic {indexing_maps = [#btc, #btc], ...}
        ins(%x : tensor<?x256x64xf32>) outs(%e : tensor<?x256x64xf32>) {
      ^bb0(%xi: f32, %o: f32):
        ... SiLU of %xi ...
    } -> tensor<?x256x64xf32>
    %q = tensor.expand_shape %s [[0], [1], [2, 3]] ... into tensor<?x256x4x16xf32>
    %o, %st = ldn.lightnet_attention %q, %k, %v, %theta {...}
    ```

    After:

    ```mlir
    %s = ldn.elementwise %x : tensor<?x256x64xf32> -> tensor<?x256x64xf32> {
    ^bb0(%xi: f32):
      ... SiLU of %xi ...
      ldn.yield %r : f32
    }
    %q = tensor.expand_shape %s [[0], [1], [2, 3]] ... into tensor<?x256x4x16xf32>
    %o, %st = ldn.lightnet_attention %q, %k, %v, %theta {...}
    ```

    Before:

    ```mlir
    %y = ldn.long_conv %x, %w : tensor<?x?x128xf32>, tensor<128x4xf32> -> tensor<?x?x128xf32>
    %s = linalg.generic {indexing_maps = [#btd, #d, #btd], iterator_types = [...]}
        ins(%y, %bias : tensor<?x?x128xf32>, tensor<128xf32>) outs(%e : tensor<?x?x128xf32>) {
    ^bb0(%yi: f32, %bi: f32, %init: f32):
      %a = arith.addf %yi, %bi : f32
      linalg.yield %a : f32
    } -> tensor<?x?x128xf32>
    ```

    After:

    ```mlir
    %y = ldn.long_conv %x, %w : tensor<?x?x128xf32>, tensor<128x4xf32> -> tensor<?x?x128xf32>
    %s = ldn.elementwise %y, %bias : tensor<?x?x128xf32>, tensor<128xf32> -> tensor<?x?x128xf32> {
    ^bb0(%yi: f32, %bi: f32):
      %a = arith.addf %yi, %bi : f32
      ldn.yield %a : f32
    }
    ```
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

#endif // LDN_TRANSFORMS_PASSES_TD
