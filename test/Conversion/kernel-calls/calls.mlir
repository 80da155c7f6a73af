// convert-linalg-to-kernel-calls: bufferized generics that name a sweep_
// kernel become calls through the C interface with fully dynamic memrefs;
// other generics stay for convert-linalg-to-loops.
// RUN: sweep-opt %s -convert-linalg-to-kernel-calls | FileCheck %s

#x = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
#w = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
#y = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#id = affine_map<(d0) -> (d0)>

// CHECK: func.func private @sweep_dense_shared(memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @product
func.func @product(%x: memref<?x4xf32>, %w: memref<2x4x8xf32>, %y: memref<2x?x8xf32>,
                   %a: memref<3xf32>, %b: memref<3xf32>) {
  // CHECK: %[[X:.*]] = memref.cast %{{.*}} : memref<?x4xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
  // CHECK: %[[W:.*]] = memref.cast
  // CHECK: %[[Y:.*]] = memref.cast
  // CHECK: call @sweep_dense_shared(%[[X]], %[[W]], %[[Y]])
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel"],
                  library_call = "sweep_dense_shared"}
      ins(%x, %w : memref<?x4xf32>, memref<2x4x8xf32>) outs(%y : memref<2x?x8xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %p = arith.mulf %in, %in2 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  }
  // CHECK: linalg.generic
  // CHECK-NOT: call
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : memref<3xf32>) outs(%b : memref<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}
