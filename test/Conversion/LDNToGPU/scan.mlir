// RUN: ldn-opt %s --ldn-to-gpu -split-input-file | FileCheck %s
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels -split-input-file | FileCheck %s --check-prefix=KERNEL

// The operands become read-only f32 buffers viewed as [O, T, C], the
// results fresh buffers handed back with to_tensor restrict; the kernel is
// only declared until ldn-define-gpu-kernels.
// CHECK-LABEL: func.func @fwd
//  CHECK-SAME:   %[[A:.*]]: tensor<?x?x16xf32>, %[[B:.*]]: tensor<?x?x16xf32>
//       CHECK:   cf.assert
//       CHECK:   %[[AB:.*]] = bufferization.to_buffer %[[A]] read_only
//       CHECK:   %[[AV:.*]] = memref.reinterpret_cast %[[AB]]
//       CHECK:   %[[BB:.*]] = bufferization.to_buffer %[[B]] read_only
//       CHECK:   %[[BV:.*]] = memref.reinterpret_cast %[[BB]]
//       CHECK:   %[[H:.*]] = memref.alloc(
//       CHECK:   %[[L:.*]] = memref.alloc(
//       CHECK:   %[[HV:.*]] = memref.reinterpret_cast %[[H]]
//       CHECK:   %[[LV:.*]] = memref.reinterpret_cast %[[L]]
//       CHECK:   call @ldn_gpu_scan(%[[AV]], %[[BV]], %[[LV]], %[[HV]], %[[LV]], %false, %false)
//       CHECK:   bufferization.to_tensor %[[H]] restrict writable
//       CHECK:   bufferization.to_tensor %[[L]] restrict writable
//       CHECK: func.func private @ldn_gpu_scan({{.*}}) attributes {ldn.gpu_kernel = "scan"}

// The kernel: channel tiles of 32 lanes x 8 warps, the chunk's partial
// states and the warps' aggregates in workgroup memory.
// KERNEL-LABEL: func.func private @ldn_gpu_scan
//   KERNEL-NOT:   ldn.gpu_kernel
//       KERNEL:   gpu.launch
//  KERNEL-SAME:     threads(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c32, %{{.*}} = %c8, %{{.*}} = %c1)
//  KERNEL-SAME:     workgroup(%{{.*}} : memref<8x8x32xf32, #gpu.address_space<workgroup>>
//       KERNEL:     gpu.barrier
//       KERNEL:     gpu.barrier
func.func @fwd(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>) {
  %h, %l = ldn.scan %a, %b : tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>, tensor<?x16xf32>
  return %h, %l : tensor<?x?x16xf32>, tensor<?x16xf32>
}

// -----

// f16 operands are computed in f32: converted before, converted back after.
// A per-channel decay is a stride-0 view, reverse and the initial state are
// kernel flags.
// CHECK-LABEL: func.func @half_per_channel
//       CHECK:   arith.extf
//       CHECK:   %[[AB:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<16xf32>
//       CHECK:   memref.reinterpret_cast %[[AB]] to offset: [%c0], sizes: [%{{.*}}, %{{.*}}, %c16], strides: [%c0, %c0, %c1]
//       CHECK:   call @ldn_gpu_scan({{.*}}, %true, %true)
//       CHECK:   arith.truncf
func.func @half_per_channel(%a: tensor<16xf16>, %b: tensor<?x?x16xf16>, %h0: tensor<?x16xf16>) -> (tensor<?x?x16xf16>, tensor<?x16xf16>) {
  %h, %l = ldn.scan %a, %b init %h0 {reverse = true} : tensor<16xf16>, tensor<?x?x16xf16>, tensor<?x16xf16> -> tensor<?x?x16xf16>, tensor<?x16xf16>
  return %h, %l : tensor<?x?x16xf16>, tensor<?x16xf16>
}

// -----

// A per-channel decay of a scan over a middle grid axis is broadcast first.
// CHECK-LABEL: func.func @grid_axis
//       CHECK:   linalg.broadcast
//       CHECK:   call @ldn_gpu_scan
func.func @grid_axis(%a: tensor<16xf32>, %b: tensor<?x?x?x16xf32>) -> (tensor<?x?x?x16xf32>, tensor<?x?x16xf32>) {
  %h, %l = ldn.scan %a, %b {dim = 1} : tensor<16xf32>, tensor<?x?x?x16xf32> -> tensor<?x?x?x16xf32>, tensor<?x?x16xf32>
  return %h, %l : tensor<?x?x?x16xf32>, tensor<?x?x16xf32>
}
