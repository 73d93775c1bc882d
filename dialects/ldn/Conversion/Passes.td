//===- Passes.td - ldn conversion passes ---------------------*- tablegen -*-===//

#ifndef LDN_CONVERSION_PASSES_TD
#define LDN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LDNToLinalg : Pass<"ldn-to-linalg"> {
  let summary = "Lower ldn ops to linalg, scf, tensor, arith and math on tensors";
  let description = [{
    Rewrites every `ldn` op into upstream ops on tensors, for the CPU
    pipeline: structured `linalg.generic` ops where the op is structured
    (elementwise parts, reductions, shifted-slice stencils) and `scf.for`
    loops carrying the state where it is a recurrence. Channel dimensions
    are innermost and contiguous so that they vectorize.

    No lowering materializes what ops.md forbids: `ldn.selective_scan`
    carries only the `[B,D,N]` state, and a sparse `ldn.attention_diffuse`
    never builds a `T x T` matrix. `ldn.long_conv` with `strategy = fft` is an
    O(T log T) radix-2 FFT generated here; `auto` picks FFT or the direct sum
    at run time from the sizes. f16/bf16 operands are computed in f32.

    Run-time shape checks that ops.md requires (for example `ldn.lrpe` with
    `T != prefix + prod(grid)`) become `cf.assert`s, which the CPU pipeline
    turns into calls to the runtime's `ldnrt_trap`.

    Before:

    ```mlir
    %h, %last = ldn.scan %a, %b : tensor<?x?x64xf32>, tensor<?x?x64xf32>
        -> tensor<?x?x64xf32>, tensor<?x64xf32>
    ```

    After (sketch):

    ```mlir
    %r:2 = scf.for %t = %c0 to %T step %c1 iter_args(%h = %zeros, %all = %empty) {
      %at = tensor.extract_slice %a[0, %t, 0] [%B, 1, 64] [1, 1, 1]
      ...
      %next = linalg.generic {...} ins(%at, %h, %bt) outs(%h) { a * h + b }
      %all2 = tensor.insert_slice %next into %all[0, %t, 0] [%B, 1, 64] [1, 1, 1]
      scf.yield %next, %all2
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::complex::ComplexDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
  let options = [
    Option<"fftThreshold", "fft-threshold", "int64_t", /*default=*/"1024",
           "ldn.long_conv with strategy = auto uses the FFT when T is at "
           "least this long (decided at run time for dynamic T)">,
  ];
}

#endif // LDN_CONVERSION_PASSES_TD
