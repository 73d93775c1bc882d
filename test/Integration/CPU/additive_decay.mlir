// ldn.additive_decay compiled for %ldn_target, checked against lib/Reference:
// causal with and without a sink (decay_0 = -inf must match exactly),
// non-causal softmax, large logits, and bf16 keys.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: for T in 1 2 7 63 64 65 1000 4096; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry causal --random k=${B}x${T}x2x8:-3:3 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry sink --random k=${B}x${T}x2x8:-3:3 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry global --random k=${B}x${T}x2x8:-3:3 --check --quiet || exit 1; \
// RUN: done; done
// RUN: ldn-run %t.so --entry causal --random k=2x65x2x8:-80:80 --check --quiet
// RUN: ldn-run %t.so --entry brain --random k=3x65x2x8:-3:3 --check | FileCheck %s
// CHECK: check result0: {{.*}}: ok
// CHECK: check result1: {{.*}}: ok

func.func @causal(%k: tensor<?x?x2x8xf32>) -> (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>) {
  %kn, %d = ldn.additive_decay %k : tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
  return %kn, %d : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
}

func.func @sink(%k: tensor<?x?x2x8xf32>) -> (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>) {
  %kn, %d = ldn.additive_decay %k {sink = 0.5 : f32} : tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
  return %kn, %d : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
}

func.func @global(%k: tensor<?x?x2x8xf32>) -> (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>) {
  %kn, %d = ldn.additive_decay %k {causal = false} : tensor<?x?x2x8xf32> -> tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
  return %kn, %d : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
}

func.func @brain(%k: tensor<?x?x2x8xbf16>) -> (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>) {
  %kn, %d = ldn.additive_decay %k {sink = -1.0 : f32} : tensor<?x?x2x8xbf16> -> tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
  return %kn, %d : tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>
}
