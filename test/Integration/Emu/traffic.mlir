// LDN_EMU_TRAFFIC=<path>: every launch appends the distinct 32-byte sectors
// of global memory it read and wrote, times 32. Three launches over 1001
// floats (4004 bytes, so 126 sectors: 4032 bytes):
//   - mirror: y[i] = x[i] + x[1000 - i], staged through shared memory.
//     Reading x twice costs nothing extra within a launch, and shared
//     memory is not global memory: 4032 read, 4032 written;
//   - zero: one thread stores s[0] = 0: nothing read, one sector written;
//   - sum: atomic adds of y into s[0]: y's 4032 bytes plus s's sector read
//     (an atomic reads and writes), one sector written. y was written by the
//     previous launch, but a new launch reads it again.
// Counting changes no result, with or without bounds checking and however
// many host threads the emulator has; each run appends its lines.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: ldn-opt %s --gpu-kernel-outlining --ldn-emu-device-lowering \
// RUN:   --ldn-emit-entry-wrappers --expand-strided-metadata --lower-affine \
// RUN:   --convert-scf-to-cf --ldn-lower-asserts-to-trap \
// RUN:   --finalize-memref-to-llvm=use-generic-functions=1 \
// RUN:   --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm \
// RUN:   --convert-cf-to-llvm --gpu-to-llvm --reconcile-unrealized-casts \
// RUN:   -o %t/traffic.mlir
// RUN: ldn-translate --ldn-to-llvmir %t/traffic.mlir -o %t/traffic.ll
// RUN: llc -O2 -relocation-model=pic -filetype=obj %t/traffic.ll -o %t/traffic.o
// RUN: cc -shared %t/traffic.o -o %t/traffic.so
// RUN: cc %S/Inputs/run-entry.c -I%ldn_src_root/runtime/include \
// RUN:   -L%ldn_obj_root/runtime -Wl,-rpath,%ldn_obj_root/runtime -lldnrt \
// RUN:   -o %t/run-entry
// RUN: %t/run-entry %t/traffic.so traffic | FileCheck %s
// RUN: env LDN_EMU_TRAFFIC=%t/traffic.tsv LDN_EMU_THREADS=2 \
// RUN:   %t/run-entry %t/traffic.so traffic | FileCheck %s
// RUN: env LDN_EMU_TRAFFIC=%t/traffic.tsv LDN_EMU_CHECK=1 \
// RUN:   %t/run-entry %t/traffic.so traffic | FileCheck %s
// RUN: tr '\t' '|' < %t/traffic.tsv | FileCheck %s --check-prefix=TRAFFIC
// RUN: env LDN_EMU_TRAFFIC=%t/missing/traffic.tsv not %t/run-entry \
// RUN:   %t/traffic.so traffic 2>&1 | FileCheck %s --check-prefix=UNWRITABLE

// CHECK: y[0] = 2
// CHECK: y[1000] = 2
// CHECK-NEXT: s[0] = 2002

// TRAFFIC:      traffic_kernel|8,1,1|128,1,1|4032|4032
// TRAFFIC-NEXT: traffic_kernel|1,1,1|1,1,1|0|32
// TRAFFIC-NEXT: traffic_kernel|8,1,1|128,1,1|4064|32
// TRAFFIC-NEXT: traffic_kernel|8,1,1|128,1,1|4032|4032
// TRAFFIC-NEXT: traffic_kernel|1,1,1|1,1,1|0|32
// TRAFFIC-NEXT: traffic_kernel|8,1,1|128,1,1|4064|32
// TRAFFIC-NOT: {{.}}

// UNWRITABLE: error: emulator launch of traffic_kernel failed: cannot append to LDN_EMU_TRAFFIC file {{.*}}/missing/traffic.tsv: No such file or directory

module {
  llvm.mlir.global internal constant @manifest("{\"abi\": 1, \"producer\": \"traffic.mlir\", \"target\": \"emu\", \"entries\": [{\"name\": \"traffic\", \"symbol\": \"ldn_entry_traffic\", \"args\": [{\"name\": \"x\", \"dtype\": \"f32\", \"shape\": [1001]}], \"results\": [{\"name\": \"y\", \"dtype\": \"f32\", \"shape\": [1001]}, {\"name\": \"s\", \"dtype\": \"f32\", \"shape\": [1]}]}]}\00") {addr_space = 0 : i32}
  llvm.func @ldn_artifact_manifest() -> !llvm.ptr {
    %0 = llvm.mlir.addressof @manifest : !llvm.ptr
    llvm.return %0 : !llvm.ptr
  }

  func.func @traffic(%x: memref<1001xf32>) -> (memref<1001xf32>, memref<1xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c127 = arith.constant 127 : index
    %c128 = arith.constant 128 : index
    %c1000 = arith.constant 1000 : index
    %c1001 = arith.constant 1001 : index
    %y = memref.alloc() : memref<1001xf32>
    %s = memref.alloc() : memref<1xf32>
    gpu.launch blocks(%b, %by, %bz) in (%gx = %c8, %gy = %c1, %gz = %c1)
               threads(%t, %ty, %tz) in (%sx = %c128, %sy = %c1, %sz = %c1)
               workgroup(%tile : memref<128xf32, #gpu.address_space<workgroup>>) {
      %base = arith.muli %b, %c128 : index
      %i = arith.addi %base, %t : index
      %in = arith.cmpi ult, %i, %c1001 : index
      %v = scf.if %in -> (f32) {
        %a = memref.load %x[%i] : memref<1001xf32>
        %j = arith.subi %c1000, %i : index
        %m = memref.load %x[%j] : memref<1001xf32>
        %sum = arith.addf %a, %m : f32
        scf.yield %sum : f32
      } else {
        %zero = arith.constant 0.0 : f32
        scf.yield %zero : f32
      }
      // Through shared memory: thread t stores element base + t and, after
      // the barrier, writes out element base + 127 - t.
      memref.store %v, %tile[%t] : memref<128xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %r = arith.subi %c127, %t : index
      %w = memref.load %tile[%r] : memref<128xf32, #gpu.address_space<workgroup>>
      %o = arith.addi %base, %r : index
      %out = arith.cmpi ult, %o, %c1001 : index
      scf.if %out {
        memref.store %w, %y[%o] : memref<1001xf32>
      }
      gpu.terminator
    }
    gpu.launch blocks(%b, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
               threads(%t, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
      %zero = arith.constant 0.0 : f32
      memref.store %zero, %s[%c0] : memref<1xf32>
      gpu.terminator
    }
    gpu.launch blocks(%b, %by, %bz) in (%gx = %c8, %gy = %c1, %gz = %c1)
               threads(%t, %ty, %tz) in (%sx = %c128, %sy = %c1, %sz = %c1) {
      %base = arith.muli %b, %c128 : index
      %i = arith.addi %base, %t : index
      %in = arith.cmpi ult, %i, %c1001 : index
      scf.if %in {
        %v = memref.load %y[%i] : memref<1001xf32>
        %old = memref.atomic_rmw addf %v, %s[%c0] : (f32, memref<1xf32>) -> f32
      }
      gpu.terminator
    }
    return %y, %s : memref<1001xf32>, memref<1xf32>
  }
}
