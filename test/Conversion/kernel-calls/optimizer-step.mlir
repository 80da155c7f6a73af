// convert-linalg-to-kernel-calls fuses a weight gradient with the optimizer's
// step that reads it (one call, the gradient never stored) when nothing in
// between touches the gradient, nothing in between writes the step's inputs
// or touches its outputs (the call goes at the product, so that the product's
// inputs are dead sooner) or else nothing in between writes the product's
// inputs (the call goes at the step), nothing reads the gradient afterwards,
// and the step's outputs alias none of the inputs (but the one each replaces).
// RUN: sweep-opt %s -convert-linalg-to-kernel-calls -allow-unregistered-dialect | FileCheck %s

#x = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
#xr = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
#y = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#w = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#run = affine_map<(d0, d1, d2) -> (d0)>
#bias = affine_map<(d0, d1, d2) -> (d0, d2)>

// The gradient is computed into the new parameter's buffer (as one-shot
// bufferization does), the bias gradient and a probe sit in between, and
// touch none of the step's operands: the call goes at the product.
// CHECK-LABEL: func.func @sgd
// CHECK-SAME: (%[[X:[^:]*]]: memref<?x4xf32>, %[[DY:[^:]*]]: memref<2x?x8xf32>, %[[W:[^:]*]]: memref<2x4x8xf32>, %[[BUF:[^:]*]]: memref<2x4x8xf32>, %[[LR:[^:]*]]: memref<2xf32>, %[[MU:[^:]*]]: memref<2xf32>, %[[WD:[^:]*]]: memref<2xf32>, %[[NEST:[^:]*]]: memref<2xf32>, %[[NEWW:[^:]*]]: memref<2x4x8xf32>, %[[NEWBUF:[^:]*]]: memref<2x4x8xf32>, %[[DB:[^:]*]]: memref<2x8xf32>)
// CHECK-NOT: linalg.fill
// CHECK: %[[C0:.*]] = memref.cast %[[X]]
// CHECK: %[[C1:.*]] = memref.cast %[[DY]]
// CHECK: %[[C2:.*]] = memref.cast %[[W]]
// CHECK: %[[C3:.*]] = memref.cast %[[BUF]]
// CHECK: %[[C4:.*]] = memref.cast %[[LR]]
// CHECK: %[[C5:.*]] = memref.cast %[[MU]]
// CHECK: %[[C6:.*]] = memref.cast %[[WD]]
// CHECK: %[[C7:.*]] = memref.cast %[[NEST]]
// CHECK: %[[C8:.*]] = memref.cast %[[NEWW]]
// CHECK: %[[C9:.*]] = memref.cast %[[NEWBUF]]
// CHECK: call @sweep_dense_grad_weight_wide_sgd(%[[C0]], %[[C1]], %[[C2]], %[[C3]], %[[C4]], %[[C5]], %[[C6]], %[[C7]], %[[C8]], %[[C9]])
// CHECK-NEXT: linalg.generic
// CHECK-NOT: sweep.update
// CHECK: call @probe
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @sgd(%x: memref<?x4xf32>, %dy: memref<2x?x8xf32>, %w: memref<2x4x8xf32>,
               %buf: memref<2x4x8xf32>, %lr: memref<2xf32>, %mu: memref<2xf32>,
               %wd: memref<2xf32>, %nest: memref<2xf32>, %neww: memref<2x4x8xf32>,
               %newbuf: memref<2x4x8xf32>, %db: memref<2x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%neww : memref<2x4x8xf32>)
  linalg.generic {indexing_maps = [#x, #y, #w],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"],
                  library_call = "sweep_dense_grad_weight_wide"}
      ins(%x, %dy : memref<?x4xf32>, memref<2x?x8xf32>) outs(%neww : memref<2x4x8xf32>) {
  ^bb0(%a: f32, %g: f32, %o: f32):
    %s = math.fma %a, %g, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id3, #bias], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%dy : memref<2x?x8xf32>) outs(%db : memref<2x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    %s = arith.addf %o, %in : f32
    linalg.yield %s : f32
  }
  call @probe() : () -> ()
  linalg.generic {indexing_maps = [#id3, #id3, #id3, #run, #run, #run, #run, #id3, #id3],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %neww, %buf, %lr, %mu, %wd, %nest : memref<2x4x8xf32>, memref<2x4x8xf32>,
          memref<2x4x8xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>)
      outs(%neww, %newbuf : memref<2x4x8xf32>, memref<2x4x8xf32>) attrs = {sweep.update = "sgd"} {
  ^bb0(%p: f32, %g: f32, %b: f32, %l: f32, %m: f32, %d: f32, %n: f32, %o1: f32, %o2: f32):
    %step = arith.mulf %l, %g : f32
    %new = arith.subf %p, %step : f32
    linalg.yield %new, %b : f32, f32
  }
  return
}
func.func private @probe()

// AdamW on a per-run input, the gradient in its own allocation (freed after
// the step) and the parameter updated in place: the allocation goes away.
// CHECK-LABEL: func.func @adamw
// CHECK-NOT: memref.alloc
// CHECK: call @sweep_dense_grad_weight_per_run_adamw(
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @adamw(%x: memref<2x?x4xf32>, %dy: memref<2x?x8xf32>, %w: memref<2x4x8xf32>,
                 %m: memref<2x4x8xf32>, %v: memref<2x4x8xf32>, %h: memref<2xf32>,
                 %newm: memref<2x4x8xf32>, %newv: memref<2x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %g = memref.alloc() : memref<2x4x8xf32>
  linalg.fill ins(%zero : f32) outs(%g : memref<2x4x8xf32>)
  linalg.generic {indexing_maps = [#xr, #y, #w],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"],
                  library_call = "sweep_dense_grad_weight_per_run"}
      ins(%x, %dy : memref<2x?x4xf32>, memref<2x?x8xf32>) outs(%g : memref<2x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = math.fma %a, %b, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3, #id3, #id3, #run, #run, #run, #run, #run, #run,
                                   #run, #id3, #id3, #id3],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %g, %m, %v, %h, %h, %h, %h, %h, %h, %h : memref<2x4x8xf32>, memref<2x4x8xf32>,
          memref<2x4x8xf32>, memref<2x4x8xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>,
          memref<2xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>)
      outs(%w, %newm, %newv : memref<2x4x8xf32>, memref<2x4x8xf32>, memref<2x4x8xf32>)
      attrs = {sweep.update = "adamw"} {
  ^bb0(%p: f32, %gr: f32, %a: f32, %b: f32, %h0: f32, %h1: f32, %h2: f32, %h3: f32, %h4: f32,
       %h5: f32, %h6: f32, %o1: f32, %o2: f32, %o3: f32):
    linalg.yield %p, %a, %b : f32, f32, f32
  }
  memref.dealloc %g : memref<2x4x8xf32>
  return
}

// A hidden layer's backward overwrites the product's input x in place (the
// next layer's gradient) before the step: the step moves up to the product
// instead, since nothing in between touches its operands. The gradient is
// computed into the new parameter's buffer; the call comes before the write.
// CHECK-LABEL: func.func @moved_up
// CHECK-NOT: linalg.fill
// CHECK: call @sweep_dense_grad_weight_per_run_sgd(
// CHECK-NEXT: "test.write"
// CHECK-NOT: linalg.generic
// CHECK: return
// An op in between that uses the step's output (the new state's buffer) but
// writes neither x nor dy: the product moves down to the step instead.
// CHECK-LABEL: func.func @moved_down
// CHECK-NOT: linalg.fill
// CHECK: "test.read"
// CHECK-NEXT: memref.cast
// CHECK: call @sweep_dense_grad_weight_per_run_sgd(
// CHECK-NOT: linalg.generic
// CHECK: return
// And not when an op in between also reads the new parameter's buffer.
// CHECK-LABEL: func.func @not_moved_up
// CHECK: call @sweep_dense_grad_weight_per_run_from_zero(
// CHECK: "test.write"
// CHECK: linalg.generic {{.*}} attrs = {sweep.update = "sgd"}
func.func @moved_up(%x: memref<2x?x4xf32>, %dy: memref<2x?x8xf32>, %w: memref<2x4x8xf32>,
                    %buf: memref<2x4x8xf32>, %h: memref<2xf32>, %neww: memref<2x4x8xf32>,
                    %newbuf: memref<2x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%neww : memref<2x4x8xf32>)
  linalg.generic {indexing_maps = [#xr, #y, #w],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"],
                  library_call = "sweep_dense_grad_weight_per_run"}
      ins(%x, %dy : memref<2x?x4xf32>, memref<2x?x8xf32>) outs(%neww : memref<2x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = math.fma %a, %b, %o : f32
    linalg.yield %s : f32
  }
  "test.write"(%x) : (memref<2x?x4xf32>) -> ()
  linalg.generic {indexing_maps = [#id3, #id3, #id3, #run, #run, #run, #run, #id3, #id3],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %neww, %buf, %h, %h, %h, %h : memref<2x4x8xf32>, memref<2x4x8xf32>,
          memref<2x4x8xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>)
      outs(%neww, %newbuf : memref<2x4x8xf32>, memref<2x4x8xf32>) attrs = {sweep.update = "sgd"} {
  ^bb0(%p: f32, %gr: f32, %b: f32, %l: f32, %m: f32, %d: f32, %n: f32, %o1: f32, %o2: f32):
    linalg.yield %p, %b : f32, f32
  }
  return
}

func.func @moved_down(%x: memref<2x?x4xf32>, %dy: memref<2x?x8xf32>, %w: memref<2x4x8xf32>,
                      %buf: memref<2x4x8xf32>, %h: memref<2xf32>, %neww: memref<2x4x8xf32>,
                      %newbuf: memref<2x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%neww : memref<2x4x8xf32>)
  linalg.generic {indexing_maps = [#xr, #y, #w],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"],
                  library_call = "sweep_dense_grad_weight_per_run"}
      ins(%x, %dy : memref<2x?x4xf32>, memref<2x?x8xf32>) outs(%neww : memref<2x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = math.fma %a, %b, %o : f32
    linalg.yield %s : f32
  }
  "test.read"(%newbuf) : (memref<2x4x8xf32>) -> ()
  linalg.generic {indexing_maps = [#id3, #id3, #id3, #run, #run, #run, #run, #id3, #id3],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %neww, %buf, %h, %h, %h, %h : memref<2x4x8xf32>, memref<2x4x8xf32>,
          memref<2x4x8xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>)
      outs(%neww, %newbuf : memref<2x4x8xf32>, memref<2x4x8xf32>) attrs = {sweep.update = "sgd"} {
  ^bb0(%p: f32, %gr: f32, %b: f32, %l: f32, %m: f32, %d: f32, %n: f32, %o1: f32, %o2: f32):
    linalg.yield %p, %b : f32, f32
  }
  return
}

func.func @not_moved_up(%x: memref<2x?x4xf32>, %dy: memref<2x?x8xf32>, %w: memref<2x4x8xf32>,
                        %buf: memref<2x4x8xf32>, %h: memref<2xf32>, %neww: memref<2x4x8xf32>,
                        %newbuf: memref<2x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%neww : memref<2x4x8xf32>)
  linalg.generic {indexing_maps = [#xr, #y, #w],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"],
                  library_call = "sweep_dense_grad_weight_per_run"}
      ins(%x, %dy : memref<2x?x4xf32>, memref<2x?x8xf32>) outs(%neww : memref<2x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = math.fma %a, %b, %o : f32
    linalg.yield %s : f32
  }
  "test.write"(%x, %newbuf) : (memref<2x?x4xf32>, memref<2x4x8xf32>) -> ()
  linalg.generic {indexing_maps = [#id3, #id3, #id3, #run, #run, #run, #run, #id3, #id3],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %neww, %buf, %h, %h, %h, %h : memref<2x4x8xf32>, memref<2x4x8xf32>,
          memref<2x4x8xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>)
      outs(%neww, %newbuf : memref<2x4x8xf32>, memref<2x4x8xf32>) attrs = {sweep.update = "sgd"} {
  ^bb0(%p: f32, %gr: f32, %b: f32, %l: f32, %m: f32, %d: f32, %n: f32, %o1: f32, %o2: f32):
    linalg.yield %p, %b : f32, f32
  }
  return
}

// Kept apart (the zero fill still fuses into the product): the gradient is
// read after the step; an op in between writes dy and the step's state; an op
// in between reads the gradient; the new parameter is the product's own input.
// CHECK-LABEL: func.func @kept_apart
// CHECK: call @sweep_dense_grad_weight_wide_from_zero(
// CHECK: linalg.generic {{.*}} attrs = {sweep.update = "sgd"}
// CHECK: "test.use"
// CHECK: call @sweep_dense_grad_weight_wide_from_zero(
// CHECK: "test.write"(%{{.*}}, %{{.*}})
// CHECK: linalg.generic {{.*}} attrs = {sweep.update = "sgd"}
// CHECK: call @sweep_dense_grad_weight_wide_from_zero(
// CHECK: "test.use"
// CHECK: linalg.generic {{.*}} attrs = {sweep.update = "sgd"}
// CHECK: call @sweep_dense_grad_weight_per_run_from_zero(
// CHECK: linalg.generic {{.*}} attrs = {sweep.update = "sgd"}
// CHECK-NOT: call @sweep_dense_grad_weight_{{.*}}_sgd
func.func @kept_apart(%x: memref<?x4xf32>, %dy: memref<2x?x8xf32>, %w: memref<2x4x8xf32>,
                      %buf: memref<2x4x8xf32>, %h: memref<2xf32>, %newbuf: memref<2x4x8xf32>,
                      %g: memref<2x4x8xf32>, %sq: memref<2x4x4xf32>,
                      %wsq: memref<2x4x4xf32>, %bsq: memref<2x4x4xf32>,
                      %nbsq: memref<2x4x4xf32>, %dsq: memref<2x?x4xf32>) {
  %zero = arith.constant 0.0 : f32
  // 1. The gradient (allocated here) is used after the step.
  %g1 = memref.alloc() : memref<2x4x8xf32>
  linalg.fill ins(%zero : f32) outs(%g1 : memref<2x4x8xf32>)
  linalg.generic {indexing_maps = [#x, #y, #w],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"],
                  library_call = "sweep_dense_grad_weight_wide"}
      ins(%x, %dy : memref<?x4xf32>, memref<2x?x8xf32>) outs(%g1 : memref<2x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = math.fma %a, %b, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3, #id3, #run, #run, #run, #run, #id3, #id3],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %g1, %buf, %h, %h, %h, %h : memref<2x4x8xf32>, memref<2x4x8xf32>,
          memref<2x4x8xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>)
      outs(%w, %newbuf : memref<2x4x8xf32>, memref<2x4x8xf32>) attrs = {sweep.update = "sgd"} {
  ^bb0(%p: f32, %g1r: f32, %b: f32, %l: f32, %m: f32, %d: f32, %n: f32, %o1: f32, %o2: f32):
    linalg.yield %p, %b : f32, f32
  }
  "test.use"(%g1) : (memref<2x4x8xf32>) -> ()
  memref.dealloc %g1 : memref<2x4x8xf32>
  // 2. dy and the step's momentum buffer are written between the product and
  //    the step: neither can move to the other.
  linalg.fill ins(%zero : f32) outs(%g : memref<2x4x8xf32>)
  linalg.generic {indexing_maps = [#x, #y, #w],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"],
                  library_call = "sweep_dense_grad_weight_wide"}
      ins(%x, %dy : memref<?x4xf32>, memref<2x?x8xf32>) outs(%g : memref<2x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = math.fma %a, %b, %o : f32
    linalg.yield %s : f32
  }
  "test.write"(%dy, %buf) : (memref<2x?x8xf32>, memref<2x4x8xf32>) -> ()
  linalg.generic {indexing_maps = [#id3, #id3, #id3, #run, #run, #run, #run, #id3, #id3],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %g, %buf, %h, %h, %h, %h : memref<2x4x8xf32>, memref<2x4x8xf32>,
          memref<2x4x8xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>)
      outs(%g, %newbuf : memref<2x4x8xf32>, memref<2x4x8xf32>) attrs = {sweep.update = "sgd"} {
  ^bb0(%p: f32, %gr: f32, %b: f32, %l: f32, %m: f32, %d: f32, %n: f32, %o1: f32, %o2: f32):
    linalg.yield %p, %b : f32, f32
  }
  // 3. The gradient is read between the product and the step.
  linalg.fill ins(%zero : f32) outs(%g : memref<2x4x8xf32>)
  linalg.generic {indexing_maps = [#x, #y, #w],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"],
                  library_call = "sweep_dense_grad_weight_wide"}
      ins(%x, %dy : memref<?x4xf32>, memref<2x?x8xf32>) outs(%g : memref<2x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = math.fma %a, %b, %o : f32
    linalg.yield %s : f32
  }
  "test.use"(%g) : (memref<2x4x8xf32>) -> ()
  linalg.generic {indexing_maps = [#id3, #id3, #id3, #run, #run, #run, #run, #id3, #id3],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%w, %g, %buf, %h, %h, %h, %h : memref<2x4x8xf32>, memref<2x4x8xf32>,
          memref<2x4x8xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>)
      outs(%g, %newbuf : memref<2x4x8xf32>, memref<2x4x8xf32>) attrs = {sweep.update = "sgd"} {
  ^bb0(%p: f32, %gr: f32, %b: f32, %l: f32, %m: f32, %d: f32, %n: f32, %o1: f32, %o2: f32):
    linalg.yield %p, %b : f32, f32
  }
  // 4. The new parameter is the product's input (square 4x4 layers, x per run).
  %gsq = memref.alloc() : memref<2x4x4xf32>
  linalg.fill ins(%zero : f32) outs(%gsq : memref<2x4x4xf32>)
  linalg.generic {indexing_maps = [#xr, #y, #w],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"],
                  library_call = "sweep_dense_grad_weight_per_run"}
      ins(%sq, %dsq : memref<2x4x4xf32>, memref<2x?x4xf32>) outs(%gsq : memref<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = math.fma %a, %b, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3, #id3, #run, #run, #run, #run, #id3, #id3],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%wsq, %gsq, %bsq, %h, %h, %h, %h : memref<2x4x4xf32>, memref<2x4x4xf32>,
          memref<2x4x4xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>, memref<2xf32>)
      outs(%sq, %nbsq : memref<2x4x4xf32>, memref<2x4x4xf32>) attrs = {sweep.update = "sgd"} {
  ^bb0(%p: f32, %gr: f32, %b: f32, %l: f32, %m: f32, %d: f32, %n: f32, %o1: f32, %o2: f32):
    linalg.yield %p, %b : f32, f32
  }
  memref.dealloc %gsq : memref<2x4x4xf32>
  return
}
