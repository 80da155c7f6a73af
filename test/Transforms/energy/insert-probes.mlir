// energy-insert-probes groups train_step into forward, backward (the ops
// train-autodiff marked) and update regions, evaluate into one eval region,
// moves forward-only ops (the per-row losses) ahead of the gradient code, and
// annotates each region with FLOPs and bytes for all runs at the module's
// batch (dynamic dimensions = train.batch = 4).
// RUN: sweep-opt %s -energy-insert-probes -split-input-file -verify-diagnostics | FileCheck %s

module attributes {train.batch = 4 : i64} {
  // CHECK-LABEL: func.func @train_step
  func.func @train_step(%x: tensor<?x3xf32>, %y: tensor<?xi32>, %w: tensor<2x3x5xf32>,
                        %b: tensor<2x5xf32>, %v: tensor<2x3x5xf32>, %lr: tensor<2xf32>,
                        %mom: tensor<2xf32>, %wd: tensor<2xf32>, %nes: tensor<2xf32>)
      -> (tensor<2x?xf64>, tensor<2x3x5xf32>, tensor<2x3x5xf32>) {
    // Constants stay outside the regions.
    // CHECK: arith.constant
    // Forward: dense 2*2*4*3*5 = 240 FLOPs; cross_entropy and loss_rows 4 per
    // logit element (2*4*5 = 40), 160 each: 560. Bytes: dense 4*(4*3 + 2*3*5 +
    // 2*5 + 2*4*5) = 368; cross_entropy 4*40 + 4*4 + 4*2 = 184; loss_rows
    // 160 + 16 + 8*8 = 240. Only the values used later leave the region.
    // CHECK: %[[F:.*]]:2 = energy.region "forward" flops 560 bytes 792 -> tensor<2x?x5xf32>, tensor<2x?xf64> {
    // CHECK: train.dense
    // CHECK: train.cross_entropy
    // CHECK: train.loss_rows
    // CHECK: energy.yield
    // Backward: cross_entropy_grad 4*40 = 160 FLOPs, dense_grad_weight 240.
    // CHECK: %[[B:.*]] = energy.region "backward" flops 400 bytes {{[0-9]+}} -> tensor<2x3x5xf32> {
    // CHECK: train.cross_entropy_grad
    // CHECK: train.dense_grad_weight
    // Update: sgd, 6 FLOPs per parameter element (2*3*5 = 30).
    // CHECK: %[[U:.*]]:2 = energy.region "update" flops 180 bytes {{[0-9]+}}
    // CHECK: train.sgd
    // CHECK: return %[[F]]#1, %[[U]]#0, %[[U]]#1
    %c = arith.constant 1.0 : f32
    %o = train.dense %x, %w, %b : tensor<?x3xf32>, tensor<2x3x5xf32>, tensor<2x5xf32> -> tensor<2x?x5xf32>
    %l = train.cross_entropy %o, %y : tensor<2x?x5xf32>, tensor<?xi32> -> tensor<2xf32>
    %do = train.cross_entropy_grad %o, %y {train.gradient} : tensor<2x?x5xf32>, tensor<?xi32> -> tensor<2x?x5xf32>
    %dw = train.dense_grad_weight %x, %do {train.gradient} : tensor<?x3xf32>, tensor<2x?x5xf32> -> tensor<2x3x5xf32>
    %p, %s = train.sgd %w, %dw, %v, %lr, %mom, %wd, %nes : tensor<2x3x5xf32>, tensor<2xf32>
    %rows = train.loss_rows "cross_entropy" %o, %y : tensor<2x?x5xf32>, tensor<?xi32> -> tensor<2x?xf64>
    return %rows, %p, %s : tensor<2x?xf64>, tensor<2x3x5xf32>, tensor<2x3x5xf32>
  }

  // CHECK-LABEL: func.func @evaluate
  // CHECK: energy.region "eval" flops 400 bytes 608
  // CHECK-NOT: energy.region
  func.func @evaluate(%x: tensor<?x3xf32>, %y: tensor<?xi32>, %w: tensor<2x3x5xf32>,
                      %b: tensor<2x5xf32>) -> tensor<2x?xf64> {
    %o = train.dense %x, %w, %b : tensor<?x3xf32>, tensor<2x3x5xf32>, tensor<2x5xf32> -> tensor<2x?x5xf32>
    %rows = train.loss_rows "cross_entropy" %o, %y : tensor<2x?x5xf32>, tensor<?xi32> -> tensor<2x?xf64>
    return %rows : tensor<2x?xf64>
  }
}

// -----

// An op that reads a gradient joins the backward phase (here a metric of the
// gradient, not marked by train-autodiff).
// CHECK-LABEL: func.func @train_step
// CHECK: energy.region "forward"
// CHECK: energy.region "backward" {{.*}} {
// CHECK-NEXT: train.cross_entropy_grad
// CHECK-NEXT: train.activation relu
module attributes {train.batch = 4 : i64} {
  func.func @train_step(%y: tensor<?xi32>, %o: tensor<2x?x5xf32>) -> (tensor<2x?x5xf32>, tensor<2xf32>) {
    %do = train.cross_entropy_grad %o, %y {train.gradient} : tensor<2x?x5xf32>, tensor<?xi32> -> tensor<2x?x5xf32>
    %h = train.activation relu %do : tensor<2x?x5xf32>
    %l = train.cross_entropy %o, %y : tensor<2x?x5xf32>, tensor<?xi32> -> tensor<2xf32>
    return %h, %l : tensor<2x?x5xf32>, tensor<2xf32>
  }
}

// -----

// Gradient code that reads an update's result cannot come before the update.
module attributes {train.batch = 4 : i64} {
  func.func @train_step(%w: tensor<2x3x5xf32>, %g: tensor<2x3x5xf32>, %v: tensor<2x3x5xf32>,
                        %lr: tensor<2xf32>) -> tensor<2x3x5xf32> {
    %p, %s = train.sgd %w, %g, %v, %lr, %lr, %lr, %lr : tensor<2x3x5xf32>, tensor<2xf32>
    // expected-error @+1 {{energy-insert-probes: this backward op uses a value computed in a later phase}}
    %h = train.activation relu %p {train.gradient} : tensor<2x3x5xf32>
    return %h : tensor<2x3x5xf32>
  }
}

// -----

// With energy.per_layer each phase splits by layer (the ops' NameLoc, from
// MLIRGen; gradient ops inherit their forward op's): one region per run of
// consecutive ops of one layer.
// CHECK-LABEL: func.func @train_step
// CHECK: energy.region "forward:dense1" flops 240
// CHECK: energy.region "forward:loss" flops 160
// CHECK: energy.region "backward:loss" flops 160
// CHECK: energy.region "backward:dense1" flops 240
// CHECK: energy.region "update:dense1" flops 180
module attributes {train.batch = 4 : i64, energy.per_layer} {
  func.func @train_step(%x: tensor<?x3xf32>, %y: tensor<?xi32>, %w: tensor<2x3x5xf32>,
                        %b: tensor<2x5xf32>, %v: tensor<2x3x5xf32>, %lr: tensor<2xf32>)
      -> (tensor<2xf32>, tensor<2x3x5xf32>, tensor<2x3x5xf32>) {
    %o = train.dense %x, %w, %b : tensor<?x3xf32>, tensor<2x3x5xf32>, tensor<2x5xf32> -> tensor<2x?x5xf32> loc("dense1")
    %l = train.cross_entropy %o, %y : tensor<2x?x5xf32>, tensor<?xi32> -> tensor<2xf32> loc("loss")
    %do = train.cross_entropy_grad %o, %y {train.gradient} : tensor<2x?x5xf32>, tensor<?xi32> -> tensor<2x?x5xf32> loc("loss")
    %dw = train.dense_grad_weight %x, %do {train.gradient} : tensor<?x3xf32>, tensor<2x?x5xf32> -> tensor<2x3x5xf32> loc("dense1")
    %p, %s = train.sgd %w, %dw, %v, %lr, %lr, %lr, %lr : tensor<2x3x5xf32>, tensor<2xf32> loc("dense1")
    return %l, %p, %s : tensor<2xf32>, tensor<2x3x5xf32>, tensor<2x3x5xf32>
  }
}
