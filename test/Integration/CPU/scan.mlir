// ldn.scan compiled for %ldn_target and checked against lib/Reference at the
// awkward lengths, both batch sizes, forward/reverse, with and without an
// initial state, per-channel decay, and scans along other axes.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: for T in 1 2 7 63 64 65 1000 4096; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry fwd --random a=${B}x${T}x16:0.5:1 --random b=${B}x${T}x16 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry rev_init --random a=${B}x${T}x16:0.5:1 --random b=${B}x${T}x16 --random h0=${B}x16 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry per_channel --random a=16:0.9:1 --random b=${B}x${T}x16 --check --quiet || exit 1; \
// RUN: done; done
// RUN: ldn-run %t.so --entry grid_dim2 --random a=2x5x7x16:0:1 --random b=2x5x7x16 --random h0=2x5x16 --check | FileCheck %s
// RUN: ldn-run %t.so --entry batch_axis --random a=7x3 --random b=7x3 --check --quiet
// RUN: ldn-run %t.so --entry half --random a=3x65x16:0.5:1 --random b=3x65x16 --check --quiet

// CHECK: check result0: {{.*}}: ok
// CHECK: check result1: {{.*}}: ok

func.func @fwd(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>) {
  %h, %l = ldn.scan %a, %b : tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>, tensor<?x16xf32>
  return %h, %l : tensor<?x?x16xf32>, tensor<?x16xf32>
}

func.func @rev_init(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>, %h0: tensor<?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>) {
  %h, %l = ldn.scan %a, %b init %h0 {reverse = true} : tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x16xf32> -> tensor<?x?x16xf32>, tensor<?x16xf32>
  return %h, %l : tensor<?x?x16xf32>, tensor<?x16xf32>
}

func.func @per_channel(%a: tensor<16xf32>, %b: tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>) {
  %h, %l = ldn.scan %a, %b : tensor<16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>, tensor<?x16xf32>
  return %h, %l : tensor<?x?x16xf32>, tensor<?x16xf32>
}

// MD-TPE style: along the second grid axis of [B, H, W, C].
func.func @grid_dim2(%a: tensor<?x?x?x16xf32>, %b: tensor<?x?x?x16xf32>, %h0: tensor<?x?x16xf32>) -> (tensor<?x?x?x16xf32>, tensor<?x?x16xf32>) {
  %h, %l = ldn.scan %a, %b init %h0 {dim = 2, reverse = true} : tensor<?x?x?x16xf32>, tensor<?x?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x?x16xf32>, tensor<?x?x16xf32>
  return %h, %l : tensor<?x?x?x16xf32>, tensor<?x?x16xf32>
}

func.func @batch_axis(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>) -> (tensor<?x?xf32>, tensor<?xf32>) {
  %h, %l = ldn.scan %a, %b {dim = 0} : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>, tensor<?xf32>
  return %h, %l : tensor<?x?xf32>, tensor<?xf32>
}

// f16 in and out; the state is carried in f32.
func.func @half(%a: tensor<?x?x16xf16>, %b: tensor<?x?x16xf16>) -> (tensor<?x?x16xf16>, tensor<?x16xf16>) {
  %h, %l = ldn.scan %a, %b : tensor<?x?x16xf16>, tensor<?x?x16xf16> -> tensor<?x?x16xf16>, tensor<?x16xf16>
  return %h, %l : tensor<?x?x16xf16>, tensor<?x16xf16>
}
