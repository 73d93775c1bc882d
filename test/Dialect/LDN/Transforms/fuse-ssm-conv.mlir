// RUN: ldn-opt %s --ldn-fuse-ssm-conv --split-input-file | FileCheck %s

#hp_x = affine_map<(b, t, h, o, i) -> (b, t, h, i)>
#hp_w = affine_map<(b, t, h, o, i) -> (h, i, o)>
#hp_y = affine_map<(b, t, h, o, i) -> (b, t, h, o)>

// The LDNN layer: per-head projections (4 heads) around a bidirectional
// convolution become one op; nothing of the chain is left.
// CHECK-LABEL: func.func @heads
// CHECK-SAME: (%[[U:.*]]: tensor<?x?x64xf32>, %[[BP:.*]]: tensor<4x16x4xf32>, %[[K:.*]]: tensor<16x?xf32>, %[[CP:.*]]: tensor<4x4x16xf32>)
// CHECK-NOT: linalg.generic
// CHECK: %[[Y:.*]] = ldn.ssm_conv %[[U]], %[[BP]], %[[K]], %[[CP]] {bidirectional = true, strategy = #ldn.conv_strategy<fft>} : tensor<?x?x64xf32>, tensor<4x16x4xf32>, tensor<16x?xf32>, tensor<4x4x16xf32> -> tensor<?x?x64xf32>
// CHECK-NEXT: return %[[Y]]
func.func @heads(%u: tensor<?x?x64xf32>, %bp: tensor<4x16x4xf32>, %k: tensor<16x?xf32>, %cp: tensor<4x4x16xf32>) -> tensor<?x?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %b = tensor.dim %u, %c0 : tensor<?x?x64xf32>
  %t = tensor.dim %u, %c1 : tensor<?x?x64xf32>
  %u4 = tensor.expand_shape %u [[0], [1], [2, 3]] output_shape [%b, %t, 4, 16] : tensor<?x?x64xf32> into tensor<?x?x4x16xf32>
  %ve = tensor.empty(%b, %t) : tensor<?x?x4x4xf32>
  %v0 = linalg.fill ins(%zero : f32) outs(%ve : tensor<?x?x4x4xf32>) -> tensor<?x?x4x4xf32>
  %v4 = linalg.generic {indexing_maps = [#hp_x, #hp_w, #hp_y], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%u4, %bp : tensor<?x?x4x16xf32>, tensor<4x16x4xf32>) outs(%v0 : tensor<?x?x4x4xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %r = arith.addf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?x4x4xf32>
  %v = tensor.collapse_shape %v4 [[0], [1], [2, 3]] : tensor<?x?x4x4xf32> into tensor<?x?x16xf32>
  %xs = ldn.long_conv %v, %k {bidirectional = true, strategy = #ldn.conv_strategy<fft>} : tensor<?x?x16xf32>, tensor<16x?xf32> -> tensor<?x?x16xf32>
  %x4 = tensor.expand_shape %xs [[0], [1], [2, 3]] output_shape [%b, %t, 4, 4] : tensor<?x?x16xf32> into tensor<?x?x4x4xf32>
  %ye = tensor.empty(%b, %t) : tensor<?x?x4x16xf32>
  %y0 = linalg.fill ins(%zero : f32) outs(%ye : tensor<?x?x4x16xf32>) -> tensor<?x?x4x16xf32>
  %y4 = linalg.generic {indexing_maps = [#hp_x, #hp_w, #hp_y], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%x4, %cp : tensor<?x?x4x4xf32>, tensor<4x4x16xf32>) outs(%y0 : tensor<?x?x4x16xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %w, %x : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<?x?x4x16xf32>
  %y = tensor.collapse_shape %y4 [[0], [1], [2, 3]] : tensor<?x?x4x16xf32> into tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

// -----

#mm_x = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_w = affine_map<(b, m, n, k) -> (k, n)>
#mm_y = affine_map<(b, m, n, k) -> (b, m, n)>

// Dense projections, one a batch_matmul with a shared weight and one a
// generic: one head, the weights get a unit head dimension. The result
// keeps its static type through a cast.
// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[U:.*]]: tensor<2x?x8xf32>, %[[BP:.*]]: tensor<8x3xf32>, %[[K:.*]]: tensor<3x5xf32>, %[[CP:.*]]: tensor<3x6xf32>)
// CHECK-DAG: %[[BP3:.*]] = tensor.expand_shape %[[BP]] {{\[}}[0, 1], [2]] output_shape [1, 8, 3] : tensor<8x3xf32> into tensor<1x8x3xf32>
// CHECK-DAG: %[[CP3:.*]] = tensor.expand_shape %[[CP]] {{\[}}[0, 1], [2]] output_shape [1, 3, 6] : tensor<3x6xf32> into tensor<1x3x6xf32>
// CHECK: %[[Y:.*]] = ldn.ssm_conv %[[U]], %[[BP3]], %[[K]], %[[CP3]] : tensor<2x?x8xf32>, tensor<1x8x3xf32>, tensor<3x5xf32>, tensor<1x3x6xf32> -> tensor<2x?x6xf32>
// CHECK-NEXT: %[[C:.*]] = tensor.cast %[[Y]] : tensor<2x?x6xf32> to tensor<2x7x6xf32>
// CHECK-NEXT: return %[[C]]
func.func @dense(%u: tensor<2x?x8xf32>, %bp: tensor<8x3xf32>, %k: tensor<3x5xf32>, %cp: tensor<3x6xf32>) -> tensor<2x7x6xf32> {
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %t = tensor.dim %u, %c1 : tensor<2x?x8xf32>
  %ve = tensor.empty(%t) : tensor<2x?x3xf32>
  %v0 = linalg.fill ins(%zero : f32) outs(%ve : tensor<2x?x3xf32>) -> tensor<2x?x3xf32>
  %v = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u, %bp : tensor<2x?x8xf32>, tensor<8x3xf32>) outs(%v0 : tensor<2x?x3xf32>) -> tensor<2x?x3xf32>
  %x = ldn.long_conv %v, %k : tensor<2x?x3xf32>, tensor<3x5xf32> -> tensor<2x?x3xf32>
  %ye = tensor.empty() : tensor<2x7x6xf32>
  %y0 = linalg.fill ins(%zero : f32) outs(%ye : tensor<2x7x6xf32>) -> tensor<2x7x6xf32>
  %y = linalg.generic {indexing_maps = [#mm_x, #mm_w, #mm_y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %cp : tensor<2x?x3xf32>, tensor<3x6xf32>) outs(%y0 : tensor<2x7x6xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<2x7x6xf32>
  return %y : tensor<2x7x6xf32>
}

// -----

#mm_x = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_w = affine_map<(b, m, n, k) -> (k, n)>
#mm_y = affine_map<(b, m, n, k) -> (b, m, n)>
#wt = affine_map<(b, m, n, k) -> (n, k)>

// Left alone: the projected input has another use (it would be computed
// twice), the convolution's result has another use, a projection starts
// from a bias rather than zero, the weight is read transposed, and the
// projection body is not a multiply-add.
// CHECK-LABEL: func.func @illegal
// CHECK-COUNT-5: ldn.long_conv
// CHECK-NOT: ldn.ssm_conv
func.func @illegal(%u: tensor<?x?x8xf32>, %bp: tensor<8x3xf32>, %k: tensor<3x5xf32>, %cp: tensor<3x6xf32>, %cpt: tensor<6x3xf32>)
    -> (tensor<?x?x3xf32>, tensor<?x?x6xf32>, tensor<?x?x3xf32>, tensor<?x?x6xf32>, tensor<?x?x6xf32>, tensor<?x?x6xf32>, tensor<?x?x6xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %b = tensor.dim %u, %c0 : tensor<?x?x8xf32>
  %t = tensor.dim %u, %c1 : tensor<?x?x8xf32>
  %ve = tensor.empty(%b, %t) : tensor<?x?x3xf32>
  %v0 = linalg.fill ins(%zero : f32) outs(%ve : tensor<?x?x3xf32>) -> tensor<?x?x3xf32>
  %ye = tensor.empty(%b, %t) : tensor<?x?x6xf32>
  %y0 = linalg.fill ins(%zero : f32) outs(%ye : tensor<?x?x6xf32>) -> tensor<?x?x6xf32>
  %y1 = linalg.fill ins(%one : f32) outs(%ye : tensor<?x?x6xf32>) -> tensor<?x?x6xf32>

  // v is also returned.
  %va = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u, %bp : tensor<?x?x8xf32>, tensor<8x3xf32>) outs(%v0 : tensor<?x?x3xf32>) -> tensor<?x?x3xf32>
  %xa = ldn.long_conv %va, %k : tensor<?x?x3xf32>, tensor<3x5xf32> -> tensor<?x?x3xf32>
  %ya = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xa, %cp : tensor<?x?x3xf32>, tensor<3x6xf32>) outs(%y0 : tensor<?x?x6xf32>) -> tensor<?x?x6xf32>

  // x is also returned.
  %vb = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u, %bp : tensor<?x?x8xf32>, tensor<8x3xf32>) outs(%v0 : tensor<?x?x3xf32>) -> tensor<?x?x3xf32>
  %xb = ldn.long_conv %vb, %k : tensor<?x?x3xf32>, tensor<3x5xf32> -> tensor<?x?x3xf32>
  %yb = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xb, %cp : tensor<?x?x3xf32>, tensor<3x6xf32>) outs(%y0 : tensor<?x?x6xf32>) -> tensor<?x?x6xf32>

  // The output projection accumulates onto ones.
  %vc = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u, %bp : tensor<?x?x8xf32>, tensor<8x3xf32>) outs(%v0 : tensor<?x?x3xf32>) -> tensor<?x?x3xf32>
  %xc = ldn.long_conv %vc, %k : tensor<?x?x3xf32>, tensor<3x5xf32> -> tensor<?x?x3xf32>
  %yc = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%xc, %cp : tensor<?x?x3xf32>, tensor<3x6xf32>) outs(%y1 : tensor<?x?x6xf32>) -> tensor<?x?x6xf32>

  // The output weight is read transposed.
  %vd = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u, %bp : tensor<?x?x8xf32>, tensor<8x3xf32>) outs(%v0 : tensor<?x?x3xf32>) -> tensor<?x?x3xf32>
  %xd = ldn.long_conv %vd, %k : tensor<?x?x3xf32>, tensor<3x5xf32> -> tensor<?x?x3xf32>
  %yd = linalg.generic {indexing_maps = [#mm_x, #wt, #mm_y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%xd, %cpt : tensor<?x?x3xf32>, tensor<6x3xf32>) outs(%y0 : tensor<?x?x6xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?x6xf32>

  // The output "projection" takes the maximum.
  %ve2 = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u, %bp : tensor<?x?x8xf32>, tensor<8x3xf32>) outs(%v0 : tensor<?x?x3xf32>) -> tensor<?x?x3xf32>
  %xe = ldn.long_conv %ve2, %k : tensor<?x?x3xf32>, tensor<3x5xf32> -> tensor<?x?x3xf32>
  %ye2 = linalg.generic {indexing_maps = [#mm_x, #mm_w, #mm_y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%xe, %cp : tensor<?x?x3xf32>, tensor<3x6xf32>) outs(%y0 : tensor<?x?x6xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %p = arith.mulf %a, %w : f32
    %r = arith.maximumf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?x6xf32>
  return %va, %ya, %xb, %yb, %yc, %yd, %ye2
      : tensor<?x?x3xf32>, tensor<?x?x6xf32>, tensor<?x?x3xf32>, tensor<?x?x6xf32>, tensor<?x?x6xf32>, tensor<?x?x6xf32>, tensor<?x?x6xf32>
}

// -----

#hp_x = affine_map<(b, t, h, o, i) -> (b, t, h, i)>
#hp_w = affine_map<(b, t, h, o, i) -> (h, i, o)>
#hp_y = affine_map<(b, t, h, o, i) -> (b, t, h, o)>
#mm_x = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_w = affine_map<(b, m, n, k) -> (k, n)>
#mm_y = affine_map<(b, m, n, k) -> (b, m, n)>

// Left alone: per-head input (2 heads) but a dense output projection,
// which mixes the heads; and an f16 convolution.
// CHECK-LABEL: func.func @mixed_heads
// CHECK: ldn.long_conv
// CHECK-NOT: ldn.ssm_conv
func.func @mixed_heads(%u: tensor<?x?x8xf32>, %bp: tensor<2x4x3xf32>, %k: tensor<6x5xf32>, %cp: tensor<6x6xf32>) -> tensor<?x?x6xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %b = tensor.dim %u, %c0 : tensor<?x?x8xf32>
  %t = tensor.dim %u, %c1 : tensor<?x?x8xf32>
  %u4 = tensor.expand_shape %u [[0], [1], [2, 3]] output_shape [%b, %t, 2, 4] : tensor<?x?x8xf32> into tensor<?x?x2x4xf32>
  %ve = tensor.empty(%b, %t) : tensor<?x?x2x3xf32>
  %v0 = linalg.fill ins(%zero : f32) outs(%ve : tensor<?x?x2x3xf32>) -> tensor<?x?x2x3xf32>
  %v4 = linalg.generic {indexing_maps = [#hp_x, #hp_w, #hp_y], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%u4, %bp : tensor<?x?x2x4xf32>, tensor<2x4x3xf32>) outs(%v0 : tensor<?x?x2x3xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %r = arith.addf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?x2x3xf32>
  %v = tensor.collapse_shape %v4 [[0], [1], [2, 3]] : tensor<?x?x2x3xf32> into tensor<?x?x6xf32>
  %x = ldn.long_conv %v, %k : tensor<?x?x6xf32>, tensor<6x5xf32> -> tensor<?x?x6xf32>
  %ye = tensor.empty(%b, %t) : tensor<?x?x6xf32>
  %y0 = linalg.fill ins(%zero : f32) outs(%ye : tensor<?x?x6xf32>) -> tensor<?x?x6xf32>
  %y = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x, %cp : tensor<?x?x6xf32>, tensor<6x6xf32>) outs(%y0 : tensor<?x?x6xf32>) -> tensor<?x?x6xf32>
  return %y : tensor<?x?x6xf32>
}

// CHECK-LABEL: func.func @half
// CHECK: ldn.long_conv
// CHECK-NOT: ldn.ssm_conv
func.func @half(%u: tensor<?x?x8xf16>, %bp: tensor<8x3xf16>, %k: tensor<3x5xf32>, %cp: tensor<3x6xf16>) -> tensor<?x?x6xf16> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f16
  %b = tensor.dim %u, %c0 : tensor<?x?x8xf16>
  %t = tensor.dim %u, %c1 : tensor<?x?x8xf16>
  %ve = tensor.empty(%b, %t) : tensor<?x?x3xf16>
  %v0 = linalg.fill ins(%zero : f16) outs(%ve : tensor<?x?x3xf16>) -> tensor<?x?x3xf16>
  %v = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u, %bp : tensor<?x?x8xf16>, tensor<8x3xf16>) outs(%v0 : tensor<?x?x3xf16>) -> tensor<?x?x3xf16>
  %x = ldn.long_conv %v, %k : tensor<?x?x3xf16>, tensor<3x5xf32> -> tensor<?x?x3xf16>
  %ye = tensor.empty(%b, %t) : tensor<?x?x6xf16>
  %y0 = linalg.fill ins(%zero : f16) outs(%ye : tensor<?x?x6xf16>) -> tensor<?x?x6xf16>
  %y = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%x, %cp : tensor<?x?x3xf16>, tensor<3x6xf16>) outs(%y0 : tensor<?x?x6xf16>) -> tensor<?x?x6xf16>
  return %y : tensor<?x?x6xf16>
}

// -----

#mm_x = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_w = affine_map<(b, m, n, k) -> (k, n)>
#mm_y = affine_map<(b, m, n, k) -> (b, m, n)>

// Left alone: v's channel dimension is dynamic, and the kernel's 5 rows are
// not the 3 channels the projections make (the op could not be built).
// CHECK-LABEL: func.func @kernel_rows
// CHECK: ldn.long_conv
// CHECK-NOT: ldn.ssm_conv
func.func @kernel_rows(%u: tensor<?x?x8xf32>, %bp: tensor<8x3xf32>, %k: tensor<5x4xf32>, %cp: tensor<3x6xf32>, %nn: tensor<?xf32>) -> tensor<?x?x6xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %b = tensor.dim %u, %c0 : tensor<?x?x8xf32>
  %t = tensor.dim %u, %c1 : tensor<?x?x8xf32>
  %n = tensor.dim %nn, %c0 : tensor<?xf32>
  %ve = tensor.empty(%b, %t, %n) : tensor<?x?x?xf32>
  %v0 = linalg.fill ins(%zero : f32) outs(%ve : tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  %v = linalg.generic {indexing_maps = [#mm_x, #mm_w, #mm_y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%u, %bp : tensor<?x?x8xf32>, tensor<8x3xf32>) outs(%v0 : tensor<?x?x?xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?x?xf32>
  %x = ldn.long_conv %v, %k : tensor<?x?x?xf32>, tensor<5x4xf32> -> tensor<?x?x5xf32>
  %ye = tensor.empty(%b, %t) : tensor<?x?x6xf32>
  %y0 = linalg.fill ins(%zero : f32) outs(%ye : tensor<?x?x6xf32>) -> tensor<?x?x6xf32>
  %y = linalg.generic {indexing_maps = [#mm_x, #mm_w, #mm_y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %cp : tensor<?x?x5xf32>, tensor<3x6xf32>) outs(%y0 : tensor<?x?x6xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?x6xf32>
  return %y : tensor<?x?x6xf32>
}

// -----

#mm_x = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_w = affine_map<(b, m, n, k) -> (k, n)>
#mm_y = affine_map<(b, m, n, k) -> (b, m, n)>

// Left alone: the output projection is inside a loop, which the fused op
// would repeat the convolution in; and (second function) the convolution
// is inside a loop, into which the input projection would move.
// CHECK-LABEL: func.func @in_loop
// CHECK: ldn.long_conv
// CHECK: scf.for
// CHECK-NOT: ldn.ssm_conv
func.func @in_loop(%u: tensor<2x?x8xf32>, %bp: tensor<8x3xf32>, %k: tensor<3x5xf32>, %cp: tensor<3x6xf32>) -> tensor<2x7x6xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %t = tensor.dim %u, %c1 : tensor<2x?x8xf32>
  %ve = tensor.empty(%t) : tensor<2x?x3xf32>
  %v0 = linalg.fill ins(%zero : f32) outs(%ve : tensor<2x?x3xf32>) -> tensor<2x?x3xf32>
  %v = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u, %bp : tensor<2x?x8xf32>, tensor<8x3xf32>) outs(%v0 : tensor<2x?x3xf32>) -> tensor<2x?x3xf32>
  %x = ldn.long_conv %v, %k : tensor<2x?x3xf32>, tensor<3x5xf32> -> tensor<2x?x3xf32>
  %acc0 = tensor.empty() : tensor<2x7x6xf32>
  %res = scf.for %i = %c0 to %c4 step %c1 iter_args(%carry = %acc0) -> tensor<2x7x6xf32> {
    %ye = tensor.empty() : tensor<2x7x6xf32>
    %y0 = linalg.fill ins(%zero : f32) outs(%ye : tensor<2x7x6xf32>) -> tensor<2x7x6xf32>
    %y = linalg.generic {indexing_maps = [#mm_x, #mm_w, #mm_y], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
        ins(%x, %cp : tensor<2x?x3xf32>, tensor<3x6xf32>) outs(%y0 : tensor<2x7x6xf32>) {
    ^bb0(%a: f32, %w: f32, %acc: f32):
      %p = arith.mulf %a, %w : f32
      %r = arith.addf %p, %acc : f32
      linalg.yield %r : f32
    } -> tensor<2x7x6xf32>
    %s = arith.addf %y, %carry : tensor<2x7x6xf32>
    scf.yield %s : tensor<2x7x6xf32>
  }
  return %res : tensor<2x7x6xf32>
}

// CHECK-LABEL: func.func @conv_in_loop
// CHECK: scf.for
// CHECK: ldn.long_conv
// CHECK-NOT: ldn.ssm_conv
func.func @conv_in_loop(%u: tensor<2x7x8xf32>, %bp: tensor<8x3xf32>, %k: tensor<3x5xf32>, %cp: tensor<3x6xf32>) -> tensor<2x7x6xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %ve = tensor.empty() : tensor<2x7x3xf32>
  %v0 = linalg.fill ins(%zero : f32) outs(%ve : tensor<2x7x3xf32>) -> tensor<2x7x3xf32>
  %v = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
      ins(%u, %bp : tensor<2x7x8xf32>, tensor<8x3xf32>) outs(%v0 : tensor<2x7x3xf32>) -> tensor<2x7x3xf32>
  %acc0 = tensor.empty() : tensor<2x7x6xf32>
  %res = scf.for %i = %c0 to %c4 step %c1 iter_args(%carry = %acc0) -> tensor<2x7x6xf32> {
    %x = ldn.long_conv %v, %k : tensor<2x7x3xf32>, tensor<3x5xf32> -> tensor<2x7x3xf32>
    %ye = tensor.empty() : tensor<2x7x6xf32>
    %y0 = linalg.fill ins(%zero : f32) outs(%ye : tensor<2x7x6xf32>) -> tensor<2x7x6xf32>
    %y = linalg.batch_matmul indexing_maps = [#mm_x, #mm_w, #mm_y]
        ins(%x, %cp : tensor<2x7x3xf32>, tensor<3x6xf32>) outs(%y0 : tensor<2x7x6xf32>) -> tensor<2x7x6xf32>
    %s = arith.addf %y, %carry : tensor<2x7x6xf32>
    scf.yield %s : tensor<2x7x6xf32>
  }
  return %res : tensor<2x7x6xf32>
}

// -----

#hp_x = affine_map<(b, t, h, o, i) -> (b, t, h, i)>
#hp_w = affine_map<(b, t, h, o, i) -> (h, i, o)>
#hp_y = affine_map<(b, t, h, o, i) -> (b, t, h, o)>

// Left alone: both projections make 4 state channels, but in 2 heads of 2
// on the way in and 4 heads of 1 on the way out.
// CHECK-LABEL: func.func @regrouped
// CHECK: ldn.long_conv
// CHECK-NOT: ldn.ssm_conv
func.func @regrouped(%u: tensor<?x?x8xf32>, %bp: tensor<2x4x2xf32>, %k: tensor<4x5xf32>, %cp: tensor<4x1x3xf32>) -> tensor<?x?x12xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %b = tensor.dim %u, %c0 : tensor<?x?x8xf32>
  %t = tensor.dim %u, %c1 : tensor<?x?x8xf32>
  %u4 = tensor.expand_shape %u [[0], [1], [2, 3]] output_shape [%b, %t, 2, 4] : tensor<?x?x8xf32> into tensor<?x?x2x4xf32>
  %ve = tensor.empty(%b, %t) : tensor<?x?x2x2xf32>
  %v0 = linalg.fill ins(%zero : f32) outs(%ve : tensor<?x?x2x2xf32>) -> tensor<?x?x2x2xf32>
  %v4 = linalg.generic {indexing_maps = [#hp_x, #hp_w, #hp_y], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%u4, %bp : tensor<?x?x2x4xf32>, tensor<2x4x2xf32>) outs(%v0 : tensor<?x?x2x2xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %r = arith.addf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?x2x2xf32>
  %v = tensor.collapse_shape %v4 [[0], [1], [2, 3]] : tensor<?x?x2x2xf32> into tensor<?x?x4xf32>
  %xs = ldn.long_conv %v, %k : tensor<?x?x4xf32>, tensor<4x5xf32> -> tensor<?x?x4xf32>
  %x4 = tensor.expand_shape %xs [[0], [1], [2, 3]] output_shape [%b, %t, 4, 1] : tensor<?x?x4xf32> into tensor<?x?x4x1xf32>
  %ye = tensor.empty(%b, %t) : tensor<?x?x4x3xf32>
  %y0 = linalg.fill ins(%zero : f32) outs(%ye : tensor<?x?x4x3xf32>) -> tensor<?x?x4x3xf32>
  %y4 = linalg.generic {indexing_maps = [#hp_x, #hp_w, #hp_y], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%x4, %cp : tensor<?x?x4x1xf32>, tensor<4x1x3xf32>) outs(%y0 : tensor<?x?x4x3xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %r = arith.addf %p, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x?x4x3xf32>
  %y = tensor.collapse_shape %y4 [[0], [1], [2, 3]] : tensor<?x?x4x3xf32> into tensor<?x?x12xf32>
  return %y : tensor<?x?x12xf32>
}
