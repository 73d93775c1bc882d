// REQUIRES: ptxas, fatbinary
// RUN: ldn-opt %s --nvvm-attach-target="chip=sm_80 features=+ptx80" --nvvm-attach-target="chip=sm_90 features=+ptx80" \
// RUN:   --convert-gpu-to-nvvm --gpu-module-to-binary="format=isa" --ldn-link-cuda-binaries="cuda-path=%cuda_path" | FileCheck %s
// RUN: ldn-opt %s --nvvm-attach-target="chip=sm_80 features=+ptx80" --nvvm-attach-target="chip=sm_90 features=+ptx80" \
// RUN:   --convert-gpu-to-nvvm --gpu-module-to-binary="format=isa" --ldn-link-cuda-binaries="format=isa" | FileCheck %s --check-prefix=ISA
// RUN: not ldn-opt %s --nvvm-attach-target="chip=sm_80 features=+ptx80" --nvvm-attach-target="chip=sm_90 features=+ptx80" \
// RUN:   --convert-gpu-to-nvvm --gpu-module-to-binary="format=isa" --ldn-link-cuda-binaries="format=bin" 2>&1 | FileCheck %s --check-prefix=BIN

// The two chips' PTX become one fatbin object (the default format, so
// printed without a format keyword), tagged with the first chip.
// CHECK: gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_80", features = "+ptx80">, "{{.*}}">]
// ISA: gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_80", features = "+ptx80">, "{{.*}}">]
// BIN: error: format bin holds one chip's cubin; use fatbin for several chips
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @k(%out: memref<4xf32>) kernel {
      %c0 = arith.constant 0 : index
      %f = arith.constant 1.0 : f32
      memref.store %f, %out[%c0] : memref<4xf32>
      gpu.return
    }
  }
}
