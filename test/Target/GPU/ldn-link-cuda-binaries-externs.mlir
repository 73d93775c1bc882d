// REQUIRES: ptxas, fatbinary
// A kernel's failing run-time check calls CUDA's `__assertfail` system call,
// which ptxas resolves: the PTX links. Any other undefined function (here a
// math function libdevice would have defined) is an error that says so.
// RUN: ldn-opt %s --split-input-file --nvvm-attach-target="chip=sm_80 features=+ptx80" \
// RUN:   --convert-gpu-to-nvvm --gpu-module-to-binary="format=isa" \
// RUN:   --ldn-link-cuda-binaries="cuda-path=%cuda_path" --verify-diagnostics | FileCheck %s

// CHECK: gpu.binary @asserts [#gpu.object<#nvvm.target<chip = "sm_80", features = "+ptx80">, "{{.*}}">]
module attributes {gpu.container_module} {
  gpu.module @asserts {
    gpu.func @k(%out: memref<4xf32>, %i: index) kernel {
      %c4 = arith.constant 4 : index
      %ok = arith.cmpi ult, %i, %c4 : index
      cf.assert %ok, "index out of bounds"
      %f = arith.constant 1.0 : f32
      memref.store %f, %out[%i] : memref<4xf32>
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  // expected-error @+1 {{mystery_fn): libdevice was not linked}}
  gpu.module @undefined {
    llvm.func @mystery_fn(f32) -> f32
    gpu.func @k(%out: memref<4xf32>) kernel {
      %c0 = arith.constant 0 : index
      %f = arith.constant 1.0 : f32
      %g = llvm.call @mystery_fn(%f) : (f32) -> f32
      memref.store %g, %out[%c0] : memref<4xf32>
      gpu.return
    }
  }
}
