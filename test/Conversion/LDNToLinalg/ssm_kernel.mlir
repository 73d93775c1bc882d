// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s
// No recurrence over the lags: the closed form is elementwise.
// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s --check-prefix=NO-LOOP
// NO-LOOP-NOT: scf.for

// zoh with a run-time length: `length` >= 0 is asserted; one generic over
// the modes computes log|λ̄|, arg λ̄ and c in f64 (exp, cos, sin, complex
// division); one generic over (n, j), both parallel, evaluates
// |λ̄|^j (Re c cos(j arg λ̄) - Im c sin(j arg λ̄)), j = 0 giving |λ̄|^0 = 1,
// with the phase reduced to [-π, π] in f64 before the f32 cos/sin.
// CHECK-DAG: #[[MODE:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @zoh
// CHECK-SAME: %[[RE:[a-z0-9]+]]: tensor<64xf32>, %[[IM:[a-z0-9]+]]: tensor<64xf32>, %[[DT:[a-z0-9]+]]: tensor<64xf32>, %[[L:[a-z0-9]+]]: index
// CHECK: %[[NONNEG:[a-z0-9_]+]] = arith.cmpi sge, %[[L]], %{{.*}} : index
// CHECK: cf.assert %[[NONNEG]], "ldn.ssm_kernel: 'length' must be >= 0"
// CHECK: %[[P:[a-z0-9_]+]]:4 = linalg.generic {{{.*}}iterator_types = ["parallel"]} ins(%[[RE]], %[[IM]], %[[DT]] : tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) outs({{.*}} : tensor<64xf64>, tensor<64xf64>, tensor<64xf64>, tensor<64xf64>)
// CHECK: arith.minimumf %{{.*}}, %{{.*}} : f64
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.cos %{{.*}} : f64
// CHECK: math.sin %{{.*}} : f64
// CHECK: arith.divf %{{.*}} : f64
// CHECK: %[[EMPTY:[a-z0-9_]+]] = tensor.empty(%[[L]]) : tensor<64x?xf32>
// CHECK: %[[K:[a-z0-9_]+]] = linalg.generic {indexing_maps = [#[[MODE]], #[[MODE]], #[[MODE]], #[[MODE]], #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%[[P]]#0, %[[P]]#1, %[[P]]#2, %[[P]]#3 : tensor<64xf64>, tensor<64xf64>, tensor<64xf64>, tensor<64xf64>) outs(%[[EMPTY]] : tensor<64x?xf32>)
// CHECK: %[[J:[a-z0-9_]+]] = linalg.index 1 : index
// CHECK-NOT: arith.cmpi ult
// CHECK: arith.cmpi eq
// CHECK: arith.select
// CHECK: math.exp %{{.*}} : f32
// CHECK: math.roundeven %{{.*}} : f64
// CHECK: math.sin %{{.*}} : f32
// CHECK: math.cos %{{.*}} : f32
// CHECK: return %[[K]] : tensor<64x?xf32>
func.func @zoh(%re: tensor<64xf32>, %im: tensor<64xf32>, %log_dt: tensor<64xf32>, %length: index)
    -> tensor<64x?xf32> {
  %kernel = ldn.ssm_kernel %re, %im, %log_dt, %length
      : tensor<64xf32>, tensor<64xf32>, tensor<64xf32> -> tensor<64x?xf32>
  return %kernel : tensor<64x?xf32>
}

// -----

// Bilinear, bidirectional, constant length 8: no run-time check; the mode
// generic uses atan2 for arg λ̄; the kernel generic covers all 2L = 16
// columns, column j >= L evaluating the mirrored lag 2L - 1 - j.
// CHECK-LABEL: func.func @bilinear_bidirectional
// CHECK-NOT: cf.assert
// CHECK: %[[L:[a-z0-9_]+]] = arith.constant 8 : index
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel"]} {{.*}} outs({{.*}} : tensor<32xf64>, tensor<32xf64>, tensor<32xf64>, tensor<32xf64>)
// CHECK: math.log %{{.*}} : f64
// CHECK: math.atan2 %{{.*}}, %{{.*}} : f64
// CHECK: %[[TWICE:[a-z0-9_]+]] = arith.addi %[[L]], %[[L]] : index
// CHECK: %[[LASTCOL:[a-z0-9_]+]] = arith.subi %[[TWICE]], %{{.*}} : index
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel", "parallel"]} {{.*}} outs(%{{.*}} : tensor<32x16xf32>)
// CHECK: %[[J:[a-z0-9_]+]] = linalg.index 1 : index
// CHECK: %[[MIRROR:[a-z0-9_]+]] = arith.subi %[[LASTCOL]], %[[J]] : index
// CHECK: %[[FORWARD:[a-z0-9_]+]] = arith.cmpi ult, %[[J]], %[[L]] : index
// CHECK: arith.select %[[FORWARD]], %[[J]], %[[MIRROR]] : index
func.func @bilinear_bidirectional(%re: tensor<32xf32>, %im: tensor<32xf32>, %log_dt: tensor<32xf32>)
    -> tensor<32x16xf32> {
  %c8 = arith.constant 8 : index
  %kernel = ldn.ssm_kernel %re, %im, %log_dt, %c8
      {method = #ldn.discretization<bilinear>, bidirectional = true}
      : tensor<32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<32x16xf32>
  return %kernel : tensor<32x16xf32>
}

// -----

// Bidirectional with a run-time length: the result has 2L columns.
// CHECK-LABEL: func.func @bidirectional_dynamic
// CHECK-SAME: %{{.*}}: tensor<4xf32>, %{{.*}}: tensor<4xf32>, %{{.*}}: tensor<4xf32>, %[[L:[a-z0-9]+]]: index
// CHECK: %[[COLS:[a-z0-9_]+]] = arith.muli %[[L]], %{{.*}} : index
// CHECK: cf.assert
// CHECK: tensor.empty(%[[COLS]]) : tensor<4x?xf32>
func.func @bidirectional_dynamic(%re: tensor<4xf32>, %im: tensor<4xf32>, %log_dt: tensor<4xf32>,
                                 %length: index) -> tensor<4x?xf32> {
  %kernel = ldn.ssm_kernel %re, %im, %log_dt, %length {bidirectional = true}
      : tensor<4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<4x?xf32>
  return %kernel : tensor<4x?xf32>
}
