// RUN: ldn-opt %s --ldn-fuse-diffusion-steps --split-input-file | FileCheck %s

// A chain of three with the same step is one op with the summed steps.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x8xf32>, %[[W:.*]]: tensor<3xf32>, %[[A:.*]]: tensor<8xf32>)
// CHECK-NEXT: %[[Y:.*]] = ldn.diffuse %[[X]], %[[W]], %[[A]] {dt = 1.000000e-01 : f32, steps = 6 : i64}
// CHECK-NEXT: return %[[Y]]
func.func @chain(%x: tensor<?x?x8xf32>, %w: tensor<3xf32>, %a: tensor<8xf32>) -> tensor<?x?x8xf32> {
  %y1 = ldn.diffuse %x, %w, %a {steps = 1, dt = 0.1 : f32} : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  %y2 = ldn.diffuse %y1, %w, %a {steps = 2, dt = 0.1 : f32} : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  %y3 = ldn.diffuse %y2, %w, %a {steps = 3, dt = 0.1 : f32} : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  return %y3 : tensor<?x?x8xf32>
}

// -----

// The same dt operand and causal direction also merge.
// CHECK-LABEL: func.func @dt_operand
// CHECK-COUNT-1: ldn.diffuse {{.*}} dt %{{.*}} {causal = true, steps = 2 : i64}
// CHECK-NOT: ldn.diffuse
func.func @dt_operand(%x: tensor<2x9x8xf32>, %w: tensor<3xf32>, %a: tensor<2x9x8xf32>, %dt: tensor<f32>) -> tensor<2x9x8xf32> {
  %y1 = ldn.diffuse %x, %w, %a dt %dt {causal = true} : tensor<2x9x8xf32>, tensor<3xf32>, tensor<2x9x8xf32>, tensor<f32> -> tensor<2x9x8xf32>
  %y2 = ldn.diffuse %y1, %w, %a dt %dt {causal = true} : tensor<2x9x8xf32>, tensor<3xf32>, tensor<2x9x8xf32>, tensor<f32> -> tensor<2x9x8xf32>
  return %y2 : tensor<2x9x8xf32>
}

// -----

// Illegal: the intermediate is also returned (merging would recompute it),
// the weights differ, dt differs, the direction differs.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-8: ldn.diffuse
func.func @left_alone(%x: tensor<?x?x8xf32>, %w: tensor<3xf32>, %w2: tensor<3xf32>, %a: tensor<8xf32>)
    -> (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>) {
  %u1 = ldn.diffuse %x, %w, %a : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  %u2 = ldn.diffuse %u1, %w, %a : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  %v1 = ldn.diffuse %x, %w, %a : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  %v2 = ldn.diffuse %v1, %w2, %a : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  %d1 = ldn.diffuse %x, %w, %a {dt = 0.5 : f32} : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  %d2 = ldn.diffuse %d1, %w, %a {dt = 0.25 : f32} : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  %c1 = ldn.diffuse %x, %w, %a {causal = true} : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  %c2 = ldn.diffuse %c1, %w, %a : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  return %u1, %u2, %v2, %d2, %c2 : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>
}
