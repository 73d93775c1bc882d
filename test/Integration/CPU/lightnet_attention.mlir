// ldn.lightnet_attention compiled for %ldn_target, checked against lib/Reference
// (the composition additive_decay -> lrpe -> linear_attention): causal with
// and without a sink, global, 1-D and 2-D grids with and without a prefix,
// at the awkward lengths (T is fixed by each grid: 1, 2, 7, 63, 64, 65,
// 1000), both batch sizes, d = 5 (on 2-D grids covered by 2 axes x 3
// frequencies, the last block partial), dv = 3.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: for B in 1 3; do \
// RUN:   ldn-run %t.so --entry c1 --random q=${B}x1x2x5 --random k=${B}x1x2x5:-3:3 --random v=${B}x1x2x3 --random theta=2x5:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry c2 --random q=${B}x2x2x5 --random k=${B}x2x2x5:-3:3 --random v=${B}x2x2x3 --random theta=2x5:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry c7 --random q=${B}x7x2x5 --random k=${B}x7x2x5:-3:3 --random v=${B}x7x2x3 --random theta=2x3:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry c63 --random q=${B}x63x2x5 --random k=${B}x63x2x5:-3:3 --random v=${B}x63x2x3 --random theta=2x3:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry c64 --random q=${B}x64x2x5 --random k=${B}x64x2x5:-3:3 --random v=${B}x64x2x3 --random theta=2x5:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry c65 --random q=${B}x65x2x5 --random k=${B}x65x2x5:-3:3 --random v=${B}x65x2x3 --random theta=2x3:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry c1000 --random q=${B}x1000x2x5 --random k=${B}x1000x2x5:-3:3 --random v=${B}x1000x2x3 --random theta=2x3:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry g1 --random q=${B}x1x2x5 --random k=${B}x1x2x5:-3:3 --random v=${B}x1x2x3 --random theta=2x5:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry g2 --random q=${B}x2x2x5 --random k=${B}x2x2x5:-3:3 --random v=${B}x2x2x3 --random theta=2x5:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry g7 --random q=${B}x7x2x5 --random k=${B}x7x2x5:-3:3 --random v=${B}x7x2x3 --random theta=2x5:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry g63 --random q=${B}x63x2x5 --random k=${B}x63x2x5:-3:3 --random v=${B}x63x2x3 --random theta=2x3:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry g64 --random q=${B}x64x2x5 --random k=${B}x64x2x5:-3:3 --random v=${B}x64x2x3 --random theta=2x3:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry g65 --random q=${B}x65x2x5 --random k=${B}x65x2x5:-3:3 --random v=${B}x65x2x3 --random theta=2x3:0:2 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry g1000 --random q=${B}x1000x2x5 --random k=${B}x1000x2x5:-3:3 --random v=${B}x1000x2x3 --random theta=2x3:0:2 --check --quiet || exit 1; \
// RUN: done
// Every result is checked, the state included.
// RUN: ldn-run %t.so --entry c65 --random q=2x65x2x5 --random k=2x65x2x5 --random v=2x65x2x3 --random theta=2x3 --check | FileCheck %s
// RUN: ldn-run %t.so --entry g65 --random q=0x65x2x5 --random k=0x65x2x5 --random v=0x65x2x3 --random theta=2x3 --check | FileCheck %s
// CHECK: check result0: {{.*}}: ok
// CHECK: check result1: {{.*}}: ok
// A length that is not prefix + cells is an error at run time.
// RUN: not ldn-run %t.so --entry c65 --random q=2x64x2x5 --random k=2x64x2x5 --random v=2x64x2x3 --random theta=2x3 2>&1 | FileCheck %s --check-prefix=LENGTH
// LENGTH: error:
// So are keys that do not match the queries.
// RUN: not ldn-run %t.so --entry c65 --random q=2x65x2x5 --random k=1x65x2x5 --random v=2x65x2x3 --random theta=2x3 2>&1 | FileCheck %s --check-prefix=BATCH
// BATCH: error:

func.func @c1(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x5xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = true, sink = 0.0 : f32, grid = array<i64: 1>, prefix = 0, scale = 1.0 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x5xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @c2(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x5xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = true, grid = array<i64: 2>, prefix = 0, scale = 1.0 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x5xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @c7(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = true, sink = -1.0 : f32, grid = array<i64: 2, 3>, prefix = 1, scale = 0.5 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @c63(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = true, grid = array<i64: 7, 9>, prefix = 0, scale = 1.0 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @c64(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x5xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = true, sink = 0.5 : f32, grid = array<i64: 64>, prefix = 0, scale = 1.0 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x5xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @c65(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = true, sink = 0.0 : f32, grid = array<i64: 8, 8>, prefix = 1, scale = 1.0 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @c1000(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = true, sink = 0.0 : f32, grid = array<i64: 10, 100>, prefix = 0, scale = 0.25 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @g1(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x5xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = false, grid = array<i64: 1>, prefix = 0, scale = 1.0 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x5xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @g2(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x5xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = false, grid = array<i64: 2>, prefix = 0, scale = 1.0 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x5xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @g7(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x5xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = false, grid = array<i64: 6>, prefix = 1, scale = 1.0 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x5xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @g63(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = false, grid = array<i64: 7, 9>, prefix = 0, scale = 1.0 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @g64(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = false, grid = array<i64: 8, 8>, prefix = 0, scale = 2.0 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @g65(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = false, grid = array<i64: 8, 8>, prefix = 1, scale = 1.0 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}

func.func @g1000(%q: tensor<?x?x2x5xf32>, %k: tensor<?x?x2x5xf32>, %v: tensor<?x?x2x3xf32>, %theta: tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = false, grid = array<i64: 10, 100>, prefix = 0, scale = 1.0 : f32}
      : (tensor<?x?x2x5xf32>, tensor<?x?x2x5xf32>, tensor<?x?x2x3xf32>, tensor<2x3xf32>) -> (tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>)
  return %o, %s : tensor<?x?x2x3xf32>, tensor<?x2x10x3xf32>
}
