// RUN: sweep-opt %s -jam-parallel-lanes=lanes=4 -cse | FileCheck %s
// A forward product's nest y[r, b, n] = sum_k x[b, k] W[r, k, n]: W does not
// depend on b, so b gets the lanes: each thread four rows b, one W load per k
// for all four (after CSE), four accumulators, the lanes past the batch's end
// clamped to its last row and not stored.

// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: memref<?x3xf32>, %[[W:.*]]: memref<2x3x5xf32>, %[[Y:.*]]: memref<2x?x5xf32>, %[[B:.*]]: index)
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: %[[GROUPS:.*]] = arith.divui {{.*}}, %[[C4]]
// CHECK: scf.parallel (%[[R:.*]], %[[G:.*]], %[[N:.*]]) = ({{.*}}) to (%c2{{.*}}, %[[GROUPS]], %c5{{.*}})
// CHECK: %[[FIRST:.*]] = arith.muli %[[G]], %[[C4]]
// CHECK: %[[VALID0:.*]] = arith.cmpi ult, %[[FIRST]], %[[B]]
// CHECK: %[[ROW0:.*]] = arith.select %[[VALID0]], %[[FIRST]], %{{.*}}
// CHECK: %{{.*}}:4 = scf.for %[[K:.*]] = {{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32) {
// CHECK: memref.load %[[X]][%[[ROW0]], %[[K]]]
// CHECK: %[[WK:.*]] = memref.load %[[W]][%[[R]], %[[K]], %[[N]]]
// CHECK: math.fma %{{.*}}, %[[WK]]
// CHECK-NOT: memref.load %[[W]]
// CHECK: scf.yield
// CHECK: scf.if %[[VALID0]] {
// CHECK-NEXT: memref.store
// CHECK-COUNT-3: scf.if
func.func @forward(%x: memref<?x3xf32>, %w: memref<2x3x5xf32>, %y: memref<2x?x5xf32>, %b: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  scf.parallel (%r, %i, %n) = (%c0, %c0, %c0) to (%c2, %b, %c5) step (%c1, %c1, %c1) {
    %init = memref.load %y[%r, %i, %n] : memref<2x?x5xf32>
    %sum = scf.for %k = %c0 to %c3 step %c1 iter_args(%acc = %init) -> (f32) {
      %a = memref.load %x[%i, %k] : memref<?x3xf32>
      %v = memref.load %w[%r, %k, %n] : memref<2x3x5xf32>
      %f = math.fma %a, %v, %acc : f32
      scf.yield %f : f32
    }
    memref.store %sum, %y[%r, %i, %n] : memref<2x?x5xf32>
    scf.reduce
  }
  return
}

// An elementwise nest has no reduction loop: left alone.
// CHECK-LABEL: func.func @elementwise
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}})
// CHECK-NOT: arith.divui
func.func @elementwise(%a: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %a[%i, %j] : memref<4x8xf32>
    %d = arith.addf %v, %v : f32
    memref.store %d, %a[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  return
}

// Every load depends on every parallel dimension: no load to share, left alone.
// CHECK-LABEL: func.func @nothing_shared
// CHECK-NOT: arith.divui
// CHECK: scf.for {{.*}} -> (f32) {
func.func @nothing_shared(%a: memref<4x8x3xf32>, %c: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %init = memref.load %c[%i, %j] : memref<4x8xf32>
    %sum = scf.for %k = %c0 to %c3 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %a[%i, %j, %k] : memref<4x8x3xf32>
      %s = arith.addf %acc, %v : f32
      scf.yield %s : f32
    }
    memref.store %sum, %c[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  return
}
