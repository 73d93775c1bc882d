// RUN: ldn-opt %s --ldn-to-gpu -split-input-file | FileCheck %s
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels -split-input-file | FileCheck %s --check-prefix=KERNEL
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels --inline --canonicalize -split-input-file | FileCheck %s --check-prefix=SPEC

// x, alpha and the result are [B, T, D] views; a per-channel alpha is the
// stride-(0, 0, 1) view. dt (the attribute), steps, causal and per_channel
// are the kernel's scalar operands.
// CHECK-LABEL: func.func @symmetric
//  CHECK-SAME:   %[[X:.*]]: tensor<?x?x16xf32>, %[[W:.*]]: tensor<4xf32>, %[[A:.*]]: tensor<16xf32>
//       CHECK:   %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only
//       CHECK:   %[[XV:.*]] = memref.reinterpret_cast %[[XB]]
//       CHECK:   %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only
//       CHECK:   %[[WV:.*]] = memref.reinterpret_cast %[[WB]]
//       CHECK:   %[[AB:.*]] = bufferization.to_buffer %[[A]] read_only
//       CHECK:   %[[AV:.*]] = memref.reinterpret_cast %[[AB]] to offset: [%c0], sizes: [%{{.*}}, %{{.*}}, %c16], strides: [%c0, %c0, %c1]
//       CHECK:   %[[Y:.*]] = memref.alloc(
//       CHECK:   %[[YV:.*]] = memref.reinterpret_cast %[[Y]]
//       CHECK:   call @ldn_gpu_diffuse(%[[XV]], %[[WV]], %[[AV]], %[[YV]], %cst, %c1, %false, %true)
//       CHECK:   bufferization.to_tensor %[[Y]] restrict writable
//       CHECK: func.func private @ldn_gpu_diffuse({{.*}}) attributes {ldn.gpu_kernel = "diffuse"}

// Two kernels: the wide one (one step per launch, neighbour rows streamed
// through a shared chunk) and the temporally blocked one (the tile and its
// halo in two shared buffers, the weights and the rates behind them, in
// dynamic shared memory).
// KERNEL-LABEL: func.func private @ldn_gpu_diffuse
//       KERNEL:   scf.for
//       KERNEL:   gpu.launch
//  KERNEL-SAME:     threads({{.*}}) in ({{.*}} = %c32, {{.*}} = %c8, {{.*}} = %c1)
//  KERNEL-SAME:     workgroup({{.*}} : memref<128x32xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<64x32xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<64x32xf32, #gpu.address_space<workgroup>>)
//       KERNEL:     gpu.barrier
//       KERNEL:     gpu.barrier
//       KERNEL:     gpu.barrier
//       KERNEL:   gpu.launch
//  KERNEL-SAME:     threads({{.*}}) in ({{.*}} = %c32, {{.*}} = %c8, {{.*}} = %c1)
//  KERNEL-SAME:     dynamic_shared_memory_size
//       KERNEL:     gpu.dynamic_shared_memory
//       KERNEL:     memref.view {{.*}} to memref<2x120x32xf32, #gpu.address_space<workgroup>>
//       KERNEL:     memref.view {{.*}} to memref<64xf32, #gpu.address_space<workgroup>>
//       KERNEL:     memref.view {{.*}} to memref<?x32xf32, #gpu.address_space<workgroup>>
//       KERNEL:     gpu.barrier
//       KERNEL:     gpu.barrier

// Specialized to a static band of 4 and one step: only the blocked kernel,
// one launch, no temporary, no shared rates (30976 bytes).
// SPEC-LABEL: func.func @symmetric
//       SPEC:   memref.alloc
//   SPEC-NOT:   memref.alloc
//       SPEC:   gpu.launch
//  SPEC-SAME:     dynamic_shared_memory_size %c30976_i32
//   SPEC-NOT:   gpu.launch
//       SPEC:   return
func.func @symmetric(%x: tensor<?x?x16xf32>, %w: tensor<4xf32>, %alpha: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = ldn.diffuse %x, %w, %alpha {dt = 0.1 : f32} : tensor<?x?x16xf32>, tensor<4xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// f16 is computed in f32; the dt operand (read on the host) takes precedence
// over the attribute; a dynamic band is asserted non-empty; a data-dependent
// alpha is a row-major view.
// CHECK-LABEL: func.func @dt_operand
//  CHECK-SAME:   %[[DT:[^:]*]]: tensor<f32>
//       CHECK:   cf.assert {{.*}} "ldn.diffuse: 'w' must hold at least one offset weight (R >= 1)"
//       CHECK:   %[[DTV:.*]] = tensor.extract %[[DT]][]
//       CHECK:   arith.extf
//       CHECK:   call @ldn_gpu_diffuse({{.*}}, %[[DTV]], %c2, %true, %false)
//       CHECK:   arith.truncf

// With R only known at run time both kernels stay, under the host loop over
// launches, with the rates in shared memory (46336 bytes) and a temporary
// for the launches that do not write the result.
// SPEC-LABEL: func.func @dt_operand
//       SPEC:   memref.alloc
//       SPEC:   memref.alloc
//       SPEC:   scf.for
//       SPEC:     gpu.launch
//  SPEC-SAME:       workgroup(
//       SPEC:     gpu.launch
//  SPEC-SAME:       dynamic_shared_memory_size %c46336_i32
//       SPEC:   memref.dealloc
func.func @dt_operand(%x: tensor<?x?x16xf16>, %w: tensor<?xf32>, %alpha: tensor<?x?x16xf32>, %dt: tensor<f32>) -> tensor<?x?x16xf16> {
  %y = ldn.diffuse %x, %w, %alpha dt %dt {steps = 2, causal = true} : tensor<?x?x16xf16>, tensor<?xf32>, tensor<?x?x16xf32>, tensor<f32> -> tensor<?x?x16xf16>
  return %y : tensor<?x?x16xf16>
}
