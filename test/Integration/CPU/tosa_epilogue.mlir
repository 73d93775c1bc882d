// A model written with TOSA: its broadcast operands ([1, 1, C], [1, 1, 1])
// become epilogue inputs and its two maps one epilogue
// (ldn-fuse-elementwise), compiled for %ldn_target.
// The reference cannot evaluate TOSA, so the fused build is compared with
// the unfused one: the same f32 arithmetic in the same order, so the
// printed results are identical.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: ldn-compile %s --target=%ldn_target --fuse=false -o %t.unfused.so
// RUN: for T in 1 7 64 65 1000; do \
// RUN:   ldn-run %t.so --random x=3x${T}x4 --random w=2:0:1 --random a=4:0:1 --random b=1x1x4 --random s=1x1x1 > %t.fused.txt || exit 1; \
// RUN:   ldn-run %t.unfused.so --random x=3x${T}x4 --random w=2:0:1 --random a=4:0:1 --random b=1x1x4 --random s=1x1x1 > %t.plain.txt || exit 1; \
// RUN:   diff %t.fused.txt %t.plain.txt || exit 1; \
// RUN: done
// The add and the multiply after it become one epilogue.
// RUN: ldn-opt %s "--pass-pipeline=builtin.module(func.func(tosa-to-linalg),ldn-fuse-elementwise)" | FileCheck %s
// CHECK: %[[B:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2]] : tensor<1x1x4xf32> into tensor<4xf32>
// CHECK: %[[S:.*]] = tensor.collapse_shape %{{.*}} [] : tensor<1x1x1xf32> into tensor<f32>
// CHECK: ldn.elementwise %{{.*}}, %[[B]], %[[S]] : tensor<?x?x4xf32>, tensor<4xf32>, tensor<f32> -> tensor<?x?x4xf32>
// CHECK: arith.addf
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic

func.func @tosa_bias_scale(%x: tensor<?x?x4xf32>, %w: tensor<2xf32>, %a: tensor<4xf32>,
                           %b: tensor<1x1x4xf32>, %s: tensor<1x1x1xf32>) -> tensor<?x?x4xf32> {
  %y = ldn.diffuse %x, %w, %a : tensor<?x?x4xf32>, tensor<2xf32>, tensor<4xf32> -> tensor<?x?x4xf32>
  %z = tosa.add %y, %b : (tensor<?x?x4xf32>, tensor<1x1x4xf32>) -> tensor<?x?x4xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.mul %z, %s, %shift : (tensor<?x?x4xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<?x?x4xf32>
  return %r : tensor<?x?x4xf32>
}
