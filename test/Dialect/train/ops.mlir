// Every train op parses, verifies and prints back; the printed form parses again.
// RUN: sweep-opt %s | sweep-opt | FileCheck %s

// CHECK-LABEL: func.func @dropout_mask
func.func @dropout_mask(%seeds: tensor<4xi64>, %below: tensor<4xi32>, %keep: tensor<4xf32>,
                        %first: tensor<i64>, %rows: index) -> tensor<4x?x16xf32> {
  // CHECK: train.dropout_mask %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {layer = 1 : i64} : tensor<4xi64>, tensor<4xi32>, tensor<4xf32>, tensor<i64> -> tensor<4x?x16xf32>
  %m = train.dropout_mask %seeds, %below, %keep, %first, %rows {layer = 1 : i64} : tensor<4xi64>, tensor<4xi32>, tensor<4xf32>, tensor<i64> -> tensor<4x?x16xf32>
  return %m : tensor<4x?x16xf32>
}

// CHECK-LABEL: func.func @forward
func.func @forward(%x: tensor<?x784xf32>, %xr: tensor<4x?x784xf32>, %w: tensor<4x784x16xf32>,
                   %b: tensor<4x16xf32>, %mask: tensor<4x?x16xf32>, %xmask: tensor<4x?x784xf32>, %labels: tensor<?xi32>,
                   %targets: tensor<?x16xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK: train.dense %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x784xf32>, tensor<4x784x16xf32>, tensor<4x16xf32> -> tensor<4x?x16xf32>
  %y = train.dense %x, %w, %b : tensor<?x784xf32>, tensor<4x784x16xf32>, tensor<4x16xf32> -> tensor<4x?x16xf32>
  // CHECK: train.dense %{{.*}} : tensor<4x?x784xf32>, tensor<4x784x16xf32>, tensor<4x16xf32> -> tensor<4x?x16xf32>
  %yr = train.dense %xr, %w, %b : tensor<4x?x784xf32>, tensor<4x784x16xf32>, tensor<4x16xf32> -> tensor<4x?x16xf32>
  // CHECK: train.dense %{{.*}}, %{{.*}}, %{{.*}} activation relu wide : tensor<?x784xf32>
  %yw = train.dense %x, %w, %b activation relu wide : tensor<?x784xf32>, tensor<4x784x16xf32>, tensor<4x16xf32> -> tensor<4x?x16xf32>
  // CHECK: train.activation relu %{{.*}} : tensor<4x?x16xf32>
  %h = train.activation relu %y : tensor<4x?x16xf32>
  // CHECK: train.activation gelu
  %g = train.activation gelu %yr : tensor<4x?x16xf32>
  // CHECK: train.dropout %{{.*}}, %{{.*}} : tensor<4x?x16xf32>, tensor<4x?x16xf32>
  %d = train.dropout %h, %mask : tensor<4x?x16xf32>, tensor<4x?x16xf32>
  // CHECK: train.dropout %{{.*}}, %{{.*}} : tensor<?x784xf32>, tensor<4x?x784xf32>
  %dx = train.dropout %x, %xmask : tensor<?x784xf32>, tensor<4x?x784xf32>
  // CHECK: train.cross_entropy %{{.*}}, %{{.*}} : tensor<4x?x16xf32>, tensor<?xi32> -> tensor<4xf32>
  %ce = train.cross_entropy %d, %labels : tensor<4x?x16xf32>, tensor<?xi32> -> tensor<4xf32>
  // CHECK: train.mse %{{.*}}, %{{.*}} : tensor<4x?x16xf32>, tensor<?x16xf32> -> tensor<4xf32>
  %mse = train.mse %g, %targets : tensor<4x?x16xf32>, tensor<?x16xf32> -> tensor<4xf32>
  // CHECK: train.mse %{{.*}}, %{{.*}} : tensor<4x?x16xf32>, tensor<?xi32> -> tensor<4xf32>
  %mse1 = train.mse %g, %labels : tensor<4x?x16xf32>, tensor<?xi32> -> tensor<4xf32>
  // CHECK: train.accuracy %{{.*}}, %{{.*}} : tensor<4x?x16xf32>, tensor<?xi32> -> tensor<4xf32>
  %acc = train.accuracy %d, %labels : tensor<4x?x16xf32>, tensor<?xi32> -> tensor<4xf32>
  return %ce, %mse, %mse1, %acc : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @gradients
func.func @gradients(%x: tensor<?x784xf32>, %w: tensor<4x784x16xf32>, %b: tensor<4x16xf32>,
                     %z: tensor<4x?x16xf32>, %dy: tensor<4x?x16xf32>, %labels: tensor<?xi32>,
                     %targets: tensor<?x16xf32>, %loss: tensor<4xf32>) {
  // CHECK: train.backward %{{.*}} wrt %{{.*}}, %{{.*}} : tensor<4xf32> wrt tensor<4x784x16xf32>, tensor<4x16xf32>
  %gw, %gb = train.backward %loss wrt %w, %b : tensor<4xf32> wrt tensor<4x784x16xf32>, tensor<4x16xf32>
  // CHECK: train.dense_grad_input {{.*}} -> tensor<4x?x784xf32>
  %dx = train.dense_grad_input %dy, %w : tensor<4x?x16xf32>, tensor<4x784x16xf32> -> tensor<4x?x784xf32>
  // CHECK: train.dense_grad_weight {{.*}} -> tensor<4x784x16xf32>
  %dw = train.dense_grad_weight %x, %dy : tensor<?x784xf32>, tensor<4x?x16xf32> -> tensor<4x784x16xf32>
  // CHECK: train.dense_grad_weight %{{.*}}, %{{.*}} wide : tensor<?x784xf32>
  %dww = train.dense_grad_weight %x, %dy wide : tensor<?x784xf32>, tensor<4x?x16xf32> -> tensor<4x784x16xf32>
  // CHECK: train.bias_grad {{.*}} -> tensor<4x16xf32>
  %db = train.bias_grad %dy : tensor<4x?x16xf32> -> tensor<4x16xf32>
  // CHECK: train.activation_grad tanh %{{.*}}, %{{.*}} : tensor<4x?x16xf32>
  %dz = train.activation_grad tanh %z, %dy : tensor<4x?x16xf32>
  // CHECK: train.cross_entropy_grad {{.*}} -> tensor<4x?x16xf32>
  %dl = train.cross_entropy_grad %z, %labels : tensor<4x?x16xf32>, tensor<?xi32> -> tensor<4x?x16xf32>
  // CHECK: train.mse_grad {{.*}} -> tensor<4x?x16xf32>
  %dm = train.mse_grad %z, %targets : tensor<4x?x16xf32>, tensor<?x16xf32> -> tensor<4x?x16xf32>
  return
}

// CHECK-LABEL: func.func @updates
func.func @updates(%w: tensor<4x784x16xf32>, %g: tensor<4x784x16xf32>, %s: tensor<4x784x16xf32>,
                   %t: tensor<4x784x16xf32>, %h: tensor<4xf32>) {
  // CHECK: train.sgd {{.*}} : tensor<4x784x16xf32>, tensor<4xf32>
  %w1, %s1 = train.sgd %w, %g, %s, %h, %h, %h, %h : tensor<4x784x16xf32>, tensor<4xf32>
  // CHECK: train.adam {{.*}} {decoupled} : tensor<4x784x16xf32>, tensor<4xf32>
  %w2, %m2, %v2 = train.adam %w, %g, %s, %t, %h, %h, %h, %h, %h, %h, %h {decoupled} : tensor<4x784x16xf32>, tensor<4xf32>
  return
}

// CHECK-LABEL: func.func @probabilities
func.func @probabilities(%l: tensor<4x?x10xf32>) -> tensor<4x?x10xf32> {
  // CHECK: train.softmax %{{.*}} : tensor<4x?x10xf32>
  %p = train.softmax %l : tensor<4x?x10xf32>
  return %p : tensor<4x?x10xf32>
}

// CHECK-LABEL: func.func @fused
func.func @fused(%x: tensor<?x4xf32>, %w: tensor<2x4x8xf32>, %b: tensor<2x8xf32>) -> tensor<2x?x8xf32> {
  // CHECK: train.dense %{{.*}}, %{{.*}}, %{{.*}} activation sigmoid :
  %y = train.dense %x, %w, %b activation sigmoid : tensor<?x4xf32>, tensor<2x4x8xf32>, tensor<2x8xf32> -> tensor<2x?x8xf32>
  // CHECK: train.activation_output_grad sigmoid
  %g = train.activation_output_grad sigmoid %y, %y : tensor<2x?x8xf32>
  return %g : tensor<2x?x8xf32>
}

// CHECK-LABEL: func.func @rows
func.func @rows(%l: tensor<4x?x10xf32>, %y: tensor<?xi32>, %t: tensor<?x10xf32>)
    -> (tensor<4x?xf64>, tensor<4x?xf64>) {
  // CHECK: train.loss_rows "cross_entropy" %{{.*}}, %{{.*}} : tensor<4x?x10xf32>, tensor<?xi32> -> tensor<4x?xf64>
  %a = train.loss_rows "cross_entropy" %l, %y : tensor<4x?x10xf32>, tensor<?xi32> -> tensor<4x?xf64>
  // CHECK: train.loss_rows "mse" %{{.*}}, %{{.*}} : tensor<4x?x10xf32>, tensor<?x10xf32> -> tensor<4x?xf64>
  %b = train.loss_rows "mse" %l, %t : tensor<4x?x10xf32>, tensor<?x10xf32> -> tensor<4x?xf64>
  return %a, %b : tensor<4x?xf64>, tensor<4x?xf64>
}
