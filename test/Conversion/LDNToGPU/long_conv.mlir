// RUN: ldn-opt %s --ldn-to-gpu -split-input-file | FileCheck %s
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels -split-input-file | FileCheck %s --check-prefix=KERNEL
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels --inline --canonicalize -split-input-file | FileCheck %s --check-prefix=SPEC

// v and the result are [B, T, C] views, the kernel its [C, Lk] buffer; the
// direction and the strategy (0 auto, 1 direct, 2 fft) are kernel operands.
// CHECK-LABEL: func.func @causal_direct
//  CHECK-SAME:   %[[V:.*]]: tensor<?x?x8xf32>, %[[K:.*]]: tensor<8x130xf32>
//       CHECK:   %[[VB:.*]] = bufferization.to_buffer %[[V]] read_only
//       CHECK:   %[[VV:.*]] = memref.reinterpret_cast %[[VB]]
//       CHECK:   %[[KB:.*]] = bufferization.to_buffer %[[K]] read_only
//       CHECK:   %[[KV:.*]] = memref.reinterpret_cast %[[KB]] to offset: [%c0], sizes: [%c8, %c130], strides: [%c130, %c1]
//       CHECK:   %[[Y:.*]] = memref.alloc(
//       CHECK:   %[[YV:.*]] = memref.reinterpret_cast %[[Y]]
//       CHECK:   call @ldn_gpu_long_conv(%[[VV]], %[[KV]], %[[YV]], %false, %c1)
//       CHECK:   bufferization.to_tensor %[[Y]] restrict writable
//       CHECK: func.func private @ldn_gpu_long_conv({{.*}}) attributes {ldn.gpu_kernel = "long_conv"}

// The host picks a kernel: the FFT one (one block of 256 threads per
// (b, c) row, the packed signal and the twiddles in dynamic shared memory,
// the scaling maxima reduced by shuffles) or the direct one (the staged v
// rows and the taps of a chunk of lags in static shared memory, 32 lanes x
// 8 warps).
// KERNEL-LABEL: func.func private @ldn_gpu_long_conv
//       KERNEL:   scf.while
//       KERNEL:   scf.if
//       KERNEL:     gpu.launch
//  KERNEL-SAME:       threads({{.*}}) in ({{.*}} = %c256, {{.*}} = %c1, {{.*}} = %c1)
//  KERNEL-SAME:       dynamic_shared_memory_size
//       KERNEL:       gpu.dynamic_shared_memory
//       KERNEL:       gpu.shuffle xor
//       KERNEL:       gpu.barrier
//       KERNEL:       gpu.barrier
//       KERNEL:   } else {
//       KERNEL:     gpu.launch
//  KERNEL-SAME:       threads({{.*}}) in ({{.*}} = %c32, {{.*}} = %c8, {{.*}} = %c1)
//  KERNEL-SAME:       workgroup({{.*}} : memref<128x32xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<64x33xf32, #gpu.address_space<workgroup>>)
//       KERNEL:       gpu.barrier
//       KERNEL:       gpu.barrier
//       KERNEL:       math.fma

// Specialized to strategy = direct: only the direct kernel is left.
// SPEC-LABEL: func.func @causal_direct
//   SPEC-NOT:   dynamic_shared_memory_size
//       SPEC:   gpu.launch
//  SPEC-SAME:     workgroup(
//   SPEC-NOT:   gpu.launch
//       SPEC:   return
func.func @causal_direct(%v: tensor<?x?x8xf32>, %k: tensor<8x130xf32>) -> tensor<?x?x8xf32> {
  %y = ldn.long_conv %v, %k {strategy = #ldn.conv_strategy<direct>} : tensor<?x?x8xf32>, tensor<8x130xf32> -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

// -----

// f16 is computed in f32; a dynamic bidirectional kernel is asserted to hold
// an even number of lags; fft passes strategy 2.
// CHECK-LABEL: func.func @bidirectional_fft
//       CHECK:   cf.assert {{.*}} "ldn.long_conv: a bidirectional 'kernel' must hold an even number 2L of lags"
//       CHECK:   arith.extf
//       CHECK:   call @ldn_gpu_long_conv({{.*}}, %true, %c2)
//       CHECK:   arith.truncf

// Whether the transform fits in shared memory is known at run time only:
// both kernels stay, the FFT one first.
// SPEC-LABEL: func.func @bidirectional_fft
//       SPEC:   scf.if
//       SPEC:     gpu.launch
//  SPEC-SAME:       dynamic_shared_memory_size
//       SPEC:   } else {
//       SPEC:     gpu.launch
//  SPEC-SAME:       workgroup(
func.func @bidirectional_fft(%v: tensor<?x?x8xf16>, %k: tensor<8x?xf32>) -> tensor<?x?x8xf16> {
  %y = ldn.long_conv %v, %k {bidirectional = true, strategy = #ldn.conv_strategy<fft>} : tensor<?x?x8xf16>, tensor<8x?xf32> -> tensor<?x?x8xf16>
  return %y : tensor<?x?x8xf16>
}
