// RUN: ldn-opt %s --ldn-readonly-entry-args | FileCheck %s

// Tensor arguments of public functions are lent by the caller.
// CHECK-LABEL: func.func @entry
// CHECK-SAME: %{{.*}}: tensor<?xf32> {bufferization.writable = false}
// CHECK-SAME: %{{.*}}: index)
func.func @entry(%x: tensor<?xf32>, %n: index) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}

// Private helpers are left alone.
// CHECK-LABEL: func.func private @helper
// CHECK-NOT: bufferization.writable
func.func private @helper(%x: tensor<?xf32>) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}
