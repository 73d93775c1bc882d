// RUN: ldn-opt %s --ldn-lower-asserts-to-trap -split-input-file | FileCheck %s

// A failed assert calls the runtime's trap with the message, once per
// distinct message; the code after it moves to the continuation block.
// CHECK: llvm.mlir.global internal constant @ldn_trap_message_0("T must be 17\00")
// CHECK-LABEL: func.func @two_asserts
// CHECK-SAME: (%[[A:.*]]: i1, %[[B:.*]]: i1)
// CHECK: cf.cond_br %[[A]], ^[[CONT1:.*]], ^[[TRAP1:.*]]
// CHECK: ^[[TRAP1]]:
// CHECK: llvm.mlir.addressof @ldn_trap_message_0
// CHECK: llvm.call @ldnrt_trap(%{{.*}}) : (!llvm.ptr) -> ()
// CHECK: llvm.unreachable
// CHECK: ^[[CONT1]]:
// CHECK: cf.cond_br %[[B]], ^[[CONT2:.*]], ^[[TRAP2:.*]]
// CHECK: ^[[TRAP2]]:
// CHECK: llvm.mlir.addressof @ldn_trap_message_0
// CHECK: ^[[CONT2]]:
// CHECK-NEXT: return
// CHECK: llvm.func @ldnrt_trap(!llvm.ptr)
// CHECK-NOT: cf.assert
func.func @two_asserts(%a: i1, %b: i1) {
  cf.assert %a, "T must be 17"
  cf.assert %b, "T must be 17"
  return
}

// -----

// No assert, no declaration.
// CHECK-LABEL: func.func @none
// CHECK-NOT: ldnrt_trap
func.func @none() {
  return
}
