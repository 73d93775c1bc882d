// RUN: ldn-opt %s --ldn-parallel-loops-to-gpu -split-input-file -verify-diagnostics | FileCheck %s

// A 2-D loop: one thread per iteration in 256-thread blocks, the id
// delinearized with the inner dimension fastest, threads past the end idle.
// CHECK-LABEL: func.func @copy
//  CHECK-SAME:   (%[[IN:.*]]: memref<?x?xf32>, %[[OUT:.*]]: memref<?x?xf32>, %[[N:.*]]: index, %[[M:.*]]: index)
//       CHECK:   %[[C256:.*]] = arith.constant 256 : index
//       CHECK:   %[[TOTAL:.*]] = arith.muli
//       CHECK:   %[[BLOCKS:.*]] = arith.ceildivui %[[TOTAL]], %[[C256]]
//       CHECK:   %[[GRID:.*]] = arith.maxui %[[BLOCKS]], %{{.*}}
//       CHECK:   gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[GRID]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C256]],
//       CHECK:     %[[BASE:.*]] = arith.muli %[[BX]], %[[C256]]
//       CHECK:     %[[ID:.*]] = arith.addi %[[BASE]], %[[TX]]
//       CHECK:     %[[IN_RANGE:.*]] = arith.cmpi ult, %[[ID]], %[[TOTAL]]
//       CHECK:     scf.if %[[IN_RANGE]] {
//       CHECK:       %[[J:.*]] = arith.remui %[[ID]]
//       CHECK:       %[[I:.*]] = arith.divui %[[ID]]
//       CHECK:       memref.load %[[IN]]
//       CHECK:       memref.store
//       CHECK:     gpu.terminator
//   CHECK-NOT:   scf.parallel
func.func @copy(%in: memref<?x?xf32>, %out: memref<?x?xf32>, %n: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %m) step (%c1, %c1) {
    %x = memref.load %in[%i, %j] : memref<?x?xf32>
    memref.store %x, %out[%i, %j] : memref<?x?xf32>
  }
  return
}

// -----

// Loops already inside a kernel are left alone.
// CHECK-LABEL: func.func @inside_kernel
//       CHECK:   gpu.launch
//       CHECK:     scf.parallel
func.func @inside_kernel(%out: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    scf.parallel (%i) = (%c0) to (%n) step (%c1) {
      memref.store %f, %out[%i] : memref<?xf32>
    }
    gpu.terminator
  }
  return
}

// -----

func.func @reduction(%in: memref<?xf32>, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{scf.parallel with reductions cannot be mapped to the GPU by ldn-parallel-loops-to-gpu}}
  %sum = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%zero) -> f32 {
    %x = memref.load %in[%i] : memref<?xf32>
    scf.reduce(%x : f32) {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      scf.reduce.return %s : f32
    }
  }
  return %sum : f32
}
