// RUN: sweep-opt %s -parallel-dims-outermost | FileCheck %s
// A weight gradient dW[r,k,n] = sum_b x[b,k] dy[r,b,n], written (r, b, k, n) with
// the batch a reduction: the parallel dimensions move first, (r, k, n, b), so that
// every output element is a thread of its own; the maps follow.

// CHECK-DAG: #[[$X:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d1)>
// CHECK-DAG: #[[$DY:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[$DW:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @weight_gradient
// CHECK: linalg.generic {indexing_maps = [#[[$X]], #[[$DY]], #[[$DW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
func.func @weight_gradient(%x: memref<8x3xf32>, %dy: memref<2x8x4xf32>, %dw: memref<2x3x4xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, b, k, n) -> (b, k)>,
                       affine_map<(r, b, k, n) -> (r, b, n)>,
                       affine_map<(r, b, k, n) -> (r, k, n)>],
      iterator_types = ["parallel", "reduction", "parallel", "parallel"]}
      ins(%x, %dy : memref<8x3xf32>, memref<2x8x4xf32>) outs(%dw : memref<2x3x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// Already in order: left as it is.
// CHECK-LABEL: func.func @forward
// CHECK: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
func.func @forward(%x: memref<8x3xf32>, %w: memref<2x3x4xf32>, %y: memref<2x8x4xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, b, n, k) -> (b, k)>,
                       affine_map<(r, b, n, k) -> (r, k, n)>,
                       affine_map<(r, b, n, k) -> (r, b, n)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<8x3xf32>, memref<2x3x4xf32>) outs(%y : memref<2x8x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %s = math.fma %a, %b, %acc : f32
    linalg.yield %s : f32
  }
  return
}
