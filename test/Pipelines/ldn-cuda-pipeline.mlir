// REQUIRES: libdevice
// RUN: ldn-opt %s --ldn-cuda-pipeline="chips=sm_80 format=isa cuda-path=%cuda_path" | FileCheck %s
// RUN: ldn-opt %s --ldn-emu-pipeline | FileCheck %s --check-prefix=EMU

// A model of one ldn op and one upstream op: both become kernels of one
// gpu.module, compiled to PTX (format=isa needs no CUDA tools); the host
// code launches them (gpu.launch_func becomes calls of the runtime's mgpu*
// ABI when translated to LLVM IR).
// CHECK: llvm.func internal @f(
// CHECK: gpu.launch_func @ldn_kernels::@ldn_gpu_scan_kernel blocks
// CHECK: gpu.launch_func @ldn_kernels::@{{.*}} blocks
// CHECK: gpu.binary @ldn_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_80", features = "+ptx80">, {{.*}}assembly = "{{.*}}.target sm_80{{.*}}.entry ldn_gpu_scan_kernel{{.*}}">]
// CHECK: llvm.func @ldn_entry_f(

// The emulator: the same launches, the kernels in an embedded shared object.
// EMU: llvm.func internal @f(
// EMU: gpu.launch_func @ldn_kernels::@ldn_gpu_scan_kernel blocks
// EMU: gpu.binary @ldn_kernels [#gpu.object<#ldn_emu.target, bin = "LDNEMU01\7FELF
func.func @f(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %h, %l = ldn.scan %a, %b : tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>, tensor<?x16xf32>
  %e = math.exp %h : tensor<?x?x16xf32>
  return %e : tensor<?x?x16xf32>
}
