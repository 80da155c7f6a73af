// train-fuse computes a dense layer whose input is shared by all runs (the
// minibatch [B, K]) as one wide GEMM X[B, K] x W[K, R*N]: it sets `wide`.
// A per-run input stays R products. train-autodiff passes the flag on to the
// weight gradient, X^T[K, B] x dY[B, R*N].
// RUN: sweep-opt %s -train-fuse | FileCheck %s
// RUN: sweep-opt %s -train-fuse -train-autodiff | FileCheck %s --check-prefix=GRAD
// RUN: sweep-opt %s -train-autodiff | FileCheck %s --check-prefix=NOFUSE

// CHECK-LABEL: func.func @mlp
// GRAD-LABEL: func.func @mlp
// NOFUSE-LABEL: func.func @mlp
func.func @mlp(%x: tensor<?x4xf32>, %w0: tensor<3x4x8xf32>, %b0: tensor<3x8xf32>,
               %w1: tensor<3x8x2xf32>, %b1: tensor<3x2xf32>, %y: tensor<?xi32>)
    -> (tensor<3x4x8xf32>, tensor<3x8x2xf32>) {
  // CHECK: %[[H:.*]] = train.dense %{{.*}}, %{{.*}}, %{{.*}} activation relu wide : tensor<?x4xf32>
  // CHECK: train.dense %[[H]], %{{.*}}, %{{.*}} : tensor<3x?x8xf32>
  // CHECK-NOT: wide
  // CHECK: return
  %z = train.dense %x, %w0, %b0 : tensor<?x4xf32>, tensor<3x4x8xf32>, tensor<3x8xf32> -> tensor<3x?x8xf32>
  %h = train.activation relu %z : tensor<3x?x8xf32>
  %o = train.dense %h, %w1, %b1 : tensor<3x?x8xf32>, tensor<3x8x2xf32>, tensor<3x2xf32> -> tensor<3x?x2xf32>
  %l = train.cross_entropy %o, %y : tensor<3x?x2xf32>, tensor<?xi32> -> tensor<3xf32>
  // GRAD: train.dense_grad_weight %{{.*}}, %{{.*}} {train.gradient} : tensor<3x?x8xf32>, tensor<3x?x2xf32>
  // GRAD: train.dense_grad_weight %{{.*}}, %{{.*}} wide {train.gradient} : tensor<?x4xf32>, tensor<3x?x8xf32>
  // Without train-fuse nothing is wide.
  // NOFUSE-NOT: wide
  %g:2 = train.backward %l wrt %w0, %w1 : tensor<3xf32> wrt tensor<3x4x8xf32>, tensor<3x8x2xf32>
  return %g#0, %g#1 : tensor<3x4x8xf32>, tensor<3x8x2xf32>
}
