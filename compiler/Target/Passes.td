//===- Passes.td - target glue passes ------------------------*- tablegen -*-===//
//
// Passes that adapt lowered code to the artifact ABI (docs/artifact-abi.md).
// They introduce no ops of their own.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_COMPILER_TARGET_PASSES_TD
#define LDN_COMPILER_TARGET_PASSES_TD

include "mlir/Pass/PassBase.td"

def LDNLowerAssertsToTrap : Pass<"ldn-lower-asserts-to-trap", "ModuleOp"> {
  let summary = "Turn cf.assert into a call to the runtime's ldnrt_trap";
  let description = [{
    Upstream lowers a failed `cf.assert` to `abort()`, which would kill the
    application that loaded the model. This pass branches to a block that
    calls `void ldnrt_trap(const char *message)` instead; the runtime
    implements it by returning the message as an error from its invoke call.
    The message is prefixed with the assert's `file:line:col` when it has
    one, so the caller learns which op failed.

    Before:

    ```mlir
    cf.assert %ok, "ldn.lrpe: sequence length T must equal 17"
    ```

    After:

    ```mlir
      cf.cond_br %ok, ^continue, ^trap
    ^trap:
      %msg = llvm.mlir.addressof @ldn_trap_message_0 : !llvm.ptr
      llvm.call @ldnrt_trap(%msg) : (!llvm.ptr) -> ()
      llvm.unreachable
    ^continue:
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::cf::ControlFlowDialect"];
}

def LDNReadOnlyEntryArgs : Pass<"ldn-readonly-entry-args", "ModuleOp"> {
  let summary = "Mark the tensor arguments of public functions read-only";
  let description = [{
    The artifact ABI lends arguments to the entry point without giving them
    up (docs/artifact-abi.md). One-shot bufferization would otherwise treat
    function arguments as writable and update them in place; marking them
    `bufferization.writable = false` makes it copy first where it must.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def LDNEmitEntryWrappers : Pass<"ldn-emit-entry-wrappers", "ModuleOp"> {
  let summary = "Add ldn_entry_<name>(void **args) wrappers for public functions";
  let description = [{
    For every public function on memrefs (after bufferization), adds
    `ldn_entry_<name>`, taking one `!llvm.ptr` to an array of pointers: one
    per argument, then one per result, each to a ranked memref descriptor
    (docs/artifact-abi.md). The wrapper loads the argument descriptors,
    calls the function and stores the result descriptors, so the runtime can
    call any entry point through one C signature.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::func::FuncDialect"];
}

def LDNExpandMemRefCopies : Pass<"ldn-expand-memref-copies"> {
  let summary = "Rewrite memref.copy as linalg.copy, so it becomes a loop";
  let description = [{
    Upstream lowers a `memref.copy` between non-contiguous memrefs to a call
    of `memrefCopy` from MLIR's C runner utilities, a library that deployed
    artifacts do not carry. As a `linalg.copy` it lowers to a plain loop
    nest, which LLVM then vectorizes like any other.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def LDNApproximateMath : Pass<"ldn-approximate-math"> {
  let summary = "Replace f32 exp/log/tanh/erf with polynomials that vectorize";
  let description = [{
    Calls into libm keep LLVM from vectorizing the loops around them, and the
    scans and normalizations of these models apply `exp`, `log1p` or `tanh`
    to every element. This pass rewrites the f32 `math.exp`, `math.expm1`,
    `math.log`, `math.log1p`, `math.log2`, `math.tanh` and `math.erf` into
    MLIR's polynomial approximations (a few ulp, with the special values
    0, inf and NaN handled) made of plain arithmetic. Subnormal inputs to
    the logarithms are not handled exactly (log of the smallest subnormal
    gives -87.3 instead of -103.3). Trigonometric functions are left to
    libm: `ldn.lrpe`'s angles can be large.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def LDNFuseLinalgElementwise : Pass<"ldn-fuse-linalg-elementwise"> {
  let summary = "Elementwise fusion of linalg ops that never recomputes a producer";
  let description = [{
    Upstream `linalg-fuse-elementwise-ops` also fuses a producer into a
    consumer that reads it broadcast, which recomputes the producer once per
    broadcast element: a softmax's `exp` fused into the weighted sum over a
    head dimension runs `exp` e times per weight. This pass fuses a producer
    only into its single consumer, and only where the consumer reads it
    through a permutation of its loops, so every producer element is still
    computed once.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def LDNReassociateFloats : Pass<"ldn-reassociate-floats"> {
  let summary = "Allow reassociation and contraction of float arithmetic";
  let description = [{
    Sets `fastmath<reassoc, contract>` on every arith op. LLVM vectorizes a
    floating-point reduction (a dot product over a head dimension, a sum over
    a state dimension) only when it may reorder the additions, and fuses
    multiply-adds only when it may contract them. The results change by
    rounding only: no infinities, NaNs or signed zeros are assumed away.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // LDN_COMPILER_TARGET_PASSES_TD
