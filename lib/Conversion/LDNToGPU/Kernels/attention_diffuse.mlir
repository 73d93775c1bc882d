// ldn.attention_diffuse on the GPU (ops.md section 2): softmax attention
// over a sparse pattern, then `hops` diffusion steps with it.
//
// The attention matrix A is the same for every hop, so it is computed once,
// as normalized weights per edge, in a scratch buffer of this function:
//  * a sparse row (query t, not a global) has S = L + G + R slots: its local
//    range [lo, hi] (the keys sharing a block with t, contiguous because
//    consecutive blocks overlap or touch; at most L long, L = window +
//    stride * floor((window - 1) / stride), or the self edge [t, t] without
//    blocks), then one slot per global, then one per random key. The pattern
//    is a set, so a global or random slot holds an edge only if no earlier
//    rule has it: a global inside [lo, hi], a random key inside [lo, hi],
//    equal to a global or to an earlier random key is an empty slot, as is a
//    key > t when causal. Keys >= lengths[b] are dropped. Empty global and
//    random slots hold the weight -1, so a hop tells them apart without
//    redoing the deduplication.
//  * a dense row (every query of #ldn.pattern<dense>, and a global query of a
//    sparse pattern) has T slots, the keys [0, n), n = lengths[b] (and
//    <= t + 1 when causal).
// Weights take B·H·(T·S + NR·T) floats (NR: dense rows per head, T for the
// dense pattern, G otherwise): O(T · edges-per-row), never T x T for a sparse
// pattern. A row table of T·(3 + G + R) i64 holds what a hop needs besides
// the weights, the same for every batch row and head: each query's dense
// row (-1 for none), its local range and its global/random keys.
//
// Launch 1, the weights. Grid: one block per (8-query tile, head, batch row),
// flattened into x. Block: 32 lanes x 8 warps; warp w owns query t0 + w, so
// every softmax reduction is a warp shuffle. The block walks the union of its
// 8 contiguous key ranges in chunks of 32 keys (lane = key): the chunk's K
// rows are staged in workgroup memory 64 channels at a time with coalesced
// loads (consecutive threads, consecutive channels), the tile's Q rows once
// when d <= 64 (else with each 64-channel stage), and each thread
// accumulates the dot product of its (query, key) pair from there; K rows
// are padded to 65 floats so the 32 lanes read 32 banks. Each K row is read
// from global memory once per tile whose ranges hold it (about (L + 8) / 8
// times for a sparse pattern). Each lane keeps its own running max and sum
// (online softmax); the global and random slots follow, one warp-wide dot
// product each (lanes over the channels, a shuffle reduction); the warp then
// combines the lanes' (max, sum) and every lane normalizes the scores it
// wrote itself (so no fence is needed between writing and normalizing; the
// row is read back from L1/L2 once). The blocks of batch row 0, head 0 also
// fill the row table. Each warp's range, local range, dense row and row
// start in `weights` also go to workgroup memory before the key loop, and
// what the global/random slots and the normalization need of them is read
// back from there afterwards rather than kept in registers across the key
// loop (kept live, they made ptxas spill at sm_80). Workgroup memory: 32x65
// + 8x64 floats and 6 x 8 indices (about 10.5 KiB). A tile holding a global
// query walks all T keys; its other warps skip the chunks outside their range
// (only the shared staging costs them), which adds O(T·d) per global.
//
// Launches 2..hops+1, one per hop: y = a · (A x) + c · u (and A x itself
// for the powers of mode coeffs), a sparse matrix product over the edge
// slots. Every query of a hop needs all of the previous hop's result, a
// grid-wide dependency, so each hop is its own launch (launches on one
// stream run in order) rather than a loop inside one kernel; the attention
// weights, the expensive part, are shared by all of them. Grid: one block
// per (query tile, head, batch row); block: 256 threads in groups of EW
// lanes (EW = e rounded up to a power of two, at most 32), a group per query
// and a lane per value channel, so a group reads EW consecutive floats of
// each gathered row (and the row's weight once, broadcast); e > 32 is
// covered in 32-channel passes. The local slots are gathered four at a time
// (independent partial sums keep several loads in flight). Queries t >=
// lengths[b] get 0 (their rows are never read: padded keys have no edges).
// Each hop reads A's weights and the gathered rows once and writes each
// output element once. Modes: ppr Z_{k+1} = (1 - alpha) A Z_k + alpha V,
// ping-ponging between the output and one scratch buffer so that the last
// hop lands in the output; laplacian A V - V; coeffs carries A^k V in two
// scratch buffers and accumulates Σ θ_k A^k V in the output in place (each
// thread reads and then writes its own element).
//
// `globals` (sorted, unique; read on the host) is copied into a buffer the
// kernels can read; `coeffs` (θ_0..θ_hops) is read on the host only.

//===----------------------------------------------------------------------===//
// Helpers, inlined into the kernels
//===----------------------------------------------------------------------===//

// The local range [lo, hi] of query t: blocks [j*stride, j*stride + window)
// holding t are j in [max(0, ceil((t - window + 1) / stride)), floor(t /
// stride)]; hi is clamped to the last token and, when causal, to t. Without
// blocks (window = 0) the range is the self edge. `stride` >= 1.
func.func private @ldn_gpu_attention_diffuse_local(
    %t: index, %T: index, %window: index, %stride: index, %causal: i1)
    -> (index, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %wm1 = arith.subi %window, %c1 : index
  // t - window + 1 may be negative: signed ceildiv.
  %num = arith.subi %t, %wm1 : index
  %first = arith.ceildivsi %num, %stride : index
  %first0 = arith.maxsi %first, %c0 : index
  %lo = arith.muli %first0, %stride : index
  %last = arith.divui %t, %stride : index
  %lastStart = arith.muli %last, %stride : index
  %hiBlock = arith.addi %lastStart, %wm1 : index
  %Tm1 = arith.subi %T, %c1 : index
  %hiT = arith.minsi %hiBlock, %Tm1 : index
  %hiC = arith.minsi %hiT, %t : index
  %hi = arith.select %causal, %hiC, %hiT : index
  %none = arith.cmpi eq, %window, %c0 : index
  %rlo = arith.select %none, %t, %lo : index
  %rhi = arith.select %none, %t, %hi : index
  return %rlo, %rhi : index, index
}

// Random key j of query t: SplitMix64(seed ^ (t << 20) ^ j) mod T on
// unsigned 64-bit integers (i64 add/mul wrap like uint64; the shifts are the
// unsigned ones). T >= 1. The remainder is a Barrett reduction with
// Tinv = floor((2^64 - 1) / T) from the host: the quotient estimate
// mulhi(x, Tinv) is at most 2 below x / T, so two conditional subtractions
// give x mod T exactly, without a 64-bit division on the GPU.
func.func private @ldn_gpu_attention_diffuse_random(
    %seed: i64, %t: index, %j: index, %T: index, %Tinv: i64) -> index {
  %c20 = arith.constant 20 : i64
  %c27 = arith.constant 27 : i64
  %c30 = arith.constant 30 : i64
  %c31 = arith.constant 31 : i64
  // 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB as i64.
  %golden = arith.constant -7046029254386353131 : i64
  %mul1 = arith.constant -4658895280553007687 : i64
  %mul2 = arith.constant -7723592293110705685 : i64
  %t64 = arith.index_castui %t : index to i64
  %j64 = arith.index_castui %j : index to i64
  %T64 = arith.index_castui %T : index to i64
  %ts = arith.shli %t64, %c20 : i64
  %x0 = arith.xori %seed, %ts : i64
  %x = arith.xori %x0, %j64 : i64
  %z0 = arith.addi %x, %golden : i64
  %s30 = arith.shrui %z0, %c30 : i64
  %z1x = arith.xori %z0, %s30 : i64
  %z1 = arith.muli %z1x, %mul1 : i64
  %s27 = arith.shrui %z1, %c27 : i64
  %z2x = arith.xori %z1, %s27 : i64
  %z2 = arith.muli %z2x, %mul2 : i64
  %s31 = arith.shrui %z2, %c31 : i64
  %mix = arith.xori %z2, %s31 : i64
  %lowq, %quot = arith.mului_extended %mix, %Tinv : i64
  %qT = arith.muli %quot, %T64 : i64
  %r0 = arith.subi %mix, %qT : i64
  %over0 = arith.cmpi uge, %r0, %T64 : i64
  %r0m = arith.subi %r0, %T64 : i64
  %r1 = arith.select %over0, %r0m, %r0 : i64
  %over1 = arith.cmpi uge, %r1, %T64 : i64
  %r1m = arith.subi %r1, %T64 : i64
  %key = arith.select %over1, %r1m, %r1 : i64
  %r = arith.index_castui %key : i64 to index
  return %r : index
}

// The key of global/random slot j (j < G: global j, else random j - G).
func.func private @ldn_gpu_attention_diffuse_extra_key(
    %j: index, %globals: memref<?xi64>, %G: index, %seed: i64, %t: index,
    %T: index, %Tinv: i64) -> index {
  %isGlobal = arith.cmpi ult, %j, %G : index
  %key = scf.if %isGlobal -> index {
    %g = memref.load %globals[%j] : memref<?xi64>
    %gi = arith.index_cast %g : i64 to index
    scf.yield %gi : index
  } else {
    %jr = arith.subi %j, %G : index
    %r = func.call @ldn_gpu_attention_diffuse_random(%seed, %t, %jr, %T, %Tinv)
        : (i64, index, index, index, i64) -> index
    scf.yield %r : index
  }
  return %key : index
}

// Whether global/random slot j of query t (its key `key`) holds an edge
// that no earlier rule has: the key is below len, outside the local range
// [lo, hi], not after t when causal, and for a random key neither a global
// nor an earlier random key of t.
func.func private @ldn_gpu_attention_diffuse_is_new(
    %j: index, %key: index, %t: index, %len: index, %lo: index, %hi: index,
    %causal: i1, %globals: memref<?xi64>, %G: index, %seed: i64, %T: index,
    %Tinv: i64) -> i1 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %false = arith.constant false
  %true = arith.constant true
  %belowLen = arith.cmpi ult, %key, %len : index
  %geLo = arith.cmpi sge, %key, %lo : index
  %leHi = arith.cmpi sle, %key, %hi : index
  %local = arith.andi %geLo, %leHi : i1
  %future = arith.cmpi ugt, %key, %t : index
  %dropped = arith.andi %causal, %future : i1
  %isRandom = arith.cmpi uge, %j, %G : index
  %seen = scf.if %isRandom -> i1 {
    %key64 = arith.index_castui %key : index to i64
    %global = scf.for %i = %c0 to %G step %c1 iter_args(%f = %false) -> i1 {
      %g = memref.load %globals[%i] : memref<?xi64>
      %eq = arith.cmpi eq, %g, %key64 : i64
      %f2 = arith.ori %f, %eq : i1
      scf.yield %f2 : i1
    }
    %jr = arith.subi %j, %G : index
    %earlier = scf.for %i = %c0 to %jr step %c1 iter_args(%f = %global) -> i1 {
      %prev = func.call @ldn_gpu_attention_diffuse_random(%seed, %t, %i, %T, %Tinv)
          : (i64, index, index, index, i64) -> index
      %eq = arith.cmpi eq, %prev, %key : index
      %f2 = arith.ori %f, %eq : i1
      scf.yield %f2 : i1
    }
    scf.yield %earlier : i1
  } else {
    scf.yield %false : i1
  }
  %taken0 = arith.ori %local, %dropped : i1
  %taken = arith.ori %taken0, %seen : i1
  %fresh = arith.xori %taken, %true : i1
  %ok = arith.andi %fresh, %belowLen : i1
  return %ok : i1
}

// The dense row of query t: t itself for the dense pattern, the position of
// t in `globals` for a global query, -1 for a sparse row.
func.func private @ldn_gpu_attention_diffuse_dense_row(
    %t: index, %dense: i1, %globals: memref<?xi64>, %G: index) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cm1 = arith.constant -1 : index
  %row = scf.if %dense -> index {
    scf.yield %t : index
  } else {
    %t64 = arith.index_castui %t : index to i64
    %found = scf.for %i = %c0 to %G step %c1 iter_args(%f = %cm1) -> index {
      %g = memref.load %globals[%i] : memref<?xi64>
      %eq = arith.cmpi eq, %g, %t64 : i64
      %n = arith.select %eq, %i, %f : index
      scf.yield %n : index
    }
    scf.yield %found : index
  }
  return %row : index
}

// The contiguous keys [rlo, rhi] that the first slots of query t's row hold
// (t < len): all of [0, n) for a dense row (row >= 0), n = len, or
// min(t + 1, len) when causal; the local range [lo, hi] below len for a
// sparse row.
func.func private @ldn_gpu_attention_diffuse_range(
    %row: index, %lo: index, %hi: index, %t: index, %len: index,
    %causal: i1) -> (index, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %isDense = arith.cmpi sge, %row, %c0 : index
  %lenm1 = arith.subi %len, %c1 : index
  %tp1 = arith.addi %t, %c1 : index
  %past = arith.select %causal, %tp1, %len : index
  %n = arith.minsi %past, %len : index
  %denseHi = arith.subi %n, %c1 : index
  %sparseHi = arith.minsi %hi, %lenm1 : index
  %rlo = arith.select %isDense, %c0, %lo : index
  %rhi = arith.select %isDense, %denseHi, %sparseHi : index
  return %rlo, %rhi : index, index
}

// acc + Σ_{c < dc} qs[w, c] * ks[j, c] in four independent partial sums, so
// that shared-memory loads overlap whatever dc is.
func.func private @ldn_gpu_attention_diffuse_dot(
    %qs: memref<8x64xf32, #gpu.address_space<workgroup>>,
    %ks: memref<32x65xf32, #gpu.address_space<workgroup>>,
    %w: index, %j: index, %dc: index, %acc: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %cm4 = arith.constant -4 : index
  %zero = arith.constant 0.0 : f32
  %dc4 = arith.andi %dc, %cm4 : index
  %p:4 = scf.for %c = %c0 to %dc4 step %c4
      iter_args(%a0 = %acc, %a1 = %zero, %a2 = %zero, %a3 = %zero) -> (f32, f32, f32, f32) {
    %c_1 = arith.addi %c, %c1 : index
    %c_2 = arith.addi %c, %c2 : index
    %c_3 = arith.addi %c, %c3 : index
    %q0 = memref.load %qs[%w, %c] : memref<8x64xf32, #gpu.address_space<workgroup>>
    %q1 = memref.load %qs[%w, %c_1] : memref<8x64xf32, #gpu.address_space<workgroup>>
    %q2 = memref.load %qs[%w, %c_2] : memref<8x64xf32, #gpu.address_space<workgroup>>
    %q3 = memref.load %qs[%w, %c_3] : memref<8x64xf32, #gpu.address_space<workgroup>>
    %k0 = memref.load %ks[%j, %c] : memref<32x65xf32, #gpu.address_space<workgroup>>
    %k1 = memref.load %ks[%j, %c_1] : memref<32x65xf32, #gpu.address_space<workgroup>>
    %k2 = memref.load %ks[%j, %c_2] : memref<32x65xf32, #gpu.address_space<workgroup>>
    %k3 = memref.load %ks[%j, %c_3] : memref<32x65xf32, #gpu.address_space<workgroup>>
    %b0 = math.fma %q0, %k0, %a0 : f32
    %b1 = math.fma %q1, %k1, %a1 : f32
    %b2 = math.fma %q2, %k2, %a2 : f32
    %b3 = math.fma %q3, %k3, %a3 : f32
    scf.yield %b0, %b1, %b2, %b3 : f32, f32, f32, f32
  }
  %tail = scf.for %c = %dc4 to %dc step %c1 iter_args(%a = %p#0) -> f32 {
    %qv = memref.load %qs[%w, %c] : memref<8x64xf32, #gpu.address_space<workgroup>>
    %kv = memref.load %ks[%j, %c] : memref<32x65xf32, #gpu.address_space<workgroup>>
    %a2 = math.fma %qv, %kv, %a : f32
    scf.yield %a2 : f32
  }
  %s01 = arith.addf %tail, %p#1 : f32
  %s23 = arith.addf %p#2, %p#3 : f32
  %sum = arith.addf %s01, %s23 : f32
  return %sum : f32
}

// Σ_{i < n} weights[base + i] * x[b, lo + i, h, c] in four independent
// partial sums, so that several gathers are in flight per thread.
func.func private @ldn_gpu_attention_diffuse_gather(
    %weights: memref<?xf32>, %base: index, %x: memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, %b: index,
    %lo: index, %h: index, %c: index, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %cm4 = arith.constant -4 : index
  %zero = arith.constant 0.0 : f32
  %n4 = arith.andi %n, %cm4 : index
  %p:4 = scf.for %i = %c0 to %n4 step %c4
      iter_args(%a0 = %zero, %a1 = %zero, %a2 = %zero, %a3 = %zero) -> (f32, f32, f32, f32) {
    %i0 = arith.addi %base, %i : index
    %i1 = arith.addi %i0, %c1 : index
    %i2 = arith.addi %i0, %c2 : index
    %i3 = arith.addi %i0, %c3 : index
    %s0 = arith.addi %lo, %i : index
    %s1 = arith.addi %s0, %c1 : index
    %s2 = arith.addi %s0, %c2 : index
    %s3 = arith.addi %s0, %c3 : index
    %w0 = memref.load %weights[%i0] : memref<?xf32>
    %w1 = memref.load %weights[%i1] : memref<?xf32>
    %w2 = memref.load %weights[%i2] : memref<?xf32>
    %w3 = memref.load %weights[%i3] : memref<?xf32>
    %z0 = memref.load %x[%b, %s0, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %z1 = memref.load %x[%b, %s1, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %z2 = memref.load %x[%b, %s2, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %z3 = memref.load %x[%b, %s3, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %b0 = math.fma %w0, %z0, %a0 : f32
    %b1 = math.fma %w1, %z1, %a1 : f32
    %b2 = math.fma %w2, %z2, %a2 : f32
    %b3 = math.fma %w3, %z3, %a3 : f32
    scf.yield %b0, %b1, %b2, %b3 : f32, f32, f32, f32
  }
  %tail = scf.for %i = %n4 to %n step %c1 iter_args(%a = %p#0) -> f32 {
    %idx = arith.addi %base, %i : index
    %w = memref.load %weights[%idx] : memref<?xf32>
    %s = arith.addi %lo, %i : index
    %zv = memref.load %x[%b, %s, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %a2 = math.fma %w, %zv, %a : f32
    scf.yield %a2 : f32
  }
  %s01 = arith.addf %tail, %p#1 : f32
  %s23 = arith.addf %p#2, %p#3 : f32
  %sum = arith.addf %s01, %s23 : f32
  return %sum : f32
}

// Warp-wide sum and maximum (all 32 lanes must take part).
func.func private @ldn_gpu_attention_diffuse_warp_sum(%x: f32) -> f32 {
  %c32 = arith.constant 32 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %c4 = arith.constant 4 : i32
  %c8 = arith.constant 8 : i32
  %c16 = arith.constant 16 : i32
  %y16, %v16 = gpu.shuffle xor %x, %c16, %c32 : f32
  %s16 = arith.addf %x, %y16 : f32
  %y8, %v8 = gpu.shuffle xor %s16, %c8, %c32 : f32
  %s8 = arith.addf %s16, %y8 : f32
  %y4, %v4 = gpu.shuffle xor %s8, %c4, %c32 : f32
  %s4 = arith.addf %s8, %y4 : f32
  %y2, %v2 = gpu.shuffle xor %s4, %c2, %c32 : f32
  %s2 = arith.addf %s4, %y2 : f32
  %y1, %v1 = gpu.shuffle xor %s2, %c1, %c32 : f32
  %s1 = arith.addf %s2, %y1 : f32
  return %s1 : f32
}

func.func private @ldn_gpu_attention_diffuse_warp_max(%x: f32) -> f32 {
  %c32 = arith.constant 32 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %c4 = arith.constant 4 : i32
  %c8 = arith.constant 8 : i32
  %c16 = arith.constant 16 : i32
  %y16, %v16 = gpu.shuffle xor %x, %c16, %c32 : f32
  %s16 = arith.maximumf %x, %y16 : f32
  %y8, %v8 = gpu.shuffle xor %s16, %c8, %c32 : f32
  %s8 = arith.maximumf %s16, %y8 : f32
  %y4, %v4 = gpu.shuffle xor %s8, %c4, %c32 : f32
  %s4 = arith.maximumf %s8, %y4 : f32
  %y2, %v2 = gpu.shuffle xor %s4, %c2, %c32 : f32
  %s2 = arith.maximumf %s4, %y2 : f32
  %y1, %v1 = gpu.shuffle xor %s2, %c1, %c32 : f32
  %s1 = arith.maximumf %s2, %y1 : f32
  return %s1 : f32
}

// One step of a running softmax (max m, sum l of exp(x - m)) by score x,
// when `take`.
func.func private @ldn_gpu_attention_diffuse_online(
    %m: f32, %l: f32, %x: f32, %take: i1) -> (f32, f32) {
  %r:2 = scf.if %take -> (f32, f32) {
    %m2 = arith.maximumf %m, %x : f32
    %dm = arith.subf %m, %m2 : f32
    %scale = math.exp %dm : f32
    %ls = arith.mulf %l, %scale : f32
    %dx = arith.subf %x, %m2 : f32
    %ex = math.exp %dx : f32
    %l2 = arith.addf %ls, %ex : f32
    scf.yield %m2, %l2 : f32, f32
  } else {
    scf.yield %m, %l : f32, f32
  }
  return %r#0, %r#1 : f32, f32
}

// x / y and x % y for x, y < 2^31 (staging indices) in 32 bits, which the
// GPU divides inline (64-bit division is a subroutine call).
func.func private @ldn_gpu_attention_diffuse_divrem(%x: index, %y: index)
    -> (index, index) {
  %x32 = arith.index_castui %x : index to i32
  %y32 = arith.index_castui %y : index to i32
  %q32 = arith.divui %x32, %y32 : i32
  %r32 = arith.remui %x32, %y32 : i32
  %q = arith.index_castui %q32 : i32 to index
  %r = arith.index_castui %r32 : i32 to index
  return %q, %r : index, index
}

// The valid length of batch row b.
func.func private @ldn_gpu_attention_diffuse_length(
    %lengths: memref<?xi32>, %has_lengths: i1, %b: index, %T: index) -> index {
  %len = scf.if %has_lengths -> index {
    %l = memref.load %lengths[%b] : memref<?xi32>
    %li = arith.index_cast %l : i32 to index
    scf.yield %li : index
  } else {
    scf.yield %T : index
  }
  return %len : index
}

//===----------------------------------------------------------------------===//
// The host function
//===----------------------------------------------------------------------===//

func.func private @ldn_gpu_attention_diffuse(
    %q: memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>,
    %k: memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>,
    %v: memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>,
    %lengths: memref<?xi32>, %globals_host: memref<?xi64>,
    %coeffs: memref<?xf32>,
    %out: memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>,
    %has_lengths: i1, %dense: i1, %causal: i1, %window: index,
    %stride: index, %random: index, %seed: i64, %scale: f32,
    %mode: index, %hops: index, %alpha: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %cm1 = arith.constant -1 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %minus1 = arith.constant -1.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %true = arith.constant true
  %B = memref.dim %q, %c0 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
  %T = memref.dim %q, %c1 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
  %H = memref.dim %q, %c2 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
  %d = memref.dim %q, %c3 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
  %e = memref.dim %v, %c3 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
  %G = memref.dim %globals_host, %c0 : memref<?xi64>

  // The globals, where the kernels can read them.
  %G1 = arith.maxui %G, %c1 : index
  %globals = memref.alloc(%G1) : memref<?xi64>
  scf.for %i = %c0 to %G step %c1 {
    %g = memref.load %globals_host[%i] : memref<?xi64>
    memref.store %g, %globals[%i] : memref<?xi64>
  }

  // Slots per sparse row: L local, G global, R random.
  %wm1 = arith.subi %window, %c1 : index
  %blocks = arith.divui %wm1, %stride : index
  %reach = arith.muli %blocks, %stride : index
  %Lblocks = arith.addi %window, %reach : index
  %noWindow = arith.cmpi eq, %window, %c0 : index
  %L = arith.select %noWindow, %c1, %Lblocks : index
  %LG = arith.addi %L, %G : index
  %S = arith.addi %LG, %random : index
  %GR = arith.addi %G, %random : index

  // Weights: [B, H, T, S] sparse rows, then [B, H, NR, T] dense rows.
  %BH = arith.muli %B, %H : index
  %BHT = arith.muli %BH, %T : index
  %sparseAll = arith.muli %BHT, %S : index
  %sparseSize = arith.select %dense, %c0, %sparseAll : index
  %NR = arith.select %dense, %T, %G : index
  %BHNR = arith.muli %BH, %NR : index
  %denseSize = arith.muli %BHNR, %T : index
  %weightsSize = arith.addi %sparseSize, %denseSize : index
  %weightsSize1 = arith.maxui %weightsSize, %c1 : index
  %weights = memref.alloc(%weightsSize1) : memref<?xf32>

  // floor((2^64 - 1) / T) for the random keys' remainder.
  %T1 = arith.maxui %T, %c1 : index
  %T64 = arith.index_castui %T1 : index to i64
  %allOnes = arith.constant -1 : i64
  %Tinv = arith.divui %allOnes, %T64 : i64

  // Per query: dense row, local range, global/random keys (i64).
  %rowWidth = arith.addi %GR, %c3 : index
  %rowsSize = arith.muli %T, %rowWidth : index
  %rowsSize1 = arith.maxui %rowsSize, %c1 : index
  %rows = memref.alloc(%rowsSize1) : memref<?xi64>

  // Blocks are (tile, head, batch row) flattened into x; the decomposition
  // divides by at least 1 and out-of-range blocks do nothing.
  %Hc = arith.maxui %H, %c1 : index
  %tiles1 = arith.ceildivui %T, %c8 : index
  %tiles1c = arith.maxui %tiles1, %c1 : index
  %grid1a = arith.muli %tiles1c, %Hc : index
  %grid1b = arith.muli %grid1a, %B : index
  %grid1 = arith.maxui %grid1b, %c1 : index

  //===--------------------------------------------------------------------===//
  // Launch 1: the attention weights.
  //===--------------------------------------------------------------------===//
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %grid1, %gy = %c1, %gz = %c1)
             threads(%lane, %warp, %tz) in (%sx = %c32, %sy = %c8, %sz = %c1)
             workgroup(%ks : memref<32x65xf32, #gpu.address_space<workgroup>>,
                       %qs : memref<8x64xf32, #gpu.address_space<workgroup>>,
                       %loS : memref<8xindex, #gpu.address_space<workgroup>>,
                       %hiS : memref<8xindex, #gpu.address_space<workgroup>>,
                       %lloS : memref<8xindex, #gpu.address_space<workgroup>>,
                       %lhiS : memref<8xindex, #gpu.address_space<workgroup>>,
                       %rowS : memref<8xindex, #gpu.address_space<workgroup>>,
                       %baseS : memref<8xindex, #gpu.address_space<workgroup>>) {
    // bx = (b * H + h) * tiles + tile
    // (32-bit: a grid has fewer than 2^31 blocks, and the GPU divides 32-bit
    // integers inline).
    %bx32 = arith.index_castui %bx : index to i32
    %tiles32 = arith.index_castui %tiles1c : index to i32
    %H32 = arith.index_castui %Hc : index to i32
    %bh32 = arith.divui %bx32, %tiles32 : i32
    %tile32 = arith.remui %bx32, %tiles32 : i32
    %b32 = arith.divui %bh32, %H32 : i32
    %h32 = arith.remui %bh32, %H32 : i32
    %tile = arith.index_castui %tile32 : i32 to index
    %b = arith.index_castui %b32 : i32 to index
    %h = arith.index_castui %h32 : i32 to index
    %bOk = arith.cmpi ult, %b, %B : index
    %hOk = arith.cmpi ult, %h, %H : index
    %blockOk = arith.andi %bOk, %hOk : i1
    // Uniform over the block: the barriers below are reached by all or none.
    scf.if %blockOk {
      %t0 = arith.muli %tile, %c8 : index
      %t = arith.addi %t0, %warp : index
      %tid0 = arith.muli %warp, %c32 : index
      %tid = arith.addi %tid0, %lane : index
      %len = func.call @ldn_gpu_attention_diffuse_length(%lengths, %has_lengths, %b, %T)
          : (memref<?xi32>, i1, index, index) -> index
      %valid = arith.cmpi ult, %t, %len : index
      %row = func.call @ldn_gpu_attention_diffuse_dense_row(%t, %dense, %globals, %G)
          : (index, i1, memref<?xi64>, index) -> index
      %local:2 = func.call @ldn_gpu_attention_diffuse_local(%t, %T, %window, %stride, %causal)
          : (index, index, index, index, i1) -> (index, index)
      %range:2 = func.call @ldn_gpu_attention_diffuse_range(%row, %local#0, %local#1, %t, %len, %causal)
          : (index, index, index, index, index, i1) -> (index, index)
      %isDense = arith.cmpi sge, %row, %c0 : index
      %lane0 = arith.cmpi eq, %lane, %c0 : index

      // The blocks of batch row 0, head 0 also record each query's row for
      // the hops: its dense row and local range here, its global/random keys
      // in B (the same for every batch row and head; empty slots are marked
      // in the weights, per batch row).
      %b0 = arith.cmpi eq, %b, %c0 : index
      %h0 = arith.cmpi eq, %h, %c0 : index
      %tInT = arith.cmpi ult, %t, %T : index
      %recorder0 = arith.andi %b0, %h0 : i1
      %recorder = arith.andi %recorder0, %tInT : i1
      scf.if %recorder {
        %tb = arith.muli %t, %rowWidth : index
        scf.if %lane0 {
          %row64 = arith.index_cast %row : index to i64
          %lo64 = arith.index_cast %local#0 : index to i64
          %hi64 = arith.index_cast %local#1 : index to i64
          %tb1 = arith.addi %tb, %c1 : index
          %tb2 = arith.addi %tb, %c2 : index
          memref.store %row64, %rows[%tb] : memref<?xi64>
          memref.store %lo64, %rows[%tb1] : memref<?xi64>
          memref.store %hi64, %rows[%tb2] : memref<?xi64>
        }
      }

      // Where this query's row starts in `weights`.
      %bhIdx0 = arith.muli %b, %H : index
      %bhIdx = arith.addi %bhIdx0, %h : index
      %sb0 = arith.muli %bhIdx, %T : index
      %sb1 = arith.addi %sb0, %t : index
      %sparseBase = arith.muli %sb1, %S : index
      %db0 = arith.muli %bhIdx, %NR : index
      %db1 = arith.addi %db0, %row : index
      %db2 = arith.muli %db1, %T : index
      %denseBase = arith.addi %sparseSize, %db2 : index
      %base = arith.select %isDense, %denseBase, %sparseBase : index

      // The union [ulo, uhi] of the tile's ranges (empty for no valid query).
      %loV = arith.select %valid, %range#0, %T : index
      %hiV = arith.select %valid, %range#1, %cm1 : index
      scf.if %lane0 {
        memref.store %loV, %loS[%warp] : memref<8xindex, #gpu.address_space<workgroup>>
        memref.store %hiV, %hiS[%warp] : memref<8xindex, #gpu.address_space<workgroup>>
        memref.store %local#0, %lloS[%warp] : memref<8xindex, #gpu.address_space<workgroup>>
        memref.store %local#1, %lhiS[%warp] : memref<8xindex, #gpu.address_space<workgroup>>
        memref.store %row, %rowS[%warp] : memref<8xindex, #gpu.address_space<workgroup>>
        memref.store %base, %baseS[%warp] : memref<8xindex, #gpu.address_space<workgroup>>
      }
      gpu.barrier
      %union:2 = scf.for %i = %c0 to %c8 step %c1 iter_args(%a = %T, %z = %cm1) -> (index, index) {
        %wl = memref.load %loS[%i] : memref<8xindex, #gpu.address_space<workgroup>>
        %wh = memref.load %hiS[%i] : memref<8xindex, #gpu.address_space<workgroup>>
        %a2 = arith.minsi %a, %wl : index
        %z2 = arith.maxsi %z, %wh : index
        scf.yield %a2, %z2 : index, index
      }
      %uend = arith.addi %union#1, %c1 : index

      // A. The contiguous ranges, 32 keys x 64 channels at a time.
      %manyChunks = arith.cmpi ugt, %d, %c64 : index
      %ml:2 = scf.for %s0 = %union#0 to %uend step %c32 iter_args(%m = %ninf, %l = %zero) -> (f32, f32) {
        %s = arith.addi %s0, %lane : index
        %s31 = arith.addi %s0, %c32 : index
        // [loV, hiV] is empty for an invalid query.
        %reachesLo = arith.cmpi sgt, %s31, %loV : index
        %startsBelowHi = arith.cmpi sle, %s0, %hiV : index
        %live = arith.andi %reachesLo, %startsBelowHi : i1
        %firstChunk = arith.cmpi eq, %s0, %union#0 : index
        %stageQ = arith.ori %firstChunk, %manyChunks : i1
        %dot = scf.for %c0i = %c0 to %d step %c64 iter_args(%acc = %zero) -> f32 {
          %dleft = arith.subi %d, %c0i : index
          %dc = arith.minui %dleft, %c64 : index
          // The previous chunk's readers are done with ks and qs.
          gpu.barrier
          %nk = arith.muli %dc, %c32 : index
          scf.for %i = %tid to %nk step %c256 {
            // %rc = (row, channel) of element i.
            %rc:2 = func.call @ldn_gpu_attention_diffuse_divrem(%i, %dc) : (index, index) -> (index, index)
            %sr = arith.addi %s0, %rc#0 : index
            %inRange = arith.cmpi sle, %sr, %union#1 : index
            %x = scf.if %inRange -> f32 {
              %ch = arith.addi %c0i, %rc#1 : index
              %kv = memref.load %k[%b, %sr, %h, %ch] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
              scf.yield %kv : f32
            } else {
              scf.yield %zero : f32
            }
            memref.store %x, %ks[%rc#0, %rc#1] : memref<32x65xf32, #gpu.address_space<workgroup>>
          }
          // The tile's Q rows: once when d fits one chunk, else per chunk.
          %nq0 = arith.muli %dc, %c8 : index
          %nq = arith.select %stageQ, %nq0, %c0 : index
          scf.for %i = %tid to %nq step %c256 {
            // %rc = (row, channel) of element i.
            %rc:2 = func.call @ldn_gpu_attention_diffuse_divrem(%i, %dc) : (index, index) -> (index, index)
            %tq = arith.addi %t0, %rc#0 : index
            %inT = arith.cmpi ult, %tq, %T : index
            %x = scf.if %inT -> f32 {
              %ch = arith.addi %c0i, %rc#1 : index
              %qv = memref.load %q[%b, %tq, %h, %ch] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
              scf.yield %qv : f32
            } else {
              scf.yield %zero : f32
            }
            memref.store %x, %qs[%rc#0, %rc#1] : memref<8x64xf32, #gpu.address_space<workgroup>>
          }
          gpu.barrier
          %acc2 = scf.if %live -> f32 {
            %sum = func.call @ldn_gpu_attention_diffuse_dot(%qs, %ks, %warp, %lane, %dc, %acc)
                : (memref<8x64xf32, #gpu.address_space<workgroup>>, memref<32x65xf32, #gpu.address_space<workgroup>>, index, index, index, f32) -> f32
            scf.yield %sum : f32
          } else {
            scf.yield %acc : f32
          }
          scf.yield %acc2 : f32
        }
        %score = arith.mulf %dot, %scale : f32
        %geLo = arith.cmpi sge, %s, %loV : index
        %leHi = arith.cmpi sle, %s, %hiV : index
        %inRow = arith.andi %geLo, %leHi : i1
        scf.if %inRow {
          %off = arith.subi %s, %loV : index
          %idx = arith.addi %base, %off : index
          memref.store %score, %weights[%idx] : memref<?xf32>
        }
        %next:2 = func.call @ldn_gpu_attention_diffuse_online(%m, %l, %score, %inRow)
            : (f32, f32, f32, i1) -> (f32, f32)
        scf.yield %next#0, %next#1 : f32, f32
      }

      // What B needs of this warp's query, read back from workgroup memory
      // rather than kept in registers across the key loop: the dense row,
      // the row start and (below) the local range.
      %rowR = memref.load %rowS[%warp] : memref<8xindex, #gpu.address_space<workgroup>>

      // B. The global and random slots of a sparse row, and their keys for
      // the row table (warp-uniform branches: the shuffles see all 32
      // lanes).
      %isDenseR = arith.cmpi sge, %rowR, %c0 : index
      %notDense = arith.xori %isDenseR, %true : i1
      %validOrRecorder = arith.ori %valid, %recorder : i1
      %withSlots = arith.andi %validOrRecorder, %notDense : i1
      %baseR = memref.load %baseS[%warp] : memref<8xindex, #gpu.address_space<workgroup>>
      %extraBase = arith.addi %baseR, %L : index
      %tKeys0 = arith.muli %t, %rowWidth : index
      %tKeys = arith.addi %tKeys0, %c3 : index
      %mlx:2 = scf.if %withSlots -> (f32, f32) {
        %lloR = memref.load %lloS[%warp] : memref<8xindex, #gpu.address_space<workgroup>>
        %lhiR = memref.load %lhiS[%warp] : memref<8xindex, #gpu.address_space<workgroup>>
        %r:2 = scf.for %j = %c0 to %GR step %c1 iter_args(%m = %ml#0, %l = %ml#1) -> (f32, f32) {
          %key = func.call @ldn_gpu_attention_diffuse_extra_key(%j, %globals, %G, %seed, %t, %T, %Tinv)
              : (index, memref<?xi64>, index, i64, index, index, i64) -> index
          %new = func.call @ldn_gpu_attention_diffuse_is_new(%j, %key, %t, %len, %lloR, %lhiR, %causal, %globals, %G, %seed, %T, %Tinv)
              : (index, index, index, index, index, index, i1, memref<?xi64>, index, i64, index, i64) -> i1
          %ok = arith.andi %new, %valid : i1
          %score = scf.if %ok -> f32 {
            %part = scf.for %c = %lane to %d step %c32 iter_args(%a = %zero) -> f32 {
              %qv = memref.load %q[%b, %t, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
              %kv = memref.load %k[%b, %key, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
              %a2 = math.fma %qv, %kv, %a : f32
              scf.yield %a2 : f32
            }
            %dotx = func.call @ldn_gpu_attention_diffuse_warp_sum(%part) : (f32) -> f32
            %sc = arith.mulf %dotx, %scale : f32
            scf.yield %sc : f32
          } else {
            scf.yield %ninf : f32
          }
          // Lane j % 32 owns slot j: it writes it now and normalizes it below.
          %jl = arith.remui %j, %c32 : index
          %owner = arith.cmpi eq, %jl, %lane : index
          %writes = arith.andi %owner, %valid : i1
          scf.if %writes {
            %idx = arith.addi %extraBase, %j : index
            memref.store %score, %weights[%idx] : memref<?xf32>
          }
          %records = arith.andi %owner, %recorder : i1
          scf.if %records {
            %key64 = arith.index_cast %key : index to i64
            %kj = arith.addi %tKeys, %j : index
            memref.store %key64, %rows[%kj] : memref<?xi64>
          }
          %take = arith.andi %owner, %ok : i1
          %next:2 = func.call @ldn_gpu_attention_diffuse_online(%m, %l, %score, %take)
              : (f32, f32, f32, i1) -> (f32, f32)
          scf.yield %next#0, %next#1 : f32, f32
        }
        scf.yield %r#0, %r#1 : f32, f32
      } else {
        scf.yield %ml#0, %ml#1 : f32, f32
      }

      // C. The row's max and sum from the lanes' (lanes without a score
      // have max -inf and add nothing).
      %M = func.call @ldn_gpu_attention_diffuse_warp_max(%mlx#0) : (f32) -> f32
      %empty = arith.cmpf oeq, %mlx#0, %ninf : f32
      %dm = arith.subf %mlx#0, %M : f32
      %em = math.exp %dm : f32
      %lm = arith.mulf %mlx#1, %em : f32
      %mine = arith.select %empty, %zero, %lm : f32
      %total = func.call @ldn_gpu_attention_diffuse_warp_sum(%mine) : (f32) -> f32
      %inv = arith.divf %one, %total : f32

      // D. Normalize: each lane rewrites exactly the scores it wrote.
      scf.if %valid {
        // The row's range and the union's start, read back likewise.
        %loR = memref.load %loS[%warp] : memref<8xindex, #gpu.address_space<workgroup>>
        %hiR = memref.load %hiS[%warp] : memref<8xindex, #gpu.address_space<workgroup>>
        %ulo = scf.for %i = %c0 to %c8 step %c1 iter_args(%a = %T) -> index {
          %wl = memref.load %loS[%i] : memref<8xindex, #gpu.address_space<workgroup>>
          %a2 = arith.minsi %a, %wl : index
          scf.yield %a2 : index
        }
        %skip = arith.subi %loR, %ulo : index
        %skipChunks = arith.divui %skip, %c32 : index
        %skipKeys = arith.muli %skipChunks, %c32 : index
        %start = arith.addi %ulo, %skipKeys : index
        %end = arith.addi %hiR, %c1 : index
        scf.for %s0 = %start to %end step %c32 {
          %s = arith.addi %s0, %lane : index
          %geLo = arith.cmpi sge, %s, %loR : index
          %leHi = arith.cmpi sle, %s, %hiR : index
          %inRow = arith.andi %geLo, %leHi : i1
          scf.if %inRow {
            %off = arith.subi %s, %loR : index
            %idx = arith.addi %baseR, %off : index
            %x = memref.load %weights[%idx] : memref<?xf32>
            %dx = arith.subf %x, %M : f32
            %ex = math.exp %dx : f32
            %w = arith.mulf %ex, %inv : f32
            memref.store %w, %weights[%idx] : memref<?xf32>
          }
        }
        scf.if %notDense {
          scf.for %j = %lane to %GR step %c32 {
            %idx = arith.addi %extraBase, %j : index
            %x = memref.load %weights[%idx] : memref<?xf32>
            // NaN scores stay edges, as in the reference.
            %edge = arith.cmpf une, %x, %ninf : f32
            %dx = arith.subf %x, %M : f32
            %ex = math.exp %dx : f32
            %w = arith.mulf %ex, %inv : f32
            %ws = arith.select %edge, %w, %minus1 : f32
            memref.store %ws, %weights[%idx] : memref<?xf32>
          }
        }
      }
    }
    gpu.terminator
  }

  //===--------------------------------------------------------------------===//
  // Launches 2..: the hops.
  //===--------------------------------------------------------------------===//
  // Lanes per query: e rounded up to a power of two, at most 32.
  %le1 = arith.cmpi ule, %e, %c1 : index
  %le2 = arith.cmpi ule, %e, %c2 : index
  %le4 = arith.cmpi ule, %e, %c4 : index
  %le8 = arith.cmpi ule, %e, %c8 : index
  %le16 = arith.cmpi ule, %e, %c16 : index
  %ew16 = arith.select %le16, %c16, %c32 : index
  %ew8 = arith.select %le8, %c8, %ew16 : index
  %ew4 = arith.select %le4, %c4, %ew8 : index
  %ew2 = arith.select %le2, %c2, %ew4 : index
  %EW = arith.select %le1, %c1, %ew2 : index
  %log16 = arith.select %le16, %c4, %c5 : index
  %log8 = arith.select %le8, %c3, %log16 : index
  %log4 = arith.select %le4, %c2, %log8 : index
  %log2 = arith.select %le2, %c1, %log4 : index
  %EWlog = arith.select %le1, %c0, %log2 : index
  %EWmask = arith.subi %EW, %c1 : index
  %QPB = arith.divui %c256, %EW : index
  %tiles2 = arith.ceildivui %T, %QPB : index
  %tiles2c = arith.maxui %tiles2, %c1 : index
  %grid2a = arith.muli %tiles2c, %Hc : index
  %grid2b = arith.muli %grid2a, %B : index
  %grid2 = arith.maxui %grid2b, %c1 : index

  // Scratch: ppr's other Z (hops >= 2), coeffs' two powers of A times V.
  %isPPR = arith.cmpi eq, %mode, %c0 : index
  %isCoeffs = arith.cmpi eq, %mode, %c2 : index
  %twoHops = arith.cmpi uge, %hops, %c2 : index
  %threeHops = arith.cmpi uge, %hops, %c3 : index
  %multi = arith.ori %isPPR, %isCoeffs : i1
  %need1 = arith.andi %multi, %twoHops : i1
  %need2 = arith.andi %isCoeffs, %threeHops : i1
  %TH = arith.muli %T, %H : index
  %rowStride = arith.muli %TH, %e : index
  %tokenStride = arith.muli %H, %e : index
  %values = arith.muli %rowStride, %B : index
  %size1 = arith.select %need1, %values, %c1 : index
  %size2 = arith.select %need2, %values, %c1 : index
  %size1c = arith.maxui %size1, %c1 : index
  %size2c = arith.maxui %size2, %c1 : index
  %scratch1 = memref.alloc(%size1c) : memref<?xf32>
  %scratch2 = memref.alloc(%size2c) : memref<?xf32>
  %tmp1 = memref.reinterpret_cast %scratch1 to offset: [0], sizes: [%B, %T, %H, %e], strides: [%rowStride, %tokenStride, %e, 1]
      : memref<?xf32> to memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
  %tmp2 = memref.reinterpret_cast %scratch2 to offset: [0], sizes: [%B, %T, %H, %e], strides: [%rowStride, %tokenStride, %e, 1]
      : memref<?xf32> to memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>

  %keep = arith.subf %one, %alpha : f32
  %hopsm1 = arith.subi %hops, %c1 : index
  scf.for %hop = %c0 to %hops step %c1 {
    %firstHop = arith.cmpi eq, %hop, %c0 : index
    %lastHop = arith.cmpi eq, %hop, %hopsm1 : index
    // ppr: Z_{hop+1} goes to the output when hops - 1 - hop is even, so
    // the last hop lands there; Z_hop is where the previous hop put it.
    %left = arith.subi %hopsm1, %hop : index
    %leftOdd = arith.andi %left, %c1 : index
    %toOut = arith.cmpi eq, %leftOdd, %c0 : index
    %zDst = arith.select %toOut, %out, %tmp1 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %zPrev = arith.select %toOut, %tmp1, %out : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %zSrc = arith.select %firstHop, %v, %zPrev : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    // coeffs: A^(hop+1) V goes to tmp1 for even hops, tmp2 for odd ones.
    %hopOdd0 = arith.andi %hop, %c1 : index
    %hopOdd = arith.cmpi ne, %hopOdd0, %c0 : index
    %pDst = arith.select %hopOdd, %tmp2, %tmp1 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %pPrev = arith.select %hopOdd, %tmp1, %tmp2 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %pSrc = arith.select %firstHop, %v, %pPrev : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %sumSrc = arith.select %firstHop, %v, %out : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %notLast = arith.xori %lastHop, %true : i1
    %coef:2 = scf.if %isCoeffs -> (f32, f32) {
      %hp1 = arith.addi %hop, %c1 : index
      %theta = memref.load %coeffs[%hp1] : memref<?xf32>
      %theta0 = memref.load %coeffs[%c0] : memref<?xf32>
      %cu = arith.select %firstHop, %theta0, %one : f32
      scf.yield %theta, %cu : f32, f32
    } else {
      %lap = arith.cmpi eq, %mode, %c1 : index
      %a = arith.select %lap, %one, %keep : f32
      %cu = arith.select %lap, %minus1, %alpha : f32
      scf.yield %a, %cu : f32, f32
    }
    // (x, u, y, p): ppr (Z_hop, V, Z_hop+1, -), laplacian (V, V, out, -),
    // coeffs (A^hop V, running sum, out, A^(hop+1) V).
    %x0 = arith.select %isPPR, %zSrc, %v : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %x = arith.select %isCoeffs, %pSrc, %x0 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %u = arith.select %isCoeffs, %sumSrc, %v : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %y = arith.select %isPPR, %zDst, %out : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %p = arith.select %isCoeffs, %pDst, %out : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    %writeP = arith.andi %isCoeffs, %notLast : i1

    gpu.launch blocks(%bx, %by, %bz) in (%gx = %grid2, %gy = %c1, %gz = %c1)
               threads(%tid, %ty, %tz) in (%sx = %c256, %sy = %c1, %sz = %c1) {
      // bx = (b * H + h) * tiles + tile, as in launch 1
      // (32-bit: a grid has fewer than 2^31 blocks, and the GPU divides 32-bit
      // integers inline).
      %bx32 = arith.index_castui %bx : index to i32
      %tiles32 = arith.index_castui %tiles2c : index to i32
      %H32 = arith.index_castui %Hc : index to i32
      %bh32 = arith.divui %bx32, %tiles32 : i32
      %tile32 = arith.remui %bx32, %tiles32 : i32
      %b32 = arith.divui %bh32, %H32 : i32
      %h32 = arith.remui %bh32, %H32 : i32
      %tile = arith.index_castui %tile32 : i32 to index
      %b = arith.index_castui %b32 : i32 to index
      %h = arith.index_castui %h32 : i32 to index
      %group = arith.shrui %tid, %EWlog : index
      %ci = arith.andi %tid, %EWmask : index
      %t0 = arith.muli %tile, %QPB : index
      %t = arith.addi %t0, %group : index
      %bOk = arith.cmpi ult, %b, %B : index
      %hOk = arith.cmpi ult, %h, %H : index
      %tOk = arith.cmpi ult, %t, %T : index
      %ok0 = arith.andi %bOk, %hOk : i1
      %ok = arith.andi %ok0, %tOk : i1
      scf.if %ok {
        %len = func.call @ldn_gpu_attention_diffuse_length(%lengths, %has_lengths, %b, %T)
            : (memref<?xi32>, i1, index, index) -> index
        %valid = arith.cmpi ult, %t, %len : index
        scf.if %valid {
          // The row as launch 1 recorded it.
          %tb = arith.muli %t, %rowWidth : index
          %tb1 = arith.addi %tb, %c1 : index
          %tb2 = arith.addi %tb, %c2 : index
          %keys = arith.addi %tb, %c3 : index
          %row64 = memref.load %rows[%tb] : memref<?xi64>
          %lo64 = memref.load %rows[%tb1] : memref<?xi64>
          %hi64 = memref.load %rows[%tb2] : memref<?xi64>
          %row = arith.index_cast %row64 : i64 to index
          %lo = arith.index_cast %lo64 : i64 to index
          %hi = arith.index_cast %hi64 : i64 to index
          %range:2 = func.call @ldn_gpu_attention_diffuse_range(%row, %lo, %hi, %t, %len, %causal)
              : (index, index, index, index, index, i1) -> (index, index)
          %isDense = arith.cmpi sge, %row, %c0 : index
          %bhIdx0 = arith.muli %b, %H : index
          %bhIdx = arith.addi %bhIdx0, %h : index
          %sb0 = arith.muli %bhIdx, %T : index
          %sb1 = arith.addi %sb0, %t : index
          %sparseBase = arith.muli %sb1, %S : index
          %db0 = arith.muli %bhIdx, %NR : index
          %db1 = arith.addi %db0, %row : index
          %db2 = arith.muli %db1, %T : index
          %denseBase = arith.addi %sparseSize, %db2 : index
          %base = arith.select %isDense, %denseBase, %sparseBase : index
          %extraBase = arith.addi %base, %L : index
          %n0 = arith.subi %range#1, %range#0 : index
          %n = arith.addi %n0, %c1 : index
          %notDense = arith.xori %isDense, %true : i1
          scf.for %c = %ci to %e step %EW {
            %acc = func.call @ldn_gpu_attention_diffuse_gather(%weights, %base, %x, %b, %range#0, %h, %c, %n)
                : (memref<?xf32>, index, memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, index, index, index, index, index) -> f32
            %acc2 = scf.if %notDense -> f32 {
              %r = scf.for %j = %c0 to %GR step %c1 iter_args(%a = %acc) -> f32 {
                %idx = arith.addi %extraBase, %j : index
                %w = memref.load %weights[%idx] : memref<?xf32>
                // Empty slots hold -1; NaN weights propagate.
                %edge = arith.cmpf uge, %w, %zero : f32
                %a3 = scf.if %edge -> f32 {
                  %kj = arith.addi %keys, %j : index
                  %key64 = memref.load %rows[%kj] : memref<?xi64>
                  %key = arith.index_cast %key64 : i64 to index
                  %zv = memref.load %x[%b, %key, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
                  %a2 = math.fma %w, %zv, %a : f32
                  scf.yield %a2 : f32
                } else {
                  scf.yield %a : f32
                }
                scf.yield %a3 : f32
              }
              scf.yield %r : f32
            } else {
              scf.yield %acc : f32
            }
            %uv = memref.load %u[%b, %t, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
            %ax = arith.mulf %coef#0, %acc2 : f32
            %cu = arith.mulf %coef#1, %uv : f32
            %yv = arith.addf %ax, %cu : f32
            memref.store %yv, %y[%b, %t, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
            scf.if %writeP {
              memref.store %acc2, %p[%b, %t, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
            }
          }
        } else {
          scf.for %c = %ci to %e step %EW {
            memref.store %zero, %y[%b, %t, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
          }
        }
      }
      gpu.terminator
    }
  }

  memref.dealloc %scratch2 : memref<?xf32>
  memref.dealloc %scratch1 : memref<?xf32>
  memref.dealloc %weights : memref<?xf32>
  memref.dealloc %rows : memref<?xi64>
  memref.dealloc %globals : memref<?xi64>
  return
}
