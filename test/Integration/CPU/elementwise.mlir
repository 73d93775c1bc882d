// ldn.elementwise epilogues compiled for %ldn_target, checked against
// lib/Reference (which evaluates the body in fp64): per-channel, same-shape
// and 0-d inputs, on ops whose lowerings fuse the epilogue (long_conv,
// linear_attention causal and global, selective_scan, dense
// attention_diffuse, on the GPU lrpe and additive_decay, on the CPU every
// attention_diffuse at its padding mask, padded rows included) and on ones that fall back to a separate map
// (diffuse, sparse multi-hop attention_diffuse on the GPU, scan), with the op's other
// result returned too, at the awkward lengths and both batch sizes.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: for T in 1 2 7 63 64 65 1000; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry conv_bias_silu --random v=${B}x${T}x16 --random w=16x4 --random bias=16 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry attention_gate --random q=${B}x${T}x2x8 --random k=${B}x${T}x2x8 --random v=${B}x${T}x2x4 --random g=${B}x${T}x2x4 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry global_scale --random q=${B}x${T}x2x8 --random k=${B}x${T}x2x8 --random v=${B}x${T}x2x4 --random s=scalar --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry scan_residual --random x=${B}x${T}x8 --random delta=${B}x${T}x8 --random a=8x4:-1:0 --random b=${B}x${T}x4 --random c=${B}x${T}x4 --random r=${B}x${T}x8 --random g=8 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry diffuse_tanh --random x=${B}x${T}x16 --random w=3:0:1 --random alpha=16:0:1 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry recurrence_exp --random a=${B}x${T}x16:0:1 --random b=${B}x${T}x16 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry decay_tanh --random k=${B}x${T}x2x8 --check --quiet || exit 1; \
// RUN: done; done
// RUN: for B in 1 3; do \
// RUN:   ldn-run %t.so --entry lrpe_gate --random x=${B}x64x2x8 --random theta=2x8 --random g=16 --check --quiet || exit 1; \
// RUN: done
// The attention ops are quadratic in the reference: shorter sequences.
// RUN: for T in 1 2 7 63 64 65 200; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry laplacian_gate --random q=${B}x${T}x2x8 --random k=${B}x${T}x2x8 --random v=${B}x${T}x2x8 --random g=2x8 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry ppr_residual --random q=${B}x${T}x2x8 --random k=${B}x${T}x2x8 --random v=${B}x${T}x2x8 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry padded_residual --random q=${B}x${T}x2x8 --random k=${B}x${T}x2x8 --random v=${B}x${T}x2x8 --random lengths=${B}:0:$((T + 1)) --check --quiet || exit 1; \
// RUN: done; done
// A mismatched input is a run-time error, not a wrong answer.
// RUN: not ldn-run %t.so --entry attention_gate --random q=2x9x2x8 --random k=2x9x2x8 --random v=2x9x2x4 --random g=2x8x2x4 2>&1 | FileCheck %s --check-prefix=MISMATCH
// MISMATCH: ldn.elementwise: input #1 dimension 1 must match source dimension 1

func.func @conv_bias_silu(%v: tensor<?x?x16xf32>, %w: tensor<16x4xf32>, %bias: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = ldn.long_conv %v, %w : tensor<?x?x16xf32>, tensor<16x4xf32> -> tensor<?x?x16xf32>
  %s = ldn.elementwise %y, %bias : tensor<?x?x16xf32>, tensor<16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%yi: f32, %bi: f32):
    %one = arith.constant 1.0 : f32
    %a = arith.addf %yi, %bi : f32
    %n = arith.negf %a : f32
    %e = math.exp %n : f32
    %d = arith.addf %e, %one : f32
    %r = arith.divf %a, %d : f32
    ldn.yield %r : f32
  }
  return %s : tensor<?x?x16xf32>
}

func.func @attention_gate(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x4xf32>, %g: tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v {causal = true} : (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>)
  %r = ldn.elementwise %o, %g : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32> -> tensor<?x?x2x4xf32> {
  ^bb0(%oi: f32, %gi: f32):
    %t = math.tanh %gi : f32
    %m = arith.mulf %oi, %t : f32
    ldn.yield %m : f32
  }
  return %r, %s : tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>
}

func.func @global_scale(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x4xf32>, %s: tensor<f32>) -> tensor<?x?x2x4xf32> {
  %o, %st = ldn.linear_attention %q, %k, %v {causal = false} : (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>)
  %r = ldn.elementwise %o, %s : tensor<?x?x2x4xf32>, tensor<f32> -> tensor<?x?x2x4xf32> {
  ^bb0(%oi: f32, %si: f32):
    %m = arith.mulf %oi, %si : f32
    ldn.yield %m : f32
  }
  return %r : tensor<?x?x2x4xf32>
}

func.func @scan_residual(%x: tensor<?x?x8xf32>, %delta: tensor<?x?x8xf32>, %a: tensor<8x4xf32>, %b: tensor<?x?x4xf32>, %c: tensor<?x?x4xf32>, %r: tensor<?x?x8xf32>, %g: tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8x4xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %a, %b, %c {delta_softplus = true} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<8x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>) -> (tensor<?x?x8xf32>, tensor<?x8x4xf32>)
  %s = ldn.elementwise %y, %r, %g : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<8xf32> -> tensor<?x?x8xf32> {
  ^bb0(%yi: f32, %ri: f32, %gi: f32):
    %m = arith.mulf %yi, %gi : f32
    %o = arith.addf %m, %ri : f32
    ldn.yield %o : f32
  }
  return %s, %h : tensor<?x?x8xf32>, tensor<?x8x4xf32>
}

func.func @diffuse_tanh(%x: tensor<?x?x16xf32>, %w: tensor<3xf32>, %alpha: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = ldn.diffuse %x, %w, %alpha {steps = 2, dt = 0.1 : f32} : tensor<?x?x16xf32>, tensor<3xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  %t = ldn.elementwise %y : tensor<?x?x16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%yi: f32):
    %r = math.tanh %yi : f32
    ldn.yield %r : f32
  }
  return %t : tensor<?x?x16xf32>
}

func.func @recurrence_exp(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %h, %last = ldn.scan %a, %b {reverse = true} : tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>, tensor<?x16xf32>
  %e = ldn.elementwise %h : tensor<?x?x16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%hi: f32):
    %half = arith.constant 0.5 : f32
    %s = arith.mulf %hi, %half : f32
    %r = math.exp %s : f32
    ldn.yield %r : f32
  }
  return %e : tensor<?x?x16xf32>
}

func.func @laplacian_gate(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x8xf32>, %g: tensor<2x8xf32>) -> tensor<?x?x2x8xf32> {
  %z = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<dense>, hops = 1, mode = #ldn.diffusion_mode<laplacian>} : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32>
  %r = ldn.elementwise %z, %g : tensor<?x?x2x8xf32>, tensor<2x8xf32> -> tensor<?x?x2x8xf32> {
  ^bb0(%zi: f32, %gi: f32):
    %m = arith.mulf %zi, %gi : f32
    %c = arith.constant 0.25 : f32
    %o = arith.maximumf %m, %c : f32
    ldn.yield %o : f32
  }
  return %r : tensor<?x?x2x8xf32>
}

func.func @ppr_residual(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x8xf32>) -> tensor<?x?x2x8xf32> {
  %z = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 16, stride = 8, globals = [0], random = 2, seed = 3>, hops = 3, alpha = 0.2 : f32, mode = #ldn.diffusion_mode<ppr>} : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32>
  %r = ldn.elementwise %z, %v : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32> {
  ^bb0(%zi: f32, %vi: f32):
    %o = arith.addf %zi, %vi : f32
    ldn.yield %o : f32
  }
  return %r : tensor<?x?x2x8xf32>
}

// Padded rows are zero before the map, which then adds v there too.
func.func @padded_residual(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x8xf32>, %lengths: tensor<?xi32>) -> tensor<?x?x2x8xf32> {
  %z = ldn.attention_diffuse %q, %k, %v lengths %lengths {pattern = #ldn.pattern<window = 4, stride = 2, globals = [0]>, hops = 2, alpha = 0.3 : f32, mode = #ldn.diffusion_mode<ppr>} : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?xi32> -> tensor<?x?x2x8xf32>
  %r = ldn.elementwise %z, %v : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32> {
  ^bb0(%zi: f32, %vi: f32):
    %o = arith.addf %zi, %vi : f32
    ldn.yield %o : f32
  }
  return %r : tensor<?x?x2x8xf32>
}

func.func @lrpe_gate(%x: tensor<?x64x2x8xf32>, %theta: tensor<2x8xf32>, %g: tensor<16xf32>) -> tensor<?x64x2x16xf32> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 64>} : tensor<?x64x2x8xf32>, tensor<2x8xf32> -> tensor<?x64x2x16xf32>
  %r = ldn.elementwise %y, %g : tensor<?x64x2x16xf32>, tensor<16xf32> -> tensor<?x64x2x16xf32> {
  ^bb0(%yi: f32, %gi: f32):
    %m = arith.mulf %yi, %gi : f32
    ldn.yield %m : f32
  }
  return %r : tensor<?x64x2x16xf32>
}

func.func @decay_tanh(%k: tensor<?x?x2x8xf32>) -> (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>) {
  %kn, %d = ldn.additive_decay %k {sink = 0.5 : f32} : tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
  %r = ldn.elementwise %d : tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32> {
  ^bb0(%di: f32):
    %l = math.tanh %di : f32
    %m = arith.mulf %l, %di : f32
    ldn.yield %m : f32
  }
  return %kn, %r : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
}
