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

def LDNContractionLoopOrder : Pass<"ldn-contraction-loop-order"> {
  let summary = "Order a contraction's loops so the innermost one is contiguous";
  let description = [{
    For the CPU, where linalg ops become loops in iteration-dimension order.
    A matmul-like op (`linalg.matmul`, `linalg.batch_matmul` with broadcast
    weights, contraction generics) whose innermost output dimension is not
    its innermost loop, and that has an input contiguous along that
    dimension (the weight `W[k, n]`), is generalized and interchanged so that
    dimension becomes the innermost loop: `C[b,m,n] += A[b,m,k] W[k,n]` runs
    b, m, k, n, an axpy over contiguous rows that LLVM vectorizes, instead of
    a dot product striding down W's columns. Other ops are left alone.

    Before: `linalg.batch_matmul` (loops b, m, n, k). After: a
    `linalg.generic` with iterator_types `[parallel, parallel, reduction,
    parallel]` (loops b, m, k, n).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def LDNReportTraffic : Pass<"ldn-report-traffic", "ModuleOp"> {
  let summary = "Report each function's kernels and the bytes they move";
  let description = [{
    An analysis on bufferized IR (it changes nothing): per function, a
    remark with the number of kernels and the bytes they read and write, and
    with `per-kernel` one remark per kernel. A kernel is a `gpu.launch` or
    `gpu.launch_func` (what it reads and writes is found in its body), or on
    the CPU a top-level op of the function that reads or writes global
    buffers (a linalg op, a loop nest, a copy). Each buffer a kernel touches
    counts once, at its full size: the traffic it cannot avoid. Dynamic sizes
    are all taken as `dynamic-size`, which makes the numbers right for
    comparing two compilations of one model (fused and unfused) rather than
    absolute. `ldn-compile --report-traffic` runs it in either pipeline
    (GPU: on the launches before outlining).

    Example output:

    ```
    model.mlir:3:1: remark: @f: 4 kernels, reads 1048576 bytes, writes 524288 bytes (dynamic sizes taken as 64)
    ```
  }];
  let options = [
    Option<"dynamicSize", "dynamic-size", "int64_t", /*default=*/"64",
           "the size taken for every dynamic dimension">,
    Option<"perKernel", "per-kernel", "bool", /*default=*/"false",
           "also one remark per kernel">,
  ];
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

def LDNParallelLoopsToGPU : Pass<"ldn-parallel-loops-to-gpu"> {
  let summary = "Map every scf.parallel outside a kernel to a 1-D gpu.launch";
  let description = [{
    After bufferization, the upstream parts of a model (projections, norms,
    activations, copies) are `linalg` ops, lowered to `scf.parallel` loops
    whose reductions are inner `scf.for` loops. This pass turns each
    outermost `scf.parallel` that is not already inside a `gpu.launch` into
    one launch of `block-size` threads per block and as many blocks as the
    iteration space needs: the thread's global id is delinearized into the
    loop's indices (the innermost loop dimension varies fastest, so
    neighbouring threads touch neighbouring elements), and threads past the
    end do nothing. Unlike the upstream mapping (one block per outer index,
    at most three dimensions, grid limits of 65535 on y and z), any rank and
    size works.

    Before:

    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%n, %m) step (%c1, %c1) {
      %x = memref.load %in[%i, %j] : memref<?x?xf32>
      memref.store %x, %out[%i, %j] : memref<?x?xf32>
    }
    ```

    After (sketch):

    ```mlir
    gpu.launch blocks(%bx, ...) in (%gx = %blocks, ...) threads(%tx, ...) in (%sx = %c256, ...) {
      %id = ... %bx * 256 + %tx
      scf.if %id < %n * %m {
        %i, %j = delinearize %id into (%n, %m)
        ...
      }
    }
    ```
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def LDNMergeGPUModules : Pass<"ldn-merge-gpu-modules", "ModuleOp"> {
  let summary = "Move every outlined kernel into one gpu.module";
  let description = [{
    `gpu-kernel-outlining` makes one `gpu.module` per kernel. One module per
    artifact means one device binary: one fatbin, one module load when the
    artifact is loaded, and one PTX file for `ptxas` to check. Launches are
    redirected to the merged module; kernel names stay unique because
    outlining already made them so.

    Before: `gpu.module @f_kernel { gpu.func @f_kernel ... }` and
    `gpu.module @f_kernel_0 { gpu.func @f_kernel_0 ... }`.
    After: `gpu.module @ldn_kernels { gpu.func @f_kernel ... gpu.func @f_kernel_0 ... }`.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def LDNLinkCUDABinaries : Pass<"ldn-link-cuda-binaries", "ModuleOp"> {
  let summary = "Assemble the PTX of every chip and package it in one fatbin";
  let description = [{
    Runs after `gpu-module-to-binary{format=isa}`, which leaves one PTX
    object per requested chip in each `gpu.binary`. With `format = fatbin`
    each PTX is assembled by `ptxas` for its chip and the cubins, plus the
    PTX of the newest chip (so newer GPUs can JIT it), are packaged by
    `fatbinary` into one object, which the runtime loads on whatever GPU it
    finds. `format = bin` assembles the single chip's cubin; `format = isa`
    keeps PTX (several chips: a fatbin of PTX images). The tools come from
    the CUDA toolkit at `cuda-path`.
  }];
  let options = [
    Option<"format", "format", "std::string", /*default=*/"\"fatbin\"",
           "isa (PTX), bin (cubin, one chip) or fatbin">,
    Option<"cudaPath", "cuda-path", "std::string", /*default=*/"\"\"",
           "The CUDA toolkit (default: $CUDA_PATH, else /usr/local/cuda)">,
    Option<"optLevel", "opt-level", "unsigned", /*default=*/"3",
           "ptxas optimization level">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

//===----------------------------------------------------------------------===//
// The GPU emulator (docs/emulator.md)
//===----------------------------------------------------------------------===//

def LDNEmuLowerKernels : Pass<"ldn-emu-lower-kernels",
                              "::mlir::gpu::GPUModuleOp"> {
  let summary = "Lower a gpu.module's kernels to host code for the emulator";
  let description = [{
    Compiles the kernels of an outlined `gpu.module` (gpu, memref, scf, cf,
    arith, math, vector, affine) to the LLVM dialect for the host CPU, so
    that the runtime's emulator can run each kernel once per emulated GPU
    thread. GPU operations become calls to the runtime's intrinsics
    (`ldnemu_thread_id`, `ldnemu_barrier`, `ldnemu_shuffle_i32`, ...);
    workgroup attributions become views at fixed offsets of the block's
    shared arena (`ldnemu_shared_base()`), each 16-byte aligned, and
    `gpu.dynamic_shared_memory` the part after them; `cf.assert` fails the
    launch through `ldnemu_assert_fail`. Every load, store and atomic that
    may touch global or shared memory is preceded by
    `if (ldnemu_check_enabled) ldnemu_check_access(address, bytes, kind)`:
    under `LDN_EMU_CHECK=1` the runtime checks bounds and shared-memory
    races.

    Each kernel `K` becomes an exported `void K(void **params)`, where
    `params[i]` points to the i-th argument of the LLVM-lowered kernel
    (memref descriptors expanded, as `gpu-to-llvm` passes them), and an
    exported `const uint64_t __ldnemu_shared_bytes_K`, the bytes of its
    static workgroup memory.

    Before:

    ```mlir
    gpu.func @k(%a: memref<?xf32>) workgroup(%w: memref<32xf32, #gpu.address_space<workgroup>>) kernel {
      %t = gpu.thread_id x
      ...
      gpu.barrier
      gpu.return
    }
    ```

    After (sketch):

    ```mlir
    llvm.func internal @__ldnemu_kernel_k(%alloc: !llvm.ptr, %aligned: !llvm.ptr, %off: i64, %size: i64, %stride: i64) {
      %base = llvm.call @ldnemu_shared_base() : () -> !llvm.ptr
      %t = llvm.call @ldnemu_thread_id(%c0) : (i32) -> i64
      ...
      llvm.call @ldnemu_barrier() : () -> ()
    }
    llvm.func @k(%params: !llvm.ptr) attributes {gpu.kernel} { ... }
    llvm.mlir.global external constant @__ldnemu_shared_bytes_k(128 : i64) : i64
    ```
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def LDNEmuAttachTarget : Pass<"ldn-emu-attach-target", "ModuleOp"> {
  let summary = "Mark every gpu.module for compilation by the emulator target";
  let description = [{
    Sets `#ldn_emu.target<O = ..., mcpu = ...>` as the only target of every
    `gpu.module`, so that upstream `gpu-module-to-binary` replaces it with a
    `gpu.binary` whose object is the emulator payload: `LDNEMU01` followed
    by an ELF shared object for the host (the counterpart of
    `nvvm-attach-target`).
  }];
  let options = [
    Option<"optLevel", "O", "unsigned", /*default=*/"3",
           "LLVM optimization level of the kernels">,
    Option<"cpu", "mcpu", "std::string", /*default=*/"\"native\"",
           "CPU to generate the kernels for (native or an LLVM CPU name)">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

#endif // LDN_COMPILER_TARGET_PASSES_TD
