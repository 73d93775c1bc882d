// ldn.diffuse on the GPU: `steps` explicit Euler steps x <- x + dt * alpha * (K x)
// on [B, T, D], K the banded path-graph Laplacian of offsets 1..R whose edges
// leaving the sequence do not exist (ops.md section 1). alpha is a [B, T, D]
// view; a per-channel alpha is the stride-(0, 0, 1) view and `per_channel`.
//
// Blocked kernel (R <= HMAX, HMAX = 30, or 60 when causal): temporal
// blocking. Grid: (T tiles x B, channel tiles of 32), block: 32 lanes x
// 8 warps; lane = channel, so every global access of a warp is 32
// consecutive floats. One launch runs S sub-steps; with H = S * R, a block
// owns the TT = 120 - 2H output rows [t0, t0 + TT) (causal: TT = 120 - H, no
// right halo, since row t only depends on rows before it) and loads the 120
// rows [t0 - H, t0 + TT + H) of its channel tile once into shared memory
// (rows outside [0, T) are not loaded, and their edges are dropped below).
// Sub-step s updates the rows that are still exact after s steps,
// [s R, 120 - s R) (causal: [s R, 120)), from one shared buffer into the
// other (two buffers, a barrier per sub-step); each row's edges are tested
// against the true sequence ends 0 and T, so tiles at the ends apply exactly
// the row-sum-zero boundary of ops.md, and the halo shrinks by R per sub-step
// until the last one leaves exactly the tile's TT rows, written to global
// memory once. Warp w owns the shared rows w, w + 8, ...; the R weights
// sit in shared memory, the rate dt * alpha in a register (per channel) or
// in a shared row buffer filled with the tile (data-dependent alpha). Shared
// memory is dynamic: two 120 x 32 buffers and 64 weights (30.25 KiB), plus
// the 120 x 32 rates for a data-dependent alpha (45.25 KiB).
//
// Launches: S = min(steps, HMAX / R) sub-steps per launch bounds the halo at
// a quarter of the loaded rows (half when causal: one side), so every input
// row is read at most twice per launch; `steps` is then split into
// ceil(steps / S) launches of balanced size. Launches alternate between the
// result and a temporary buffer, so that the last one writes the result.
//
// Wide kernel (R > HMAX, where the halo would not fit): one step per launch,
// `steps` launches alternating between the buffers as above.
// A block owns 64 rows x 32 channels and streams the rows [t0 - R, t1 + R)
// through a 128-row shared chunk; each thread accumulates K x of its rows
// (w, w + 8, ...) in a shared slot only it uses, and writes its rows once.
func.func private @ldn_gpu_diffuse(
    %x: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %w: memref<?xf32, strided<[?], offset: ?>>,
    %alpha: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %y: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %dt: f32, %steps: index, %causal: i1, %per_channel: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c15 = arith.constant 15 : index
  %c30 = arith.constant 30 : index
  %c32 = arith.constant 32 : index
  %c60 = arith.constant 60 : index
  %c64 = arith.constant 64 : index
  %c120 = arith.constant 120 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %c30720 = arith.constant 30720 : index
  %c30976 = arith.constant 30976 : index
  %c65535 = arith.constant 65535 : index
  %zero = arith.constant 0.0 : f32
  %true = arith.constant true
  %B = memref.dim %x, %c0 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %T = memref.dim %x, %c1 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %D = memref.dim %x, %c2 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %R = memref.dim %w, %c0 : memref<?xf32, strided<[?], offset: ?>>
  %R1 = arith.addi %R, %c1 : index
  %has_rows = arith.cmpi sgt, %T, %c0 : index
  %ctiles = arith.ceildivui %D, %c32 : index
  %gy_max = arith.minui %ctiles, %c65535 : index
  %gy = arith.maxui %gy_max, %c1 : index

  // Sub-steps per launch and the number of launches (see the header).
  %hmax = arith.select %causal, %c60, %c30 : index
  %wide = arith.cmpi ugt, %R, %hmax : index
  %R_pos = arith.maxui %R, %c1 : index
  %fit = arith.divui %hmax, %R_pos : index
  %fit_steps = arith.minui %fit, %steps : index
  %fit_pos = arith.maxui %fit_steps, %c1 : index
  %max_sub = arith.select %wide, %c1, %fit_pos : index
  %launches = arith.ceildivui %steps, %max_sub : index
  %per_launch = arith.ceildivui %steps, %launches : index
  %several = arith.cmpi ugt, %launches, %c1 : index
  %tmp = scf.if %several -> (memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>) {
    %buffer = memref.alloc(%B, %T, %D) : memref<?x?x?xf32>
    %view = memref.cast %buffer : memref<?x?x?xf32> to memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
    scf.yield %view : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  } else {
    scf.yield %y : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  }
  %last_launch = arith.subi %launches, %c1 : index

  %final_state = scf.for %k = %c0 to %launches step %c1
      iter_args(%src = %x) -> (memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>) {
    %done = arith.muli %k, %per_launch : index
    %remaining = arith.subi %steps, %done : index
    %sub = arith.minui %per_launch, %remaining : index
    // The last launch writes the result, the one before it the temporary.
    %from_last = arith.subi %last_launch, %k : index
    %parity = arith.andi %from_last, %c1 : index
    %to_result = arith.cmpi eq, %parity, %c0 : index
    %dst = arith.select %to_result, %y, %tmp : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>

    scf.if %wide {
      %w_ttiles = arith.ceildivui %T, %c64 : index
      %w_ttiles_pos = arith.maxui %w_ttiles, %c1 : index
      %w_blocks = arith.muli %w_ttiles_pos, %B : index
      %w_gx = arith.maxui %w_blocks, %c1 : index
      gpu.launch blocks(%bx, %by, %bz) in (%gx = %w_gx, %gy_ = %gy, %gz = %c1)
                 threads(%lane, %warp, %tz) in (%sx = %c32, %sy = %c8, %sz = %c1)
                 workgroup(%chunk : memref<128x32xf32, #gpu.address_space<workgroup>>,
                           %center : memref<64x32xf32, #gpu.address_space<workgroup>>,
                           %kx : memref<64x32xf32, #gpu.address_space<workgroup>>) {
        %b = arith.divui %bx, %w_ttiles_pos : index
        %tt = arith.remui %bx, %w_ttiles_pos : index
        %in_batch = arith.cmpi ult, %b, %B : index
        scf.if %in_batch {
          %t0 = arith.muli %tt, %c64 : index
          %t0_end = arith.addi %t0, %c64 : index
          %t1 = arith.minui %t0_end, %T : index
          // Neighbour rows of the tile: [t0 - R, t1 + R), or [t0 - R, t1 - 1)
          // when causal, clamped to the sequence.
          %t0_back = arith.subi %t0, %R : index
          %n_lo = arith.maxsi %t0_back, %c0 : index
          %t1_fwd = arith.addi %t1, %R : index
          %n_hi_sym = arith.minsi %t1_fwd, %T : index
          %t1_prev = arith.subi %t1, %c1 : index
          %n_hi = arith.select %causal, %t1_prev, %n_hi_sym : index
          scf.for %ct = %by to %ctiles step %gy {
            %c_base = arith.muli %ct, %c32 : index
            %c = arith.addi %c_base, %lane : index
            %active = arith.cmpi ult, %c, %D : index
            %rate_ok = arith.andi %active, %has_rows : i1
            %rate_ch = arith.andi %rate_ok, %per_channel : i1
            %rate0 = scf.if %rate_ch -> f32 {
              %a = memref.load %alpha[%b, %c0, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
              %r = arith.mulf %dt, %a : f32
              scf.yield %r : f32
            } else {
              scf.yield %zero : f32
            }
            // This thread's rows: their values and K x accumulators.
            scf.for %i = %warp to %c64 step %c8 {
              %t = arith.addi %t0, %i : index
              %in_t = arith.cmpi ult, %t, %T : index
              %ok = arith.andi %in_t, %active : i1
              scf.if %ok {
                %xv = memref.load %src[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
                memref.store %xv, %center[%i, %lane] : memref<64x32xf32, #gpu.address_space<workgroup>>
                memref.store %zero, %kx[%i, %lane] : memref<64x32xf32, #gpu.address_space<workgroup>>
              }
            }
            scf.for %a0 = %n_lo to %n_hi step %c128 {
              // The previous chunk has been used by every thread.
              gpu.barrier
              scf.for %q = %warp to %c128 step %c8 {
                %s = arith.addi %a0, %q : index
                %in_s = arith.cmpi slt, %s, %n_hi : index
                %ok = arith.andi %in_s, %active : i1
                scf.if %ok {
                  %xv = memref.load %src[%b, %s, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
                  memref.store %xv, %chunk[%q, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
                }
              }
              gpu.barrier
              %a_end = arith.addi %a0, %c128 : index
              %chunk_hi = arith.minsi %a_end, %n_hi : index
              scf.for %i = %warp to %c64 step %c8 {
                %t = arith.addi %t0, %i : index
                %in_t = arith.cmpi ult, %t, %T : index
                %ok = arith.andi %in_t, %active : i1
                scf.if %ok {
                  %xc = memref.load %center[%i, %lane] : memref<64x32xf32, #gpu.address_space<workgroup>>
                  %acc0 = memref.load %kx[%i, %lane] : memref<64x32xf32, #gpu.address_space<workgroup>>
                  %t_back = arith.subi %t, %R : index
                  %s_lo = arith.maxsi %a0, %t_back : index
                  // Edges to the left: s in [max(a0, t - R), min(chunk end, t)).
                  %left_hi = arith.minsi %chunk_hi, %t : index
                  %acc1 = scf.for %s = %s_lo to %left_hi step %c1 iter_args(%acc = %acc0) -> (f32) {
                    %q = arith.subi %s, %a0 : index
                    %xs = memref.load %chunk[%q, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
                    %lag = arith.subi %t, %s : index
                    %r = arith.subi %lag, %c1 : index
                    %wr = memref.load %w[%r] : memref<?xf32, strided<[?], offset: ?>>
                    %diff = arith.subf %xs, %xc : f32
                    %next = math.fma %wr, %diff, %acc : f32
                    scf.yield %next : f32
                  }
                  // Edges to the right: s in [max(s_lo, t + 1), min(chunk end, t + R + 1)).
                  %acc2 = scf.if %causal -> f32 {
                    scf.yield %acc1 : f32
                  } else {
                    %t_next = arith.addi %t, %c1 : index
                    %right_lo = arith.maxsi %s_lo, %t_next : index
                    %t_fwd = arith.addi %t_next, %R : index
                    %right_hi = arith.minsi %chunk_hi, %t_fwd : index
                    %sum = scf.for %s = %right_lo to %right_hi step %c1 iter_args(%acc = %acc1) -> (f32) {
                      %q = arith.subi %s, %a0 : index
                      %xs = memref.load %chunk[%q, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
                      %lag = arith.subi %s, %t : index
                      %r = arith.subi %lag, %c1 : index
                      %wr = memref.load %w[%r] : memref<?xf32, strided<[?], offset: ?>>
                      %diff = arith.subf %xs, %xc : f32
                      %next = math.fma %wr, %diff, %acc : f32
                      scf.yield %next : f32
                    }
                    scf.yield %sum : f32
                  }
                  memref.store %acc2, %kx[%i, %lane] : memref<64x32xf32, #gpu.address_space<workgroup>>
                }
              }
            }
            scf.for %i = %warp to %c64 step %c8 {
              %t = arith.addi %t0, %i : index
              %in_t = arith.cmpi ult, %t, %T : index
              %ok = arith.andi %in_t, %active : i1
              scf.if %ok {
                %xc = memref.load %center[%i, %lane] : memref<64x32xf32, #gpu.address_space<workgroup>>
                %acc = memref.load %kx[%i, %lane] : memref<64x32xf32, #gpu.address_space<workgroup>>
                %rate = scf.if %per_channel -> f32 {
                  scf.yield %rate0 : f32
                } else {
                  %a = memref.load %alpha[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
                  %r = arith.mulf %dt, %a : f32
                  scf.yield %r : f32
                }
                %xn = math.fma %rate, %acc, %xc : f32
                memref.store %xn, %dst[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
              }
            }
            // The next channel tile reuses the chunk.
            gpu.barrier
          }
        }
        gpu.terminator
      }
    } else {
      %H = arith.muli %sub, %R : index
      %H2 = arith.addi %H, %H : index
      %halo = arith.select %causal, %H, %H2 : index
      %TT = arith.subi %c120, %halo : index
      %ttiles = arith.ceildivui %T, %TT : index
      %ttiles_pos = arith.maxui %ttiles, %c1 : index
      %blocks = arith.muli %ttiles_pos, %B : index
      %gx_b = arith.maxui %blocks, %c1 : index
      %sub1 = arith.addi %sub, %c1 : index
      // Dynamic shared memory: buffers [2][120][32] at 0, weights [64] at
      // 30720, rates [rate_rows][32] at 30976 (bytes).
      %rate_rows = arith.select %per_channel, %c0, %c120 : index
      %rate_bytes = arith.muli %rate_rows, %c128 : index
      %bytes = arith.addi %rate_bytes, %c30976 : index
      %bytes32 = arith.index_cast %bytes : index to i32
      gpu.launch blocks(%bx, %by, %bz) in (%gx = %gx_b, %gy_ = %gy, %gz = %c1)
                 threads(%lane, %warp, %tz) in (%sx = %c32, %sy = %c8, %sz = %c1)
                 dynamic_shared_memory_size %bytes32 {
        %shm = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
        %xs = memref.view %shm[%c0][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<2x120x32xf32, #gpu.address_space<workgroup>>
        %ws = memref.view %shm[%c30720][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<64xf32, #gpu.address_space<workgroup>>
        %rates = memref.view %shm[%c30976][%rate_rows] : memref<?xi8, #gpu.address_space<workgroup>> to memref<?x32xf32, #gpu.address_space<workgroup>>
        %b = arith.divui %bx, %ttiles_pos : index
        %tt = arith.remui %bx, %ttiles_pos : index
        %in_batch = arith.cmpi ult, %b, %B : index
        scf.if %in_batch {
          %tid_w = arith.muli %warp, %c32 : index
          %tid = arith.addi %tid_w, %lane : index
          scf.for %r = %tid to %R step %c256 {
            %wr = memref.load %w[%r] : memref<?xf32, strided<[?], offset: ?>>
            memref.store %wr, %ws[%r] : memref<64xf32, #gpu.address_space<workgroup>>
          }
          %t0 = arith.muli %tt, %TT : index
          // Shared row i holds sequence row base + i (base may be negative).
          %base = arith.subi %t0, %H : index
          scf.for %ct = %by to %ctiles step %gy {
            %c_base = arith.muli %ct, %c32 : index
            %c = arith.addi %c_base, %lane : index
            %active = arith.cmpi ult, %c, %D : index
            %rate_ok = arith.andi %active, %has_rows : i1
            %rate_ch = arith.andi %rate_ok, %per_channel : i1
            %rate0 = scf.if %rate_ch -> f32 {
              %a = memref.load %alpha[%b, %c0, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
              %r = arith.mulf %dt, %a : f32
              scf.yield %r : f32
            } else {
              scf.yield %zero : f32
            }
            // The tile with its halo, and its rates from row R on (rows
            // below R are never updated).
            scf.for %j = %c0 to %c15 step %c1 {
              %j8 = arith.muli %j, %c8 : index
              %i = arith.addi %warp, %j8 : index
              %t = arith.addi %base, %i : index
              %after_start = arith.cmpi sge, %t, %c0 : index
              %before_end = arith.cmpi slt, %t, %T : index
              %in_t = arith.andi %after_start, %before_end : i1
              %ok = arith.andi %in_t, %active : i1
              scf.if %ok {
                %xv = memref.load %src[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
                memref.store %xv, %xs[%c0, %i, %lane] : memref<2x120x32xf32, #gpu.address_space<workgroup>>
                %updated = arith.cmpi uge, %i, %R : index
                %per_row = arith.xori %per_channel, %true : i1
                %need_rate = arith.andi %updated, %per_row : i1
                scf.if %need_rate {
                  %a = memref.load %alpha[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
                  %r = arith.mulf %dt, %a : f32
                  memref.store %r, %rates[%i, %lane] : memref<?x32xf32, #gpu.address_space<workgroup>>
                }
              }
            }
            gpu.barrier
            scf.for %s = %c1 to %sub1 step %c1 {
              %s_prev = arith.subi %s, %c1 : index
              %from = arith.andi %s_prev, %c1 : index
              %to = arith.andi %s, %c1 : index
              %last = arith.cmpi eq, %s, %sub : index
              // Rows still exact after s sub-steps.
              %lo = arith.muli %s, %R : index
              %hi_sym = arith.subi %c120, %lo : index
              %hi = arith.select %causal, %c120, %hi_sym : index
              %start = arith.addi %lo, %warp : index
              scf.for %i = %start to %hi step %c8 {
                %t = arith.addi %base, %i : index
                %after_start = arith.cmpi sge, %t, %c0 : index
                %before_end = arith.cmpi slt, %t, %T : index
                %in_t = arith.andi %after_start, %before_end : i1
                %ok = arith.andi %in_t, %active : i1
                scf.if %ok {
                  %xc = memref.load %xs[%from, %i, %lane] : memref<2x120x32xf32, #gpu.address_space<workgroup>>
                  // Edges whose other end leaves the sequence are dropped.
                  %kx = scf.for %r = %c1 to %R1 step %c1 iter_args(%acc = %zero) -> (f32) {
                    %r0 = arith.subi %r, %c1 : index
                    %wr = memref.load %ws[%r0] : memref<64xf32, #gpu.address_space<workgroup>>
                    %il = arith.subi %i, %r : index
                    %xl = memref.load %xs[%from, %il, %lane] : memref<2x120x32xf32, #gpu.address_space<workgroup>>
                    %dl = arith.subf %xl, %xc : f32
                    %fl = math.fma %wr, %dl, %acc : f32
                    %has_left = arith.cmpi sge, %t, %r : index
                    %acc_l = arith.select %has_left, %fl, %acc : f32
                    %acc_lr = scf.if %causal -> f32 {
                      scf.yield %acc_l : f32
                    } else {
                      %ir = arith.addi %i, %r : index
                      %xr = memref.load %xs[%from, %ir, %lane] : memref<2x120x32xf32, #gpu.address_space<workgroup>>
                      %dr = arith.subf %xr, %xc : f32
                      %fr = math.fma %wr, %dr, %acc_l : f32
                      %tr = arith.addi %t, %r : index
                      %has_right = arith.cmpi slt, %tr, %T : index
                      %sum = arith.select %has_right, %fr, %acc_l : f32
                      scf.yield %sum : f32
                    }
                    scf.yield %acc_lr : f32
                  }
                  %rate = scf.if %per_channel -> f32 {
                    scf.yield %rate0 : f32
                  } else {
                    %r = memref.load %rates[%i, %lane] : memref<?x32xf32, #gpu.address_space<workgroup>>
                    scf.yield %r : f32
                  }
                  %xn = math.fma %rate, %kx, %xc : f32
                  scf.if %last {
                    memref.store %xn, %dst[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
                  } else {
                    memref.store %xn, %xs[%to, %i, %lane] : memref<2x120x32xf32, #gpu.address_space<workgroup>>
                  }
                }
              }
              // Sub-step s is complete before s + 1 (or the next tile) reads it.
              gpu.barrier
            }
          }
        }
        gpu.terminator
      }
    }
    scf.yield %dst : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  }
  scf.if %several {
    memref.dealloc %tmp : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  }
  return
}
