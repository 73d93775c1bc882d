// ldn-compile --report-traffic counts kernels and bytes after bufferization
// (dynamic sizes taken as 64); with --fuse=false the two diffusions below
// stay two GPU kernels, fused they are one that moves half the bytes.
// RUN: ldn-compile %s --target=emu --report-traffic -o %t.so 2>&1 | FileCheck %s --check-prefix=FUSED
// RUN: ldn-compile %s --target=emu --report-traffic --fuse=false -o %t.so 2>&1 | FileCheck %s --check-prefix=UNFUSED
// RUN: ldn-compile %s --target=cpu --report-traffic -o %t.so 2>&1 | FileCheck %s --check-prefix=CPU
// FUSED: remark: kernel 1 (gpu.launch): reads 262220 bytes, writes 262144 bytes
// FUSED: remark: @chain: 1 kernels, reads 262220 bytes, writes 262144 bytes (dynamic sizes taken as 64)
// UNFUSED: remark: @chain: 2 kernels, reads 524440 bytes, writes 524288 bytes (dynamic sizes taken as 64)
// CPU: remark: kernel 1
// CPU: remark: @chain: {{[0-9]+}} kernels, reads {{[0-9]+}} bytes, writes {{[0-9]+}} bytes (dynamic sizes taken as 64)
func.func @chain(%x: tensor<?x?x16xf32>, %w: tensor<3xf32>, %alpha: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y1 = ldn.diffuse %x, %w, %alpha {dt = 0.1 : f32} : tensor<?x?x16xf32>, tensor<3xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  %y2 = ldn.diffuse %y1, %w, %alpha {dt = 0.1 : f32} : tensor<?x?x16xf32>, tensor<3xf32>, tensor<16xf32> -> tensor<?x?x16xf32>
  return %y2 : tensor<?x?x16xf32>
}
