// RUN: ldn-opt %s --ldn-to-gpu -split-input-file | FileCheck %s
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels -split-input-file | FileCheck %s --check-prefix=KERNEL

// The kernel's even length is checked first. Then three kernel calls: the
// in-projection into v [B, T, N], the long_conv kernel into x, and the
// out-projection, which applies the epilogue where it stores (its shape
// checks come first).
// CHECK-LABEL: func.func @fused
//       CHECK:   cf.assert {{.*}} "ldn.long_conv: a bidirectional 'kernel' must hold an even number 2L of lags"
//       CHECK:   %[[V:.*]] = memref.alloc({{.*}}) : memref<?x?x8xf32>
//       CHECK:   %[[VV:.*]] = memref.reinterpret_cast %[[V]]
//       CHECK:   call @ldn_gpu_ssm_conv_project(%{{.*}}, %{{.*}}, %[[VV]])
//       CHECK:   %[[X:.*]] = memref.alloc({{.*}}) : memref<?x?x8xf32>
//       CHECK:   %[[XV:.*]] = memref.reinterpret_cast %[[X]]
//       CHECK:   call @ldn_gpu_long_conv(%[[VV]], %{{.*}}, %[[XV]], %true, %c1)
//       CHECK:   %[[Y:.*]] = memref.alloc({{.*}}) : memref<?x?x6xf32>
//       CHECK:   %[[YV:.*]] = memref.reinterpret_cast %[[Y]]
//       CHECK:   cf.assert {{.*}} "ldn.elementwise: input #1 dimension 0 must match source dimension 0"
//       CHECK:   call @ldn_gpu_ssm_conv_project_fused(%[[XV]], %{{.*}}, %[[YV]], %{{.*}}, %{{.*}})
//       CHECK:   %[[R:.*]] = bufferization.to_tensor %[[Y]]
//       CHECK:   return %[[R]]
//   CHECK-NOT:   ldn.elementwise
//       CHECK: func.func private @ldn_gpu_ssm_conv_project({{.*}}) attributes {ldn.gpu_kernel = "ssm_conv"}
//       CHECK: func.func private @ldn_gpu_ssm_conv_project_fused({{.*}}) attributes {ldn.epilogue = @ldn_epilogue, ldn.epilogue_output = 2 : index

// The projection: one thread per output element over the flattened output;
// the fused copy applies the epilogue (inlined; u is read at the stored
// element's linear index) to the sum before its one store.
// KERNEL-LABEL: func.func private @ldn_gpu_ssm_conv_project(
//       KERNEL:   gpu.launch
//  KERNEL-SAME:     threads({{.*}}) in ({{.*}} = %c256, {{.*}} = %c1, {{.*}} = %c1)
//       KERNEL:     scf.for
//       KERNEL:       math.fma
//       KERNEL:     memref.store
// KERNEL-LABEL: func.func private @ldn_gpu_ssm_conv_project_fused(
//       KERNEL:   gpu.launch
//       KERNEL:     %[[SUM:.*]] = scf.for
//       KERNEL:     memref.extract_strided_metadata
//       KERNEL:     %[[OUT:.*]] = arith.addf %[[SUM]]
//       KERNEL:     memref.store %[[OUT]]
func.func @fused(%u: tensor<?x?x6xf32>, %bp: tensor<2x3x4xf32>, %k: tensor<8x?xf32>, %cp: tensor<2x4x3xf32>, %d: tensor<6xf32>) -> tensor<?x?x6xf32> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp {bidirectional = true, strategy = #ldn.conv_strategy<direct>}
      : tensor<?x?x6xf32>, tensor<2x3x4xf32>, tensor<8x?xf32>, tensor<2x4x3xf32> -> tensor<?x?x6xf32>
  %g = ldn.elementwise %y, %u, %d : tensor<?x?x6xf32>, tensor<?x?x6xf32>, tensor<6xf32> -> tensor<?x?x6xf32> {
  ^bb0(%cx: f32, %x: f32, %dd: f32):
    %dx = arith.mulf %dd, %x : f32
    %s = arith.addf %cx, %dx : f32
    ldn.yield %s : f32
  }
  return %g : tensor<?x?x6xf32>
}
