// ldn.diffuse compiled for %ldn_target, checked against lib/Reference:
// per-channel and data-dependent alpha, the dt attribute and the dt operand,
// causal and symmetric, several steps, more offsets than tokens, f16; both
// lowerings (a static band and few steps: one stencil per step; a dynamic
// band or many steps: offset-by-offset windows); a chain that
// ldn-fuse-diffusion-steps merges, checked against the unfused source.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: for T in 1 2 7 63 64 65 1000 4096; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry symmetric --random x=${B}x${T}x16 --random w=4:0:1 --random alpha=16:0:1 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry causal_steps --random x=${B}x${T}x16 --random w=3:0:1 --random alpha=${B}x${T}x16:0:1 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry dt_operand --random x=${B}x${T}x16 --random w=9:0:1 --random alpha=16:0:1 --random dt=scalar:0:0.2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry dynamic_band --random x=${B}x${T}x16 --random w=5:0:1 --random alpha=16:0:1 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry many_steps --random x=${B}x${T}x16 --random w=2:0:1 --random alpha=16:0:1 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry chain --random x=${B}x${T}x16 --random w=3:0:1 --random alpha=${B}x${T}x16:0:1 --check --quiet || exit 1; \
// RUN: done; done
// RUN: ldn-run %t.so --entry half --random x=3x65x16 --random w=2:0:1 --random alpha=16:0:1 --check | FileCheck %s
// CHECK: check result0: {{.*}}: ok

func.func @symmetric(%x: tensor<?x?x16xf32>, %w: tensor<4xf32>, %alpha: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = ldn.diffuse %x, %w, %alpha {dt = 0.1 : f32} : tensor<?x?x16xf32>, tensor<4xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

func.func @causal_steps(%x: tensor<?x?x16xf32>, %w: tensor<3xf32>, %alpha: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %y = ldn.diffuse %x, %w, %alpha {steps = 3, dt = 0.2 : f32, causal = true} : tensor<?x?x16xf32>, tensor<3xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// R = 9 offsets: more than T for the short sequences.
func.func @dt_operand(%x: tensor<?x?x16xf32>, %w: tensor<9xf32>, %alpha: tensor<16xf32>, %dt: tensor<f32>) -> tensor<?x?x16xf32> {
  %y = ldn.diffuse %x, %w, %alpha dt %dt {steps = 2} : tensor<?x?x16xf32>, tensor<9xf32>, tensor<16xf32>, tensor<f32> -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

func.func @half(%x: tensor<?x?x16xf16>, %w: tensor<2xf32>, %alpha: tensor<16xf32>) -> tensor<?x?x16xf16> {
  %y = ldn.diffuse %x, %w, %alpha {dt = 0.1 : f32} : tensor<?x?x16xf16>, tensor<2xf32>, tensor<16xf32> -> tensor<?x?x16xf16>
  return %y : tensor<?x?x16xf16>
}

func.func @dynamic_band(%x: tensor<?x?x16xf32>, %w: tensor<?xf32>, %alpha: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = ldn.diffuse %x, %w, %alpha {dt = 0.1 : f32, steps = 2} : tensor<?x?x16xf32>, tensor<?xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

func.func @many_steps(%x: tensor<?x?x16xf32>, %w: tensor<2xf32>, %alpha: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = ldn.diffuse %x, %w, %alpha {dt = 0.05 : f32, steps = 12, causal = true} : tensor<?x?x16xf32>, tensor<2xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// Compiled as one op with steps = 3 (ldn-fuse-diffusion-steps, on by
// default); --check evaluates the two ops as written.
func.func @chain(%x: tensor<?x?x16xf32>, %w: tensor<3xf32>, %alpha: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %y1 = ldn.diffuse %x, %w, %alpha {steps = 2, dt = 0.1 : f32} : tensor<?x?x16xf32>, tensor<3xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  %y2 = ldn.diffuse %y1, %w, %alpha {dt = 0.1 : f32} : tensor<?x?x16xf32>, tensor<3xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  return %y2 : tensor<?x?x16xf32>
}
