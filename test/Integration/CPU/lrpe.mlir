// ldn.lrpe compiled for %ldn_target, checked against lib/Reference on 1-D,
// 2-D (with a class token) and 3-D grids; a run-time T that does not fit
// the grid is an error from the compiled code, not a wrong answer.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: for B in 1 3; do \
// RUN:   ldn-run %t.so --entry line --random x=${B}x64x2x8 --random theta=2x8:0:1 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry image --random x=${B}x17x2x8 --random theta=2x4:0:1 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry volume --random x=${B}x32x3x7 --random theta=3x3:0:1 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry dynamic --random x=${B}x65x2x8 --random theta=2x8:0:1 --check --quiet || exit 1; \
// RUN: done
// RUN: ldn-run %t.so --entry half --random x=2x17x2x8 --random theta=2x4:0:1 --check | FileCheck %s
// CHECK: check result0: {{.*}}: ok
// RUN: not ldn-run %t.so --entry dynamic --random x=1x64x2x8 --random theta=2x8:0:1 2>&1 | FileCheck %s --check-prefix=BADT
// BADT: error: dynamic: {{.*}}ldn.lrpe: sequence length T must equal prefix + product of grid = 65

func.func @line(%x: tensor<?x64x2x8xf32>, %theta: tensor<2x8xf32>) -> tensor<?x64x2x16xf32> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 64>} : tensor<?x64x2x8xf32>, tensor<2x8xf32> -> tensor<?x64x2x16xf32>
  return %y : tensor<?x64x2x16xf32>
}

func.func @image(%x: tensor<?x17x2x8xf32>, %theta: tensor<2x4xf32>) -> tensor<?x17x2x16xf32> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 4, 4>, prefix = 1} : tensor<?x17x2x8xf32>, tensor<2x4xf32> -> tensor<?x17x2x16xf32>
  return %y : tensor<?x17x2x16xf32>
}

// 3 axes x 3 frequencies cover d = 7 with the last block cut short.
func.func @volume(%x: tensor<?x32x3x7xf32>, %theta: tensor<3x3xf32>) -> tensor<?x32x3x14xf32> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 2, 3, 5>, prefix = 2} : tensor<?x32x3x7xf32>, tensor<3x3xf32> -> tensor<?x32x3x14xf32>
  return %y : tensor<?x32x3x14xf32>
}

func.func @dynamic(%x: tensor<?x?x2x8xf32>, %theta: tensor<2x8xf32>) -> tensor<?x?x2x16xf32> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 8, 8>, prefix = 1} : tensor<?x?x2x8xf32>, tensor<2x8xf32> -> tensor<?x?x2x16xf32>
  return %y : tensor<?x?x2x16xf32>
}

func.func @half(%x: tensor<?x17x2x8xf16>, %theta: tensor<2x4xf32>) -> tensor<?x17x2x16xf16> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 4, 4>, prefix = 1} : tensor<?x17x2x8xf16>, tensor<2x4xf32> -> tensor<?x17x2x16xf16>
  return %y : tensor<?x17x2x16xf16>
}
