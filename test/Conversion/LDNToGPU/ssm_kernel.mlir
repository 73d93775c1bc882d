// RUN: ldn-opt %s --ldn-to-gpu -split-input-file | FileCheck %s
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels -split-input-file | FileCheck %s --check-prefix=KERNEL

// The parameters become [N] views, the result a fresh [N, L] buffer; a
// non-constant length is checked, method and bidirectional are flags.
// CHECK-LABEL: func.func @zoh
//  CHECK-SAME:   %[[RE:[^:]*]]: tensor<16xf32>, %[[IM:[^:]*]]: tensor<16xf32>, %[[DT:[^:]*]]: tensor<16xf32>, %[[L:[^:]*]]: index
//       CHECK:   cf.assert %{{.*}}, "ldn.ssm_kernel: 'length' must be >= 0"
//       CHECK:   %[[REB:.*]] = bufferization.to_buffer %[[RE]] read_only
//       CHECK:   %[[REV:.*]] = memref.reinterpret_cast %[[REB]] to offset: [%c0], sizes: [%c16], strides: [%c1]
//       CHECK:   %[[IMV:.*]] = memref.reinterpret_cast
//       CHECK:   %[[DTV:.*]] = memref.reinterpret_cast
//       CHECK:   %[[K:.*]] = memref.alloc(%[[L]]) : memref<16x?xf32>
//       CHECK:   %[[KV:.*]] = memref.reinterpret_cast %[[K]] to offset: [%c0], sizes: [%c16, %[[L]]], strides: [%[[L]], %c1]
//       CHECK:   call @ldn_gpu_ssm_kernel(%[[REV]], %[[IMV]], %[[DTV]], %[[KV]], %[[L]], %false, %false)
//       CHECK:   bufferization.to_tensor %[[K]] restrict writable
//       CHECK: func.func private @ldn_gpu_ssm_kernel({{.*}}) attributes {ldn.gpu_kernel = "ssm_kernel"}

// The kernel: per-mode f64 parameters in a scratch buffer (128-thread
// blocks), then 256 lags per block over a (lag tiles, modes) grid; the
// scratch is freed after both launches.
// KERNEL-LABEL: func.func private @ldn_gpu_ssm_kernel
//   KERNEL-NOT:   ldn.gpu_kernel
//       KERNEL:   %[[P:.*]] = memref.alloc(%{{.*}}) : memref<?x4xf64>
//       KERNEL:   gpu.launch blocks({{.*}}) in ({{.*}}) threads({{.*}}) in ({{.*}} = %c128{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}})
//   KERNEL-NOT:     workgroup
//       KERNEL:     math.exp %{{.*}} : f64
//       KERNEL:     memref.store %{{.*}}, %[[P]]
//       KERNEL:   %[[MODES:.*]] = arith.minui %{{.*}}, %c65535 : index
//       KERNEL:   %[[GY:.*]] = arith.maxui %[[MODES]], %c1 : index
//       KERNEL:   gpu.launch blocks({{.*}}) in ({{.*}}, {{.*}} = %[[GY]], {{.*}}) threads({{.*}}) in ({{.*}} = %c256{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}})
//       KERNEL:     scf.for
//       KERNEL:       math.roundeven %{{.*}} : f64
//       KERNEL:       math.sincos %{{.*}} : f32
//       KERNEL:   memref.dealloc %[[P]]
func.func @zoh(%re: tensor<16xf32>, %im: tensor<16xf32>, %log_dt: tensor<16xf32>, %l: index) -> tensor<16x?xf32> {
  %k = ldn.ssm_kernel %re, %im, %log_dt, %l : tensor<16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<16x?xf32>
  return %k : tensor<16x?xf32>
}

// -----

// A constant length needs no check; the bidirectional result is [N, 2L].
// CHECK-LABEL: func.func @bilinear_bidir
//   CHECK-NOT:   cf.assert
//       CHECK:   %[[K:.*]] = memref.alloc() : memref<8x64xf32>
//       CHECK:   call @ldn_gpu_ssm_kernel({{.*}}, %c32{{.*}}, %true{{.*}}, %true{{.*}})
func.func @bilinear_bidir(%re: tensor<8xf32>, %im: tensor<8xf32>, %log_dt: tensor<8xf32>) -> tensor<8x64xf32> {
  %c32 = arith.constant 32 : index
  %k = ldn.ssm_kernel %re, %im, %log_dt, %c32 {method = #ldn.discretization<bilinear>, bidirectional = true}
      : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8x64xf32>
  return %k : tensor<8x64xf32>
}

// -----

// A static mode count of the result is checked against dynamic operands.
// CHECK-LABEL: func.func @dynamic_modes
//       CHECK:   cf.assert %{{.*}}, "ldn.ssm_kernel: the result must have as many modes N as 'lambda_re'"
//       CHECK:   call @ldn_gpu_ssm_kernel
func.func @dynamic_modes(%re: tensor<?xf32>, %im: tensor<?xf32>, %log_dt: tensor<?xf32>, %l: index) -> tensor<4x?xf32> {
  %k = ldn.ssm_kernel %re, %im, %log_dt, %l : tensor<?xf32>, tensor<?xf32>, tensor<?xf32> -> tensor<4x?xf32>
  return %k : tensor<4x?xf32>
}
