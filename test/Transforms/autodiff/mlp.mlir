// train-autodiff replaces train.backward with one VJP per op, in reverse
// order: no gradient flows into the shared minibatch, fan-out is summed, and a
// value the loss does not depend on gets zeros. Every op it creates is marked
// train.gradient (energy-insert-probes makes them the backward phase).
// RUN: sweep-opt %s -train-autodiff | FileCheck %s

// CHECK-LABEL: func.func @mlp
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x4xf32>, %[[Y:[^:]*]]: tensor<?xi32>, %[[W0:[^:]*]]: tensor<2x4x8xf32>, %[[B0:[^:]*]]: tensor<2x8xf32>, %[[W1:[^:]*]]: tensor<2x8x3xf32>, %[[B1:[^:]*]]: tensor<2x3xf32>, %[[MASK:[^:]*]]: tensor<2x?x8xf32>)
func.func @mlp(%x: tensor<?x4xf32>, %y: tensor<?xi32>, %w0: tensor<2x4x8xf32>, %b0: tensor<2x8xf32>,
               %w1: tensor<2x8x3xf32>, %b1: tensor<2x3xf32>, %mask: tensor<2x?x8xf32>)
    -> (tensor<2x4x8xf32>, tensor<2x8xf32>, tensor<2x8x3xf32>, tensor<2x3xf32>) {
  // CHECK: %[[Z:.*]] = train.dense %[[X]], %[[W0]], %[[B0]]
  // CHECK: %[[H:.*]] = train.activation gelu %[[Z]]
  // CHECK: %[[D:.*]] = train.dropout %[[H]], %[[MASK]]
  // CHECK: %[[O:.*]] = train.dense %[[D]], %[[W1]], %[[B1]]
  // CHECK: train.cross_entropy %[[O]], %[[Y]] :
  // CHECK-NEXT: %[[DO:.*]] = train.cross_entropy_grad %[[O]], %[[Y]] {train.gradient} :
  // CHECK-NEXT: %[[DW1:.*]] = train.dense_grad_weight %[[D]], %[[DO]]
  // CHECK-NEXT: %[[DB1:.*]] = train.bias_grad %[[DO]]
  // CHECK-NEXT: %[[DD:.*]] = train.dense_grad_input %[[DO]], %[[W1]]
  // CHECK-NEXT: %[[DH:.*]] = train.dropout %[[DD]], %[[MASK]]
  // CHECK-NEXT: %[[DZ:.*]] = train.activation_grad gelu %[[Z]], %[[DH]]
  // CHECK-NEXT: %[[DW0:.*]] = train.dense_grad_weight %[[X]], %[[DZ]]
  // CHECK-NEXT: %[[DB0:.*]] = train.bias_grad %[[DZ]]
  // CHECK-NOT: train.backward
  // CHECK: return %[[DW0]], %[[DB0]], %[[DW1]], %[[DB1]]
  %z = train.dense %x, %w0, %b0 : tensor<?x4xf32>, tensor<2x4x8xf32>, tensor<2x8xf32> -> tensor<2x?x8xf32>
  %h = train.activation gelu %z : tensor<2x?x8xf32>
  %d = train.dropout %h, %mask : tensor<2x?x8xf32>, tensor<2x?x8xf32>
  %o = train.dense %d, %w1, %b1 : tensor<2x?x8xf32>, tensor<2x8x3xf32>, tensor<2x3xf32> -> tensor<2x?x3xf32>
  %l = train.cross_entropy %o, %y : tensor<2x?x3xf32>, tensor<?xi32> -> tensor<2xf32>
  %g:4 = train.backward %l wrt %w0, %b0, %w1, %b1 : tensor<2xf32> wrt tensor<2x4x8xf32>, tensor<2x8xf32>, tensor<2x8x3xf32>, tensor<2x3xf32>
  return %g#0, %g#1, %g#2, %g#3 : tensor<2x4x8xf32>, tensor<2x8xf32>, tensor<2x8x3xf32>, tensor<2x3xf32>
}

// A weight used by two layers (a residual-like reuse) sums its gradients; an
// unused weight gets zeros.
// CHECK-LABEL: func.func @fan_out
func.func @fan_out(%x: tensor<?x4xf32>, %t: tensor<?x4xf32>, %w: tensor<2x4x4xf32>, %b: tensor<2x4xf32>,
                   %unused: tensor<2x4xf32>) -> (tensor<2x4x4xf32>, tensor<2x4xf32>) {
  // CHECK: train.mse_grad
  // CHECK: %[[G2:.*]] = train.dense_grad_weight
  // CHECK: train.dense_grad_input
  // CHECK: %[[G1:.*]] = train.dense_grad_weight
  // CHECK: %[[SUM:.*]] = arith.addf %[[G2]], %[[G1]] {train.gradient} : tensor<2x4x4xf32>
  // CHECK: %[[ZERO:.*]] = arith.constant {train.gradient} dense<0.000000e+00> : tensor<2x4xf32>
  // CHECK: return %[[SUM]], %[[ZERO]]
  %a = train.dense %x, %w, %b : tensor<?x4xf32>, tensor<2x4x4xf32>, tensor<2x4xf32> -> tensor<2x?x4xf32>
  %c = train.dense %a, %w, %b : tensor<2x?x4xf32>, tensor<2x4x4xf32>, tensor<2x4xf32> -> tensor<2x?x4xf32>
  %l = train.mse %c, %t : tensor<2x?x4xf32>, tensor<?x4xf32> -> tensor<2xf32>
  %g:2 = train.backward %l wrt %w, %unused : tensor<2xf32> wrt tensor<2x4x4xf32>, tensor<2x4xf32>
  return %g#0, %g#1 : tensor<2x4x4xf32>, tensor<2x4xf32>
}
