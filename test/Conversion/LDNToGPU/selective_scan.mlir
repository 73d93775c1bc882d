// RUN: ldn-opt %s --ldn-to-gpu -split-input-file | FileCheck %s
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels -split-input-file | FileCheck %s --check-prefix=KERNEL
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels --inline --canonicalize -split-input-file | FileCheck %s --check-prefix=SPEC

// Every operand becomes a flat read-only f32 view, the results fresh buffers;
// an absent operand is a stand-in view (the final state's) with its flag
// false; the sizes B, T, D, N follow the views.
// CHECK-LABEL: func.func @minimal
//  CHECK-SAME:   %[[X:.*]]: tensor<?x?x64xf32>, %[[DT:.*]]: tensor<?x?x64xf32>, %[[A:.*]]: tensor<64x16xf32>, %[[B:.*]]: tensor<?x?x16xf32>, %[[C:.*]]: tensor<?x?x16xf32>
//       CHECK:   cf.assert
//       CHECK:   %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only
//       CHECK:   %[[XV:.*]] = memref.reinterpret_cast %[[XB]] to offset: [%c0], sizes: [%{{.*}}], strides: [%c1]
//       CHECK:   %[[DV:.*]] = memref.reinterpret_cast
//       CHECK:   %[[AB:.*]] = bufferization.to_buffer %[[A]] read_only
//       CHECK:   %[[AV:.*]] = memref.reinterpret_cast %[[AB]] to offset: [%c0], sizes: [%c1024], strides: [%c1]
//       CHECK:   %[[BV:.*]] = memref.reinterpret_cast
//       CHECK:   %[[CV:.*]] = memref.reinterpret_cast
//       CHECK:   %[[Y:.*]] = memref.alloc(%[[BSZ:.*]], %[[T:.*]]) : memref<?x?x64xf32>
//       CHECK:   %[[H:.*]] = memref.alloc(%{{.*}}) : memref<?x64x16xf32>
//       CHECK:   %[[YV:.*]] = memref.reinterpret_cast %[[Y]]
//       CHECK:   %[[HV:.*]] = memref.reinterpret_cast %[[H]]
//       CHECK:   call @ldn_gpu_selective_scan(%[[XV]], %[[DV]], %[[AV]], %[[BV]], %[[CV]], %[[HV]], %[[HV]], %[[HV]], %[[HV]], %[[YV]], %[[HV]], %[[BSZ]], %[[T]], %c64, %c16, %false, %false, %false, %false, %false)
//       CHECK:   bufferization.to_tensor %[[Y]] restrict writable
//       CHECK:   bufferization.to_tensor %[[H]] restrict writable
//       CHECK: func.func private @ldn_gpu_selective_scan({{.*}}) attributes {ldn.gpu_kernel = "selective_scan"}

// The kernel: 32 lanes x 4 warps, the chunk staged in five workgroup arrays,
// a barrier after staging and one after the recurrence, whose contraction
// over n is a group sum of xor shuffles.
// KERNEL-LABEL: func.func private @ldn_gpu_selective_scan(
//   KERNEL-NOT:   ldn.gpu_kernel
//       KERNEL:   gpu.launch
//  KERNEL-SAME:     threads({{.*}}) in (%{{[^ ]*}} = %c32, %{{[^ ]*}} = %c4, %{{[^ ]*}} = %c1)
//  KERNEL-SAME:     workgroup(%{{[^ ]*}} : memref<1024xf32, #gpu.address_space<workgroup>>, %{{[^ ]*}} : memref<1024xf32, #gpu.address_space<workgroup>>, %{{[^ ]*}} : memref<1024xf32, #gpu.address_space<workgroup>>, %{{[^ ]*}} : memref<1024xf32, #gpu.address_space<workgroup>>, %{{[^ ]*}} : memref<1024xf32, #gpu.address_space<workgroup>>)
//       KERNEL:     gpu.barrier
//       KERNEL:     call @ldn_gpu_selective_scan_group_sum
//       KERNEL:     gpu.barrier
// KERNEL-LABEL: func.func private @ldn_gpu_selective_scan_xor_add
//       KERNEL:   gpu.shuffle xor

// Specialized to N = 16 (groups of 16 lanes, 8 channels per block, chunks of
// 64 steps): B * 8 blocks, four steps of four shuffles (offsets 8 to 1) per
// iteration, and neither the 16-lane shuffle nor the N > 32 pass is left.
// SPEC-LABEL: func.func @minimal
//       SPEC:   %[[BLOCKS:.*]] = arith.muli %{{.*}}, %c8 : index
//       SPEC:   %[[GRID:.*]] = arith.maxui %[[BLOCKS]], %c1 : index
//       SPEC:   arith.ceildivui %{{.*}}, %c64 : index
//       SPEC:   gpu.launch blocks({{.*}}) in (%{{[^ ]*}} = %[[GRID]], %{{[^ ]*}} = %c1, %{{[^ ]*}} = %c1)
//   SPEC-NOT:     %c16_i32
//       SPEC:     gpu.barrier
//       SPEC:     math.exp2
//       SPEC:     math.exp2
//       SPEC:     math.exp2
//       SPEC:     math.exp2
//  SPEC-COUNT-16: gpu.shuffle xor
//   SPEC-NOT:     gpu.shuffle
//       SPEC:     gpu.barrier
//   SPEC-NOT:     gpu.shuffle
//       SPEC:     gpu.terminator
func.func @minimal(%x: tensor<?x?x64xf32>, %delta: tensor<?x?x64xf32>, %A: tensor<64x16xf32>, %B: tensor<?x?x16xf32>, %C: tensor<?x?x16xf32>) -> (tensor<?x?x64xf32>, tensor<?x64x16xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C
      : (tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> (tensor<?x?x64xf32>, tensor<?x64x16xf32>)
  return %y, %h : tensor<?x?x64xf32>, tensor<?x64x16xf32>
}

// -----

// f16 operands are computed in f32 (the final state is f32 anyway); every
// optional operand is its own view and flag.
// CHECK-LABEL: func.func @full_half
//  CHECK-SAME:   %{{.*}}: tensor<?x?x8xf16>, %{{.*}}: tensor<?x?x8xf16>, %{{.*}}: tensor<8x4xf32>, %{{.*}}: tensor<?x?x4xf16>, %{{.*}}: tensor<?x?x4xf16>, %[[D:.*]]: tensor<8xf32>, %[[Z:.*]]: tensor<?x?x8xf16>, %[[DB:.*]]: tensor<8xf32>, %[[H0:.*]]: tensor<?x8x4xf32>
//       CHECK:   arith.extf
//       CHECK:   %[[DBUF:.*]] = bufferization.to_buffer %[[D]] read_only
//       CHECK:   %[[DV:.*]] = memref.reinterpret_cast %[[DBUF]]
//       CHECK:   arith.extf
//       CHECK:   %[[ZV:.*]] = memref.reinterpret_cast
//       CHECK:   %[[DBBUF:.*]] = bufferization.to_buffer %[[DB]] read_only
//       CHECK:   %[[DBV:.*]] = memref.reinterpret_cast %[[DBBUF]]
//       CHECK:   %[[H0BUF:.*]] = bufferization.to_buffer %[[H0]] read_only
//       CHECK:   %[[H0V:.*]] = memref.reinterpret_cast %[[H0BUF]]
//       CHECK:   call @ldn_gpu_selective_scan(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[DV]], %[[ZV]], %[[DBV]], %[[H0V]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %c8, %c4, %true, %true, %true, %true, %true)
//       CHECK:   arith.truncf
//   CHECK-NOT:   arith.truncf
//       CHECK:   return

// N = 4: groups of 4 lanes, 32 channels per block, chunks of 32 steps; two
// shuffles per step.
// SPEC-LABEL: func.func @full_half
//       SPEC:   arith.ceildivui %{{.*}}, %c32 : index
//       SPEC:   gpu.launch
//       SPEC:     math.log1p
//       SPEC:     gpu.barrier
//  SPEC-COUNT-8:  gpu.shuffle xor
//   SPEC-NOT:     gpu.shuffle
//       SPEC:     gpu.barrier
func.func @full_half(%x: tensor<?x?x8xf16>, %delta: tensor<?x?x8xf16>, %A: tensor<8x4xf32>, %B: tensor<?x?x4xf16>, %C: tensor<?x?x4xf16>,
                     %D: tensor<8xf32>, %z: tensor<?x?x8xf16>, %dbias: tensor<8xf32>, %h0: tensor<?x8x4xf32>) -> (tensor<?x?x8xf16>, tensor<?x8x4xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C skip %D gate %z dbias %dbias init %h0 {delta_softplus = true}
      : (tensor<?x?x8xf16>, tensor<?x?x8xf16>, tensor<8x4xf32>, tensor<?x?x4xf16>, tensor<?x?x4xf16>,
         tensor<8xf32>, tensor<?x?x8xf16>, tensor<8xf32>, tensor<?x8x4xf32>) -> (tensor<?x?x8xf16>, tensor<?x8x4xf32>)
  return %y, %h : tensor<?x?x8xf16>, tensor<?x8x4xf32>
}

// -----

// A dynamic N keeps the run-time group size (all five shuffle stages, each
// kept by a select) and the pass over the states beyond 32.
// SPEC-LABEL: func.func @dynamic_state
//       SPEC:   gpu.launch
//       SPEC:     gpu.shuffle xor %{{.*}}, %c16_i32
//       SPEC:     arith.select
//       SPEC:     scf.if
//       SPEC:       scf.for
//       SPEC:         scf.for
//       SPEC:           memref.store
func.func @dynamic_state(%x: tensor<?x?x?xf32>, %delta: tensor<?x?x?xf32>, %A: tensor<?x?xf32>, %B: tensor<?x?x?xf32>, %C: tensor<?x?x?xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C
      : (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>)
  return %y, %h : tensor<?x?x?xf32>, tensor<?x?x?xf32>
}
