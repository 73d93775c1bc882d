// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s

// Dynamic B and T, a class token and a 3x4 grid, d = 2e: T is asserted at
// run time; the prefix token is copied ([x, 0]); then one generic per grid
// axis writes its channel block of both halves for the 12 grid tokens, with
// the coordinate (i / stride) mod size from the token index (axis 0:
// stride 4, size 3; axis 1: stride 1, size 4) and theta read contiguously.
// CHECK-LABEL: func.func @grid_prefix
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x?x6x8xf32>, %[[THETA:[a-z0-9]+]]: tensor<6x4xf32>
// CHECK: cf.assert %{{.*}}, "ldn.lrpe: sequence length T must equal prefix + product of grid = 13"
// CHECK: %[[Y0:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?x6x16xf32>
// CHECK: %[[PCOS:.*]] = tensor.extract_slice %[[Y0]][0, 0, 0, 0] [%{{.*}}, 1, 6, 8]
// CHECK: %[[PSIN:.*]] = tensor.extract_slice %[[Y0]][0, 0, 0, 8] [%{{.*}}, 1, 6, 8]
// CHECK: %[[PX:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [%{{.*}}, 1, 6, 8]
// CHECK: %[[PREFIX:.*]]:2 = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[PX]] : tensor<?x1x6x8xf32>) outs(%[[PCOS]], %[[PSIN]] : tensor<?x1x6x8xf32>, tensor<?x1x6x8xf32>)
// CHECK: %[[Y1:.*]] = tensor.insert_slice %[[PREFIX]]#0 into %[[Y0]][0, 0, 0, 0]
// CHECK: %[[Y2:.*]] = tensor.insert_slice %[[PREFIX]]#1 into %[[Y1]][0, 0, 0, 8]
// CHECK: %[[COS0:.*]] = tensor.extract_slice %[[Y2]][0, 1, 0, 0] [%{{.*}}, 12, 6, 4]
// CHECK: %[[SIN0:.*]] = tensor.extract_slice %[[Y2]][0, 1, 0, 8] [%{{.*}}, 12, 6, 4]
// CHECK: %[[TH0:.*]] = tensor.extract_slice %[[THETA]][0, 0] [6, 4]
// CHECK: %[[X0:.*]] = tensor.extract_slice %[[X]][0, 1, 0, 0] [%{{.*}}, 12, 6, 4]
// CHECK: %[[AXIS0:.*]]:2 = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X0]], %[[TH0]] : tensor<?x12x6x4xf32>, tensor<6x4xf32>) outs(%[[COS0]], %[[SIN0]] : tensor<?x12x6x4xf32>, tensor<?x12x6x4xf32>)
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[ROW:.*]] = arith.divui %[[I]], %c4
// CHECK: arith.remui %[[ROW]], %c3
// CHECK: math.cos
// CHECK: math.sin
// CHECK: %[[Y3:.*]] = tensor.insert_slice %[[AXIS0]]#0 into %[[Y2]][0, 1, 0, 0]
// CHECK: %[[Y4:.*]] = tensor.insert_slice %[[AXIS0]]#1 into %[[Y3]][0, 1, 0, 8]
// CHECK: tensor.extract_slice %[[Y4]][0, 1, 0, 4] [%{{.*}}, 12, 6, 4]
// CHECK: tensor.extract_slice %[[Y4]][0, 1, 0, 12] [%{{.*}}, 12, 6, 4]
// CHECK: tensor.extract_slice %[[X]][0, 1, 0, 4] [%{{.*}}, 12, 6, 4]
// CHECK: %[[AXIS1:.*]]:2 = linalg.generic
// CHECK: %[[I1:.*]] = linalg.index 1 : index
// CHECK: %[[ROW1:.*]] = arith.divui %[[I1]], %c1
// CHECK: arith.remui %[[ROW1]], %c4
// CHECK: %[[Y5:.*]] = tensor.insert_slice %[[AXIS1]]#0 into %{{.*}}[0, 1, 0, 4]
// CHECK: %[[Y6:.*]] = tensor.insert_slice %[[AXIS1]]#1 into %[[Y5]][0, 1, 0, 12]
// CHECK: return %[[Y6]]
func.func @grid_prefix(%x: tensor<?x?x6x8xf32>, %theta: tensor<6x4xf32>) -> tensor<?x?x6x16xf32> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 3, 4>, prefix = 1}
      : tensor<?x?x6x8xf32>, tensor<6x4xf32> -> tensor<?x?x6x16xf32>
  return %y : tensor<?x?x6x16xf32>
}

// -----

// Static T (checked by the verifier, no assert), no prefix, and features
// that end inside the second axis's block: d = 6 = 4 + 2 with e = 4, so
// axis 1 writes 2 channels; a third axis would write none and is skipped.
// CHECK-LABEL: func.func @truncated_static
// CHECK-NOT: cf.assert
// CHECK-NOT: tensor<2x0x
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x6x1x4xf32>, tensor<1x4xf32>) outs(%{{.*}}, %{{.*}} : tensor<2x6x1x4xf32>, tensor<2x6x1x4xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x6x1x2xf32>, tensor<1x2xf32>) outs(%{{.*}}, %{{.*}} : tensor<2x6x1x2xf32>, tensor<2x6x1x2xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @truncated_static(%x: tensor<2x6x1x6xf32>, %theta: tensor<1x4xf32>) -> tensor<2x6x1x12xf32> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 1, 2, 3>}
      : tensor<2x6x1x6xf32>, tensor<1x4xf32> -> tensor<2x6x1x12xf32>
  return %y : tensor<2x6x1x12xf32>
}

// -----

// Dynamic d and e: the block lengths clamp(d - a*e, 0, e) are computed at run
// time, and m * e >= d is asserted.
// CHECK-LABEL: func.func @dynamic_features
// CHECK: cf.assert %{{.*}}, "ldn.lrpe: the grid axes times dimension 1 of 'theta' must cover the d features of 'x'"
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x2x?xf32>, tensor<2x?xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x2x?xf32>, tensor<2x?xf32>)
func.func @dynamic_features(%x: tensor<1x4x2x?xf32>, %theta: tensor<2x?xf32>) -> tensor<1x4x2x?xf32> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 2, 2>}
      : tensor<1x4x2x?xf32>, tensor<2x?xf32> -> tensor<1x4x2x?xf32>
  return %y : tensor<1x4x2x?xf32>
}

// -----

// f16 activations with an f32 theta: angles and products in f32, results
// truncated to f16.
// CHECK-LABEL: func.func @half
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<?x1x2x4xf16>) outs(%{{.*}}, %{{.*}} : tensor<?x1x2x4xf16>, tensor<?x1x2x4xf16>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x4x2x4xf16>, tensor<2x4xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: math.cos %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @half(%x: tensor<?x5x2x4xf16>, %theta: tensor<2x4xf32>) -> tensor<?x5x2x8xf16> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 4>, prefix = 1}
      : tensor<?x5x2x4xf16>, tensor<2x4xf32> -> tensor<?x5x2x8xf16>
  return %y : tensor<?x5x2x8xf16>
}
