// ldn.long_conv compiled for %ldn_target, checked against lib/Reference:
// causal and bidirectional, direct and FFT (and auto on both sides of its
// threshold), kernels shorter and longer than the sequence.
// RUN: ldn-compile %s --target=%ldn_target --fft-threshold=64 -o %t.so
// RUN: for T in 1 2 7 63 64 65 1000 4096; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry causal_direct --random v=${B}x${T}x8 --random k=8x130 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry causal_fft --random v=${B}x${T}x8 --random k=8x130 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry bidir_fft --random v=${B}x${T}x8 --random k=8x66 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry bidir_direct --random v=${B}x${T}x8 --random k=8x66 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry automatic --random v=${B}x${T}x8 --random k=8x9 --check --quiet || exit 1; \
// RUN: done; done
// RUN: ldn-run %t.so --entry causal_fft --random v=1x8192x8 --random k=8x8192:-0.02:0.02 --check --quiet
// RUN: ldn-run %t.so --entry half --random v=2x65x8 --random k=8x16 --check | FileCheck %s
// CHECK: check result0: {{.*}}: ok

func.func @causal_direct(%v: tensor<?x?x8xf32>, %k: tensor<8x?xf32>) -> tensor<?x?x8xf32> {
  %y = ldn.long_conv %v, %k {strategy = #ldn.conv_strategy<direct>} : tensor<?x?x8xf32>, tensor<8x?xf32> -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

func.func @causal_fft(%v: tensor<?x?x8xf32>, %k: tensor<8x?xf32>) -> tensor<?x?x8xf32> {
  %y = ldn.long_conv %v, %k {strategy = #ldn.conv_strategy<fft>} : tensor<?x?x8xf32>, tensor<8x?xf32> -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

func.func @bidir_fft(%v: tensor<?x?x8xf32>, %k: tensor<8x66xf32>) -> tensor<?x?x8xf32> {
  %y = ldn.long_conv %v, %k {bidirectional = true, strategy = #ldn.conv_strategy<fft>} : tensor<?x?x8xf32>, tensor<8x66xf32> -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

func.func @bidir_direct(%v: tensor<?x?x8xf32>, %k: tensor<8x66xf32>) -> tensor<?x?x8xf32> {
  %y = ldn.long_conv %v, %k {bidirectional = true, strategy = #ldn.conv_strategy<direct>} : tensor<?x?x8xf32>, tensor<8x66xf32> -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

// auto: FFT from T = 64 on (the --fft-threshold above), decided at run time.
func.func @automatic(%v: tensor<?x?x8xf32>, %k: tensor<8x9xf32>) -> tensor<?x?x8xf32> {
  %y = ldn.long_conv %v, %k : tensor<?x?x8xf32>, tensor<8x9xf32> -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

func.func @half(%v: tensor<?x?x8xf16>, %k: tensor<8x16xf32>) -> tensor<?x?x8xf16> {
  %y = ldn.long_conv %v, %k {strategy = #ldn.conv_strategy<fft>} : tensor<?x?x8xf16>, tensor<8x16xf32> -> tensor<?x?x8xf16>
  return %y : tensor<?x?x8xf16>
}
