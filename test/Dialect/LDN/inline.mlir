// RUN: ldn-opt %s --inline | FileCheck %s
// A block written once and called per layer is inlined: ldn ops are legal
// to inline, so fusion sees the whole model.

// CHECK-LABEL: func.func @two_layers
// CHECK-NOT: call
// CHECK-COUNT-2: ldn.scan
// CHECK-NOT: call
func.func private @layer(%a: tensor<?x?x8xf32>, %b: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %h, %last = ldn.scan %a, %b : tensor<?x?x8xf32>, tensor<?x?x8xf32> -> tensor<?x?x8xf32>, tensor<?x8xf32>
  return %h : tensor<?x?x8xf32>
}

func.func @two_layers(%a: tensor<?x?x8xf32>, %b: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %h0 = func.call @layer(%a, %b) : (tensor<?x?x8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %h1 = func.call @layer(%a, %h0) : (tensor<?x?x8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %h1 : tensor<?x?x8xf32>
}
