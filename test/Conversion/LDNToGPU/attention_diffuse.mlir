// RUN: ldn-opt %s --ldn-to-gpu -split-input-file | FileCheck %s
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels -split-input-file | FileCheck %s --check-prefix=KERNEL

// q, k, v become [B, T, H, d|e] views; lengths are checked on the host and
// passed as i32; the globals, sorted and unique, and the coefficients are
// host constants; the pattern's rules and the mode are scalars.
// CHECK-LABEL: func.func @sparse_ppr
//  CHECK-SAME:   %[[Q:.*]]: tensor<?x?x2x4xf32>, %[[K:.*]]: tensor<?x?x2x4xf32>, %[[V:.*]]: tensor<?x?x2x3xf32>, %[[LEN:.*]]: tensor<?xi32>
//       CHECK:   %[[G:.*]] = arith.constant dense<[0, 5, 100000]> : tensor<3xi64>
//       CHECK:   scf.for
//       CHECK:     tensor.extract %[[LEN]]
//       CHECK:     cf.assert %{{.*}}, "'ldn.attention_diffuse' op every 'lengths' value must be in [0, T]"
//       CHECK:   %[[QV:.*]] = memref.reinterpret_cast
//       CHECK:   %[[KV:.*]] = memref.reinterpret_cast
//       CHECK:   %[[VV:.*]] = memref.reinterpret_cast
//       CHECK:   %[[LB:.*]] = bufferization.to_buffer %[[LEN]] read_only : tensor<?xi32> to memref<?xi32>
//       CHECK:   bufferization.to_buffer %[[G]] read_only : tensor<3xi64>
//       CHECK:   %[[OUT:.*]] = memref.alloc(
//       CHECK:   %[[OV:.*]] = memref.reinterpret_cast %[[OUT]]
//       CHECK:   call @ldn_gpu_attention_diffuse(%[[QV]], %[[KV]], %[[VV]], %[[LB]], %{{.*}}, %{{.*}}, %[[OV]], %true, %false, %true, %c8, %c4, %c2, %c7_i64, %cst{{.*}}, %c0, %c3, %cst{{.*}})
//       CHECK:   bufferization.to_tensor %[[OUT]] restrict writable
//       CHECK: func.func private @ldn_gpu_attention_diffuse({{.*}}) attributes {ldn.gpu_kernel = "attention_diffuse"}

// The kernels: the weights (8 queries x 32 keys per block, K and Q staged in
// workgroup memory, warp shuffles for the softmax), then one launch per hop
// (256 threads, a lane group per query).
// KERNEL-LABEL: func.func private @ldn_gpu_attention_diffuse(
//   KERNEL-NOT:   ldn.gpu_kernel
//       KERNEL:   gpu.launch
//  KERNEL-SAME:     threads({{.*}}) in (%{{[^ ]*}} = %c32, %{{[^ ]*}} = %c8, %{{[^ ]*}} = %c1)
//  KERNEL-SAME:     workgroup(%{{[^ ]*}} : memref<32x65xf32, #gpu.address_space<workgroup>>, %{{[^ ]*}} : memref<8x64xf32, #gpu.address_space<workgroup>>
//       KERNEL:     gpu.barrier
//       KERNEL:     gpu.barrier
//       KERNEL:     call @ldn_gpu_attention_diffuse_warp_max
//       KERNEL:     call @ldn_gpu_attention_diffuse_warp_sum
//       KERNEL:   scf.for
//       KERNEL:     gpu.launch
//  KERNEL-SAME:       threads({{.*}}) in (%{{[^ ]*}} = %c256, %{{[^ ]*}} = %c1, %{{[^ ]*}} = %c1)
//       KERNEL:   memref.dealloc
// The helpers the kernels call come along (inlined later).
// KERNEL-LABEL: func.func private @ldn_gpu_attention_diffuse_warp_sum
//       KERNEL:   gpu.shuffle xor
func.func @sparse_ppr(%q: tensor<?x?x2x4xf32>, %k: tensor<?x?x2x4xf32>, %v: tensor<?x?x2x3xf32>, %lengths: tensor<?xi32>) -> tensor<?x?x2x3xf32> {
  %z = ldn.attention_diffuse %q, %k, %v lengths %lengths
      {pattern = #ldn.pattern<window = 8, stride = 4, globals = [5, 0, 100000, 5], random = 2, seed = 7, causal = true>,
       hops = 3, alpha = 0.2 : f32}
      : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x3xf32>, tensor<?xi32> -> tensor<?x?x2x3xf32>
  return %z : tensor<?x?x2x3xf32>
}

// -----

// f16 is computed in f32; the dense pattern has no rules; mode coeffs passes
// its coefficients; the default scale is 1/sqrt(d).
// CHECK-LABEL: func.func @half_dense_coeffs
//   CHECK-NOT:   cf.assert %{{.*}}, "'ldn.attention_diffuse' op every
//       CHECK:   arith.constant dense<[5.000000e-01, 3.000000e-01, 2.000000e-01]> : tensor<3xf32>
//       CHECK:   arith.constant dense<> : tensor<0xi64>
//       CHECK:   arith.extf
//       CHECK:   memref.alloca() : memref<1xi32>
//       CHECK:   call @ldn_gpu_attention_diffuse({{.*}}, %false, %true, %false, %c0, %c1, %c0, %c0_i64, %cst{{.*}}, %c2, %c2, %cst{{.*}})
//       CHECK:   arith.truncf
func.func @half_dense_coeffs(%q: tensor<?x?x2x16xf16>, %k: tensor<?x?x2x16xf16>, %v: tensor<?x?x2x4xf16>) -> tensor<?x?x2x4xf16> {
  %z = ldn.attention_diffuse %q, %k, %v
      {pattern = #ldn.pattern<dense>, hops = 2, mode = #ldn.diffusion_mode<coeffs>,
       coeffs = array<f32: 0.5, 0.3, 0.2>}
      : tensor<?x?x2x16xf16>, tensor<?x?x2x16xf16>, tensor<?x?x2x4xf16> -> tensor<?x?x2x4xf16>
  return %z : tensor<?x?x2x4xf16>
}
