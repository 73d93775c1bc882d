// ldn.long_conv on the GPU: y[b, t, c] = Σ_m h_c[m] v[b, t - m, c] over [B, T, C],
// with lags m in [0, Lk) and h_c[m] = kernel[c, m] (causal), or m in [-L, L)
// and h_c[m] = kernel[c, m] for m >= 0, kernel[c, 2L + m] for m < 0 (the
// bidirectional kernel [C, 2L]: kernel[2L - (s - t)] for the future s > t).
// Rows t - m outside [0, T) contribute nothing (ops.md section 9).
//
// Direct kernel. Grid: (T tiles of 64 x B, channel tiles of 32), block:
// 32 lanes x 8 warps; lane = channel (coalesced), warp w owns the 8
// consecutive rows t0 + 8w .. t0 + 8w + 7 of the tile and keeps their sums in
// 8 registers. Only the lags that meet the tile are visited, in chunks of 64:
// per chunk the block stages the taps [64][32] (padded to 33 columns so the
// transposing stores are conflict-free) and the 128 v rows the chunk's lags
// reach from the tile (zero outside [0, T)) in shared memory, between two
// barriers. Each thread then slides an 8-value register window down the
// staged rows: per lag one shared load of the tap, one of the next v row,
// and 8 FMAs. Global traffic per chunk is 128 rows of v and 64 taps for
// 64 x 64 (outputs x lags) per channel; every output is written once. A
// block owns exactly one channel tile: beyond 65535 tiles (the grid's y
// limit) the host launches once per 65535 tiles, passing the first, rather
// than the kernel looping over tiles, since the invariants of such a loop
// (the 8 output row addresses) would stay live across the lag loops and
// spill with fully dynamic sizes.
//
// FFT kernel, for transforms of n <= 4096 points (n the smallest power of
// two >= T + lags per side, and >= 32, so the circular convolution wraps
// nothing onto the rows t < T). Grid: B x C blocks, one per (b, c) row;
// block: 256 threads. v and the circular kernel (lag m at position m mod n)
// are real, so they are packed into one complex signal z = v + i s h in
// shared memory, s = max|v| / max|h| (a block reduction: shuffles, then
// shared memory) so that neither signal loses accuracy to the other. Planes
// re[n], im[n], and the twiddles exp(-2 pi i e / n), e < n / 2, made by the
// block from a polynomial on [0, pi / 4]: 12 n bytes of dynamic shared
// memory, 48 KiB at n = 4096. One radix-2 decimation-in-frequency transform
// (natural in, bit reversed out); the pairs (k, n - k) give
// V = (Z[k] + conj Z[n-k]) / 2 and s H = (Z[k] - conj Z[n-k]) / 2i, and
// Y = V H / n is written at both positions; a decimation-in-time inverse
// (bit reversed in, natural out) leaves y in the real plane. A barrier
// separates the stages. Every input is read once per block (the kernel row
// once per batch row); v is read down a column (stride C), so neighbouring
// blocks, which hold neighbouring channels, share its sectors in L2.
//
// Strategy: `fft` runs the FFT kernel where the transform fits, the direct
// kernel elsewhere; `auto` runs the FFT kernel where it fits and its rough
// cost 8 n log2(n) is below the direct kernel's T x lags (per channel);
// `direct` always runs the direct kernel.
func.func private @ldn_gpu_long_conv(
    %v: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %kernel: memref<?x?xf32, strided<[?, ?], offset: ?>>,
    %y: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %bidirectional: i1, %strategy: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c6 = arith.constant 6 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %c10 = arith.constant 10 : index
  %c12 = arith.constant 12 : index
  %c31 = arith.constant 31 : index
  %c32 = arith.constant 32 : index
  %c63 = arith.constant 63 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %c4096 = arith.constant 4096 : index
  %c65535 = arith.constant 65535 : index
  %zero = arith.constant 0.0 : f32
  %c32_i32 = arith.constant 32 : i32
  %B = memref.dim %v, %c0 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %T = memref.dim %v, %c1 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %C = memref.dim %v, %c2 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %Lk = memref.dim %kernel, %c1 : memref<?x?xf32, strided<[?, ?], offset: ?>>
  %half = arith.divui %Lk, %c2 : index
  %L = arith.select %bidirectional, %half, %Lk : index
  // Lags per side that can meet the sequence.
  %side = arith.minui %L, %T : index

  // The FFT length: the smallest power of two >= max(T + side, 32) (at
  // least 32 points, so that the twiddle plane can hold the 16 partial
  // maxima of the scaling below).
  %need = arith.addi %T, %side : index
  %n, %log_n = scf.while (%size = %c32, %bits = %c5) : (index, index) -> (index, index) {
    %short = arith.cmpi ult, %size, %need : index
    scf.condition(%short) %size, %bits : index, index
  } do {
  ^bb0(%size: index, %bits: index):
    %twice = arith.muli %size, %c2 : index
    %more = arith.addi %bits, %c1 : index
    scf.yield %twice, %more : index, index
  }
  %fits = arith.cmpi ule, %n, %c4096 : index
  %side2 = arith.addi %side, %side : index
  %lags = arith.select %bidirectional, %side2, %side : index
  %direct_cost = arith.muli %T, %lags : index
  %n_log_n = arith.muli %n, %log_n : index
  %fft_cost = arith.muli %n_log_n, %c8 : index
  %fft_cheaper = arith.cmpi ugt, %direct_cost, %fft_cost : index
  %is_auto = arith.cmpi eq, %strategy, %c0 : index
  %is_fft = arith.cmpi eq, %strategy, %c2 : index
  %auto_fft = arith.andi %is_auto, %fft_cheaper : i1
  %want_fft = arith.ori %is_fft, %auto_fft : i1
  %use_fft = arith.andi %want_fft, %fits : i1

  scf.if %use_fft {
    %rows = arith.muli %B, %C : index
    %f_gx = arith.maxui %rows, %c1 : index
    %half_n = arith.divui %n, %c2 : index
    %pairs = arith.addi %half_n, %c1 : index
    %n_mask = arith.subi %n, %c1 : index
    %quarter_n = arith.divui %n, %c4 : index
    %n_i64 = arith.index_cast %n : index to i64
    %n_f = arith.uitofp %n_i64 : i64 to f32
    %one = arith.constant 1.0 : f32
    %inv_n = arith.divf %one, %n_f : f32
    %two_pi = arith.constant 6.28318548 : f32
    %step_angle = arith.divf %two_pi, %n_f : f32
    %past_end = arith.subi %n, %side : index
    // Bytes: re [n], im [n], twiddles re/im [n / 2] each, all f32.
    %bytes = arith.muli %n, %c12 : index
    %bytes32 = arith.index_cast %bytes : index to i32
    %im_at = arith.muli %n, %c4 : index
    %twr_at = arith.muli %n, %c8 : index
    %twi_at = arith.muli %n, %c10 : index
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %f_gx, %gy = %c1, %gz = %c1)
               threads(%tid, %ty, %tz) in (%sx = %c256, %sy = %c1, %sz = %c1)
               dynamic_shared_memory_size %bytes32 {
      %shm = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
      %re = memref.view %shm[%c0][%n] : memref<?xi8, #gpu.address_space<workgroup>> to memref<?xf32, #gpu.address_space<workgroup>>
      %im = memref.view %shm[%im_at][%n] : memref<?xi8, #gpu.address_space<workgroup>> to memref<?xf32, #gpu.address_space<workgroup>>
      %twr = memref.view %shm[%twr_at][%half_n] : memref<?xi8, #gpu.address_space<workgroup>> to memref<?xf32, #gpu.address_space<workgroup>>
      %twi = memref.view %shm[%twi_at][%half_n] : memref<?xi8, #gpu.address_space<workgroup>> to memref<?xf32, #gpu.address_space<workgroup>>
      %in_range = arith.cmpi ult, %bx, %rows : index
      scf.if %in_range {
        %b = arith.divui %bx, %C : index
        %c = arith.remui %bx, %C : index
        // z = v + i h, zero padded to n, and the largest |v| and |h| this
        // thread has seen.
        %own_max:2 = scf.for %t = %tid to %n step %c256
            iter_args(%v_max = %zero, %h_max = %zero) -> (f32, f32) {
          %in_seq = arith.cmpi ult, %t, %T : index
          %vt = scf.if %in_seq -> f32 {
            %x = memref.load %v[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
            scf.yield %x : f32
          } else {
            scf.yield %zero : f32
          }
          // Position t holds lag t (past) or lag t - n (future, bidirectional).
          %past = arith.cmpi ult, %t, %side : index
          %late = arith.cmpi uge, %t, %past_end : index
          %future = arith.andi %late, %bidirectional : i1
          %has_tap = arith.ori %past, %future : i1
          %ht = scf.if %has_tap -> f32 {
            %from_end = arith.subi %Lk, %n : index
            %future_col = arith.addi %from_end, %t : index
            %col = arith.select %future, %future_col, %t : index
            %x = memref.load %kernel[%c, %col] : memref<?x?xf32, strided<[?, ?], offset: ?>>
            scf.yield %x : f32
          } else {
            scf.yield %zero : f32
          }
          memref.store %vt, %re[%t] : memref<?xf32, #gpu.address_space<workgroup>>
          memref.store %ht, %im[%t] : memref<?xf32, #gpu.address_space<workgroup>>
          %v_abs = math.absf %vt : f32
          %h_abs = math.absf %ht : f32
          %v_max_t = arith.maximumf %v_max, %v_abs : f32
          %h_max_t = arith.maximumf %h_max, %h_abs : f32
          scf.yield %v_max_t, %h_max_t : f32, f32
        }
        // Packing two real signals costs the smaller one accuracy in
        // proportion to the ratio of their sizes: h is scaled to the size of
        // v first (and Y back by the inverse). The block's maxima meet in
        // the twiddle plane, which is written only afterwards.
        %warp_max:2 = scf.for %bit = %c0 to %c5 step %c1
            iter_args(%wv = %own_max#0, %wh = %own_max#1) -> (f32, f32) {
          %distance = arith.shli %c1, %bit : index
          %distance_i32 = arith.index_cast %distance : index to i32
          %ov, %ov_ok = gpu.shuffle xor %wv, %distance_i32, %c32_i32 : f32
          %oh, %oh_ok = gpu.shuffle xor %wh, %distance_i32, %c32_i32 : f32
          %wv_next = arith.maximumf %wv, %ov : f32
          %wh_next = arith.maximumf %wh, %oh : f32
          scf.yield %wv_next, %wh_next : f32, f32
        }
        %lane = arith.andi %tid, %c31 : index
        %warp = arith.shrui %tid, %c5 : index
        %first_lane = arith.cmpi eq, %lane, %c0 : index
        scf.if %first_lane {
          %h_slot = arith.addi %warp, %c8 : index
          memref.store %warp_max#0, %twr[%warp] : memref<?xf32, #gpu.address_space<workgroup>>
          memref.store %warp_max#1, %twr[%h_slot] : memref<?xf32, #gpu.address_space<workgroup>>
        }
        gpu.barrier
        %block_max:2 = scf.for %w = %c0 to %c8 step %c1
            iter_args(%bv = %zero, %bh = %zero) -> (f32, f32) {
          %h_slot = arith.addi %w, %c8 : index
          %ov = memref.load %twr[%w] : memref<?xf32, #gpu.address_space<workgroup>>
          %oh = memref.load %twr[%h_slot] : memref<?xf32, #gpu.address_space<workgroup>>
          %bv_next = arith.maximumf %bv, %ov : f32
          %bh_next = arith.maximumf %bh, %oh : f32
          scf.yield %bv_next, %bh_next : f32, f32
        }
        %v_nonzero = arith.cmpf ogt, %block_max#0, %zero : f32
        %h_nonzero = arith.cmpf ogt, %block_max#1, %zero : f32
        %both = arith.andi %v_nonzero, %h_nonzero : i1
        %ratio = arith.divf %block_max#0, %block_max#1 : f32
        %inverse_ratio = arith.divf %block_max#1, %block_max#0 : f32
        %h_scale = arith.select %both, %ratio, %one : f32
        %y_scale_h = arith.select %both, %inverse_ratio, %one : f32
        %y_scale = arith.mulf %y_scale_h, %inv_n : f32
        // Every thread has read the maxima before the twiddles overwrite them.
        gpu.barrier
        scf.for %t = %tid to %n step %c256 {
          %ht = memref.load %im[%t] : memref<?xf32, #gpu.address_space<workgroup>>
          %scaled = arith.mulf %ht, %h_scale : f32
          memref.store %scaled, %im[%t] : memref<?xf32, #gpu.address_space<workgroup>>
        }
        // Twiddles exp(-2 pi i e / n): e is folded to an angle in [0, pi / 4]
        // (cos(pi - a) = -cos a, and sine and cosine swap around pi / 4),
        // where short Taylor series are exact to f32 round-off.
        scf.for %e = %tid to %half_n step %c256 {
          %e4 = arith.muli %e, %c4 : index
          %obtuse = arith.cmpi ugt, %e4, %n : index
          %mirror = arith.subi %half_n, %e : index
          %e1 = arith.select %obtuse, %mirror, %e : index
          %e8 = arith.muli %e1, %c8 : index
          %swap = arith.cmpi ugt, %e8, %n : index
          %rest = arith.subi %quarter_n, %e1 : index
          %e2 = arith.select %swap, %rest, %e1 : index
          %e2_i64 = arith.index_cast %e2 : index to i64
          %e2_f = arith.uitofp %e2_i64 : i64 to f32
          %a = arith.mulf %e2_f, %step_angle : f32
          %a2 = arith.mulf %a, %a : f32
          // sin a = a (1 - a^2/6 (1 - a^2/20 (1 - a^2/42 (1 - a^2/72)))).
          %s9 = arith.constant 1.38888889e-02 : f32
          %s7 = arith.constant 2.38095238e-02 : f32
          %s5 = arith.constant 5.0e-02 : f32
          %s3 = arith.constant 1.66666667e-01 : f32
          %p9 = arith.mulf %a2, %s9 : f32
          %q9 = arith.subf %one, %p9 : f32
          %p7 = arith.mulf %a2, %s7 : f32
          %m7 = arith.mulf %p7, %q9 : f32
          %q7 = arith.subf %one, %m7 : f32
          %p5 = arith.mulf %a2, %s5 : f32
          %m5 = arith.mulf %p5, %q7 : f32
          %q5 = arith.subf %one, %m5 : f32
          %p3 = arith.mulf %a2, %s3 : f32
          %m3 = arith.mulf %p3, %q5 : f32
          %q3 = arith.subf %one, %m3 : f32
          %sin_a = arith.mulf %a, %q3 : f32
          // cos a = 1 - a^2/2 (1 - a^2/12 (1 - a^2/30 (1 - a^2/56 (1 - a^2/90)))).
          %k10 = arith.constant 1.11111111e-02 : f32
          %k8 = arith.constant 1.78571429e-02 : f32
          %k6 = arith.constant 3.33333333e-02 : f32
          %k4 = arith.constant 8.33333333e-02 : f32
          %k2 = arith.constant 5.0e-01 : f32
          %r10 = arith.mulf %a2, %k10 : f32
          %u10 = arith.subf %one, %r10 : f32
          %r8 = arith.mulf %a2, %k8 : f32
          %n8 = arith.mulf %r8, %u10 : f32
          %u8 = arith.subf %one, %n8 : f32
          %r6 = arith.mulf %a2, %k6 : f32
          %n6 = arith.mulf %r6, %u8 : f32
          %u6 = arith.subf %one, %n6 : f32
          %r4 = arith.mulf %a2, %k4 : f32
          %n4 = arith.mulf %r4, %u6 : f32
          %u4 = arith.subf %one, %n4 : f32
          %r2 = arith.mulf %a2, %k2 : f32
          %n2 = arith.mulf %r2, %u4 : f32
          %cos_a = arith.subf %one, %n2 : f32
          %cos_1 = arith.select %swap, %sin_a, %cos_a : f32
          %sin_1 = arith.select %swap, %cos_a, %sin_a : f32
          %neg_cos = arith.negf %cos_1 : f32
          %cos_e = arith.select %obtuse, %neg_cos, %cos_1 : f32
          %neg_sin = arith.negf %sin_1 : f32
          memref.store %cos_e, %twr[%e] : memref<?xf32, #gpu.address_space<workgroup>>
          memref.store %neg_sin, %twi[%e] : memref<?xf32, #gpu.address_space<workgroup>>
        }
        gpu.barrier
        // Forward, decimation in frequency: spans n/2, n/4, ..., 1.
        scf.for %st = %c0 to %log_n step %c1 {
          %st1 = arith.addi %st, %c1 : index
          %h = arith.shrui %n, %st1 : index
          %h_mask = arith.subi %h, %c1 : index
          scf.for %j = %tid to %half_n step %c256 {
            %off = arith.andi %j, %h_mask : index
            %group = arith.subi %j, %off : index
            %group2 = arith.addi %group, %group : index
            %i0 = arith.addi %group2, %off : index
            %i1 = arith.addi %i0, %h : index
            %e = arith.shli %off, %st : index
            %ur = memref.load %re[%i0] : memref<?xf32, #gpu.address_space<workgroup>>
            %ui = memref.load %im[%i0] : memref<?xf32, #gpu.address_space<workgroup>>
            %vr = memref.load %re[%i1] : memref<?xf32, #gpu.address_space<workgroup>>
            %vi = memref.load %im[%i1] : memref<?xf32, #gpu.address_space<workgroup>>
            %wr = memref.load %twr[%e] : memref<?xf32, #gpu.address_space<workgroup>>
            %wi = memref.load %twi[%e] : memref<?xf32, #gpu.address_space<workgroup>>
            %sr = arith.addf %ur, %vr : f32
            %si = arith.addf %ui, %vi : f32
            %dr = arith.subf %ur, %vr : f32
            %di = arith.subf %ui, %vi : f32
            %drwr = arith.mulf %dr, %wr : f32
            %diwi = arith.mulf %di, %wi : f32
            %pr = arith.subf %drwr, %diwi : f32
            %drwi = arith.mulf %dr, %wi : f32
            %diwr = arith.mulf %di, %wr : f32
            %pi = arith.addf %drwi, %diwr : f32
            memref.store %sr, %re[%i0] : memref<?xf32, #gpu.address_space<workgroup>>
            memref.store %si, %im[%i0] : memref<?xf32, #gpu.address_space<workgroup>>
            memref.store %pr, %re[%i1] : memref<?xf32, #gpu.address_space<workgroup>>
            memref.store %pi, %im[%i1] : memref<?xf32, #gpu.address_space<workgroup>>
          }
          gpu.barrier
        }
        // The spectra of v and h from Z at k and n - k (bit-reversed
        // positions), their product over n (and the scale of h) written back
        // at both.
        %half_f = arith.constant 0.5 : f32
        scf.for %k = %tid to %pairs step %c256 {
          %mk = arith.subi %n, %k : index
          %kn = arith.andi %mk, %n_mask : index
          // p, q: k and n - k with their log2(n) bits reversed.
          %p, %q = scf.for %bit = %c0 to %log_n step %c1
              iter_args(%p_acc = %c0, %q_acc = %c0) -> (index, index) {
            %k_shifted = arith.shrui %k, %bit : index
            %k_bit = arith.andi %k_shifted, %c1 : index
            %p_up = arith.shli %p_acc, %c1 : index
            %p_next = arith.ori %p_up, %k_bit : index
            %kn_shifted = arith.shrui %kn, %bit : index
            %kn_bit = arith.andi %kn_shifted, %c1 : index
            %q_up = arith.shli %q_acc, %c1 : index
            %q_next = arith.ori %q_up, %kn_bit : index
            scf.yield %p_next, %q_next : index, index
          }
          %zr = memref.load %re[%p] : memref<?xf32, #gpu.address_space<workgroup>>
          %zi = memref.load %im[%p] : memref<?xf32, #gpu.address_space<workgroup>>
          %wr = memref.load %re[%q] : memref<?xf32, #gpu.address_space<workgroup>>
          %wi = memref.load %im[%q] : memref<?xf32, #gpu.address_space<workgroup>>
          %vr2 = arith.addf %zr, %wr : f32
          %vi2 = arith.subf %zi, %wi : f32
          %hr2 = arith.addf %zi, %wi : f32
          %hi2 = arith.subf %wr, %zr : f32
          %vr = arith.mulf %vr2, %half_f : f32
          %vi = arith.mulf %vi2, %half_f : f32
          %hr = arith.mulf %hr2, %half_f : f32
          %hi = arith.mulf %hi2, %half_f : f32
          %vrhr = arith.mulf %vr, %hr : f32
          %vihi = arith.mulf %vi, %hi : f32
          %yr0 = arith.subf %vrhr, %vihi : f32
          %vrhi = arith.mulf %vr, %hi : f32
          %vihr = arith.mulf %vi, %hr : f32
          %yi0 = arith.addf %vrhi, %vihr : f32
          %yr = arith.mulf %yr0, %y_scale : f32
          %yi = arith.mulf %yi0, %y_scale : f32
          %yi_conj = arith.negf %yi : f32
          memref.store %yr, %re[%p] : memref<?xf32, #gpu.address_space<workgroup>>
          memref.store %yi, %im[%p] : memref<?xf32, #gpu.address_space<workgroup>>
          memref.store %yr, %re[%q] : memref<?xf32, #gpu.address_space<workgroup>>
          memref.store %yi_conj, %im[%q] : memref<?xf32, #gpu.address_space<workgroup>>
        }
        gpu.barrier
        // Inverse, decimation in time: spans 1, 2, ..., n/2, conjugate twiddles.
        %last_stage = arith.subi %log_n, %c1 : index
        scf.for %st = %c0 to %log_n step %c1 {
          %h = arith.shli %c1, %st : index
          %h_mask = arith.subi %h, %c1 : index
          %stride_bits = arith.subi %last_stage, %st : index
          scf.for %j = %tid to %half_n step %c256 {
            %off = arith.andi %j, %h_mask : index
            %group = arith.subi %j, %off : index
            %group2 = arith.addi %group, %group : index
            %i0 = arith.addi %group2, %off : index
            %i1 = arith.addi %i0, %h : index
            %e = arith.shli %off, %stride_bits : index
            %ur = memref.load %re[%i0] : memref<?xf32, #gpu.address_space<workgroup>>
            %ui = memref.load %im[%i0] : memref<?xf32, #gpu.address_space<workgroup>>
            %xr = memref.load %re[%i1] : memref<?xf32, #gpu.address_space<workgroup>>
            %xi = memref.load %im[%i1] : memref<?xf32, #gpu.address_space<workgroup>>
            %wr = memref.load %twr[%e] : memref<?xf32, #gpu.address_space<workgroup>>
            %wi_fwd = memref.load %twi[%e] : memref<?xf32, #gpu.address_space<workgroup>>
            %wi = arith.negf %wi_fwd : f32
            %xrwr = arith.mulf %xr, %wr : f32
            %xiwi = arith.mulf %xi, %wi : f32
            %tr = arith.subf %xrwr, %xiwi : f32
            %xrwi = arith.mulf %xr, %wi : f32
            %xiwr = arith.mulf %xi, %wr : f32
            %ti = arith.addf %xrwi, %xiwr : f32
            %sr = arith.addf %ur, %tr : f32
            %si = arith.addf %ui, %ti : f32
            %dr = arith.subf %ur, %tr : f32
            %di = arith.subf %ui, %ti : f32
            memref.store %sr, %re[%i0] : memref<?xf32, #gpu.address_space<workgroup>>
            memref.store %si, %im[%i0] : memref<?xf32, #gpu.address_space<workgroup>>
            memref.store %dr, %re[%i1] : memref<?xf32, #gpu.address_space<workgroup>>
            memref.store %di, %im[%i1] : memref<?xf32, #gpu.address_space<workgroup>>
          }
          gpu.barrier
        }
        scf.for %t = %tid to %T step %c256 {
          %yt = memref.load %re[%t] : memref<?xf32, #gpu.address_space<workgroup>>
          memref.store %yt, %y[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
        }
      }
      gpu.terminator
    }
  } else {
    %ctiles = arith.ceildivui %C, %c32 : index
    %ttiles = arith.ceildivui %T, %c64 : index
    %ttiles_pos = arith.maxui %ttiles, %c1 : index
    %blocks = arith.muli %ttiles_pos, %B : index
    %d_gx = arith.maxui %blocks, %c1 : index
    %neg_half = arith.subi %c0, %half : index
    %lag_lo = arith.select %bidirectional, %neg_half, %c0 : index
    // At most 65535 channel tiles per launch (the grid's y limit): a loop
    // on the host, so that the kernel has no loop around the lags (whose
    // invariants, such as the output row addresses, would stay live).
    scf.for %ct0 = %c0 to %ctiles step %c65535 {
      %ct_rest = arith.subi %ctiles, %ct0 : index
      %d_gy = arith.minui %ct_rest, %c65535 : index
      gpu.launch blocks(%bx, %by, %bz) in (%gx = %d_gx, %gy = %d_gy, %gz = %c1)
                 threads(%lane, %warp, %tz) in (%sx = %c32, %sy = %c8, %sz = %c1)
                 workgroup(%vs : memref<128x32xf32, #gpu.address_space<workgroup>>,
                           %ks : memref<64x33xf32, #gpu.address_space<workgroup>>) {
        %b = arith.divui %bx, %ttiles_pos : index
        %tt = arith.remui %bx, %ttiles_pos : index
        %in_batch = arith.cmpi ult, %b, %B : index
        scf.if %in_batch {
          %t0 = arith.muli %tt, %c64 : index
          %t0_end = arith.addi %t0, %c64 : index
          %t1 = arith.minui %t0_end, %T : index
          // Lags m = t - s with t in [t0, t1) and s in [0, T).
          %t0_back = arith.subi %t0, %T : index
          %m_first = arith.addi %t0_back, %c1 : index
          %lo = arith.maxsi %lag_lo, %m_first : index
          %hi = arith.minsi %L, %t1 : index
          %tid_w = arith.muli %warp, %c32 : index
          %tid = arith.addi %tid_w, %lane : index
          %row0 = arith.muli %warp, %c8 : index
          %window0 = arith.addi %row0, %c64 : index
          %window_next = arith.addi %row0, %c63 : index
          %ct = arith.addi %ct0, %by : index
          %c_base = arith.muli %ct, %c32 : index
          %c = arith.addi %c_base, %lane : index
          %active = arith.cmpi ult, %c, %C : index
          %acc:8 = scf.for %m0 = %lo to %hi step %c64
              iter_args(%a0 = %zero, %a1 = %zero, %a2 = %zero, %a3 = %zero,
                        %a4 = %zero, %a5 = %zero, %a6 = %zero, %a7 = %zero)
              -> (f32, f32, f32, f32, f32, f32, f32, f32) {
            %span = arith.subi %hi, %m0 : index
            %len = arith.minsi %span, %c64 : index
            // Staged row q holds v row s = t0 - m0 - 64 + q.
            %m0_64 = arith.addi %m0, %c64 : index
            %shift = arith.subi %t0, %m0_64 : index
            // The previous chunk has been used by every thread.
            gpu.barrier
            // Taps [jj][cc] of lags m0 + jj: consecutive threads read
            // consecutive lags of one channel.
            scf.for %idx = %tid to %c2048 step %c256 {
              %jj = arith.andi %idx, %c63 : index
              %cc = arith.shrui %idx, %c6 : index
              %m = arith.addi %m0, %jj : index
              %ch = arith.addi %c_base, %cc : index
              %in_chunk = arith.cmpi slt, %jj, %len : index
              %in_ch = arith.cmpi ult, %ch, %C : index
              %ok = arith.andi %in_chunk, %in_ch : i1
              %tap = scf.if %ok -> f32 {
                %future = arith.cmpi slt, %m, %c0 : index
                %wrapped = arith.addi %Lk, %m : index
                %col = arith.select %future, %wrapped, %m : index
                %x = memref.load %kernel[%ch, %col] : memref<?x?xf32, strided<[?, ?], offset: ?>>
                scf.yield %x : f32
              } else {
                scf.yield %zero : f32
              }
              memref.store %tap, %ks[%jj, %cc] : memref<64x33xf32, #gpu.address_space<workgroup>>
            }
            scf.for %q = %warp to %c128 step %c8 {
              %s = arith.addi %shift, %q : index
              %after_start = arith.cmpi sge, %s, %c0 : index
              %before_end = arith.cmpi slt, %s, %T : index
              %in_seq = arith.andi %after_start, %before_end : i1
              %ok = arith.andi %in_seq, %active : i1
              %vq = scf.if %ok -> f32 {
                %x = memref.load %v[%b, %s, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
                scf.yield %x : f32
              } else {
                scf.yield %zero : f32
              }
              memref.store %vq, %vs[%q, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
            }
            gpu.barrier
            // Window u = v row (t0 + row0 + u) - (m0 + jj), staged at
            // window0 + u - jj.
            %q1 = arith.addi %window0, %c1 : index
            %q2 = arith.addi %window0, %c2 : index
            %q3 = arith.addi %window0, %c3 : index
            %q4 = arith.addi %window0, %c4 : index
            %q5 = arith.addi %window0, %c5 : index
            %q6 = arith.addi %window0, %c6 : index
            %q7 = arith.addi %window0, %c7 : index
            %x0 = memref.load %vs[%window0, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
            %x1 = memref.load %vs[%q1, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
            %x2 = memref.load %vs[%q2, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
            %x3 = memref.load %vs[%q3, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
            %x4 = memref.load %vs[%q4, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
            %x5 = memref.load %vs[%q5, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
            %x6 = memref.load %vs[%q6, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
            %x7 = memref.load %vs[%q7, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
            // Per lag: the tap, 8 FMAs, and the window moves down one row.
            %r:16 = scf.for %jj = %c0 to %len step %c1
                iter_args(%s0 = %a0, %s1 = %a1, %s2 = %a2, %s3 = %a3,
                          %s4 = %a4, %s5 = %a5, %s6 = %a6, %s7 = %a7,
                          %w0 = %x0, %w1 = %x1, %w2 = %x2, %w3 = %x3,
                          %w4 = %x4, %w5 = %x5, %w6 = %x6, %w7 = %x7)
                -> (f32, f32, f32, f32, f32, f32, f32, f32,
                    f32, f32, f32, f32, f32, f32, f32, f32) {
              %tap = memref.load %ks[%jj, %lane] : memref<64x33xf32, #gpu.address_space<workgroup>>
              %o0 = math.fma %tap, %w0, %s0 : f32
              %o1 = math.fma %tap, %w1, %s1 : f32
              %o2 = math.fma %tap, %w2, %s2 : f32
              %o3 = math.fma %tap, %w3, %s3 : f32
              %o4 = math.fma %tap, %w4, %s4 : f32
              %o5 = math.fma %tap, %w5, %s5 : f32
              %o6 = math.fma %tap, %w6, %s6 : f32
              %o7 = math.fma %tap, %w7, %s7 : f32
              %qn = arith.subi %window_next, %jj : index
              %xn = memref.load %vs[%qn, %lane] : memref<128x32xf32, #gpu.address_space<workgroup>>
              scf.yield %o0, %o1, %o2, %o3, %o4, %o5, %o6, %o7,
                        %xn, %w0, %w1, %w2, %w3, %w4, %w5, %w6
                  : f32, f32, f32, f32, f32, f32, f32, f32,
                    f32, f32, f32, f32, f32, f32, f32, f32
            }
            scf.yield %r#0, %r#1, %r#2, %r#3, %r#4, %r#5, %r#6, %r#7
                : f32, f32, f32, f32, f32, f32, f32, f32
          }
          // Each output is written once.
          %t_own = arith.addi %t0, %row0 : index
          %out0 = arith.addi %t_own, %c0 : index
          %in_seq0 = arith.cmpi ult, %out0, %T : index
          %ok0 = arith.andi %in_seq0, %active : i1
          scf.if %ok0 {
            memref.store %acc#0, %y[%b, %out0, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          }
          %out1 = arith.addi %t_own, %c1 : index
          %in_seq1 = arith.cmpi ult, %out1, %T : index
          %ok1 = arith.andi %in_seq1, %active : i1
          scf.if %ok1 {
            memref.store %acc#1, %y[%b, %out1, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          }
          %out2 = arith.addi %t_own, %c2 : index
          %in_seq2 = arith.cmpi ult, %out2, %T : index
          %ok2 = arith.andi %in_seq2, %active : i1
          scf.if %ok2 {
            memref.store %acc#2, %y[%b, %out2, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          }
          %out3 = arith.addi %t_own, %c3 : index
          %in_seq3 = arith.cmpi ult, %out3, %T : index
          %ok3 = arith.andi %in_seq3, %active : i1
          scf.if %ok3 {
            memref.store %acc#3, %y[%b, %out3, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          }
          %out4 = arith.addi %t_own, %c4 : index
          %in_seq4 = arith.cmpi ult, %out4, %T : index
          %ok4 = arith.andi %in_seq4, %active : i1
          scf.if %ok4 {
            memref.store %acc#4, %y[%b, %out4, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          }
          %out5 = arith.addi %t_own, %c5 : index
          %in_seq5 = arith.cmpi ult, %out5, %T : index
          %ok5 = arith.andi %in_seq5, %active : i1
          scf.if %ok5 {
            memref.store %acc#5, %y[%b, %out5, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          }
          %out6 = arith.addi %t_own, %c6 : index
          %in_seq6 = arith.cmpi ult, %out6, %T : index
          %ok6 = arith.andi %in_seq6, %active : i1
          scf.if %ok6 {
            memref.store %acc#6, %y[%b, %out6, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          }
          %out7 = arith.addi %t_own, %c7 : index
          %in_seq7 = arith.cmpi ult, %out7, %T : index
          %ok7 = arith.andi %in_seq7, %active : i1
          scf.if %ok7 {
            memref.store %acc#7, %y[%b, %out7, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          }
        }
        gpu.terminator
      }
    }
  }
  return
}
