// RUN: ldn-opt %s --ldn-expand-memref-copies | FileCheck %s

// CHECK-LABEL: func.func @copy
// CHECK-SAME: (%[[SRC:.*]]: memref<?x8xf32, strided<[16, 1]>>, %[[DST:.*]]: memref<?x8xf32>)
// CHECK: linalg.copy ins(%[[SRC]] : memref<?x8xf32, strided<[16, 1]>>) outs(%[[DST]] : memref<?x8xf32>)
// CHECK-NOT: memref.copy
func.func @copy(%src: memref<?x8xf32, strided<[16, 1]>>, %dst: memref<?x8xf32>) {
  memref.copy %src, %dst : memref<?x8xf32, strided<[16, 1]>> to memref<?x8xf32>
  return
}
