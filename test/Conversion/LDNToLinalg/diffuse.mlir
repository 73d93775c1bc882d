// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s

// A static band and one step: a single stencil generic over (b, t, d) that
// reads the neighbours t - r and t + r (clamped to t where the edge leaves
// the sequence) and writes y once; no windows, no loop.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[CHANNEL:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @stencil
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x?x16xf32>, %[[W:[a-z0-9]+]]: tensor<2xf32>, %[[ALPHA:[a-z0-9]+]]: tensor<16xf32>
// CHECK-NOT: scf.for
// CHECK-NOT: tensor.extract_slice
// CHECK-DAG: %[[W0:[a-z0-9_]+]] = tensor.extract %[[W]][%{{.*}}] : tensor<2xf32>
// CHECK-DAG: %[[W1:[a-z0-9_]+]] = tensor.extract %[[W]][%{{.*}}] : tensor<2xf32>
// CHECK: %[[Y:[a-z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CHANNEL]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[X]], %[[ALPHA]] : tensor<?x?x16xf32>, tensor<16xf32>)
// CHECK: %[[B:[a-z0-9_]+]] = linalg.index 0
// CHECK: %[[T:[a-z0-9_]+]] = linalg.index 1
// CHECK: %[[D:[a-z0-9_]+]] = linalg.index 2
// CHECK: %[[LEFT:[a-z0-9_]+]] = arith.select %{{.*}}, %{{.*}}, %[[T]] : index
// CHECK: tensor.extract %[[X]][%[[B]], %[[LEFT]], %[[D]]]
// CHECK: arith.mulf %[[W0]]
// CHECK: %[[RIGHT:[a-z0-9_]+]] = arith.select %{{.*}}, %{{.*}}, %[[T]] : index
// CHECK: tensor.extract %[[X]][%[[B]], %[[RIGHT]], %[[D]]]
// CHECK-COUNT-2: tensor.extract %[[X]]
// CHECK: linalg.yield
// CHECK: return %[[Y]]
func.func @stencil(%x: tensor<?x?x16xf32>, %w: tensor<2xf32>, %alpha: tensor<16xf32>)
    -> tensor<?x?x16xf32> {
  %y = ldn.diffuse %x, %w, %alpha {dt = 0.1 : f32}
       : tensor<?x?x16xf32>, tensor<2xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// Many steps (more than are unrolled): an scf.for
// over the steps carries x and the accumulator; per step the accumulator is
// zeroed, an scf.for over r = 1 .. min(R, T-1) adds both edges of offset r as
// two shifted-window generics (all parallel, D innermost), and one generic
// forms x + dt * alpha * acc in place, alpha broadcast along (b, t).
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[CHANNEL:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @per_channel
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x?x16xf32>, %[[W:[a-z0-9]+]]: tensor<3xf32>, %[[ALPHA:[a-z0-9]+]]: tensor<16xf32>
// CHECK-NOT: cf.assert
// CHECK: %[[DT:[a-z0-9_]+]] = arith.constant 1.000000e-01 : f32
// CHECK: %[[STEPS:[a-z0-9_]+]] = arith.constant 9 : index
// CHECK: %[[LOOP:[a-z0-9_]+]]:2 = scf.for %{{.*}} = %{{.*}} to %[[STEPS]] step %{{.*}} iter_args(%[[XS:[a-z0-9_]+]] = %[[X]], %[[ACC:[a-z0-9_]+]] = %{{.*}}) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>)
// CHECK: %[[ZERO:[a-z0-9_]+]] = linalg.fill ins(%{{.*}} : f32) outs(%[[ACC]] : tensor<?x?x16xf32>)
// CHECK: %[[T:[a-z0-9_]+]] = tensor.dim %[[XS]], %{{.*}}
// CHECK: %[[RPLUS1:[a-z0-9_]+]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK: %[[END:[a-z0-9_]+]] = arith.minsi %[[RPLUS1]], %[[T]] : index
// CHECK: %[[KX:[a-z0-9_]+]] = scf.for %[[R:[a-z0-9_]+]] = %{{.*}} to %[[END]] step %{{.*}} iter_args(%[[SUM:[a-z0-9_]+]] = %[[ZERO]]) -> (tensor<?x?x16xf32>)
// CHECK: %[[WR:[a-z0-9_]+]] = tensor.extract %[[W]][%{{.*}}] : tensor<3xf32>
// CHECK: %[[LEN:[a-z0-9_]+]] = arith.subi %[[T]], %[[R]] : index
// CHECK: %[[LO:[a-z0-9_]+]] = tensor.extract_slice %[[XS]][0, 0, 0] [%{{.*}}, %[[LEN]], 16]
// CHECK: %[[HI:[a-z0-9_]+]] = tensor.extract_slice %[[XS]][0, %[[R]], 0] [%{{.*}}, %[[LEN]], 16]
// CHECK: %[[PAST:[a-z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[LO]], %[[HI]] : tensor<?x?x16xf32>, tensor<?x?x16xf32>)
// CHECK: arith.subf
// CHECK: arith.mulf %[[WR]]
// CHECK: %[[SUM1:[a-z0-9_]+]] = tensor.insert_slice %[[PAST]] into %[[SUM]][0, %[[R]], 0] [%{{.*}}, %[[LEN]], 16]
// CHECK: %[[FUTURE:[a-z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: %[[SUM2:[a-z0-9_]+]] = tensor.insert_slice %[[FUTURE]] into %[[SUM1]][0, 0, 0] [%{{.*}}, %[[LEN]], 16]
// CHECK: scf.yield %[[SUM2]] : tensor<?x?x16xf32>
// CHECK: %[[NEXT:[a-z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[CHANNEL]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[KX]], %[[ALPHA]] : tensor<?x?x16xf32>, tensor<16xf32>) outs(%[[XS]] : tensor<?x?x16xf32>)
// CHECK: arith.mulf %[[DT]]
// CHECK: scf.yield %[[NEXT]], %[[KX]]
// CHECK: return %[[LOOP]]#0
func.func @per_channel(%x: tensor<?x?x16xf32>, %w: tensor<3xf32>, %alpha: tensor<16xf32>)
    -> tensor<?x?x16xf32> {
  %y = ldn.diffuse %x, %w, %alpha {steps = 9, dt = 0.1 : f32}
       : tensor<?x?x16xf32>, tensor<3xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// Causal, data-dependent alpha [B,T,D], the dt operand, a dynamic number of
// weights: R >= 1 is asserted, dt is read from the 0-d tensor, only the edge
// to t - r is accumulated, and alpha is read elementwise.
// CHECK-LABEL: func.func @causal_dt_operand
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<2x?x8xf32>, %[[W:[a-z0-9]+]]: tensor<?xf32>, %[[ALPHA:[a-z0-9]+]]: tensor<2x?x8xf32>, %[[DTV:[a-z0-9]+]]: tensor<f32>
// CHECK: cf.assert %{{.*}}, "ldn.diffuse: 'w' must hold at least one offset weight (R >= 1)"
// CHECK: %[[DT:[a-z0-9_]+]] = tensor.extract %[[DTV]][] : tensor<f32>
// CHECK: scf.for
// CHECK: scf.for %[[R:[a-z0-9_]+]] =
// CHECK: tensor.extract %[[W]]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, %[[R]], 0]
// CHECK-NOT: linalg.generic
// CHECK: scf.yield
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[ALPHA]] : tensor<2x?x8xf32>, tensor<2x?x8xf32>)
// CHECK: arith.mulf %[[DT]]
func.func @causal_dt_operand(%x: tensor<2x?x8xf32>, %w: tensor<?xf32>, %alpha: tensor<2x?x8xf32>,
                             %dt: tensor<f32>) -> tensor<2x?x8xf32> {
  %y = ldn.diffuse %x, %w, %alpha dt %dt {causal = true}
       : tensor<2x?x8xf32>, tensor<?xf32>, tensor<2x?x8xf32>, tensor<f32> -> tensor<2x?x8xf32>
  return %y : tensor<2x?x8xf32>
}

// -----

// f16 activations with a bf16 alpha, static shapes: x is widened once, the
// stencil computes in f32 (alpha widened in the body), the result is
// narrowed once.
// CHECK-LABEL: func.func @half
// CHECK: %[[WIDE:[a-z0-9_]+]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x7x4xf16>) outs(%{{.*}} : tensor<2x7x4xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: %[[STEP:[a-z0-9_]+]] = linalg.generic {{.*}} ins(%[[WIDE]], %{{.*}} : tensor<2x7x4xf32>, tensor<4xbf16>)
// CHECK: tensor.extract %[[WIDE]]
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: linalg.generic {{.*}} ins(%[[STEP]] : tensor<2x7x4xf32>) outs(%{{.*}} : tensor<2x7x4xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @half(%x: tensor<2x7x4xf16>, %w: tensor<3xf32>, %alpha: tensor<4xbf16>) -> tensor<2x7x4xf16> {
  %y = ldn.diffuse %x, %w, %alpha : tensor<2x7x4xf16>, tensor<3xf32>, tensor<4xbf16> -> tensor<2x7x4xf16>
  return %y : tensor<2x7x4xf16>
}

// -----

// A declared result more static than x: the result is cast to it.
// CHECK-LABEL: func.func @static_result
// CHECK: %[[STEP:[a-z0-9_]+]] = linalg.generic
// CHECK: %[[CAST:[a-z0-9_]+]] = tensor.cast %[[STEP]] : tensor<?x?x16xf32> to tensor<2x?x16xf32>
// CHECK: return %[[CAST]]
func.func @static_result(%x: tensor<?x?x16xf32>, %w: tensor<3xf32>, %alpha: tensor<16xf32>)
    -> tensor<2x?x16xf32> {
  %y = ldn.diffuse %x, %w, %alpha : tensor<?x?x16xf32>, tensor<3xf32>, tensor<16xf32> -> tensor<2x?x16xf32>
  return %y : tensor<2x?x16xf32>
}
