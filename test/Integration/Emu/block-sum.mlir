// A block-wide sum through warp shuffles and shared memory, run by the
// emulator: 64 blocks of 256 threads, each thread contributes x[i] * (t + 1)
// + b for its thread t of block b, so block b sums to 32896 + 256 * b.
// The kernel is hand-written (no GPU pipeline) and lowered with upstream
// passes and the emulator's device lowering; the artifact is called through
// the runtime in an emulator context.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: ldn-opt %s --gpu-kernel-outlining --ldn-emu-device-lowering \
// RUN:   --ldn-emit-entry-wrappers --expand-strided-metadata --lower-affine \
// RUN:   --convert-scf-to-cf --ldn-lower-asserts-to-trap \
// RUN:   --finalize-memref-to-llvm=use-generic-functions=1 \
// RUN:   --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm \
// RUN:   --convert-cf-to-llvm --gpu-to-llvm --reconcile-unrealized-casts \
// RUN:   -o %t/block-sum.mlir
// RUN: ldn-translate --ldn-to-llvmir %t/block-sum.mlir -o %t/block-sum.ll
// RUN: llc -O2 -relocation-model=pic -filetype=obj %t/block-sum.ll -o %t/block-sum.o
// RUN: cc -shared %t/block-sum.o -o %t/block-sum.so
// RUN: cc %S/Inputs/run-entry.c -I%ldn_src_root/runtime/include \
// RUN:   -L%ldn_obj_root/runtime -Wl,-rpath,%ldn_obj_root/runtime -lldnrt \
// RUN:   -o %t/run-entry
// RUN: %t/run-entry %t/block-sum.so block_sum | FileCheck %s
// RUN: env LDN_EMU_CHECK=1 %t/run-entry %t/block-sum.so block_sum | FileCheck %s
// Well under a second per call (about 3 ms on 2 cores), even when checked.
// RUN: env LDN_EMU_CHECK=1 %t/run-entry %t/block-sum.so block_sum 3 | FileCheck %s --check-prefix=TIME

// CHECK: sums[0] = 32896
// CHECK-NEXT: sums[1] = 33152
// CHECK-NEXT: sums[2] = 33408
// CHECK: sums[62] = 48768
// CHECK-NEXT: sums[63] = 49024
// CHECK-NOT: sums

// TIME: fastest call: {{[0-9]{1,3}\.[0-9]+}} ms

module {
  llvm.mlir.global internal constant @manifest("{\"abi\": 1, \"producer\": \"block-sum.mlir\", \"target\": \"emu\", \"entries\": [{\"name\": \"block_sum\", \"symbol\": \"ldn_entry_block_sum\", \"args\": [{\"name\": \"x\", \"dtype\": \"f32\", \"shape\": [16384]}], \"results\": [{\"name\": \"sums\", \"dtype\": \"f32\", \"shape\": [64]}]}]}\00") {addr_space = 0 : i32}
  llvm.func @ldn_artifact_manifest() -> !llvm.ptr {
    %0 = llvm.mlir.addressof @manifest : !llvm.ptr
    llvm.return %0 : !llvm.ptr
  }

  func.func @block_sum(%x: memref<16384xf32>) -> memref<64xf32> {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c32 = arith.constant 32 : index
    %c64 = arith.constant 64 : index
    %c256 = arith.constant 256 : index
    %sums = memref.alloc() : memref<64xf32>
    gpu.launch blocks(%b, %by, %bz) in (%gx = %c64, %gy = %c1, %gz = %c1)
               threads(%t, %ty, %tz) in (%sx = %c256, %sy = %c1, %sz = %c1)
               workgroup(%partial : memref<8xf32, #gpu.address_space<workgroup>>) {
      %width = arith.constant 32 : i32
      %base = arith.muli %b, %c256 : index
      %i = arith.addi %base, %t : index
      %xi = memref.load %x[%i] : memref<16384xf32>
      %t1 = arith.addi %t, %c1 : index
      %t1i = arith.index_cast %t1 : index to i32
      %t1f = arith.sitofp %t1i : i32 to f32
      %bi = arith.index_cast %b : index to i32
      %bf = arith.sitofp %bi : i32 to f32
      %scaled = arith.mulf %xi, %t1f : f32
      %v = arith.addf %scaled, %bf : f32
      // Sum over the warp: after the xor butterfly every lane holds it.
      %o16 = arith.constant 16 : i32
      %o8 = arith.constant 8 : i32
      %o4 = arith.constant 4 : i32
      %o2 = arith.constant 2 : i32
      %o1 = arith.constant 1 : i32
      %s16, %p16 = gpu.shuffle xor %v, %o16, %width : f32
      %v16 = arith.addf %v, %s16 : f32
      %s8, %p8 = gpu.shuffle xor %v16, %o8, %width : f32
      %v8 = arith.addf %v16, %s8 : f32
      %s4, %p4 = gpu.shuffle xor %v8, %o4, %width : f32
      %v4 = arith.addf %v8, %s4 : f32
      %s2, %p2 = gpu.shuffle xor %v4, %o2, %width : f32
      %v2 = arith.addf %v4, %s2 : f32
      %s1, %p1 = gpu.shuffle xor %v2, %o1, %width : f32
      %warpSum = arith.addf %v2, %s1 : f32
      %lane = arith.remui %t, %c32 : index
      %warp = arith.divui %t, %c32 : index
      %isFirst = arith.cmpi eq, %lane, %c0 : index
      scf.if %isFirst {
        memref.store %warpSum, %partial[%warp] : memref<8xf32, #gpu.address_space<workgroup>>
      }
      gpu.barrier
      %isLeader = arith.cmpi eq, %t, %c0 : index
      scf.if %isLeader {
        %zero = arith.constant 0.0 : f32
        %total = scf.for %w = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> (f32) {
          %p = memref.load %partial[%w] : memref<8xf32, #gpu.address_space<workgroup>>
          %next = arith.addf %acc, %p : f32
          scf.yield %next : f32
        }
        memref.store %total, %sums[%b] : memref<64xf32>
      }
      gpu.barrier
      gpu.terminator
    }
    return %sums : memref<64xf32>
  }
}
