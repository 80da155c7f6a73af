// convert-train-to-linalg: losses, metrics and elementwise ops.
// RUN: sweep-opt %s -convert-train-to-linalg | FileCheck %s

// Cross-entropy: the row peak (a NaN wins), the sum of exp(z - peak), then
// peak + log(sum) - z[label] per row and the mean over the batch.
// CHECK-LABEL: func.func @cross_entropy
func.func @cross_entropy(%l: tensor<2x?x3xf32>, %y: tensor<?xi32>) -> (tensor<2xf32>, tensor<2x?x3xf32>) {
  // CHECK: arith.constant 0xFF800000 : f32
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
  // CHECK: arith.cmpf ogt
  // CHECK: arith.cmpf uno
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
  // CHECK: math.exp
  // CHECK: linalg.generic
  // CHECK: math.log
  // CHECK: tensor.extract
  // CHECK: arith.divf
  %loss = train.cross_entropy %l, %y : tensor<2x?x3xf32>, tensor<?xi32> -> tensor<2xf32>
  // CHECK: linalg.index 2
  // CHECK: arith.cmpi eq
  %g = train.cross_entropy_grad %l, %y : tensor<2x?x3xf32>, tensor<?xi32> -> tensor<2x?x3xf32>
  return %loss, %g : tensor<2xf32>, tensor<2x?x3xf32>
}

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%z: tensor<2x?x3xf32>, %dy: tensor<2x?x3xf32>) -> (tensor<2x?x3xf32>, tensor<2x?x3xf32>, tensor<2x?x3xf32>) {
  // relu keeps the interpreter's !(z <= 0) ? z : 0 (a NaN stays NaN, as there).
  // CHECK: arith.cmpf ugt
  // CHECK-NEXT: arith.select
  %r = train.activation relu %z : tensor<2x?x3xf32>
  // CHECK: math.erf
  %g = train.activation gelu %z : tensor<2x?x3xf32>
  // tanh as 1 - 2 / (exp(2z) + 1), as the interpreter computes it.
  // CHECK: math.exp
  // CHECK: arith.divf
  // CHECK: arith.subf
  // CHECK: arith.mulf
  // CHECK: arith.subf
  %t = train.activation_grad tanh %z, %dy : tensor<2x?x3xf32>
  return %r, %g, %t : tensor<2x?x3xf32>, tensor<2x?x3xf32>, tensor<2x?x3xf32>
}

// CHECK-LABEL: func.func @updates
func.func @updates(%w: tensor<2x4xf32>, %g: tensor<2x4xf32>, %s: tensor<2x4xf32>, %h: tensor<2xf32>)
    -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  // Per-run hyperparameters are read by the run index alone.
  // CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #[[HYPER:.*]], #[[HYPER]], #[[HYPER]], #[[HYPER]], #{{.*}}, #{{.*}}]
  %w1, %s1 = train.sgd %w, %g, %s, %h, %h, %h, %h : tensor<2x4xf32>, tensor<2xf32>
  return %w1, %s1 : tensor<2x4xf32>, tensor<2x4xf32>
}

// Reported losses: each row in double. Cross-entropy rows are the float32
// row losses widened; mse rows square the widened differences in double.
// CHECK-LABEL: func.func @rows
func.func @rows(%l: tensor<2x?x3xf32>, %y: tensor<?xi32>, %t: tensor<?x3xf32>)
    -> (tensor<2x?xf64>, tensor<2x?xf64>) {
  // CHECK: math.log
  // CHECK: arith.extf %{{.*}} : f32 to f64
  %a = train.loss_rows "cross_entropy" %l, %y : tensor<2x?x3xf32>, tensor<?xi32> -> tensor<2x?xf64>
  // CHECK: arith.subf %{{.*}} : f32
  // CHECK-NEXT: arith.extf %{{.*}} : f32 to f64
  // CHECK-NEXT: arith.mulf %{{.*}} : f64
  // CHECK: arith.constant 3.000000e+00 : f64
  %b = train.loss_rows "mse" %l, %t : tensor<2x?x3xf32>, tensor<?x3xf32> -> tensor<2x?xf64>
  return %a, %b : tensor<2x?xf64>, tensor<2x?xf64>
}
