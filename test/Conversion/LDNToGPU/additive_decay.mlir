// RUN: ldn-opt %s --ldn-to-gpu -split-input-file | FileCheck %s
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels -split-input-file | FileCheck %s --check-prefix=KERNEL
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels --inline --symbol-dce --canonicalize -split-input-file | FileCheck %s --check-prefix=SPEC

// k [B,T,H,d] is viewed as [B,T,H*d], both results are fresh buffers with
// the same view; the sink is the scan's initial log-sum-exp.
// CHECK-LABEL: func.func @sink
//       CHECK:   %[[KV:.*]] = memref.reinterpret_cast %{{.*}} to offset: [%c0], sizes: [%[[B:.*]], %[[T:.*]], %c16], strides: [%{{.*}}, %c16, %c1]
//       CHECK:   %[[KN:.*]] = memref.alloc(%[[B]], %[[T]]) : memref<?x?x2x8xf32>
//       CHECK:   %[[D:.*]] = memref.alloc(%[[B]], %[[T]]) : memref<?x?x2x8xf32>
//       CHECK:   %[[KNV:.*]] = memref.reinterpret_cast %[[KN]] to offset: [%c0], sizes: [%[[B]], %[[T]], %c16]
//       CHECK:   %[[DV:.*]] = memref.reinterpret_cast %[[D]] to offset: [%c0], sizes: [%[[B]], %[[T]], %c16]
//       CHECK:   call @ldn_gpu_additive_decay(%[[KV]], %[[KNV]], %[[DV]], %true, %cst)
//       CHECK:   bufferization.to_tensor %[[KN]] restrict writable
//       CHECK:   bufferization.to_tensor %[[D]] restrict writable
//       CHECK: func.func private @ldn_gpu_additive_decay({{.*}}) attributes {ldn.gpu_kernel = "additive_decay"}

// Causal: a chunked scan, 32 channels x 8 warps per block, the keys and the
// double-buffered warp aggregates in workgroup memory, one barrier per chunk.
// KERNEL-LABEL: func.func private @ldn_gpu_additive_decay
//   KERNEL-NOT:   ldn.gpu_kernel
//       KERNEL:   gpu.launch
//  KERNEL-SAME:     threads({{.*}}) in ({{.*}} = %c32, {{.*}} = %c8, {{.*}} = %c1)
//  KERNEL-SAME:     workgroup({{.*}} : memref<8x8x32xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<2x8x32xf32, #gpu.address_space<workgroup>>)
//       KERNEL:     scf.for
//       KERNEL:       gpu.barrier
//   KERNEL-NOT:       gpu.barrier
//       KERNEL:   } else {

// Specialized to the causal form: only the scan's launch remains.
// SPEC-LABEL: func.func @sink
//       SPEC:   gpu.launch
//  SPEC-SAME:     workgroup({{.*}} : memref<8x8x32xf32, #gpu.address_space<workgroup>>
//       SPEC:       math.log1p
//   SPEC-NOT:   gpu.launch
func.func @sink(%k: tensor<?x?x2x8xf32>) -> (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>) {
  %kn, %d = ldn.additive_decay %k {sink = 0.5 : f32} : tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
  return %kn, %d : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
}

// -----

// bf16 keys are computed in f32; no sink is z_{-1} = -inf; non-causal is a
// flag.
// CHECK-LABEL: func.func @global_brain
//       CHECK:   arith.extf
//       CHECK:   call @ldn_gpu_additive_decay({{.*}}, %false, %cst)
//  CHECK-SAME:     memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>

// Non-causal: the per-split (max, sum) partials in a [2, P, B, C] scratch,
// then a second launch normalizes.
// SPEC-LABEL: func.func @global_brain
//       SPEC:   %[[PARTS:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<2x?x?x256xf32>
//       SPEC:   gpu.launch
//  SPEC-SAME:     workgroup({{.*}} : memref<8x32xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<8x32xf32, #gpu.address_space<workgroup>>)
//       SPEC:     gpu.barrier
//       SPEC:   gpu.launch
//   SPEC-NOT:     gpu.barrier
//       SPEC:   memref.dealloc %[[PARTS]]
func.func @global_brain(%k: tensor<?x?x4x64xbf16>) -> (tensor<?x?x4x64xf32>, tensor<?x?x4x64xf32>) {
  %kn, %d = ldn.additive_decay %k {causal = false} : tensor<?x?x4x64xbf16> -> tensor<?x?x4x64xf32>, tensor<?x?x4x64xf32>
  return %kn, %d : tensor<?x?x4x64xf32>, tensor<?x?x4x64xf32>
}
