// The projections of ldn.ssm_conv on the GPU (the convolution between them
// is the long_conv kernel): out[b, t, g·No + o] = Σ_i in[b, t, g·Ni + i] ·
// weight[g, i, o], over `in` [B, T, G·Ni], `weight` [G, Ni, No] and `out`
// [B, T, G·No].
//
// One thread per output element, 256 per block over the flattened output
// (channel fastest): a warp's threads share their input row, which the
// cache serves once, and read consecutive weight columns. Each output is
// written once, which is where an epilogue applies.
func.func private @ldn_gpu_ssm_conv_project(
    %in: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %weight: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %out: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  %B = memref.dim %out, %c0 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %T = memref.dim %out, %c1 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %M = memref.dim %out, %c2 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %Ni = memref.dim %weight, %c1 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %No = memref.dim %weight, %c2 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %BT = arith.muli %B, %T : index
  %total = arith.muli %BT, %M : index
  %blocks = arith.ceildivui %total, %c256 : index
  %nonempty = arith.cmpi ugt, %total, %c0 : index
  scf.if %nonempty {
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %blocks, %gy = %c1, %gz = %c1)
               threads(%tx, %ty, %tz) in (%sx = %c256, %sy = %c1, %sz = %c1) {
      %first = arith.muli %bx, %c256 : index
      %e = arith.addi %first, %tx : index
      %inside = arith.cmpi ult, %e, %total : index
      scf.if %inside {
        %m = arith.remui %e, %M : index
        %row = arith.divui %e, %M : index
        %t = arith.remui %row, %T : index
        %b = arith.divui %row, %T : index
        %g = arith.divui %m, %No : index
        %o = arith.remui %m, %No : index
        %i0 = arith.muli %g, %Ni : index
        %sum = scf.for %i = %c0 to %Ni step %c1 iter_args(%acc = %zero) -> f32 {
          %c = arith.addi %i0, %i : index
          %x = memref.load %in[%b, %t, %c] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          %w = memref.load %weight[%g, %i, %o] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
          %next = math.fma %x, %w, %acc : f32
          scf.yield %next : f32
        }
        memref.store %sum, %out[%b, %t, %m] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
      }
      gpu.terminator
    }
  }
  return
}

// The prologue that lets the long_conv kernel read v = in-projection of u
// without v ever being stored: the kernel's every load v[b, t, c] becomes
// this function (inlined), c = g·Ng + n:
//   v[b, t, c] = Σ_i u[b, t, g·Hg + i] · weight[g, i, n].
// Each load of v then costs Hg multiply-adds and 2·Hg loads (u's row and
// the weights, cached). The FFT kernel loads each element of v once per
// block; the direct kernel stages overlapping windows, about 2·Lk/64 loads
// of each element, so for long direct kernels the recomputation is
// correspondingly larger than the traffic it saves.
func.func private @ldn_gpu_ssm_conv_input(
    %b: index, %t: index, %c: index,
    %u: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>,
    %weight: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %Hg = memref.dim %weight, %c1 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %Ng = memref.dim %weight, %c2 : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
  %g = arith.divui %c, %Ng : index
  %n = arith.remui %c, %Ng : index
  %i0 = arith.muli %g, %Hg : index
  %sum = scf.for %i = %c0 to %Hg step %c1 iter_args(%acc = %zero) -> f32 {
    %h = arith.addi %i0, %i : index
    %x = memref.load %u[%b, %t, %h] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
    %w = memref.load %weight[%g, %i, %n] : memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
    %next = math.fma %x, %w, %acc : f32
    scf.yield %next : f32
  }
  return %sum : f32
}
