// RUN: ldn-opt %s --ldn-to-gpu -split-input-file | FileCheck %s
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels -split-input-file | FileCheck %s --check-prefix=KERNEL

// A 2-D grid with a class token: one call for the whole channel window
// [0, d), the grid as (stride, size) pairs (16 = 1 + 4 x 4 tokens), unused
// axis slots (1, 1).
// CHECK-LABEL: func.func @image
//  CHECK-SAME:   %[[X:.*]]: tensor<?x17x2x8xf32>, %[[TH:.*]]: tensor<2x4xf32>
//       CHECK:   %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only
//       CHECK:   %[[XV:.*]] = memref.reinterpret_cast %[[XB]] to offset: [%c0], sizes: [%{{.*}}, %c17, %c2, %c8], strides: [%c272, %c16, %c8, %c1]
//       CHECK:   %[[TB:.*]] = bufferization.to_buffer %[[TH]] read_only
//       CHECK:   %[[TV:.*]] = memref.reinterpret_cast %[[TB]]
//       CHECK:   %[[Y:.*]] = memref.alloc(%{{.*}}) : memref<?x17x2x16xf32>
//       CHECK:   %[[YV:.*]] = memref.reinterpret_cast %[[Y]] to offset: [%c0], sizes: [%{{.*}}, %c17, %c2, %c16], strides: [%c544, %c32, %c16, %c1]
//       CHECK:   call @ldn_gpu_lrpe(%[[XV]], %[[TV]], %[[YV]], %c1, %c0, %c8, %c4, %c4, %c1, %c4, %c1, %c1, %c1, %c1)
//   CHECK-NOT:   call @ldn_gpu_lrpe
//       CHECK:   bufferization.to_tensor %[[Y]] restrict writable
//       CHECK: func.func private @ldn_gpu_lrpe({{.*}}) attributes {ldn.gpu_kernel = "lrpe"}

// The kernel: one 1-D launch of 256-thread blocks striding over the output
// pairs, no workgroup memory, accurate sincos.
// KERNEL-LABEL: func.func private @ldn_gpu_lrpe
//   KERNEL-NOT:   ldn.gpu_kernel
//       KERNEL:   %[[B:.*]] = arith.maxui %{{.*}}, %c1 : index
//       KERNEL:   gpu.launch blocks({{.*}}) in ({{.*}} = %[[B]], {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads({{.*}}) in ({{.*}} = %c256{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}})
//   KERNEL-NOT:     workgroup
//       KERNEL:     scf.for
//       KERNEL:       math.sincos
//       KERNEL:       memref.store
//       KERNEL:       memref.store
//   KERNEL-NOT:   gpu.launch
//       KERNEL:   return
func.func @image(%x: tensor<?x17x2x8xf32>, %theta: tensor<2x4xf32>) -> tensor<?x17x2x16xf32> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 4, 4>, prefix = 1} : tensor<?x17x2x8xf32>, tensor<2x4xf32> -> tensor<?x17x2x16xf32>
  return %y : tensor<?x17x2x16xf32>
}

// -----

// A dynamic T is checked against prefix + Π grid before the call, and the
// views use the checked constant.
// CHECK-LABEL: func.func @dynamic_length
//       CHECK:   cf.assert %{{.*}}, "ldn.lrpe: sequence length T must equal prefix + product of grid = 65"
//       CHECK:   memref.reinterpret_cast %{{.*}} to offset: [%c0], sizes: [%{{.*}}, %c65, %c2, %c8]
//       CHECK:   call @ldn_gpu_lrpe
//       CHECK:   tensor.cast %{{.*}} : tensor<?x65x2x16xf32> to tensor<?x?x2x16xf32>
func.func @dynamic_length(%x: tensor<?x?x2x8xf32>, %theta: tensor<2x8xf32>) -> tensor<?x?x2x16xf32> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 8, 8>, prefix = 1} : tensor<?x?x2x8xf32>, tensor<2x8xf32> -> tensor<?x?x2x16xf32>
  return %y : tensor<?x?x2x16xf32>
}

// -----

// Five grid axes take two calls: axes 0-3 own channels [0, 8), axis 4 the
// window [8, 9) (d = 9 cuts it short); f16 is computed in f32.
// CHECK-LABEL: func.func @five_axes
//       CHECK:   arith.extf
//       CHECK:   call @ldn_gpu_lrpe(%{{.*}}, %{{.*}}, %{{.*}}, %c0, %c0, %c8, %c24, %c2, %c12, %c2, %c6, %c2, %c3, %c2)
//       CHECK:   call @ldn_gpu_lrpe(%{{.*}}, %{{.*}}, %{{.*}}, %c0, %c8, %c1, %c1, %c3, %c1, %c1, %c1, %c1, %c1, %c1)
//       CHECK:   arith.truncf
func.func @five_axes(%x: tensor<?x48x1x9xf16>, %theta: tensor<1x2xf16>) -> tensor<?x48x1x18xf16> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 2, 2, 2, 2, 3>} : tensor<?x48x1x9xf16>, tensor<1x2xf16> -> tensor<?x48x1x18xf16>
  return %y : tensor<?x48x1x18xf16>
}
