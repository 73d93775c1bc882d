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
// Each block walks its time range in chunks of 16 steps:
//   1. the chunk's q (times scale), k and gates exp(decay) for the block's
//      key rows, and v for its value columns, go to shared memory, read once
//      from global memory by consecutive threads (coalesced along dk / dv);
//      rows past dk and steps past T are zeros (a zero key leaves S as is);
//   2. after a barrier, every thread steps through the chunk with the exact
//      recurrence on its 8 state values, S = g ⊙ S + k v_j (k, g: 8-wide
//      broadcast loads from shared memory, one per warp), and its part of
//      o_t[j] = Σ_i S[i, j] q_t[i] over its 8 rows into shared memory;
//   3. after a barrier, the W parts of each o_t[j] are summed and o written
//      (32 consecutive floats per warp and step).
// Why the per-step recurrence and not the chunked matmul form (intra-chunk
// (q_i · k_j) exp(G_i - G_j) plus q_i · S decayed): the decays may be -inf
// (additive_decay's decay_0) or very negative, where differences of
// cumulative log-decays are NaN or lose all precision, and vector (GLA)
// decays make the intra-chunk weights per channel; the recurrence multiplies
// by exp(decay) once per step and is exact in all those cases. Without
// tensor cores (this is f32 SIMT code) the chunked form would also do more
// work: L^2 (dk + dv) intra-chunk plus 2 L dk dv per chunk against the
// recurrence's 3 L dk dv, more whenever L >= dk dv / (dk + dv).
// Every input is read once per block that needs it: q, k and decay once per
// value tile, v once per key tile (NV, NK = 1 for dk <= 64, dv <= 32).
//
// With dk > 64 (NK > 1) each key tile's part of o goes to a [NK, B,T,H,dv]
// scratch and a second launch sums them. Non-causal: the state
// S0 + Σ_t k_t v_tᵀ is a reduction over T, parallel over P <= 32 time splits:
// one sweep accumulates each split's part (update only, from zero) into a
// [P, B,H,dk,dv] scratch, a second launch adds them to S0 (the state
// result), and a readout-only sweep from that state, split into spans of
// 256 steps, writes o.

!view4 = memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
!view5 = memref<?x?x?x?x?xf32, strided<[?, ?, ?, ?, ?], offset: ?>>

func.func private @ldn_gpu_linear_attention(
    %q: !view4, %k: !view4, %v: !view4, %decay: !view4, %init: !view4,
    %o: !view4, %state: !view4,
    %causal: i1, %has_decay: i1, %per_channel: i1, %has_init: i1,
    %scale: f32) {
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
        %c1, %T, %true, %has_decay, %per_channel, %has_init, %scale)
        : (!view4, !view4, !view4, !view4, !view4, !view4, !view5,
           index, index, i1, i1, i1, i1, f32) -> ()
  } else {
    // The state: P splits of >= 256 steps (at most 32) reduced separately,
    // then added up with S0.
    %B = memref.dim %q, %c0 : !view4
    %H = memref.dim %q, %c2 : !view4
    %dk = memref.dim %q, %c3 : !view4
    %dv = memref.dim %v, %c3 : !view4
    %wanted = arith.ceildivui %T, %c256 : index
    %capped = arith.minui %wanted, %c32 : index
    %splits = arith.maxui %capped, %c1 : index
    %span = arith.ceildivui %T, %splits : index
    %parts = memref.alloc(%splits, %B, %H, %dk, %dv) : memref<?x?x?x?x?xf32>
    %partsView = memref.cast %parts : memref<?x?x?x?x?xf32> to !view5
    func.call @ldn_gpu_linear_attention_sweep(%q, %k, %v, %decay, %init, %partsView,
        %partsView, %splits, %span, %true, %false, %false, %false, %false,
        %scale)
        : (!view4, !view4, !view4, !view4, !view4, !view5, !view5,
           index, index, i1, i1, i1, i1, i1, f32) -> ()
    func.call @ldn_gpu_linear_attention_sum(%state, %partsView, %init, %has_init)
        : (!view4, !view5, !view4, i1) -> ()
    memref.dealloc %parts : memref<?x?x?x?x?xf32>
    // o from the state, in independent spans of 256 steps.
    %readouts0 = arith.ceildivui %T, %c256 : index
    %readouts = arith.maxui %readouts0, %c1 : index
    func.call @ldn_gpu_linear_attention_into_o(%q, %k, %v, %decay, %state, %o,
        %state5, %readouts, %c256, %false, %false, %false, %true, %scale)
        : (!view4, !view4, !view4, !view4, !view4, !view4, !view5,
           index, index, i1, i1, i1, i1, f32) -> ()
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
    %scale: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %true = arith.constant true
  %false = arith.constant false
  %dk = memref.dim %q, %c3 : !view4
  %tiles = func.call @ldn_gpu_linear_attention_key_tiles(%dk) : (index) -> index
  %single = arith.cmpi eq, %tiles, %c1 : index
  scf.if %single {
    %o5 = func.call @ldn_gpu_linear_attention_leading_unit(%o) : (!view4) -> !view5
    func.call @ldn_gpu_linear_attention_sweep(%q, %k, %v, %decay, %init, %o5,
        %state5, %splits, %span, %update, %true, %has_decay, %per_channel,
        %has_init, %scale)
        : (!view4, !view4, !view4, !view4, !view4, !view5, !view5,
           index, index, i1, i1, i1, i1, i1, f32) -> ()
  } else {
    %B = memref.dim %o, %c0 : !view4
    %T = memref.dim %o, %c1 : !view4
    %H = memref.dim %o, %c2 : !view4
    %dv = memref.dim %o, %c3 : !view4
    %parts = memref.alloc(%tiles, %B, %T, %H, %dv) : memref<?x?x?x?x?xf32>
    %partsView = memref.cast %parts : memref<?x?x?x?x?xf32> to !view5
    func.call @ldn_gpu_linear_attention_sweep(%q, %k, %v, %decay, %init,
        %partsView, %state5, %splits, %span, %update, %true, %has_decay,
        %per_channel, %has_init, %scale)
        : (!view4, !view4, !view4, !view4, !view4, !view5, !view5,
           index, index, i1, i1, i1, i1, i1, f32) -> ()
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
    %has_init: i1, %scale: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c6 = arith.constant 6 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %true = arith.constant true
  %false = arith.constant false
  %zeros = arith.constant dense<0.0> : vector<8xf32>
  %B = memref.dim %q, %c0 : !view4
  %T = memref.dim %q, %c1 : !view4
  %H = memref.dim %q, %c2 : !view4
  %dk = memref.dim %q, %c3 : !view4
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
  %quads = arith.muli %warps, %c2 : index
  %qkQuads = arith.muli %quads, %c16 : index
  %vElements = arith.constant 512 : index
  %nonempty = arith.cmpi ugt, %blocks, %c0 : index
  scf.if %nonempty {
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %blocks, %gy = %c1, %gz = %c1)
               threads(%lane, %warp, %tz) in (%sx = %c32, %sy = %warps, %sz = %c1)
               workgroup(%qs : memref<16x16xvector<4xf32>, #gpu.address_space<workgroup>>,
                         %ks : memref<16x16xvector<4xf32>, #gpu.address_space<workgroup>>,
                         %gs : memref<16x16xvector<4xf32>, #gpu.address_space<workgroup>>,
                         %gHead : memref<16xf32, #gpu.address_space<workgroup>>,
                         %vs : memref<16x32xf32, #gpu.address_space<workgroup>>,
                         %part : memref<8x16x32xf32, #gpu.address_space<workgroup>>) {
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
      %warpRow = arith.muli %warp, %c8 : index
      %row0 = arith.addi %tileRow, %warpRow : index
      %quadLo = arith.muli %warp, %c2 : index
      %quadHi = arith.addi %quadLo, %c1 : index
      %tid0 = arith.muli %warp, %c32 : index
      %tid = arith.addi %tid0, %lane : index

      // The 8 state values of this thread, unrolled so that they stay in
      // registers (a loop over a vector index would go through local memory).
      %S0 = scf.if %has_init -> vector<8xf32> {
        %x0 = func.call @ldn_gpu_linear_attention_load_row(%init, %b, %h, %row0, %c0, %col, %colOk, %dk) : (!view4, index, index, index, index, index, i1, index) -> f32
        %x1 = func.call @ldn_gpu_linear_attention_load_row(%init, %b, %h, %row0, %c1, %col, %colOk, %dk) : (!view4, index, index, index, index, index, i1, index) -> f32
        %x2 = func.call @ldn_gpu_linear_attention_load_row(%init, %b, %h, %row0, %c2, %col, %colOk, %dk) : (!view4, index, index, index, index, index, i1, index) -> f32
        %x3 = func.call @ldn_gpu_linear_attention_load_row(%init, %b, %h, %row0, %c3, %col, %colOk, %dk) : (!view4, index, index, index, index, index, i1, index) -> f32
        %x4 = func.call @ldn_gpu_linear_attention_load_row(%init, %b, %h, %row0, %c4, %col, %colOk, %dk) : (!view4, index, index, index, index, index, i1, index) -> f32
        %x5 = func.call @ldn_gpu_linear_attention_load_row(%init, %b, %h, %row0, %c5, %col, %colOk, %dk) : (!view4, index, index, index, index, index, i1, index) -> f32
        %x6 = func.call @ldn_gpu_linear_attention_load_row(%init, %b, %h, %row0, %c6, %col, %colOk, %dk) : (!view4, index, index, index, index, index, i1, index) -> f32
        %x7 = func.call @ldn_gpu_linear_attention_load_row(%init, %b, %h, %row0, %c7, %col, %colOk, %dk) : (!view4, index, index, index, index, index, i1, index) -> f32
        %loaded = vector.from_elements %x0, %x1, %x2, %x3, %x4, %x5, %x6, %x7 : vector<8xf32>
        scf.yield %loaded : vector<8xf32>
      } else {
        scf.yield %zeros : vector<8xf32>
      }

      %first = arith.muli %p, %span : index
      %stop0 = arith.addi %first, %span : index
      %stop = arith.minui %stop0, %T : index
      %S = scf.for %t0 = %first to %stop step %c16 iter_args(%Sc = %S0) -> vector<8xf32> {
        %left = arith.subi %stop, %t0 : index
        %n = arith.minui %left, %c16 : index
        // 1. Stage the chunk: 4 consecutive key rows of one step per thread
        //    and iteration.
        scf.for %e = %tid to %qkQuads step %threads {
          %t = arith.divui %e, %quads : index
          %c = arith.remui %e, %quads : index
          %rowInTile = arith.muli %c, %c4 : index
          %row = arith.addi %tileRow, %rowInTile : index
          %gt = arith.addi %t0, %t : index
          %tOk = arith.cmpi ult, %t, %n : index
          scf.if %readout {
            %x = func.call @ldn_gpu_linear_attention_load_quad(%q, %b, %gt, %h, %row, %tOk, %dk, %false)
                : (!view4, index, index, index, index, i1, index, i1) -> vector<4xf32>
            %scales = vector.broadcast %scale : f32 to vector<4xf32>
            %xs = arith.mulf %x, %scales : vector<4xf32>
            memref.store %xs, %qs[%t, %c] : memref<16x16xvector<4xf32>, #gpu.address_space<workgroup>>
          }
          scf.if %update {
            %x = func.call @ldn_gpu_linear_attention_load_quad(%k, %b, %gt, %h, %row, %tOk, %dk, %false)
                : (!view4, index, index, index, index, i1, index, i1) -> vector<4xf32>
            memref.store %x, %ks[%t, %c] : memref<16x16xvector<4xf32>, #gpu.address_space<workgroup>>
            %vectorGates = arith.andi %has_decay, %per_channel : i1
            scf.if %vectorGates {
              // exp(0) = 1 outside: no decay.
              %g = func.call @ldn_gpu_linear_attention_load_quad(%decay, %b, %gt, %h, %row, %tOk, %dk, %true)
                  : (!view4, index, index, index, index, i1, index, i1) -> vector<4xf32>
              memref.store %g, %gs[%t, %c] : memref<16x16xvector<4xf32>, #gpu.address_space<workgroup>>
            }
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
            memref.store %x, %vs[%t, %c] : memref<16x32xf32, #gpu.address_space<workgroup>>
          }
          %notPerChannel = arith.xori %per_channel, %true : i1
          %scalarGates = arith.andi %has_decay, %notPerChannel : i1
          scf.if %scalarGates {
            scf.for %e = %tid to %c16 step %threads {
              %tOk = arith.cmpi ult, %e, %n : index
              %g = scf.if %tOk -> f32 {
                %gt = arith.addi %t0, %e : index
                %y = memref.load %decay[%b, %gt, %h, %c0] : !view4
                %ey = math.exp %y : f32
                scf.yield %ey : f32
              } else {
                scf.yield %one : f32
              }
              memref.store %g, %gHead[%e] : memref<16xf32, #gpu.address_space<workgroup>>
            }
          }
        }
        gpu.barrier
        // 2. The steps.
        %Sn = scf.for %s = %c0 to %n step %c1 iter_args(%St = %Sc) -> vector<8xf32> {
          %Su = scf.if %update -> vector<8xf32> {
            %kLo = memref.load %ks[%s, %quadLo] : memref<16x16xvector<4xf32>, #gpu.address_space<workgroup>>
            %kHi = memref.load %ks[%s, %quadHi] : memref<16x16xvector<4xf32>, #gpu.address_space<workgroup>>
            %kv = vector.shuffle %kLo, %kHi [0, 1, 2, 3, 4, 5, 6, 7] : vector<4xf32>, vector<4xf32>
            %vj = memref.load %vs[%s, %lane] : memref<16x32xf32, #gpu.address_space<workgroup>>
            %vb = vector.broadcast %vj : f32 to vector<8xf32>
            %Sg = scf.if %has_decay -> vector<8xf32> {
              %g = scf.if %per_channel -> vector<8xf32> {
                %gLo = memref.load %gs[%s, %quadLo] : memref<16x16xvector<4xf32>, #gpu.address_space<workgroup>>
                %gHi = memref.load %gs[%s, %quadHi] : memref<16x16xvector<4xf32>, #gpu.address_space<workgroup>>
                %gv = vector.shuffle %gLo, %gHi [0, 1, 2, 3, 4, 5, 6, 7] : vector<4xf32>, vector<4xf32>
                scf.yield %gv : vector<8xf32>
              } else {
                %g1 = memref.load %gHead[%s] : memref<16xf32, #gpu.address_space<workgroup>>
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
            %qLo = memref.load %qs[%s, %quadLo] : memref<16x16xvector<4xf32>, #gpu.address_space<workgroup>>
            %qHi = memref.load %qs[%s, %quadHi] : memref<16x16xvector<4xf32>, #gpu.address_space<workgroup>>
            %qv = vector.shuffle %qLo, %qHi [0, 1, 2, 3, 4, 5, 6, 7] : vector<4xf32>, vector<4xf32>
            %prod = arith.mulf %Su, %qv : vector<8xf32>
            %dot = vector.reduction <add>, %prod fastmath<reassoc> : vector<8xf32> into f32
            memref.store %dot, %part[%warp, %s, %lane] : memref<8x16x32xf32, #gpu.address_space<workgroup>>
          }
          scf.yield %Su : vector<8xf32>
        }
        gpu.barrier
        // 3. o_t[j]: the warps' parts summed.
        scf.if %readout {
          scf.for %t = %warp to %n step %warps {
            %sum = scf.for %w = %c0 to %warps step %c1 iter_args(%acc = %zero) -> f32 {
              %x = memref.load %part[%w, %t, %lane] : memref<8x16x32xf32, #gpu.address_space<workgroup>>
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

      scf.if %update {
        %s:8 = vector.to_elements %S : vector<8xf32>
        func.call @ldn_gpu_linear_attention_store_row(%state_out, %p, %b, %h, %row0, %c0, %col, %colOk, %dk, %s#0) : (!view5, index, index, index, index, index, index, i1, index, f32) -> ()
        func.call @ldn_gpu_linear_attention_store_row(%state_out, %p, %b, %h, %row0, %c1, %col, %colOk, %dk, %s#1) : (!view5, index, index, index, index, index, index, i1, index, f32) -> ()
        func.call @ldn_gpu_linear_attention_store_row(%state_out, %p, %b, %h, %row0, %c2, %col, %colOk, %dk, %s#2) : (!view5, index, index, index, index, index, index, i1, index, f32) -> ()
        func.call @ldn_gpu_linear_attention_store_row(%state_out, %p, %b, %h, %row0, %c3, %col, %colOk, %dk, %s#3) : (!view5, index, index, index, index, index, index, i1, index, f32) -> ()
        func.call @ldn_gpu_linear_attention_store_row(%state_out, %p, %b, %h, %row0, %c4, %col, %colOk, %dk, %s#4) : (!view5, index, index, index, index, index, index, i1, index, f32) -> ()
        func.call @ldn_gpu_linear_attention_store_row(%state_out, %p, %b, %h, %row0, %c5, %col, %colOk, %dk, %s#5) : (!view5, index, index, index, index, index, index, i1, index, f32) -> ()
        func.call @ldn_gpu_linear_attention_store_row(%state_out, %p, %b, %h, %row0, %c6, %col, %colOk, %dk, %s#6) : (!view5, index, index, index, index, index, index, i1, index, f32) -> ()
        func.call @ldn_gpu_linear_attention_store_row(%state_out, %p, %b, %h, %row0, %c7, %col, %colOk, %dk, %s#7) : (!view5, index, index, index, index, index, index, i1, index, f32) -> ()
      }
      gpu.terminator
    }
  }
  return
}

// view[b, t, h, row .. row + 3] as a vector, 0 at rows >= dk or where !tOk;
// exponentiated if `exp`.
func.func private @ldn_gpu_linear_attention_load_quad(
    %view: !view4, %b: index, %t: index, %h: index, %row: index, %tOk: i1,
    %dk: index, %exp: i1) -> vector<4xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %x0 = func.call @ldn_gpu_linear_attention_load_one(%view, %b, %t, %h, %row, %tOk, %dk, %exp) : (!view4, index, index, index, index, i1, index, i1) -> f32
  %row1 = arith.addi %row, %c1 : index
  %x1 = func.call @ldn_gpu_linear_attention_load_one(%view, %b, %t, %h, %row1, %tOk, %dk, %exp) : (!view4, index, index, index, index, i1, index, i1) -> f32
  %row2 = arith.addi %row, %c2 : index
  %x2 = func.call @ldn_gpu_linear_attention_load_one(%view, %b, %t, %h, %row2, %tOk, %dk, %exp) : (!view4, index, index, index, index, i1, index, i1) -> f32
  %row3 = arith.addi %row, %c3 : index
  %x3 = func.call @ldn_gpu_linear_attention_load_one(%view, %b, %t, %h, %row3, %tOk, %dk, %exp) : (!view4, index, index, index, index, i1, index, i1) -> f32
  %quad = vector.from_elements %x0, %x1, %x2, %x3 : vector<4xf32>
  return %quad : vector<4xf32>
}

func.func private @ldn_gpu_linear_attention_load_one(
    %view: !view4, %b: index, %t: index, %h: index, %row: index, %tOk: i1,
    %dk: index, %exp: i1) -> f32 {
  %zero = arith.constant 0.0 : f32
  %rowOk = arith.cmpi ult, %row, %dk : index
  %ok = arith.andi %tOk, %rowOk : i1
  %x = scf.if %ok -> f32 {
    %y = memref.load %view[%b, %t, %h, %row] : !view4
    scf.yield %y : f32
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

// Row row0 + r of a state tile, column col: init[b, h, row, col], or 0
// outside [dk, dv).
func.func private @ldn_gpu_linear_attention_load_row(
    %init: !view4, %b: index, %h: index, %row0: index, %r: index,
    %col: index, %colOk: i1, %dk: index) -> f32 {
  %zero = arith.constant 0.0 : f32
  %row = arith.addi %row0, %r : index
  %rowOk = arith.cmpi ult, %row, %dk : index
  %ok = arith.andi %rowOk, %colOk : i1
  %x = scf.if %ok -> f32 {
    %y = memref.load %init[%b, %h, %row, %col] : !view4
    scf.yield %y : f32
  } else {
    scf.yield %zero : f32
  }
  return %x : f32
}

// state_out[p, b, h, row0 + r, col] = x inside [dk, dv).
func.func private @ldn_gpu_linear_attention_store_row(
    %state_out: !view5, %p: index, %b: index, %h: index, %row0: index,
    %r: index, %col: index, %colOk: i1, %dk: index, %x: f32) {
  %row = arith.addi %row0, %r : index
  %rowOk = arith.cmpi ult, %row, %dk : index
  %ok = arith.andi %rowOk, %colOk : i1
  scf.if %ok {
    memref.store %x, %state_out[%p, %b, %h, %row, %col] : !view5
  }
  return
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
