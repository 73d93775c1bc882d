// RUN: ldn-opt %s --ldn-to-gpu -split-input-file | FileCheck %s
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels -split-input-file | FileCheck %s --check-prefix=KERNEL
// RUN: ldn-opt %s --ldn-to-gpu --ldn-define-gpu-kernels --inline --symbol-dce --canonicalize -split-input-file | FileCheck %s --check-prefix=SPEC

// The operands become read-only f32 buffers with row-major views, a
// per-head decay [B,T,H] viewed as [B,T,H,1]; o and the state are fresh
// buffers. Flags: causal, has_decay, per_channel, has_init, then the scale.
// CHECK-LABEL: func.func @scalar_decay_init
//       CHECK:   cf.assert
//       CHECK:   %[[QV:.*]] = memref.reinterpret_cast %{{.*}} to offset: [%c0], sizes: [%[[B:.*]], %[[T:.*]], %c2, %c8]
//       CHECK:   %[[KV:.*]] = memref.reinterpret_cast
//       CHECK:   %[[VV:.*]] = memref.reinterpret_cast
//       CHECK:   %[[DV:.*]] = memref.reinterpret_cast %{{.*}} to offset: [%c0], sizes: [%[[B]], %[[T]], %c2, %c1], strides: [%{{.*}}, %c2, %c1, %c1]
//       CHECK:   %[[O:.*]] = memref.alloc(%[[B]], %[[T]]) : memref<?x?x2x4xf32>
//       CHECK:   %[[S:.*]] = memref.alloc(%[[B]]) : memref<?x2x8x4xf32>
//       CHECK:   %[[OV:.*]] = memref.reinterpret_cast %[[O]]
//       CHECK:   %[[SV:.*]] = memref.reinterpret_cast %[[S]]
//       CHECK:   %[[IV:.*]] = memref.reinterpret_cast
//       CHECK:   call @ldn_gpu_linear_attention(%[[QV]], %[[KV]], %[[VV]], %[[DV]], %[[IV]], %[[OV]], %[[SV]], %true, %true, %false, %true, %cst)
//       CHECK:   bufferization.to_tensor %[[O]] restrict writable
//       CHECK:   bufferization.to_tensor %[[S]] restrict writable
//       CHECK: func.func private @ldn_gpu_linear_attention({{.*}}) attributes {ldn.gpu_kernel = "linear_attention"}

// The kernel and the functions it calls: the sweep's launch has the chunk
// of q, k and gates as groups of 8 key rows, the per-head gates, and the
// warps' parts of o with v in workgroup memory (and LightNet's running
// normalizers, one per key row).
// KERNEL-LABEL: func.func private @ldn_gpu_linear_attention(
//   KERNEL-NOT:   ldn.gpu_kernel
//       KERNEL:   call @ldn_gpu_linear_attention_into_o
//       KERNEL: func.func private @ldn_gpu_linear_attention_sweep
//       KERNEL:   gpu.launch
//  KERNEL-SAME:     workgroup({{.*}} : memref<3x24x8xvector<8xf32>, #gpu.address_space<workgroup>>, {{.*}} : memref<24xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<9x24x32xf32, #gpu.address_space<workgroup>>, {{.*}} : memref<64xf32, #gpu.address_space<workgroup>>)

// Specialized to dk = 8: one launch of a single warp (8 key rows), the
// state update and readout as 8-wide vector ops; barriers for the initial
// state, around each chunk's steps and for the final state.
// SPEC-LABEL: func.func @scalar_decay_init
//       SPEC:   gpu.launch
//  SPEC-SAME:     threads({{.*}}) in ({{.*}} = %c32, {{.*}} = %c1, {{.*}} = %c1)
//       SPEC:     gpu.barrier
//       SPEC:     scf.for
//       SPEC:       gpu.barrier
//       SPEC:       vector.fma {{.*}} : vector<8xf32>
//       SPEC:       vector.reduction <add>, {{.*}} : vector<8xf32> into f32
//       SPEC:       gpu.barrier
//       SPEC:     gpu.barrier
//       SPEC:     gpu.barrier
//   SPEC-NOT:   gpu.launch
func.func @scalar_decay_init(%q: tensor<?x?x2x8xf32>, %k: tensor<?x?x2x8xf32>, %v: tensor<?x?x2x4xf32>, %decay: tensor<?x?x2xf32>, %s0: tensor<?x2x8x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v decay %decay init %s0 {scale = 0.5 : f32}
      : (tensor<?x?x2x8xf32>, tensor<?x?x2x8xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2xf32>, tensor<?x2x8x4xf32>) -> (tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>)
  return %o, %s : tensor<?x?x2x4xf32>, tensor<?x2x8x4xf32>
}

// -----

// A vector (GLA) decay is a row-major view; without init the state view is
// passed in its place (not read). dk = 128 is two key tiles of 64: each
// writes its part of o to a scratch, a second launch sums them.
// CHECK-LABEL: func.func @vector_decay_wide
//       CHECK:   memref.reinterpret_cast
//       CHECK:   memref.reinterpret_cast
//       CHECK:   memref.reinterpret_cast
//       CHECK:   %[[DV:.*]] = memref.reinterpret_cast %{{.*}} sizes: [%{{.*}}, %{{.*}}, %c2, %c128], strides: [%{{.*}}, %c256, %c128, %c1]
//       CHECK:   %[[SV:.*]] = memref.reinterpret_cast %{{.*}} sizes: [%{{.*}}, %c2, %c128, %c64]
//       CHECK:   call @ldn_gpu_linear_attention(%{{.*}}, %{{.*}}, %{{.*}}, %[[DV]], %[[SV]], %{{.*}}, %[[SV]], %true, %true, %true, %false, %cst)

// SPEC-LABEL: func.func @vector_decay_wide
//       SPEC:   %[[PARTS:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<2x?x?x2x64xf32>
//       SPEC:   gpu.launch
//  SPEC-SAME:     threads({{.*}}) in ({{.*}} = %c32, {{.*}} = %c8, {{.*}} = %c1)
//       SPEC:   gpu.launch
//       SPEC:   memref.dealloc %[[PARTS]]
//   SPEC-NOT:   gpu.launch
func.func @vector_decay_wide(%q: tensor<?x?x2x128xf32>, %k: tensor<?x?x2x128xf32>, %v: tensor<?x?x2x64xf32>, %decay: tensor<?x?x2x128xf32>) -> (tensor<?x?x2x64xf32>, tensor<?x2x128x64xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v decay %decay
      : (tensor<?x?x2x128xf32>, tensor<?x?x2x128xf32>, tensor<?x?x2x64xf32>, tensor<?x?x2x128xf32>) -> (tensor<?x?x2x64xf32>, tensor<?x2x128x64xf32>)
  return %o, %s : tensor<?x?x2x64xf32>, tensor<?x2x128x64xf32>
}

// -----

// f16 operands are computed in f32; the non-causal form is flagged, and
// without a decay q's view stands in for it (not read).
// CHECK-LABEL: func.func @global_half
//       CHECK:   arith.extf
//       CHECK:   %[[QV:.*]] = memref.reinterpret_cast
//       CHECK:   call @ldn_gpu_linear_attention(%[[QV]], %{{.*}}, %{{.*}}, %[[QV]], %{{.*}}, %{{.*}}, %{{.*}}, %false, %false, %false, %false, %cst)
//       CHECK:   arith.truncf

// The state: per time split an update-only sweep into a scratch, summed by
// a second launch; then a readout-only sweep from the state writes o.
// SPEC-LABEL: func.func @global_half
//       SPEC:   %[[PARTS:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?x4x64x64xf32>
//       SPEC:   gpu.launch
//  SPEC-SAME:     threads({{.*}}) in ({{.*}} = %c32, {{.*}} = %c8, {{.*}} = %c1)
//   SPEC-NOT:     vector.reduction
//       SPEC:   gpu.launch
//       SPEC:   memref.dealloc %[[PARTS]]
//       SPEC:   gpu.launch
//   SPEC-NOT:     vector.fma
//       SPEC:     vector.reduction
//   SPEC-NOT:   gpu.launch
func.func @global_half(%q: tensor<?x?x4x64xf16>, %k: tensor<?x?x4x64xf16>, %v: tensor<?x?x4x64xf16>) -> (tensor<?x?x4x64xf16>, tensor<?x4x64x64xf32>) {
  %o, %s = ldn.linear_attention %q, %k, %v {causal = false}
      : (tensor<?x?x4x64xf16>, tensor<?x?x4x64xf16>, tensor<?x?x4x64xf16>) -> (tensor<?x?x4x64xf16>, tensor<?x4x64x64xf32>)
  return %o, %s : tensor<?x?x4x64xf16>, tensor<?x4x64x64xf32>
}

// -----

// lightnet_attention: the rotation table is lrpe of ones [1,T,H,d] (the
// lrpe kernel), then the LightNet entry of the same kernel with the
// unrotated q and k, the sink as z_{-1}, causal.
// CHECK-LABEL: func.func @lightnet_causal
//       CHECK:   linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x16x2x4xf32>)
//       CHECK:   call @ldn_gpu_lrpe(
//       CHECK:   call @ldn_gpu_lightnet_attention(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %true, %cst{{.*}}, %cst{{.*}})
//   CHECK-NOT:   ldn.
//       CHECK: func.func private @ldn_gpu_lightnet_attention({{.*}}) attributes {ldn.gpu_kernel = "linear_attention"}

// Specialized: causal, so the keys are staged by one thread per key row
// walking the chunk in order (log1p of the running normalizer) between two
// barriers; no normalizer kernel, one sweep launch (after the table's).
// SPEC-LABEL: func.func @lightnet_causal
//       SPEC:   gpu.launch
//       SPEC:   gpu.launch
//       SPEC:     scf.for
//       SPEC:       gpu.barrier
//       SPEC:       math.log1p
//       SPEC:       gpu.barrier
//   SPEC-NOT:   gpu.launch
func.func @lightnet_causal(%q: tensor<2x16x2x4xf32>, %k: tensor<2x16x2x4xf32>, %v: tensor<2x16x2x3xf32>, %theta: tensor<2x4xf32>) -> (tensor<2x16x2x3xf32>, tensor<2x2x8x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {sink = 0.5 : f32, grid = array<i64: 16>}
      : (tensor<2x16x2x4xf32>, tensor<2x16x2x4xf32>, tensor<2x16x2x3xf32>, tensor<2x4xf32>) -> (tensor<2x16x2x3xf32>, tensor<2x2x8x3xf32>)
  return %o, %s : tensor<2x16x2x3xf32>, tensor<2x2x8x3xf32>
}

// -----

// Global: the normalizer over T is a kernel of its own before the state
// sweep, the readout sweep follows the sum of the parts.
// SPEC-LABEL: func.func @lightnet_global
//       SPEC:   gpu.launch
//       SPEC:   gpu.launch
//       SPEC:     scf.for
//       SPEC:       math.exp
//       SPEC:     math.log
//       SPEC:   gpu.launch
//       SPEC:   gpu.launch
//       SPEC:   gpu.launch
//   SPEC-NOT:   gpu.launch
func.func @lightnet_global(%q: tensor<?x5x2x4xf32>, %k: tensor<?x5x2x4xf32>, %v: tensor<?x5x2x3xf32>, %theta: tensor<2x2xf32>) -> (tensor<?x5x2x3xf32>, tensor<?x2x8x3xf32>) {
  %o, %s = ldn.lightnet_attention %q, %k, %v, %theta {causal = false, grid = array<i64: 2, 2>, prefix = 1}
      : (tensor<?x5x2x4xf32>, tensor<?x5x2x4xf32>, tensor<?x5x2x3xf32>, tensor<2x2xf32>) -> (tensor<?x5x2x3xf32>, tensor<?x2x8x3xf32>)
  return %o, %s : tensor<?x5x2x3xf32>, tensor<?x2x8x3xf32>
}
