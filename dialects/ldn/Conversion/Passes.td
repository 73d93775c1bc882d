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

def LDNToGPU : Pass<"ldn-to-gpu", "ModuleOp"> {
  let summary = "Lower ldn ops to purpose-built gpu.launch kernels";
  let description = [{
    Replaces every `ldn` op that has a GPU kernel by a call to that kernel's
    host function: a `func.func` holding one or more `gpu.launch` ops written
    for the GPU (chunked scans with the carry in shared memory, stencils with
    halos, register-resident SSM states), on memrefs. The kernels are MLIR
    source files in `lib/Conversion/LDNToGPU/Kernels/`, embedded at build
    time. This pass only declares them (marked `ldn.gpu_kernel`);
    `ldn-define-gpu-kernels` adds the bodies after bufferization, and the
    inliner and canonicalizer then specialize them to each call site's
    static sizes and flags.

    Kernels compute in f32: f16/bf16 operands are converted before the call
    and results converted back after it. Operands are passed through
    `bufferization.to_buffer` (identity layout, read-only) and results are
    fresh `memref.alloc`s handed back with `bufferization.to_tensor
    restrict`, so one-shot bufferization sees no aliasing. The run-time size
    checks of ops.md become `cf.assert`s, as in `ldn-to-linalg`.

    Ops without a GPU kernel are left alone (the pipeline lowers them with
    `ldn-to-linalg`, then maps their loops to the GPU).

    Before:

    ```mlir
    %h, %last = ldn.scan %a, %b : tensor<?x?x64xf32>, tensor<?x?x64xf32>
        -> tensor<?x?x64xf32>, tensor<?x64xf32>
    ```

    After (sketch):

    ```mlir
    %ab = bufferization.to_buffer %a read_only : tensor<?x?x64xf32> to memref<?x?x64xf32>
    %av = memref.reinterpret_cast %ab to offset: [0], sizes: [%B, %T, 64], strides: [%s, 64, 1]
    ...
    %hb = memref.alloc(%B, %T) : memref<?x?x64xf32>
    call @ldn_gpu_scan(%av, %bv, %h0v, %hv, %lastv, %false, %false) : (...) -> ()
    %h = bufferization.to_tensor %hb restrict writable : memref<?x?x64xf32> to tensor<?x?x64xf32>
    ...
    func.func private @ldn_gpu_scan(...) attributes {ldn.gpu_kernel = "scan"}
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::func::FuncDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def LDNDefineGPUKernels : Pass<"ldn-define-gpu-kernels", "ModuleOp"> {
  let summary = "Give the kernel declarations of ldn-to-gpu their bodies";
  let description = [{
    `ldn-to-gpu` calls kernel host functions that it only declares, marked
    `ldn.gpu_kernel = "<source>"`. This pass, run once bufferization and
    buffer deallocation are done (they cannot analyze `gpu.barrier`, whose
    memory effects are unknown), copies each body from the embedded kernel
    source `Kernels/<source>.mlir`, with the private functions it calls.

    Before:

    ```mlir
    func.func private @ldn_gpu_scan(...) attributes {ldn.gpu_kernel = "scan"}
    ```

    After:

    ```mlir
    func.func private @ldn_gpu_scan(...) {
      gpu.launch blocks(...) threads(...) workgroup(...) { ... gpu.barrier ... }
      return
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // LDN_CONVERSION_PASSES_TD
