// RUN: ldn-opt %s --ldn-fuse-contraction-bias --split-input-file | FileCheck %s

#btk = affine_map<(b, t, n, k) -> (b, t, k)>
#kn = affine_map<(b, t, n, k) -> (k, n)>
#btn = affine_map<(b, t, n, k) -> (b, t, n)>
#btd = affine_map<(b, t, d) -> (b, t, d)>
#d = affine_map<(b, t, d) -> (d)>

// Diffuser's q, k, v: three projections from one zero fill, one generic
// adding the three biases. The projections start from one broadcast of the
// biases; the add is gone and the fill is unused.
// CHECK-LABEL: func.func @qkv
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x8xf32>, %[[WQ:.*]]: tensor<8x8xf32>, %[[WK:.*]]: tensor<8x8xf32>, %[[WV:.*]]: tensor<8x8xf32>, %[[BQ:.*]]: tensor<8xf32>, %[[BK:.*]]: tensor<8xf32>, %[[BV:.*]]: tensor<8xf32>)
// CHECK-NOT: linalg.fill
// CHECK: %[[E:.*]] = tensor.empty
// CHECK: %[[I:.*]]:3 = linalg.generic {{.*}} ins(%[[BQ]], %[[BK]], %[[BV]] : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%[[E]], %[[E]], %[[E]] :
// CHECK-NEXT: ^bb0(%[[A:[a-z0-9_]+]]: f32, %[[B:[a-z0-9_]+]]: f32, %[[C:[a-z0-9_]+]]: f32,
// CHECK-NEXT: linalg.yield %[[A]], %[[B]], %[[C]] : f32, f32, f32
// CHECK: %[[Q:.*]] = linalg.batch_matmul {{.*}} ins(%[[X]], %[[WQ]] : {{.*}}) outs(%[[I]]#0 :
// CHECK: %[[K:.*]] = linalg.batch_matmul {{.*}} ins(%[[X]], %[[WK]] : {{.*}}) outs(%[[I]]#1 :
// CHECK: %[[V:.*]] = linalg.batch_matmul {{.*}} ins(%[[X]], %[[WV]] : {{.*}}) outs(%[[I]]#2 :
// CHECK-NOT: linalg.generic
// CHECK: return %[[Q]], %[[K]], %[[V]]
func.func @qkv(%x: tensor<?x?x8xf32>, %wq: tensor<8x8xf32>, %wk: tensor<8x8xf32>, %wv: tensor<8x8xf32>,
               %bq: tensor<8xf32>, %bk: tensor<8xf32>, %bv: tensor<8xf32>)
    -> (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %b = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %e = tensor.empty(%b, %t) : tensor<?x?x8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %qm = linalg.batch_matmul indexing_maps = [#btk, #kn, #btn]
      ins(%x, %wq : tensor<?x?x8xf32>, tensor<8x8xf32>) outs(%z : tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %km = linalg.batch_matmul indexing_maps = [#btk, #kn, #btn]
      ins(%x, %wk : tensor<?x?x8xf32>, tensor<8x8xf32>) outs(%z : tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %vm = linalg.batch_matmul indexing_maps = [#btk, #kn, #btn]
      ins(%x, %wv : tensor<?x?x8xf32>, tensor<8x8xf32>) outs(%z : tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %q, %k, %v = linalg.generic {indexing_maps = [#btd, #btd, #btd, #d, #d, #d, #btd, #btd, #btd],
                               iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%qm, %km, %vm, %bq, %bk, %bv : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>,
                                         tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
      outs(%e, %e, %e : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>) {
  ^bb0(%a: f32, %bb: f32, %c: f32, %ba: f32, %bbb: f32, %bc: f32, %o1: f32, %o2: f32, %o3: f32):
    %ra = arith.addf %a, %ba : f32
    %rb = arith.addf %bbb, %bb : f32
    %rc = arith.addf %c, %bc : f32
    linalg.yield %ra, %rb, %rc : f32, f32, f32
  } -> (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>)
  return %q, %k, %v : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>
}

// -----

#mk = affine_map<(m, n) -> (m, n)>
#n = affine_map<(m, n) -> (n)>

// Left alone, one reason each: a bias add with a multiply after it, a
// contraction result with another use, a non-zero fill, a bias defined
// after the contraction, a transposed read of the product, a contraction
// that negates its accumulator (-out + x w: from the bias it would not
// give the sum plus the bias).
// CHECK-LABEL: func.func @illegal
// CHECK-COUNT-7: linalg.generic
// CHECK-NOT: linalg.generic
func.func @illegal(%x: tensor<4x8xf32>, %w: tensor<8x6xf32>, %bias: tensor<6xf32>, %sq: tensor<6x6xf32>)
    -> (tensor<4x6xf32>, tensor<4x6xf32>, tensor<4x6xf32>, tensor<4x6xf32>, tensor<4x6xf32>, tensor<6x6xf32>, tensor<4x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4x6xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x6xf32>) -> tensor<4x6xf32>
  %f1 = linalg.fill ins(%one : f32) outs(%e : tensor<4x6xf32>) -> tensor<4x6xf32>

  // More than the add.
  %y1 = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x6xf32>) outs(%z : tensor<4x6xf32>) -> tensor<4x6xf32>
  %r1 = linalg.generic {indexing_maps = [#mk, #n, #mk], iterator_types = ["parallel", "parallel"]}
      ins(%y1, %bias : tensor<4x6xf32>, tensor<6xf32>) outs(%e : tensor<4x6xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %m = arith.mulf %s, %s : f32
    linalg.yield %m : f32
  } -> tensor<4x6xf32>

  // The product is also returned.
  %y2 = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x6xf32>) outs(%z : tensor<4x6xf32>) -> tensor<4x6xf32>
  %r2 = linalg.generic {indexing_maps = [#mk, #n, #mk], iterator_types = ["parallel", "parallel"]}
      ins(%y2, %bias : tensor<4x6xf32>, tensor<6xf32>) outs(%e : tensor<4x6xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x6xf32>

  // Accumulated onto ones.
  %y3 = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x6xf32>) outs(%f1 : tensor<4x6xf32>) -> tensor<4x6xf32>
  %r3 = linalg.generic {indexing_maps = [#mk, #n, #mk], iterator_types = ["parallel", "parallel"]}
      ins(%y3, %bias : tensor<4x6xf32>, tensor<6xf32>) outs(%e : tensor<4x6xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x6xf32>

  // The bias is computed after the product.
  %y4 = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x6xf32>) outs(%z : tensor<4x6xf32>) -> tensor<4x6xf32>
  %late = arith.addf %bias, %bias : tensor<6xf32>
  %r4 = linalg.generic {indexing_maps = [#mk, #n, #mk], iterator_types = ["parallel", "parallel"]}
      ins(%y4, %late : tensor<4x6xf32>, tensor<6xf32>) outs(%e : tensor<4x6xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x6xf32>

  // The product read transposed (a square one, so the types agree).
  %e6 = tensor.empty() : tensor<6x6xf32>
  %z6 = linalg.fill ins(%zero : f32) outs(%e6 : tensor<6x6xf32>) -> tensor<6x6xf32>
  %ys = linalg.matmul ins(%sq, %sq : tensor<6x6xf32>, tensor<6x6xf32>) outs(%z6 : tensor<6x6xf32>) -> tensor<6x6xf32>
  %r5 = linalg.generic {indexing_maps = [affine_map<(m, n) -> (n, m)>, #n, #mk], iterator_types = ["parallel", "parallel"]}
      ins(%ys, %bias : tensor<6x6xf32>, tensor<6xf32>) outs(%e6 : tensor<6x6xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<6x6xf32>
  %yn = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x8xf32>, tensor<8x6xf32>) outs(%z : tensor<4x6xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %neg = arith.negf %o : f32
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %neg, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x6xf32>
  %r6 = linalg.generic {indexing_maps = [#mk, #n, #mk], iterator_types = ["parallel", "parallel"]}
      ins(%yn, %bias : tensor<4x6xf32>, tensor<6xf32>) outs(%e : tensor<4x6xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x6xf32>
  return %r1, %r2, %y2, %r3, %r4, %r5, %r6 : tensor<4x6xf32>, tensor<4x6xf32>, tensor<4x6xf32>, tensor<4x6xf32>, tensor<4x6xf32>, tensor<6x6xf32>, tensor<4x6xf32>
}
