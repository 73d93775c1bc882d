// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s
// The marks of the epilogue sites are gone once the pass is done.
// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s --check-prefix=NOSITE
// NOSITE-NOT: ldn.epilogue_site

// A loop that inserts the result slice by slice applies the epilogue to each
// slice: the map sits before the insert, nothing runs after the loop. The
// gate is computed after the op, so the loop moves down to it; the shape
// checks of the inputs come before the loop reads their slices.
// CHECK-LABEL: func.func @in_loop
//       CHECK:   math.tanh
//       CHECK:   cf.assert %{{.*}}, "ldn.elementwise: input #1 dimension 0 must match source dimension 0"
//       CHECK:   cf.assert %{{.*}}, "ldn.elementwise: input #1 dimension 1 must match source dimension 1"
//       CHECK:   %[[LOOP:.*]]:2 = scf.for
//       CHECK:     %[[G:.*]] = tensor.extract_slice %{{.*}}[0, %{{.*}}, 0, 0] [%{{.*}}, 1, 2, 4] [1, 1, 1, 1] : tensor<?x?x2x4xf32> to tensor<?x1x2x4xf32>
//       CHECK:     %[[B:.*]] = tensor.extract_slice %{{.*}}[0] [4] [1] : tensor<4xf32> to tensor<4xf32>
//       CHECK:     %[[M:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[G]], %[[B]] : tensor<?x2x4xf32>, tensor<?x1x2x4xf32>, tensor<4xf32>)
//       CHECK:       arith.mulf
//       CHECK:       arith.addf
//       CHECK:     tensor.insert_slice %[[M]]
//       CHECK:   return %[[LOOP]]#1
func.func @in_loop(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x4xf32>, %u: tensor<?x?x2x4xf32>, %b: tensor<4xf32>) -> tensor<?x?x2x4xf32> {
  %o, %st = ldn.linear_attention %q, %k, %v {causal = true} : (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>)
  %g = math.tanh %u : tensor<?x?x2x4xf32>
  %r = ldn.elementwise %o, %g, %b : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<4xf32> -> tensor<?x?x2x4xf32> {
  ^bb0(%oi: f32, %gi: f32, %bi: f32):
    %m = arith.mulf %oi, %gi : f32
    %n = arith.addf %m, %bi : f32
    ldn.yield %n : f32
  }
  return %r : tensor<?x?x2x4xf32>
}

// -----

// Not a slice-inserting loop and no marked final generic (lrpe writes its
// two halves by slices): a generic after it, over the collapsed shape the
// result is used in, with ldn-fuse-elementwise's expansions undone and a
// scalar as a scalar, so that linalg fusion sees the original form.
// CHECK-LABEL: func.func @collapsed
//  CHECK-SAME:   %[[H:[a-z0-9]+]]: tensor<?x8x16xf32>
//       CHECK:   %[[Z:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : tensor<?x8x2x8xf32> into tensor<?x8x16xf32>
//       CHECK:   %[[R:.*]] = linalg.generic {{.*}} ins(%[[Z]], %[[H]], %{{.*}} : tensor<?x8x16xf32>, tensor<?x8x16xf32>, f32)
//       CHECK:   return %[[R]]
func.func @collapsed(%x: tensor<?x8x2x4xf32>, %theta: tensor<2x4xf32>, %h: tensor<?x8x16xf32>, %s: f32) -> tensor<?x8x16xf32> {
  %z = ldn.lrpe %x, %theta {grid = array<i64: 8>} : tensor<?x8x2x4xf32>, tensor<2x4xf32> -> tensor<?x8x2x8xf32>
  %c0 = arith.constant 0 : index
  %b = tensor.dim %h, %c0 : tensor<?x8x16xf32>
  %hx = tensor.expand_shape %h [[0], [1], [2, 3]] output_shape [%b, 8, 2, 8] : tensor<?x8x16xf32> into tensor<?x8x2x8xf32>
  %r = ldn.elementwise %z, %hx, %s : tensor<?x8x2x8xf32>, tensor<?x8x2x8xf32>, f32 -> tensor<?x8x2x8xf32> {
  ^bb0(%zi: f32, %hi: f32, %si: f32):
    %m = arith.mulf %zi, %si : f32
    %o = arith.addf %m, %hi : f32
    ldn.yield %o : f32
  }
  %c = tensor.collapse_shape %r [[0], [1], [2, 3]] : tensor<?x8x2x8xf32> into tensor<?x8x16xf32>
  return %c : tensor<?x8x16xf32>
}

// -----

// The attention's last pass over its result (the padding mask) is marked as
// the epilogue site: it first takes in the Laplacian's difference, then the
// map, in the collapsed form the result is used in (the input's expansion
// undone, A V and V collapsed, the valid lengths read per batch row), so
// that linalg fusion can still merge the inputs' producers. One generic
// computes the difference, the mask and the map; the shape checks of the
// map's inputs come first.
// CHECK-LABEL: func.func @attention_site
//  CHECK-SAME:   %[[V:[a-z0-9]+]]: tensor<?x?x2x8xf32>, %[[H:[a-z0-9]+]]: tensor<?x?x16xf32>, %[[S:[a-z0-9]+]]: f32
//       CHECK:   %[[AV:.*]] = linalg.generic {{.*}}"reduction", "parallel"]} ins(%{{.*}}, %[[V]] :
//       CHECK:   %[[VC:.*]] = tensor.collapse_shape %[[V]] {{\[}}[0], [1], [2, 3]] : tensor<?x?x2x8xf32> into tensor<?x?x16xf32>
//       CHECK:   %[[AVC:.*]] = tensor.collapse_shape %[[AV]] {{\[}}[0], [1], [2, 3]]
//       CHECK:   cf.assert %{{.*}}, "ldn.elementwise: input #1 dimension 0 must match source dimension 0"
//       CHECK:   %[[R:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[VC]], %[[AVC]], %{{.*}}, %[[H]], %[[S]] : tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?xindex>, tensor<?x?x16xf32>, f32)
//       CHECK:     arith.addf
//       CHECK:     linalg.index 1
//       CHECK:     arith.select
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:   return %[[R]]
func.func @attention_site(%q: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x8xf32>, %h: tensor<?x?x16xf32>, %s: f32) -> tensor<?x?x16xf32> {
  %z = ldn.attention_diffuse %q, %q, %v {pattern = #ldn.pattern<dense>, hops = 1, mode = #ldn.diffusion_mode<laplacian>} : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %h, %c0 : tensor<?x?x16xf32>
  %t = tensor.dim %h, %c1 : tensor<?x?x16xf32>
  %hx = tensor.expand_shape %h [[0], [1], [2, 3]] output_shape [%b, %t, 2, 8] : tensor<?x?x16xf32> into tensor<?x?x2x8xf32>
  %r = ldn.elementwise %z, %hx, %s : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, f32 -> tensor<?x?x2x8xf32> {
  ^bb0(%zi: f32, %hi: f32, %si: f32):
    %m = arith.mulf %zi, %si : f32
    %o = arith.addf %m, %hi : f32
    ldn.yield %o : f32
  }
  %c = tensor.collapse_shape %r [[0], [1], [2, 3]] : tensor<?x?x2x8xf32> into tensor<?x?x16xf32>
  return %c : tensor<?x?x16xf32>
}

// -----

// The direct convolution accumulates each batch row tap by tap in a
// scratch row and then inserts it: the epilogue maps the finished row
// before the insert, never a partial sum.
// CHECK-LABEL: func.func @accumulating
//       CHECK:   %[[Y:.*]] = scf.for %[[B:[a-z0-9_]+]] = {{.*}} -> (tensor<?x?x16xf32>)
//       CHECK:     %[[SUM:.*]] = scf.for {{.*}} -> (tensor<1x?x16xf32>)
//       CHECK:     scf.yield
//       CHECK:     %[[BIAS:.*]] = tensor.extract_slice %{{.*}}[0] [16] [1] : tensor<16xf32> to tensor<16xf32>
//       CHECK:     %[[R:.*]] = linalg.generic {{.*}} ins(%[[SUM]], %[[BIAS]] : tensor<1x?x16xf32>, tensor<16xf32>)
//       CHECK:     tensor.insert_slice %[[R]] into %{{.*}}[%[[B]], 0, 0]
//       CHECK:   return %[[Y]]
func.func @accumulating(%v: tensor<?x?x16xf32>, %w: tensor<16x4xf32>, %bias: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = ldn.long_conv %v, %w {strategy = #ldn.conv_strategy<direct>} : tensor<?x?x16xf32>, tensor<16x4xf32> -> tensor<?x?x16xf32>
  %s = ldn.elementwise %y, %bias : tensor<?x?x16xf32>, tensor<16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%yi: f32, %bi: f32):
    %a = arith.addf %yi, %bi : f32
    ldn.yield %a : f32
  }
  return %s : tensor<?x?x16xf32>
}

// -----

// An epilogue inside a branch stays there: the loop is not fused into, so
// the map and its shape checks run only when the branch does.
// CHECK-LABEL: func.func @guarded
//       CHECK:   scf.for
//       CHECK:   scf.if
//       CHECK:     cf.assert
//       CHECK:     linalg.generic
func.func @guarded(%x: tensor<?x?x8xf32>, %delta: tensor<?x?x8xf32>, %a: tensor<8x4xf32>, %b: tensor<?x?x4xf32>, %c: tensor<?x?x4xf32>, %g: tensor<?x8xf32>, %p: i1) -> tensor<?x?x8xf32> {
  %y, %h = ldn.selective_scan %x, %delta, %a, %b, %c : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<8x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>) -> (tensor<?x?x8xf32>, tensor<?x8x4xf32>)
  %r = scf.if %p -> tensor<?x?x8xf32> {
    %s = ldn.elementwise %y, %g : tensor<?x?x8xf32>, tensor<?x8xf32> -> tensor<?x?x8xf32> {
    ^bb0(%yi: f32, %gi: f32):
      %m = arith.mulf %yi, %gi : f32
      ldn.yield %m : f32
    }
    scf.yield %s : tensor<?x?x8xf32>
  } else {
    scf.yield %y : tensor<?x?x8xf32>
  }
  return %r : tensor<?x?x8xf32>
}

// -----

// A result collapsed with merged dynamic sizes and also used otherwise: the
// other user gets the map expanded back with the source's sizes.
// CHECK-LABEL: func.func @collapsed_and_used
//       CHECK:   %[[M:.*]] = linalg.generic
//       CHECK:   %[[X:.*]] = tensor.expand_shape %[[M]] {{\[}}[0, 1], [2]] output_shape
//       CHECK:   return %[[X]], %[[M]]
func.func @collapsed_and_used(%x: tensor<?x?x8xf32>, %bias: tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>) {
  %r = ldn.elementwise %x, %bias : tensor<?x?x8xf32>, tensor<8xf32> -> tensor<?x?x8xf32> {
  ^bb0(%a: f32, %b: f32):
    %m = arith.addf %a, %b : f32
    ldn.yield %m : f32
  }
  %c = tensor.collapse_shape %r [[0, 1], [2]] : tensor<?x?x8xf32> into tensor<?x8xf32>
  return %r, %c : tensor<?x?x8xf32>, tensor<?x8xf32>
}

// -----

// A prologue that the scan reads one step at a time: each step's slice of
// the map is computed in the loop from slices of x (and the bias), and the
// mapped tensor is never made.
// CHECK-LABEL: func.func @prologue_in_loop
//  CHECK-SAME: (%[[X:.*]]: tensor<?x?x8xf32>, %[[BIAS:.*]]: tensor<8xf32>,
//   CHECK-NOT:   linalg.generic
//       CHECK:   scf.for %[[T:[a-z0-9_]+]] =
//       CHECK:     %[[XT:.*]] = tensor.extract_slice %[[X]][0, %[[T]], 0] [%{{.*}}, 1, 8] [1, 1, 1]
//       CHECK:     %[[BT:.*]] = tensor.extract_slice %[[BIAS]][0] [8] [1]
//       CHECK:     linalg.generic {{.*}} ins(%[[XT]], %[[BT]] : tensor<?x1x8xf32>, tensor<8xf32>)
//       CHECK:       math.exp
//       CHECK:     linalg.generic
//       CHECK:       arith.mulf
//       CHECK:     scf.yield
func.func @prologue_in_loop(%x: tensor<?x?x8xf32>, %bias: tensor<8xf32>, %b: tensor<?x?x8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>) {
  %a = ldn.elementwise %x, %bias : tensor<?x?x8xf32>, tensor<8xf32> -> tensor<?x?x8xf32> {
  ^bb0(%xi: f32, %bi: f32):
    %s = arith.addf %xi, %bi : f32
    %e = math.exp %s : f32
    ldn.yield %e : f32
  }
  %h, %last = ldn.scan %a, %b : tensor<?x?x8xf32>, tensor<?x?x8xf32> -> tensor<?x?x8xf32>, tensor<?x8xf32>
  return %h, %last : tensor<?x?x8xf32>, tensor<?x8xf32>
}

// -----

// A prologue that the lowering reads whole (the global attention's
// readout) stays a map of its own.
// CHECK-LABEL: func.func @prologue_read_whole
//       CHECK:   %[[Q:.*]] = linalg.generic
//       CHECK:     math.exp
//       CHECK:   linalg.generic {{.*}} ins(%{{.*}}, %[[Q]] :
func.func @prologue_read_whole(%x: tensor<?x?x2x4xf32>, %k: tensor<?x?x2x4xf32>, %v: tensor<?x?x2x4xf32>) -> tensor<?x?x2x4xf32> {
  %q = ldn.elementwise %x : tensor<?x?x2x4xf32> -> tensor<?x?x2x4xf32> {
  ^bb0(%xi: f32):
    %e = math.exp %xi : f32
    ldn.yield %e : f32
  }
  %o, %s = ldn.linear_attention %q, %k, %v {causal = false} : (tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x4x4xf32>)
  return %o : tensor<?x?x2x4xf32>
}
