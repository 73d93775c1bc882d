// Kernels that would hang or corrupt memory on a GPU fail the call in the
// emulator, with a message that says where: a barrier some threads can no
// longer reach, a warp shuffle some lanes never reach, a failed assertion,
// a store past the end of shared memory and a shared-memory race between
// barriers (both under LDN_EMU_CHECK=1).
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: ldn-opt %s --gpu-kernel-outlining --ldn-emu-device-lowering \
// RUN:   --ldn-emit-entry-wrappers --expand-strided-metadata --lower-affine \
// RUN:   --convert-scf-to-cf --ldn-lower-asserts-to-trap \
// RUN:   --finalize-memref-to-llvm=use-generic-functions=1 \
// RUN:   --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm \
// RUN:   --convert-cf-to-llvm --gpu-to-llvm --reconcile-unrealized-casts \
// RUN:   -o %t/errors.mlir
// RUN: ldn-translate --ldn-to-llvmir %t/errors.mlir -o %t/errors.ll
// RUN: llc -O2 -relocation-model=pic -filetype=obj %t/errors.ll -o %t/errors.o
// RUN: cc -shared %t/errors.o -o %t/errors.so
// RUN: cc %S/Inputs/run-entry.c -I%ldn_src_root/runtime/include \
// RUN:   -L%ldn_obj_root/runtime -Wl,-rpath,%ldn_obj_root/runtime -lldnrt \
// RUN:   -o %t/run-entry
// RUN: not %t/run-entry %t/errors.so early_return 2>&1 | FileCheck %s --check-prefix=BARRIER
// RUN: not %t/run-entry %t/errors.so divergent_shuffle 2>&1 | FileCheck %s --check-prefix=SHUFFLE
// RUN: not %t/run-entry %t/errors.so failed_assert 2>&1 | FileCheck %s --check-prefix=ASSERT
// RUN: env LDN_EMU_CHECK=1 not %t/run-entry %t/errors.so shared_overflow 2>&1 | FileCheck %s --check-prefix=SHARED
// RUN: env LDN_EMU_CHECK=1 not %t/run-entry %t/errors.so missing_barrier 2>&1 | FileCheck %s --check-prefix=RACE
// RUN: env LDN_EMU_CHECK=0 %t/run-entry %t/errors.so missing_barrier

// BARRIER: error: emulator launch of early_return_kernel failed: barrier deadlock in kernel early_return_kernel, block (0,0,0): 63 of 64 threads wait at a barrier that thread (5,0,0) can no longer reach (it has returned)
// SHUFFLE: error: emulator launch of divergent_shuffle_kernel failed: deadlock in kernel divergent_shuffle_kernel, block (0,0,0): 31 threads wait at a barrier and 1 in a warp shuffle (e.g. thread (0,0,0)) that other lanes of its warp never reach
// ASSERT: error: emulator launch of failed_assert_kernel failed: assertion failed in kernel failed_assert_kernel, block (1,0,0), thread (2,0,0): {{.*}}errors.mlir:{{[0-9]+}}:{{[0-9]+}}: thread 2 of block 1 gives up
// RACE: error: emulator launch of missing_barrier_kernel failed: shared-memory race in kernel missing_barrier_kernel, block (0,0,0): thread (1,0,0) writes 4 bytes at offset 4 of shared memory, which thread (0,0,0) read since the last barrier
// SHARED: error: emulator launch of shared_overflow_kernel failed: out-of-bounds store of 4 bytes at 0x{{[0-9a-f]+}} in kernel shared_overflow_kernel, block (0,0,0), thread (4,0,0): it is in no live allocation and not in the block's 16 bytes of shared memory

module {
  llvm.mlir.global internal constant @manifest("{\"abi\": 1, \"producer\": \"errors.mlir\", \"target\": \"emu\", \"entries\": [{\"name\": \"early_return\", \"symbol\": \"ldn_entry_early_return\", \"args\": [], \"results\": []}, {\"name\": \"divergent_shuffle\", \"symbol\": \"ldn_entry_divergent_shuffle\", \"args\": [], \"results\": []}, {\"name\": \"failed_assert\", \"symbol\": \"ldn_entry_failed_assert\", \"args\": [], \"results\": []}, {\"name\": \"shared_overflow\", \"symbol\": \"ldn_entry_shared_overflow\", \"args\": [], \"results\": []}, {\"name\": \"missing_barrier\", \"symbol\": \"ldn_entry_missing_barrier\", \"args\": [], \"results\": []}]}\00") {addr_space = 0 : i32}
  llvm.func @ldn_artifact_manifest() -> !llvm.ptr {
    %0 = llvm.mlir.addressof @manifest : !llvm.ptr
    llvm.return %0 : !llvm.ptr
  }

  // Thread 5 skips the barrier the 63 others wait at.
  func.func @early_return() {
    %c1 = arith.constant 1 : index
    %c5 = arith.constant 5 : index
    %c64 = arith.constant 64 : index
    gpu.launch blocks(%b, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
               threads(%t, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1) {
      %skip = arith.cmpi eq, %t, %c5 : index
      scf.if %skip {
      } else {
        gpu.barrier
      }
      gpu.terminator
    }
    return
  }

  // Lane 0 shuffles while its warp waits at a barrier.
  func.func @divergent_shuffle() {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c32 = arith.constant 32 : index
    gpu.launch blocks(%b, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
               threads(%t, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1)
               workgroup(%sink : memref<1xf32, #gpu.address_space<workgroup>>) {
      %first = arith.cmpi eq, %t, %c0 : index
      scf.if %first {
        %one = arith.constant 1 : i32
        %width = arith.constant 32 : i32
        %v = arith.constant 1.0 : f32
        %s, %ok = gpu.shuffle xor %v, %one, %width : f32
        memref.store %s, %sink[%c0] : memref<1xf32, #gpu.address_space<workgroup>>
      } else {
        gpu.barrier
      }
      gpu.terminator
    }
    return
  }

  // cf.assert in a kernel fails the launch instead of aborting the process.
  func.func @failed_assert() {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    gpu.launch blocks(%b, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
               threads(%t, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
      %isBlock1 = arith.cmpi eq, %b, %c1 : index
      %isThread2 = arith.cmpi eq, %t, %c2 : index
      %both = arith.andi %isBlock1, %isThread2 : i1
      %true = arith.constant true
      %fine = arith.xori %both, %true : i1
      cf.assert %fine, "thread 2 of block 1 gives up"
      gpu.terminator
    }
    return
  }

  // Every thread stores to its index of a 4-element shared buffer.
  func.func @shared_overflow() {
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    gpu.launch blocks(%b, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
               threads(%t, %ty, %tz) in (%sx = %c8, %sy = %c1, %sz = %c1)
               workgroup(%buffer : memref<4xf32, #gpu.address_space<workgroup>>) {
      %v = arith.constant 1.0 : f32
      memref.store %v, %buffer[%t] : memref<4xf32, #gpu.address_space<workgroup>>
      gpu.terminator
    }
    return
  }

  // Neighbours swap values through shared memory without a barrier between
  // the writes and the reads.
  func.func @missing_barrier() {
    %c1 = arith.constant 1 : index
    %c0 = arith.constant 0 : index
    %c8 = arith.constant 8 : index
    gpu.launch blocks(%b, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
               threads(%t, %ty, %tz) in (%sx = %c8, %sy = %c1, %sz = %c1)
               workgroup(%buffer : memref<8xf32, #gpu.address_space<workgroup>>,
                         %sink : memref<8xf32, #gpu.address_space<workgroup>>) {
      %ti = arith.index_cast %t : index to i32
      %v = arith.sitofp %ti : i32 to f32
      memref.store %v, %buffer[%t] : memref<8xf32, #gpu.address_space<workgroup>>
      %other = arith.xori %t, %c1 : index
      %w = memref.load %buffer[%other] : memref<8xf32, #gpu.address_space<workgroup>>
      memref.store %w, %sink[%t] : memref<8xf32, #gpu.address_space<workgroup>>
      gpu.terminator
    }
    return
  }
}
