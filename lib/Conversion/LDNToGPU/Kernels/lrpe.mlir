// ldn.lrpe on the GPU: y[b,t,h,c] = x cos Θ, y[b,t,h,d+c] = x sin Θ for the
// grid tokens t = P + i, Θ = p_a(i) θ[h, c mod e] with a = c / e and
// p_a(i) = (i / stride_a) mod g_a (row-major unravel); [x, 0] for the P
// prefix tokens.
//
// One call covers the channel window [c0, c0 + W) of at most 4 grid axes
// (the pattern makes one call per 4 axes, so a window is all of d for every
// grid of up to 4 axes); (stride_k, size_k) describe the window's axis k,
// unused slots are (1, 1). After inlining they are constants, so the
// coordinate of each axis is a division by a constant and the selection of
// the channel's axis a few selects.
//
// Parallelization: one thread per output pair (b, t, h, c) of the window,
// flattened with the channel fastest, so the lanes of a warp read x and write
// both halves of y at consecutive addresses (coalesced even when W is smaller
// than a warp: consecutive rows (b, t, h) follow each other). 1-D grid of
// 256-thread blocks, at most 65535 of them, striding over all pairs. Every
// element of x is read once, every element of y written once; θ (H x e
// floats) is read per pair from cache. No shared memory, no barriers: the
// pairs are independent.
//
// The angles p θ are not small (p up to a grid size, θ unbounded): an f32
// product alone carries an absolute error of |p θ| 2^-24 (0.02 rad at
// p θ = 4e5), so the product is formed exactly in f64 and reduced to
// [-π, π] there; sin and cos of the reduced angle are the accurate f32 ones
// (math.sincos, libdevice __nv_sincosf), always on their fast path.
func.func private @ldn_gpu_lrpe(
    %x: memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>,
    %theta: memref<?x?xf32, strided<[?, ?], offset: ?>>,
    %y: memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>,
    %prefix: index, %c_first: index, %width: index,
    %stride0: index, %size0: index, %stride1: index, %size1: index,
    %stride2: index, %size2: index, %stride3: index, %size3: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c256 = arith.constant 256 : index
  %c65535 = arith.constant 65535 : index
  %zero = arith.constant 0.0 : f32
  %twoPi = arith.constant 6.283185307179586 : f64
  %invTwoPi = arith.constant 0.15915494309189535 : f64
  %B = memref.dim %x, %c0 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
  %T = memref.dim %x, %c1 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
  %H = memref.dim %x, %c2 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
  %d = memref.dim %x, %c3 : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
  %e = memref.dim %theta, %c1 : memref<?x?xf32, strided<[?, ?], offset: ?>>
  %BT = arith.muli %B, %T : index
  %rows = arith.muli %BT, %H : index
  %total = arith.muli %rows, %width : index
  %needed = arith.ceildivui %total, %c256 : index
  %capped = arith.minui %needed, %c65535 : index
  %blocks = arith.maxui %capped, %c1 : index
  %step = arith.muli %blocks, %c256 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %blocks, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c256, %sy = %c1, %sz = %c1) {
    %first = arith.muli %bx, %c256 : index
    %start = arith.addi %first, %tx : index
    scf.for %q = %start to %total step %step {
      // q = ((b T + t) H + h) W + (c - c_first)
      %cl = arith.remui %q, %width : index
      %row = arith.divui %q, %width : index
      %h = arith.remui %row, %H : index
      %bt = arith.divui %row, %H : index
      %t = arith.remui %bt, %T : index
      %b = arith.divui %bt, %T : index
      %c = arith.addi %c_first, %cl : index
      %xv = memref.load %x[%b, %t, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
      %onGrid = arith.cmpi uge, %t, %prefix : index
      %out:2 = scf.if %onGrid -> (f32, f32) {
        %i = arith.subi %t, %prefix : index
        %r0 = arith.divui %i, %stride0 : index
        %p0 = arith.remui %r0, %size0 : index
        %r1 = arith.divui %i, %stride1 : index
        %p1 = arith.remui %r1, %size1 : index
        %r2 = arith.divui %i, %stride2 : index
        %p2 = arith.remui %r2, %size2 : index
        %r3 = arith.divui %i, %stride3 : index
        %p3 = arith.remui %r3, %size3 : index
        // The channel's axis within the window (c_first is a multiple of e).
        %axis = arith.divui %cl, %e : index
        %is0 = arith.cmpi eq, %axis, %c0 : index
        %is1 = arith.cmpi eq, %axis, %c1 : index
        %is2 = arith.cmpi eq, %axis, %c2 : index
        %p23 = arith.select %is2, %p2, %p3 : index
        %p123 = arith.select %is1, %p1, %p23 : index
        %p = arith.select %is0, %p0, %p123 : index
        %k = arith.remui %cl, %e : index
        %th = memref.load %theta[%h, %k] : memref<?x?xf32, strided<[?, ?], offset: ?>>
        // p θ exactly (24 x 24 bits fit a double), reduced to [-π, π] in
        // f64, then f32 sin and cos.
        %pi = arith.index_castui %p : index to i64
        %pd = arith.uitofp %pi : i64 to f64
        %thd = arith.extf %th : f32 to f64
        %angle = arith.mulf %pd, %thd : f64
        %scaled = arith.mulf %angle, %invTwoPi : f64
        %turns = math.roundeven %scaled : f64
        %whole = arith.mulf %turns, %twoPi : f64
        %reduced64 = arith.subf %angle, %whole : f64
        %reduced = arith.truncf %reduced64 : f64 to f32
        %sin, %cos = math.sincos %reduced : f32
        %yc = arith.mulf %xv, %cos : f32
        %ys = arith.mulf %xv, %sin : f32
        scf.yield %yc, %ys : f32, f32
      } else {
        scf.yield %xv, %zero : f32, f32
      }
      %cs = arith.addi %d, %c : index
      memref.store %out#0, %y[%b, %t, %h, %c] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
      memref.store %out#1, %y[%b, %t, %h, %cs] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
    }
    gpu.terminator
  }
  return
}
