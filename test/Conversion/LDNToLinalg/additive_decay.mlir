// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s

// Causal with a sink, dynamic B and T: an scf.for over T carries the running
// log-sum-exp z [B,H,d] (starting at the sink) and both results; each step
// is one elementwise generic with three outputs (z in place, the k_norm and
// decay slices of the step).
// CHECK-LABEL: func.func @causal_sink
// CHECK-SAME: %[[K:[a-z0-9]+]]: tensor<?x?x8x4xf32>
// CHECK: %[[KN0:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?x8x4xf32>
// CHECK: %[[SINK:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[Z0:.*]] = linalg.fill ins(%[[SINK]] : f32) outs(%{{.*}} : tensor<?x8x4xf32>)
// CHECK: %[[D0:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?x8x4xf32>
// CHECK: %[[LOOP:.*]]:3 = scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[Z:.*]] = %[[Z0]], %[[KN:.*]] = %[[KN0]], %[[D:.*]] = %[[D0]]) -> (tensor<?x8x4xf32>, tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>)
// CHECK: %[[KNT:.*]] = tensor.extract_slice %[[KN]][0, %[[T]], 0, 0]
// CHECK: %[[DT:.*]] = tensor.extract_slice %[[D]][0, %[[T]], 0, 0]
// CHECK: %[[KT:.*]] = tensor.extract_slice %[[K]][0, %[[T]], 0, 0]
// CHECK: %[[STEP:.*]]:3 = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[KT]] : tensor<?x8x4xf32>) outs(%[[Z]], %[[KNT]], %[[DT]] : tensor<?x8x4xf32>, tensor<?x8x4xf32>, tensor<?x8x4xf32>)
// CHECK: math.log1p
// CHECK: math.exp
// CHECK: linalg.yield
// CHECK: %[[KNI:.*]] = tensor.insert_slice %[[STEP]]#1 into %[[KN]][0, %[[T]], 0, 0]
// CHECK: %[[DI:.*]] = tensor.insert_slice %[[STEP]]#2 into %[[D]][0, %[[T]], 0, 0]
// CHECK: scf.yield %[[STEP]]#0, %[[KNI]], %[[DI]]
// CHECK: return %[[LOOP]]#1, %[[LOOP]]#2
func.func @causal_sink(%k: tensor<?x?x8x4xf32>) -> (tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>) {
  %kn, %d = ldn.additive_decay %k {sink = 0.5 : f32}
      : tensor<?x?x8x4xf32> -> tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>
  return %kn, %d : tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>
}

// -----

// Without a sink the running log-sum-exp starts at -inf (the empty sum).
// CHECK-LABEL: func.func @causal_no_sink
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[Z0:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<2x8x4xf32>)
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[Z0]], {{.*}}) -> (tensor<2x8x4xf32>, tensor<2x7x8x4xf32>, tensor<2x7x8x4xf32>)
func.func @causal_no_sink(%k: tensor<2x7x8x4xf32>) -> (tensor<2x7x8x4xf32>, tensor<2x7x8x4xf32>) {
  %kn, %d = ldn.additive_decay %k : tensor<2x7x8x4xf32> -> tensor<2x7x8x4xf32>, tensor<2x7x8x4xf32>
  return %kn, %d : tensor<2x7x8x4xf32>, tensor<2x7x8x4xf32>
}

// -----

// f16 keys: the step extends k to f32; the carried state and results are f32.
// CHECK-LABEL: func.func @causal_f16
// CHECK: scf.for {{.*}} -> (tensor<?x8x4xf32>, tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<?x8x4xf16>)
// CHECK: arith.extf %{{.*}} : f16 to f32
func.func @causal_f16(%k: tensor<?x?x8x4xf16>) -> (tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>) {
  %kn, %d = ldn.additive_decay %k : tensor<?x?x8x4xf16> -> tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>
  return %kn, %d : tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>
}

// -----

// Non-causal: a softmax over t per channel (max and sum of exp reduce over
// the t loop, then a parallel divide) and an all-zero decay; no loop.
// CHECK-LABEL: func.func @non_causal
// CHECK-SAME: %[[K:[a-z0-9]+]]: tensor<?x?x8x4xf16>
// CHECK-NOT: scf.for
// CHECK: %[[MAX:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "reduction", "parallel", "parallel"]} ins(%[[K]] : tensor<?x?x8x4xf16>) outs(%{{.*}} : tensor<?x8x4xf32>)
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "reduction", "parallel", "parallel"]} ins(%[[K]], %[[MAX]] : tensor<?x?x8x4xf16>, tensor<?x8x4xf32>) outs(%{{.*}} : tensor<?x8x4xf32>)
// CHECK: math.exp
// CHECK: %[[KN:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[K]], %[[MAX]], %[[SUM]] : tensor<?x?x8x4xf16>, tensor<?x8x4xf32>, tensor<?x8x4xf32>) outs(%{{.*}} : tensor<?x?x8x4xf32>)
// CHECK: arith.divf
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[DECAY:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<?x?x8x4xf32>)
// CHECK-NOT: scf.for
// CHECK: return %[[KN]], %[[DECAY]]
func.func @non_causal(%k: tensor<?x?x8x4xf16>) -> (tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>) {
  %kn, %d = ldn.additive_decay %k {causal = false}
      : tensor<?x?x8x4xf16> -> tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>
  return %kn, %d : tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>
}
