// Dynamic result sizes are reified from the operands
// (ReifyRankedShapedTypeOpInterface), so tensor.dim of a result folds away.
// RUN: ldn-opt %s --resolve-ranked-shaped-type-result-dims --canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @diffuse_dims
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x16xf32>
func.func @diffuse_dims(%x: tensor<?x?x16xf32>, %w: tensor<2xf32>, %a: tensor<16xf32>) -> (index, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %y = ldn.diffuse %x, %w, %a : tensor<?x?x16xf32>, tensor<2xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  // CHECK-NOT: ldn.diffuse
  // CHECK-DAG: %[[B:.*]] = tensor.dim %[[X]], %c0
  // CHECK-DAG: %[[T:.*]] = tensor.dim %[[X]], %c1
  // CHECK: return %[[B]], %[[T]]
  %b = tensor.dim %y, %c0 : tensor<?x?x16xf32>
  %t = tensor.dim %y, %c1 : tensor<?x?x16xf32>
  return %b, %t : index, index
}

// -----

// The final state of a scan drops the scanned dimension.
// CHECK-LABEL: func.func @scan_last_dims
// CHECK-SAME: (%{{.*}}: tensor<?x?x?xf32>, %[[B:.*]]: tensor<?x?x?xf32>)
func.func @scan_last_dims(%a: tensor<?x?x?xf32>, %b: tensor<?x?x?xf32>) -> index {
  %c1 = arith.constant 1 : index
  %h, %last = ldn.scan %a, %b {dim = 0} : tensor<?x?x?xf32>, tensor<?x?x?xf32> -> tensor<?x?x?xf32>, tensor<?x?xf32>
  // CHECK: %[[C2:.*]] = arith.constant 2 : index
  // CHECK: %[[D:.*]] = tensor.dim %[[B]], %[[C2]]
  // CHECK: return %[[D]]
  %d = tensor.dim %last, %c1 : tensor<?x?xf32>
  return %d : index
}

// -----

// lrpe doubles the feature axis.
// CHECK-LABEL: func.func @lrpe_dims
// CHECK-SAME: (%[[X:.*]]: tensor<?x5x2x?xf32>
func.func @lrpe_dims(%x: tensor<?x5x2x?xf32>, %t: tensor<2x8xf32>) -> index {
  %c3 = arith.constant 3 : index
  %y = ldn.lrpe %x, %t {grid = array<i64: 4>, prefix = 1} : tensor<?x5x2x?xf32>, tensor<2x8xf32> -> tensor<?x5x2x?xf32>
  // CHECK: %[[D:.*]] = tensor.dim %[[X]], %c3
  // CHECK: %[[D2:.*]] = arith.muli %[[D]], %c2
  // CHECK: return %[[D2]]
  %d = tensor.dim %y, %c3 : tensor<?x5x2x?xf32>
  return %d : index
}

// -----

// A bidirectional SSM kernel has 2 * length lags; the state of
// selective_scan takes N from A.
// CHECK-LABEL: func.func @kernel_and_state_dims
// CHECK-SAME: (%{{.*}}: tensor<8xf32>, %[[L:.*]]: index, %{{.*}}: tensor<?x?x?xf32>, %[[A:.*]]: tensor<?x?xf32>
func.func @kernel_and_state_dims(%re: tensor<8xf32>, %len: index, %x: tensor<?x?x?xf32>,
                                 %A: tensor<?x?xf32>, %B: tensor<?x?x?xf32>) -> (index, index) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %k = ldn.ssm_kernel %re, %re, %re, %len {bidirectional = true} : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8x?xf32>
  %y, %h = ldn.selective_scan %x, %x, %A, %B, %B
      : (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>)
        -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>)
  // CHECK-DAG: %[[LAGS:.*]] = arith.muli %[[L]], %c2
  // CHECK-DAG: %[[N:.*]] = tensor.dim %[[A]], %c1
  // CHECK: return %[[LAGS]], %[[N]]
  %lags = tensor.dim %k, %c1 : tensor<8x?xf32>
  %n = tensor.dim %h, %c2 : tensor<?x?x?xf32>
  return %lags, %n : index, index
}

// -----

// lightnet_attention's state has the doubled (rotated) key dimension.
// CHECK-LABEL: func.func @lightnet_attention_dims
// CHECK-SAME: (%[[Q:.*]]: tensor<?x5x2x?xf32>
func.func @lightnet_attention_dims(%q: tensor<?x5x2x?xf32>, %v: tensor<?x5x2x3xf32>,
                                   %t: tensor<2x8xf32>) -> (index, index) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %o, %s = ldn.lightnet_attention %q, %q, %v, %t {grid = array<i64: 4>, prefix = 1}
      : (tensor<?x5x2x?xf32>, tensor<?x5x2x?xf32>, tensor<?x5x2x3xf32>, tensor<2x8xf32>)
        -> (tensor<?x5x2x3xf32>, tensor<?x2x?x3xf32>)
  // CHECK-DAG: %[[B:.*]] = tensor.dim %[[Q]], %c0
  // CHECK-DAG: %[[D:.*]] = tensor.dim %[[Q]], %c3
  // CHECK: %[[D2:.*]] = arith.muli %[[D]], %c2
  // CHECK: return %[[B]], %[[D2]]
  %b = tensor.dim %s, %c0 : tensor<?x2x?x3xf32>
  %d = tensor.dim %s, %c2 : tensor<?x2x?x3xf32>
  return %b, %d : index, index
}
