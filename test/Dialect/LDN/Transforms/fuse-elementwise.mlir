// RUN: ldn-opt %s --ldn-fuse-elementwise --split-input-file | FileCheck %s

#btd = affine_map<(b, t, d) -> (b, t, d)>
#d = affine_map<(b, t, d) -> (d)>

// Bias and SiLU after a convolution: the generic becomes the op's epilogue,
// with the per-channel bias as an input and the constant copied in.
// CHECK-LABEL: func.func @bias_silu
// CHECK-SAME: (%[[V:.*]]: tensor<?x?x16xf32>, %[[W:.*]]: tensor<16x4xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK: %[[Y:.*]] = ldn.long_conv %[[V]], %[[W]]
// CHECK-NEXT: %[[S:.*]] = ldn.elementwise %[[Y]], %[[B]] : tensor<?x?x16xf32>, tensor<16xf32> -> tensor<?x?x16xf32> {
// CHECK-NEXT: ^bb0(%[[YI:.*]]: f32, %[[BI:.*]]: f32):
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[A:.*]] = arith.addf %[[YI]], %[[BI]] : f32
// CHECK: arith.addf %{{.*}}, %[[ONE]]
// CHECK: ldn.yield
// CHECK-NEXT: }
// CHECK-NEXT: return %[[S]]
// CHECK-NOT: linalg.generic
func.func @bias_silu(%v: tensor<?x?x16xf32>, %w: tensor<16x4xf32>, %bias: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %one = arith.constant 1.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %y = ldn.long_conv %v, %w : tensor<?x?x16xf32>, tensor<16x4xf32> -> tensor<?x?x16xf32>
  %b = tensor.dim %v, %c0 : tensor<?x?x16xf32>
  %t = tensor.dim %v, %c1 : tensor<?x?x16xf32>
  %e = tensor.empty(%b, %t) : tensor<?x?x16xf32>
  %s = linalg.generic {indexing_maps = [#btd, #d, #btd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y, %bias : tensor<?x?x16xf32>, tensor<16xf32>) outs(%e : tensor<?x?x16xf32>) {
  ^bb0(%yi: f32, %bi: f32, %init: f32):
    %a = arith.addf %yi, %bi : f32
    %n = arith.negf %a : f32
    %x = math.exp %n : f32
    %den = arith.addf %x, %one : f32
    %r = arith.divf %a, %den : f32
    linalg.yield %r : f32
  } -> tensor<?x?x16xf32>
  return %s : tensor<?x?x16xf32>
}

// -----

#btd = affine_map<(b, t, d) -> (b, t, d)>

// The heads collapsed back into channels: the epilogue is formed on the
// uncollapsed result, the gate (computed after the op) is expanded to
// match, and the collapse follows. The final state is used after it.
// CHECK-LABEL: func.func @collapsed_gate
// CHECK: %[[O:.*]], %[[S:.*]] = ldn.linear_attention
// CHECK: %[[G:.*]] = math.tanh
// CHECK: %[[GX:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2, 3]] output_shape [%{{.*}}, %{{.*}}, 2, 4] : tensor<?x?x8xf32> into tensor<?x?x2x4xf32>
// CHECK: %[[E:.*]] = ldn.elementwise %[[O]], %[[GX]] : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32> -> tensor<?x?x2x4xf32>
// CHECK: arith.mulf
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[E]] {{\[}}[0], [1], [2, 3]]
// CHECK: return %[[C]], %[[S]]
func.func @collapsed_gate(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x4xf32>, %u: tensor<?x?x8xf32>) -> (tensor<?x?x8xf32>, tensor<?x2x8x4xf32>) {
  %o4, %s = ldn.linear_attention %q, %k, %v {causal = true} : (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>)
  %o = tensor.collapse_shape %o4 [[0], [1], [2, 3]] : tensor<?x?x2x4xf32> into tensor<?x?x8xf32>
  %g = math.tanh %u : tensor<?x?x8xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %u, %c0 : tensor<?x?x8xf32>
  %t = tensor.dim %u, %c1 : tensor<?x?x8xf32>
  %e = tensor.empty(%b, %t) : tensor<?x?x8xf32>
  %r = linalg.generic {indexing_maps = [#btd, #btd, #btd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%o, %g : tensor<?x?x8xf32>, tensor<?x?x8xf32>) outs(%e : tensor<?x?x8xf32>) {
  ^bb0(%oi: f32, %gi: f32, %init: f32):
    %m = arith.mulf %oi, %gi : f32
    linalg.yield %m : f32
  } -> tensor<?x?x8xf32>
  return %r, %s : tensor<?x?x8xf32>, tensor<?x2x8x4xf32>
}

// -----

#btd = affine_map<(b, t, d) -> (b, t, d)>
#s = affine_map<(b, t, d) -> ()>

// Scalars, given as inputs or used from above, become scalar inputs; of
// two ldn results, the one computed last anchors the epilogue.
// CHECK-LABEL: func.func @scalars_and_two_results
// CHECK: %[[X:.*]] = ldn.diffuse
// CHECK: %[[H:.*]], %{{.*}} = ldn.scan
// CHECK: ldn.elementwise %[[H]], %[[X]], %{{.*}}, %{{.*}} : tensor<2x9x8xf32>, tensor<2x9x8xf32>, f32, f32 -> tensor<2x9x8xf32>
// CHECK-NOT: linalg.generic
func.func @scalars_and_two_results(%x: tensor<2x9x8xf32>, %w: tensor<3xf32>, %a: tensor<8xf32>, %b: tensor<2x9x8xf32>, %dt: f32, %th: tensor<f32>) -> tensor<2x9x8xf32> {
  %xd = ldn.diffuse %x, %w, %a : tensor<2x9x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<2x9x8xf32>
  %h, %last = ldn.scan %b, %x : tensor<2x9x8xf32>, tensor<2x9x8xf32> -> tensor<2x9x8xf32>, tensor<2x8xf32>
  %scale = tensor.extract %th[] : tensor<f32>
  %e = tensor.empty() : tensor<2x9x8xf32>
  %r = linalg.generic {indexing_maps = [#btd, #btd, #s, #btd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%xd, %h, %dt : tensor<2x9x8xf32>, tensor<2x9x8xf32>, f32) outs(%e : tensor<2x9x8xf32>) {
  ^bb0(%xi: f32, %hi: f32, %di: f32, %init: f32):
    %m = arith.mulf %hi, %di : f32
    %n = arith.mulf %m, %scale : f32
    %o = arith.addf %xi, %n : f32
    linalg.yield %o : f32
  } -> tensor<2x9x8xf32>
  return %r : tensor<2x9x8xf32>
}

// -----

#btd = affine_map<(b, t, d) -> (b, t, d)>
#tbd = affine_map<(b, t, d) -> (t, b, d)>
#bt = affine_map<(b, t, d) -> (b, t)>

// Left alone: the result has another use; a reduction; an input read at
// another token (transposed); a body that reads the output.
// CHECK-LABEL: func.func @illegal
// CHECK-NOT: ldn.elementwise
// CHECK-COUNT-4: linalg.generic
// CHECK-NOT: ldn.elementwise
func.func @illegal(%x: tensor<4x4x8xf32>, %w: tensor<3xf32>, %a: tensor<8xf32>, %o: tensor<4x4x8xf32>, %acc: tensor<4x4xf32>)
    -> (tensor<4x4x8xf32>, tensor<4x4x8xf32>, tensor<4x4xf32>, tensor<4x4x8xf32>, tensor<4x4x8xf32>) {
  %y1 = ldn.diffuse %x, %w, %a : tensor<4x4x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<4x4x8xf32>
  %e = tensor.empty() : tensor<4x4x8xf32>
  %r1 = linalg.generic {indexing_maps = [#btd, #btd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y1 : tensor<4x4x8xf32>) outs(%e : tensor<4x4x8xf32>) {
  ^bb0(%v: f32, %init: f32):
    %n = arith.negf %v : f32
    linalg.yield %n : f32
  } -> tensor<4x4x8xf32>
  %y2 = ldn.diffuse %x, %w, %a {steps = 2} : tensor<4x4x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<4x4x8xf32>
  %r2 = linalg.generic {indexing_maps = [#btd, #bt], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%y2 : tensor<4x4x8xf32>) outs(%acc : tensor<4x4xf32>) {
  ^bb0(%v: f32, %s: f32):
    %n = arith.addf %v, %s : f32
    linalg.yield %n : f32
  } -> tensor<4x4xf32>
  %y3 = ldn.diffuse %x, %w, %a {steps = 3} : tensor<4x4x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<4x4x8xf32>
  %r3 = linalg.generic {indexing_maps = [#btd, #tbd, #btd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y3, %x : tensor<4x4x8xf32>, tensor<4x4x8xf32>) outs(%e : tensor<4x4x8xf32>) {
  ^bb0(%v: f32, %u: f32, %init: f32):
    %n = arith.addf %v, %u : f32
    linalg.yield %n : f32
  } -> tensor<4x4x8xf32>
  %y4 = ldn.diffuse %x, %w, %a {steps = 4} : tensor<4x4x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<4x4x8xf32>
  %r4 = linalg.generic {indexing_maps = [#btd, #btd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y4 : tensor<4x4x8xf32>) outs(%o : tensor<4x4x8xf32>) {
  ^bb0(%v: f32, %init: f32):
    %n = arith.addf %v, %init : f32
    linalg.yield %n : f32
  } -> tensor<4x4x8xf32>
  return %r1, %y1, %r2, %r3, %r4 : tensor<4x4x8xf32>, tensor<4x4x8xf32>, tensor<4x4xf32>, tensor<4x4x8xf32>, tensor<4x4x8xf32>
}

// -----

#btd = affine_map<(b, t, d) -> (b, t, d)>

// Size queries of the ldn result are answered from its operands, and a
// generic with a more static result type gets a cast back to it.
// CHECK-LABEL: func.func @sizes_and_static
//   CHECK-NOT:   tensor.dim %{{.*}}long_conv
//       CHECK:   %[[Y:.*]] = ldn.long_conv
//       CHECK:   %[[E:.*]] = ldn.elementwise %[[Y]] : tensor<?x?x16xf32> -> tensor<?x?x16xf32>
//       CHECK:   %[[C:.*]] = tensor.cast %[[E]] : tensor<?x?x16xf32> to tensor<2x7x16xf32>
//       CHECK:   return %[[C]]
func.func @sizes_and_static(%v: tensor<?x?x16xf32>, %w: tensor<16x4xf32>) -> tensor<2x7x16xf32> {
  %y = ldn.long_conv %v, %w : tensor<?x?x16xf32>, tensor<16x4xf32> -> tensor<?x?x16xf32>
  %e = tensor.empty() : tensor<2x7x16xf32>
  %r = linalg.generic {indexing_maps = [#btd, #btd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y : tensor<?x?x16xf32>) outs(%e : tensor<2x7x16xf32>) {
  ^bb0(%yi: f32, %init: f32):
    %t = math.tanh %yi : f32
    linalg.yield %t : f32
  } -> tensor<2x7x16xf32>
  return %r : tensor<2x7x16xf32>
}

// -----

#btd = affine_map<(b, t, d) -> (b, t, d)>

// Left alone: bodies that are not scalar arithmetic on the elements (the
// position, a lookup table).
// CHECK-LABEL: func.func @not_scalar_bodies
//   CHECK-NOT:   ldn.elementwise
func.func @not_scalar_bodies(%x: tensor<2x9x8xf32>, %w: tensor<3xf32>, %a: tensor<8xf32>, %lut: tensor<4xf32>) -> (tensor<2x9x8xf32>, tensor<2x9x8xf32>) {
  %y1 = ldn.diffuse %x, %w, %a : tensor<2x9x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<2x9x8xf32>
  %e = tensor.empty() : tensor<2x9x8xf32>
  %r1 = linalg.generic {indexing_maps = [#btd, #btd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y1 : tensor<2x9x8xf32>) outs(%e : tensor<2x9x8xf32>) {
  ^bb0(%v: f32, %init: f32):
    %t = linalg.index 1 : index
    %i = arith.index_cast %t : index to i32
    %f = arith.sitofp %i : i32 to f32
    %m = arith.mulf %v, %f : f32
    linalg.yield %m : f32
  } -> tensor<2x9x8xf32>
  %y2 = ldn.diffuse %x, %w, %a {steps = 2} : tensor<2x9x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<2x9x8xf32>
  %r2 = linalg.generic {indexing_maps = [#btd, #btd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y2 : tensor<2x9x8xf32>) outs(%e : tensor<2x9x8xf32>) {
  ^bb0(%v: f32, %init: f32):
    %c0 = arith.constant 0 : index
    %l = tensor.extract %lut[%c0] : tensor<4xf32>
    %m = arith.mulf %v, %l : f32
    linalg.yield %m : f32
  } -> tensor<2x9x8xf32>
  return %r1, %r2 : tensor<2x9x8xf32>, tensor<2x9x8xf32>
}

// -----

// TOSA's broadcasts: a [1, 1, C] operand read at (0, 0, c) and a
// [1, 1, 1] one read at (0, 0, 0) are a per-channel vector and a 0-d
// tensor once their unit dimensions are collapsed, and the map becomes an
// epilogue.
// CHECK-LABEL: func.func @tosa_broadcasts
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x4xf32>, %{{.*}}: tensor<2xf32>, %{{.*}}: tensor<4xf32>, %[[B:.*]]: tensor<1x1x4xf32>, %[[S:.*]]: tensor<1x1x1xf32>)
// CHECK: %[[Y:.*]] = ldn.diffuse
// CHECK-DAG: %[[BC:.*]] = tensor.collapse_shape %[[B]] {{\[}}[0, 1, 2]] : tensor<1x1x4xf32> into tensor<4xf32>
// CHECK-DAG: %[[SC:.*]] = tensor.collapse_shape %[[S]] [] : tensor<1x1x1xf32> into tensor<f32>
// CHECK: ldn.elementwise %[[Y]], %[[BC]], %[[SC]] : tensor<?x?x4xf32>, tensor<4xf32>, tensor<f32> -> tensor<?x?x4xf32>
// CHECK-NOT: linalg.generic
#id3 = affine_map<(b, t, c) -> (b, t, c)>
#chan = affine_map<(b, t, c) -> (0, 0, c)>
#one = affine_map<(b, t, c) -> (0, 0, 0)>
func.func @tosa_broadcasts(%x: tensor<?x?x4xf32>, %w: tensor<2xf32>, %a: tensor<4xf32>,
                           %b: tensor<1x1x4xf32>, %s: tensor<1x1x1xf32>) -> tensor<?x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %y = ldn.diffuse %x, %w, %a : tensor<?x?x4xf32>, tensor<2xf32>, tensor<4xf32> -> tensor<?x?x4xf32>
  %d0 = tensor.dim %y, %c0 : tensor<?x?x4xf32>
  %d1 = tensor.dim %y, %c1 : tensor<?x?x4xf32>
  %e = tensor.empty(%d0, %d1) : tensor<?x?x4xf32>
  %z = linalg.generic {indexing_maps = [#id3, #chan, #one, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y, %b, %s : tensor<?x?x4xf32>, tensor<1x1x4xf32>, tensor<1x1x1xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%yi: f32, %bi: f32, %si: f32, %o: f32):
    %sum = arith.addf %yi, %bi : f32
    %r = arith.mulf %sum, %si : f32
    linalg.yield %r : f32
  } -> tensor<?x?x4xf32>
  return %z : tensor<?x?x4xf32>
}

// -----

// A broadcast over the length of a [B, 1, C] operand, (b, 0, c), is still
// not an epilogue input once collapsed to [B, C] (each batch row, not each
// element or channel): left a generic.
// CHECK-LABEL: func.func @row_broadcast
// CHECK-NOT: ldn.elementwise
// CHECK: linalg.generic
#id3 = affine_map<(b, t, c) -> (b, t, c)>
#row = affine_map<(b, t, c) -> (b, 0, c)>
func.func @row_broadcast(%x: tensor<?x?x4xf32>, %w: tensor<2xf32>, %a: tensor<4xf32>,
                         %r: tensor<?x1x4xf32>) -> tensor<?x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %y = ldn.diffuse %x, %w, %a : tensor<?x?x4xf32>, tensor<2xf32>, tensor<4xf32> -> tensor<?x?x4xf32>
  %d0 = tensor.dim %y, %c0 : tensor<?x?x4xf32>
  %d1 = tensor.dim %y, %c1 : tensor<?x?x4xf32>
  %e = tensor.empty(%d0, %d1) : tensor<?x?x4xf32>
  %z = linalg.generic {indexing_maps = [#id3, #row, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y, %r : tensor<?x?x4xf32>, tensor<?x1x4xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%yi: f32, %ri: f32, %o: f32):
    %sum = arith.addf %yi, %ri : f32
    linalg.yield %sum : f32
  } -> tensor<?x?x4xf32>
  return %z : tensor<?x?x4xf32>
}

// -----

// A chain of maps after an ldn op (bias, then SiLU) is one epilogue: the
// second map becomes an epilogue of the first, and the two merge, inputs
// and bodies in order.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x4xf32>, %{{.*}}: tensor<2xf32>, %{{.*}}: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<?x?x4xf32>)
// CHECK: %[[Y:.*]] = ldn.diffuse
// CHECK: %[[E:.*]] = ldn.elementwise %[[Y]], %[[B]], %[[G]] : tensor<?x?x4xf32>, tensor<4xf32>, tensor<?x?x4xf32> -> tensor<?x?x4xf32> {
// CHECK-NEXT: ^bb0(%[[YI:[a-z0-9_]+]]: f32, %[[BI:[a-z0-9_]+]]: f32, %[[GI:[a-z0-9_]+]]: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[YI]], %[[BI]]
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[S]], %[[GI]]
// CHECK-NEXT: ldn.yield %[[M]]
// CHECK-NOT: linalg.generic
// CHECK: return %[[E]]
#id3c = affine_map<(b, t, c) -> (b, t, c)>
#chc = affine_map<(b, t, c) -> (c)>
func.func @chain(%x: tensor<?x?x4xf32>, %w: tensor<2xf32>, %a: tensor<4xf32>,
                 %b: tensor<4xf32>, %g: tensor<?x?x4xf32>) -> tensor<?x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %y = ldn.diffuse %x, %w, %a : tensor<?x?x4xf32>, tensor<2xf32>, tensor<4xf32> -> tensor<?x?x4xf32>
  %d0 = tensor.dim %y, %c0 : tensor<?x?x4xf32>
  %d1 = tensor.dim %y, %c1 : tensor<?x?x4xf32>
  %e = tensor.empty(%d0, %d1) : tensor<?x?x4xf32>
  %z = linalg.generic {indexing_maps = [#id3c, #chc, #id3c], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y, %b : tensor<?x?x4xf32>, tensor<4xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%yi: f32, %bi: f32, %o: f32):
    %s = arith.addf %yi, %bi : f32
    linalg.yield %s : f32
  } -> tensor<?x?x4xf32>
  %r = linalg.generic {indexing_maps = [#id3c, #id3c, #id3c], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%z, %g : tensor<?x?x4xf32>, tensor<?x?x4xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%zi: f32, %gi: f32, %o: f32):
    %m = arith.mulf %zi, %gi : f32
    linalg.yield %m : f32
  } -> tensor<?x?x4xf32>
  return %r : tensor<?x?x4xf32>
}

// -----

// The first map's result is also returned: the second map cannot take its
// place, so the chain stays two maps (the first an epilogue, the second a
// generic).
// CHECK-LABEL: func.func @chain_used_twice
// CHECK: ldn.elementwise
// CHECK-NOT: ldn.elementwise
// CHECK: linalg.generic
#id3d = affine_map<(b, t, c) -> (b, t, c)>
func.func @chain_used_twice(%x: tensor<?x?x4xf32>, %w: tensor<2xf32>, %a: tensor<4xf32>)
    -> (tensor<?x?x4xf32>, tensor<?x?x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %y = ldn.diffuse %x, %w, %a : tensor<?x?x4xf32>, tensor<2xf32>, tensor<4xf32> -> tensor<?x?x4xf32>
  %d0 = tensor.dim %y, %c0 : tensor<?x?x4xf32>
  %d1 = tensor.dim %y, %c1 : tensor<?x?x4xf32>
  %e = tensor.empty(%d0, %d1) : tensor<?x?x4xf32>
  %z = linalg.generic {indexing_maps = [#id3d, #id3d], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y : tensor<?x?x4xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%yi: f32, %o: f32):
    %t = math.tanh %yi : f32
    linalg.yield %t : f32
  } -> tensor<?x?x4xf32>
  %r = linalg.generic {indexing_maps = [#id3d, #id3d], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%z : tensor<?x?x4xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%zi: f32, %o: f32):
    %m = arith.mulf %zi, %zi : f32
    linalg.yield %m : f32
  } -> tensor<?x?x4xf32>
  return %z, %r : tensor<?x?x4xf32>, tensor<?x?x4xf32>
}

// -----

// Prologues. A bias and SiLU on x, split into heads and read only by
// linear_attention as q: the map becomes an ldn.elementwise (the prologue
// of that operand) of x split the same way, with the bias split to match.
// CHECK-LABEL: func.func @prologue_silu
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x8xf32>, %[[K:.*]]: tensor<?x?x2x4xf32>, %[[V:.*]]: tensor<?x?x2x4xf32>, %[[B:.*]]: tensor<8xf32>)
// CHECK: %[[XS:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1], [2, 3]] output_shape [%{{.*}}, %{{.*}}, 2, 4]
// CHECK: %[[BS:.*]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [2, 4]
// CHECK: %[[Q:.*]] = ldn.elementwise %[[XS]], %[[BS]] : tensor<?x?x2x4xf32>, tensor<2x4xf32> -> tensor<?x?x2x4xf32> {
// CHECK: math.exp
// CHECK: ldn.yield
// CHECK: ldn.linear_attention %[[Q]], %[[K]], %[[V]]
// CHECK-NOT: linalg.generic
#btd = affine_map<(b, t, d) -> (b, t, d)>
#d = affine_map<(b, t, d) -> (d)>
func.func @prologue_silu(%x: tensor<?x?x8xf32>, %k: tensor<?x?x2x4xf32>, %v: tensor<?x?x2x4xf32>, %bias: tensor<8xf32>) -> tensor<?x?x2x4xf32> {
  %one = arith.constant 1.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %e = tensor.empty(%b, %t) : tensor<?x?x8xf32>
  %s = linalg.generic {indexing_maps = [#btd, #d, #btd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %bias : tensor<?x?x8xf32>, tensor<8xf32>) outs(%e : tensor<?x?x8xf32>) {
  ^bb0(%xi: f32, %bi: f32, %init: f32):
    %a = arith.addf %xi, %bi : f32
    %n = arith.negf %a : f32
    %ex = math.exp %n : f32
    %den = arith.addf %ex, %one : f32
    %r = arith.divf %a, %den : f32
    linalg.yield %r : f32
  } -> tensor<?x?x8xf32>
  %q = tensor.expand_shape %s [[0], [1], [2, 3]] output_shape [%b, %t, 2, 4] : tensor<?x?x8xf32> into tensor<?x?x2x4xf32>
  %o, %state = ldn.linear_attention %q, %k, %v {causal = true} : (tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x4x4xf32>)
  return %o : tensor<?x?x2x4xf32>
}

// -----

// Softplus of the diffusion weights and of the per-channel rates (LDN):
// prologues of weight operands; a chain of two maps before a convolution
// becomes one prologue.
// CHECK-LABEL: func.func @prologue_weights_and_chain
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x4xf32>, %[[W:.*]]: tensor<2xf32>, %[[A:.*]]: tensor<4xf32>, %[[K:.*]]: tensor<4x3xf32>)
// CHECK: %[[SW:.*]] = ldn.elementwise %[[W]] : tensor<2xf32> -> tensor<2xf32>
// CHECK: math.log1p
// CHECK: %[[SA:.*]] = ldn.elementwise %[[A]] : tensor<4xf32> -> tensor<4xf32>
// CHECK: %[[Y:.*]] = ldn.diffuse %[[X]], %[[SW]], %[[SA]]
// CHECK: %[[M:.*]] = ldn.elementwise %[[X]] : tensor<?x?x4xf32> -> tensor<?x?x4xf32> {
// CHECK: math.tanh
// CHECK: arith.mulf
// CHECK: ldn.yield
// CHECK-NOT: ldn.elementwise
// CHECK: ldn.long_conv %[[M]], %[[K]]
// CHECK-NOT: linalg.generic
#c = affine_map<(c) -> (c)>
#id3d = affine_map<(b, t, c) -> (b, t, c)>
func.func @prologue_weights_and_chain(%x: tensor<?x?x4xf32>, %w: tensor<2xf32>, %a: tensor<4xf32>, %k: tensor<4x3xf32>)
    -> (tensor<?x?x4xf32>, tensor<?x?x4xf32>) {
  %ew = tensor.empty() : tensor<2xf32>
  %sw = linalg.generic {indexing_maps = [#c, #c], iterator_types = ["parallel"]}
      ins(%w : tensor<2xf32>) outs(%ew : tensor<2xf32>) {
  ^bb0(%wi: f32, %o: f32):
    %ex = math.exp %wi : f32
    %sp = math.log1p %ex : f32
    linalg.yield %sp : f32
  } -> tensor<2xf32>
  %ea = tensor.empty() : tensor<4xf32>
  %sa = linalg.generic {indexing_maps = [#c, #c], iterator_types = ["parallel"]}
      ins(%a : tensor<4xf32>) outs(%ea : tensor<4xf32>) {
  ^bb0(%ai: f32, %o: f32):
    %ex = math.exp %ai : f32
    %sp = math.log1p %ex : f32
    linalg.yield %sp : f32
  } -> tensor<4xf32>
  %y = ldn.diffuse %x, %sw, %sa : tensor<?x?x4xf32>, tensor<2xf32>, tensor<4xf32> -> tensor<?x?x4xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?x4xf32>
  %d1 = tensor.dim %x, %c1 : tensor<?x?x4xf32>
  %e = tensor.empty(%d0, %d1) : tensor<?x?x4xf32>
  %th = linalg.generic {indexing_maps = [#id3d, #id3d], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<?x?x4xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%xi: f32, %o: f32):
    %t = math.tanh %xi : f32
    linalg.yield %t : f32
  } -> tensor<?x?x4xf32>
  %sq = linalg.generic {indexing_maps = [#id3d, #id3d], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%th : tensor<?x?x4xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%ti: f32, %o: f32):
    %m = arith.mulf %ti, %ti : f32
    linalg.yield %m : f32
  } -> tensor<?x?x4xf32>
  %z = ldn.long_conv %sq, %k : tensor<?x?x4xf32>, tensor<4x3xf32> -> tensor<?x?x4xf32>
  return %y, %z : tensor<?x?x4xf32>, tensor<?x?x4xf32>
}

// -----

// Maps that stay maps: the result is also returned; the op is in a loop
// (the map would run at every iteration's loads); an input is read
// transposed; no input is read at the result element (a broadcast); the
// result is read by a non-ldn op first.
// CHECK-LABEL: func.func @prologue_illegal
// CHECK-NOT: ldn.elementwise
#id3d = affine_map<(b, t, c) -> (b, t, c)>
#tbc = affine_map<(b, t, c) -> (t, b, c)>
#ch = affine_map<(b, t, c) -> (c)>
func.func @prologue_illegal(%x: tensor<2x3x4xf32>, %xt: tensor<3x2x4xf32>, %k: tensor<4x3xf32>, %a: tensor<4xf32>, %n: index)
    -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x2x4xf32>) {
  %e = tensor.empty() : tensor<2x3x4xf32>
  %twice = linalg.generic {indexing_maps = [#id3d, #id3d], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x3x4xf32>) outs(%e : tensor<2x3x4xf32>) {
  ^bb0(%xi: f32, %o: f32):
    %t = math.tanh %xi : f32
    linalg.yield %t : f32
  } -> tensor<2x3x4xf32>
  %y1 = ldn.long_conv %twice, %k : tensor<2x3x4xf32>, tensor<4x3xf32> -> tensor<2x3x4xf32>
  %looped = linalg.generic {indexing_maps = [#id3d, #id3d], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x3x4xf32>) outs(%e : tensor<2x3x4xf32>) {
  ^bb0(%xi: f32, %o: f32):
    %t = math.exp %xi : f32
    linalg.yield %t : f32
  } -> tensor<2x3x4xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %y2 = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> tensor<2x3x4xf32> {
    %r = ldn.long_conv %looped, %k : tensor<2x3x4xf32>, tensor<4x3xf32> -> tensor<2x3x4xf32>
    scf.yield %r : tensor<2x3x4xf32>
  }
  %transposed = linalg.generic {indexing_maps = [#id3d, #tbc, #id3d], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %xt : tensor<2x3x4xf32>, tensor<3x2x4xf32>) outs(%e : tensor<2x3x4xf32>) {
  ^bb0(%xi: f32, %ti: f32, %o: f32):
    %s = arith.addf %xi, %ti : f32
    linalg.yield %s : f32
  } -> tensor<2x3x4xf32>
  %y3 = ldn.long_conv %transposed, %k : tensor<2x3x4xf32>, tensor<4x3xf32> -> tensor<2x3x4xf32>
  %broadcast = linalg.generic {indexing_maps = [#ch, #id3d], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a : tensor<4xf32>) outs(%e : tensor<2x3x4xf32>) {
  ^bb0(%ai: f32, %o: f32):
    %t = math.exp %ai : f32
    linalg.yield %t : f32
  } -> tensor<2x3x4xf32>
  %y4 = ldn.long_conv %broadcast, %k : tensor<2x3x4xf32>, tensor<4x3xf32> -> tensor<2x3x4xf32>
  %sliced = linalg.generic {indexing_maps = [#id3d, #id3d], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x3x4xf32>) outs(%e : tensor<2x3x4xf32>) {
  ^bb0(%xi: f32, %o: f32):
    %t = math.sin %xi : f32
    linalg.yield %t : f32
  } -> tensor<2x3x4xf32>
  %slice = tensor.extract_slice %sliced[0, 0, 0] [2, 2, 4] [1, 1, 1] : tensor<2x3x4xf32> to tensor<2x2x4xf32>
  %y5 = ldn.long_conv %slice, %k : tensor<2x2x4xf32>, tensor<4x3xf32> -> tensor<2x2x4xf32>
  return %twice, %y1, %y2, %y3, %y4, %y5 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x2x4xf32>
}

// -----

// Heads merged for the op: the prologue maps the unmerged source and the
// collapse stays between it and the op (the GPU kernels read through it).
// CHECK-LABEL: func.func @prologue_before_collapse
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x2x8xf32>,
// CHECK: %[[P:.*]] = ldn.elementwise %[[X]] : tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32>
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[P]] {{\[}}[0], [1], [2, 3]]
// CHECK: ldn.long_conv %[[C]]
#bthd = affine_map<(b, t, h, d) -> (b, t, h, d)>
func.func @prologue_before_collapse(%x: tensor<?x?x2x8xf32>, %k: tensor<16x3xf32>) -> tensor<?x?x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x2x8xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x2x8xf32>
  %e = tensor.empty(%b, %t) : tensor<?x?x2x8xf32>
  %m = linalg.generic {indexing_maps = [#bthd, #bthd], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<?x?x2x8xf32>) outs(%e : tensor<?x?x2x8xf32>) {
  ^bb0(%xi: f32, %o: f32):
    %t2 = math.tanh %xi : f32
    linalg.yield %t2 : f32
  } -> tensor<?x?x2x8xf32>
  %c = tensor.collapse_shape %m [[0], [1], [2, 3]] : tensor<?x?x2x8xf32> into tensor<?x?x16xf32>
  %y = ldn.long_conv %c, %k : tensor<?x?x16xf32>, tensor<16x3xf32> -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// A per-channel input less static than the channels it is split into: it
// is cast to the unsplit size before the split (tensor<?xf32> to 8, then
// [2, 4]), and a source less static than the generic's result likewise.
// CHECK-LABEL: func.func @prologue_split_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x8xf32>, %[[B:.*]]: tensor<?xf32>,
// CHECK: %[[XC:.*]] = tensor.cast %[[X]] : tensor<?x?x8xf32> to tensor<2x7x8xf32>
// CHECK: %[[XS:.*]] = tensor.expand_shape %[[XC]] {{\[}}[0], [1], [2, 3]] output_shape [2, 7, 2, 4] : tensor<2x7x8xf32> into tensor<2x7x2x4xf32>
// CHECK: %[[BC:.*]] = tensor.cast %[[B]] : tensor<?xf32> to tensor<8xf32>
// CHECK: %[[BS:.*]] = tensor.expand_shape %[[BC]] {{\[}}[0, 1]] output_shape [2, 4] : tensor<8xf32> into tensor<2x4xf32>
// CHECK: ldn.elementwise %[[XS]], %[[BS]] : tensor<2x7x2x4xf32>, tensor<2x4xf32> -> tensor<2x7x2x4xf32>
#btd = affine_map<(b, t, d) -> (b, t, d)>
#d = affine_map<(b, t, d) -> (d)>
func.func @prologue_split_dynamic(%x: tensor<?x?x8xf32>, %bias: tensor<?xf32>, %k: tensor<2x7x2x4xf32>, %v: tensor<2x7x2x4xf32>) -> tensor<2x7x2x4xf32> {
  %e = tensor.empty() : tensor<2x7x8xf32>
  %s = linalg.generic {indexing_maps = [#btd, #d, #btd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %bias : tensor<?x?x8xf32>, tensor<?xf32>) outs(%e : tensor<2x7x8xf32>) {
  ^bb0(%xi: f32, %bi: f32, %init: f32):
    %a = arith.addf %xi, %bi : f32
    linalg.yield %a : f32
  } -> tensor<2x7x8xf32>
  %q = tensor.expand_shape %s [[0], [1], [2, 3]] output_shape [2, 7, 2, 4] : tensor<2x7x8xf32> into tensor<2x7x2x4xf32>
  %o, %st = ldn.linear_attention %q, %k, %v {causal = true} : (tensor<2x7x2x4xf32>, tensor<2x7x2x4xf32>, tensor<2x7x2x4xf32>) -> (tensor<2x7x2x4xf32>, tensor<2x2x4x4xf32>)
  return %o : tensor<2x7x2x4xf32>
}

// -----

// The same for an epilogue whose per-channel input is split to match the
// uncollapsed result.
// CHECK-LABEL: func.func @epilogue_split_dynamic
// CHECK: %[[BC:.*]] = tensor.cast %{{.*}} : tensor<?xf32> to tensor<8xf32>
// CHECK: %[[BS:.*]] = tensor.expand_shape %[[BC]] {{\[}}[0, 1]] output_shape [2, 4]
// CHECK: ldn.elementwise %{{.*}}, %[[BS]] : tensor<?x?x2x4xf32>, tensor<2x4xf32>
#btd = affine_map<(b, t, d) -> (b, t, d)>
#d = affine_map<(b, t, d) -> (d)>
func.func @epilogue_split_dynamic(%q: tensor<?x?x2x4xf32>, %bias: tensor<?xf32>, %k: tensor<?x?x2x4xf32>, %v: tensor<?x?x2x4xf32>) -> tensor<?x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %o4, %st = ldn.linear_attention %q, %k, %v {causal = true} : (tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x4x4xf32>)
  %o = tensor.collapse_shape %o4 [[0], [1], [2, 3]] : tensor<?x?x2x4xf32> into tensor<?x?x8xf32>
  %b = tensor.dim %q, %c0 : tensor<?x?x2x4xf32>
  %t = tensor.dim %q, %c1 : tensor<?x?x2x4xf32>
  %e = tensor.empty(%b, %t) : tensor<?x?x8xf32>
  %s = linalg.generic {indexing_maps = [#btd, #d, #btd], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%o, %bias : tensor<?x?x8xf32>, tensor<?xf32>) outs(%e : tensor<?x?x8xf32>) {
  ^bb0(%xi: f32, %bi: f32, %init: f32):
    %a = arith.addf %xi, %bi : f32
    linalg.yield %a : f32
  } -> tensor<?x?x8xf32>
  return %s : tensor<?x?x8xf32>
}
