// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s
// The FFT is generated code, never a library call.
// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s --check-prefix=NO-CALL
// NO-CALL-NOT: call
// A lower threshold moves a static T = 100 to the FFT.
// RUN: ldn-opt %s --ldn-to-linalg="fft-threshold=64" -split-input-file | FileCheck %s --check-prefix=LOW

// direct, bidirectional, dynamic B, T and kernel length: the even kernel
// length is asserted; the kernel is transposed once to [Lk, C]; an scf.for
// over the batch rows accumulates each row [1, T, C] from zero and inserts
// it: one scf.for over the past lags j < min(L, T) adds kernel[j] *
// v[b, 0:T-j] into acc[0, j:T], one over the future offsets 1 <= d <=
// min(L, T-1) adds kernel[2L-d] * v[b, d:T] into acc[0, 0:T-d]; each step
// is one parallel generic with the kernel row broadcast along t and C
// innermost.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[CHANNEL:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @direct_bidirectional
// CHECK-SAME: %[[V:[a-z0-9]+]]: tensor<?x?x16xf32>, %[[K:[a-z0-9]+]]: tensor<16x?xf32>
// CHECK: arith.remui
// CHECK: cf.assert %{{.*}}, "ldn.long_conv: a bidirectional 'kernel' must hold an even number 2L of lags"
// CHECK: %[[HALF:[a-z0-9_]+]] = arith.divui
// CHECK: %[[KT0:[a-z0-9_]+]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<16x?xf32>) outs(%{{.*}} : tensor<?x16xf32>)
// CHECK: %[[KT:[a-z0-9_]+]] = tensor.insert_slice %[[KT0]]
// CHECK: %[[OUT:[a-z0-9_]+]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?x16xf32>
// CHECK: %[[Y:[a-z0-9_]+]] = scf.for %[[B:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[RES:[a-z0-9_]+]] = %[[OUT]]) -> (tensor<?x?x16xf32>)
// CHECK: %[[VROW:[a-z0-9_]+]] = tensor.extract_slice %[[V]][%[[B]], 0, 0] [1, %{{.*}}, 16] [1, 1, 1] : tensor<?x?x16xf32> to tensor<1x?x16xf32>
// CHECK: %[[ZERO:[a-z0-9_]+]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x?x16xf32>)
// CHECK: %[[PASTEND:[a-z0-9_]+]] = arith.minsi %[[HALF]], %{{.*}} : index
// CHECK: %[[PAST:[a-z0-9_]+]] = scf.for %[[J:[a-z0-9_]+]] = %{{.*}} to %[[PASTEND]] step %{{.*}} iter_args(%[[ACC:[a-z0-9_]+]] = %[[ZERO]]) -> (tensor<1x?x16xf32>)
// CHECK: %[[ROW:[a-z0-9_]+]] = tensor.extract_slice %[[KT]][%[[J]], 0] [1, 16] [1, 1] : tensor<?x16xf32> to tensor<16xf32>
// CHECK: %[[VW:[a-z0-9_]+]] = tensor.extract_slice %[[VROW]][0, %{{.*}}, 0]
// CHECK: %[[AW:[a-z0-9_]+]] = tensor.extract_slice %[[ACC]][0, %[[J]], 0]
// CHECK: %[[UPD:[a-z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CHANNEL]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[VW]], %[[ROW]] : tensor<1x?x16xf32>, tensor<16xf32>) outs(%[[AW]] : tensor<1x?x16xf32>)
// CHECK: tensor.insert_slice %[[UPD]] into %[[ACC]][0, %[[J]], 0]
// CHECK: %[[FUTUREEND:[a-z0-9_]+]] = arith.minsi
// CHECK: %[[TWICE:[a-z0-9_]+]] = arith.addi %[[HALF]], %[[HALF]] : index
// CHECK: %[[ALL:[a-z0-9_]+]] = scf.for %[[D:[a-z0-9_]+]] = %{{.*}} to %[[FUTUREEND]] step %{{.*}} iter_args(%[[ACC2:[a-z0-9_]+]] = %[[PAST]])
// CHECK: %[[FROW:[a-z0-9_]+]] = arith.subi %[[TWICE]], %[[D]] : index
// CHECK: tensor.extract_slice %[[KT]][%[[FROW]], 0] [1, 16]
// CHECK: tensor.extract_slice %[[VROW]][0, %[[D]], 0]
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[CHANNEL]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: %[[INS:[a-z0-9_]+]] = tensor.insert_slice %[[ALL]] into %[[RES]][%[[B]], 0, 0] [1, %{{.*}}, 16] [1, 1, 1]
// CHECK: scf.yield %[[INS]]
// CHECK: return %[[Y]]
func.func @direct_bidirectional(%v: tensor<?x?x16xf32>, %k: tensor<16x?xf32>) -> tensor<?x?x16xf32> {
  %y = ldn.long_conv %v, %k {bidirectional = true, strategy = #ldn.conv_strategy<direct>}
       : tensor<?x?x16xf32>, tensor<16x?xf32> -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// direct, causal, f16, static: per batch row one scf.for over lags
// j < min(Lk, T), v widened inside the generic, the f32 sum narrowed once.
// CHECK-LABEL: func.func @direct_causal_half
// CHECK-NOT: cf.assert
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<4x5xf16>) outs(%{{.*}} : tensor<5x4xf32>)
// CHECK: %[[SUM:[a-z0-9_]+]] = scf.for {{.*}} -> (tensor<2x7x4xf32>)
// CHECK: scf.for {{.*}} -> (tensor<1x7x4xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x?x4xf16>, tensor<4xf32>) outs(%{{.*}} : tensor<1x?x4xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK-NOT: scf.for
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x7x4xf32>) outs(%{{.*}} : tensor<2x7x4xf16>)
// CHECK: arith.truncf
func.func @direct_causal_half(%v: tensor<2x7x4xf16>, %k: tensor<4x5xf16>) -> tensor<2x7x4xf16> {
  %y = ldn.long_conv %v, %k {strategy = #ldn.conv_strategy<direct>}
       : tensor<2x7x4xf16>, tensor<4x5xf16> -> tensor<2x7x4xf16>
  return %y : tensor<2x7x4xf16>
}

// -----

// fft: n = 2^ceil(log2(T + min(L, T))) via ctlz; v is embedded in zero
// planes [2, B, n, C] (real, imaginary); the circular kernel puts lags
// 0..Le-1 first and kernel[2L-Le .. 2L-1] at rows n-Le..n-1; one twiddle
// table [2, n/2] in f64 cos/sin; each transform is an scf.for over pairs of
// radix-2 stages (one 5-D parallel generic per stage, C innermost, the stage
// result stored back with a rank-expanding insert_slice) and an scf.if for
// an odd last stage; then the pointwise product, the inverse transform and
// the real plane at t < T.
// CHECK-LABEL: func.func @fft_bidirectional
// CHECK-SAME: %[[V:[a-z0-9]+]]: tensor<2x100x8xf32>, %[[K:[a-z0-9]+]]: tensor<8x16xf32>
// CHECK: math.ctlz
// CHECK: %[[N:[a-z0-9_]+]] = arith.shli
// CHECK: %[[PLANES:[a-z0-9_]+]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x2x?x8xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %[[PLANES]][0, 0, 0, 0] [1, 2, 100, 8]
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<8x?xf32>) outs(%{{.*}} : tensor<?x8xf32>)
// CHECK: %[[TAIL:[a-z0-9_]+]] = arith.subi %[[N]], %{{.*}} : index
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<8x?xf32>) outs(%{{.*}} : tensor<?x8xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[%[[TAIL]], 0]
// CHECK: %[[TW:[a-z0-9_]+]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel"]} outs(%{{.*}} : tensor<2x?xf32>)
// CHECK-DAG: math.sin %{{.*}} : f64
// CHECK-DAG: math.cos %{{.*}} : f64
// CHECK: scf.for {{.*}} -> (tensor<1x2x2x?x2x8xf32>)
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3], [4]]
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins({{.*}} : tensor<2x2x2x?x8xf32>, {{.*}}) outs(%{{.*}} : tensor<2x2x?x2x8xf32>)
// CHECK: tensor.extract %[[TW]]
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0, 0, 0] [1, 2, 2, %{{.*}}, 2, 8] [1, 1, 1, 1, 1, 1] : tensor<2x2x?x2x8xf32> into tensor<1x2x2x?x2x8xf32>
// CHECK: scf.if %{{.*}} -> (tensor<2x2x?x8xf32>)
// CHECK: scf.for {{.*}} -> (tensor<1x2x1x?x2x8xf32>)
// CHECK: scf.if %{{.*}} -> (tensor<2x1x?x8xf32>)
// CHECK: %[[PRODUCT:[a-z0-9_]+]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins({{.*}} : tensor<2x2x?x8xf32>, tensor<2x2x?x8xf32>, tensor<2x1x?x8xf32>, tensor<2x1x?x8xf32>) outs(%{{.*}} : tensor<2x2x?x8xf32>)
// CHECK: scf.for {{.*}} -> (tensor<1x2x2x2x?x8xf32>)
// CHECK: %[[TIME:[a-z0-9_]+]] = scf.if %{{.*}} -> (tensor<2x2x?x8xf32>)
// CHECK: %[[Y:[a-z0-9_]+]] = tensor.extract_slice %[[TIME]][0, 0, 0, 0] [1, 2, 100, 8] [1, 1, 1, 1] : tensor<2x2x?x8xf32> to tensor<2x100x8xf32>
// CHECK: return %[[Y]]
func.func @fft_bidirectional(%v: tensor<2x100x8xf32>, %k: tensor<8x16xf32>) -> tensor<2x100x8xf32> {
  %y = ldn.long_conv %v, %k {bidirectional = true, strategy = #ldn.conv_strategy<fft>}
       : tensor<2x100x8xf32>, tensor<8x16xf32> -> tensor<2x100x8xf32>
  return %y : tensor<2x100x8xf32>
}

// -----

// auto with a dynamic T: both strategies, chosen at run time by T >= 1024.
// CHECK-LABEL: func.func @auto_dynamic
// CHECK: %[[T:[a-z0-9_]+]] = tensor.dim %{{.*}}, %{{.*}} : tensor<?x?x8xf32>
// CHECK: %[[THRESHOLD:[a-z0-9_]+]] = arith.constant 1024 : index
// CHECK: %[[USEFFT:[a-z0-9_]+]] = arith.cmpi sge, %[[T]], %[[THRESHOLD]] : index
// CHECK: %[[Y:[a-z0-9_]+]] = scf.if %[[USEFFT]] -> (tensor<?x?x8xf32>)
// CHECK: math.ctlz
// CHECK: } else {
// CHECK-NOT: math.ctlz
// CHECK: scf.for
// CHECK: return %[[Y]]
func.func @auto_dynamic(%v: tensor<?x?x8xf32>, %k: tensor<8x32xf32>) -> tensor<?x?x8xf32> {
  %y = ldn.long_conv %v, %k : tensor<?x?x8xf32>, tensor<8x32xf32> -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

// -----

// auto with a static T is decided at compile time: T = 100 < 1024 is direct
// (the FFT with --ldn-to-linalg="fft-threshold=64").
// CHECK-LABEL: func.func @auto_static_short
// CHECK-NOT: scf.if
// CHECK-NOT: math.ctlz
// CHECK: return
// LOW-LABEL: func.func @auto_static_short
// LOW-NOT: scf.if %{{.*}} -> (tensor<1x100x8xf32>)
// LOW: math.ctlz
func.func @auto_static_short(%v: tensor<1x100x8xf32>, %k: tensor<8x32xf32>) -> tensor<1x100x8xf32> {
  %y = ldn.long_conv %v, %k : tensor<1x100x8xf32>, tensor<8x32xf32> -> tensor<1x100x8xf32>
  return %y : tensor<1x100x8xf32>
}

// -----

// T = 2048 >= 1024: the FFT, no run-time choice.
// CHECK-LABEL: func.func @auto_static_long
// CHECK: math.ctlz
// CHECK-NOT: scf.if %{{.*}} -> (tensor<1x2048x8xf32>)
func.func @auto_static_long(%v: tensor<1x2048x8xf32>, %k: tensor<8x32xf32>) -> tensor<1x2048x8xf32> {
  %y = ldn.long_conv %v, %k : tensor<1x2048x8xf32>, tensor<8x32xf32> -> tensor<1x2048x8xf32>
  return %y : tensor<1x2048x8xf32>
}
