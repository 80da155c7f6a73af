// convert-linalg-to-kernel-calls fuses a dense product with the marked
// generics around it (bias broadcast before, activation or slope after) into
// one kernel call, and leaves them apart when memory could be shared (but for
// the backward's output being its gate or its output gradient, the same
// view) or the intermediate buffer is read later.
// RUN: sweep-opt %s -convert-linalg-to-kernel-calls -allow-unregistered-dialect | FileCheck %s

#bias = affine_map<(d0, d1, d2) -> (d0, d2)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#x = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
#xr = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
#w = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
#y = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#dy = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#dx = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: memref<?x4xf32>, %[[W:.*]]: memref<2x4x8xf32>, %[[B:.*]]: memref<2x8xf32>)
func.func @forward(%x: memref<?x4xf32>, %w: memref<2x4x8xf32>, %b: memref<2x8xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x4xf32>
  // The pre-activation buffer is neither written nor allocated any more.
  // CHECK: %[[OUT:.*]] = memref.alloc
  // CHECK-NOT: memref.alloc
  // CHECK: %[[CX:.*]] = memref.cast %[[X]]
  // CHECK: %[[CW:.*]] = memref.cast %[[W]]
  // CHECK: %[[CB:.*]] = memref.cast %[[B]]
  // CHECK: %[[CO:.*]] = memref.cast %[[OUT]]
  // CHECK: call @sweep_dense_wide_bias_relu(%[[CX]], %[[CW]], %[[CB]], %[[CO]])
  // CHECK-NOT: linalg.generic
  // CHECK: "test.use"(%[[OUT]])
  // CHECK-NOT: memref.dealloc
  %out = memref.alloc(%n) : memref<2x?x8xf32>
  %z = memref.alloc(%n) : memref<2x?x8xf32>
  linalg.generic {indexing_maps = [#bias, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b : memref<2x8xf32>) outs(%z : memref<2x?x8xf32>) attrs = {sweep.bias_init} {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel"],
                  library_call = "sweep_dense_wide"}
      ins(%x, %w : memref<?x4xf32>, memref<2x4x8xf32>) outs(%z : memref<2x?x8xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %s = math.fma %a, %v, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%z : memref<2x?x8xf32>) outs(%out : memref<2x?x8xf32>) attrs = {sweep.epilogue = "relu"} {
  ^bb0(%in: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %p = arith.cmpf ugt, %in, %zero : f32
    %r = arith.select %p, %in, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %z : memref<2x?x8xf32>
  "test.use"(%out) : (memref<2x?x8xf32>) -> ()
  return
}

// A layer without activation (the logits) still takes its bias in the kernel.
// CHECK-LABEL: func.func @logits
func.func @logits(%h: memref<2x?x8xf32>, %w: memref<2x8x3xf32>, %b: memref<2x3xf32>,
                  %out: memref<2x?x3xf32>) {
  // CHECK-NOT: linalg.generic
  // CHECK: call @sweep_dense_per_run_bias_identity(
  linalg.generic {indexing_maps = [#bias, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b : memref<2x3xf32>) outs(%out : memref<2x?x3xf32>) attrs = {sweep.bias_init} {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#xr, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel"],
                  library_call = "sweep_dense_per_run"}
      ins(%h, %w : memref<2x?x8xf32>, memref<2x8x3xf32>) outs(%out : memref<2x?x3xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %s = math.fma %a, %v, %o : f32
    linalg.yield %s : f32
  }
  return
}

// Backward: the zero fill, the input gradient and the slope become one call,
// here writing in place into the gradient's own buffer.
// CHECK-LABEL: func.func @backward
// CHECK-SAME: (%[[DY:.*]]: memref<2x?x3xf32>, %[[W:.*]]: memref<2x8x3xf32>, %[[H:.*]]: memref<2x?x8xf32>)
func.func @backward(%dy: memref<2x?x3xf32>, %w: memref<2x8x3xf32>, %h: memref<2x?x8xf32>) {
  %c1 = arith.constant 1 : index
  %n = memref.dim %dy, %c1 : memref<2x?x3xf32>
  %zero = arith.constant 0.0 : f32
  // CHECK: %[[DX:.*]] = memref.alloc
  // CHECK-NOT: linalg.fill
  // CHECK: %[[CDY:.*]] = memref.cast %[[DY]]
  // CHECK: %[[CW:.*]] = memref.cast %[[W]]
  // CHECK: %[[CH:.*]] = memref.cast %[[H]]
  // CHECK: %[[CDX:.*]] = memref.cast %[[DX]]
  // CHECK: call @sweep_dense_grad_input_through_tanh(%[[CDY]], %[[CW]], %[[CH]], %[[CDX]])
  // CHECK-NOT: linalg.generic
  // CHECK: "test.use"(%[[DX]])
  %dx = memref.alloc(%n) : memref<2x?x8xf32>
  linalg.fill ins(%zero : f32) outs(%dx : memref<2x?x8xf32>)
  linalg.generic {indexing_maps = [#dy, #w, #dx],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"],
                  library_call = "sweep_dense_grad_input"}
      ins(%dy, %w : memref<2x?x3xf32>, memref<2x8x3xf32>) outs(%dx : memref<2x?x8xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %s = math.fma %a, %v, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%h, %dx : memref<2x?x8xf32>, memref<2x?x8xf32>) outs(%dx : memref<2x?x8xf32>)
      attrs = {sweep.epilogue_grad = "tanh"} {
  ^bb0(%y: f32, %g: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %yy = arith.mulf %y, %y : f32
    %s = arith.subf %one, %yy : f32
    %r = arith.mulf %g, %s : f32
    linalg.yield %r : f32
  }
  "test.use"(%dx) : (memref<2x?x8xf32>) -> ()
  memref.dealloc %dx : memref<2x?x8xf32>
  return
}

// The slope written in place over its gate (the activation output is dead
// after its slope): one call, with h as both the gate and dx.
// CHECK-LABEL: func.func @backward_over_gate
// CHECK-SAME: (%[[DY:.*]]: memref<2x?x3xf32>, %[[W:.*]]: memref<2x8x3xf32>, %[[N:.*]]: index)
func.func @backward_over_gate(%dy: memref<2x?x3xf32>, %w: memref<2x8x3xf32>, %n: index) {
  %zero = arith.constant 0.0 : f32
  // CHECK: %[[H:.*]] = memref.alloc(%[[N]])
  // CHECK-NOT: linalg.fill
  // CHECK: %[[CH:.*]] = memref.cast %[[H]]
  // CHECK: %[[CDX:.*]] = memref.cast %[[H]]
  // CHECK: call @sweep_dense_grad_input_through_relu(%{{.*}}, %{{.*}}, %[[CH]], %[[CDX]])
  // CHECK-NOT: linalg.generic
  // CHECK: "test.use"(%[[H]])
  %h = memref.alloc(%n) : memref<2x?x8xf32>
  "test.fill"(%h) : (memref<2x?x8xf32>) -> ()
  %z = memref.alloc(%n) : memref<2x?x8xf32>
  linalg.fill ins(%zero : f32) outs(%z : memref<2x?x8xf32>)
  linalg.generic {indexing_maps = [#dy, #w, #dx],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"],
                  library_call = "sweep_dense_grad_input"}
      ins(%dy, %w : memref<2x?x3xf32>, memref<2x8x3xf32>) outs(%z : memref<2x?x8xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %s = math.fma %a, %v, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%h, %z : memref<2x?x8xf32>, memref<2x?x8xf32>) outs(%h : memref<2x?x8xf32>)
      attrs = {sweep.epilogue_grad = "relu"} {
  ^bb0(%y: f32, %g: f32, %o: f32):
    %c0 = arith.constant 0.0 : f32
    %c1 = arith.constant 1.0 : f32
    %p = arith.cmpf ogt, %y, %c0 : f32
    %s = arith.select %p, %c1, %c0 : f32
    %r = arith.mulf %g, %s : f32
    linalg.yield %r : f32
  }
  memref.dealloc %z : memref<2x?x8xf32>
  "test.use"(%h) : (memref<2x?x8xf32>) -> ()
  return
}

// The input gradient written over the output gradient it is computed from
// (both [2, ?, 8]: a hidden layer as wide as the next): one call, with dg as
// both dy and dx.
// CHECK-LABEL: func.func @backward_over_dy
// CHECK-SAME: (%[[W:.*]]: memref<2x8x8xf32>, %[[H:.*]]: memref<2x?x8xf32>, %[[N:.*]]: index)
func.func @backward_over_dy(%w: memref<2x8x8xf32>, %h: memref<2x?x8xf32>, %n: index) {
  %zero = arith.constant 0.0 : f32
  // CHECK: %[[DG:.*]] = memref.alloc(%[[N]])
  // CHECK-NOT: linalg.fill
  // CHECK: %[[CDY:.*]] = memref.cast %[[DG]]
  // CHECK: call @sweep_dense_grad_input_through_sigmoid(%[[CDY]], %{{.*}}, %{{.*}}, %[[CDX:.*]])
  // CHECK-NOT: linalg.generic
  // CHECK: "test.use"(%[[DG]])
  %dg = memref.alloc(%n) : memref<2x?x8xf32>
  "test.fill"(%dg) : (memref<2x?x8xf32>) -> ()
  %z = memref.alloc(%n) : memref<2x?x8xf32>
  linalg.fill ins(%zero : f32) outs(%z : memref<2x?x8xf32>)
  linalg.generic {indexing_maps = [#dy, #w, #dx],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"],
                  library_call = "sweep_dense_grad_input"}
      ins(%dg, %w : memref<2x?x8xf32>, memref<2x8x8xf32>) outs(%z : memref<2x?x8xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %s = math.fma %a, %v, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%h, %z : memref<2x?x8xf32>, memref<2x?x8xf32>) outs(%dg : memref<2x?x8xf32>)
      attrs = {sweep.epilogue_grad = "sigmoid"} {
  ^bb0(%y: f32, %g: f32, %o: f32):
    %c1 = arith.constant 1.0 : f32
    %s = arith.subf %c1, %y : f32
    %t = arith.mulf %y, %s : f32
    %r = arith.mulf %g, %t : f32
    linalg.yield %r : f32
  }
  memref.dealloc %z : memref<2x?x8xf32>
  "test.use"(%dg) : (memref<2x?x8xf32>) -> ()
  return
}

// The gate is a view of dx's allocation at another offset (a partial
// overlap, not the same view): left apart.
// CHECK-LABEL: func.func @backward_over_part_of_gate
func.func @backward_over_part_of_gate(%dy: memref<2x4x3xf32>, %w: memref<2x8x3xf32>) {
  %zero = arith.constant 0.0 : f32
  // CHECK: linalg.fill
  // CHECK: call @sweep_dense_grad_input(
  // CHECK: linalg.generic {{.*}} attrs = {sweep.epilogue_grad = "relu"}
  %dx = memref.alloc() : memref<2x4x8xf32>
  "test.fill"(%dx) : (memref<2x4x8xf32>) -> ()
  %h = memref.reinterpret_cast %dx to offset: [8], sizes: [2, 4, 8], strides: [32, 8, 1]
      : memref<2x4x8xf32> to memref<2x4x8xf32, strided<[32, 8, 1], offset: 8>>
  %z = memref.alloc() : memref<2x4x8xf32>
  linalg.fill ins(%zero : f32) outs(%z : memref<2x4x8xf32>)
  linalg.generic {indexing_maps = [#dy, #w, #dx],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"],
                  library_call = "sweep_dense_grad_input"}
      ins(%dy, %w : memref<2x4x3xf32>, memref<2x8x3xf32>) outs(%z : memref<2x4x8xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %s = math.fma %a, %v, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%h, %z : memref<2x4x8xf32, strided<[32, 8, 1], offset: 8>>, memref<2x4x8xf32>)
      outs(%dx : memref<2x4x8xf32>)
      attrs = {sweep.epilogue_grad = "relu"} {
  ^bb0(%y: f32, %g: f32, %o: f32):
    %c0 = arith.constant 0.0 : f32
    %c1 = arith.constant 1.0 : f32
    %p = arith.cmpf ogt, %y, %c0 : f32
    %s = arith.select %p, %c1, %c0 : f32
    %r = arith.mulf %g, %s : f32
    linalg.yield %r : f32
  }
  memref.dealloc %z : memref<2x4x8xf32>
  "test.use"(%dx) : (memref<2x4x8xf32>) -> ()
  return
}

// The pre-activation is read after the activation: only the bias fuses.
// CHECK-LABEL: func.func @read_later
func.func @read_later(%x: memref<?x4xf32>, %w: memref<2x4x8xf32>, %b: memref<2x8xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x4xf32>
  // CHECK: call @sweep_dense_wide_bias_identity(
  // CHECK: linalg.generic {{.*}} attrs = {sweep.epilogue = "sigmoid"}
  %z = memref.alloc(%n) : memref<2x?x8xf32>
  %y = memref.alloc(%n) : memref<2x?x8xf32>
  linalg.generic {indexing_maps = [#bias, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b : memref<2x8xf32>) outs(%z : memref<2x?x8xf32>) attrs = {sweep.bias_init} {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel"],
                  library_call = "sweep_dense_wide"}
      ins(%x, %w : memref<?x4xf32>, memref<2x4x8xf32>) outs(%z : memref<2x?x8xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %s = math.fma %a, %v, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%z : memref<2x?x8xf32>) outs(%y : memref<2x?x8xf32>) attrs = {sweep.epilogue = "sigmoid"} {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  "test.use"(%z, %y) : (memref<2x?x8xf32>, memref<2x?x8xf32>) -> ()
  return
}

// The activation would write into the product's own input: left apart.
// CHECK-LABEL: func.func @aliased
func.func @aliased(%w: memref<2x8x8xf32>, %b: memref<2x8xf32>, %n: index) {
  // CHECK: call @sweep_dense_per_run_bias_identity(
  // CHECK: linalg.generic {{.*}} attrs = {sweep.epilogue = "relu"}
  %h = memref.alloc(%n) : memref<2x?x8xf32>
  "test.fill"(%h) : (memref<2x?x8xf32>) -> ()
  %z = memref.alloc(%n) : memref<2x?x8xf32>
  linalg.generic {indexing_maps = [#bias, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b : memref<2x8xf32>) outs(%z : memref<2x?x8xf32>) attrs = {sweep.bias_init} {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#xr, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel"],
                  library_call = "sweep_dense_per_run"}
      ins(%h, %w : memref<2x?x8xf32>, memref<2x8x8xf32>) outs(%z : memref<2x?x8xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %s = math.fma %a, %v, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%z : memref<2x?x8xf32>) outs(%h : memref<2x?x8xf32>) attrs = {sweep.epilogue = "relu"} {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  "test.use"(%h) : (memref<2x?x8xf32>) -> ()
  memref.dealloc %z : memref<2x?x8xf32>
  return
}

// Something touches the buffer between the bias and the product: no fusion.
// CHECK-LABEL: func.func @interleaved
func.func @interleaved(%x: memref<?x4xf32>, %w: memref<2x4x8xf32>, %b: memref<2x8xf32>,
                       %z: memref<2x?x8xf32>) {
  // CHECK: linalg.generic {{.*}} attrs = {sweep.bias_init}
  // CHECK: "test.touch"
  // CHECK: call @sweep_dense_wide(
  linalg.generic {indexing_maps = [#bias, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b : memref<2x8xf32>) outs(%z : memref<2x?x8xf32>) attrs = {sweep.bias_init} {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  "test.touch"(%z) : (memref<2x?x8xf32>) -> ()
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel"],
                  library_call = "sweep_dense_wide"}
      ins(%x, %w : memref<?x4xf32>, memref<2x4x8xf32>) outs(%z : memref<2x?x8xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %s = math.fma %a, %v, %o : f32
    linalg.yield %s : f32
  }
  return
}

// A zero fill right before a weight gradient into the same buffer: the kernel
// starts its sums from zero instead.
// CHECK-LABEL: func.func @weight_gradient
// CHECK-NOT: linalg.fill
// CHECK: call @sweep_dense_grad_weight_wide_from_zero(
// CHECK: linalg.fill
// CHECK: "test.touch"
// CHECK: call @sweep_dense_grad_weight_wide(
func.func @weight_gradient(%x: memref<?x4xf32>, %dy: memref<2x?x8xf32>, %dw: memref<2x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%dw : memref<2x4x8xf32>)
  linalg.generic {indexing_maps = [#x, #y, #w],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"],
                  library_call = "sweep_dense_grad_weight_wide"}
      ins(%x, %dy : memref<?x4xf32>, memref<2x?x8xf32>) outs(%dw : memref<2x4x8xf32>) {
  ^bb0(%a: f32, %g: f32, %o: f32):
    %s = math.fma %a, %g, %o : f32
    linalg.yield %s : f32
  }
  // Something reads the filled buffer before the product: kept apart.
  linalg.fill ins(%zero : f32) outs(%dw : memref<2x4x8xf32>)
  "test.touch"(%dw) : (memref<2x4x8xf32>) -> ()
  linalg.generic {indexing_maps = [#x, #y, #w],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"],
                  library_call = "sweep_dense_grad_weight_wide"}
      ins(%x, %dy : memref<?x4xf32>, memref<2x?x8xf32>) outs(%dw : memref<2x4x8xf32>) {
  ^bb0(%a: f32, %g: f32, %o: f32):
    %s = math.fma %a, %g, %o : f32
    linalg.yield %s : f32
  }
  return
}
