// RUN: sweep-opt %s -copy-repeated-results | FileCheck %s
// After bufferization the results are memrefs: a returned argument becomes
// a fresh buffer and a copy, cast back to a strided result's type; a layout
// no fresh buffer can have (static strides) stays as it is. Regression: the
// copy dropped the layout, and the function no longer verified.

// CHECK-LABEL: func.func @strided
// CHECK: %[[DIM:.*]] = memref.dim %arg0
// CHECK: %[[ALLOC:.*]] = memref.alloc(%[[DIM]]) : memref<?xf32>
// CHECK: memref.copy %arg0, %[[ALLOC]]
// CHECK: %[[CAST:.*]] = memref.cast %[[ALLOC]] : memref<?xf32> to memref<?xf32, strided<[?], offset: ?>>
// CHECK: return %[[CAST]]
func.func @strided(%a: memref<?xf32, strided<[?], offset: ?>>) -> memref<?xf32, strided<[?], offset: ?>> {
  return %a : memref<?xf32, strided<[?], offset: ?>>
}

// CHECK-LABEL: func.func @static_strides
// CHECK-NEXT: return %arg0
func.func @static_strides(%a: memref<4xf32, strided<[2]>>) -> memref<4xf32, strided<[2]>> {
  return %a : memref<4xf32, strided<[2]>>
}

// CHECK-LABEL: func.func @twice_in_memory_space
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32, 1>
// CHECK: %[[B:.*]] = memref.alloc() : memref<4xf32, 1>
// CHECK: return %[[A]], %[[B]]
func.func @twice_in_memory_space(%a: memref<4xf32, 1>) -> (memref<4xf32, 1>, memref<4xf32, 1>) {
  return %a, %a : memref<4xf32, 1>, memref<4xf32, 1>
}
