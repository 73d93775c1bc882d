// ldn-cpu-pipeline takes a model on tensors (ldn + tosa + arith on tensors,
// dynamic sizes) all the way to the LLVM dialect, with the entry wrapper.
// RUN: ldn-opt %s --ldn-cpu-pipeline | FileCheck %s

// CHECK-NOT: = ldn.
// CHECK-NOT: = tosa.
// CHECK-NOT: = linalg.generic
// CHECK-NOT: memref.
// CHECK-NOT: builtin.unrealized_conversion_cast
// CHECK-DAG: llvm.func internal @block(
// CHECK-DAG: llvm.func @ldn_entry_block(%{{.*}}: !llvm.ptr)
// Sizes that only run time can compare are checked there, through the trap.
// CHECK-DAG: llvm.func @ldnrt_trap(!llvm.ptr)
// CHECK-DAG: llvm.func @ldn_entry_dynamic(%{{.*}}: !llvm.ptr)
// CHECK-NOT: memrefCopy
func.func @block(%x: tensor<?x?x16xf32>, %a: tensor<16xf32>, %bias: tensor<1x1x16xf32>) -> tensor<?x?x16xf32> {
  %s = tosa.sigmoid %x : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %g = arith.mulf %x, %s : tensor<?x?x16xf32>
  %h, %l = ldn.scan %a, %g : tensor<16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>, tensor<?x16xf32>
  %y = tosa.add %h, %bias : (tensor<?x?x16xf32>, tensor<1x1x16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

func.func @dynamic(%a: tensor<?x?x?xf32>, %b: tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
  %h, %l = ldn.scan %a, %b : tensor<?x?x?xf32>, tensor<?x?x?xf32> -> tensor<?x?x?xf32>, tensor<?x?xf32>
  return %h : tensor<?x?x?xf32>
}
