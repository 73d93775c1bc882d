// Every ldn op compiles to PTX for sm_80 and sm_90, and ptxas assembles
// every kernel without spilling a register. The ops are in their most
// demanding configurations here (every optional operand, f16 I/O).
// REQUIRES: ptxas
// RUN: ldn-compile %s --target=cuda --chips=sm_80 --cuda-path=%cuda_path --emit=ptx -o %t.sm_80.ptx
// RUN: %ptxas -v -arch=sm_80 %t.sm_80.ptx -o %t.sm_80.cubin 2> %t.sm_80.log
// RUN: FileCheck %s < %t.sm_80.log
// RUN: not grep -E " [1-9][0-9]* bytes spill" %t.sm_80.log
// RUN: ldn-compile %s --target=cuda --chips=sm_90 --cuda-path=%cuda_path --emit=ptx -o %t.sm_90.ptx
// RUN: %ptxas -v -arch=sm_90 %t.sm_90.ptx -o %t.sm_90.cubin 2> %t.sm_90.log
// RUN: FileCheck %s < %t.sm_90.log
// RUN: not grep -E " [1-9][0-9]* bytes spill" %t.sm_90.log

// CHECK-DAG: Compiling entry function 'scan_kernel
// CHECK-DAG: Compiling entry function 'scan_half_kernel
// CHECK-DAG: Compiling entry function 'selective_scan_kernel
// CHECK-DAG: Compiling entry function 'selective_scan_half_kernel
// CHECK-DAG: Compiling entry function 'selective_scan_dynamic_kernel
// CHECK-DAG: Compiling entry function 'lrpe_volume_kernel
// CHECK-DAG: Compiling entry function 'lrpe_five_axes_kernel
// CHECK-DAG: Compiling entry function 'ssm_kernel_zoh_kernel
// CHECK-DAG: Compiling entry function 'ssm_kernel_bilinear_bidir_kernel

func.func @scan(%a: tensor<?x?x512xf32>, %b: tensor<?x?x512xf32>, %h0: tensor<?x512xf32>) -> (tensor<?x?x512xf32>, tensor<?x512xf32>) {
  %h, %l = ldn.scan %a, %b init %h0 {reverse = true} : tensor<?x?x512xf32>, tensor<?x?x512xf32>, tensor<?x512xf32> -> tensor<?x?x512xf32>, tensor<?x512xf32>
  return %h, %l : tensor<?x?x512xf32>, tensor<?x512xf32>
}

func.func @scan_half(%a: tensor<512xf16>, %b: tensor<?x?x512xf16>) -> (tensor<?x?x512xf16>, tensor<?x512xf16>) {
  %h, %l = ldn.scan %a, %b : tensor<512xf16>, tensor<?x?x512xf16> -> tensor<?x?x512xf16>, tensor<?x512xf16>
  return %h, %l : tensor<?x?x512xf16>, tensor<?x512xf16>
}

func.func @selective_scan(%x: tensor<?x?x1024xf32>, %delta: tensor<?x?x1024xf32>, %A: tensor<1024x16xf32>, %B: tensor<?x?x16xf32>, %C: tensor<?x?x16xf32>, %D: tensor<1024xf32>, %z: tensor<?x?x1024xf32>, %dbias: tensor<1024xf32>, %h0: tensor<?x1024x16xf32>) -> (tensor<?x?x1024xf32>, tensor<?x1024x16xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C skip %D gate %z dbias %dbias init %h0 {delta_softplus = true}
      : (tensor<?x?x1024xf32>, tensor<?x?x1024xf32>, tensor<1024x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<1024xf32>, tensor<?x?x1024xf32>, tensor<1024xf32>, tensor<?x1024x16xf32>) -> (tensor<?x?x1024xf32>, tensor<?x1024x16xf32>)
  return %y, %h : tensor<?x?x1024xf32>, tensor<?x1024x16xf32>
}

func.func @selective_scan_half(%x: tensor<?x?x1024xf16>, %delta: tensor<?x?x1024xf16>, %A: tensor<1024x16xf32>, %B: tensor<?x?x16xf16>, %C: tensor<?x?x16xf16>, %D: tensor<1024xf32>, %z: tensor<?x?x1024xf16>, %dbias: tensor<1024xf32>, %h0: tensor<?x1024x16xf32>) -> (tensor<?x?x1024xf16>, tensor<?x1024x16xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C skip %D gate %z dbias %dbias init %h0 {delta_softplus = true}
      : (tensor<?x?x1024xf16>, tensor<?x?x1024xf16>, tensor<1024x16xf32>, tensor<?x?x16xf16>, tensor<?x?x16xf16>, tensor<1024xf32>, tensor<?x?x1024xf16>, tensor<1024xf32>, tensor<?x1024x16xf32>) -> (tensor<?x?x1024xf16>, tensor<?x1024x16xf32>)
  return %y, %h : tensor<?x?x1024xf16>, tensor<?x1024x16xf32>
}

// A dynamic N keeps the kernel's N > 32 path (states beyond 32 in the final
// state buffer) and the group sum's run-time branches.
func.func @selective_scan_dynamic(%x: tensor<?x?x?xf32>, %delta: tensor<?x?x?xf32>, %A: tensor<?x?xf32>, %B: tensor<?x?x?xf32>, %C: tensor<?x?x?xf32>, %D: tensor<?xf32>, %z: tensor<?x?x?xf32>, %dbias: tensor<?xf32>, %h0: tensor<?x?x?xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C skip %D gate %z dbias %dbias init %h0 {delta_softplus = true}
      : (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?xf32>, tensor<?x?x?xf32>, tensor<?xf32>, tensor<?x?x?xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>)
  return %y, %h : tensor<?x?x?xf32>, tensor<?x?x?xf32>
}

// ldn.lrpe: a 3-D grid with a prefix, a dynamic T (checked), f16 I/O; five
// axes take two launches.
func.func @lrpe_volume(%x: tensor<?x?x8x64xf16>, %theta: tensor<8x22xf16>) -> tensor<?x?x8x128xf16> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 8, 14, 14>, prefix = 1} : tensor<?x?x8x64xf16>, tensor<8x22xf16> -> tensor<?x?x8x128xf16>
  return %y : tensor<?x?x8x128xf16>
}

func.func @lrpe_five_axes(%x: tensor<?x96x4x40xf32>, %theta: tensor<4x8xf32>) -> tensor<?x96x4x80xf32> {
  %y = ldn.lrpe %x, %theta {grid = array<i64: 2, 2, 2, 3, 4>} : tensor<?x96x4x40xf32>, tensor<4x8xf32> -> tensor<?x96x4x80xf32>
  return %y : tensor<?x96x4x80xf32>
}

// ldn.ssm_kernel: dynamic modes and length (zoh), bilinear bidirectional.
// The length comes in as a 0-d index tensor (entry points take tensors).
func.func @ssm_kernel_zoh(%re: tensor<?xf32>, %im: tensor<?xf32>, %log_dt: tensor<?xf32>, %len: tensor<index>) -> tensor<?x?xf32> {
  %l = tensor.extract %len[] : tensor<index>
  %k = ldn.ssm_kernel %re, %im, %log_dt, %l : tensor<?xf32>, tensor<?xf32>, tensor<?xf32> -> tensor<?x?xf32>
  return %k : tensor<?x?xf32>
}

func.func @ssm_kernel_bilinear_bidir(%re: tensor<64xf32>, %im: tensor<64xf32>, %log_dt: tensor<64xf32>, %len: tensor<index>) -> tensor<64x?xf32> {
  %l = tensor.extract %len[] : tensor<index>
  %k = ldn.ssm_kernel %re, %im, %log_dt, %l {method = #ldn.discretization<bilinear>, bidirectional = true}
      : tensor<64xf32>, tensor<64xf32>, tensor<64xf32> -> tensor<64x?xf32>
  return %k : tensor<64x?xf32>
}
