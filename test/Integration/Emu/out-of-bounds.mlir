// Bounds checking: thread 255 of the last block reads one element past the
// end of its input. With LDN_EMU_CHECK=1 the launch stops there and the call
// fails naming kernel, block, thread, address and size; without it the
// read goes unnoticed, as on a GPU, and nothing crashes.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: ldn-opt %s --gpu-kernel-outlining --ldn-emu-device-lowering \
// RUN:   --ldn-emit-entry-wrappers --expand-strided-metadata --lower-affine \
// RUN:   --convert-scf-to-cf --ldn-lower-asserts-to-trap \
// RUN:   --finalize-memref-to-llvm=use-generic-functions=1 \
// RUN:   --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm \
// RUN:   --convert-cf-to-llvm --gpu-to-llvm --reconcile-unrealized-casts \
// RUN:   -o %t/oob.mlir
// RUN: ldn-translate --ldn-to-llvmir %t/oob.mlir -o %t/oob.ll
// RUN: llc -O2 -relocation-model=pic -filetype=obj %t/oob.ll -o %t/oob.o
// RUN: cc -shared %t/oob.o -o %t/oob.so
// RUN: cc %S/Inputs/run-entry.c -I%ldn_src_root/runtime/include \
// RUN:   -L%ldn_obj_root/runtime -Wl,-rpath,%ldn_obj_root/runtime -lldnrt \
// RUN:   -o %t/run-entry
// RUN: env LDN_EMU_CHECK=1 not %t/run-entry %t/oob.so shift 2>&1 | FileCheck %s --check-prefix=CHECKED
// RUN: env LDN_EMU_CHECK=0 %t/run-entry %t/oob.so shift | FileCheck %s --check-prefix=UNCHECKED

// CHECKED: error: emulator launch of shift_kernel failed: out-of-bounds load of 4 bytes at 0x{{[0-9a-f]+}} in kernel shift_kernel, block (3,0,0), thread (255,0,0): it starts right after the end of the 4096-byte allocation at 0x{{[0-9a-f]+}}

// UNCHECKED: y[0] = 1
// UNCHECKED: y[1022] = 1

module {
  llvm.mlir.global internal constant @manifest("{\"abi\": 1, \"producer\": \"out-of-bounds.mlir\", \"target\": \"emu\", \"entries\": [{\"name\": \"shift\", \"symbol\": \"ldn_entry_shift\", \"args\": [{\"name\": \"x\", \"dtype\": \"f32\", \"shape\": [1024]}], \"results\": [{\"name\": \"y\", \"dtype\": \"f32\", \"shape\": [1024]}]}]}\00") {addr_space = 0 : i32}
  llvm.func @ldn_artifact_manifest() -> !llvm.ptr {
    %0 = llvm.mlir.addressof @manifest : !llvm.ptr
    llvm.return %0 : !llvm.ptr
  }

  // y[i] = x[i + 1]: the last thread reads x[1024].
  func.func @shift(%x: memref<1024xf32>) -> memref<1024xf32> {
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c256 = arith.constant 256 : index
    %y = memref.alloc() : memref<1024xf32>
    gpu.launch blocks(%b, %by, %bz) in (%gx = %c4, %gy = %c1, %gz = %c1)
               threads(%t, %ty, %tz) in (%sx = %c256, %sy = %c1, %sz = %c1) {
      %base = arith.muli %b, %c256 : index
      %i = arith.addi %base, %t : index
      %next = arith.addi %i, %c1 : index
      %v = memref.load %x[%next] : memref<1024xf32>
      memref.store %v, %y[%i] : memref<1024xf32>
      gpu.terminator
    }
    return %y : memref<1024xf32>
  }
}
