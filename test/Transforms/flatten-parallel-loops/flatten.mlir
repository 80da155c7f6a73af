// flatten-parallel-loops: each outermost scf.parallel collapsed into one
// dimension (row-major: the innermost dimension varies fastest), then tiled:
// a loop over tiles and a loop of threads-per-block iterations, guarded.
// RUN: sweep-opt %s -split-input-file -flatten-parallel-loops | FileCheck %s
// RUN: sweep-opt %s -split-input-file -flatten-parallel-loops=threads-per-block=64 | FileCheck %s --check-prefix=T64
// RUN: not sweep-opt %s -split-input-file -flatten-parallel-loops=threads-per-block=0 2>&1 | FileCheck %s --check-prefix=ZERO

// CHECK-LABEL: func.func @three_dims
// CHECK: %[[TOTAL:.*]] = arith.muli %{{.*}}, %c10 : index
// CHECK: %[[C256:.*]] = arith.constant 256 : index
// CHECK: %[[STEP:.*]] = arith.muli %{{.*}}, %[[C256]] : index
// CHECK: scf.parallel (%[[TILE:.*]]) = (%{{.*}}) to (%[[TOTAL]]) step (%[[STEP]])
// CHECK-NEXT: scf.parallel (%[[LANE:.*]]) = (%{{.*}}) to (%[[STEP]]) step
// CHECK: arith.cmpi ult, %{{.*}}, %[[TOTAL]] : index
// CHECK: scf.if
// CHECK: arith.remsi %{{.*}}, %c10 : index
// CHECK: arith.divsi %{{.*}}, %c10 : index
// CHECK: memref.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] : memref<2x?x10xf32>
// CHECK-NOT: scf.parallel
// T64: arith.constant 64 : index
// T64: scf.parallel
// ZERO: flatten-parallel-loops: threads-per-block must be at least 1
func.func @three_dims(%out: memref<2x?x10xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c10 = arith.constant 10 : index
  %v = arith.constant 1.0 : f32
  scf.parallel (%r, %b, %j) = (%c0, %c0, %c0) to (%c2, %n, %c10) step (%c1, %c1, %c1) {
    memref.store %v, %out[%r, %b, %j] : memref<2x?x10xf32>
  }
  return
}

// -----

// A nested scf.parallel (inside another) is left to its outermost loop.
// CHECK-LABEL: func.func @one_dim
// CHECK: scf.parallel
// CHECK-NEXT: scf.parallel
// CHECK: scf.if
// CHECK-NOT: scf.parallel
func.func @one_dim(%out: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = arith.constant 2.0 : f32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %v, %out[%i] : memref<?xf32>
  }
  return
}
