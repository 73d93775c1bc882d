// RUN: ldn-opt %s --ldn-to-gpu -split-input-file | FileCheck %s
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels -split-input-file | FileCheck %s --check-prefix=KERNEL

// An epilogue of a kernel that only stores its output: a copy of the kernel
// takes the bias as an extra flat view and applies the body at each store;
// the scalar epilogue function is gone once the body is in.
// CHECK-LABEL: func.func @fused
//       CHECK:   %[[BV:.*]] = memref.reinterpret_cast %{{.*}} to offset: [%{{.*}}], sizes: [%c16], strides: [%c1] : memref<16xf32> to memref<?xf32, strided<[?], offset: ?>>
//       CHECK:   call @ldn_gpu_long_conv_fused(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[BV]])
//   CHECK-NOT:   ldn.elementwise
//       CHECK: func.func private @ldn_epilogue(%{{.*}}: f32, %{{.*}}: f32) -> f32
//       CHECK: func.func private @ldn_gpu_long_conv_fused({{.*}}) attributes {ldn.epilogue = @ldn_epilogue, ldn.epilogue_output = 2 : index, ldn.gpu_kernel = "long_conv", ldn.gpu_kernel_base = "ldn_gpu_long_conv", ldn.gpu_kernel_constants = [unit, unit, unit, false, 0 : index]}
// KERNEL-LABEL: func.func private @ldn_gpu_long_conv_fused
//       KERNEL:   memref.extract_strided_metadata %arg2
//       KERNEL:   %[[I:.*]] = arith.remui %{{.*}}, %{{.*}} : index
//       KERNEL:   %[[B:.*]] = memref.load %arg5[%[[I]]]
//       KERNEL:   %[[R:.*]] = arith.addf %{{.*}}, %[[B]] : f32
//       KERNEL:   memref.store %[[R]], %arg2[
//   KERNEL-NOT: func.func private @ldn_epilogue
func.func @fused(%v: tensor<?x?x16xf32>, %w: tensor<16x4xf32>, %bias: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = ldn.long_conv %v, %w : tensor<?x?x16xf32>, tensor<16x4xf32> -> tensor<?x?x16xf32>
  %s = ldn.elementwise %y, %bias : tensor<?x?x16xf32>, tensor<16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%yi: f32, %bi: f32):
    %a = arith.addf %yi, %bi : f32
    ldn.yield %a : f32
  }
  return %s : tensor<?x?x16xf32>
}

// -----

// Inputs computed after the op: the fused kernel runs where the epilogue is,
// after the gate; a scalar input is a kernel argument.
// CHECK-LABEL: func.func @late_input
//       CHECK:   %[[G:.*]] = math.tanh
//       CHECK:   call @ldn_gpu_linear_attention_fused({{.*}}, %{{.*}}, %{{.*}}) : ({{.*}}, memref<?xf32, strided<[?], offset: ?>>, f32) -> ()
func.func @late_input(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x4xf32>, %u: tensor<?x?x2x4xf32>, %c: f32) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>) {
  %o, %st = ldn.linear_attention %q, %k, %v {causal = true} : (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>)
  %g = math.tanh %u : tensor<?x?x2x4xf32>
  %r = ldn.elementwise %o, %g, %c : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, f32 -> tensor<?x?x2x4xf32> {
  ^bb0(%oi: f32, %gi: f32, %ci: f32):
    %m = arith.mulf %oi, %gi : f32
    %n = arith.mulf %m, %ci : f32
    ldn.yield %n : f32
  }
  return %r, %st : tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>
}

// -----

// Not fused, the epilogue stays for ldn-to-linalg:
// - diffuse ping-pongs its steps through the output (the kernel reads it);
// - an f16 result (the kernels store f32);
// - the op's other result is used before the epilogue, which is where the
//   fused kernel would have to run.
// CHECK-LABEL: func.func @not_fused
//       CHECK:   call @ldn_gpu_diffuse(
//       CHECK:   ldn.elementwise
//       CHECK:   call @ldn_gpu_selective_scan(
//       CHECK:   ldn.elementwise
//       CHECK:   call @ldn_gpu_scan(
//       CHECK:   tensor.dim
//       CHECK:   ldn.elementwise
//   CHECK-NOT: _fused
func.func @not_fused(%x: tensor<?x?x16xf32>, %w: tensor<3xf32>, %alpha: tensor<16xf32>,
                     %xs: tensor<?x?x8xf16>, %d: tensor<?x?x8xf16>, %a: tensor<8x4xf32>, %b: tensor<?x?x4xf16>, %c: tensor<?x?x4xf16>,
                     %sa: tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x8xf16>, tensor<?x?x16xf32>, index) {
  %y = ldn.diffuse %x, %w, %alpha {steps = 3} : tensor<?x?x16xf32>, tensor<3xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  %t = ldn.elementwise %y : tensor<?x?x16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%yi: f32):
    %r = math.tanh %yi : f32
    ldn.yield %r : f32
  }
  %ys, %h = ldn.selective_scan %xs, %d, %a, %b, %c : (tensor<?x?x8xf16>, tensor<?x?x8xf16>, tensor<8x4xf32>, tensor<?x?x4xf16>, tensor<?x?x4xf16>) -> (tensor<?x?x8xf16>, tensor<?x8x4xf32>)
  %e = ldn.elementwise %ys : tensor<?x?x8xf16> -> tensor<?x?x8xf16> {
  ^bb0(%yi: f16):
    %r = arith.negf %yi : f16
    ldn.yield %r : f16
  }
  %hs, %last = ldn.scan %sa, %sa : tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>, tensor<?x16xf32>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %last, %c0 : tensor<?x16xf32>
  %f = ldn.elementwise %hs : tensor<?x?x16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%hi: f32):
    %r = math.exp %hi : f32
    ldn.yield %r : f32
  }
  return %t, %e, %f, %n : tensor<?x?x16xf32>, tensor<?x?x8xf16>, tensor<?x?x16xf32>, index
}

// -----

// Not fused: an input is the op's own other result, which the same kernel
// writes.
// CHECK-LABEL: func.func @own_result
//       CHECK:   call @ldn_gpu_scan(
//       CHECK:   ldn.elementwise
func.func @own_result(%sa: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %hs, %last = ldn.scan %sa, %sa : tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>, tensor<?x16xf32>
  %f = ldn.elementwise %hs, %last : tensor<?x?x16xf32>, tensor<?x16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%hi: f32, %li: f32):
    %r = arith.addf %hi, %li : f32
    ldn.yield %r : f32
  }
  return %f : tensor<?x?x16xf32>
}

// -----

// A prologue (the map of q's source, reshaped into heads) and an epilogue
// on one kernel: the copy reads x through q's view, applies the prologue
// at each load (its bias indexed by the element's linear index mod 8) and
// the epilogue at each store. The kernel takes q again in place of the
// absent decay: one view and one prologue serve both arguments.
// CHECK-LABEL: func.func @prologue_and_epilogue
//  CHECK-SAME: (%[[X:.*]]: tensor<?x?x8xf32>, %[[BIAS:.*]]: tensor<8xf32>,
//   CHECK-NOT:   ldn.elementwise
//       CHECK:   %[[XQ:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1], [2, 3]]
//       CHECK:   %[[XB:.*]] = bufferization.to_buffer %[[XQ]] read_only
//       CHECK:   %[[XV:.*]] = memref.reinterpret_cast %[[XB]]
//       CHECK:   call @ldn_gpu_linear_attention_fused(%[[XV]], %{{.*}}, %{{.*}}, %[[XV]],
//       CHECK: func.func private @ldn_epilogue(
//       CHECK: func.func private @ldn_prologue(%{{.*}}: f32, %{{.*}}: f32) -> f32
//       CHECK:   math.exp
//       CHECK: func.func private @ldn_gpu_linear_attention_fused({{.*}}) attributes {ldn.epilogue = @ldn_epilogue, ldn.epilogue_output = 5 : index, {{.*}}ldn.map_prologue_operands = array<i64: 0, 3>, ldn.map_prologues = [@ldn_prologue, @ldn_prologue]}
// KERNEL-LABEL: func.func @prologue_and_epilogue
// KERNEL-LABEL: func.func private @ldn_gpu_linear_attention_fused
//       KERNEL:   %[[L:.*]] = memref.load %{{.*}} : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
//       KERNEL:   memref.extract_strided_metadata
//       KERNEL:   %[[I:.*]] = arith.remui %{{.*}}, %{{.*}} : index
//       KERNEL:   %[[B:.*]] = memref.load %arg13[%[[I]]]
//       KERNEL:   %[[A:.*]] = arith.addf %[[L]], %[[B]] : f32
//       KERNEL:   math.exp %[[A]] : f32
//   KERNEL-NOT: func.func private @ldn_prologue
func.func @prologue_and_epilogue(%x: tensor<?x?x8xf32>, %bias: tensor<8xf32>, %k: tensor<?x?x2x4xf32>, %v: tensor<?x?x2x4xf32>, %g: tensor<?x?x2x4xf32>) -> tensor<?x?x2x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %s = ldn.elementwise %x, %bias : tensor<?x?x8xf32>, tensor<8xf32> -> tensor<?x?x8xf32> {
  ^bb0(%xi: f32, %bi: f32):
    %a = arith.addf %xi, %bi : f32
    %e = math.exp %a : f32
    ldn.yield %e : f32
  }
  %q = tensor.expand_shape %s [[0], [1], [2, 3]] output_shape [%b, %t, 2, 4] : tensor<?x?x8xf32> into tensor<?x?x2x4xf32>
  %o, %st = ldn.linear_attention %q, %k, %v {causal = true} : (tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x4x4xf32>)
  %r = ldn.elementwise %o, %g : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32> -> tensor<?x?x2x4xf32> {
  ^bb0(%oi: f32, %gi: f32):
    %m = arith.mulf %oi, %gi : f32
    ldn.yield %m : f32
  }
  return %r : tensor<?x?x2x4xf32>
}

// -----

// Prologues on weights: softplus of diffuse's step weights and rates.
// CHECK-LABEL: func.func @weight_prologues
//   CHECK-NOT:   ldn.elementwise
//       CHECK:   call @ldn_gpu_diffuse_fused(
//       CHECK: func.func private @ldn_gpu_diffuse_fused({{.*}}) attributes {{{.*}}ldn.map_prologue_operands = array<i64: 1, 2>
func.func @weight_prologues(%x: tensor<?x?x16xf32>, %w: tensor<3xf32>, %alpha: tensor<16xf32>) -> tensor<?x?x16xf32> {
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
  %y = ldn.diffuse %x, %sw, %sa {steps = 3} : tensor<?x?x16xf32>, tensor<3xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// Not prologues, the maps stay for ldn-to-linalg: a map whose result is
// also returned (it is computed anyway), an f16 map (the kernels load
// f32), a map read by two ops.
// CHECK-LABEL: func.func @not_prologues
//       CHECK:   ldn.elementwise
//       CHECK:   ldn.elementwise
//       CHECK:   ldn.elementwise
//   CHECK-NOT: _fused
func.func @not_prologues(%x: tensor<?x?x16xf32>, %w: tensor<16x4xf32>, %h: tensor<?x?x16xf16>, %hw: tensor<16x4xf16>)
    -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf16>, tensor<?x?x16xf32>, tensor<?x?x16xf32>) {
  %m = ldn.elementwise %x : tensor<?x?x16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%xi: f32):
    %e = math.exp %xi : f32
    ldn.yield %e : f32
  }
  %y = ldn.long_conv %m, %w : tensor<?x?x16xf32>, tensor<16x4xf32> -> tensor<?x?x16xf32>
  %mh = ldn.elementwise %h : tensor<?x?x16xf16> -> tensor<?x?x16xf16> {
  ^bb0(%hi: f16):
    %e = math.exp %hi : f16
    ldn.yield %e : f16
  }
  %yh = ldn.long_conv %mh, %hw : tensor<?x?x16xf16>, tensor<16x4xf16> -> tensor<?x?x16xf16>
  %m2 = ldn.elementwise %x : tensor<?x?x16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%xi: f32):
    %e = math.sin %xi : f32
    ldn.yield %e : f32
  }
  %y1 = ldn.long_conv %m2, %w : tensor<?x?x16xf32>, tensor<16x4xf32> -> tensor<?x?x16xf32>
  %y2 = ldn.long_conv %m2, %w {strategy = #ldn.conv_strategy<fft>} : tensor<?x?x16xf32>, tensor<16x4xf32> -> tensor<?x?x16xf32>
  return %m, %y, %yh, %y1, %y2 : tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf16>, tensor<?x?x16xf32>, tensor<?x?x16xf32>
}

// -----

// Epilogues of lrpe (one kernel call writes every element) and of
// additive_decay's second result.
// CHECK-LABEL: func.func @lrpe_and_decay_epilogues
//   CHECK-NOT:   ldn.elementwise
//       CHECK:   call @ldn_gpu_lrpe_fused(
//       CHECK:   call @ldn_gpu_additive_decay_fused(
//       CHECK: func.func private @ldn_gpu_lrpe_fused({{.*}}) attributes {ldn.epilogue = @{{.*}}, ldn.epilogue_output = 2 : index
//       CHECK: func.func private @ldn_gpu_additive_decay_fused({{.*}}) attributes {ldn.epilogue = @{{.*}}, ldn.epilogue_output = 2 : index
func.func @lrpe_and_decay_epilogues(%x: tensor<?x64x2x8xf32>, %theta: tensor<2x8xf32>, %g: tensor<16xf32>, %k: tensor<?x?x2x8xf32>)
    -> (tensor<?x64x2x16xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>) {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 64>} : tensor<?x64x2x8xf32>, tensor<2x8xf32> -> tensor<?x64x2x16xf32>
  %r = ldn.elementwise %y, %g : tensor<?x64x2x16xf32>, tensor<16xf32> -> tensor<?x64x2x16xf32> {
  ^bb0(%a: f32, %b: f32):
    %m = arith.mulf %a, %b : f32
    ldn.yield %m : f32
  }
  %kn, %d = ldn.additive_decay %k : tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
  %t = ldn.elementwise %d : tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32> {
  ^bb0(%a: f32):
    %m = math.tanh %a : f32
    ldn.yield %m : f32
  }
  return %r, %kn, %t : tensor<?x64x2x16xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
}

// -----

// lrpe over more grid axes than one kernel call covers: the calls store
// their own windows of features, so the epilogue stays a map.
// CHECK-LABEL: func.func @lrpe_many_axes
//       CHECK:   call @ldn_gpu_lrpe(
//       CHECK:   call @ldn_gpu_lrpe(
//       CHECK:   ldn.elementwise
func.func @lrpe_many_axes(%x: tensor<?x32x1x10xf32>, %theta: tensor<1x2xf32>) -> tensor<?x32x1x20xf32> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 2, 2, 2, 2, 2>} : tensor<?x32x1x10xf32>, tensor<1x2xf32> -> tensor<?x32x1x20xf32>
  %r = ldn.elementwise %y : tensor<?x32x1x20xf32> -> tensor<?x32x1x20xf32> {
  ^bb0(%a: f32):
    %m = math.tanh %a : f32
    ldn.yield %m : f32
  }
  return %r : tensor<?x32x1x20xf32>
}

// -----

// A map between two ops is the first op's epilogue where its kernel can
// apply it (computed once, at the store), whatever order the ops come in
// the worklist; after diffuse, whose kernel cannot, it is the second op's
// prologue.
// CHECK-LABEL: func.func @between_ops
//       CHECK:   call @ldn_gpu_long_conv_fused(
//       CHECK:   call @ldn_gpu_long_conv(
//       CHECK:   call @ldn_gpu_diffuse(
//       CHECK:   call @ldn_gpu_long_conv_fused_0(
//   CHECK-NOT:   ldn.elementwise
//       CHECK: func.func private @ldn_gpu_long_conv_fused({{.*}}) attributes {ldn.epilogue =
//       CHECK: func.func private @ldn_gpu_long_conv_fused_0({{.*}}) attributes {{{.*}}ldn.map_prologues =
func.func @between_ops(%a: tensor<?x?x16xf32>, %w: tensor<16x5xf32>, %dw: tensor<3xf32>, %al: tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>) {
  %y = ldn.long_conv %a, %w : tensor<?x?x16xf32>, tensor<16x5xf32> -> tensor<?x?x16xf32>
  %e = ldn.elementwise %y : tensor<?x?x16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%x: f32):
    %t = math.tanh %x : f32
    ldn.yield %t : f32
  }
  %z = ldn.long_conv %e, %w : tensor<?x?x16xf32>, tensor<16x5xf32> -> tensor<?x?x16xf32>
  %d = ldn.diffuse %a, %dw, %al {steps = 3} : tensor<?x?x16xf32>, tensor<3xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  %f = ldn.elementwise %d : tensor<?x?x16xf32> -> tensor<?x?x16xf32> {
  ^bb0(%x: f32):
    %t = math.tanh %x : f32
    ldn.yield %t : f32
  }
  %g = ldn.long_conv %f, %w : tensor<?x?x16xf32>, tensor<16x5xf32> -> tensor<?x?x16xf32>
  return %z, %g : tensor<?x?x16xf32>, tensor<?x?x16xf32>
}
