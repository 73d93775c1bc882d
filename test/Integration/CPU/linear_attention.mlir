// ldn.linear_attention compiled for %ldn_target, checked against lib/Reference:
// causal without decay, with scalar and vector (GLA) decay and an initial
// state, non-causal, and f16, at the awkward lengths and both batch sizes.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: for T in 1 2 7 63 64 65 1000 4096; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry causal --random q=${B}x${T}x2x8 --random k=${B}x${T}x2x8 --random v=${B}x${T}x2x4 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry scalar_decay --random q=${B}x${T}x2x8 --random k=${B}x${T}x2x8 --random v=${B}x${T}x2x4 --random decay=${B}x${T}x2:-1:0 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry vector_decay_init --random q=${B}x${T}x2x8 --random k=${B}x${T}x2x8 --random v=${B}x${T}x2x4 --random decay=${B}x${T}x2x8:-1:0 --random s0=${B}x2x8x4 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry global --random q=${B}x${T}x2x8 --random k=${B}x${T}x2x8 --random v=${B}x${T}x2x4 --random s0=${B}x2x8x4 --check --quiet || exit 1; \
// RUN: done; done
// RUN: ldn-run %t.so --entry half --random q=3x65x2x8 --random k=3x65x2x8 --random v=3x65x2x4 --check | FileCheck %s
// CHECK: check result0: {{.*}}: ok
// CHECK: check result1: {{.*}}: ok

func.func @causal(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v {scale = 0.5 : f32}
      : (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>)
  return %o, %s : tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>
}

func.func @scalar_decay(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x4xf32>, %decay: tensor<?x?x2xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v decay %decay
      : (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>)
  return %o, %s : tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>
}

func.func @vector_decay_init(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x4xf32>, %decay: tensor<?x?x2x8xf32>, %s0: tensor<?x2x8x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v decay %decay init %s0
      : (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x8xf32>, tensor<?x2x8x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>)
  return %o, %s : tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>
}

func.func @global(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x4xf32>, %s0: tensor<?x2x8x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v init %s0 {causal = false}
      : (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>)
  return %o, %s : tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>
}

func.func @half(%q: tensor<?x?x2x8xf16>, %k: tensor<?x?x2x8xf16>, %v: tensor<?x?x2x4xf16>) -> (tensor<?x?x2x4xf16>, tensor<?x2x8x4xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v
      : (tensor<?x?x2x8xf16>, tensor<?x?x2x8xf16>, tensor<?x?x2x4xf16>) -> (tensor<?x?x2x4xf16>, tensor<?x2x8x4xf32>)
  return %o, %s : tensor<?x?x2x4xf16>, tensor<?x2x8x4xf32>
}
