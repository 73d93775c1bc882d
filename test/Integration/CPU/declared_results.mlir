// A result type may be more static than what the operands give (a model
// that knows its batch): the declared sizes are what the compiled code
// allocates, so at run time operands that do not give them are an error,
// never a write out of bounds. One op of each kind of lowering, compiled
// for %ldn_target; the matching sizes still compare with lib/Reference.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: ldn-run %t.so --entry diffuse --random x=2x5x4 --random w=2 --random a=4 --check | FileCheck %s
// RUN: ldn-run %t.so --entry conv --random v=2x5x4 --random k=4x8 --check | FileCheck %s
// RUN: ldn-run %t.so --entry attention --random q=2x5x2x4 --random v=2x5x2x3 --check | FileCheck %s
// RUN: ldn-run %t.so --entry lightnet --random q=2x16x2x4 --random k=2x16x2x4 --random v=2x16x2x3 --random theta=2x4 --check | FileCheck %s
// RUN: ldn-run %t.so --entry projected --random u=2x5x6 --random bp=2x3x4 --random k=8x8 --random cp=2x4x5 --check | FileCheck %s
// CHECK: check result0: {{.*}}: ok
// RUN: not ldn-run %t.so --entry diffuse --random x=3x7x4 --random w=2 --random a=4 2>&1 | FileCheck %s --check-prefix=DIFFUSE
// DIFFUSE: error: {{.*}}'ldn.diffuse' op result #0 is declared with 2 at dimension 0, which its operands do not give
// RUN: not ldn-run %t.so --entry conv --random v=2x7x4 --random k=4x8 2>&1 | FileCheck %s --check-prefix=CONV
// CONV: error: {{.*}}'ldn.long_conv' op result #0 is declared with 5 at dimension 1, which its operands do not give
// RUN: not ldn-run %t.so --entry attention --random q=3x5x2x4 --random v=3x5x2x3 2>&1 | FileCheck %s --check-prefix=ATTENTION
// ATTENTION: error: {{.*}}'ldn.linear_attention' op result #0 is declared with 2 at dimension 0, which its operands do not give
// RUN: not ldn-run %t.so --entry lightnet --random q=1x16x2x4 --random k=1x16x2x4 --random v=1x16x2x3 --random theta=2x4 2>&1 | FileCheck %s --check-prefix=LIGHTNET
// LIGHTNET: error: {{.*}}'ldn.lightnet_attention' op result #1 is declared with 2 at dimension 0, which its operands do not give
// RUN: not ldn-run %t.so --entry projected --random u=2x9x6 --random bp=2x3x4 --random k=8x8 --random cp=2x4x5 2>&1 | FileCheck %s --check-prefix=PROJECTED
// PROJECTED: error: {{.*}}'ldn.ssm_conv' op result #0 is declared with 5 at dimension 1, which its operands do not give

func.func @diffuse(%x: tensor<?x?x4xf32>, %w: tensor<2xf32>, %a: tensor<4xf32>) -> tensor<2x5x4xf32> {
  %y = ldn.diffuse %x, %w, %a : tensor<?x?x4xf32>, tensor<2xf32>, tensor<4xf32> -> tensor<2x5x4xf32>
  return %y : tensor<2x5x4xf32>
}

func.func @conv(%v: tensor<?x?x4xf32>, %k: tensor<4x8xf32>) -> tensor<2x5x4xf32> {
  %y = ldn.long_conv %v, %k : tensor<?x?x4xf32>, tensor<4x8xf32> -> tensor<2x5x4xf32>
  return %y : tensor<2x5x4xf32>
}

func.func @attention(%q: tensor<?x?x2x4xf32>, %v: tensor<?x?x2x3xf32>) -> tensor<2x5x2x3xf32> {
  %o, %s = ldn.linear_attention %q, %q, %v
      : (tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x3xf32>) -> (tensor<2x5x2x3xf32>, tensor<?x2x4x3xf32>)
  return %o : tensor<2x5x2x3xf32>
}

// Only the state's batch is declared.
func.func @lightnet(%q: tensor<?x16x2x4xf32>, %k: tensor<?x16x2x4xf32>, %v: tensor<?x16x2x3xf32>, %theta: tensor<2x4xf32>) -> (tensor<?x16x2x3xf32>, tensor<2x2x8x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {grid = array<i64: 16>}
      : (tensor<?x16x2x4xf32>, tensor<?x16x2x4xf32>, tensor<?x16x2x3xf32>, tensor<2x4xf32>) -> (tensor<?x16x2x3xf32>, tensor<2x2x8x3xf32>)
  return %o, %s : tensor<?x16x2x3xf32>, tensor<2x2x8x3xf32>
}

func.func @projected(%u: tensor<?x?x6xf32>, %bp: tensor<2x3x4xf32>, %k: tensor<8x8xf32>, %cp: tensor<2x4x5xf32>) -> tensor<2x5x10xf32> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp : tensor<?x?x6xf32>, tensor<2x3x4xf32>, tensor<8x8xf32>, tensor<2x4x5xf32> -> tensor<2x5x10xf32>
  return %y : tensor<2x5x10xf32>
}
