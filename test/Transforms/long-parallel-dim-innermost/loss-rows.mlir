// RUN: sweep-opt %s -long-parallel-dim-innermost | FileCheck %s
// A row's exp-sum over 10 classes, (r, b, c) with the classes a reduction: the
// batch rows (dynamic) move innermost, (r, c, b), so LLVM vectorizes along the
// rows; each row still sums its classes in order.

// CHECK-DAG: #[[$Z:.*]] = affine_map<(d0, d1, d2) -> (d0, d2, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$CLASS:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @exp_sum
// CHECK: linalg.generic {indexing_maps = [#[[$Z]], #[[$ROW]]], iterator_types = ["parallel", "reduction", "parallel"]}
func.func @exp_sum(%z: memref<4x?x10xf32>, %sum: memref<4x?xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, b, c) -> (r, b, c)>,
                       affine_map<(r, b, c) -> (r, b)>],
      iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%z : memref<4x?x10xf32>) outs(%sum : memref<4x?xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %e = math.exp %a : f32
    %s = arith.addf %acc, %e : f32
    linalg.yield %s : f32
  }
  return
}

// All parallel, static: the last long one (b, 32 rows) goes innermost, the
// runs (4) are too short to be lanes; the class index is now loop 1.
// CHECK-LABEL: func.func @gradient
// CHECK: linalg.generic {indexing_maps = [#[[$Z]], #[[$Z]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: %[[R:.*]] = linalg.index 0
// CHECK: %[[C:.*]] = linalg.index 1
// CHECK: %[[B:.*]] = linalg.index 2
// CHECK: affine.apply #[[$CLASS]](%[[R]], %[[C]], %[[B]])
func.func @gradient(%z: memref<4x32x10xf32>, %g: memref<4x32x10xf32>) {
  linalg.generic {
      indexing_maps = [affine_map<(r, b, c) -> (r, b, c)>,
                       affine_map<(r, b, c) -> (r, b, c)>],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%z : memref<4x32x10xf32>) outs(%g : memref<4x32x10xf32>) {
  ^bb0(%a: f32, %out: f32):
    %c = linalg.index 2 : index
    %ci = arith.index_cast %c : index to i32
    %cf = arith.sitofp %ci : i32 to f32
    %s = arith.addf %a, %cf : f32
    linalg.yield %s : f32
  }
  return
}

// Left alone: the innermost loop is long already (16 classes), or dynamic, or
// no other loop is long.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-3: iterator_types = ["parallel", "parallel"]
func.func @left_alone(%a: memref<64x16xf32>, %b: memref<64x?xf32>, %c: memref<8x10xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      outs(%a : memref<64x16xf32>) {
  ^bb0(%x: f32):
    %y = arith.addf %x, %x : f32
    linalg.yield %y : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      outs(%b : memref<64x?xf32>) {
  ^bb0(%x: f32):
    %y = arith.addf %x, %x : f32
    linalg.yield %y : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      outs(%c : memref<8x10xf32>) {
  ^bb0(%x: f32):
    %y = arith.addf %x, %x : f32
    linalg.yield %y : f32
  }
  return
}
