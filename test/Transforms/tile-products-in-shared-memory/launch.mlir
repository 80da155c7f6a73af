// RUN: sweep-opt %s -tile-products-in-shared-memory -canonicalize -cse | FileCheck %s
// A forward product y[r, b, n] = sum_k x[b, k] w[r, k, n] as a kernel of
// output tiles: m = b (only x reads it; dynamic, so 64 wide), n = n (only w;
// 24 rounds up to 32), r to the grid. 16 x 8 = 128 threads of 4 x 4 outputs;
// the 40 reduction indices in tiles of 16 (the last one 8 long).

// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: memref<?x40xf32>, %[[W:.*]]: memref<3x40x24xf32>, %[[Y:.*]]: memref<3x?x24xf32>)
// CHECK-DAG: %[[B:.*]] = memref.dim %[[X]], %c0
// CHECK: %[[SUM:.*]] = arith.addi %[[B]], %c63
// CHECK: %[[TILES_M:.*]] = arith.divui %[[SUM]], %c64
// CHECK: %[[BLOCKS:.*]] = arith.muli %[[TILES_M]], %c3
// CHECK: %[[GRID:.*]] = arith.maxui %[[BLOCKS]], %c1
// CHECK: gpu.launch blocks(%[[BLOCK:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[GRID]], %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) threads(%[[THREAD:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c128{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(%[[AT:.*]] : memref<16x65xf32, #gpu.address_space<workgroup>>, %[[BT:.*]] : memref<16x33xf32, #gpu.address_space<workgroup>>)
// An empty output launches one block that does nothing.
// CHECK: %[[WORK:.*]] = arith.cmpi ugt, %[[BLOCKS]], %c0
// CHECK: scf.if %[[WORK]]
// Block -> (tile of m, run); thread -> (row, column) of 16 x 8.
// CHECK: %[[TM:.*]] = arith.remui %[[BLOCK]], %[[TILES_M]]
// CHECK: %[[REST:.*]] = arith.divui %[[BLOCK]], %[[TILES_M]]
// CHECK: %[[R:.*]] = arith.remui %[[REST]], %c3
// CHECK: %[[M0:.*]] = arith.muli %[[TM]], %c64
// CHECK: %[[ROW:.*]] = arith.divui %[[THREAD]], %c8
// CHECK: %[[COL:.*]] = arith.remui %[[THREAD]], %c8
// The accumulators start from y (clamped to its edge).
// CHECK: %[[M:.*]] = arith.addi %[[M0]], %[[ROW]]
// CHECK: %[[LAST:.*]] = arith.subi %[[B]], %c1
// CHECK: %[[MC:.*]] = arith.minui %[[M]], %[[LAST]]
// CHECK: %[[NC:.*]] = arith.minui %[[COL]], %c23
// CHECK: memref.load %[[Y]][%[[R]], %[[MC]], %[[NC]]]
// CHECK-COUNT-15: memref.load %[[Y]]
// CHECK: scf.for %[[K0:.*]] = %c0 to %c40 step %c16 iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// x's tile (k innermost in x: consecutive threads along k).
// CHECK: scf.for %[[E:.*]] = %[[THREAD]] to %c1024 step %c128
// CHECK: %[[KK:.*]] = arith.remui %[[E]], %c16
// CHECK: %[[MM:.*]] = arith.divui %[[E]], %c16
// CHECK: memref.load %[[X]]
// CHECK: memref.store %{{.*}}, %[[AT]][%[[KK]], %[[MM]]]
// w's tile (n innermost in w).
// CHECK: scf.for %[[E2:.*]] = %[[THREAD]] to %c512 step %c128
// CHECK: %[[NN:.*]] = arith.remui %[[E2]], %c32
// CHECK: %[[KK2:.*]] = arith.divui %[[E2]], %c32
// CHECK: memref.load %[[W]][%[[R]], {{.*}}]
// CHECK: memref.store %{{.*}}, %[[BT]][%[[KK2]], %[[NN]]]
// CHECK: gpu.barrier
// CHECK: %[[LEFT:.*]] = arith.subi %c40, %[[K0]]
// CHECK: %[[STEPS:.*]] = arith.minui %[[LEFT]], %c16
// CHECK: scf.for %[[KI:.*]] = %c0 to %[[STEPS]] step %c1
// CHECK-COUNT-4: memref.load %[[AT]][%[[KI]],
// CHECK-COUNT-4: memref.load %[[BT]][%[[KI]],
// CHECK-COUNT-16: math.fma
// CHECK: gpu.barrier
// Only the outputs inside y are stored.
// CHECK-DAG: %[[IN_M:.*]] = arith.cmpi ult, %[[M]], %[[B]]
// CHECK-DAG: %[[IN_N:.*]] = arith.cmpi ult, %[[COL]], %c24
// CHECK: %[[IN:.*]] = arith.andi %[[IN_M]], %[[IN_N]]
// CHECK: scf.if %[[IN]]
// CHECK: memref.store %{{.*}}, %[[Y]][%[[R]], %[[M]], %[[COL]]]
// CHECK-COUNT-15: memref.store %{{.*}}, %[[Y]]
// CHECK: gpu.terminator
func.func @forward(%x: memref<?x40xf32>, %w: memref<3x40x24xf32>, %y: memref<3x?x24xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, b, n, k) -> (b, k)>,
                       affine_map<(r, b, n, k) -> (r, k, n)>,
                       affine_map<(r, b, n, k) -> (r, b, n)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x40xf32>, memref<3x40x24xf32>) outs(%y : memref<3x?x24xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %s = math.fma %a, %b, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// A weight gradient dw[r, k, n] = sum_b x[b, k] dy[r, b, n]: m = k (100: two
// tiles of 64), n = n (16), the batch the reduction; the body (mulf, addf)
// is applied as written.
// CHECK-LABEL: func.func @weight_gradient
// CHECK: gpu.launch
// CHECK-SAME: threads({{.*}}) in (%{{.*}} = %c64, %{{[a-z0-9]+}} = %c1, %{{[a-z0-9]+}} = %c1)
// CHECK-SAME: workgroup(%{{.*}} : memref<16x65xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<16x17xf32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-16: arith.mulf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @weight_gradient(%x: memref<?x100xf32>, %dy: memref<2x?x16xf32>, %dw: memref<2x100x16xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, k, n, b) -> (b, k)>,
                       affine_map<(r, k, n, b) -> (r, b, n)>,
                       affine_map<(r, k, n, b) -> (r, k, n)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %dy : memref<?x100xf32>, memref<2x?x16xf32>) outs(%dw : memref<2x100x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// Left to the loop nests: a side shorter than 16 (10 outputs), an output
// that is also an input, and a generic with two reductions.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: gpu.launch
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT: gpu.launch
// CHECK: return
func.func @kept(%x: memref<?x40xf32>, %w: memref<3x40x10xf32>, %y: memref<3x?x10xf32>,
                %s: memref<40x40xf32>, %t: memref<40x40xf32>, %u: memref<40xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, b, n, k) -> (b, k)>,
                       affine_map<(r, b, n, k) -> (r, k, n)>,
                       affine_map<(r, b, n, k) -> (r, b, n)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x40xf32>, memref<3x40x10xf32>) outs(%y : memref<3x?x10xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %r = math.fma %a, %b, %acc : f32
    linalg.yield %r : f32
  }
  %view = memref.subview %s[0, 0] [40, 40] [1, 1] : memref<40x40xf32> to memref<40x40xf32, strided<[40, 1]>>
  linalg.generic {
      indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                       affine_map<(m, n, k) -> (k, n)>,
                       affine_map<(m, n, k) -> (m, n)>],
      iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%s, %t : memref<40x40xf32>, memref<40x40xf32>) outs(%view : memref<40x40xf32, strided<[40, 1]>>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %r = math.fma %a, %b, %acc : f32
    linalg.yield %r : f32
  }
  linalg.generic {
      indexing_maps = [affine_map<(m, k, l) -> (k, l)>,
                       affine_map<(m, k, l) -> (l, k)>,
                       affine_map<(m, k, l) -> (m)>],
      iterator_types = ["parallel", "reduction", "reduction"]}
      ins(%s, %t : memref<40x40xf32>, memref<40x40xf32>) outs(%u : memref<40xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %r = math.fma %a, %b, %acc : f32
    linalg.yield %r : f32
  }
  return
}
