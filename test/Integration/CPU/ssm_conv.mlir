// ldn.ssm_conv compiled for %ldn_target, checked against lib/Reference:
// per-head (G = 2) and dense (G = 1) projections, causal and bidirectional,
// direct and FFT, with and without a fused epilogue, dynamic and static
// batch and length, f16 in and out.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: for T in 1 2 7 63 64 65 1000; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry heads_bidir_fft --random u=${B}x${T}x6 --random bp=2x3x4 --random k=8x66 --random cp=2x4x5 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry dense_causal_direct --random u=${B}x${T}x6 --random bp=1x6x3 --random k=3x${T} --random cp=1x3x4 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry epilogue --random u=${B}x${T}x6 --random bp=2x3x4 --random k=8x130 --random cp=2x4x3 --random d=6 --check --quiet || exit 1; \
// RUN: done; done
// Long enough that the GPU's FFT kernel does not fit (n > 4096): the
// direct kernel runs, with the projection at its loads too.
// RUN: ldn-run %t.so --entry heads_bidir_fft --random u=1x5000x6 --random bp=2x3x4 --random k=8x66 --random cp=2x4x5 --check --quiet
// On the GPU path the batch runs in chunks whose x ([rows, T, N]) is at
// most 4 MiB: one row per chunk (T = 4200, N = 256: 4.3 MB a row), and two
// rows with a partial last chunk (T = 2000: 2.0 MB), with the epilogue.
// RUN: ldn-run %t.so --entry wide_epilogue --random u=3x4200x6 --random bp=1x6x256 --random k=256x9 --random cp=1x256x6 --random d=6 --check --quiet
// RUN: ldn-run %t.so --entry wide_epilogue --random u=3x2000x6 --random bp=1x6x256 --random k=256x9 --random cp=1x256x6 --random d=6 --check --quiet
// RUN: ldn-run %t.so --entry static --random u=2x65x6 --random bp=2x3x4 --random k=8x8 --random cp=2x4x5 --check | FileCheck %s
// RUN: ldn-run %t.so --entry half --random u=2x65x6 --random bp=1x6x3 --random k=3x16 --random cp=1x3x4 --check | FileCheck %s
// CHECK: check result0: {{.*}}: ok
// A result type less static than the op's (M = 10 declared as ?).
// RUN: ldn-run %t.so --entry dynamic_result --random u=3x7x6 --random bp=2x3x4 --random k=8x8 --random cp=2x4x5 --check | FileCheck %s
// An odd bidirectional kernel length is an error at run time, also for an
// empty batch.
// RUN: not ldn-run %t.so --entry bidir_dynamic --random u=0x5x6 --random bp=2x3x4 --random k=8x5 --random cp=2x4x5 2>&1 | FileCheck %s --check-prefix=ODD
// RUN: not ldn-run %t.so --entry bidir_dynamic --random u=2x5x6 --random bp=2x3x4 --random k=8x5 --random cp=2x4x5 2>&1 | FileCheck %s --check-prefix=ODD
// ODD: a bidirectional 'kernel' must hold an even number 2L of lags
// A wrong batch in the epilogue's input is an error at run time.
// RUN: not ldn-run %t.so --entry epilogue --random u=2x7x6 --random bp=2x3x4 --random k=8x130 --random cp=2x4x3 --random d=5 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error:

func.func @heads_bidir_fft(%u: tensor<?x?x6xf32>, %bp: tensor<2x3x4xf32>, %k: tensor<8x66xf32>, %cp: tensor<2x4x5xf32>) -> tensor<?x?x10xf32> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp {bidirectional = true, strategy = #ldn.conv_strategy<fft>}
      : tensor<?x?x6xf32>, tensor<2x3x4xf32>, tensor<8x66xf32>, tensor<2x4x5xf32> -> tensor<?x?x10xf32>
  return %y : tensor<?x?x10xf32>
}

func.func @dense_causal_direct(%u: tensor<?x?x6xf32>, %bp: tensor<1x6x3xf32>, %k: tensor<3x?xf32>, %cp: tensor<1x3x4xf32>) -> tensor<?x?x4xf32> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp {strategy = #ldn.conv_strategy<direct>}
      : tensor<?x?x6xf32>, tensor<1x6x3xf32>, tensor<3x?xf32>, tensor<1x3x4xf32> -> tensor<?x?x4xf32>
  return %y : tensor<?x?x4xf32>
}

// The LDNN epilogue: GELU(2 y + D ⊙ u), with u and D read per element.
func.func @epilogue(%u: tensor<?x?x6xf32>, %bp: tensor<2x3x4xf32>, %k: tensor<8x130xf32>, %cp: tensor<2x4x3xf32>, %d: tensor<?xf32>) -> tensor<?x?x6xf32> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp {bidirectional = true, strategy = #ldn.conv_strategy<fft>}
      : tensor<?x?x6xf32>, tensor<2x3x4xf32>, tensor<8x130xf32>, tensor<2x4x3xf32> -> tensor<?x?x6xf32>
  %g = ldn.elementwise %y, %u, %d : tensor<?x?x6xf32>, tensor<?x?x6xf32>, tensor<?xf32> -> tensor<?x?x6xf32> {
  ^bb0(%cx: f32, %x: f32, %dd: f32):
    %two = arith.constant 2.0 : f32
    %half = arith.constant 0.5 : f32
    %one = arith.constant 1.0 : f32
    %rsqrt2 = arith.constant 0.707106781 : f32
    %c2 = arith.mulf %cx, %two : f32
    %dx = arith.mulf %dd, %x : f32
    %s = arith.addf %c2, %dx : f32
    %ys = arith.mulf %s, %rsqrt2 : f32
    %er = math.erf %ys : f32
    %op = arith.addf %er, %one : f32
    %hy = arith.mulf %s, %half : f32
    %r = arith.mulf %hy, %op : f32
    ldn.yield %r : f32
  }
  return %g : tensor<?x?x6xf32>
}

func.func @static(%u: tensor<2x65x6xf32>, %bp: tensor<2x3x4xf32>, %k: tensor<8x8xf32>, %cp: tensor<2x4x5xf32>) -> tensor<2x65x10xf32> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp
      : tensor<2x65x6xf32>, tensor<2x3x4xf32>, tensor<8x8xf32>, tensor<2x4x5xf32> -> tensor<2x65x10xf32>
  return %y : tensor<2x65x10xf32>
}

func.func @half(%u: tensor<?x?x6xf16>, %bp: tensor<1x6x3xf32>, %k: tensor<3x16xf32>, %cp: tensor<1x3x4xf32>) -> tensor<?x?x4xf16> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp {strategy = #ldn.conv_strategy<fft>}
      : tensor<?x?x6xf16>, tensor<1x6x3xf32>, tensor<3x16xf32>, tensor<1x3x4xf32> -> tensor<?x?x4xf16>
  return %y : tensor<?x?x4xf16>
}

func.func @dynamic_result(%u: tensor<?x?x6xf32>, %bp: tensor<2x3x4xf32>, %k: tensor<8x8xf32>, %cp: tensor<2x4x5xf32>) -> tensor<?x?x?xf32> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp
      : tensor<?x?x6xf32>, tensor<2x3x4xf32>, tensor<8x8xf32>, tensor<2x4x5xf32> -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}

func.func @bidir_dynamic(%u: tensor<?x?x6xf32>, %bp: tensor<2x3x4xf32>, %k: tensor<8x?xf32>, %cp: tensor<2x4x5xf32>) -> tensor<?x?x10xf32> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp {bidirectional = true}
      : tensor<?x?x6xf32>, tensor<2x3x4xf32>, tensor<8x?xf32>, tensor<2x4x5xf32> -> tensor<?x?x10xf32>
  return %y : tensor<?x?x10xf32>
}

// Wide enough (N = 256) that a batch row's x is megabytes: the GPU path's
// chunks of rows (SsmConv.cpp).
func.func @wide_epilogue(%u: tensor<?x?x6xf32>, %bp: tensor<1x6x256xf32>, %k: tensor<256x9xf32>, %cp: tensor<1x256x6xf32>, %d: tensor<6xf32>) -> tensor<?x?x6xf32> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp {strategy = #ldn.conv_strategy<direct>}
      : tensor<?x?x6xf32>, tensor<1x6x256xf32>, tensor<256x9xf32>, tensor<1x256x6xf32> -> tensor<?x?x6xf32>
  %g = ldn.elementwise %y, %u, %d : tensor<?x?x6xf32>, tensor<?x?x6xf32>, tensor<6xf32> -> tensor<?x?x6xf32> {
  ^bb0(%cx: f32, %x: f32, %dd: f32):
    %dx = arith.mulf %dd, %x : f32
    %s = arith.addf %cx, %dx : f32
    ldn.yield %s : f32
  }
  return %g : tensor<?x?x6xf32>
}
