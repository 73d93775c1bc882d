// RUN: ldn-opt %s --ldn-fuse-linear-attention --split-input-file | FileCheck %s

// LightNet LM's causal mixer: the decays doubled by a concat; nothing of the
// chain is left.
// CHECK-LABEL: func.func @causal
// CHECK-SAME: (%[[Q:.*]]: tensor<?x256x4x16xf32>, %[[K:.*]]: tensor<?x256x4x16xf32>, %[[V:.*]]: tensor<?x256x4x8xf32>, %[[TH:.*]]: tensor<4x16xf32>)
// CHECK-NOT: ldn.additive_decay
// CHECK-NOT: ldn.lrpe
// CHECK-NOT: tensor.concat
// CHECK: %[[O:.*]], %[[S:.*]] = ldn.lightnet_attention %[[Q]], %[[K]], %[[V]], %[[TH]] {grid = array<i64: 256>, scale = 2.500000e-01 : f32, sink = 0.000000e+00 : f32} : (tensor<?x256x4x16xf32>, tensor<?x256x4x16xf32>, tensor<?x256x4x8xf32>, tensor<4x16xf32>) -> (tensor<?x256x4x8xf32>, tensor<?x4x32x8xf32>)
// CHECK-NOT: ldn.linear_attention
// CHECK: return %[[O]], %[[S]]
func.func @causal(%q: tensor<?x256x4x16xf32>, %k: tensor<?x256x4x16xf32>,
                  %v: tensor<?x256x4x8xf32>, %theta: tensor<4x16xf32>)
    -> (tensor<?x256x4x8xf32>, tensor<?x4x32x8xf32>) {
  %kn, %logl = ldn.additive_decay %k {causal = true, sink = 0.0 : f32}
      : tensor<?x256x4x16xf32> -> tensor<?x256x4x16xf32>, tensor<?x256x4x16xf32>
  %qr = ldn.lrpe %q, %theta {grid = array<i64: 256>, prefix = 0}
      : tensor<?x256x4x16xf32>, tensor<4x16xf32> -> tensor<?x256x4x32xf32>
  %kr = ldn.lrpe %kn, %theta {grid = array<i64: 256>, prefix = 0}
      : tensor<?x256x4x16xf32>, tensor<4x16xf32> -> tensor<?x256x4x32xf32>
  %logl2 = tensor.concat dim(3) %logl, %logl
      : (tensor<?x256x4x16xf32>, tensor<?x256x4x16xf32>) -> tensor<?x256x4x32xf32>
  %o, %s = ldn.linear_attention %qr, %kr, %v decay %logl2 {causal = true, scale = 0.25 : f32}
      : (tensor<?x256x4x32xf32>, tensor<?x256x4x32xf32>, tensor<?x256x4x8xf32>,
         tensor<?x256x4x32xf32>) -> (tensor<?x256x4x8xf32>, tensor<?x4x32x8xf32>)
  return %o, %s : tensor<?x256x4x8xf32>, tensor<?x4x32x8xf32>
}

// -----

// LightNet image's global mixer: a 2-D grid with a class token, no decays
// (additive_decay's zeros are unused). Less static result types are kept
// by a cast.
// CHECK-LABEL: func.func @global
// CHECK: %[[O:.*]], %{{.*}} = ldn.lightnet_attention %{{.*}} {causal = false, grid = array<i64: 8, 8>, prefix = 1 : i64} : (tensor<?x65x4x16xf32>, tensor<?x65x4x16xf32>, tensor<?x65x4x16xf32>, tensor<4x8xf32>) -> (tensor<?x65x4x16xf32>, tensor<?x4x32x16xf32>)
// CHECK: %[[C:.*]] = tensor.cast %[[O]] : tensor<?x65x4x16xf32> to tensor<?x?x?x?xf32>
// CHECK-NOT: ldn.
// CHECK: return %[[C]]
func.func @global(%q: tensor<?x65x4x16xf32>, %k: tensor<?x65x4x16xf32>,
                  %v: tensor<?x65x4x16xf32>, %theta: tensor<4x8xf32>)
    -> tensor<?x?x?x?xf32> {
  %kn, %logl = ldn.additive_decay %k {causal = false}
      : tensor<?x65x4x16xf32> -> tensor<?x65x4x16xf32>, tensor<?x65x4x16xf32>
  %qr = ldn.lrpe %q, %theta {grid = array<i64: 8, 8>, prefix = 1}
      : tensor<?x65x4x16xf32>, tensor<4x8xf32> -> tensor<?x65x4x32xf32>
  %kr = ldn.lrpe %kn, %theta {grid = array<i64: 8, 8>, prefix = 1}
      : tensor<?x65x4x16xf32>, tensor<4x8xf32> -> tensor<?x65x4x32xf32>
  %o, %s = ldn.linear_attention %qr, %kr, %v {causal = false}
      : (tensor<?x65x4x32xf32>, tensor<?x65x4x32xf32>, tensor<?x65x4x16xf32>)
        -> (tensor<?x?x?x?xf32>, tensor<?x4x32x16xf32>)
  return %o : tensor<?x?x?x?xf32>
}

// -----

// Left alone, one reason each: an intermediate with another use (rotated q,
// rotated k, normalized keys, decays, their concat), q and k rotated
// differently (theta, grid), a decay that is not additive_decay's doubled,
// causality that differs (or no decays), an initial state, an f16 theta,
// the zero decays of a global additive_decay used elsewhere.
// CHECK-LABEL: func.func @illegal
// CHECK-NOT: ldn.lightnet_attention
// CHECK: return
func.func @illegal(%q: tensor<2x16x2x4xf32>, %k: tensor<2x16x2x4xf32>,
                   %v: tensor<2x16x2x4xf32>, %theta: tensor<2x4xf32>,
                   %theta2: tensor<2x4xf32>, %theta16: tensor<2x4xf16>,
                   %s0: tensor<2x2x8x4xf32>)
    -> (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>) {
  %kn, %logl = ldn.additive_decay %k {causal = true}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr = ldn.lrpe %q, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr = ldn.lrpe %kn, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %d2 = tensor.concat dim(3) %logl, %logl
      : (tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>) -> tensor<2x16x2x8xf32>
  // The rotated q is also returned.
  %o1, %s1 = ldn.linear_attention %qr, %kr, %v decay %d2
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>,
         tensor<2x16x2x8xf32>) -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  // The normalized keys are also returned.
  %kn2, %logl2 = ldn.additive_decay %k {causal = true}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr2 = ldn.lrpe %q, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr2 = ldn.lrpe %kn2, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %d22 = tensor.concat dim(3) %logl2, %logl2
      : (tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>) -> tensor<2x16x2x8xf32>
  %o2, %s2 = ldn.linear_attention %qr2, %kr2, %v decay %d22
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>,
         tensor<2x16x2x8xf32>) -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  // The decays are also returned.
  %kn3, %logl3 = ldn.additive_decay %k {causal = true}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr3 = ldn.lrpe %q, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr3 = ldn.lrpe %kn3, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %d23 = tensor.concat dim(3) %logl3, %logl3
      : (tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>) -> tensor<2x16x2x8xf32>
  %o3, %s3 = ldn.linear_attention %qr3, %kr3, %v decay %d23
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>,
         tensor<2x16x2x8xf32>) -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  // q and k rotated with different thetas.
  %kn4, %logl4 = ldn.additive_decay %k {causal = true}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr4 = ldn.lrpe %q, %theta2 {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr4 = ldn.lrpe %kn4, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %d24 = tensor.concat dim(3) %logl4, %logl4
      : (tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>) -> tensor<2x16x2x8xf32>
  %o4, %s4 = ldn.linear_attention %qr4, %kr4, %v decay %d24
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>,
         tensor<2x16x2x8xf32>) -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  // q and k on different grids.
  %kn5, %logl5 = ldn.additive_decay %k {causal = true}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr5 = ldn.lrpe %q, %theta {grid = array<i64: 4, 4>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr5 = ldn.lrpe %kn5, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %d25 = tensor.concat dim(3) %logl5, %logl5
      : (tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>) -> tensor<2x16x2x8xf32>
  %o5, %s5 = ldn.linear_attention %qr5, %kr5, %v decay %d25
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>,
         tensor<2x16x2x8xf32>) -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  // The second half of the decay is not additive_decay's.
  %kn6, %logl6 = ldn.additive_decay %k {causal = true}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr6 = ldn.lrpe %q, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr6 = ldn.lrpe %kn6, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %d26 = tensor.concat dim(3) %logl6, %k
      : (tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>) -> tensor<2x16x2x8xf32>
  %o6, %s6 = ldn.linear_attention %qr6, %kr6, %v decay %d26
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>,
         tensor<2x16x2x8xf32>) -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  // Causal keys, global attention.
  %kn7, %logl7 = ldn.additive_decay %k {causal = true}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr7 = ldn.lrpe %q, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr7 = ldn.lrpe %kn7, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %o7, %s7 = ldn.linear_attention %qr7, %kr7, %v {causal = false}
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>)
        -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  // Causal, but without the decays.
  %kn8, %logl8 = ldn.additive_decay %k {causal = true}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr8 = ldn.lrpe %q, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr8 = ldn.lrpe %kn8, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %o8, %s8 = ldn.linear_attention %qr8, %kr8, %v
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>)
        -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  // An initial state.
  %kn9, %logl9 = ldn.additive_decay %k {causal = true}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr9 = ldn.lrpe %q, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr9 = ldn.lrpe %kn9, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %d29 = tensor.concat dim(3) %logl9, %logl9
      : (tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>) -> tensor<2x16x2x8xf32>
  %o9, %s9 = ldn.linear_attention %qr9, %kr9, %v decay %d29 init %s0
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>,
         tensor<2x16x2x8xf32>, tensor<2x2x8x4xf32>)
        -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  // An f16 theta.
  %kn10, %logl10 = ldn.additive_decay %k {causal = false}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr10 = ldn.lrpe %q, %theta16 {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf16> -> tensor<2x16x2x8xf32>
  %kr10 = ldn.lrpe %kn10, %theta16 {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf16> -> tensor<2x16x2x8xf32>
  %o10, %s10 = ldn.linear_attention %qr10, %kr10, %v {causal = false}
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>)
        -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  // The zero decays of a global additive_decay are also returned.
  %kn11, %logl11 = ldn.additive_decay %k {causal = false}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr11 = ldn.lrpe %q, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr11 = ldn.lrpe %kn11, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %o11, %s11 = ldn.linear_attention %qr11, %kr11, %v {causal = false}
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>)
        -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  // The concat is also returned.
  %kn12, %logl12 = ldn.additive_decay %k {causal = true}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr12 = ldn.lrpe %q, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr12 = ldn.lrpe %kn12, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %d212 = tensor.concat dim(3) %logl12, %logl12
      : (tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>) -> tensor<2x16x2x8xf32>
  %o12, %s12 = ldn.linear_attention %qr12, %kr12, %v decay %d212
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>,
         tensor<2x16x2x8xf32>) -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  // The rotated k is also returned.
  %kn13, %logl13 = ldn.additive_decay %k {causal = true}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr13 = ldn.lrpe %q, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr13 = ldn.lrpe %kn13, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %d213 = tensor.concat dim(3) %logl13, %logl13
      : (tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>) -> tensor<2x16x2x8xf32>
  %o13, %s13 = ldn.linear_attention %qr13, %kr13, %v decay %d213
      : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>,
         tensor<2x16x2x8xf32>) -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)

  return %qr, %kr13, %kn2, %logl3, %d212, %logl11, %o1, %o2, %o3, %o4, %o5, %o6, %o7, %o8, %o9, %o10, %o11, %o12, %o13
      : tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
}

// -----

// The producers are outside the loop that holds the attention: fused, they
// would run every iteration. Left alone.
// CHECK-LABEL: func.func @loop
// CHECK-NOT: ldn.lightnet_attention
// CHECK: return
func.func @loop(%q: tensor<2x16x2x4xf32>, %k: tensor<2x16x2x4xf32>,
                %v: tensor<2x16x2x4xf32>, %theta: tensor<2x4xf32>,
                %n: index) -> tensor<2x16x2x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %kn, %logl = ldn.additive_decay %k {causal = false}
      : tensor<2x16x2x4xf32> -> tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>
  %qr = ldn.lrpe %q, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %kr = ldn.lrpe %kn, %theta {grid = array<i64: 16>}
      : tensor<2x16x2x4xf32>, tensor<2x4xf32> -> tensor<2x16x2x8xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %v) -> tensor<2x16x2x4xf32> {
    %o, %s = ldn.linear_attention %qr, %kr, %acc {causal = false}
        : (tensor<2x16x2x8xf32>, tensor<2x16x2x8xf32>, tensor<2x16x2x4xf32>)
          -> (tensor<2x16x2x4xf32>, tensor<2x2x8x4xf32>)
    scf.yield %o : tensor<2x16x2x4xf32>
  }
  return %r : tensor<2x16x2x4xf32>
}
