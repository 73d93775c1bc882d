// What kernels see in the emulator: gpu.shuffle in every mode with NVVM's
// width and valid-flag semantics, lane ids, 2-D grids and blocks, dynamic
// shared memory after the static buffers, and gpu.printf.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: ldn-opt %s --gpu-kernel-outlining --ldn-emu-device-lowering \
// RUN:   --ldn-emit-entry-wrappers --expand-strided-metadata --lower-affine \
// RUN:   --convert-scf-to-cf --ldn-lower-asserts-to-trap \
// RUN:   --finalize-memref-to-llvm=use-generic-functions=1 \
// RUN:   --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm \
// RUN:   --convert-cf-to-llvm --gpu-to-llvm --reconcile-unrealized-casts \
// RUN:   -o %t/semantics.mlir
// RUN: ldn-translate --ldn-to-llvmir %t/semantics.mlir -o %t/semantics.ll
// RUN: llc -O2 -relocation-model=pic -filetype=obj %t/semantics.ll -o %t/semantics.o
// RUN: cc -shared %t/semantics.o -o %t/semantics.so
// RUN: cc %S/Inputs/run-entry.c -I%ldn_src_root/runtime/include \
// RUN:   -L%ldn_obj_root/runtime -Wl,-rpath,%ldn_obj_root/runtime -lldnrt \
// RUN:   -o %t/run-entry
// RUN: env LDN_EMU_CHECK=1 %t/run-entry %t/semantics.so shuffles | FileCheck %s --check-prefix=SHUFFLE
// RUN: env LDN_EMU_CHECK=1 %t/run-entry %t/semantics.so layout | FileCheck %s --check-prefix=LAYOUT

// Two warps of 32 threads; thread t offers the value t.
// Row 0, xor 5: lane l reads lane l ^ 5 of its warp.
// SHUFFLE: r[0] = 5
// SHUFFLE-NEXT: r[1] = 4
// SHUFFLE: r[32] = 37
// Row 1, up 3: lanes 0-2 keep their own value (and are not valid).
// SHUFFLE: r[64] = 0
// SHUFFLE-NEXT: r[65] = 1
// SHUFFLE-NEXT: r[66] = 2
// SHUFFLE-NEXT: r[67] = 0
// SHUFFLE: r[96] = 32
// SHUFFLE: r[99] = 32
// Row 2, down 3: lanes 29-31 keep their own value.
// SHUFFLE: r[128] = 3
// SHUFFLE: r[156] = 31
// SHUFFLE-NEXT: r[157] = 29
// SHUFFLE-NEXT: r[158] = 30
// SHUFFLE-NEXT: r[159] = 31
// SHUFFLE-NEXT: r[160] = 35
// Row 3, idx 7: every lane reads lane 7.
// SHUFFLE: r[192] = 7
// SHUFFLE: r[223] = 7
// SHUFFLE-NEXT: r[224] = 39
// Row 4, down 1 on the first 16 lanes only (width 16): lane 15 is clamped.
// SHUFFLE: r[256] = 1
// SHUFFLE: r[270] = 15
// SHUFFLE-NEXT: r[271] = 15
// SHUFFLE-NEXT: r[272] = -1
// Row 5, the valid flags of row 1.
// SHUFFLE: r[320] = 0
// SHUFFLE-NEXT: r[321] = 0
// SHUFFLE-NEXT: r[322] = 0
// SHUFFLE-NEXT: r[323] = 1
// Row 6, lane ids.
// SHUFFLE: r[415] = 31
// SHUFFLE-NEXT: r[416] = 0
// SHUFFLE: r[447] = 31
// SHUFFLE-NOT: r[448]

// A 2 x 3 grid of 4 x 2 blocks; each block reverses the values
// 1000 * by + 100 * bx + 10 * ty + tx of its threads through dynamic shared
// memory placed after a static buffer.
// LAYOUT: block 1 thread 3 of 4x2x1, 16 bytes of dynamic shared memory at offset 32
// LAYOUT: out[0] = 13
// LAYOUT-NEXT: out[1] = 12
// LAYOUT-NEXT: out[2] = 11
// LAYOUT-NEXT: out[3] = 10
// LAYOUT-NEXT: out[4] = 3
// LAYOUT: out[7] = 0
// LAYOUT-NEXT: out[8] = 113
// LAYOUT: out[40] = 2113
// LAYOUT: out[47] = 2100
// LAYOUT-NOT: out[48]

module {
  llvm.mlir.global internal constant @manifest("{\"abi\": 1, \"producer\": \"gpu-semantics.mlir\", \"target\": \"emu\", \"entries\": [{\"name\": \"shuffles\", \"symbol\": \"ldn_entry_shuffles\", \"args\": [], \"results\": [{\"name\": \"r\", \"dtype\": \"f32\", \"shape\": [7, 64]}]}, {\"name\": \"layout\", \"symbol\": \"ldn_entry_layout\", \"args\": [], \"results\": [{\"name\": \"out\", \"dtype\": \"f32\", \"shape\": [48]}]}]}\00") {addr_space = 0 : i32}
  llvm.func @ldn_artifact_manifest() -> !llvm.ptr {
    %0 = llvm.mlir.addressof @manifest : !llvm.ptr
    llvm.return %0 : !llvm.ptr
  }

  func.func @shuffles() -> memref<7x64xf32> {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    %c5 = arith.constant 5 : index
    %c6 = arith.constant 6 : index
    %c16 = arith.constant 16 : index
    %c32 = arith.constant 32 : index
    %c64 = arith.constant 64 : index
    %r = memref.alloc() : memref<7x64xf32>
    gpu.launch blocks(%b, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
               threads(%t, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1) {
      %i1 = arith.constant 1 : i32
      %i3 = arith.constant 3 : i32
      %i5 = arith.constant 5 : i32
      %i7 = arith.constant 7 : i32
      %w16 = arith.constant 16 : i32
      %w32 = arith.constant 32 : i32
      %ti = arith.index_cast %t : index to i32
      %v = arith.sitofp %ti : i32 to f32
      %x, %xv = gpu.shuffle xor %v, %i5, %w32 : f32
      memref.store %x, %r[%c0, %t] : memref<7x64xf32>
      %u, %uv = gpu.shuffle up %v, %i3, %w32 : f32
      memref.store %u, %r[%c1, %t] : memref<7x64xf32>
      %d, %dv = gpu.shuffle down %v, %i3, %w32 : f32
      memref.store %d, %r[%c2, %t] : memref<7x64xf32>
      %k, %kv = gpu.shuffle idx %v, %i7, %w32 : f32
      memref.store %k, %r[%c3, %t] : memref<7x64xf32>
      %lane = gpu.lane_id
      %narrow = arith.cmpi ult, %lane, %c16 : index
      %n = scf.if %narrow -> (f32) {
        %s, %sv = gpu.shuffle down %v, %i1, %w16 : f32
        scf.yield %s : f32
      } else {
        %minus = arith.constant -1.0 : f32
        scf.yield %minus : f32
      }
      memref.store %n, %r[%c4, %t] : memref<7x64xf32>
      %valid = arith.uitofp %uv : i1 to f32
      memref.store %valid, %r[%c5, %t] : memref<7x64xf32>
      %li = arith.index_cast %lane : index to i32
      %lf = arith.sitofp %li : i32 to f32
      memref.store %lf, %r[%c6, %t] : memref<7x64xf32>
      gpu.terminator
    }
    return %r : memref<7x64xf32>
  }

  func.func @layout() -> memref<48xf32> {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    %c7 = arith.constant 7 : index
    %c8 = arith.constant 8 : index
    %c10 = arith.constant 10 : index
    %c100 = arith.constant 100 : index
    %c1000 = arith.constant 1000 : index
    %smem = arith.constant 16 : i32
    %out = memref.alloc() : memref<48xf32>
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c3, %gz = %c1)
               threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c2, %sz = %c1)
               dynamic_shared_memory_size %smem
               workgroup(%unused : memref<5xf32, #gpu.address_space<workgroup>>) {
      %dynamic = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
      %values = memref.view %dynamic[%c0][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4xf32, #gpu.address_space<workgroup>>
      %row = arith.muli %ty, %c4 : index
      %linear = arith.addi %row, %tx : index
      %a = arith.muli %by, %c1000 : index
      %b = arith.muli %bx, %c100 : index
      %c = arith.muli %ty, %c10 : index
      %ab = arith.addi %a, %b : index
      %abc = arith.addi %ab, %c : index
      %value = arith.addi %abc, %tx : index
      %vi = arith.index_cast %value : index to i32
      %vf = arith.sitofp %vi : i32 to f32
      // Threads of the first row publish, those of the second read back
      // reversed; then the other way round.
      %isFirstRow = arith.cmpi eq, %ty, %c0 : index
      %rev = arith.subi %c3, %tx : index
      %blockRow = arith.muli %gx, %by : index
      %block = arith.addi %blockRow, %bx : index
      %blockBase = arith.muli %block, %c8 : index
      scf.if %isFirstRow {
        memref.store %vf, %values[%rev] : memref<4xf32, #gpu.address_space<workgroup>>
      }
      gpu.barrier
      scf.if %isFirstRow {
      } else {
        %got = memref.load %values[%tx] : memref<4xf32, #gpu.address_space<workgroup>>
        %slot = arith.addi %blockBase, %c4 : index
        %at = arith.addi %slot, %tx : index
        memref.store %got, %out[%at] : memref<48xf32>
      }
      gpu.barrier
      scf.if %isFirstRow {
      } else {
        memref.store %vf, %values[%rev] : memref<4xf32, #gpu.address_space<workgroup>>
      }
      gpu.barrier
      scf.if %isFirstRow {
        %got = memref.load %values[%tx] : memref<4xf32, #gpu.address_space<workgroup>>
        %at = arith.addi %blockBase, %tx : index
        memref.store %got, %out[%at] : memref<48xf32>
      }
      // Where the dynamic part starts, from one thread.
      %isBlock1 = arith.cmpi eq, %block, %c1 : index
      %isThread3 = arith.cmpi eq, %linear, %c3 : index
      %report = arith.andi %isBlock1, %isThread3 : i1
      scf.if %report {
        %base = memref.extract_aligned_pointer_as_index %dynamic : memref<?xi8, #gpu.address_space<workgroup>> -> index
        %static = memref.extract_aligned_pointer_as_index %unused : memref<5xf32, #gpu.address_space<workgroup>> -> index
        %offset = arith.subi %base, %static : index
        %size = memref.dim %dynamic, %c0 : memref<?xi8, #gpu.address_space<workgroup>>
        %bdx = gpu.block_dim x
        %bdy = gpu.block_dim y
        %bdz = gpu.block_dim z
        gpu.printf "block %lld thread %lld of %lldx%lldx%lld, %lld bytes of dynamic shared memory at offset %lld\n", %block, %linear, %bdx, %bdy, %bdz, %size, %offset : index, index, index, index, index, index, index
      }
      gpu.terminator
    }
    return %out : memref<48xf32>
  }
}
