// RUN: ldn-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(gpu.module(ldn-emu-lower-kernels))' | FileCheck %s

// A kernel with a workgroup buffer, a shuffle and a barrier: the GPU ops
// become runtime calls, the buffer a view of the shared arena, accesses
// get their bounds-check call, and the runtime's entry point unpacks
// mgpuLaunchKernel's params.

// CHECK-LABEL: gpu.module @kernels
// CHECK-DAG: llvm.mlir.global external @ldnemu_check_enabled() {{.*}} : i32
// CHECK-DAG: llvm.func @ldnemu_thread_id(i32) -> i64 attributes {memory_effects = #llvm.memory_effects<other = none, {{.*}}>, no_unwind, will_return}
// CHECK-DAG: llvm.func @ldnemu_shared_base() -> !llvm.ptr
// CHECK-DAG: llvm.func @ldnemu_shuffle_i32(i32, i32, i32, i32, !llvm.ptr) -> i32
// CHECK-DAG: llvm.func @ldnemu_barrier()
// CHECK-DAG: llvm.func @ldnemu_check_access(!llvm.ptr, i64, i32)
// CHECK: llvm.func internal @__ldnemu_kernel_block_sum(%[[ALLOC:.*]]: !llvm.ptr, %[[IN:.*]]: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: !llvm.ptr, %[[OUT:.*]]: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64)
// CHECK:   %[[FLAG:.*]] = llvm.alloca %{{.*}} x i8
// CHECK:   %[[SHARED:.*]] = llvm.call @ldnemu_shared_base()
// CHECK:   %[[TID:.*]] = llvm.call @ldnemu_thread_id(%[[X:.*]]) : (i32) -> i64
// CHECK:   %[[ELEMENT:.*]] = llvm.getelementptr inbounds|nuw %[[IN]][%{{.*}}]
// CHECK:   %[[ENABLED:.*]] = llvm.mlir.addressof @ldnemu_check_enabled
// CHECK:   %[[CHECKING:.*]] = llvm.load %[[ENABLED]] : !llvm.ptr -> i32
// CHECK:   %[[ON:.*]] = llvm.icmp "ne" %[[CHECKING]]
// CHECK:   llvm.cond_br %[[ON]], ^[[CHECK:.*]], ^[[ACCESS:.*]]
// CHECK: ^[[CHECK]]:
// CHECK:   %[[BYTES:.*]] = llvm.mlir.constant(4 : i64) : i64
// CHECK:   %[[LOAD:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK:   llvm.call @ldnemu_check_access(%[[ELEMENT]], %[[BYTES]], %[[LOAD]]) : (!llvm.ptr, i64, i32) -> ()
// CHECK:   llvm.br ^[[ACCESS]]
// CHECK: ^[[ACCESS]]:
// CHECK:   %[[VALUE:.*]] = llvm.load %[[ELEMENT]] : !llvm.ptr -> f32
// CHECK:   %[[BITS:.*]] = llvm.bitcast %[[VALUE]] : f32 to i32
// CHECK:   llvm.call @ldnemu_shuffle_i32(%[[BITS]], %{{.*}}, %{{.*}}, %{{.*}}, %[[FLAG]])
// CHECK:   llvm.getelementptr inbounds|nuw %[[SHARED]][%{{.*}}]
// CHECK:   %[[STORE:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK:   llvm.call @ldnemu_check_access(%{{.*}}, %{{.*}}, %[[STORE]])
// CHECK:   llvm.store
// CHECK:   llvm.call @ldnemu_barrier() : () -> ()
// CHECK:   llvm.call @ldnemu_check_access(%[[SHARED]], %{{.*}}, %{{.*}})
// CHECK:   llvm.load %[[SHARED]] : !llvm.ptr -> f32
// CHECK: llvm.func @block_sum(%[[PARAMS:.*]]: !llvm.ptr) attributes {gpu.kernel}
// CHECK:   %[[SLOT0:.*]] = llvm.getelementptr %[[PARAMS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:   %[[ARG0:.*]] = llvm.load %[[SLOT0]] : !llvm.ptr -> !llvm.ptr
// CHECK:   llvm.load %[[ARG0]] : !llvm.ptr -> !llvm.ptr
// CHECK:   %[[SLOT9:.*]] = llvm.getelementptr %[[PARAMS]][9] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:   llvm.call @__ldnemu_kernel_block_sum(
// CHECK: llvm.mlir.global external constant @__ldnemu_shared_bytes_block_sum(32 : i64)
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @block_sum(%in: memref<?xf32>, %out: memref<?xf32>)
        workgroup(%partial: memref<8xf32, #gpu.address_space<workgroup>>)
        kernel {
      %c0 = arith.constant 0 : index
      %c32 = arith.constant 32 : index
      %c1_i32 = arith.constant 1 : i32
      %c32_i32 = arith.constant 32 : i32
      %tid = gpu.thread_id x
      %bid = gpu.block_id x
      %bdim = gpu.block_dim x
      %base = arith.muli %bid, %bdim : index
      %i = arith.addi %base, %tid : index
      %x = memref.load %in[%i] : memref<?xf32>
      %s, %valid = gpu.shuffle xor %x, %c1_i32, %c32_i32 : f32
      %warp = arith.divui %tid, %c32 : index
      memref.store %s, %partial[%warp] : memref<8xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %p = memref.load %partial[%c0] : memref<8xf32, #gpu.address_space<workgroup>>
      memref.store %p, %out[%bid] : memref<?xf32>
      gpu.return
    }
  }
}

// -----

// Dynamic shared memory comes from the runtime (after the static buffers),
// private memory is an alloca that needs no check, cf.assert reports to the
// emulator instead of aborting, math goes to libm (rsqrt, which libm lacks,
// as 1 / sqrt), and every function but the entry point is internal.

// CHECK-LABEL: gpu.module @kernels
// CHECK-DAG: llvm.mlir.global internal constant @__ldnemu_assert_message_0("{{.*}}ldn-emu-lower-kernels.mlir:{{[0-9]+}}:{{[0-9]+}}: lane out of range\00")
// CHECK-DAG: llvm.func @ldnemu_assert_fail(!llvm.ptr) attributes {no_unwind, passthrough = ["noreturn", "cold"]}
// CHECK-DAG: llvm.func @tanhf(f32) -> f32
// CHECK-DAG: llvm.func @sqrtf(f32) -> f32
// CHECK: llvm.func internal @twice(
// CHECK: llvm.func internal @__ldnemu_kernel_misc(
// CHECK:   %[[MESSAGE:.*]] = llvm.mlir.addressof @__ldnemu_assert_message_0
// CHECK:   %[[SCRATCH:.*]] = llvm.alloca %{{.*}} x f32
// CHECK:   %[[DYNAMIC:.*]] = llvm.call @ldnemu_dynamic_shared_base() : () -> !llvm.ptr
// CHECK:   llvm.call @ldnemu_lane_id() : () -> i64
// CHECK:   llvm.cond_br %{{.*}}, ^[[OK:.*]], ^[[FAIL:.*]]
// CHECK: ^[[FAIL]]:
// CHECK:   llvm.call @ldnemu_assert_fail(%[[MESSAGE]])
// CHECK:   llvm.unreachable
// CHECK: ^[[OK]]:
// CHECK:   llvm.call @ldnemu_check_access(%[[DYNAMIC]], %{{.*}}, %{{.*}})
// CHECK:   llvm.load %[[DYNAMIC]] : !llvm.ptr -> f32
// CHECK-NOT: llvm.call @ldnemu_check_access(%[[SCRATCH]]
// CHECK:   llvm.store %{{.*}}, %[[SCRATCH]]
// CHECK:   llvm.call @twice(
// CHECK:   llvm.call @tanhf(
// CHECK:   %[[ROOT:.*]] = llvm.call @sqrtf(
// CHECK:   llvm.fdiv %{{.*}}, %[[ROOT]]
// CHECK: llvm.func @misc(%{{.*}}: !llvm.ptr) attributes {gpu.kernel}
// CHECK: llvm.mlir.global external constant @__ldnemu_shared_bytes_misc(0 : i64)
module attributes {gpu.container_module} {
  gpu.module @kernels {
    func.func private @twice(%x: f32) -> f32 {
      %y = arith.addf %x, %x : f32
      return %y : f32
    }
    gpu.func @misc(%out: memref<?xf32>, %n: index)
        private(%scratch: memref<4xf32, #gpu.address_space<private>>)
        kernel {
      %c0 = arith.constant 0 : index
      %dyn = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
      %view = memref.view %dyn[%c0][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<2xf32, #gpu.address_space<workgroup>>
      %size = gpu.subgroup_size : index
      %lane = gpu.lane_id
      %ok = arith.cmpi ult, %lane, %n : index
      cf.assert %ok, "lane out of range"
      %v = memref.load %view[%c0] : memref<2xf32, #gpu.address_space<workgroup>>
      memref.store %v, %scratch[%c0] : memref<4xf32, #gpu.address_space<private>>
      %w = memref.load %scratch[%c0] : memref<4xf32, #gpu.address_space<private>>
      %d = func.call @twice(%w) : (f32) -> f32
      %e = math.tanh %d : f32
      %r = math.rsqrt %e : f32
      memref.store %r, %out[%size] : memref<?xf32>
      gpu.return
    }
  }
}

// -----

// Operations the emulator has no meaning for are errors, not miscompiles.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @cluster(%out: memref<?xindex>) kernel {
      %c0 = arith.constant 0 : index
      // expected-error@+1 {{the GPU emulator does not support this operation}}
      %id = gpu.cluster_id x
      memref.store %id, %out[%c0] : memref<?xindex>
      gpu.return
    }
  }
}
