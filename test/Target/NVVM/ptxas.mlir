// Every ldn op compiles to PTX for sm_80 and sm_90, and ptxas assembles
// every kernel without spilling a register. The ops are in their most
// demanding configurations here (every optional operand, f16 I/O).
// REQUIRES: ptxas, libdevice
// RUN: ldn-compile %s --target=cuda --chips=sm_80 --cuda-path=%cuda_path --emit=ptx -o %t.sm_80.ptx
// RUN: %ptxas -v -arch=sm_80 %t.sm_80.ptx -o %t.sm_80.cubin 2> %t.sm_80.log
// RUN: FileCheck %s < %t.sm_80.log
// RUN: not grep -E " [1-9][0-9]* bytes spill" %t.sm_80.log
// RUN: ldn-compile %s --target=cuda --chips=sm_90 --cuda-path=%cuda_path --emit=ptx -o %t.sm_90.ptx
// RUN: %ptxas -v -arch=sm_90 %t.sm_90.ptx -o %t.sm_90.cubin 2> %t.sm_90.log
// RUN: FileCheck %s < %t.sm_90.log
// RUN: not grep -E " [1-9][0-9]* bytes spill" %t.sm_90.log

// CHECK-DAG: Compiling entry function 'ldn_gpu_scan_kernel
// CHECK-DAG: Compiling entry function 'ldn_gpu_scan_kernel
// CHECK-DAG: Compiling entry function 'ldn_gpu_selective_scan
// CHECK-DAG: Compiling entry function 'ldn_gpu_selective_scan
// CHECK-DAG: Compiling entry function 'ldn_gpu_selective_scan
// CHECK-DAG: Compiling entry function 'ldn_gpu_lrpe
// CHECK-DAG: Compiling entry function 'ldn_gpu_ssm_kernel
// CHECK-DAG: Compiling entry function 'ldn_gpu_attention_diffuse_kernel
// CHECK-DAG: Compiling entry function 'ldn_gpu_attention_diffuse_kernel_1
// CHECK-DAG: Compiling entry function 'ldn_gpu_diffuse
// CHECK-DAG: Compiling entry function 'ldn_gpu_diffuse
// CHECK-DAG: Compiling entry function 'ldn_gpu_long_conv
// CHECK-DAG: Compiling entry function 'ldn_gpu_long_conv
// CHECK-DAG: Compiling entry function '{{.*}}linear_attention
// CHECK-DAG: Compiling entry function '{{.*}}additive_decay
// CHECK-DAG: Compiling entry function '{{.*}}lightnet_attention

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

// ldn.diffuse: a dynamic band keeps both kernels (wide, and temporally
// blocked with the rates of a data-dependent alpha in shared memory), with
// the dt operand; a static band with several steps, causal, f16 I/O.
func.func @diffuse_dynamic(%x: tensor<?x?x?xf32>, %w: tensor<?xf32>, %alpha: tensor<?x?x?xf32>, %dt: tensor<f32>) -> tensor<?x?x?xf32> {
  %y = ldn.diffuse %x, %w, %alpha dt %dt {steps = 3} : tensor<?x?x?xf32>, tensor<?xf32>, tensor<?x?x?xf32>, tensor<f32> -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}

func.func @diffuse_band(%x: tensor<?x?x256xf16>, %w: tensor<8xf32>, %alpha: tensor<256xf32>) -> tensor<?x?x256xf16> {
  %y = ldn.diffuse %x, %w, %alpha {steps = 4, dt = 0.1 : f32, causal = true} : tensor<?x?x256xf16>, tensor<8xf32>, tensor<256xf32> -> tensor<?x?x256xf16>
  return %y : tensor<?x?x256xf16>
}

// ldn.long_conv: auto with dynamic sizes keeps the FFT and the direct
// kernel; a bidirectional FFT with f16 I/O.
func.func @long_conv_dynamic(%v: tensor<?x?x?xf32>, %k: tensor<?x?xf32>) -> tensor<?x?x?xf32> {
  %y = ldn.long_conv %v, %k : tensor<?x?x?xf32>, tensor<?x?xf32> -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}

func.func @long_conv_bidir_half(%v: tensor<?x?x64xf16>, %k: tensor<64x8192xf32>) -> tensor<?x?x64xf16> {
  %y = ldn.long_conv %v, %k {bidirectional = true, strategy = #ldn.conv_strategy<fft>} : tensor<?x?x64xf16>, tensor<64x8192xf32> -> tensor<?x?x64xf16>
  return %y : tensor<?x?x64xf16>
}

// ldn.attention_diffuse: a sparse causal pattern with every rule, lengths,
// f16 I/O and coefficients; fully dynamic sizes; the dense pattern with a
// wide key dimension (several 64-channel stages per key chunk); the
// configuration of bench/ops.mlir.
func.func @attention_diffuse_sparse_half(%q: tensor<?x?x4x64xf16>, %k: tensor<?x?x4x64xf16>, %v: tensor<?x?x4x64xf16>, %lengths: tensor<?xi32>) -> tensor<?x?x4x64xf16> {
  %z = ldn.attention_diffuse %q, %k, %v lengths %lengths
      {pattern = #ldn.pattern<window = 64, stride = 32, globals = [0, 512], random = 3, seed = 7, causal = true>,
       hops = 3, mode = #ldn.diffusion_mode<coeffs>, coeffs = array<f32: 0.4, 0.3, 0.2, 0.1>}
      : tensor<?x?x4x64xf16>, tensor<?x?x4x64xf16>, tensor<?x?x4x64xf16>, tensor<?xi32> -> tensor<?x?x4x64xf16>
  return %z : tensor<?x?x4x64xf16>
}

func.func @attention_diffuse_dynamic(%q: tensor<?x?x?x?xf32>, %k: tensor<?x?x?x?xf32>, %v: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %z = ldn.attention_diffuse %q, %k, %v
      {pattern = #ldn.pattern<window = 128, stride = 64, globals = [0], random = 2, seed = 3>, hops = 4, alpha = 0.2 : f32}
      : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  return %z : tensor<?x?x?x?xf32>
}

func.func @attention_diffuse_dense(%q: tensor<?x?x8x128xf32>, %k: tensor<?x?x8x128xf32>, %v: tensor<?x?x8x128xf32>) -> tensor<?x?x8x128xf32> {
  %z = ldn.attention_diffuse %q, %k, %v
      {pattern = #ldn.pattern<dense, causal = true>, mode = #ldn.diffusion_mode<laplacian>}
      : tensor<?x?x8x128xf32>, tensor<?x?x8x128xf32>, tensor<?x?x8x128xf32> -> tensor<?x?x8x128xf32>
  return %z : tensor<?x?x8x128xf32>
}

// The configuration of bench/ops.mlir (it spilled at sm_80 when the weights
// kernel kept every per-query value in registers across its key loop).
func.func @attention_diffuse_bench(%q: tensor<?x?x8x64xf32>, %k: tensor<?x?x8x64xf32>, %v: tensor<?x?x8x64xf32>) -> tensor<?x?x8x64xf32> {
  %z = ldn.attention_diffuse %q, %k, %v
      {pattern = #ldn.pattern<window = 64, stride = 32, globals = [0, 1], random = 3, seed = 7>,
       hops = 5, alpha = 0.1 : f32}
      : tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32> -> tensor<?x?x8x64xf32>
  return %z : tensor<?x?x8x64xf32>
}

// ldn.linear_attention: GLA (per-channel decay) with an initial state and
// dk = dv = 128 (two key tiles, their parts of o summed); a per-head decay
// with f16 I/O; non-causal with an initial state; every dimension dynamic.
func.func @linear_attention_gla(%q: tensor<?x?x8x128xf32>, %k: tensor<?x?x8x128xf32>, %v: tensor<?x?x8x128xf32>, %decay: tensor<?x?x8x128xf32>, %s0: tensor<?x8x128x128xf32>) -> (tensor<?x?x8x128xf32>, tensor<?x8x128x128xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v decay %decay init %s0 {scale = 0.088 : f32}
      : (tensor<?x?x8x128xf32>, tensor<?x?x8x128xf32>, tensor<?x?x8x128xf32>, tensor<?x?x8x128xf32>, tensor<?x8x128x128xf32>) -> (tensor<?x?x8x128xf32>, tensor<?x8x128x128xf32>)
  return %o, %s : tensor<?x?x8x128xf32>, tensor<?x8x128x128xf32>
}

func.func @linear_attention_half(%q: tensor<?x?x8x64xf16>, %k: tensor<?x?x8x64xf16>, %v: tensor<?x?x8x64xf16>, %decay: tensor<?x?x8xf16>, %s0: tensor<?x8x64x64xf32>) -> (tensor<?x?x8x64xf16>, tensor<?x8x64x64xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v decay %decay init %s0 {scale = 0.125 : f32}
      : (tensor<?x?x8x64xf16>, tensor<?x?x8x64xf16>, tensor<?x?x8x64xf16>, tensor<?x?x8xf16>, tensor<?x8x64x64xf32>) -> (tensor<?x?x8x64xf16>, tensor<?x8x64x64xf32>)
  return %o, %s : tensor<?x?x8x64xf16>, tensor<?x8x64x64xf32>
}

func.func @linear_attention_global(%q: tensor<?x?x8x64xf32>, %k: tensor<?x?x8x64xf32>, %v: tensor<?x?x8x64xf32>, %s0: tensor<?x8x64x64xf32>) -> (tensor<?x?x8x64xf32>, tensor<?x8x64x64xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v init %s0 {causal = false}
      : (tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x8x64x64xf32>) -> (tensor<?x?x8x64xf32>, tensor<?x8x64x64xf32>)
  return %o, %s : tensor<?x?x8x64xf32>, tensor<?x8x64x64xf32>
}

func.func @linear_attention_dynamic(%q: tensor<?x?x?x?xf32>, %k: tensor<?x?x?x?xf32>, %v: tensor<?x?x?x?xf32>, %decay: tensor<?x?x?x?xf32>, %s0: tensor<?x?x?x?xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v decay %decay init %s0
      : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  return %o, %s : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>
}

// ldn.lightnet_attention: causal with a sink and d = 64 (128 rotated key
// rows, two key tiles), and global on a 2-D grid with every size dynamic.
func.func @lightnet_attention_causal(%q: tensor<?x256x8x64xf32>, %k: tensor<?x256x8x64xf32>, %v: tensor<?x256x8x64xf32>, %theta: tensor<8x64xf32>) -> (tensor<?x256x8x64xf32>, tensor<?x8x128x64xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {sink = 0.0 : f32, grid = array<i64: 256>}
      : (tensor<?x256x8x64xf32>, tensor<?x256x8x64xf32>, tensor<?x256x8x64xf32>, tensor<8x64xf32>) -> (tensor<?x256x8x64xf32>, tensor<?x8x128x64xf32>)
  return %o, %s : tensor<?x256x8x64xf32>, tensor<?x8x128x64xf32>
}

func.func @lightnet_attention_global(%q: tensor<?x?x?x?xf32>, %k: tensor<?x?x?x?xf32>, %v: tensor<?x?x?x?xf32>, %theta: tensor<?x?xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = false, grid = array<i64: 14, 14>, prefix = 1}
      : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  return %o, %s : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>
}

// ldn.additive_decay: causal with a sink, non-causal with bf16 keys.
func.func @additive_decay_sink(%k: tensor<?x?x8x64xf32>) -> (tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>) {
  %kn, %d = ldn.additive_decay %k {sink = 0.5 : f32} : tensor<?x?x8x64xf32> -> tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>
  return %kn, %d : tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>
}

func.func @additive_decay_global(%k: tensor<?x?x8x64xbf16>) -> (tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>) {
  %kn, %d = ldn.additive_decay %k {causal = false} : tensor<?x?x8x64xbf16> -> tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>
  return %kn, %d : tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>
}
