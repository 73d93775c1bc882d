// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s

// One scf.for over the batch: per row, the in-projection (a per-head
// contraction from a zero fill), the convolution lowered in place (here the
// direct one with its even-length check), the out-projection, and the
// epilogue applied to the row before it is inserted. Nothing of size
// [B, T, N] is made outside the loop.
// CHECK-LABEL: func.func @fused
//  CHECK-SAME:   %[[U:.*]]: tensor<?x?x6xf32>, %[[BP:.*]]: tensor<2x3x4xf32>, %[[K:.*]]: tensor<8x?xf32>, %[[CP:.*]]: tensor<2x4x3xf32>, %[[D:.*]]: tensor<6xf32>
//       CHECK:   %[[E:.*]] = tensor.empty({{.*}}) : tensor<?x?x6xf32>
//   CHECK-NOT:   tensor<?x?x8xf32>
//       CHECK:   cf.assert {{.*}} "ldn.elementwise: input #1 dimension 0 must match source dimension 0"
//       CHECK:   %[[R:.*]] = scf.for %[[B:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[E]])
//       CHECK:     %[[ROW:.*]] = tensor.extract_slice %[[U]][%[[B]], 0, 0] [1, %{{.*}}, 6] [1, 1, 1] : tensor<?x?x6xf32> to tensor<1x?x6xf32>
//       CHECK:     %[[ROW4:.*]] = tensor.expand_shape %[[ROW]] {{\[}}[0], [1], [2, 3]] {{.*}} into tensor<1x?x2x3xf32>
//       CHECK:     linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[ROW4]], %[[BP]] : tensor<1x?x2x3xf32>, tensor<2x3x4xf32>)
//       CHECK:     cf.assert {{.*}} "ldn.long_conv: a bidirectional 'kernel' must hold an even number 2L of lags"
//       CHECK:     linalg.generic {{.*}} ins(%{{.*}}, %[[CP]] : tensor<1x?x2x4xf32>, tensor<2x4x3xf32>)
//       CHECK:     %[[USL:.*]] = tensor.extract_slice %[[U]][%[[B]], 0, 0]
//       CHECK:     %[[DSL:.*]] = tensor.extract_slice %[[D]][0] [6] [1]
//       CHECK:     %[[MAP:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[USL]], %[[DSL]] : tensor<1x?x6xf32>, tensor<1x?x6xf32>, tensor<6xf32>)
//       CHECK:       arith.mulf
//       CHECK:       arith.addf
//       CHECK:     %[[INS:.*]] = tensor.insert_slice %[[MAP]] into %[[ACC]][%[[B]], 0, 0] [1, %{{.*}}, 6] [1, 1, 1]
//       CHECK:     scf.yield %[[INS]]
//       CHECK:   return %[[R]]
//   CHECK-NOT:   ldn.
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

// -----

// f16 in and out: the projections accumulate in f32, the row is converted
// back before it is inserted; a static shape keeps its type.
// CHECK-LABEL: func.func @half
//       CHECK:   scf.for {{.*}} -> (tensor<2x5x2xf16>)
//       CHECK:     arith.extf
//       CHECK:     arith.truncf
//       CHECK:     tensor.insert_slice {{.*}} : tensor<1x5x2xf16> into tensor<2x5x2xf16>
func.func @half(%u: tensor<2x5x6xf16>, %bp: tensor<1x6x3xf32>, %k: tensor<3x4xf32>, %cp: tensor<1x3x2xf32>) -> tensor<2x5x2xf16> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp
      : tensor<2x5x6xf16>, tensor<1x6x3xf32>, tensor<3x4xf32>, tensor<1x3x2xf32> -> tensor<2x5x2xf16>
  return %y : tensor<2x5x2xf16>
}

// -----

// FFT: the kernel's transform does not depend on the row, so it is hoisted
// out of the row loop (its stage loop runs once, before it); the row's own
// forward and inverse transforms stay inside.
// CHECK-LABEL: func.func @fft_kernel_hoisted
//  CHECK-SAME:   %[[K:[a-z0-9]+]]: tensor<16x?xf32>
//       CHECK:   tensor.extract_slice %[[K]]
//       CHECK:   scf.for {{.*}} -> (tensor<1x2x1x?x2x16xf32>)
//       CHECK:   scf.for {{.*}} -> (tensor<?x?x64xf32>)
//   CHECK-NOT:     tensor.extract_slice %[[K]]
//       CHECK:     scf.for {{.*}} -> (tensor<1x2x1x?x2x16xf32>)
//       CHECK:     scf.for {{.*}} -> (tensor<1x2x1x2x?x16xf32>)
func.func @fft_kernel_hoisted(%u: tensor<?x?x64xf32>, %bp: tensor<4x16x4xf32>, %k: tensor<16x?xf32>, %cp: tensor<4x4x16xf32>) -> tensor<?x?x64xf32> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp {bidirectional = true, strategy = #ldn.conv_strategy<fft>}
      : tensor<?x?x64xf32>, tensor<4x16x4xf32>, tensor<16x?xf32>, tensor<4x4x16xf32> -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
