// RUN: ldn-opt %s --ldn-approximate-math | FileCheck %s

// exp, log1p and tanh become plain arithmetic (which vectorizes)...
// CHECK-LABEL: func.func @approximated
// CHECK-NOT: math.exp
// CHECK-NOT: math.log1p
// CHECK-NOT: math.tanh
// CHECK: arith.mulf
// CHECK: return
func.func @approximated(%x: f32, %v: vector<8xf32>) -> (f32, f32, vector<8xf32>) {
  %0 = math.exp %x : f32
  %1 = math.log1p %x : f32
  %2 = math.tanh %v : vector<8xf32>
  return %0, %1, %2 : f32, f32, vector<8xf32>
}

// ...while cos and sin stay with libm, where large arguments are reduced
// exactly.
// CHECK-LABEL: func.func @kept
// CHECK: math.cos
// CHECK: math.sin
func.func @kept(%x: f32) -> (f32, f32) {
  %0 = math.cos %x : f32
  %1 = math.sin %x : f32
  return %0, %1 : f32, f32
}
