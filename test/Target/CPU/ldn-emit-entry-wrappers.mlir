// RUN: ldn-opt %s --ldn-emit-entry-wrappers -split-input-file -verify-diagnostics | FileCheck %s

// The wrapper reads one descriptor pointer per argument from `args`, calls
// the function, and stores each result descriptor through the pointers that
// follow (docs/artifact-abi.md).
// The model function itself is internal: only the wrappers are exported
// (a model function named like a libc function must not be interposed).
// CHECK: func.func @f({{.*}} attributes {llvm.linkage = #llvm.linkage<internal>}
// CHECK-LABEL: func.func @ldn_entry_f
// CHECK-SAME: (%[[ARGS:.*]]: !llvm.ptr)
// CHECK: %[[SLOT0:.*]] = llvm.getelementptr %[[ARGS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P0:.*]] = llvm.load %[[SLOT0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[D0:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: %[[M0:.*]] = builtin.unrealized_conversion_cast %[[D0]] : {{.*}} to memref<?x8xf32>
// CHECK: llvm.load {{.*}} -> !llvm.struct<(ptr, ptr, i64)>
// CHECK: %[[R:.*]]:2 = call @f(%[[M0]], %{{.*}})
// CHECK: %[[RD0:.*]] = builtin.unrealized_conversion_cast %[[R]]#0 : memref<?x8xf32> to
// CHECK: %[[SLOT2:.*]] = llvm.getelementptr %[[ARGS]][2]
// CHECK: %[[P2:.*]] = llvm.load %[[SLOT2]]
// CHECK: llvm.store %[[RD0]], %[[P2]]
// CHECK: llvm.getelementptr %[[ARGS]][3]
// CHECK: return
func.func @f(%x: memref<?x8xf32>, %s: memref<f32>) -> (memref<?x8xf32>, memref<f32>) {
  return %x, %s : memref<?x8xf32>, memref<f32>
}

// Private functions get no wrapper.
// CHECK-NOT: @ldn_entry_helper
func.func private @helper(%x: memref<4xf32>) {
  return
}

// -----

// Entry points take and return tensors (memrefs after bufferization) only.
// expected-error @+1 {{entry point 'scalar': argument #0 has type 'index'; entry points take and return tensors only}}
func.func @scalar(%n: index) {
  return
}
