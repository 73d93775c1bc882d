// ldn.ssm_kernel (and ssm_kernel + long_conv, LDNN's mixing) compiled for
// %ldn_target, checked against lib/Reference: ZOH and bilinear, causal and
// bidirectional, lengths from 1 to 8192, a dynamic number of modes.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: for T in 1 2 7 63 64 65 1000 8192; do \
// RUN:   ldn-run %t.so --entry zoh --random re=16:-1:0 --random im=16:-3:3 --random log_dt=16:-4:-1 --random len=scalar:$T:$T --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry bilinear_bidir --random re=16:-1:0 --random im=16:-3:3 --random log_dt=16:-4:-1 --random len=scalar:$T:$T --check --quiet || exit 1; \
// RUN: done
// RUN: for T in 1 7 65 1000; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry ldnn_mix --random re=8:-1:0 --random im=8:-3:3 --random log_dt=8:-4:-1 --random v=${B}x${T}x8 --check --quiet || exit 1; \
// RUN: done; done
// RUN: ldn-run %t.so --entry dynamic_modes --random re=5:-1:0 --random im=5:-3:3 --random log_dt=5:-4:-1 --random len=scalar:33:33 --check | FileCheck %s
// CHECK: check result0: {{.*}}: ok

// The kernel length comes in as a 0-d index tensor (entry points take tensors).
func.func @zoh(%re: tensor<16xf32>, %im: tensor<16xf32>, %log_dt: tensor<16xf32>, %len: tensor<index>) -> tensor<16x?xf32> {
  %l = tensor.extract %len[] : tensor<index>
  %k = ldn.ssm_kernel %re, %im, %log_dt, %l : tensor<16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<16x?xf32>
  return %k : tensor<16x?xf32>
}

func.func @bilinear_bidir(%re: tensor<16xf32>, %im: tensor<16xf32>, %log_dt: tensor<16xf32>, %len: tensor<index>) -> tensor<16x?xf32> {
  %l = tensor.extract %len[] : tensor<index>
  %k = ldn.ssm_kernel %re, %im, %log_dt, %l {method = #ldn.discretization<bilinear>, bidirectional = true}
      : tensor<16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<16x?xf32>
  return %k : tensor<16x?xf32>
}

func.func @dynamic_modes(%re: tensor<?xf32>, %im: tensor<?xf32>, %log_dt: tensor<?xf32>, %len: tensor<index>) -> tensor<?x?xf32> {
  %l = tensor.extract %len[] : tensor<index>
  %k = ldn.ssm_kernel %re, %im, %log_dt, %l : tensor<?xf32>, tensor<?xf32>, tensor<?xf32> -> tensor<?x?xf32>
  return %k : tensor<?x?xf32>
}

// LDNN's sequence mixing: a bidirectional kernel as long as the sequence.
func.func @ldnn_mix(%re: tensor<8xf32>, %im: tensor<8xf32>, %log_dt: tensor<8xf32>, %v: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %c1 = arith.constant 1 : index
  %t = tensor.dim %v, %c1 : tensor<?x?x8xf32>
  %k = ldn.ssm_kernel %re, %im, %log_dt, %t {bidirectional = true} : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8x?xf32>
  %y = ldn.long_conv %v, %k {bidirectional = true} : tensor<?x?x8xf32>, tensor<8x?xf32> -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}
