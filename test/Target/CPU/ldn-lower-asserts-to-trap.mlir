// RUN: ldn-opt %s --ldn-lower-asserts-to-trap -split-input-file | FileCheck %s

// A failed assert calls the runtime's trap with its message, prefixed with
// the assert's location; the code after it moves to the continuation block.
// CHECK-DAG: llvm.mlir.global internal constant @[[MSG_A:ldn_trap_message_[0-9]+]]("{{.*}}ldn-lower-asserts-to-trap.mlir:[[@LINE+18]]:3: T must be 17\00")
// CHECK-DAG: llvm.mlir.global internal constant @[[MSG_B:ldn_trap_message_[0-9]+]]("{{.*}}ldn-lower-asserts-to-trap.mlir:[[@LINE+18]]:3: B must be 2\00")
// CHECK-LABEL: func.func @two_asserts
// CHECK-SAME: (%[[A:.*]]: i1, %[[B:.*]]: i1)
// CHECK: cf.cond_br %[[A]], ^[[CONT1:.*]], ^[[TRAP1:.*]]
// CHECK: ^[[TRAP1]]:
// CHECK: llvm.mlir.addressof @[[MSG_A]]
// CHECK: llvm.call @ldnrt_trap(%{{.*}}) : (!llvm.ptr) -> ()
// CHECK: llvm.unreachable
// CHECK: ^[[CONT1]]:
// CHECK: cf.cond_br %[[B]], ^[[CONT2:.*]], ^[[TRAP2:.*]]
// CHECK: ^[[TRAP2]]:
// CHECK: llvm.mlir.addressof @[[MSG_B]]
// CHECK: ^[[CONT2]]:
// CHECK-NEXT: return
// CHECK: llvm.func @ldnrt_trap(!llvm.ptr)
// CHECK-NOT: cf.assert
func.func @two_asserts(%a: i1, %b: i1) {
  cf.assert %a, "T must be 17"
  cf.assert %b, "B must be 2"
  return
}

// -----

// Without a file location the message is used as is, and identical
// messages share one global.
// CHECK: llvm.mlir.global internal constant @ldn_trap_message_0("same\00")
// CHECK-NOT: llvm.mlir.global
// CHECK-LABEL: func.func @shared
// CHECK-COUNT-2: llvm.mlir.addressof @ldn_trap_message_0
func.func @shared(%a: i1, %b: i1) {
  cf.assert %a, "same" loc(unknown)
  cf.assert %b, "same" loc(unknown)
  return
}

// -----

// No assert, no declaration.
// CHECK-LABEL: func.func @none
// CHECK-NOT: ldnrt_trap
func.func @none() {
  return
}
