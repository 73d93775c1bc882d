// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s
// The [B,T,H,dk,dv] history of states is never formed: no 5-D tensor.
// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s --check-prefix=NO-HISTORY
// NO-HISTORY-NOT: tensor<{{([0-9?]+x)([0-9?]+x)([0-9?]+x)([0-9?]+x)([0-9?]+x)}}

// Causal, no decay, no initial state, dynamic B and T: an scf.for over T
// carries the zero-initialized state and the output; per step an in-place
// state update (all parallel) and a read-out reducing over dk (dv innermost)
// straight into the output slice.
// CHECK-LABEL: func.func @causal
// CHECK-SAME: %[[Q:[a-z0-9]+]]: tensor<?x?x8x4xf32>, %[[K:[a-z0-9]+]]: tensor<?x?x8x4xf32>, %[[V:[a-z0-9]+]]: tensor<?x?x8x5xf32>
// CHECK: %[[OUT0:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?x8x5xf32>
// CHECK: %[[S0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x8x4x5xf32>)
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[S:.*]] = %[[S0]], %[[O:.*]] = %[[OUT0]]) -> (tensor<?x8x4x5xf32>, tensor<?x?x8x5xf32>)
// CHECK-DAG: %[[KT:.*]] = tensor.extract_slice %[[K]][0, %[[T]], 0, 0] {{.*}} to tensor<?x8x4xf32>
// CHECK-DAG: %[[VT:.*]] = tensor.extract_slice %[[V]][0, %[[T]], 0, 0] {{.*}} to tensor<?x8x5xf32>
// CHECK: %[[NEXT:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[KT]], %[[VT]] : tensor<?x8x4xf32>, tensor<?x8x5xf32>) outs(%[[S]] : tensor<?x8x4x5xf32>)
// CHECK: %[[OT:.*]] = tensor.extract_slice %[[O]][0, %[[T]], 0, 0]
// CHECK: %[[QT:.*]] = tensor.extract_slice %[[Q]][0, %[[T]], 0, 0]
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[OT]] : tensor<?x8x5xf32>)
// CHECK: %[[OSTEP:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%[[NEXT]], %[[QT]] : tensor<?x8x4x5xf32>, tensor<?x8x4xf32>) outs(%[[ACC]] : tensor<?x8x5xf32>)
// CHECK: arith.constant 5.000000e-01 : f32
// CHECK: %[[INS:.*]] = tensor.insert_slice %[[OSTEP]] into %[[O]][0, %[[T]], 0, 0]
// CHECK: scf.yield %[[NEXT]], %[[INS]] : tensor<?x8x4x5xf32>, tensor<?x?x8x5xf32>
// CHECK: return %[[LOOP]]#1, %[[LOOP]]#0
func.func @causal(%q: tensor<?x?x8x4xf32>, %k: tensor<?x?x8x4xf32>, %v: tensor<?x?x8x5xf32>)
    -> (tensor<?x?x8x5xf32>, tensor<?x8x4x5xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v {scale = 0.5 : f32}
      : (tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>, tensor<?x?x8x5xf32>)
        -> (tensor<?x?x8x5xf32>, tensor<?x8x4x5xf32>)
  return %o, %s : tensor<?x?x8x5xf32>, tensor<?x8x4x5xf32>
}

// -----

// Scalar decay [B,T,H] and an initial state, static shapes: the gates
// exp(decay) are computed once before the loop, the loop starts from the
// initial state, and each step reads the [B,H] gate slice.
// CHECK-LABEL: func.func @scalar_decay_init
// CHECK-SAME: %[[DECAY:[a-z0-9]+]]: tensor<2x7x8xf32>, %[[INIT:[a-z0-9]+]]: tensor<2x8x4x5xf32>
// CHECK: %[[GATES:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[DECAY]] : tensor<2x7x8xf32>) outs(%{{.*}} : tensor<2x7x8xf32>)
// CHECK: math.exp
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[S:.*]] = %[[INIT]], %{{.*}} = %{{.*}}) -> (tensor<2x8x4x5xf32>, tensor<2x7x8x5xf32>)
// CHECK: %[[GATE:.*]] = tensor.extract_slice %[[GATES]][0, %[[T]], 0] [2, 1, 8] [1, 1, 1] : tensor<2x7x8xf32> to tensor<2x8xf32>
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%{{.*}}, %{{.*}}, %[[GATE]] : tensor<2x8x4xf32>, tensor<2x8x5xf32>, tensor<2x8xf32>) outs(%[[S]] : tensor<2x8x4x5xf32>)
// CHECK-NOT: math.exp
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
// CHECK: scf.yield
func.func @scalar_decay_init(%q: tensor<2x7x8x4xf32>, %v: tensor<2x7x8x5xf32>, %decay: tensor<2x7x8xf32>,
                             %init: tensor<2x8x4x5xf32>) -> (tensor<2x7x8x5xf32>, tensor<2x8x4x5xf32>) {
  %o, %s = ldn.linear_attention %q, %q, %v decay %decay init %init
      : (tensor<2x7x8x4xf32>, tensor<2x7x8x4xf32>, tensor<2x7x8x5xf32>, tensor<2x7x8xf32>, tensor<2x8x4x5xf32>)
        -> (tensor<2x7x8x5xf32>, tensor<2x8x4x5xf32>)
  return %o, %s : tensor<2x7x8x5xf32>, tensor<2x8x4x5xf32>
}

// -----

// Vector (GLA) decay [B,T,H,dk]: the step reads a [B,H,dk] gate slice.
// CHECK-LABEL: func.func @vector_decay
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?x8x4xf32>)
// CHECK: math.exp
// CHECK: scf.for
// CHECK: %[[GATE:.*]] = tensor.extract_slice {{.*}} : tensor<?x?x8x4xf32> to tensor<?x8x4xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[GATE]] : tensor<?x8x4xf32>, tensor<?x8x5xf32>, tensor<?x8x4xf32>) outs(%{{.*}} : tensor<?x8x4x5xf32>)
func.func @vector_decay(%q: tensor<?x?x8x4xf32>, %v: tensor<?x?x8x5xf32>, %decay: tensor<?x?x8x4xf32>)
    -> (tensor<?x?x8x5xf32>, tensor<?x8x4x5xf32>) {
  %o, %s = ldn.linear_attention %q, %q, %v decay %decay
      : (tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>, tensor<?x?x8x5xf32>, tensor<?x?x8x4xf32>)
        -> (tensor<?x?x8x5xf32>, tensor<?x8x4x5xf32>)
  return %o, %s : tensor<?x?x8x5xf32>, tensor<?x8x4x5xf32>
}

// -----

// Non-causal with an initial state: no loop; S = S0 + Σ_t k_t v_tᵀ is one
// generic reducing over t (loops b, h, t, i, j), o = scale Sᵀ q one more
// reducing over dk (loops b, t, h, i, j).
// CHECK-LABEL: func.func @non_causal
// CHECK-SAME: %[[Q:[a-z0-9]+]]: tensor<?x?x8x4xf32>, %[[V:[a-z0-9]+]]: tensor<?x?x8x5xf32>, %[[INIT:[a-z0-9]+]]: tensor<?x8x4x5xf32>
// CHECK-NOT: scf.for
// CHECK: %[[S:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]} ins(%[[Q]], %[[V]] : tensor<?x?x8x4xf32>, tensor<?x?x8x5xf32>) outs(%[[INIT]] : tensor<?x8x4x5xf32>)
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x?x8x5xf32>)
// CHECK: %[[O:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]} ins(%[[S]], %[[Q]] : tensor<?x8x4x5xf32>, tensor<?x?x8x4xf32>) outs(%[[ACC]] : tensor<?x?x8x5xf32>)
// CHECK-NOT: scf.for
// CHECK: return %[[O]], %[[S]]
func.func @non_causal(%q: tensor<?x?x8x4xf32>, %v: tensor<?x?x8x5xf32>, %init: tensor<?x8x4x5xf32>)
    -> (tensor<?x?x8x5xf32>, tensor<?x8x4x5xf32>) {
  %o, %s = ldn.linear_attention %q, %q, %v init %init {causal = false}
      : (tensor<?x?x8x4xf32>, tensor<?x?x8x4xf32>, tensor<?x?x8x5xf32>, tensor<?x8x4x5xf32>)
        -> (tensor<?x?x8x5xf32>, tensor<?x8x4x5xf32>)
  return %o, %s : tensor<?x?x8x5xf32>, tensor<?x8x4x5xf32>
}

// -----

// f16 inputs: the state stays f32 (operands extended in the bodies), the
// read-out accumulates in an f32 scratch converted into the f16 output slice.
// CHECK-LABEL: func.func @causal_f16
// CHECK: scf.for {{.*}} -> (tensor<?x8x4x5xf32>, tensor<?x?x8x5xf16>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x8x4xf16>, tensor<?x8x5xf16>) outs(%{{.*}} : tensor<?x8x4x5xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: %[[OT:.*]] = tensor.extract_slice {{.*}} : tensor<?x?x8x5xf16> to tensor<?x8x5xf16>
// CHECK: %[[SCRATCH:.*]] = tensor.empty(%{{.*}}) : tensor<?x8x5xf32>
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[SCRATCH]] : tensor<?x8x5xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "reduction", "parallel"]} {{.*}} outs(%[[ACC]] : tensor<?x8x5xf32>)
// CHECK: %[[HALF:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<?x8x5xf32>) outs(%[[OT]] : tensor<?x8x5xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: tensor.insert_slice %[[HALF]]
func.func @causal_f16(%q: tensor<?x?x8x4xf16>, %v: tensor<?x?x8x5xf16>)
    -> (tensor<?x?x8x5xf16>, tensor<?x8x4x5xf32>) {
  %o, %s = ldn.linear_attention %q, %q, %v
      : (tensor<?x?x8x4xf16>, tensor<?x?x8x4xf16>, tensor<?x?x8x5xf16>)
        -> (tensor<?x?x8x5xf16>, tensor<?x8x4x5xf32>)
  return %o, %s : tensor<?x?x8x5xf16>, tensor<?x8x4x5xf32>
}
