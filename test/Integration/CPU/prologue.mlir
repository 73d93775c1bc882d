// ldn.elementwise prologues (maps whose result only an ldn op reads)
// compiled for %ldn_target, checked against lib/Reference: a map of q
// reshaped into heads together with an epilogue on the same kernel (the
// kernel also takes q in place of the absent decay), maps of weights
// (diffuse's steps and rates, selective_scan's A), of the scanned input
// and of a convolution's input (direct and FFT) with per-channel and 0-d
// inputs, of sparse attention's q and k, of additive_decay's and lrpe's
// input, and of LightNet's q, at the awkward lengths and both batch sizes.
// On the GPU path the kernels apply them at their loads; on the CPU they
// are maps of their own (docs/fusion.md).
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: for T in 1 2 7 63 64 65 1000; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry silu_q_gate --random x=${B}x${T}x8 --random bias=8 --random k=${B}x${T}x2x4 --random v=${B}x${T}x2x4 --random g=${B}x${T}x2x4 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry softplus_diffuse --random x=${B}x${T}x16 --random s=scalar --random w=3 --random alpha=16 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry scan_neg_exp_a --random x=${B}x${T}x8 --random g=8 --random delta=${B}x${T}x8 --random a=8x4:-1:1 --random b=${B}x${T}x4 --random c=${B}x${T}x4 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry conv_scaled --random x=${B}x${T}x16 --random s=scalar --random bias=16 --random w=16x5 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry recurrence_gated --random a=${B}x${T}x16 --random b=${B}x${T}x16 --random g=16 --check --quiet || exit 1; \
// RUN: done; done
// The attention's reference is quadratic: shorter sequences.
// RUN: for T in 1 2 7 63 64 65 200; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry tanh_qk_attention --random q=${B}x${T}x2x4 --random k=${B}x${T}x2x4 --random v=${B}x${T}x2x3 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry scaled_decay --random k=${B}x${T}x2x8 --random s=2x8 --check --quiet || exit 1; \
// RUN: done; done
// RUN: for B in 1 3; do \
// RUN:   ldn-run %t.so --entry tanh_lrpe --random x=${B}x64x2x8 --random theta=2x8 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry lightnet_global --random x=${B}x65x10 --random k=${B}x65x2x5:-3:3 --random v=${B}x65x2x3 --random theta=2x3:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry lightnet_causal --random x=${B}x1000x10 --random k=${B}x1000x2x5:-3:3 --random v=${B}x1000x2x3 --random theta=2x3:0:2 --check --quiet || exit 1; \
// RUN: done
// Every result is checked, the state included.
// RUN: ldn-run %t.so --entry lightnet_causal --random x=2x1000x10 --random k=2x1000x2x5 --random v=2x1000x2x3 --random theta=2x3 --check | FileCheck %s
// CHECK: check result0: {{.*}}: ok
// CHECK: check result1: {{.*}}: ok
// A mismatched input of a prologue is a run-time error, not a wrong answer.
// RUN: not ldn-run %t.so --entry recurrence_gated --random a=2x9x16 --random b=2x9x16 --random g=15 2>&1 | FileCheck %s --check-prefix=MISMATCH
// MISMATCH: ldn.elementwise: input #1 dimension 0 must match source dimension 2

func.func @silu_q_gate(%x: tensor<?x?x8xf32>, %bias: tensor<8xf32>, %k: tensor<?x?x2x4xf32>, %v: tensor<?x?x2x4xf32>, %g: tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x4x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %s = ldn.elementwise %x, %bias : tensor<?x?x8xf32>, tensor<8xf32> -> tensor<?x?x8xf32> {
  ^bb0(%xi: f32, %bi: f32):
    %one = arith.constant 1.0 : f32
    %a = arith.addf %xi, %bi : f32
    %n = arith.negf %a : f32
    %e = math.exp %n : f32
    %d = arith.addf %e, %one : f32
    %r = arith.divf %a, %d : f32
    ldn.yield %r : f32
  }
  %q = tensor.expand_shape %s [[0], [1], [2, 3]] output_shape [%b, %t, 2, 4] : tensor<?x?x8xf32> into tensor<?x?x2x4xf32>
  %o, %st = ldn.linear_attention %q, %k, %v {causal = true} : (tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x4x4xf32>)
  %r = ldn.elementwise %o, %g : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32> -> tensor<?x?x2x4xf32> {
  ^bb0(%oi: f32, %gi: f32):
    %m = arith.mulf %oi, %gi : f32
    ldn.yield %m : f32
  }
  return %r, %st : tensor<?x?x2x4xf32>, tensor<?x2x4x4xf32>
}

func.func @softplus_diffuse(%x: tensor<?x?x16xf32>, %s: tensor<f32>, %w: tensor<3xf32>, %alpha: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %xs = ldn.elementwise %x, %s : tensor<?x?x16xf32>, tensor<f32> -> tensor<?x?x16xf32> {
  ^bb0(%xi: f32, %si: f32):
    %m = arith.mulf %xi, %si : f32
    ldn.yield %m : f32
  }
  %sw = ldn.elementwise %w : tensor<3xf32> -> tensor<3xf32> {
  ^bb0(%wi: f32):
    %e = math.exp %wi : f32
    %l = math.log1p %e : f32
    ldn.yield %l : f32
  }
  %sa = ldn.elementwise %alpha : tensor<16xf32> -> tensor<16xf32> {
  ^bb0(%ai: f32):
    %e = math.exp %ai : f32
    %l = math.log1p %e : f32
    ldn.yield %l : f32
  }
  %y = ldn.diffuse %xs, %sw, %sa {steps = 3} : tensor<?x?x16xf32>, tensor<3xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

func.func @scan_neg_exp_a(%x: tensor<?x?x8xf32>, %g: tensor<8xf32>, %delta: tensor<?x?x8xf32>, %a: tensor<8x4xf32>, %b: tensor<?x?x4xf32>, %c: tensor<?x?x4xf32>) -> (tensor<?x?x8xf32>, tensor<?x8x4xf32>) {
  %xg = ldn.elementwise %x, %g : tensor<?x?x8xf32>, tensor<8xf32> -> tensor<?x?x8xf32> {
  ^bb0(%xi: f32, %gi: f32):
    %m = arith.mulf %xi, %gi : f32
    ldn.yield %m : f32
  }
  %na = ldn.elementwise %a : tensor<8x4xf32> -> tensor<8x4xf32> {
  ^bb0(%ai: f32):
    %e = math.exp %ai : f32
    %n = arith.negf %e : f32
    ldn.yield %n : f32
  }
  %y, %h = ldn.selective_scan %xg, %delta, %na, %b, %c {delta_softplus = true} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<8x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>) -> (tensor<?x?x8xf32>, tensor<?x8x4xf32>)
  return %y, %h : tensor<?x?x8xf32>, tensor<?x8x4xf32>
}

func.func @conv_scaled(%x: tensor<?x?x16xf32>, %s: tensor<f32>, %bias: tensor<16xf32>, %w: tensor<16x5xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>) {
  %xs = ldn.elementwise %x, %s, %bias : tensor<?x?x16xf32>, tensor<f32>, tensor<16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%xi: f32, %si: f32, %bi: f32):
    %m = arith.mulf %xi, %si : f32
    %a = arith.addf %m, %bi : f32
    ldn.yield %a : f32
  }
  %y = ldn.long_conv %xs, %w : tensor<?x?x16xf32>, tensor<16x5xf32> -> tensor<?x?x16xf32>
  %xt = ldn.elementwise %x : tensor<?x?x16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%xi: f32):
    %t = math.tanh %xi : f32
    ldn.yield %t : f32
  }
  %z = ldn.long_conv %xt, %w {strategy = #ldn.conv_strategy<fft>} : tensor<?x?x16xf32>, tensor<16x5xf32> -> tensor<?x?x16xf32>
  return %y, %z : tensor<?x?x16xf32>, tensor<?x?x16xf32>
}

func.func @recurrence_gated(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>, %g: tensor<?xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>) {
  %decay = ldn.elementwise %a : tensor<?x?x16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%ai: f32):
    %one = arith.constant 1.0 : f32
    %n = arith.negf %ai : f32
    %e = math.exp %n : f32
    %d = arith.addf %e, %one : f32
    %r = arith.divf %one, %d : f32
    ldn.yield %r : f32
  }
  %bg = ldn.elementwise %b, %g : tensor<?x?x16xf32>, tensor<?xf32> -> tensor<?x?x16xf32> {
  ^bb0(%bi: f32, %gi: f32):
    %m = arith.mulf %bi, %gi : f32
    ldn.yield %m : f32
  }
  %h, %last = ldn.scan %decay, %bg : tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>, tensor<?x16xf32>
  return %h, %last : tensor<?x?x16xf32>, tensor<?x16xf32>
}

func.func @lightnet_global(%x: tensor<?x65x10xf32>, %k: tensor<?x65x2x5xf32>, %v: tensor<?x65x2x3xf32>, %theta: tensor<2x3xf32>) -> (tensor<?x65x2x3xf32>, tensor<?x2x10x3xf32>) {
  %c0 = arith.constant 0 : index
  %b = tensor.dim %x, %c0 : tensor<?x65x10xf32>
  %s = ldn.elementwise %x : tensor<?x65x10xf32> -> tensor<?x65x10xf32> {
  ^bb0(%xi: f32):
    %one = arith.constant 1.0 : f32
    %n = arith.negf %xi : f32
    %e = math.exp %n : f32
    %d = arith.addf %e, %one : f32
    %r = arith.divf %xi, %d : f32
    ldn.yield %r : f32
  }
  %q = tensor.expand_shape %s [[0], [1], [2, 3]] output_shape [%b, 65, 2, 5] : tensor<?x65x10xf32> into tensor<?x65x2x5xf32>
  %o, %st = ldn.lightnet_attention %q, %k, %v, %theta {causal = false, grid = array<i64: 8, 8>, prefix = 1, scale = 1.0 : f32}
      : (tensor<?x65x2x5xf32>, tensor<?x65x2x5xf32>, tensor<?x65x2x3xf32>, tensor<2x3xf32>) -> (tensor<?x65x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %st : tensor<?x65x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @lightnet_causal(%x: tensor<?x?x10xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x10xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x10xf32>
  %s = ldn.elementwise %x : tensor<?x?x10xf32> -> tensor<?x?x10xf32> {
  ^bb0(%xi: f32):
    %one = arith.constant 1.0 : f32
    %n = arith.negf %xi : f32
    %e = math.exp %n : f32
    %d = arith.addf %e, %one : f32
    %r = arith.divf %xi, %d : f32
    ldn.yield %r : f32
  }
  %q = tensor.expand_shape %s [[0], [1], [2, 3]] output_shape [%b, %t, 2, 5] : tensor<?x?x10xf32> into tensor<?x?x2x5xf32>
  %o, %st = ldn.lightnet_attention %q, %k, %v, %theta {causal = true, sink = 0.0 : f32, grid = array<i64: 10, 100>, prefix = 0, scale = 0.5 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %st : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @tanh_qk_attention(%q: tensor<?x?x2x4xf32>, %k: tensor<?x?x2x4xf32>, %v: tensor<?x?x2x3xf32>) -> tensor<?x?x2x3xf32> {
  %qm = ldn.elementwise %q : tensor<?x?x2x4xf32> -> tensor<?x?x2x4xf32> {
  ^bb0(%x: f32):
    %t = math.tanh %x : f32
    ldn.yield %t : f32
  }
  %km = ldn.elementwise %k : tensor<?x?x2x4xf32> -> tensor<?x?x2x4xf32> {
  ^bb0(%x: f32):
    %two = arith.constant 2.0 : f32
    %m = arith.mulf %x, %two : f32
    ldn.yield %m : f32
  }
  %z = ldn.attention_diffuse %qm, %km, %v
      {pattern = #ldn.pattern<window = 8, stride = 4, globals = [0, 5, 100000], random = 2, seed = 7>,
       hops = 3, alpha = 0.2 : f32}
      : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x3xf32> -> tensor<?x?x2x3xf32>
  return %z : tensor<?x?x2x3xf32>
}

func.func @scaled_decay(%k: tensor<?x?x2x8xf32>, %s: tensor<2x8xf32>) -> (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>) {
  %km = ldn.elementwise %k, %s : tensor<?x?x2x8xf32>, tensor<2x8xf32> -> tensor<?x?x2x8xf32> {
  ^bb0(%x: f32, %si: f32):
    %m = arith.mulf %x, %si : f32
    ldn.yield %m : f32
  }
  %kn, %d = ldn.additive_decay %km {sink = 0.5 : f32} : tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
  return %kn, %d : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
}

func.func @tanh_lrpe(%x: tensor<?x64x2x8xf32>, %theta: tensor<2x8xf32>) -> tensor<?x64x2x16xf32> {
  %xm = ldn.elementwise %x : tensor<?x64x2x8xf32> -> tensor<?x64x2x8xf32> {
  ^bb0(%a: f32):
    %t = math.tanh %a : f32
    ldn.yield %t : f32
  }
  %y = ldn.lrpe %xm, %theta {grid = array<i64: 64>} : tensor<?x64x2x8xf32>, tensor<2x8xf32> -> tensor<?x64x2x16xf32>
  return %y : tensor<?x64x2x16xf32>
}
