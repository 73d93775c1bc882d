// RUN: ldn-opt %s --ldn-to-gpu -split-input-file | FileCheck %s
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels -split-input-file | FileCheck %s --check-prefix=KERNEL

// The kernel's even length is checked first. Then, per chunk of batch rows
// (as many as keep x at most 4 MiB, at least one): two kernel calls, a
// copy of the long_conv kernel that computes v = in_proj(u) at each of its
// loads of v (a prologue; x's view only gives it v's sizes), writing the
// chunk's x [rows, T, N] into one scratch buffer, and the out-projection
// into the chunk's rows of y, which applies the epilogue where it stores
// (its shape checks come first). v is never allocated.
// CHECK-LABEL: func.func @fused
//  CHECK-SAME:   %[[U:[a-z0-9]+]]: tensor<?x?x6xf32>, %[[BP:[a-z0-9]+]]: tensor<2x3x4xf32>
//       CHECK:   cf.assert {{.*}} "ldn.ssm_conv: a bidirectional 'kernel' must hold an even number 2L of lags"
//       CHECK:   %[[ROWS:.*]] = arith.divui %c4194304, %{{.*}} : index
//       CHECK:   %[[STEP:.*]] = arith.maxui %[[ROWS]], %c1 : index
//       CHECK:   %[[X:.*]] = memref.alloc({{.*}}) : memref<?x?x8xf32>
//       CHECK:   %[[Y:.*]] = memref.alloc({{.*}}) : memref<?x?x6xf32>
//       CHECK:   %[[UB:.*]] = bufferization.to_buffer %[[U]]
//       CHECK:   %[[BPB:.*]] = bufferization.to_buffer %[[BP]]
//       CHECK:   %[[BPV:.*]] = memref.reinterpret_cast %[[BPB]]
//       CHECK:   scf.for %{{.*}} = %c0 to %{{.*}} step %[[STEP]] {
//       CHECK:     %[[UV:.*]] = memref.reinterpret_cast %[[UB]] to offset: [%{{.*}}]
//       CHECK:     %[[XV:.*]] = memref.reinterpret_cast %[[X]] to offset: [%c0]
//       CHECK:     %[[YV:.*]] = memref.reinterpret_cast %[[Y]] to offset: [%{{.*}}]
//       CHECK:     call @ldn_gpu_long_conv_fused(%[[XV]], %{{.*}}, %[[XV]], %true, %c1, %[[UV]], %[[BPV]])
//       CHECK:     cf.assert {{.*}} "ldn.elementwise: input #1 dimension 0 must match source dimension 0"
//       CHECK:     call @ldn_gpu_ssm_conv_project_fused(%[[XV]], %{{.*}}, %[[YV]], %{{.*}}, %{{.*}})
//       CHECK:   }
//       CHECK:   %[[R:.*]] = bufferization.to_tensor %[[Y]]
//       CHECK:   return %[[R]]
//   CHECK-NOT:   ldn.elementwise
//       CHECK: func.func private @ldn_gpu_long_conv_fused({{.*}}) attributes {ldn.gpu_kernel = "long_conv", ldn.gpu_kernel_base = "ldn_gpu_long_conv", ldn.gpu_kernel_constants = [unit, unit, unit, true, 1 : index], ldn.prologue = "ldn_gpu_ssm_conv_input", ldn.prologue_operand = 0 : index, ldn.prologue_source = "ssm_conv"}
//       CHECK: func.func private @ldn_gpu_ssm_conv_project_fused({{.*}}) attributes {ldn.epilogue = @ldn_epilogue, ldn.epilogue_output = 2 : index

// The convolution, specialized to the direct kernel (strategy 1): where it
// stages v rows in shared memory it computes them from u (argument 5) and
// in_proj (argument 6) and never loads v (argument 0).
// KERNEL-LABEL: func.func private @ldn_gpu_long_conv_fused(
//       KERNEL:   gpu.launch
//   KERNEL-NOT:   memref.load %arg0[
//       KERNEL:     scf.for
//       KERNEL:       memref.load %arg5[
//       KERNEL:       memref.load %arg6[
//       KERNEL:       math.fma
//   KERNEL-NOT:   memref.load %arg0[
//       KERNEL:   return

// The out-projection: one thread per output element over the flattened
// output (256 per block), the sum over the state channels in a register;
// the fused copy applies the epilogue (inlined; u is read at the stored
// element's linear index) to the sum before its one store.
// KERNEL-LABEL: func.func private @ldn_gpu_ssm_conv_project_fused(
//       KERNEL:   gpu.launch
//  KERNEL-SAME:     threads({{.*}}) in ({{.*}} = %c256, {{.*}} = %c1, {{.*}} = %c1)
//       KERNEL:     %[[SUM:.*]] = scf.for
//       KERNEL:       math.fma
//       KERNEL:     memref.extract_strided_metadata
//       KERNEL:     %[[OUT:.*]] = arith.addf %[[SUM]]
//       KERNEL:     memref.store %[[OUT]]
func.func @fused(%u: tensor<?x?x6xf32>, %bp: tensor<2x3x4xf32>, %k: tensor<8x?xf32>, %cp: tensor<2x4x3xf32>, %d: tensor<6xf32>) -> tensor<?x?x6xf32> {
  %y = ldn.ssm_conv %u, %bp, %k, %cp {bidirectional = true, strategy = #ldn.conv_strategy<direct>}
      : tensor<?x?x6xf32>, tensor<2x3x4xf32>, tensor<8x?xf32>, tensor<2x4x3xf32> -> tensor<?x?x6xf32>
  %g = ldn.elementwise %y, %u, %d : tensor<?x?x6xf32>, tensor<?x?x6xf32>, tensor<6xf32> -> tensor<?x?x6xf32> {
  ^bb0(%cx: f32, %x: f32, %dd: f32):
    %dx = arith.mulf %dd, %x : f32
    %s = arith.addf %cx, %dx : f32
    ldn.yield %s : f32
  }
  return %g : tensor<?x?x6xf32>
}
