// The PTX of the chunked scan: partial states and warp aggregates in shared
// memory, two barriers per chunk, coalesced global loads and stores.
// REQUIRES: libdevice
// RUN: ldn-compile %s --target=cuda --chips=sm_80 --emit=ptx -o - | FileCheck %s

// CHECK: .target sm_80
// CHECK-LABEL: .entry ldn_gpu_scan_kernel(
// CHECK: .maxntid 32, 8, 1
// CHECK-DAG: .shared .align {{[0-9]+}} .b8 {{.*}}[8192]
// CHECK-DAG: ld.global.{{[bf]}}32
// CHECK-DAG: st.shared.{{[bf]}}32
// CHECK-DAG: bar.sync 0
// CHECK-DAG: st.global.{{[bf]}}32
func.func @scan(%a: tensor<?x?x64xf32>, %b: tensor<?x?x64xf32>) -> (tensor<?x?x64xf32>, tensor<?x64xf32>) {
  %h, %l = ldn.scan %a, %b : tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x?x64xf32>, tensor<?x64xf32>
  return %h, %l : tensor<?x?x64xf32>, tensor<?x64xf32>
}
