// ldn.linear_attention on the GPU. Views: q, k [B,T,H,dk], v [B,T,H,dv],
// decay [B,T,H,dk] or, per head, [B,T,H,1], init [B,H,dk,dv]; results
// o [B,T,H,dv] and the state [B,H,dk,dv].
//
// The state lives in registers. A block is 32 lanes x W warps (W = dk / 8
// rounded up, at most 8) and owns the state tile S[KT = 8W key rows, 32 value
// columns] of one (b, h): lane = value column j, warp w = key rows
// 8w..8w+7, held as a vector<8xf32> per thread. Grid (flattened in x, so it
// is never limited by the 65535 of y/z): NV = ceil(dv / 32) value tiles x
// NK = ceil(dk / KT) key tiles x P time splits x H x B, the value tiles
// innermost so that the blocks sharing a head's q and k run together (L2).
//
// Each block walks its time range in chunks of L = 24 steps:
//   1. the chunk's q (times scale), k and gates exp(decay) for the block's
//      key rows, and v for its value columns, go to shared memory, read once
//      from global memory by consecutive threads (8 consecutive key rows or
//      one value column each, so a warp covers contiguous runs of dk / dv);
//      rows past dk are zeros (a zero key row leaves S as is);
//   2. after a barrier, every thread steps through the chunk's steps
//      (never past T) with the exact recurrence on its 8 state values,
//      S = g ⊙ S + k v_j, and writes its part of o_t[j] = Σ_i S[i, j] q_t[i]
//      (its 8 rows) to shared memory; q, k and g of its 8 rows are one
//      32-byte element each, two 16-byte broadcast loads per warp;
//   3. after a barrier, the W parts of each o_t[j] are summed and o written
//      (32 consecutive floats per warp and step).
// Shared memory (46 KiB, the most below the 48 KiB static limit, so 2
// barriers per 24 steps): qkg [3][L][8] x vector<8xf32> (q, k, gates),
// the per-head gates [L], vp [9][L][32] (8 warps' parts of o, then v),
// LightNet's running normalizers [64] (one per key row, see below). The
// state tile enters and leaves through vp too, as [warp][row % 8][lane]: read
// and written coalesced, and each thread's 8 values taken with constant
// indices, so that the state stays in registers and no per-row address or
// predicate is live across the sweep. (ptxas fits 8-warp blocks in the 64
// (sm_90) / 80 (sm_80) registers per thread that the shared memory lets be
// resident anyway, without spills; keep it so.)
//
// Why the per-step recurrence and not the chunked matmul form (intra-chunk
// (q_i · k_j) exp(G_i - G_j) plus q_i · S decayed): the decays may be -inf
// (additive_decay's decay_0) or very negative, where differences of
// cumulative log-decays are NaN or lose all precision, and vector (GLA)
// decays make the intra-chunk weights per channel; the recurrence multiplies
// by exp(decay) once per step and is exact in all those cases. Without
// tensor cores (this is f32 SIMT code) the chunked form would also do more
// work: L^2 (dk + dv) intra-chunk plus 2 L dk dv per chunk against the
// recurrence's 3 L dk dv, more as soon as L > dk dv / (dk + dv) (32 for
// dk = dv = 64).
// Every input is read once per block that needs it: q, k and decay once per
// value tile, v once per key tile (NV, NK = 1 for dk <= 64, dv <= 32); o and
// the state are written once.
//
// With dk > 64 (NK > 1) each key tile's part of o goes to a [NK, B,T,H,dv]
// scratch and a second launch sums them. Non-causal: the state
// S0 + Σ_t k_t v_tᵀ is a reduction over T, parallel over P <= 32 time splits:
// one sweep accumulates each split's part (update only, from zero) into a
// [P, B,H,dk,dv] scratch, a second launch adds them to S0 (the state
// result), and a readout-only sweep from that state, split into spans of
// 256 steps, writes o.
//
// ldn.lightnet_attention (@ldn_gpu_lightnet_attention) is this kernel on
// LightNet's unrotated q and k, given lrpe's factors as a [1,T,H,2d] table:
// staging rotates q and k (row r < 2d reads channel r mod d times the
// factor), and the keys are normalized there too. Causal, the running
// log-normalizer z_t = logaddexp(z_{t-1}, k_t) is a sequential walk per
// channel: one thread per key row of the tile does the chunk's steps in
// order (stage_additive), keeping z in shared memory across chunks, and
// writes the keys and the gates exp(z_{t-1} - z_t) that the steps read as
// vector decays. Global, a small kernel computes z over all of T first and
// the state sweep reads exp(k - z). Nothing of the normalized keys, decays
// or rotated q and k is stored.

!view4 = memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
!view5 = memref<?x?x?x?x?xf32, strided<[?, ?, ?, ?, ?], offset: ?>>
// Shared memory of the sweep (header), for chunks of 24 steps.
!qkg = memref<3x24x8xvector<8xf32>, #gpu.address_space<workgroup>>
!gates = memref<24xf32, #gpu.address_space<workgroup>>
!vp = memref<9x24x32xf32, #gpu.address_space<workgroup>>
// LightNet's running log-normalizer per key row of the tile (at most 64).
!zrow = memref<64xf32, #gpu.address_space<workgroup>>

func.func private @ldn_gpu_linear_attention(
    %q: !view4, %k: !view4, %v: !view4, %decay: !view4, %init: !view4,
    %o: !view4, %state: !view4,
    %causal: i1, %has_decay: i1, %per_channel: i1, %has_init: i1,
    %scale: f32) {
  %false = arith.constant false
  %zero = arith.constant 0.0 : f32
  // No LightNet part: the views it would read are never read.
  func.call @ldn_gpu_linear_attention_body(%q, %k, %v, %decay, %init, %o, %state,
      %causal, %has_decay, %per_channel, %has_init, %scale,
      %q, %q, %false, %false, %false, %zero)
      : (!view4, !view4, !view4, !view4, !view4, !view4, !view4,
         i1, i1, i1, i1, f32, !view4, !view4, i1, i1, i1, f32) -> ()
  return
}

// ldn.lightnet_attention: q, k [B,T,H,d] unrotated, rotation [1,T,H,2d]
// (lrpe's factors, [cos | sin] per token), o [B,T,H,dv], state
// [B,H,2d,dv]; `z0` is the sink (or -inf). The sweep rotates q and k as it
// stages them and, causal, computes the normalized keys and the gates from
// a running log-normalizer per key row (stage_additive); non-causal, one
// kernel first computes the normalizer over all of T per (b, h, channel),
// a [B,1,H,d] scratch, and the state sweep normalizes the keys with it.
func.func private @ldn_gpu_lightnet_attention(
    %q: !view4, %k: !view4, %v: !view4, %rotation: !view4, %o: !view4,
    %state: !view4, %causal: i1, %z0: f32, %scale: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %true = arith.constant true
  %false = arith.constant false
  scf.if %causal {
    func.call @ldn_gpu_linear_attention_body(%q, %k, %v, %q, %q, %o, %state,
        %true, %true, %true, %false, %scale,
        %rotation, %q, %true, %false, %true, %z0)
        : (!view4, !view4, !view4, !view4, !view4, !view4, !view4,
           i1, i1, i1, i1, f32, !view4, !view4, i1, i1, i1, f32) -> ()
  } else {
    %B = memref.dim %k, %c0 : !view4
    %H = memref.dim %k, %c2 : !view4
    %d = memref.dim %k, %c3 : !view4
    %z = memref.alloc(%B, %H, %d) : memref<?x1x?x?xf32>
    %zView = memref.cast %z : memref<?x1x?x?xf32> to !view4
    func.call @ldn_gpu_lightnet_attention_normalizer(%k, %zView) : (!view4, !view4) -> ()
    func.call @ldn_gpu_linear_attention_body(%q, %k, %v, %q, %q, %o, %state,
        %false, %false, %false, %false, %scale,
        %rotation, %zView, %true, %true, %false, %z0)
        : (!view4, !view4, !view4, !view4, !view4, !view4, !view4,
           i1, i1, i1, i1, f32, !view4, !view4, i1, i1, i1, f32) -> ()
    memref.dealloc %z : memref<?x1x?x?xf32>
  }
  return
}

// Both entries' work; the LightNet arguments are described at the sweep.
func.func private @ldn_gpu_linear_attention_body(
    %q: !view4, %k: !view4, %v: !view4, %decay: !view4, %init: !view4,
    %o: !view4, %state: !view4,
    %causal: i1, %has_decay: i1, %per_channel: i1, %has_init: i1,
    %scale: f32, %rotation: !view4, %normalizer: !view4, %rotate: i1,
    %normalize: i1, %additive: i1, %z0: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %true = arith.constant true
  %false = arith.constant false
  %T = memref.dim %q, %c1 : !view4
  %state5 = func.call @ldn_gpu_linear_attention_leading_unit(%state) : (!view4) -> !view5
  scf.if %causal {
    func.call @ldn_gpu_linear_attention_into_o(%q, %k, %v, %decay, %init, %o, %state5,
        %c1, %T, %true, %has_decay, %per_channel, %has_init, %scale,
        %rotation, %normalizer, %rotate, %normalize, %additive, %z0)
        : (!view4, !view4, !view4, !view4, !view4, !view4, !view5,
           index, index, i1, i1, i1, i1, f32, !view4, !view4, i1, i1, i1, f32) -> ()
  } else {
    // The state: P splits of >= 256 steps (at most 32) reduced separately,
    // then added up with S0.
    %B = memref.dim %q, %c0 : !view4
    %H = memref.dim %q, %c2 : !view4
    %dk = func.call @ldn_gpu_linear_attention_key_dim(%q, %rotation, %rotate) : (!view4, !view4, i1) -> index
    %dv = memref.dim %v, %c3 : !view4
    %wanted = arith.ceildivui %T, %c256 : index
    %capped = arith.minui %wanted, %c32 : index
    %splits = arith.maxui %capped, %c1 : index
    %span = arith.ceildivui %T, %splits : index
    %parts = memref.alloc(%splits, %B, %H, %dk, %dv) : memref<?x?x?x?x?xf32>
    %partsView = memref.cast %parts : memref<?x?x?x?x?xf32> to !view5
    func.call @ldn_gpu_linear_attention_sweep(%q, %k, %v, %decay, %init, %partsView,
        %partsView, %splits, %span, %true, %false, %false, %false, %false,
        %scale, %rotation, %normalizer, %rotate, %normalize, %false, %z0)
        : (!view4, !view4, !view4, !view4, !view4, !view5, !view5,
           index, index, i1, i1, i1, i1, i1, f32, !view4, !view4, i1, i1, i1, f32) -> ()
    func.call @ldn_gpu_linear_attention_sum(%state, %partsView, %init, %has_init)
        : (!view4, !view5, !view4, i1) -> ()
    memref.dealloc %parts : memref<?x?x?x?x?xf32>
    // o from the state, in independent spans of 256 steps.
    %readouts0 = arith.ceildivui %T, %c256 : index
    %readouts = arith.maxui %readouts0, %c1 : index
    func.call @ldn_gpu_linear_attention_into_o(%q, %k, %v, %decay, %state, %o,
        %state5, %readouts, %c256, %false, %false, %false, %true, %scale,
        %rotation, %normalizer, %rotate, %false, %false, %z0)
        : (!view4, !view4, !view4, !view4, !view4, !view4, !view5,
           index, index, i1, i1, i1, i1, f32, !view4, !view4, i1, i1, i1, f32) -> ()
  }
  return
}

// The key dimension of the recurrence: q's, or with `rotate` the rotated
// 2d of the rotation table.
func.func private @ldn_gpu_linear_attention_key_dim(
    %q: !view4, %rotation: !view4, %rotate: i1) -> index {
  %c3 = arith.constant 3 : index
  %plain = memref.dim %q, %c3 : !view4
  %rotated = memref.dim %rotation, %c3 : !view4
  %dk = arith.select %rotate, %rotated, %plain : index
  return %dk : index
}

// z[b, 0, h, i] = log Σ_t exp(k[b, t, h, i]) (max-shifted): LightNet's
// non-causal normalizer, the softmax over t of additive_decay. One thread
// per (b, h, i), channels across consecutive threads (coalesced per t).
func.func private @ldn_gpu_lightnet_attention_normalizer(%k: !view4, %z: !view4) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %B = memref.dim %k, %c0 : !view4
  %T = memref.dim %k, %c1 : !view4
  %H = memref.dim %k, %c2 : !view4
  %d = memref.dim %k, %c3 : !view4
  %BH = arith.muli %B, %H : index
  %n = arith.muli %BH, %d : index
  %blocks = arith.ceildivui %n, %c256 : index
  %nonempty = arith.cmpi ugt, %blocks, %c0 : index
  scf.if %nonempty {
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %blocks, %gy = %c1, %gz = %c1)
               threads(%tx, %ty, %tz) in (%sx = %c256, %sy = %c1, %sz = %c1) {
      %base = arith.muli %bx, %c256 : index
      %e = arith.addi %base, %tx : index
      %inside = arith.cmpi ult, %e, %n : index
      scf.if %inside {
        %i = arith.remui %e, %d : index
        %r = arith.divui %e, %d : index
        %h = arith.remui %r, %H : index
        %b = arith.divui %r, %H : index
        %m = scf.for %t = %c0 to %T step %c1 iter_args(%acc = %ninf) -> f32 {
          %x = memref.load %k[%b, %t, %h, %i] : !view4
          %larger = arith.maximumf %acc, %x : f32
          scf.yield %larger : f32
        }
        %sum = scf.for %t = %c0 to %T step %c1 iter_args(%acc = %zero) -> f32 {
          %x = memref.load %k[%b, %t, %h, %i] : !view4
          %shifted = arith.subf %x, %m : f32
          %ex = math.exp %shifted : f32
          %acc2 = arith.addf %acc, %ex : f32
          scf.yield %acc2 : f32
        }
        %log = math.log %sum : f32
        %total = arith.addf %m, %log : f32
        memref.store %total, %z[%b, %c0, %h, %i] : !view4
      }
      gpu.terminator
    }
  }
  return
}

// Causal LightNet keys and gates of a chunk, for the tile's key rows: one
// thread per row (rotated row r < 2d, channel r mod d) walks the chunk's
// steps in order with the exact recurrence of additive_decay,
// z_t = logaddexp(z_{t-1}, k_t), kept in zrow across chunks; it writes
// k_t' = exp(k_t - z_t) rotation[t, r] and the gate exp(z_{t-1} - z_t) to
// vp[0..1] and vp[2..3] (free until the steps), then all threads pack
// them into qkg[1] and qkg[2] as 8-row vectors. Rows past 2d or steps past
// n are a zero key and a unit gate, as in stage.
func.func private @ldn_gpu_linear_attention_stage_additive(
    %k: !view4, %rotation: !view4, %qkg: !qkg, %vp: !vp, %zrow: !zrow,
    %b: index, %h: index, %t0: index, %n: index, %tileRow: index, %dk: index,
    %tid: index, %threads: index, %warps: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c6 = arith.constant 6 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %chunk = arith.constant 24 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  // The previous chunk's sums may still be reading vp.
  gpu.barrier
  %KT = arith.muli %warps, %c8 : index
  %rowThread = arith.cmpi ult, %tid, %KT : index
  scf.if %rowThread {
    %row = arith.addi %tileRow, %tid : index
    %rowOk = arith.cmpi ult, %row, %dk : index
    %d = memref.dim %k, %c3 : !view4
    %upper = arith.cmpi uge, %row, %d : index
    %lower = arith.subi %row, %d : index
    %channel = arith.select %upper, %lower, %row : index
    %w = arith.divui %tid, %c32 : index
    %l = arith.remui %tid, %c32 : index
    %wg = arith.addi %w, %c2 : index
    %zStart = memref.load %zrow[%tid] : !zrow
    %zEnd = scf.for %s = %c0 to %chunk step %c1 iter_args(%z = %zStart) -> f32 {
      %sOk = arith.cmpi ult, %s, %n : index
      %active = arith.andi %sOk, %rowOk : i1
      %out:3 = scf.if %active -> (f32, f32, f32) {
        %t = arith.addi %t0, %s : index
        %x = memref.load %k[%b, %t, %h, %channel] : !view4
        // logaddexp(z, x) = max + log1p(exp(min - max)); z = -inf (no sink,
        // first step) gives x.
        %high = arith.maximumf %z, %x : f32
        %low = arith.minimumf %z, %x : f32
        %gap = arith.subf %low, %high : f32
        %eg = math.exp %gap : f32
        %tail = math.log1p %eg : f32
        %zNew = arith.addf %high, %tail : f32
        %xs = arith.subf %x, %zNew : f32
        %kn = math.exp %xs : f32
        %r = memref.load %rotation[%c0, %t, %h, %row] : !view4
        %key = arith.mulf %kn, %r : f32
        %zs = arith.subf %z, %zNew : f32
        %gate = math.exp %zs : f32
        scf.yield %key, %gate, %zNew : f32, f32, f32
      } else {
        scf.yield %zero, %one, %z : f32, f32, f32
      }
      memref.store %out#0, %vp[%w, %s, %l] : !vp
      memref.store %out#1, %vp[%wg, %s, %l] : !vp
      scf.yield %out#2 : f32
    }
    memref.store %zEnd, %zrow[%tid] : !zrow
  }
  gpu.barrier
  // Rows 8c .. 8c + 7 of the tile are vp[c / 4, s, 8 (c mod 4) + j].
  %octs = arith.muli %warps, %chunk : index
  scf.for %e = %tid to %octs step %threads {
    %s = arith.divui %e, %warps : index
    %c = arith.remui %e, %warps : index
    %w = arith.divui %c, %c4 : index
    %wg = arith.addi %w, %c2 : index
    %c4r = arith.remui %c, %c4 : index
    %l0 = arith.muli %c4r, %c8 : index
    %l1 = arith.addi %l0, %c1 : index
    %l2 = arith.addi %l0, %c2 : index
    %l3 = arith.addi %l0, %c3 : index
    %l4 = arith.addi %l0, %c4 : index
    %l5 = arith.addi %l0, %c5 : index
    %l6 = arith.addi %l0, %c6 : index
    %l7 = arith.addi %l0, %c7 : index
    %k0 = memref.load %vp[%w, %s, %l0] : !vp
    %k1 = memref.load %vp[%w, %s, %l1] : !vp
    %k2 = memref.load %vp[%w, %s, %l2] : !vp
    %k3 = memref.load %vp[%w, %s, %l3] : !vp
    %k4 = memref.load %vp[%w, %s, %l4] : !vp
    %k5 = memref.load %vp[%w, %s, %l5] : !vp
    %k6 = memref.load %vp[%w, %s, %l6] : !vp
    %k7 = memref.load %vp[%w, %s, %l7] : !vp
    %keys = vector.from_elements %k0, %k1, %k2, %k3, %k4, %k5, %k6, %k7 : vector<8xf32>
    memref.store %keys, %qkg[%c1, %s, %c] : !qkg
    %g0 = memref.load %vp[%wg, %s, %l0] : !vp
    %g1 = memref.load %vp[%wg, %s, %l1] : !vp
    %g2 = memref.load %vp[%wg, %s, %l2] : !vp
    %g3 = memref.load %vp[%wg, %s, %l3] : !vp
    %g4 = memref.load %vp[%wg, %s, %l4] : !vp
    %g5 = memref.load %vp[%wg, %s, %l5] : !vp
    %g6 = memref.load %vp[%wg, %s, %l6] : !vp
    %g7 = memref.load %vp[%wg, %s, %l7] : !vp
    %gates = vector.from_elements %g0, %g1, %g2, %g3, %g4, %g5, %g6, %g7 : vector<8xf32>
    memref.store %gates, %qkg[%c2, %s, %c] : !qkg
  }
  return
}

// `view` as [1, ...]: the 5-D operand of the sweep for a single part.
func.func private @ldn_gpu_linear_attention_leading_unit(%view: !view4) -> !view5 {
  %c1 = arith.constant 1 : index
  %base, %offset, %sizes:4, %strides:4 = memref.extract_strided_metadata %view
      : !view4 -> memref<f32>, index, index, index, index, index, index, index, index, index
  %result = memref.reinterpret_cast %base to offset: [%offset],
      sizes: [%c1, %sizes#0, %sizes#1, %sizes#2, %sizes#3],
      strides: [%strides#0, %strides#0, %strides#1, %strides#2, %strides#3]
      : memref<f32> to !view5
  return %result : !view5
}

// A sweep that reads out o: straight into o with a single key tile, else
// into a [NK, B,T,H,dv] scratch whose parts are then summed into o.
func.func private @ldn_gpu_linear_attention_into_o(
    %q: !view4, %k: !view4, %v: !view4, %decay: !view4, %init: !view4,
    %o: !view4, %state5: !view5, %splits: index, %span: index,
    %update: i1, %has_decay: i1, %per_channel: i1, %has_init: i1,
    %scale: f32, %rotation: !view4, %normalizer: !view4, %rotate: i1, %normalize: i1, %additive: i1, %z0: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %true = arith.constant true
  %false = arith.constant false
  %dk = func.call @ldn_gpu_linear_attention_key_dim(%q, %rotation, %rotate) : (!view4, !view4, i1) -> index
  %tiles = func.call @ldn_gpu_linear_attention_key_tiles(%dk) : (index) -> index
  %single = arith.cmpi eq, %tiles, %c1 : index
  scf.if %single {
    %o5 = func.call @ldn_gpu_linear_attention_leading_unit(%o) : (!view4) -> !view5
    func.call @ldn_gpu_linear_attention_sweep(%q, %k, %v, %decay, %init, %o5,
        %state5, %splits, %span, %update, %true, %has_decay, %per_channel,
        %has_init, %scale, %rotation, %normalizer, %rotate, %normalize, %additive, %z0)
        : (!view4, !view4, !view4, !view4, !view4, !view5, !view5,
           index, index, i1, i1, i1, i1, i1, f32, !view4, !view4, i1, i1, i1, f32) -> ()
  } else {
    %B = memref.dim %o, %c0 : !view4
    %T = memref.dim %o, %c1 : !view4
    %H = memref.dim %o, %c2 : !view4
    %dv = memref.dim %o, %c3 : !view4
    %parts = memref.alloc(%tiles, %B, %T, %H, %dv) : memref<?x?x?x?x?xf32>
    %partsView = memref.cast %parts : memref<?x?x?x?x?xf32> to !view5
    func.call @ldn_gpu_linear_attention_sweep(%q, %k, %v, %decay, %init,
        %partsView, %state5, %splits, %span, %update, %true, %has_decay,
        %per_channel, %has_init, %scale, %rotation, %normalizer, %rotate, %normalize, %additive, %z0)
        : (!view4, !view4, !view4, !view4, !view4, !view5, !view5,
           index, index, i1, i1, i1, i1, i1, f32, !view4, !view4, i1, i1, i1, f32) -> ()
    func.call @ldn_gpu_linear_attention_sum(%o, %partsView, %o, %false)
        : (!view4, !view5, !view4, i1) -> ()
    memref.dealloc %parts : memref<?x?x?x?x?xf32>
  }
  return
}

// Warps per block: one per 8 key rows, 1 to 8.
func.func private @ldn_gpu_linear_attention_warps(%dk: index) -> index {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %wanted = arith.ceildivui %dk, %c8 : index
  %capped = arith.minui %wanted, %c8 : index
  %warps = arith.maxui %capped, %c1 : index
  return %warps : index
}

// Key tiles of 8 x warps rows (at least one: with dk = 0, o is all zeros).
func.func private @ldn_gpu_linear_attention_key_tiles(%dk: index) -> index {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %warps = func.call @ldn_gpu_linear_attention_warps(%dk) : (index) -> index
  %rows = arith.muli %warps, %c8 : index
  %wanted = arith.ceildivui %dk, %rows : index
  %tiles = arith.maxui %wanted, %c1 : index
  return %tiles : index
}

// The sweep (header): split p of P walks steps [p span, (p + 1) span) ∩ [0, T)
// from init (or zero), applying the state update if `update` and writing its
// key tile's part of o to out[kt, b, t, h, j] if `readout`; with `update`,
// the state at the end goes to state_out[p, b, h, i, j].
func.func private @ldn_gpu_linear_attention_sweep(
    %q: !view4, %k: !view4, %v: !view4, %decay: !view4, %init: !view4,
    %out: !view5, %state_out: !view5, %splits: index, %span: index,
    %update: i1, %readout: i1, %has_decay: i1, %per_channel: i1,
    %has_init: i1, %scale: f32, %rotation: !view4, %normalizer: !view4, %rotate: i1, %normalize: i1, %additive: i1, %z0: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c6 = arith.constant 6 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %chunk = arith.constant 24 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %true = arith.constant true
  %false = arith.constant false
  %zeros = arith.constant dense<0.0> : vector<8xf32>
  %B = memref.dim %q, %c0 : !view4
  %T = memref.dim %q, %c1 : !view4
  %H = memref.dim %q, %c2 : !view4
  %dk = func.call @ldn_gpu_linear_attention_key_dim(%q, %rotation, %rotate) : (!view4, !view4, i1) -> index
  %dv = memref.dim %v, %c3 : !view4
  %warps = func.call @ldn_gpu_linear_attention_warps(%dk) : (index) -> index
  %KT = arith.muli %warps, %c8 : index
  %NK = func.call @ldn_gpu_linear_attention_key_tiles(%dk) : (index) -> index
  %NV = arith.ceildivui %dv, %c32 : index
  %tilesPerHead = arith.muli %NV, %NK : index
  %perHead = arith.muli %tilesPerHead, %splits : index
  %perRow = arith.muli %perHead, %H : index
  %blocks = arith.muli %perRow, %B : index
  %threads = arith.muli %warps, %c32 : index
  // v of a chunk: 24 steps x 32 columns.
  %vElements = arith.constant 768 : index
  %nonempty = arith.cmpi ugt, %blocks, %c0 : index
  scf.if %nonempty {
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %blocks, %gy = %c1, %gz = %c1)
               threads(%lane, %warp, %tz) in (%sx = %c32, %sy = %warps, %sz = %c1)
               workgroup(%qkg : !qkg,
                         %gHead : !gates,
                         %vp : !vp,
                         %zrow : !zrow) {
      // Block -> (value tile, key tile, split, head, batch row).
      %vt = arith.remui %bx, %NV : index
      %r1 = arith.divui %bx, %NV : index
      %kt = arith.remui %r1, %NK : index
      %r2 = arith.divui %r1, %NK : index
      %p = arith.remui %r2, %splits : index
      %r3 = arith.divui %r2, %splits : index
      %h = arith.remui %r3, %H : index
      %b = arith.divui %r3, %H : index
      %colBase = arith.muli %vt, %c32 : index
      %col = arith.addi %colBase, %lane : index
      %colOk = arith.cmpi ult, %col, %dv : index
      %tileRow = arith.muli %kt, %KT : index
      %tid0 = arith.muli %warp, %c32 : index
      %tid = arith.addi %tid0, %lane : index

      // The initial state tile, read coalesced (a warp reads 32 columns of
      // one row) into vp as [warp][row % 8][lane], then this thread's 8
      // values from there with constant indices: the state stays in
      // registers, and no per-row predicate or address stays live across
      // the sweep (it would push the kernel over its register budget).
      %stateElements = arith.muli %KT, %c32 : index
      %S0 = scf.if %has_init -> vector<8xf32> {
        scf.for %e = %tid to %stateElements step %threads {
          %rowInTile = arith.divui %e, %c32 : index
          %c = arith.remui %e, %c32 : index
          %row = arith.addi %tileRow, %rowInTile : index
          %scol = arith.addi %colBase, %c : index
          %rowOk = arith.cmpi ult, %row, %dk : index
          %scolOk = arith.cmpi ult, %scol, %dv : index
          %ok = arith.andi %rowOk, %scolOk : i1
          %x = scf.if %ok -> f32 {
            %y = memref.load %init[%b, %h, %row, %scol] : !view4
            scf.yield %y : f32
          } else {
            scf.yield %zero : f32
          }
          %w = arith.divui %rowInTile, %c8 : index
          %r = arith.remui %rowInTile, %c8 : index
          memref.store %x, %vp[%w, %r, %c] : !vp
        }
        gpu.barrier
        %x0 = memref.load %vp[%warp, %c0, %lane] : !vp
        %x1 = memref.load %vp[%warp, %c1, %lane] : !vp
        %x2 = memref.load %vp[%warp, %c2, %lane] : !vp
        %x3 = memref.load %vp[%warp, %c3, %lane] : !vp
        %x4 = memref.load %vp[%warp, %c4, %lane] : !vp
        %x5 = memref.load %vp[%warp, %c5, %lane] : !vp
        %x6 = memref.load %vp[%warp, %c6, %lane] : !vp
        %x7 = memref.load %vp[%warp, %c7, %lane] : !vp
        %loaded = vector.from_elements %x0, %x1, %x2, %x3, %x4, %x5, %x6, %x7 : vector<8xf32>
        scf.yield %loaded : vector<8xf32>
      } else {
        scf.yield %zeros : vector<8xf32>
      }

      // LightNet's running log-normalizer, one per key row of the tile, is
      // only ever touched by the row's own thread (stage_additive).
      scf.if %additive {
        %rowThread = arith.cmpi ult, %tid, %KT : index
        scf.if %rowThread {
          memref.store %z0, %zrow[%tid] : !zrow
        }
      }

      %first = arith.muli %p, %span : index
      %stop0 = arith.addi %first, %span : index
      %stop = arith.minui %stop0, %T : index
      %S = scf.for %t0 = %first to %stop step %chunk iter_args(%Sc = %S0) -> vector<8xf32> {
        %left = arith.subi %stop, %t0 : index
        %n = arith.minui %left, %chunk : index
        // 1. Stage the chunk, one operand after the other (fewer values in
        //    flight than all three at once).
        scf.if %readout {
          func.call @ldn_gpu_linear_attention_stage(%q, %qkg, %c0, %scale, %false, %b, %h, %t0, %n, %tileRow, %dk, %tid, %threads, %warps, %rotation, %normalizer, %rotate, %false)
              : (!view4, !qkg, index, f32, i1, index, index, index, index, index, index, index, index, index, !view4, !view4, i1, i1) -> ()
        }
        scf.if %update {
          scf.if %additive {
            func.call @ldn_gpu_linear_attention_stage_additive(%k, %rotation, %qkg, %vp, %zrow, %b, %h, %t0, %n, %tileRow, %dk, %tid, %threads, %warps)
                : (!view4, !view4, !qkg, !vp, !zrow, index, index, index, index, index, index, index, index, index) -> ()
          } else {
            func.call @ldn_gpu_linear_attention_stage(%k, %qkg, %c1, %one, %false, %b, %h, %t0, %n, %tileRow, %dk, %tid, %threads, %warps, %rotation, %normalizer, %rotate, %normalize)
                : (!view4, !qkg, index, f32, i1, index, index, index, index, index, index, index, index, index, !view4, !view4, i1, i1) -> ()
          }
          %notAdditive = arith.xori %additive, %true : i1
          %vectorGates0 = arith.andi %has_decay, %per_channel : i1
          %vectorGates = arith.andi %vectorGates0, %notAdditive : i1
          scf.if %vectorGates {
            func.call @ldn_gpu_linear_attention_stage(%decay, %qkg, %c2, %one, %true, %b, %h, %t0, %n, %tileRow, %dk, %tid, %threads, %warps, %rotation, %normalizer, %false, %false)
                : (!view4, !qkg, index, f32, i1, index, index, index, index, index, index, index, index, index, !view4, !view4, i1, i1) -> ()
          }
        }
        scf.if %update {
          scf.for %e = %tid to %vElements step %threads {
            %t = arith.divui %e, %c32 : index
            %c = arith.remui %e, %c32 : index
            %vcol = arith.addi %colBase, %c : index
            %gt = arith.addi %t0, %t : index
            %tOk = arith.cmpi ult, %t, %n : index
            %vcolOk = arith.cmpi ult, %vcol, %dv : index
            %ok = arith.andi %tOk, %vcolOk : i1
            %x = scf.if %ok -> f32 {
              %y = memref.load %v[%b, %gt, %h, %vcol] : !view4
              scf.yield %y : f32
            } else {
              scf.yield %zero : f32
            }
            memref.store %x, %vp[%c8, %t, %c] : !vp
          }
          %notPerChannel = arith.xori %per_channel, %true : i1
          %scalarGates = arith.andi %has_decay, %notPerChannel : i1
          scf.if %scalarGates {
            scf.for %e = %tid to %chunk step %threads {
              %tOk = arith.cmpi ult, %e, %n : index
              %g = scf.if %tOk -> f32 {
                %gt = arith.addi %t0, %e : index
                %y = memref.load %decay[%b, %gt, %h, %c0] : !view4
                %ey = math.exp %y : f32
                scf.yield %ey : f32
              } else {
                scf.yield %one : f32
              }
              memref.store %g, %gHead[%e] : !gates
            }
          }
        }
        gpu.barrier
        // 2. The steps.
        %Sn = scf.for %s = %c0 to %n step %c1 iter_args(%St = %Sc) -> vector<8xf32> {
          %Su = scf.if %update -> vector<8xf32> {
            %kv = memref.load %qkg[%c1, %s, %warp] : !qkg
            %vj = memref.load %vp[%c8, %s, %lane] : !vp
            %vb = vector.broadcast %vj : f32 to vector<8xf32>
            %Sg = scf.if %has_decay -> vector<8xf32> {
              %g = scf.if %per_channel -> vector<8xf32> {
                %gv = memref.load %qkg[%c2, %s, %warp] : !qkg
                scf.yield %gv : vector<8xf32>
              } else {
                %g1 = memref.load %gHead[%s] : !gates
                %gb = vector.broadcast %g1 : f32 to vector<8xf32>
                scf.yield %gb : vector<8xf32>
              }
              %decayed = arith.mulf %g, %St : vector<8xf32>
              scf.yield %decayed : vector<8xf32>
            } else {
              scf.yield %St : vector<8xf32>
            }
            %next = vector.fma %kv, %vb, %Sg : vector<8xf32>
            scf.yield %next : vector<8xf32>
          } else {
            scf.yield %St : vector<8xf32>
          }
          scf.if %readout {
            %qv = memref.load %qkg[%c0, %s, %warp] : !qkg
            %prod = arith.mulf %Su, %qv : vector<8xf32>
            %dot = vector.reduction <add>, %prod fastmath<reassoc> : vector<8xf32> into f32
            memref.store %dot, %vp[%warp, %s, %lane] : !vp
          }
          scf.yield %Su : vector<8xf32>
        }
        gpu.barrier
        // 3. o_t[j]: the warps' parts summed.
        scf.if %readout {
          scf.for %t = %warp to %n step %warps {
            %sum = scf.for %w = %c0 to %warps step %c1 iter_args(%acc = %zero) -> f32 {
              %x = memref.load %vp[%w, %t, %lane] : !vp
              %acc2 = arith.addf %acc, %x : f32
              scf.yield %acc2 : f32
            }
            scf.if %colOk {
              %gt = arith.addi %t0, %t : index
              memref.store %sum, %out[%kt, %b, %gt, %h, %col] : !view5
            }
          }
        }
        scf.yield %Sn : vector<8xf32>
      }

      // The final state the same way back: once the last chunk's readout is
      // done with vp, each thread's 8 values go there, then the tile is
      // written coalesced.
      scf.if %update {
        gpu.barrier
        %s:8 = vector.to_elements %S : vector<8xf32>
        memref.store %s#0, %vp[%warp, %c0, %lane] : !vp
        memref.store %s#1, %vp[%warp, %c1, %lane] : !vp
        memref.store %s#2, %vp[%warp, %c2, %lane] : !vp
        memref.store %s#3, %vp[%warp, %c3, %lane] : !vp
        memref.store %s#4, %vp[%warp, %c4, %lane] : !vp
        memref.store %s#5, %vp[%warp, %c5, %lane] : !vp
        memref.store %s#6, %vp[%warp, %c6, %lane] : !vp
        memref.store %s#7, %vp[%warp, %c7, %lane] : !vp
        gpu.barrier
        scf.for %e = %tid to %stateElements step %threads {
          %rowInTile = arith.divui %e, %c32 : index
          %c = arith.remui %e, %c32 : index
          %row = arith.addi %tileRow, %rowInTile : index
          %scol = arith.addi %colBase, %c : index
          %rowOk = arith.cmpi ult, %row, %dk : index
          %scolOk = arith.cmpi ult, %scol, %dv : index
          %ok = arith.andi %rowOk, %scolOk : i1
          scf.if %ok {
            %w = arith.divui %rowInTile, %c8 : index
            %r = arith.remui %rowInTile, %c8 : index
            %x = memref.load %vp[%w, %r, %c] : !vp
            memref.store %x, %state_out[%p, %b, %h, %row, %scol] : !view5
          }
        }
      }
      gpu.terminator
    }
  }
  return
}

// Stages one operand's chunk into qkg[slot]: qkg[slot, t, c] = the key
// rows tileRow + 8c .. + 7 of step t0 + t (times `factor`, exponentiated if
// `exp`), 8 consecutive rows of one step per thread and iteration.
func.func private @ldn_gpu_linear_attention_stage(
    %view: !view4, %qkg: !qkg, %slot: index, %factor: f32, %exp: i1,
    %b: index, %h: index, %t0: index, %n: index, %tileRow: index, %dk: index,
    %tid: index, %threads: index, %warps: index, %rotation: !view4, %normalizer: !view4, %rotate: i1, %normalize: i1) {
  %c8 = arith.constant 8 : index
  %chunk = arith.constant 24 : index
  %octs = arith.muli %warps, %chunk : index
  scf.for %e = %tid to %octs step %threads {
    %t = arith.divui %e, %warps : index
    %c = arith.remui %e, %warps : index
    %rowInTile = arith.muli %c, %c8 : index
    %row = arith.addi %tileRow, %rowInTile : index
    %gt = arith.addi %t0, %t : index
    %tOk = arith.cmpi ult, %t, %n : index
    %x = func.call @ldn_gpu_linear_attention_load_oct(%view, %b, %gt, %h, %row, %tOk, %dk, %exp, %rotation, %normalizer, %rotate, %normalize)
        : (!view4, index, index, index, index, i1, index, i1, !view4, !view4, i1, i1) -> vector<8xf32>
    %factors = vector.broadcast %factor : f32 to vector<8xf32>
    %scaled = arith.mulf %x, %factors : vector<8xf32>
    memref.store %scaled, %qkg[%slot, %t, %c] : !qkg
  }
  return
}

// view[b, t, h, row .. row + 7] as a vector (see load_quad).
func.func private @ldn_gpu_linear_attention_load_oct(
    %view: !view4, %b: index, %t: index, %h: index, %row: index, %tOk: i1,
    %dk: index, %exp: i1, %rotation: !view4, %normalizer: !view4, %rotate: i1, %normalize: i1) -> vector<8xf32> {
  %c4 = arith.constant 4 : index
  %lo = func.call @ldn_gpu_linear_attention_load_quad(%view, %b, %t, %h, %row, %tOk, %dk, %exp, %rotation, %normalizer, %rotate, %normalize) : (!view4, index, index, index, index, i1, index, i1, !view4, !view4, i1, i1) -> vector<4xf32>
  %row4 = arith.addi %row, %c4 : index
  %hi = func.call @ldn_gpu_linear_attention_load_quad(%view, %b, %t, %h, %row4, %tOk, %dk, %exp, %rotation, %normalizer, %rotate, %normalize) : (!view4, index, index, index, index, i1, index, i1, !view4, !view4, i1, i1) -> vector<4xf32>
  %oct = vector.shuffle %lo, %hi [0, 1, 2, 3, 4, 5, 6, 7] : vector<4xf32>, vector<4xf32>
  return %oct : vector<8xf32>
}

// view[b, t, h, row .. row + 3] as a vector, 0 at rows >= dk or where !tOk;
// exponentiated if `exp`.
func.func private @ldn_gpu_linear_attention_load_quad(
    %view: !view4, %b: index, %t: index, %h: index, %row: index, %tOk: i1,
    %dk: index, %exp: i1, %rotation: !view4, %normalizer: !view4, %rotate: i1, %normalize: i1) -> vector<4xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %x0 = func.call @ldn_gpu_linear_attention_load_one(%view, %b, %t, %h, %row, %tOk, %dk, %exp, %rotation, %normalizer, %rotate, %normalize) : (!view4, index, index, index, index, i1, index, i1, !view4, !view4, i1, i1) -> f32
  %row1 = arith.addi %row, %c1 : index
  %x1 = func.call @ldn_gpu_linear_attention_load_one(%view, %b, %t, %h, %row1, %tOk, %dk, %exp, %rotation, %normalizer, %rotate, %normalize) : (!view4, index, index, index, index, i1, index, i1, !view4, !view4, i1, i1) -> f32
  %row2 = arith.addi %row, %c2 : index
  %x2 = func.call @ldn_gpu_linear_attention_load_one(%view, %b, %t, %h, %row2, %tOk, %dk, %exp, %rotation, %normalizer, %rotate, %normalize) : (!view4, index, index, index, index, i1, index, i1, !view4, !view4, i1, i1) -> f32
  %row3 = arith.addi %row, %c3 : index
  %x3 = func.call @ldn_gpu_linear_attention_load_one(%view, %b, %t, %h, %row3, %tOk, %dk, %exp, %rotation, %normalizer, %rotate, %normalize) : (!view4, index, index, index, index, i1, index, i1, !view4, !view4, i1, i1) -> f32
  %quad = vector.from_elements %x0, %x1, %x2, %x3 : vector<4xf32>
  return %quad : vector<4xf32>
}

// One element of load_quad. LightNet (ldn.lightnet_attention): with
// `rotate`, `view` holds the d unrotated channels and row r < 2d reads
// channel r mod d times the lrpe factor rotation[0, t, h, r]; with
// `normalize`, that channel is first exp(x - normalizer[b, 0, h, channel]).
func.func private @ldn_gpu_linear_attention_load_one(
    %view: !view4, %b: index, %t: index, %h: index, %row: index, %tOk: i1,
    %dk: index, %exp: i1, %rotation: !view4, %normalizer: !view4, %rotate: i1, %normalize: i1) -> f32 {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %zero = arith.constant 0.0 : f32
  %rowOk = arith.cmpi ult, %row, %dk : index
  %ok = arith.andi %tOk, %rowOk : i1
  %x = scf.if %ok -> f32 {
    %d = memref.dim %view, %c3 : !view4
    %upper = arith.cmpi uge, %row, %d : index
    %lower = arith.subi %row, %d : index
    %folded = arith.select %upper, %lower, %row : index
    %channel = arith.select %rotate, %folded, %row : index
    %y = memref.load %view[%b, %t, %h, %channel] : !view4
    %yn = scf.if %normalize -> f32 {
      %z = memref.load %normalizer[%b, %c0, %h, %channel] : !view4
      %shifted = arith.subf %y, %z : f32
      %e = math.exp %shifted : f32
      scf.yield %e : f32
    } else {
      scf.yield %y : f32
    }
    %yr = scf.if %rotate -> f32 {
      %r = memref.load %rotation[%c0, %t, %h, %row] : !view4
      %rotated = arith.mulf %yn, %r : f32
      scf.yield %rotated : f32
    } else {
      scf.yield %yn : f32
    }
    scf.yield %yr : f32
  } else {
    scf.yield %zero : f32
  }
  %result = scf.if %exp -> f32 {
    %e = math.exp %x : f32
    scf.yield %e : f32
  } else {
    scf.yield %x : f32
  }
  return %result : f32
}

// out = base (if has_base) + Σ_p parts[p]: one thread per element, the
// innermost dimension across consecutive threads.
func.func private @ldn_gpu_linear_attention_sum(
    %out: !view4, %parts: !view5, %base: !view4, %has_base: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c32 = arith.constant 32 : index
  %c8 = arith.constant 8 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  %P = memref.dim %parts, %c0 : !view5
  %d0 = memref.dim %out, %c0 : !view4
  %d1 = memref.dim %out, %c1 : !view4
  %d2 = memref.dim %out, %c2 : !view4
  %d3 = memref.dim %out, %c3 : !view4
  %n01 = arith.muli %d0, %d1 : index
  %n012 = arith.muli %n01, %d2 : index
  %n = arith.muli %n012, %d3 : index
  %blocks = arith.ceildivui %n, %c256 : index
  %nonempty = arith.cmpi ugt, %blocks, %c0 : index
  scf.if %nonempty {
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %blocks, %gy = %c1, %gz = %c1)
               threads(%lane, %warp, %tz) in (%sx = %c32, %sy = %c8, %sz = %c1) {
      %block0 = arith.muli %bx, %c256 : index
      %tid0 = arith.muli %warp, %c32 : index
      %tid = arith.addi %tid0, %lane : index
      %i = arith.addi %block0, %tid : index
      %inside = arith.cmpi ult, %i, %n : index
      scf.if %inside {
        %i3 = arith.remui %i, %d3 : index
        %q3 = arith.divui %i, %d3 : index
        %i2 = arith.remui %q3, %d2 : index
        %q2 = arith.divui %q3, %d2 : index
        %i1 = arith.remui %q2, %d1 : index
        %i0 = arith.divui %q2, %d1 : index
        %start = scf.if %has_base -> f32 {
          %x = memref.load %base[%i0, %i1, %i2, %i3] : !view4
          scf.yield %x : f32
        } else {
          scf.yield %zero : f32
        }
        %sum = scf.for %p = %c0 to %P step %c1 iter_args(%acc = %start) -> f32 {
          %x = memref.load %parts[%p, %i0, %i1, %i2, %i3] : !view5
          %acc2 = arith.addf %acc, %x : f32
          scf.yield %acc2 : f32
        }
        memref.store %sum, %out[%i0, %i1, %i2, %i3] : !view4
      }
      gpu.terminator
    }
  }
  return
}
