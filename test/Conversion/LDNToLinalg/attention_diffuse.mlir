// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s
// A sparse pattern never forms a T x T tensor (f32 [B,T,H,T] would be
// tensor<?x?x4x?xf32> for a dynamic T, tensor<2x7x4x7xf32> or
// tensor<1x7x2x7xf32> for the static cases); only the dense pattern may.
// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s --check-prefix=NO-DENSE
// NO-DENSE-NOT: tensor<?x?x4x?xf32>
// NO-DENSE-NOT: tensor<2x7x4x7xf32>
// NO-DENSE: func.func @dense_causal
// NO-DENSE: tensor<?x?x4x?xf32>
// NO-DENSE-LABEL: func.func @laplacian
// NO-DENSE-NOT: tensor<?x?x4x?xf32>
// NO-DENSE-NOT: tensor<1x7x2x7xf32>

// Sparse, dynamic B and T, with lengths: a [T, S] key table with
// S = 6 local (window 4, stride 2: 4 + 2 * floor(3 / 2)) + 2 global + 2 random
// slots, built as three parts; scores gathered through it (reducing over d),
// masked and soft-maxed over the slots; one dense [B,1,H,T] row per global,
// guarded by scf.if (g < T) since T is dynamic; then an scf.for over the 3
// hops whose A Z gathers Z rows through the table (reducing over the slots,
// e innermost), overwrites the global rows, and copies the new Z over the
// carried one; finally outputs t >= length are zeroed.
// CHECK-LABEL: func.func @sparse_ppr
// CHECK-SAME: %[[Q:[a-z0-9]+]]: tensor<?x?x4x8xf32>, %[[K:[a-z0-9]+]]: tensor<?x?x4x8xf32>, %[[V:[a-z0-9]+]]: tensor<?x?x4x16xf32>, %[[LEN:[a-z0-9]+]]: tensor<?xi32>
// CHECK: %[[LIMITS:.*]] = linalg.generic {{.*}} ins(%[[LEN]] : tensor<?xi32>) outs(%{{.*}} : tensor<?xindex>)
// CHECK: %[[TABLE0:.*]] = tensor.empty(%{{.*}}) : tensor<?x10xindex>
// CHECK: %[[LOCAL:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x6xindex>)
// CHECK: arith.ceildivsi
// CHECK: %[[TABLE1:.*]] = tensor.insert_slice %[[LOCAL]] into %[[TABLE0]][0, 0] [%{{.*}}, 6]
// CHECK: %[[GLOBALS:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2xindex>) outs(%{{.*}} : tensor<?x2xindex>)
// CHECK: %[[TABLE2:.*]] = tensor.insert_slice %[[GLOBALS]] into %[[TABLE1]][0, 6] [%{{.*}}, 2]
// CHECK: %[[RAW:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x2xindex>)
// CHECK: arith.constant -7046029254386353131 : i64
// CHECK: arith.shrui
// CHECK: arith.remui
// CHECK: %[[RANDOM:.*]] = linalg.generic {{.*}} ins(%[[RAW]] : tensor<?x2xindex>) outs(%{{.*}} : tensor<?x2xindex>)
// CHECK: scf.for
// CHECK: tensor.extract %[[RAW]]
// CHECK: %[[TABLE:.*]] = tensor.insert_slice %[[RANDOM]] into %[[TABLE2]][0, 8] [%{{.*}}, 2]
// CHECK: %[[SCORES:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[Q]], %[[TABLE]] : tensor<?x?x4x8xf32>, tensor<?x10xindex>) outs(%{{.*}} : tensor<?x?x4x10xf32>)
// CHECK: tensor.extract %[[K]]
// CHECK: %[[MASKED:.*]] = linalg.generic {{.*}} ins(%[[TABLE]], %[[LIMITS]] : tensor<?x10xindex>, tensor<?xindex>) outs(%[[SCORES]] : tensor<?x?x4x10xf32>)
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[MASKED]] : tensor<?x?x4x10xf32>) outs(%{{.*}} : tensor<?x?x4xf32>)
// CHECK: %[[WEIGHTS:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[MASKED]], %{{.*}}, %{{.*}} : tensor<?x?x4x10xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>) outs(%[[MASKED]] : tensor<?x?x4x10xf32>)
// CHECK: %[[ROW0:.*]] = scf.if %{{.*}} -> (tensor<?x1x4x?xf32>)
// CHECK: tensor.extract_slice %[[Q]][0, 0, 0, 0] [%{{.*}}, 1, 4, 8]
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%{{.*}}, %[[K]] : tensor<?x1x4x8xf32>, tensor<?x?x4x8xf32>) outs(%{{.*}} : tensor<?x1x4x?xf32>)
// CHECK: } else {
// CHECK: %[[ROW9:.*]] = scf.if %{{.*}} -> (tensor<?x1x4x?xf32>)
// CHECK: tensor.extract_slice %[[Q]][0, 9, 0, 0] [%{{.*}}, 1, 4, 8]
// CHECK: %[[Z:.*]] = scf.for %{{.*}} = %{{.*}} to %c3 step %{{.*}} iter_args(%[[ZK:.*]] = %[[V]]) -> (tensor<?x?x4x16xf32>)
// CHECK: %[[AZ0:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]} ins(%[[WEIGHTS]], %[[TABLE]] : tensor<?x?x4x10xf32>, tensor<?x10xindex>) outs(%{{.*}} : tensor<?x?x4x16xf32>)
// CHECK: tensor.extract %[[ZK]]
// CHECK: %[[AZ1:.*]] = scf.if %{{.*}} -> (tensor<?x?x4x16xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[ROW0]], %[[ZK]] : tensor<?x1x4x?xf32>, tensor<?x?x4x16xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %[[AZ0]][0, 0, 0, 0]
// CHECK: %[[AZ2:.*]] = scf.if %{{.*}} -> (tensor<?x?x4x16xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[ROW9]], %[[ZK]] : tensor<?x1x4x?xf32>, tensor<?x?x4x16xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %[[AZ1]][0, 9, 0, 0]
// CHECK: %[[NEXT:.*]] = linalg.generic {{.*}} ins(%[[V]] : tensor<?x?x4x16xf32>) outs(%[[AZ2]] : tensor<?x?x4x16xf32>)
// CHECK: %[[COPY:.*]] = linalg.copy ins(%[[NEXT]] : tensor<?x?x4x16xf32>) outs(%[[ZK]] : tensor<?x?x4x16xf32>)
// CHECK: scf.yield %[[COPY]]
// CHECK: %[[OUT:.*]] = linalg.generic {{.*}} ins(%[[Z]], %[[LIMITS]] : tensor<?x?x4x16xf32>, tensor<?xindex>) outs(%{{.*}} : tensor<?x?x4x16xf32>)
// CHECK: linalg.index 1
// CHECK: arith.select
// CHECK: return %[[OUT]]
func.func @sparse_ppr(%q: tensor<?x?x4x8xf32>, %k: tensor<?x?x4x8xf32>, %v: tensor<?x?x4x16xf32>,
                      %len: tensor<?xi32>) -> tensor<?x?x4x16xf32> {
  %z = ldn.attention_diffuse %q, %k, %v lengths %len
         {pattern = #ldn.pattern<window = 4, stride = 2, globals = [9, 0, 9], random = 2, seed = 7>,
          hops = 3, alpha = 0.2 : f32}
       : tensor<?x?x4x8xf32>, tensor<?x?x4x8xf32>, tensor<?x?x4x16xf32>, tensor<?xi32> -> tensor<?x?x4x16xf32>
  return %z : tensor<?x?x4x16xf32>
}

// -----

// Static T = 7: the global 9 does not exist and is dropped at compile time
// (no slot, no row); global 2 has a slot and an unguarded dense row. No lengths: every row is valid up to
// T (a filled limit). The default scale is 1/sqrt(8).
// CHECK-LABEL: func.func @static_globals
// CHECK: %[[T:.*]] = arith.constant 7 : index
// CHECK: linalg.fill ins(%[[T]] : index) outs(%{{.*}} : tensor<2xindex>)
// CHECK: arith.constant 0.353553385 : f32
// CHECK: tensor.empty() : tensor<7x4xindex>
// CHECK: arith.constant dense<2> : tensor<1xindex>
// CHECK-NOT: scf.if
// CHECK: tensor.extract_slice %{{.*}}[0, 2, 0, 0] [2, 1, 4, 8]
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x1x4x7xf32>)
// CHECK-NOT: [0, 9, 0, 0]
// CHECK: scf.for
// CHECK-NOT: scf.if
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 2, 0, 0] [2, 1, 4, 16]
// CHECK-NOT: [0, 9, 0, 0]
// CHECK: return
func.func @static_globals(%q: tensor<2x7x4x8xf32>, %v: tensor<2x7x4x16xf32>) -> tensor<2x7x4x16xf32> {
  %z = ldn.attention_diffuse %q, %q, %v
         {pattern = #ldn.pattern<window = 3, globals = [2, 9]>, hops = 2}
       : tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>, tensor<2x7x4x16xf32> -> tensor<2x7x4x16xf32>
  return %z : tensor<2x7x4x16xf32>
}

// -----

// The dense pattern may use [B,T,H,T] weights: scores reduce over d with k
// read directly (no table, no gather), and A Z reduces over the T keys.
// CHECK-LABEL: func.func @dense_causal
// CHECK-SAME: %[[Q:[a-z0-9]+]]: tensor<?x?x4x8xf32>, %[[V:[a-z0-9]+]]: tensor<?x?x4x16xf32>
// CHECK-NOT: x{{[0-9]+}}xindex>
// CHECK: %[[SCORES:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[Q]], %[[Q]] : tensor<?x?x4x8xf32>, tensor<?x?x4x8xf32>) outs(%{{.*}} : tensor<?x?x4x?xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[SCORES]] : tensor<?x?x4x?xf32>)
// CHECK: arith.cmpi sle
// CHECK: scf.for
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<?x?x4x?xf32>, tensor<?x?x4x16xf32>) outs(%{{.*}} : tensor<?x?x4x16xf32>)
func.func @dense_causal(%q: tensor<?x?x4x8xf32>, %v: tensor<?x?x4x16xf32>) -> tensor<?x?x4x16xf32> {
  %z = ldn.attention_diffuse %q, %q, %v {pattern = #ldn.pattern<dense, causal = true>, hops = 2}
       : tensor<?x?x4x8xf32>, tensor<?x?x4x8xf32>, tensor<?x?x4x16xf32> -> tensor<?x?x4x16xf32>
  return %z : tensor<?x?x4x16xf32>
}

// -----

// Laplacian (A - I) V: one application, no hop loop, the difference into a
// tensor of its own (not over A V, so that fusion can drop A V). The empty
// pattern has one slot per query, its self edge.
// CHECK-LABEL: func.func @laplacian
// CHECK-SAME: %[[Q:[a-z0-9]+]]: tensor<?x?x4x8xf32>, %[[V:[a-z0-9]+]]: tensor<?x?x4x16xf32>
// CHECK: tensor.empty(%{{.*}}) : tensor<?x1xindex>
// CHECK-NOT: scf.for
// CHECK: %[[AV:.*]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<?x?x4x1xf32>, tensor<?x1xindex>)
// CHECK: %[[DIFF:.*]] = tensor.empty
// CHECK: %[[MINUS_ONE:.*]] = arith.constant -1.000000e+00 : f32
// CHECK: linalg.generic {{.*}} ins(%[[V]], %[[AV]] : tensor<?x?x4x16xf32>, tensor<?x?x4x16xf32>) outs(%[[DIFF]] : tensor<?x?x4x16xf32>)
// CHECK: arith.mulf %[[MINUS_ONE]]
// CHECK-NOT: scf.for
// CHECK: return
func.func @laplacian(%q: tensor<?x?x4x8xf32>, %v: tensor<?x?x4x16xf32>) -> tensor<?x?x4x16xf32> {
  %z = ldn.attention_diffuse %q, %q, %v
         {pattern = #ldn.pattern<>, mode = #ldn.diffusion_mode<laplacian>, scale = 0.5 : f32}
       : tensor<?x?x4x8xf32>, tensor<?x?x4x8xf32>, tensor<?x?x4x16xf32> -> tensor<?x?x4x16xf32>
  return %z : tensor<?x?x4x16xf32>
}

// -----

// Coefficients, f16, causal window: V is extended to f32, the hops 1..2 carry
// (A^k V, partial sum) with θ_k read from a constant, and the result is
// truncated to f16.
// CHECK-LABEL: func.func @coeffs_f16
// CHECK: %[[VF:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<1x7x2x4xf16>) outs(%{{.*}} : tensor<1x7x2x4xf32>)
// CHECK: arith.constant dense<[5.000000e-01, 2.500000e-01, 2.500000e-01]> : tensor<3xf32>
// CHECK: %[[SUM0:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x7x2x4xf32>)
// CHECK: scf.for %{{.*}} = %c1{{.*}} to %c3{{.*}} step %{{.*}} iter_args(%[[POWER:.*]] = %[[VF]], %[[SUM:.*]] = %[[SUM0]]) -> (tensor<1x7x2x4xf32>, tensor<1x7x2x4xf32>)
// CHECK: %[[COPY:.*]] = linalg.copy ins(%{{.*}} : tensor<1x7x2x4xf32>) outs(%[[POWER]] : tensor<1x7x2x4xf32>)
// CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<3xf32>
// CHECK: %[[NEXT:.*]] = linalg.generic {{.*}} ins(%[[COPY]] : tensor<1x7x2x4xf32>) outs(%[[SUM]] : tensor<1x7x2x4xf32>)
// CHECK: scf.yield %[[COPY]], %[[NEXT]]
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x7x2x4xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @coeffs_f16(%q: tensor<1x7x2x4xf16>) -> tensor<1x7x2x4xf16> {
  %z = ldn.attention_diffuse %q, %q, %q
         {pattern = #ldn.pattern<window = 2, causal = true>, hops = 2,
          mode = #ldn.diffusion_mode<coeffs>, coeffs = array<f32: 0.5, 0.25, 0.25>}
       : tensor<1x7x2x4xf16>, tensor<1x7x2x4xf16>, tensor<1x7x2x4xf16> -> tensor<1x7x2x4xf16>
  return %z : tensor<1x7x2x4xf16>
}

// -----

// Dynamic d and no scale attribute: the default 1/sqrt(d) is computed at
// run time.
// CHECK-LABEL: func.func @dynamic_key_dim
// CHECK: %[[DI:.*]] = arith.index_castui %{{.*}} : index to i64
// CHECK: %[[DF:.*]] = arith.uitofp %[[DI]] : i64 to f32
// CHECK: %[[ROOT:.*]] = math.sqrt %[[DF]] : f32
// CHECK: arith.divf %{{.*}}, %[[ROOT]] : f32
func.func @dynamic_key_dim(%q: tensor<?x?x4x?xf16>, %v: tensor<?x?x4x16xf16>) -> tensor<?x?x4x16xf16> {
  %z = ldn.attention_diffuse %q, %q, %v {pattern = #ldn.pattern<random = 2>}
       : tensor<?x?x4x?xf16>, tensor<?x?x4x?xf16>, tensor<?x?x4x16xf16> -> tensor<?x?x4x16xf16>
  return %z : tensor<?x?x4x16xf16>
}
