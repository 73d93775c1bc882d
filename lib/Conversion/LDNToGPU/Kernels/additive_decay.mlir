// ldn.additive_decay on the GPU, over k viewed as [B, T, C] (C = H*d: the
// channels of a row are contiguous). Lane = channel in every launch, so each
// global access of a warp is 32 consecutive floats (coalesced); a block is
// 32 lanes x 8 warps and owns a tile of 32 channels.
//
// Causal: z_t = logaddexp(z_{t-1}, k_t) is a scan with an associative
// combine (log-sum-exp), run like scan.mlir. Grid: ceil(C / 32) x B blocks,
// each walking all of T for its tile in chunks of 8 warps x 8 steps:
//   1. warp w reads its 8 keys (once, into shared memory) and reduces them
//      to their log-sum-exp, max + log Σ exp(k - max): one exp per key;
//   2. after a barrier, each warp combines the chunk's carry-in z with the
//      aggregates of the warps before it (its own carry-in), and every thread
//      also combines all 8 (the next chunk's carry, no further barrier; the
//      aggregates are double-buffered by chunk parity, so the next chunk's
//      writes cannot race with this chunk's reads);
//   3. each thread walks its 8 steps sequentially from its carry-in with the
//      CPU lowering's step: with δ = z_{t-1} - k_t and e = exp(-|δ|),
//        z_t = max(z_{t-1}, k_t) + log1p(e), decay_t = min(δ, 0) - log1p(e),
//        k_norm_t = (δ > 0 ? e : 1) / (1 + e),
//      so decay and k_norm come from δ and not from the difference of two
//      large running sums (accurate for long sequences), and decay_0 = -inf
//      exactly without a sink (z_{-1} = -inf gives δ = -inf, e = 0).
// Every key is read once, every output written once.
//
// Non-causal: k_norm is a softmax over t per channel, decay all zeros. Two
// launches over the same grid, ceil(C / 32) x B x P blocks, where block p
// owns a span of about T / P rows (P <= 64 splits of >= 256 rows, so short
// sequences stay in one block and long ones spread over the GPU):
//   1. each thread keeps an online (max m, Σ exp(k - m)) over its rows (one
//      exp per key), the 8 warps are combined in shared memory and the
//      block's partial (m, s) for its channels goes to a [2, P, B, C] scratch;
//   2. each block combines the P partials of its channels and writes
//      k_norm = exp(k - m) / s and decay = 0 for its rows.
// The keys are read twice (the maximum must be known before any output),
// every output written once. A log-sum-exp uses the shift max when finite
// and 0 when the maximum is -inf (an empty sum): then every exp is of -inf,
// the sum is 0 and the result -inf, never NaN.
func.func private @ldn_gpu_additive_decay(
    %k: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %k_norm: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %decay: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %causal: i1, %z_init: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %B = memref.dim %k, %c0 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %T = memref.dim %k, %c1 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %C = memref.dim %k, %c2 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %tiles = arith.ceildivui %C, %c32 : index
  %rows = arith.muli %tiles, %B : index
  // Empty outputs need no launch (and a grid is never 0).
  %work = arith.muli %rows, %T : index
  %nonempty = arith.cmpi ugt, %work, %c0 : index
  scf.if %nonempty {
    scf.if %causal {
      gpu.launch blocks(%bx, %by, %bz) in (%gx = %rows, %gy = %c1, %gz = %c1)
                 threads(%lane, %warp, %tz) in (%sx = %c32, %sy = %c8, %sz = %c1)
                 workgroup(%keys : memref<8x8x32xf32, #gpu.address_space<workgroup>>,
                           %aggs : memref<2x8x32xf32, #gpu.address_space<workgroup>>) {
        %tile = arith.remui %bx, %tiles : index
        %b = arith.divui %bx, %tiles : index
        %tile0 = arith.muli %tile, %c32 : index
        %c = arith.addi %tile0, %lane : index
        %active = arith.cmpi ult, %c, %C : index
        %base = arith.muli %warp, %c8 : index
        %chunks:2 = scf.for %t0 = %c0 to %T step %c64
            iter_args(%carry = %z_init, %parity = %c0) -> (f32, index) {
          %start = arith.addi %t0, %base : index
          // 1. This warp's keys (-inf past T: the empty sum) and their
          //    log-sum-exp.
          %max = scf.for %i = %c0 to %c8 step %c1 iter_args(%m = %ninf) -> f32 {
            %t = arith.addi %start, %i : index
            %inT = arith.cmpi ult, %t, %T : index
            %ok = arith.andi %inT, %active : i1
            %key = scf.if %ok -> f32 {
              %x = memref.load %k[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
              scf.yield %x : f32
            } else {
              scf.yield %ninf : f32
            }
            memref.store %key, %keys[%warp, %i, %lane] : memref<8x8x32xf32, #gpu.address_space<workgroup>>
            %m2 = arith.maximumf %m, %key : f32
            scf.yield %m2 : f32
          }
          %empty = arith.cmpf oeq, %max, %ninf : f32
          %shift = arith.select %empty, %zero, %max : f32
          %sum = scf.for %i = %c0 to %c8 step %c1 iter_args(%s = %zero) -> f32 {
            %key = memref.load %keys[%warp, %i, %lane] : memref<8x8x32xf32, #gpu.address_space<workgroup>>
            %d = arith.subf %key, %shift : f32
            %e = math.exp %d : f32
            %s2 = arith.addf %s, %e : f32
            scf.yield %s2 : f32
          }
          %logSum = math.log %sum : f32
          %agg = arith.addf %shift, %logSum : f32
          memref.store %agg, %aggs[%parity, %warp, %lane] : memref<2x8x32xf32, #gpu.address_space<workgroup>>
          gpu.barrier
          // 2. log-sum-exp of the carry and the aggregates of the warps
          //    before this one (this warp's carry-in) and of all of them (the
          //    next chunk's carry): maxima first, then the shifted sums.
          %maxima:2 = scf.for %w = %c0 to %c8 step %c1
              iter_args(%mMine = %carry, %mAll = %carry) -> (f32, f32) {
            %a = memref.load %aggs[%parity, %w, %lane] : memref<2x8x32xf32, #gpu.address_space<workgroup>>
            %before = arith.cmpi ult, %w, %warp : index
            %mAll2 = arith.maximumf %mAll, %a : f32
            %mMax = arith.maximumf %mMine, %a : f32
            %mMine2 = arith.select %before, %mMax, %mMine : f32
            scf.yield %mMine2, %mAll2 : f32, f32
          }
          %emptyMine = arith.cmpf oeq, %maxima#0, %ninf : f32
          %shiftMine = arith.select %emptyMine, %zero, %maxima#0 : f32
          %emptyAll = arith.cmpf oeq, %maxima#1, %ninf : f32
          %shiftAll = arith.select %emptyAll, %zero, %maxima#1 : f32
          %dMine0 = arith.subf %carry, %shiftMine : f32
          %sMine0 = math.exp %dMine0 : f32
          %dAll0 = arith.subf %carry, %shiftAll : f32
          %sAll0 = math.exp %dAll0 : f32
          %sums:2 = scf.for %w = %c0 to %c8 step %c1
              iter_args(%sMine = %sMine0, %sAll = %sAll0) -> (f32, f32) {
            %a = memref.load %aggs[%parity, %w, %lane] : memref<2x8x32xf32, #gpu.address_space<workgroup>>
            %before = arith.cmpi ult, %w, %warp : index
            %dAll = arith.subf %a, %shiftAll : f32
            %eAll = math.exp %dAll : f32
            %sAll2 = arith.addf %sAll, %eAll : f32
            %dMine = arith.subf %a, %shiftMine : f32
            %eMine = math.exp %dMine : f32
            %eMine2 = arith.select %before, %eMine, %zero : f32
            %sMine2 = arith.addf %sMine, %eMine2 : f32
            scf.yield %sMine2, %sAll2 : f32, f32
          }
          %logMine = math.log %sums#0 : f32
          %carryIn = arith.addf %shiftMine, %logMine : f32
          %logAll = math.log %sums#1 : f32
          %carryOut = arith.addf %shiftAll, %logAll : f32
          // 3. The steps, sequentially from the carry-in (header).
          %last = scf.for %i = %c0 to %c8 step %c1 iter_args(%z = %carryIn) -> f32 {
            %key = memref.load %keys[%warp, %i, %lane] : memref<8x8x32xf32, #gpu.address_space<workgroup>>
            %delta = arith.subf %z, %key : f32
            %absDelta = math.absf %delta : f32
            %negAbs = arith.negf %absDelta : f32
            %e = math.exp %negAbs : f32
            %tail = math.log1p %e : f32
            %larger = arith.maximumf %z, %key : f32
            // Both -inf (no sink, only -inf keys so far): the sum is still
            // empty, z stays -inf (δ, decay and k_norm are NaN, as in ops.md).
            %stillEmpty = arith.cmpf oeq, %larger, %ninf : f32
            %grown = arith.addf %larger, %tail : f32
            %zNext = arith.select %stillEmpty, %larger, %grown : f32
            %t = arith.addi %start, %i : index
            %inT = arith.cmpi ult, %t, %T : index
            %ok = arith.andi %inT, %active : i1
            scf.if %ok {
              %negPart = arith.minimumf %delta, %zero : f32
              %dec = arith.subf %negPart, %tail : f32
              %positive = arith.cmpf ogt, %delta, %zero : f32
              %num = arith.select %positive, %e, %one : f32
              %den = arith.addf %one, %e : f32
              %kn = arith.divf %num, %den : f32
              memref.store %kn, %k_norm[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
              memref.store %dec, %decay[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
            }
            scf.yield %zNext : f32
          }
          %flipped = arith.subi %c1, %parity : index
          scf.yield %carryOut, %flipped : f32, index
        }
        gpu.terminator
      }
    } else {
      // P splits of T, each >= 256 rows, at most 64.
      %wanted = arith.ceildivui %T, %c256 : index
      %splits = arith.minui %wanted, %c64 : index
      %span = arith.ceildivui %T, %splits : index
      %blocks = arith.muli %rows, %splits : index
      %partials = memref.alloc(%splits, %B, %C) : memref<2x?x?x?xf32>
      // 1. Per block, the (max, sum) of its rows for its 32 channels.
      gpu.launch blocks(%bx, %by, %bz) in (%gx = %blocks, %gy = %c1, %gz = %c1)
                 threads(%lane, %warp, %tz) in (%sx = %c32, %sy = %c8, %sz = %c1)
                 workgroup(%maxes : memref<8x32xf32, #gpu.address_space<workgroup>>,
                           %sums : memref<8x32xf32, #gpu.address_space<workgroup>>) {
        %tile = arith.remui %bx, %tiles : index
        %rest = arith.divui %bx, %tiles : index
        %p = arith.remui %rest, %splits : index
        %b = arith.divui %rest, %splits : index
        %tile0 = arith.muli %tile, %c32 : index
        %c = arith.addi %tile0, %lane : index
        %active = arith.cmpi ult, %c, %C : index
        %first = arith.muli %p, %span : index
        %start = arith.addi %first, %warp : index
        %stop0 = arith.addi %first, %span : index
        %stop = arith.minui %stop0, %T : index
        // Online: (m, s) with s = Σ exp(k - m); a larger key rescales s by
        // e = exp(-|k - m|), a smaller one adds e; while every key is -inf
        // (e is NaN) s stays 0.
        %online:2 = scf.for %t = %start to %stop step %c8
            iter_args(%m = %ninf, %s = %zero) -> (f32, f32) {
          %key = scf.if %active -> f32 {
            %x = memref.load %k[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
            scf.yield %x : f32
          } else {
            scf.yield %ninf : f32
          }
          %larger = arith.cmpf ogt, %key, %m : f32
          %diff = arith.subf %key, %m : f32
          %absDiff = math.absf %diff : f32
          %negAbs = arith.negf %absDiff : f32
          %e = math.exp %negAbs : f32
          %rescaled = math.fma %s, %e, %one : f32
          %added = arith.addf %s, %e : f32
          %s1 = arith.select %larger, %rescaled, %added : f32
          %m2 = arith.maximumf %m, %key : f32
          %stillEmpty = arith.cmpf oeq, %m2, %ninf : f32
          %s2 = arith.select %stillEmpty, %zero, %s1 : f32
          scf.yield %m2, %s2 : f32, f32
        }
        memref.store %online#0, %maxes[%warp, %lane] : memref<8x32xf32, #gpu.address_space<workgroup>>
        memref.store %online#1, %sums[%warp, %lane] : memref<8x32xf32, #gpu.address_space<workgroup>>
        gpu.barrier
        %firstWarp = arith.cmpi eq, %warp, %c0 : index
        %store = arith.andi %firstWarp, %active : i1
        scf.if %store {
          %mBlock = scf.for %w = %c0 to %c8 step %c1 iter_args(%m = %ninf) -> f32 {
            %mw = memref.load %maxes[%w, %lane] : memref<8x32xf32, #gpu.address_space<workgroup>>
            %m2 = arith.maximumf %m, %mw : f32
            scf.yield %m2 : f32
          }
          %empty = arith.cmpf oeq, %mBlock, %ninf : f32
          %shift = arith.select %empty, %zero, %mBlock : f32
          %sBlock = scf.for %w = %c0 to %c8 step %c1 iter_args(%s = %zero) -> f32 {
            %mw = memref.load %maxes[%w, %lane] : memref<8x32xf32, #gpu.address_space<workgroup>>
            %sw = memref.load %sums[%w, %lane] : memref<8x32xf32, #gpu.address_space<workgroup>>
            %d = arith.subf %mw, %shift : f32
            %e = math.exp %d : f32
            %s2 = math.fma %sw, %e, %s : f32
            scf.yield %s2 : f32
          }
          memref.store %mBlock, %partials[%c0, %p, %b, %c] : memref<2x?x?x?xf32>
          memref.store %sBlock, %partials[%c1, %p, %b, %c] : memref<2x?x?x?xf32>
        }
        gpu.terminator
      }
      // 2. Per block, the P partials of its channels combined, then its rows
      //    normalized.
      gpu.launch blocks(%bx, %by, %bz) in (%gx = %blocks, %gy = %c1, %gz = %c1)
                 threads(%lane, %warp, %tz) in (%sx = %c32, %sy = %c8, %sz = %c1) {
        %tile = arith.remui %bx, %tiles : index
        %rest = arith.divui %bx, %tiles : index
        %p = arith.remui %rest, %splits : index
        %b = arith.divui %rest, %splits : index
        %tile0 = arith.muli %tile, %c32 : index
        %c = arith.addi %tile0, %lane : index
        %active = arith.cmpi ult, %c, %C : index
        scf.if %active {
          %mAll = scf.for %q = %c0 to %splits step %c1 iter_args(%m = %ninf) -> f32 {
            %mq = memref.load %partials[%c0, %q, %b, %c] : memref<2x?x?x?xf32>
            %m2 = arith.maximumf %m, %mq : f32
            scf.yield %m2 : f32
          }
          %empty = arith.cmpf oeq, %mAll, %ninf : f32
          %shift = arith.select %empty, %zero, %mAll : f32
          %sAll = scf.for %q = %c0 to %splits step %c1 iter_args(%s = %zero) -> f32 {
            %mq = memref.load %partials[%c0, %q, %b, %c] : memref<2x?x?x?xf32>
            %sq = memref.load %partials[%c1, %q, %b, %c] : memref<2x?x?x?xf32>
            %d = arith.subf %mq, %shift : f32
            %e = math.exp %d : f32
            %s2 = math.fma %sq, %e, %s : f32
            scf.yield %s2 : f32
          }
          // A channel whose keys are all -inf gets k_norm 0 (as on the CPU).
          %invSum = arith.divf %one, %sAll : f32
          %scale = arith.select %empty, %zero, %invSum : f32
          %first = arith.muli %p, %span : index
          %start = arith.addi %first, %warp : index
          %stop0 = arith.addi %first, %span : index
          %stop = arith.minui %stop0, %T : index
          scf.for %t = %start to %stop step %c8 {
            %key = memref.load %k[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
            %d = arith.subf %key, %shift : f32
            %e = math.exp %d : f32
            %kn = arith.mulf %e, %scale : f32
            memref.store %kn, %k_norm[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
            memref.store %zero, %decay[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          }
        }
        gpu.terminator
      }
      memref.dealloc %partials : memref<2x?x?x?xf32>
    }
  }
  return
}
