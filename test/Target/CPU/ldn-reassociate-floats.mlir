// RUN: ldn-opt %s --ldn-reassociate-floats | FileCheck %s

// Float arithmetic may be reassociated (so reductions vectorize) and
// contracted; flags already present are kept.
// CHECK-LABEL: func.func @flags
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<reassoc,contract> : f32
// CHECK: arith.mulf %{{.*}}, %{{.*}} fastmath<reassoc,nnan,contract> : f32
// CHECK: arith.addi %{{.*}}, %{{.*}} : i32
func.func @flags(%a: f32, %b: f32, %i: i32) -> (f32, f32, i32) {
  %0 = arith.addf %a, %b : f32
  %1 = arith.mulf %a, %b fastmath<nnan> : f32
  %2 = arith.addi %i, %i : i32
  return %0, %1, %2 : f32, f32, i32
}
