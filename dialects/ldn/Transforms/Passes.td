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

def LDNFuseElementwise : Pass<"ldn-fuse-elementwise"> {
  let summary = "Turn elementwise consumers of ldn results into fused epilogues";
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
    Anything else (shifts, transposes, reductions, results with other
    uses) is left alone.

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
