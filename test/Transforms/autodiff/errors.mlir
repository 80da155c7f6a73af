// train-autodiff's errors.
// RUN: sweep-opt %s -train-autodiff -split-input-file -verify-diagnostics

func.func @loss_not_a_loss(%x: tensor<?x4xf32>, %w: tensor<2x4x4xf32>, %b: tensor<2x4xf32>, %l: tensor<2xf32>) {
  // expected-error @+1 {{train-autodiff: the loss must be a train.cross_entropy or train.mse in the same block}}
  %g = train.backward %l wrt %w : tensor<2xf32> wrt tensor<2x4x4xf32>
  return
}

// -----

func.func @no_rule(%x: tensor<?x4xf32>, %w: tensor<2x4x4xf32>, %b: tensor<2x4xf32>, %y: tensor<?xi32>) {
  %a = train.dense %x, %w, %b : tensor<?x4xf32>, tensor<2x4x4xf32>, tensor<2x4xf32> -> tensor<2x?x4xf32>
  // expected-error @+1 {{train-autodiff: no gradient rule for this op}}
  %s = train.softmax %a : tensor<2x?x4xf32>
  %l = train.cross_entropy %s, %y : tensor<2x?x4xf32>, tensor<?xi32> -> tensor<2xf32>
  %g = train.backward %l wrt %w : tensor<2xf32> wrt tensor<2x4x4xf32>
  return
}

// -----

func.func @shared_input(%x: tensor<2x4xf32>, %w: tensor<2x4x4xf32>, %b: tensor<2x4xf32>, %y: tensor<2xi32>) {
  %x2 = arith.addf %x, %x : tensor<2x4xf32>
  // expected-error @+1 {{train-autodiff: the shared input [B, K] of a dense layer depends on a differentiated value}}
  %a = train.dense %x2, %w, %b : tensor<2x4xf32>, tensor<2x4x4xf32>, tensor<2x4xf32> -> tensor<2x2x4xf32>
  %l = train.cross_entropy %a, %y : tensor<2x2x4xf32>, tensor<2xi32> -> tensor<2xf32>
  %g = train.backward %l wrt %x : tensor<2xf32> wrt tensor<2x4xf32>
  return
}

// -----

// A value the loss depends on only through an operand without a gradient
// rule is an error. Regression: its gradient was a silent zero.
func.func @mse_target(%x: tensor<2x4xf32>, %t: tensor<2x4xf32>, %w: tensor<2x4x4xf32>, %b: tensor<2x4xf32>) {
  %a = train.dense %x, %w, %b : tensor<2x4xf32>, tensor<2x4x4xf32>, tensor<2x4xf32> -> tensor<2x2x4xf32>
  %l = train.mse %a, %t : tensor<2x2x4xf32>, tensor<2x4xf32> -> tensor<2xf32>
  // expected-error @+1 {{train-autodiff: the loss depends on wrt value #1 ('tensor<2x4xf32>') only through operands that have no gradient rule (a dropout scale, an mse target, or the loss itself)}}
  %g:2 = train.backward %l wrt %w, %t : tensor<2xf32> wrt tensor<2x4x4xf32>, tensor<2x4xf32>
  return
}

// -----

func.func @the_loss_itself(%x: tensor<2x4xf32>, %t: tensor<2x4xf32>, %w: tensor<2x4x4xf32>, %b: tensor<2x4xf32>) {
  %a = train.dense %x, %w, %b : tensor<2x4xf32>, tensor<2x4x4xf32>, tensor<2x4xf32> -> tensor<2x2x4xf32>
  %l = train.mse %a, %t : tensor<2x2x4xf32>, tensor<2x4xf32> -> tensor<2xf32>
  // expected-error @+1 {{the loss depends on wrt value #0 ('tensor<2xf32>')}}
  %g = train.backward %l wrt %l : tensor<2xf32> wrt tensor<2xf32>
  return
}
