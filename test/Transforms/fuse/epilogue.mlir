// train-fuse folds an activation into the dense layer that feeds only it;
// gelu and a dense result with other users stay apart. train-autodiff then
// differentiates the fused layer through its output.
// RUN: sweep-opt %s -train-fuse | FileCheck %s
// RUN: sweep-opt %s -train-fuse -train-autodiff | FileCheck %s --check-prefix=GRAD

// CHECK-LABEL: func.func @chain
func.func @chain(%x: tensor<?x4xf32>, %w0: tensor<2x4x8xf32>, %b0: tensor<2x8xf32>,
                 %w1: tensor<2x8x3xf32>, %b1: tensor<2x3xf32>, %y: tensor<?xi32>)
    -> (tensor<2x4x8xf32>, tensor<2x8x3xf32>) {
  // CHECK: %[[H:.*]] = train.dense %{{.*}}, %{{.*}}, %{{.*}} activation relu wide : tensor<?x4xf32>
  // CHECK-NOT: train.activation relu
  // CHECK: %[[O:.*]] = train.dense %[[H]], %{{.*}}, %{{.*}} :
  %z = train.dense %x, %w0, %b0 : tensor<?x4xf32>, tensor<2x4x8xf32>, tensor<2x8xf32> -> tensor<2x?x8xf32>
  %h = train.activation relu %z : tensor<2x?x8xf32>
  %o = train.dense %h, %w1, %b1 : tensor<2x?x8xf32>, tensor<2x8x3xf32>, tensor<2x3xf32> -> tensor<2x?x3xf32>
  %l = train.cross_entropy %o, %y : tensor<2x?x3xf32>, tensor<?xi32> -> tensor<2xf32>
  // GRAD: %[[H:.*]] = train.dense %{{.*}} activation relu
  // GRAD: %[[DH:.*]] = train.dense_grad_input
  // GRAD-NEXT: %[[DZ:.*]] = train.activation_output_grad relu %[[H]], %[[DH]]
  // GRAD-NEXT: train.dense_grad_weight %{{.*}}, %[[DZ]]
  %g:2 = train.backward %l wrt %w0, %w1 : tensor<2xf32> wrt tensor<2x4x8xf32>, tensor<2x8x3xf32>
  return %g#0, %g#1 : tensor<2x4x8xf32>, tensor<2x8x3xf32>
}

// CHECK-LABEL: func.func @kept_apart
func.func @kept_apart(%x: tensor<?x4xf32>, %w: tensor<2x4x8xf32>, %b: tensor<2x8xf32>)
    -> (tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>) {
  // gelu's slope needs the pre-activation.
  // CHECK: %[[Z:.*]] = train.dense %{{.*}} wide : tensor<?x4xf32>
  // CHECK-NEXT: train.activation gelu %[[Z]]
  %z = train.dense %x, %w, %b : tensor<?x4xf32>, tensor<2x4x8xf32>, tensor<2x8xf32> -> tensor<2x?x8xf32>
  %g = train.activation gelu %z : tensor<2x?x8xf32>
  // The pre-activation is returned too: no fusion.
  // CHECK: %[[Z2:.*]] = train.dense %{{.*}} wide : tensor<?x4xf32>
  // CHECK-NEXT: train.activation tanh %[[Z2]]
  %z2 = train.dense %x, %w, %b : tensor<?x4xf32>, tensor<2x4x8xf32>, tensor<2x8xf32> -> tensor<2x?x8xf32>
  %t = train.activation tanh %z2 : tensor<2x?x8xf32>
  return %g, %t, %z2 : tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>
}
