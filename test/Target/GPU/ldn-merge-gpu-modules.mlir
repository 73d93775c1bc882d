// RUN: ldn-opt %s --ldn-merge-gpu-modules | FileCheck %s

// Two outlined modules whose kernels share a name become one module; the
// second kernel is renamed and its launch follows it.
// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @f
//       CHECK:   gpu.launch_func @ldn_kernels::@k blocks
//       CHECK:   gpu.launch_func @ldn_kernels::@[[SECOND:k_[0-9]+]] blocks
//       CHECK: gpu.module @ldn_kernels {
//       CHECK:   gpu.func @k() kernel
//       CHECK:   gpu.func @[[SECOND]]() kernel
//   CHECK-NOT: gpu.module
module attributes {gpu.container_module} {
  func.func @f() {
    %c1 = arith.constant 1 : index
    gpu.launch_func @m0::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
    gpu.launch_func @m1::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
    return
  }
  gpu.module @m0 {
    gpu.func @k() kernel {
      gpu.return
    }
  }
  gpu.module @m1 {
    gpu.func @k() kernel {
      gpu.return
    }
  }
}
