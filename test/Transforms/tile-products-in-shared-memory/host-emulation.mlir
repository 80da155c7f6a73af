// RUN: sweep-opt %s -tile-products-in-shared-memory=host-emulation=true -canonicalize -cse | FileCheck %s
// The kernel of launch.mlir's forward product as host loops (what
// CpuLoops::GpuLoopNests runs): the blocks in order; in each, a loop over the
// 128 threads per phase (what the barriers separate on the GPU): load the
// accumulators, then per reduction tile copy the tiles and accumulate, then
// store; each thread's accumulators kept in a buffer between phases. No gpu
// op is left.

// CHECK-LABEL: func.func @forward
// CHECK-NOT: gpu.
// CHECK: %[[AT:.*]] = memref.alloc() : memref<16x65xf32>
// CHECK: %[[BT:.*]] = memref.alloc() : memref<16x33xf32>
// CHECK: %[[REGS:.*]] = memref.alloc() : memref<128x16xf32>
// CHECK: scf.for %[[BLOCK:.*]] = %c0 to %{{.*}} step %c1
// CHECK: scf.for %[[T0:.*]] = %c0 to %c128 step %c1
// CHECK-COUNT-16: memref.store %{{.*}}, %[[REGS]][%[[T0]], %{{.*}}]
// CHECK: scf.for %[[K0:.*]] = %c0 to %c40 step %c16
// CHECK: scf.for %[[T1:.*]] = %c0 to %c128 step %c1
// CHECK: scf.for %{{.*}} = %[[T1]] to %c1024 step %c128
// CHECK: memref.store %{{.*}}, %[[AT]]
// CHECK: scf.for %{{.*}} = %[[T1]] to %c512 step %c128
// CHECK: memref.store %{{.*}}, %[[BT]]
// CHECK: scf.for %[[T2:.*]] = %c0 to %c128 step %c1
// CHECK-COUNT-16: memref.load %[[REGS]][%[[T2]], %{{.*}}]
// CHECK: scf.for
// CHECK-COUNT-16: math.fma
// CHECK-COUNT-16: memref.store %{{.*}}, %[[REGS]][%[[T2]], %{{.*}}]
// CHECK: scf.for %[[T3:.*]] = %c0 to %c128 step %c1
// CHECK-COUNT-16: memref.load %[[REGS]][%[[T3]], %{{.*}}]
// CHECK: memref.store %{{.*}}, %arg2
// CHECK-DAG: memref.dealloc %[[AT]]
// CHECK-DAG: memref.dealloc %[[BT]]
// CHECK-DAG: memref.dealloc %[[REGS]]
// CHECK-NOT: gpu.
// CHECK: return
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
