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

#endif // LDN_TRANSFORMS_PASSES_TD
