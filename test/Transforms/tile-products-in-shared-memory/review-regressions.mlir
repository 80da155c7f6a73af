// RUN: sweep-opt %s -tile-products-in-shared-memory -canonicalize -cse | FileCheck %s
// RUN: sweep-opt %s -tile-products-in-shared-memory=host-emulation=true | FileCheck %s --check-prefix=VALID
// Cases a review found the pass mishandled (wrong results, invalid IR or a
// crash); each is now kept apart, tiled without the neighbour. The host form
// must verify too.
// VALID-LABEL: func.func @broadcast_of_a_view_of_the_output

#mk = affine_map<(i, j, k) -> (i, k)>
#kn = affine_map<(i, j, k) -> (k, j)>
#mn = affine_map<(i, j, k) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>

// The broadcast reads a row of C itself: another block stores that row
// before this block would read it as its start. The broadcast stays.
// CHECK-LABEL: func.func @broadcast_of_a_view_of_the_output
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : memref<32xf32, strided<[1]>>)
// CHECK: gpu.launch
func.func @broadcast_of_a_view_of_the_output(%a: memref<128x16xf32>, %b: memref<16x32xf32>, %c: memref<128x32xf32>) {
  %row = memref.subview %c[0, 0] [1, 32] [1, 1] : memref<128x32xf32> to memref<32xf32, strided<[1]>>
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j)>, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%row : memref<32xf32, strided<[1]>>) outs(%c : memref<128x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<128x16xf32>, memref<16x32xf32>) outs(%c : memref<128x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %s = math.fma %x, %y, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// An epilogue that reads its loop indices (linalg.index means nothing outside
// a generic): kept apart.
// CHECK-LABEL: func.func @epilogue_with_index
// CHECK: gpu.launch
// CHECK: linalg.generic
// CHECK: linalg.index 0
func.func @epilogue_with_index(%a: memref<32x16xf32>, %b: memref<16x32xf32>, %c: memref<32x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x16xf32>, memref<16x32xf32>) outs(%c : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %s = math.fma %x, %y, %acc : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<32x32xf32>) outs(%c : memref<32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %p = arith.cmpi ugt, %j, %i : index
    %z = arith.constant 0.0 : f32
    %r = arith.select %p, %z, %in : f32
    linalg.yield %r : f32
  }
  return
}

// A product whose body reads its loop indices: not tiled.
// CHECK-LABEL: func.func @product_with_index
// CHECK-NOT: gpu.launch
// CHECK: linalg.index 2
func.func @product_with_index(%a: memref<32x16xf32>, %b: memref<16x32xf32>, %c: memref<32x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x16xf32>, memref<16x32xf32>) outs(%c : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %k = linalg.index 2 : index
    %ki = arith.index_cast %k : index to i32
    %kf = arith.sitofp %ki : i32 to f32
    %xy = arith.mulf %x, %kf : f32
    %s = math.fma %xy, %y, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// Scalar operands (not buffers) of an epilogue and of a broadcast: kept apart.
// CHECK-LABEL: func.func @scalar_operands
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : f32)
// CHECK: gpu.launch
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : memref<32x32xf32>, f32)
func.func @scalar_operands(%a: memref<32x16xf32>, %b: memref<16x32xf32>, %c: memref<32x32xf32>, %s: f32) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> ()>, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%s : f32) outs(%c : memref<32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x16xf32>, memref<16x32xf32>) outs(%c : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %r = math.fma %x, %y, %acc : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id2, affine_map<(i, j) -> ()>, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%c, %s : memref<32x32xf32>, f32) outs(%c : memref<32x32xf32>) {
  ^bb0(%in: f32, %sc: f32, %out: f32):
    %r = arith.mulf %in, %sc : f32
    linalg.yield %r : f32
  }
  return
}

// A fill whose value has another type than the output's elements (the fill
// converts it): the fill stays.
// CHECK-LABEL: func.func @fill_of_another_type
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<32x32xf64>)
// CHECK: gpu.launch
func.func @fill_of_another_type(%a: memref<32x16xf64>, %b: memref<16x32xf64>, %c: memref<32x32xf64>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<32x32xf64>)
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x16xf64>, memref<16x32xf64>) outs(%c : memref<32x32xf64>) {
  ^bb0(%x: f64, %y: f64, %acc: f64):
    %r = math.fma %x, %y, %acc : f64
    linalg.yield %r : f64
  }
  return
}

// An epilogue with two outputs in one buffer (threads would store both at
// once): kept apart.
// CHECK-LABEL: func.func @outputs_sharing_a_buffer
// CHECK: gpu.launch
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : memref<32x32xf32, strided<[64, 1]>>, memref<32x32xf32, strided<[64, 1], offset: 1>>)
func.func @outputs_sharing_a_buffer(%a: memref<32x16xf32>, %b: memref<16x32xf32>, %big: memref<32x64xf32>) {
  %c = memref.alloc() : memref<32x32xf32>
  %v0 = memref.subview %big[0, 0] [32, 32] [1, 1] : memref<32x64xf32> to memref<32x32xf32, strided<[64, 1]>>
  %v1 = memref.subview %big[0, 1] [32, 32] [1, 1] : memref<32x64xf32> to memref<32x32xf32, strided<[64, 1], offset: 1>>
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x16xf32>, memref<16x32xf32>) outs(%c : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %r = math.fma %x, %y, %acc : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<32x32xf32>) outs(%v0, %v1 : memref<32x32xf32, strided<[64, 1]>>, memref<32x32xf32, strided<[64, 1], offset: 1>>) {
  ^bb0(%in: f32, %o0: f32, %o1: f32):
    linalg.yield %in, %in : f32, f32
  }
  memref.dealloc %c : memref<32x32xf32>
  return
}

// In a loop, C (allocated outside, never freed) is read before the product
// in the next iteration: the epilogue that does not store C stays apart.
// CHECK-LABEL: func.func @in_a_loop
// CHECK: scf.for
// CHECK: linalg.copy
// CHECK: gpu.launch
// CHECK: linalg.generic
func.func @in_a_loop(%a: memref<32x16xf32>, %b: memref<16x32xf32>, %seen: memref<32x32xf32>,
                     %out: memref<32x32xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c = memref.alloc() : memref<32x32xf32>
  scf.for %i = %c0 to %n step %c1 {
    linalg.copy ins(%c : memref<32x32xf32>) outs(%seen : memref<32x32xf32>)
    linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%a, %b : memref<32x16xf32>, memref<16x32xf32>) outs(%c : memref<32x32xf32>) {
    ^bb0(%x: f32, %y: f32, %acc: f32):
      %r = math.fma %x, %y, %acc : f32
      linalg.yield %r : f32
    }
    linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
        ins(%c : memref<32x32xf32>) outs(%out : memref<32x32xf32>) {
    ^bb0(%in: f32, %o: f32):
      linalg.yield %in : f32
    }
  }
  return
}

// The epilogue writes a transposed view of A (memref.transpose is a view
// without the view interface in MLIR 19, seen through by name): not fused.
// Nor is a product whose output is such a view of an input tiled.
// CHECK-LABEL: func.func @transposed_views
// CHECK: gpu.launch
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.*}} : memref<32x32xf32, #map{{[0-9]*}}>)
// CHECK: linalg.generic
// CHECK-NOT: gpu.launch
// CHECK: return
func.func @transposed_views(%a: memref<32x32xf32>, %b: memref<32x32xf32>) {
  %c = memref.alloc() : memref<32x32xf32>
  %at = memref.transpose %a (i, j) -> (j, i) : memref<32x32xf32> to memref<32x32xf32, affine_map<(d0, d1) -> (d0 + d1 * 32)>>
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x32xf32>, memref<32x32xf32>) outs(%c : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %r = math.fma %x, %y, %acc : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<32x32xf32>) outs(%at : memref<32x32xf32, affine_map<(d0, d1) -> (d0 + d1 * 32)>>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  memref.dealloc %c : memref<32x32xf32>
  // The output a transposed view of the first input.
  %bt = memref.transpose %b (i, j) -> (j, i) : memref<32x32xf32> to memref<32x32xf32, affine_map<(d0, d1) -> (d0 + d1 * 32)>>
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%b, %a : memref<32x32xf32>, memref<32x32xf32>) outs(%bt : memref<32x32xf32, affine_map<(d0, d1) -> (d0 + d1 * 32)>>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %r = math.fma %x, %y, %acc : f32
    linalg.yield %r : f32
  }
  return
}

// A buffer chosen at run time (arith.select) could be any of them: the
// epilogue writing it is not fused, and a product writing it is not tiled.
// CHECK-LABEL: func.func @buffers_of_unknown_origin
// CHECK: gpu.launch
// CHECK: linalg.generic
// CHECK-SAME: outs(%[[PICK:.*]] : memref<32x32xf32>)
// CHECK: linalg.generic
// CHECK-SAME: outs(%[[PICK]] : memref<32x32xf32>)
// CHECK-NOT: gpu.launch
// CHECK: return
func.func @buffers_of_unknown_origin(%a: memref<32x32xf32>, %b: memref<32x32xf32>, %which: i1) {
  %c = memref.alloc() : memref<32x32xf32>
  %pick = arith.select %which, %a, %b : memref<32x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x32xf32>, memref<32x32xf32>) outs(%c : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %r = math.fma %x, %y, %acc : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<32x32xf32>) outs(%pick : memref<32x32xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  memref.dealloc %c : memref<32x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x32xf32>, memref<32x32xf32>) outs(%pick : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %r = math.fma %x, %y, %acc : f32
    linalg.yield %r : f32
  }
  return
}

// Between the product and the step, a fill writes a buffer chosen at run time,
// which may be the step's rate: the step is not absorbed.
// CHECK-LABEL: func.func @write_of_unknown_origin_in_between
// CHECK: gpu.launch
// CHECK: linalg.fill
// CHECK: linalg.generic
// CHECK: return
func.func @write_of_unknown_origin_in_between(%a: memref<32x16xf32>, %b: memref<16x32xf32>,
                                              %rate: memref<32x32xf32>, %other: memref<32x32xf32>,
                                              %out: memref<32x32xf32>, %which: i1) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<32x32xf32>
  %pick = arith.select %which, %rate, %other : memref<32x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x16xf32>, memref<16x32xf32>) outs(%c : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %r = math.fma %x, %y, %acc : f32
    linalg.yield %r : f32
  }
  linalg.fill ins(%zero : f32) outs(%pick : memref<32x32xf32>)
  linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%c, %rate : memref<32x32xf32>, memref<32x32xf32>) outs(%out : memref<32x32xf32>) {
  ^bb0(%in: f32, %r: f32, %o: f32):
    %m = arith.mulf %in, %r : f32
    linalg.yield %m : f32
  }
  memref.dealloc %c : memref<32x32xf32>
  return
}
