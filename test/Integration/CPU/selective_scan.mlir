// ldn.selective_scan compiled for %ldn_target, checked against lib/Reference:
// every optional operand present and absent, softplus on and off, at the
// awkward lengths and both batch sizes, and bf16 activations.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: for T in 1 2 7 63 64 65 1000 4096; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry minimal --random x=${B}x${T}x8 --random delta=${B}x${T}x8:0:0.5 --random A=8x4:-1:0 --random B=${B}x${T}x4 --random C=${B}x${T}x4 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry full --random x=${B}x${T}x8 --random delta=${B}x${T}x8 --random A=8x4:-1:0 --random B=${B}x${T}x4 --random C=${B}x${T}x4 --random D=8 --random z=${B}x${T}x8 --random dbias=8 --random h0=${B}x8x4 --check --quiet || exit 1; \
// RUN: done; done
// RUN: ldn-run %t.so --entry gate_only --random x=3x65x8 --random delta=3x65x8 --random A=8x4:-1:0 --random B=3x65x4 --random C=3x65x4 --random z=3x65x8 --check --quiet
// RUN: ldn-run %t.so --entry brain --random x=3x65x8 --random delta=3x65x8 --random A=8x4:-1:0 --random B=3x65x4 --random C=3x65x4 --check | FileCheck %s
// CHECK: check result0: {{.*}}: ok
// CHECK: check result1: {{.*}}: ok

func.func @minimal(%x: tensor<?x?x8xf32>, %delta: tensor<?x?x8xf32>, %A: tensor<8x4xf32>, %B: tensor<?x?x4xf32>, %C: tensor<?x?x4xf32>) -> (tensor<?x?x8xf32>, tensor<?x8x4xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C
      : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<8x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>) -> (tensor<?x?x8xf32>, tensor<?x8x4xf32>)
  return %y, %h : tensor<?x?x8xf32>, tensor<?x8x4xf32>
}

func.func @full(%x: tensor<?x?x8xf32>, %delta: tensor<?x?x8xf32>, %A: tensor<8x4xf32>, %B: tensor<?x?x4xf32>, %C: tensor<?x?x4xf32>,
                %D: tensor<8xf32>, %z: tensor<?x?x8xf32>, %dbias: tensor<8xf32>, %h0: tensor<?x8x4xf32>) -> (tensor<?x?x8xf32>, tensor<?x8x4xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C skip %D gate %z dbias %dbias init %h0 {delta_softplus = true}
      : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<8x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>,
         tensor<8xf32>, tensor<?x?x8xf32>, tensor<8xf32>, tensor<?x8x4xf32>) -> (tensor<?x?x8xf32>, tensor<?x8x4xf32>)
  return %y, %h : tensor<?x?x8xf32>, tensor<?x8x4xf32>
}

func.func @gate_only(%x: tensor<?x?x8xf32>, %delta: tensor<?x?x8xf32>, %A: tensor<8x4xf32>, %B: tensor<?x?x4xf32>, %C: tensor<?x?x4xf32>, %z: tensor<?x?x8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8x4xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C gate %z {delta_softplus = true}
      : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<8x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8x4xf32>)
  return %y, %h : tensor<?x?x8xf32>, tensor<?x8x4xf32>
}

func.func @brain(%x: tensor<?x?x8xbf16>, %delta: tensor<?x?x8xbf16>, %A: tensor<8x4xf32>, %B: tensor<?x?x4xbf16>, %C: tensor<?x?x4xbf16>) -> (tensor<?x?x8xbf16>, tensor<?x8x4xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C {delta_softplus = true}
      : (tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<8x4xf32>, tensor<?x?x4xbf16>, tensor<?x?x4xbf16>) -> (tensor<?x?x8xbf16>, tensor<?x8x4xf32>)
  return %y, %h : tensor<?x?x8xbf16>, tensor<?x8x4xf32>
}
