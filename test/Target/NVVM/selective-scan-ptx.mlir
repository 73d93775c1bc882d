// The PTX of the selective scan: one thread per state entry, so the
// contraction with C_t is a butterfly of warp shuffles (N = 16: 4 per sum,
// four sums per step group), the chunk's inputs are staged in shared memory
// between two barriers, and the decay exp(delta * A) is one ex2.approx.
// REQUIRES: libdevice
// RUN: ldn-compile %s --target=cuda --chips=sm_90 --emit=ptx -o - | FileCheck %s

// CHECK: .target sm_90
// CHECK-LABEL: .entry ldn_gpu_selective_scan_kernel(
// CHECK: .maxntid 32, 4, 1
// CHECK-DAG: .shared .align 4 .b8 __wg_ldn_gpu_selective_scan_kernel_0[4096]
// CHECK-DAG: bar.sync 0
// CHECK-DAG: ld.shared.b32
// CHECK-DAG: ex2.approx.f32
// CHECK-COUNT-16: shfl.sync.bfly.b32
func.func @ss(%x: tensor<?x?x64xf32>, %delta: tensor<?x?x64xf32>, %A: tensor<64x16xf32>, %B: tensor<?x?x16xf32>, %C: tensor<?x?x16xf32>) -> (tensor<?x?x64xf32>, tensor<?x64x16xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C {delta_softplus = true}
      : (tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> (tensor<?x?x64xf32>, tensor<?x64x16xf32>)
  return %y, %h : tensor<?x?x64xf32>, tensor<?x64x16xf32>
}
