// RUN: ldn-opt %s --ldn-emu-device-lowering | FileCheck %s

// The whole device side (addEmuDeviceLowering): the gpu.module becomes a
// gpu.binary of the same name whose one object is the emulator payload, an
// ELF shared object after the 8-byte magic; launches are left for
// gpu-to-llvm.

// CHECK: gpu.binary @kernels [#gpu.object<#ldn_emu.target, bin = "LDNEMU01\7FELF
// CHECK-NOT: gpu.module
// CHECK: gpu.launch_func @kernels::@fill
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @fill(%out: memref<?xf32>) kernel {
      %tid = gpu.thread_id x
      %one = arith.constant 1.0 : f32
      memref.store %one, %out[%tid] : memref<?xf32>
      gpu.return
    }
  }
  func.func @main(%out: memref<?xf32>) {
    %c1 = arith.constant 1 : index
    %c32 = arith.constant 32 : index
    gpu.launch_func @kernels::@fill blocks in (%c1, %c1, %c1) threads in (%c32, %c1, %c1) args(%out : memref<?xf32>)
    return
  }
}
