// ldn.scan on the GPU: h_t = a_t * h_{t-1} + b_t over [O, T, C], where the op's
// scanned dimension is the middle one (the pattern collapses the dimensions
// before and after it). `a` may be a stride-0 view (a per-channel decay).
//
// Grid: (ceil(C / 32), O). Block: 32 lanes x 8 warps. Lane = channel, so every
// global access of a warp is 32 consecutive floats (coalesced). Each block owns
// its channel tile for all of T and walks T in chunks of 8 warps x 8 steps:
//   1. warp w scans its 8 steps from zero, keeping the running product and the
//      partial state of every step in shared memory (each input read once);
//   2. the warps' aggregates (A, B) meet in shared memory after a barrier;
//      warp w combines the chunk's carry-in with the aggregates of warps < w;
//   3. each step's state is partial + product * carry-in, written once.
// The carry to the next chunk is the combination of all 8 aggregates, which
// every thread computes itself, so it needs no further barrier or memory.
func.func private @ldn_gpu_scan(
    %a: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %b: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %h0: memref<?x?xf32, strided<[?, ?], offset: ?>>,
    %h: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %last: memref<?x?xf32, strided<[?, ?], offset: ?>>,
    %reverse: i1, %has_init: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %O = memref.dim %b, %c0 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %T = memref.dim %b, %c1 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %C = memref.dim %b, %c2 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %tiles = arith.ceildivui %C, %c32 : index
  %Tm1 = arith.subi %T, %c1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %tiles, %gy = %O, %gz = %c1)
             threads(%lane, %warp, %tz) in (%sx = %c32, %sy = %c8, %sz = %c1)
             workgroup(%partial : memref<8x8x32xf32, #gpu.address_space<workgroup>>,
                       %product : memref<8x8x32xf32, #gpu.address_space<workgroup>>,
                       %aggA : memref<8x32xf32, #gpu.address_space<workgroup>>,
                       %aggB : memref<8x32xf32, #gpu.address_space<workgroup>>) {
    %tile0 = arith.muli %bx, %c32 : index
    %c = arith.addi %tile0, %lane : index
    %active = arith.cmpi ult, %c, %C : index
    %init = scf.if %has_init -> f32 {
      %v = scf.if %active -> f32 {
        %x = memref.load %h0[%by, %c] : memref<?x?xf32, strided<[?, ?], offset: ?>>
        scf.yield %x : f32
      } else {
        scf.yield %zero : f32
      }
      scf.yield %v : f32
    } else {
      scf.yield %zero : f32
    }
    %base = arith.muli %warp, %c8 : index
    %final = scf.for %t0 = %c0 to %T step %c64 iter_args(%carry = %init) -> f32 {
      // 1. This warp's 8 steps, scanned from zero.
      %start = arith.addi %t0, %base : index
      %agg:2 = scf.for %i = %c0 to %c8 step %c1 iter_args(%p = %one, %s = %zero) -> (f32, f32) {
        %t = arith.addi %start, %i : index
        %inT = arith.cmpi ult, %t, %T : index
        %ok = arith.andi %inT, %active : i1
        %ab:2 = scf.if %ok -> (f32, f32) {
          %tr = arith.subi %Tm1, %t : index
          %tt = arith.select %reverse, %tr, %t : index
          %av = memref.load %a[%by, %tt, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          %bv = memref.load %b[%by, %tt, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          scf.yield %av, %bv : f32, f32
        } else {
          scf.yield %one, %zero : f32, f32
        }
        %p2 = arith.mulf %ab#0, %p : f32
        %s1 = arith.mulf %ab#0, %s : f32
        %s2 = arith.addf %s1, %ab#1 : f32
        memref.store %p2, %product[%warp, %i, %lane] : memref<8x8x32xf32, #gpu.address_space<workgroup>>
        memref.store %s2, %partial[%warp, %i, %lane] : memref<8x8x32xf32, #gpu.address_space<workgroup>>
        scf.yield %p2, %s2 : f32, f32
      }
      memref.store %agg#0, %aggA[%warp, %lane] : memref<8x32xf32, #gpu.address_space<workgroup>>
      memref.store %agg#1, %aggB[%warp, %lane] : memref<8x32xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      // 2. Carry-in of this warp, and the carry out of the whole chunk.
      %carries:2 = scf.for %w = %c0 to %c8 step %c1 iter_args(%mine = %carry, %all = %carry) -> (f32, f32) {
        %wa = memref.load %aggA[%w, %lane] : memref<8x32xf32, #gpu.address_space<workgroup>>
        %wb = memref.load %aggB[%w, %lane] : memref<8x32xf32, #gpu.address_space<workgroup>>
        %m = arith.mulf %wa, %all : f32
        %next = arith.addf %m, %wb : f32
        %before = arith.cmpi ult, %w, %warp : index
        %mine2 = arith.select %before, %next, %mine : f32
        scf.yield %mine2, %next : f32, f32
      }
      // 3. The states of this warp's steps.
      scf.for %i = %c0 to %c8 step %c1 {
        %t = arith.addi %start, %i : index
        %inT = arith.cmpi ult, %t, %T : index
        %ok = arith.andi %inT, %active : i1
        scf.if %ok {
          %pv = memref.load %product[%warp, %i, %lane] : memref<8x8x32xf32, #gpu.address_space<workgroup>>
          %sv = memref.load %partial[%warp, %i, %lane] : memref<8x8x32xf32, #gpu.address_space<workgroup>>
          %hv = arith.mulf %pv, %carries#0 : f32
          %hs = arith.addf %hv, %sv : f32
          %tr = arith.subi %Tm1, %t : index
          %tt = arith.select %reverse, %tr, %t : index
          memref.store %hs, %h[%by, %tt, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
        }
      }
      // The next chunk overwrites the aggregates.
      gpu.barrier
      scf.yield %carries#1 : f32
    }
    %first = arith.cmpi eq, %warp, %c0 : index
    %store = arith.andi %first, %active : i1
    scf.if %store {
      memref.store %final, %last[%by, %c] : memref<?x?xf32, strided<[?, ?], offset: ?>>
    }
    gpu.terminator
  }
  return
}
