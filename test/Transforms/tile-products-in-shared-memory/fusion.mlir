// RUN: sweep-opt %s -tile-products-in-shared-memory -canonicalize -cse | FileCheck %s
// What a product's kernel absorbs (lib/Transforms/ProductFusion.h): the op
// that initializes its output before it, and an elementwise generic that
// reads the output after it, when moving them into the kernel cannot be
// seen; and what it must leave alone.

#id3 = affine_map<(r, b, n) -> (r, b, n)>
#bias = affine_map<(r, b, n) -> (r, n)>
#run = affine_map<(r, i, n) -> (r)>
#fx = affine_map<(r, b, n, k) -> (b, k)>
#fw = affine_map<(r, b, n, k) -> (r, k, n)>
#fy = affine_map<(r, b, n, k) -> (r, b, n)>
#gx = affine_map<(r, i, n, b) -> (b, i)>
#gdy = affine_map<(r, i, n, b) -> (r, b, n)>
#gdw = affine_map<(r, i, n, b) -> (r, i, n)>
#pa = affine_map<(r, i, n, k) -> (r, i, k)>
#pb = affine_map<(r, i, n, k) -> (r, k, n)>
#pc = affine_map<(r, i, n, k) -> (r, i, n)>

// The bias broadcast and relu in place: the accumulators start from the
// bias, and relu is applied before the only store. No generic is left.
// CHECK-LABEL: func.func @forward_bias_relu
// CHECK-SAME: (%[[X:.*]]: memref<?x40xf32>, %[[W:.*]]: memref<3x40x24xf32>, %[[BIAS:.*]]: memref<3x24xf32>, %[[Y:.*]]: memref<3x?x24xf32>)
// CHECK-NOT: linalg.generic
// CHECK: gpu.launch
// CHECK-NOT: memref.load %[[Y]]
// CHECK: memref.load %[[BIAS]]
// CHECK-NOT: memref.load %[[Y]]
// CHECK: gpu.barrier
// CHECK: scf.if
// CHECK: arith.cmpf ugt
// CHECK: arith.select
// CHECK: memref.store %{{.*}}, %[[Y]]
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @forward_bias_relu(%x: memref<?x40xf32>, %w: memref<3x40x24xf32>, %bias: memref<3x24xf32>,
                             %y: memref<3x?x24xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#bias, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%bias : memref<3x24xf32>) outs(%y : memref<3x?x24xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#fx, #fw, #fy], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x40xf32>, memref<3x40x24xf32>) outs(%y : memref<3x?x24xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %s = math.fma %a, %b, %acc : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y : memref<3x?x24xf32>) outs(%y : memref<3x?x24xf32>) {
  ^bb0(%in: f32, %out: f32):
    %p = arith.cmpf ugt, %in, %zero : f32
    %r = arith.select %p, %in, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// A weight gradient from zero, then (past an op that touches none of its
// buffers) an optimizer step with a per-run rate that reads it: the zeros,
// the step and the gradient's buffer are gone; the kernel stores the new
// weights and the new velocity.
// CHECK-LABEL: func.func @weight_gradient_step
// CHECK-SAME: (%[[X:.*]]: memref<?x40xf32>, %[[DY:.*]]: memref<3x?x24xf32>, %[[W:.*]]: memref<3x40x24xf32>, %[[V:.*]]: memref<3x40x24xf32>, %[[LR:.*]]: memref<3xf32>, %[[NEWW:.*]]: memref<3x40x24xf32>, %[[NEWV:.*]]: memref<3x40x24xf32>, %[[OTHER:.*]]: memref<3xf32>)
// CHECK-NOT: memref.alloc
// CHECK-NOT: linalg.fill
// CHECK: gpu.launch
// CHECK: gpu.barrier
// CHECK: scf.if
// CHECK-DAG: memref.load %[[W]]
// CHECK-DAG: memref.load %[[V]]
// CHECK-DAG: memref.load %[[LR]]
// CHECK: memref.store %{{.*}}, %[[NEWW]]
// CHECK: memref.store %{{.*}}, %[[NEWV]]
// CHECK: linalg.fill ins(%{{.*}}) outs(%[[OTHER]]
// CHECK-NOT: linalg.generic
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @weight_gradient_step(%x: memref<?x40xf32>, %dy: memref<3x?x24xf32>, %w: memref<3x40x24xf32>,
                                %v: memref<3x40x24xf32>, %lr: memref<3xf32>, %new_w: memref<3x40x24xf32>,
                                %new_v: memref<3x40x24xf32>, %other: memref<3xf32>) {
  %zero = arith.constant 0.0 : f32
  %g = memref.alloc() : memref<3x40x24xf32>
  linalg.fill ins(%zero : f32) outs(%g : memref<3x40x24xf32>)
  linalg.generic {indexing_maps = [#gx, #gdy, #gdw], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %dy : memref<?x40xf32>, memref<3x?x24xf32>) outs(%g : memref<3x40x24xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %s = math.fma %a, %b, %acc : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%other : memref<3xf32>)
  linalg.generic {indexing_maps = [#id3, #id3, #id3, #run, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %g, %v, %lr : memref<3x40x24xf32>, memref<3x40x24xf32>, memref<3x40x24xf32>, memref<3xf32>)
      outs(%new_w, %new_v : memref<3x40x24xf32>, memref<3x40x24xf32>) {
  ^bb0(%wi: f32, %gi: f32, %vi: f32, %rate: f32, %o1: f32, %o2: f32):
    %vel = arith.addf %vi, %gi : f32
    %step = arith.mulf %rate, %vel : f32
    %nw = arith.subf %wi, %step : f32
    linalg.yield %nw, %vel : f32, f32
  }
  memref.dealloc %g : memref<3x40x24xf32>
  return
}

// Left alone, each for its own reason (the product is still tiled):
// - an op between the product and the step writes the step's rate;
// - the gradient is read again after the step;
// - the step writes a buffer the product reads (other blocks read it);
// - an op between the fill and the product reads the output (the fill stays);
// - an op between the broadcast and the product writes the bias.
// CHECK-LABEL: func.func @kept
// CHECK-SAME: (%[[X:.*]]: memref<?x40xf32>, %[[DY:.*]]: memref<3x?x24xf32>, %[[W:.*]]: memref<3x40x24xf32>, %[[LR:.*]]: memref<3xf32>, %[[NEWW:.*]]: memref<3x40x24xf32>, %[[Y:.*]]: memref<3x?x24xf32>, %[[BIAS:.*]]: memref<3x24xf32>, %[[Z:.*]]: memref<3x40x24xf32>, %[[S:.*]]: memref<3x40x24xf32>, %[[PA:.*]]: memref<3x24x24xf32>, %[[PB:.*]]: memref<3x24x24xf32>)
// CHECK: gpu.launch
// CHECK: linalg.fill ins(%{{.*}}) outs(%[[LR]]
// CHECK: linalg.generic {{.*}} outs(%[[NEWW]]
// CHECK: gpu.launch
// CHECK: linalg.generic {{.*}} outs(%[[NEWW]]
// CHECK: linalg.copy ins(%[[G2:.*]] : {{.*}}) outs(%[[S]]
// CHECK: gpu.launch
// CHECK: linalg.generic {{.*}} outs(%[[PB]]
// CHECK: linalg.fill ins(%{{.*}}) outs(%[[Z]]
// CHECK: linalg.copy ins(%[[Z]] : {{.*}}) outs(%[[S]]
// CHECK: gpu.launch
// CHECK: linalg.generic {{.*}} ins(%[[BIAS]] : {{.*}}) outs(%[[Y]]
// CHECK: linalg.fill ins(%{{.*}}) outs(%[[BIAS]]
// CHECK: gpu.launch
// CHECK: return
func.func @kept(%x: memref<?x40xf32>, %dy: memref<3x?x24xf32>, %w: memref<3x40x24xf32>, %lr: memref<3xf32>,
                %new_w: memref<3x40x24xf32>, %y: memref<3x?x24xf32>, %bias: memref<3x24xf32>,
                %z: memref<3x40x24xf32>, %s: memref<3x40x24xf32>, %pa: memref<3x24x24xf32>,
                %pb: memref<3x24x24xf32>) {
  %zero = arith.constant 0.0 : f32
  // The rate written in between.
  %g1 = memref.alloc() : memref<3x40x24xf32>
  linalg.fill ins(%zero : f32) outs(%g1 : memref<3x40x24xf32>)
  linalg.generic {indexing_maps = [#gx, #gdy, #gdw], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %dy : memref<?x40xf32>, memref<3x?x24xf32>) outs(%g1 : memref<3x40x24xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %r = math.fma %a, %b, %acc : f32
    linalg.yield %r : f32
  }
  linalg.fill ins(%zero : f32) outs(%lr : memref<3xf32>)
  linalg.generic {indexing_maps = [#id3, #id3, #run, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %g1, %lr : memref<3x40x24xf32>, memref<3x40x24xf32>, memref<3xf32>) outs(%new_w : memref<3x40x24xf32>) {
  ^bb0(%wi: f32, %gi: f32, %rate: f32, %o: f32):
    %step = arith.mulf %rate, %gi : f32
    %nw = arith.subf %wi, %step : f32
    linalg.yield %nw : f32
  }
  // The gradient read again.
  %g2 = memref.alloc() : memref<3x40x24xf32>
  linalg.fill ins(%zero : f32) outs(%g2 : memref<3x40x24xf32>)
  linalg.generic {indexing_maps = [#gx, #gdy, #gdw], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %dy : memref<?x40xf32>, memref<3x?x24xf32>) outs(%g2 : memref<3x40x24xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %r = math.fma %a, %b, %acc : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3, #run, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %g2, %lr : memref<3x40x24xf32>, memref<3x40x24xf32>, memref<3xf32>) outs(%new_w : memref<3x40x24xf32>) {
  ^bb0(%wi: f32, %gi: f32, %rate: f32, %o: f32):
    %step = arith.mulf %rate, %gi : f32
    %nw = arith.subf %wi, %step : f32
    linalg.yield %nw : f32
  }
  linalg.copy ins(%g2 : memref<3x40x24xf32>) outs(%s : memref<3x40x24xf32>)
  // The step writes b, which the product reads.
  %g3 = memref.alloc() : memref<3x24x24xf32>
  linalg.fill ins(%zero : f32) outs(%g3 : memref<3x24x24xf32>)
  linalg.generic {indexing_maps = [#pa, #pb, #pc], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%pa, %pb : memref<3x24x24xf32>, memref<3x24x24xf32>) outs(%g3 : memref<3x24x24xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %r = math.fma %a, %b, %acc : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%g3 : memref<3x24x24xf32>) outs(%pb : memref<3x24x24xf32>) {
  ^bb0(%gi: f32, %o: f32):
    linalg.yield %gi : f32
  }
  // The output read between the fill and the product.
  linalg.fill ins(%zero : f32) outs(%z : memref<3x40x24xf32>)
  linalg.copy ins(%z : memref<3x40x24xf32>) outs(%s : memref<3x40x24xf32>)
  linalg.generic {indexing_maps = [#gx, #gdy, #gdw], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %dy : memref<?x40xf32>, memref<3x?x24xf32>) outs(%z : memref<3x40x24xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %r = math.fma %a, %b, %acc : f32
    linalg.yield %r : f32
  }
  // The bias written between the broadcast and the product.
  linalg.generic {indexing_maps = [#bias, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%bias : memref<3x24xf32>) outs(%y : memref<3x?x24xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.fill ins(%zero : f32) outs(%bias : memref<3x24xf32>)
  linalg.generic {indexing_maps = [#fx, #fw, #fy], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x40xf32>, memref<3x40x24xf32>) outs(%y : memref<3x?x24xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %r = math.fma %a, %b, %acc : f32
    linalg.yield %r : f32
  }
  return
}

// An epilogue that reads a view made after the product cannot move up to it
// (found by a random differential case: the IR no longer verified).
// CHECK-LABEL: func.func @kept_operand_defined_later
// CHECK: gpu.launch
// CHECK: %[[LATER:.*]] = memref.subview
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[LATER]] :
// CHECK: return
func.func @kept_operand_defined_later(%x: memref<?x40xf32>, %w: memref<3x40x24xf32>, %y: memref<3x?x24xf32>,
                                      %big: memref<3x?x48xf32>) {
  %c0 = arith.constant 0 : index
  linalg.generic {indexing_maps = [#fx, #fw, #fy], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x40xf32>, memref<3x40x24xf32>) outs(%y : memref<3x?x24xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %r = math.fma %a, %b, %acc : f32
    linalg.yield %r : f32
  }
  %n = memref.dim %x, %c0 : memref<?x40xf32>
  %later = memref.subview %big[0, 0, 0] [3, %n, 24] [1, 1, 1] : memref<3x?x48xf32> to memref<3x?x24xf32, strided<[?, 48, 1]>>
  linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y, %later : memref<3x?x24xf32>, memref<3x?x24xf32, strided<[?, 48, 1]>>) outs(%y : memref<3x?x24xf32>) {
  ^bb0(%in: f32, %l: f32, %out: f32):
    %s = arith.addf %in, %l : f32
    linalg.yield %s : f32
  }
  return
}
