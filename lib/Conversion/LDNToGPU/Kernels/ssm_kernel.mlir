// ldn.ssm_kernel on the GPU: κ[n, j] = Re(c_n λ̄_n^lag), lag = j, or for the
// mirrored half of a bidirectional kernel ([N, 2L]) lag = 2L - 1 - j.
//
// λ̄^lag comes from the closed form exp(lag log|λ̄|) (cos(lag arg λ̄) +
// i sin(lag arg λ̄)), never from repeated multiplication (whose error grows
// with lag and which would serialize the lags). Two launches:
//
//   1. Modes: one thread per mode n (128-thread blocks) computes, in f64,
//      log|λ̄|, arg λ̄, Re c, Im c for zoh or bilinear into a [N, 4] f64
//      scratch buffer: the transcendental set-up and the cancellation-prone
//      λ̄ - 1 are done once per mode, not once per lag.
//   2. Lags: grid (ceil(W / 256), min(N, 65535)), 256-thread blocks; thread
//      (x, y) owns lag column j = 256 x + tid for the modes n = y, y + gy, ...
//      so the lanes of a warp write consecutive columns (coalesced) and every
//      output element is written once. A block's threads all read the same
//      mode's 4 parameters (one broadcast load per warp, cached). The phase
//      lag arg λ̄ is formed and reduced to [-π, π] in f64: it does not decay,
//      and in f32 its absolute error j |arg λ̄| 2^-24 (1e-3 rad at j = 8192)
//      would exceed f32 round-off of the result. Magnitude, cos and sin are
//      f32 (libdevice, accurate): the exponent's error only matters where the
//      value has already decayed.
//
// This is the CPU lowering's arithmetic (LDNToLinalg/SsmKernel.cpp) op for
// op, so both match the fp64 reference equally. No shared memory, no
// barriers: the elements are independent.
func.func private @ldn_gpu_ssm_kernel(
    %lambda_re: memref<?xf32, strided<[?], offset: ?>>,
    %lambda_im: memref<?xf32, strided<[?], offset: ?>>,
    %log_dt: memref<?xf32, strided<[?], offset: ?>>,
    %kernel: memref<?x?xf32, strided<[?, ?], offset: ?>>,
    %length: index, %bilinear: i1, %bidirectional: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %c65535 = arith.constant 65535 : index
  %N = memref.dim %lambda_re, %c0 : memref<?xf32, strided<[?], offset: ?>>
  %W = memref.dim %kernel, %c1 : memref<?x?xf32, strided<[?, ?], offset: ?>>
  %params = memref.alloc(%N) : memref<?x4xf64>

  // 1. Per-mode parameters.
  %modeTiles = arith.ceildivui %N, %c128 : index
  %modeBlocks = arith.maxui %modeTiles, %c1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %modeBlocks, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c128, %sy = %c1, %sz = %c1) {
    %first = arith.muli %bx, %c128 : index
    %n = arith.addi %first, %tx : index
    %active = arith.cmpi ult, %n, %N : index
    scf.if %active {
      %one = arith.constant 1.0 : f64
      %half = arith.constant 0.5 : f64
      %clamp = arith.constant -1.0e-4 : f64
      %re32 = memref.load %lambda_re[%n] : memref<?xf32, strided<[?], offset: ?>>
      %im32 = memref.load %lambda_im[%n] : memref<?xf32, strided<[?], offset: ?>>
      %logdt32 = memref.load %log_dt[%n] : memref<?xf32, strided<[?], offset: ?>>
      %re64 = arith.extf %re32 : f32 to f64
      // Stability clamp Re λ <= -1e-4 (in f64, as the reference does).
      %re = arith.minimumf %re64, %clamp : f64
      %im = arith.extf %im32 : f32 to f64
      %logdt = arith.extf %logdt32 : f32 to f64
      %dt = math.exp %logdt : f64
      %p:4 = scf.if %bilinear -> (f64, f64, f64, f64) {
        // λ̄ = num / den, num = 1 + Δλ/2, den = 1 - Δλ/2; c = Δ / den.
        %hdt = arith.mulf %dt, %half : f64
        %hre = arith.mulf %hdt, %re : f64
        %him = arith.mulf %hdt, %im : f64
        %numRe = arith.addf %one, %hre : f64
        %denRe = arith.subf %one, %hre : f64
        %denIm = arith.negf %him : f64
        %numRe2 = arith.mulf %numRe, %numRe : f64
        %him2 = arith.mulf %him, %him : f64
        %denRe2 = arith.mulf %denRe, %denRe : f64
        %num2 = arith.addf %numRe2, %him2 : f64
        %den2 = arith.addf %denRe2, %him2 : f64
        // log|λ̄| = (log|num|² - log|den|²) / 2; |num| = 0 gives -inf, which
        // launch 2 handles at lag 0.
        %lnum = math.log %num2 : f64
        %lden = math.log %den2 : f64
        %ldiff = arith.subf %lnum, %lden : f64
        %logMag = arith.mulf %ldiff, %half : f64
        %anum = math.atan2 %him, %numRe : f64
        %aden = math.atan2 %denIm, %denRe : f64
        %phase = arith.subf %anum, %aden : f64
        // c = Δ conj(den) / |den|².
        %scale = arith.divf %dt, %den2 : f64
        %cRe = arith.mulf %scale, %denRe : f64
        %cImNeg = arith.mulf %scale, %denIm : f64
        %cIm = arith.negf %cImNeg : f64
        scf.yield %logMag, %phase, %cRe, %cIm : f64, f64, f64, f64
      } else {
        // λ̄ = exp(λΔ), c = (λ̄ - 1) / λ.
        %logMag = arith.mulf %re, %dt : f64
        %phase = arith.mulf %im, %dt : f64
        %mag = math.exp %logMag : f64
        %sin, %cos = math.sincos %phase : f64
        %barRe = arith.mulf %mag, %cos : f64
        %zRe = arith.subf %barRe, %one : f64
        %zIm = arith.mulf %mag, %sin : f64
        %re2 = arith.mulf %re, %re : f64
        %im2 = arith.mulf %im, %im : f64
        %norm = arith.addf %re2, %im2 : f64
        %a = arith.mulf %zRe, %re : f64
        %b = arith.mulf %zIm, %im : f64
        %ab = arith.addf %a, %b : f64
        %cRe = arith.divf %ab, %norm : f64
        %c = arith.mulf %zIm, %re : f64
        %d = arith.mulf %zRe, %im : f64
        %cd = arith.subf %c, %d : f64
        %cIm = arith.divf %cd, %norm : f64
        scf.yield %logMag, %phase, %cRe, %cIm : f64, f64, f64, f64
      }
      memref.store %p#0, %params[%n, %c0] : memref<?x4xf64>
      memref.store %p#1, %params[%n, %c1] : memref<?x4xf64>
      memref.store %p#2, %params[%n, %c2] : memref<?x4xf64>
      memref.store %p#3, %params[%n, %c3] : memref<?x4xf64>
    }
    gpu.terminator
  }

  // 2. The kernel values.
  %lagTiles = arith.ceildivui %W, %c256 : index
  %lagBlocks = arith.maxui %lagTiles, %c1 : index
  %modeRows = arith.minui %N, %c65535 : index
  %modeGrid = arith.maxui %modeRows, %c1 : index
  %twoL = arith.addi %length, %length : index
  %lastColumn = arith.subi %twoL, %c1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %lagBlocks, %gy = %modeGrid, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c256, %sy = %c1, %sz = %c1) {
    %first = arith.muli %bx, %c256 : index
    %j = arith.addi %first, %tx : index
    %active = arith.cmpi ult, %j, %W : index
    scf.if %active {
      %zero = arith.constant 0.0 : f64
      %twoPi = arith.constant 6.283185307179586 : f64
      %invTwoPi = arith.constant 0.15915494309189535 : f64
      // Column L + m of a bidirectional kernel holds lag L - 1 - m.
      %forward = arith.cmpi ult, %j, %length : index
      %mirrored = arith.subi %lastColumn, %j : index
      %mirror = arith.select %forward, %j, %mirrored : index
      %lag = arith.select %bidirectional, %mirror, %j : index
      %lagInt = arith.index_castui %lag : index to i64
      %lagF = arith.uitofp %lagInt : i64 to f64
      %isZero = arith.cmpi eq, %lag, %c0 : index
      scf.for %n = %by to %N step %modeGrid {
        %logMag = memref.load %params[%n, %c0] : memref<?x4xf64>
        %phase = memref.load %params[%n, %c1] : memref<?x4xf64>
        %cRe64 = memref.load %params[%n, %c2] : memref<?x4xf64>
        %cIm64 = memref.load %params[%n, %c3] : memref<?x4xf64>
        // |λ̄|^0 = 1 even when log|λ̄| = -inf (bilinear λ̄ = 0).
        %lp = arith.mulf %lagF, %logMag : f64
        %logPower = arith.select %isZero, %zero, %lp : f64
        %logPower32 = arith.truncf %logPower : f64 to f32
        %mag = math.exp %logPower32 : f32
        // The phase reduced to [-π, π] in f64, then f32 cos and sin.
        %angle = arith.mulf %lagF, %phase : f64
        %scaled = arith.mulf %angle, %invTwoPi : f64
        %turns = math.roundeven %scaled : f64
        %whole = arith.mulf %turns, %twoPi : f64
        %reduced64 = arith.subf %angle, %whole : f64
        %reduced = arith.truncf %reduced64 : f64 to f32
        %sin, %cos = math.sincos %reduced : f32
        %cRe = arith.truncf %cRe64 : f64 to f32
        %cIm = arith.truncf %cIm64 : f64 to f32
        %rc = arith.mulf %cRe, %cos : f32
        %is = arith.mulf %cIm, %sin : f32
        %real = arith.subf %rc, %is : f32
        %value = arith.mulf %mag, %real : f32
        memref.store %value, %kernel[%n, %j] : memref<?x?xf32, strided<[?, ?], offset: ?>>
      }
    }
    gpu.terminator
  }
  // The launches complete before the host continues (no async tokens).
  memref.dealloc %params : memref<?x4xf64>
  return
}
