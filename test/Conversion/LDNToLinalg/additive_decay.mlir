// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s

// Causal with a sink, dynamic B and T: k viewed as [B,T,C] (C = H*d = 32);
// an scf.for over b, then over t, carries the running log-sum-exp z [C]
// (filled with the sink, and again after each batch) and both results; each
// step is one elementwise generic over the row's C channels with three
// outputs (z in place, the k_norm and decay rows of the step). exp and log1p
// are inline polynomials (math.fma), k_norm one division; no math.exp or
// math.log1p is left.
// CHECK-LABEL: func.func @causal_sink
// CHECK-SAME: %[[K:[a-z0-9]+]]: tensor<?x?x8x4xf32>
// CHECK: %[[KF:.*]] = tensor.collapse_shape %[[K]] {{\[\[}}0], [1], [2, 3]] : tensor<?x?x8x4xf32> into tensor<?x?x32xf32>
// CHECK: %[[KN0:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?x32xf32>
// CHECK: %[[D0:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?x32xf32>
// CHECK: %[[SINK:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[Z0:.*]] = linalg.fill ins(%[[SINK]] : f32) outs(%{{.*}} : tensor<32xf32>)
// CHECK: %[[BATCH:.*]]:3 = scf.for %[[B:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ZB:.*]] = %[[Z0]], %[[KNB:.*]] = %[[KN0]], %[[DB:.*]] = %[[D0]]) -> (tensor<32xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>)
// CHECK: %[[TIME:.*]]:3 = scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[Z:.*]] = %[[ZB]], %[[KN:.*]] = %[[KNB]], %[[D:.*]] = %[[DB]])
// CHECK: %[[KT:.*]] = tensor.extract_slice %[[KF]][%[[B]], %[[T]], 0] [1, 1, 32] [1, 1, 1] : tensor<?x?x32xf32> to tensor<32xf32>
// CHECK: %[[KNT:.*]] = tensor.extract_slice %[[KN]][%[[B]], %[[T]], 0] [1, 1, 32] [1, 1, 1] : tensor<?x?x32xf32> to tensor<32xf32>
// CHECK: %[[DT:.*]] = tensor.extract_slice %[[D]][%[[B]], %[[T]], 0] [1, 1, 32] [1, 1, 1] : tensor<?x?x32xf32> to tensor<32xf32>
// CHECK: %[[STEP:.*]]:3 = linalg.generic {{{.*}}iterator_types = ["parallel"]} ins(%[[KT]] : tensor<32xf32>) outs(%[[Z]], %[[KNT]], %[[DT]] : tensor<32xf32>, tensor<32xf32>, tensor<32xf32>)
// CHECK-NOT: math.exp
// CHECK-NOT: math.log1p
// CHECK: math.fma
// CHECK: arith.divf
// CHECK: linalg.yield
// CHECK: %[[KNI:.*]] = tensor.insert_slice %[[STEP]]#1 into %[[KN]][%[[B]], %[[T]], 0] [1, 1, 32] [1, 1, 1]
// CHECK: %[[DI:.*]] = tensor.insert_slice %[[STEP]]#2 into %[[D]][%[[B]], %[[T]], 0] [1, 1, 32] [1, 1, 1]
// CHECK: scf.yield %[[STEP]]#0, %[[KNI]], %[[DI]]
// CHECK: %[[ZR:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[TIME]]#0 : tensor<32xf32>)
// CHECK: scf.yield %[[ZR]], %[[TIME]]#1, %[[TIME]]#2
// CHECK: %[[KNR:.*]] = tensor.expand_shape %[[BATCH]]#1 {{\[\[}}0], [1], [2, 3]] output_shape [%{{.*}}, %{{.*}}, 8, 4] : tensor<?x?x32xf32> into tensor<?x?x8x4xf32>
// CHECK: %[[DR:.*]] = tensor.expand_shape %[[BATCH]]#2 {{\[\[}}0], [1], [2, 3]]
// CHECK: return %[[KNR]], %[[DR]]
func.func @causal_sink(%k: tensor<?x?x8x4xf32>) -> (tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>) {
  %kn, %d = ldn.additive_decay %k {sink = 0.5 : f32}
      : tensor<?x?x8x4xf32> -> tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>
  return %kn, %d : tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>
}

// -----

// Without a sink the running log-sum-exp starts at -inf (the empty sum).
// CHECK-LABEL: func.func @causal_no_sink
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[Z0:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<32xf32>)
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[Z0]], {{.*}}) -> (tensor<32xf32>, tensor<2x7x32xf32>, tensor<2x7x32xf32>)
func.func @causal_no_sink(%k: tensor<2x7x8x4xf32>) -> (tensor<2x7x8x4xf32>, tensor<2x7x8x4xf32>) {
  %kn, %d = ldn.additive_decay %k : tensor<2x7x8x4xf32> -> tensor<2x7x8x4xf32>, tensor<2x7x8x4xf32>
  return %kn, %d : tensor<2x7x8x4xf32>, tensor<2x7x8x4xf32>
}

// -----

// f16 keys: the step extends k to f32; the carried state and results are f32.
// CHECK-LABEL: func.func @causal_f16
// CHECK: scf.for {{.*}} -> (tensor<32xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<32xf16>)
// CHECK: arith.extf %{{.*}} : f16 to f32
func.func @causal_f16(%k: tensor<?x?x8x4xf16>) -> (tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>) {
  %kn, %d = ldn.additive_decay %k : tensor<?x?x8x4xf16> -> tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>
  return %kn, %d : tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>
}

// -----

// H and d both dynamic: [H,d] is not flattened (expand-strided-metadata
// cannot expand it back), so the step is a generic over (h, c).
// CHECK-LABEL: func.func @causal_dynamic_channels
// CHECK-NOT: tensor.collapse_shape
// CHECK: scf.for {{.*}} -> (tensor<?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
// CHECK: scf.for
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel", "parallel"]} ins(%{{.*}} : tensor<?x?xf32>) outs(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>)
// CHECK-NOT: tensor.expand_shape
// CHECK: return
func.func @causal_dynamic_channels(%k: tensor<?x?x?x?xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) {
  %kn, %d = ldn.additive_decay %k : tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>
  return %kn, %d : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>
}

// -----

// Non-causal: decay is one fill of zeros. Per batch, the maximum m and the
// sum of exp(k - m) over t are gathered in chunks of min(1024, 2^18 / C)
// rows: the first chunk's maximum, then per chunk one generic reducing over
// t that adds this chunk's exp(k - shift) to a partial sum while taking the
// next chunk's maximum, one for this chunk's remaining rows, and a per-channel
// merge; then one parallel generic over [T, C] writes k_norm.
// CHECK-LABEL: func.func @non_causal
// CHECK-SAME: %[[K:[a-z0-9]+]]: tensor<?x?x8x4xf16>
// CHECK: %[[KF:.*]] = tensor.collapse_shape %[[K]]
// CHECK: %[[KN0:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?x32xf32>
// CHECK: %[[DECAY:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x?x32xf32>)
// CHECK: arith.constant 1024 : index
// CHECK: arith.constant 262144 : index
// CHECK: %[[BATCH:.*]]:5 = scf.for {{.*}} -> (tensor<32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<?x?x32xf32>)
// CHECK: %[[FIRST:.*]] = linalg.generic {{{.*}}iterator_types = ["reduction", "parallel"]} ins(%{{.*}} : tensor<?x32xf16>) outs(%{{.*}} : tensor<32xf32>)
// CHECK: arith.select
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel"]} ins(%[[FIRST]], %{{.*}} : tensor<32xf32>, tensor<32xf32>)
// CHECK: %[[CHUNKS:.*]]:4 = scf.for
// CHECK: %[[PAIRED:.*]]:2 = linalg.generic {{{.*}}iterator_types = ["reduction", "parallel"]} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x32xf16>, tensor<?x32xf16>, tensor<32xf32>) outs(%{{.*}}, %{{.*}} : tensor<32xf32>, tensor<32xf32>)
// CHECK: math.fma
// CHECK: %[[REST:.*]] = linalg.generic {{{.*}}iterator_types = ["reduction", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<?x32xf16>, tensor<32xf32>) outs(%[[PAIRED]]#0 : tensor<32xf32>)
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel"]} ins(%[[PAIRED]]#1, %[[REST]] : tensor<32xf32>, tensor<32xf32>)
// CHECK: scf.yield
// CHECK: %[[SCALE:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel"]} outs(%[[CHUNKS]]#1 : tensor<32xf32>)
// CHECK: arith.divf
// CHECK: %[[KNB:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel"]} ins(%{{.*}}, %[[CHUNKS]]#0, %[[SCALE]] : tensor<?x32xf16>, tensor<32xf32>, tensor<32xf32>) outs(%{{.*}} : tensor<?x32xf32>)
// CHECK: tensor.insert_slice %[[KNB]]
// CHECK: scf.yield
// CHECK-NOT: math.exp
// CHECK: %[[KNR:.*]] = tensor.expand_shape %[[BATCH]]#4
// CHECK: %[[DR:.*]] = tensor.expand_shape %[[DECAY]]
// CHECK: return %[[KNR]], %[[DR]]
func.func @non_causal(%k: tensor<?x?x8x4xf16>) -> (tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>) {
  %kn, %d = ldn.additive_decay %k {causal = false}
      : tensor<?x?x8x4xf16> -> tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>
  return %kn, %d : tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>
}
