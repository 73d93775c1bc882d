// RUN: ldn-opt %s --ldn-contraction-loop-order --split-input-file | FileCheck %s

// A broadcast-weight batch matmul runs b, m, k, n: the output's innermost
// dimension n becomes the innermost loop, contiguous in W and C.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @batch_matmul
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[W]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @batch_matmul(%x: tensor<?x?x64xf32>, %w: tensor<64x128xf32>, %init: tensor<?x?x128xf32>) -> tensor<?x?x128xf32> {
  %y = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>,
                                            affine_map<(b, m, n, k) -> (k, n)>,
                                            affine_map<(b, m, n, k) -> (b, m, n)>]
      ins(%x, %w : tensor<?x?x64xf32>, tensor<64x128xf32>)
      outs(%init : tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  return %y : tensor<?x?x128xf32>
}

// -----

// A plain matmul likewise: m, k, n.
// CHECK-LABEL: func.func @matmul
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]
func.func @matmul(%a: tensor<8x16xf32>, %b: tensor<16x32xf32>, %c: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %y = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x32xf32>) outs(%c : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %y : tensor<8x32xf32>
}

// -----

// Left alone: a matrix-vector product (no input contiguous along the
// output's dimension), a transposed-weight matmul (W[n,k]: k is already the
// contiguous inner loop), and a row reduction that is not a contraction.
// CHECK-LABEL: func.func @left_alone
// CHECK: linalg.matvec
// CHECK: linalg.matmul
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
func.func @left_alone(%a: tensor<8x16xf32>, %v: tensor<16xf32>, %o: tensor<8xf32>,
                      %wt: tensor<32x16xf32>, %c: tensor<8x32xf32>) -> (tensor<8xf32>, tensor<8x32xf32>, tensor<8xf32>) {
  %mv = linalg.matvec ins(%a, %v : tensor<8x16xf32>, tensor<16xf32>) outs(%o : tensor<8xf32>) -> tensor<8xf32>
  %mt = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                       affine_map<(m, n, k) -> (n, k)>,
                                       affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %wt : tensor<8x16xf32>, tensor<32x16xf32>) outs(%c : tensor<8x32xf32>) -> tensor<8x32xf32>
  %rs = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                        iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<8x16xf32>) outs(%o : tensor<8xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %x, %acc : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %mv, %mt, %rs : tensor<8xf32>, tensor<8x32xf32>, tensor<8xf32>
}
