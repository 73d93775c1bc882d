// RUN: ldn-opt %s --ldn-report-traffic="per-kernel=true dynamic-size=10" --split-input-file --verify-diagnostics -o /dev/null

// CPU form: top-level linalg ops and loop nests are kernels; views count as
// their whole buffer, once per kernel; allocations and deallocations are not
// kernels. Dynamic sizes are taken as 10.
// expected-remark @+1 {{@cpu: 3 kernels, reads 3200 bytes, writes 1600 bytes (dynamic sizes taken as 10)}}
func.func @cpu(%x: memref<?x20xf32>, %y: memref<?x20xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  %tmp = memref.alloc() : memref<10x20xf32>
  // expected-remark @+1 {{kernel 1 (linalg.generic): reads 800 bytes, writes 800 bytes}}
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<?x20xf32>) outs(%tmp : memref<10x20xf32>) {
  ^bb0(%a: f32, %b: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  }
  // A loop of row views of %tmp and %x: each buffer counts once.
  // expected-remark @+1 {{kernel 2 (scf.for): reads 1600 bytes, writes 0 bytes}}
  scf.for %i = %c0 to %c10 step %c1 {
    %row = memref.subview %tmp[%i, 0] [1, 20] [1, 1] : memref<10x20xf32> to memref<20xf32, strided<[1], offset: ?>>
    %xr = memref.subview %x[%i, 0] [1, 20] [1, 1] : memref<?x20xf32> to memref<20xf32, strided<[1], offset: ?>>
    %v = memref.load %row[%c0] : memref<20xf32, strided<[1], offset: ?>>
    %w = memref.load %xr[%c0] : memref<20xf32, strided<[1], offset: ?>>
  }
  // expected-remark @+1 {{kernel 3 (memref.copy): reads 800 bytes, writes 800 bytes}}
  memref.copy %tmp, %y : memref<10x20xf32> to memref<?x20xf32>
  memref.dealloc %tmp : memref<10x20xf32>
  return
}

// -----

// GPU form: every launch is a kernel, also inside host loops; workgroup
// memory is not traffic; a kernel's own accesses decide read or write.
// expected-remark @+1 {{@gpu: 2 kernels, reads 128 bytes, writes 128 bytes (dynamic sizes taken as 10)}}
func.func @gpu(%x: memref<16xf32>, %y: memref<16xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c0 = arith.constant 0 : index
  scf.for %s = %c0 to %c2 step %c1 {
    // expected-remark @+1 {{kernel 1 (gpu.launch): reads 64 bytes, writes 64 bytes}}
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
               threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1)
               workgroup(%buf : memref<16xf32, #gpu.address_space<workgroup>>) {
      %v = memref.load %x[%tx] : memref<16xf32>
      memref.store %v, %buf[%tx] : memref<16xf32, #gpu.address_space<workgroup>>
      %w = memref.load %buf[%tx] : memref<16xf32, #gpu.address_space<workgroup>>
      memref.store %w, %y[%tx] : memref<16xf32>
      gpu.terminator
    }
  }
  // expected-remark @+1 {{kernel 2 (gpu.launch): reads 64 bytes, writes 64 bytes}}
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %y[%tx] : memref<16xf32>
    memref.store %v, %x[%tx] : memref<16xf32>
    gpu.terminator
  }
  return
}

// -----

// After outlining: a launch's operands are read or written as its kernel
// reads or writes the matching arguments.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @copy(%src: memref<?xf32>, %dst: memref<?xf32>) kernel {
      %i = gpu.thread_id x
      %v = memref.load %src[%i] : memref<?xf32>
      memref.store %v, %dst[%i] : memref<?xf32>
      gpu.return
    }
  }
  // expected-remark @+1 {{@outlined: 1 kernels, reads 40 bytes, writes 40 bytes (dynamic sizes taken as 10)}}
  func.func @outlined(%a: memref<?xf32>, %b: memref<?xf32>) {
    %c1 = arith.constant 1 : index
    // expected-remark @+1 {{kernel 1 (gpu.launch_func): reads 40 bytes, writes 40 bytes}}
    gpu.launch_func @kernels::@copy blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
        args(%a : memref<?xf32>, %b : memref<?xf32>)
    return
  }
}
