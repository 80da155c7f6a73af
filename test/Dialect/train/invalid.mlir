// Every verifier error of the train dialect.
// RUN: sweep-opt %s -split-input-file -verify-diagnostics

func.func @dense_rank(%x: tensor<8xf32>, %w: tensor<4x8x16xf32>, %b: tensor<4x16xf32>) {
  // expected-error @+1 {{expects an input [B, K] shared by all runs or [R, B, K], got 'tensor<8xf32>'}}
  %y = train.dense %x, %w, %b : tensor<8xf32>, tensor<4x8x16xf32>, tensor<4x16xf32> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @dense_wide_per_run(%x: tensor<4x?x8xf32>, %w: tensor<4x8x16xf32>, %b: tensor<4x16xf32>) {
  // expected-error @+1 {{is wide, but its input is per run: only a shared input makes one GEMM over all runs}}
  %y = train.dense %x, %w, %b wide : tensor<4x?x8xf32>, tensor<4x8x16xf32>, tensor<4x16xf32> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @dense_grad_weight_wide_per_run(%x: tensor<4x?x8xf32>, %dy: tensor<4x?x16xf32>) {
  // expected-error @+1 {{is wide, but its input is per run: only a shared input makes one GEMM over all runs}}
  %dw = train.dense_grad_weight %x, %dy wide : tensor<4x?x8xf32>, tensor<4x?x16xf32> -> tensor<4x8x16xf32>
  return
}

// -----

func.func @dense_width(%x: tensor<?x9xf32>, %w: tensor<4x8x16xf32>, %b: tensor<4x16xf32>) {
  // expected-error @+1 {{input widths of input (9) and weight (8) differ}}
  %y = train.dense %x, %w, %b : tensor<?x9xf32>, tensor<4x8x16xf32>, tensor<4x16xf32> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @dense_bias_runs(%x: tensor<?x8xf32>, %w: tensor<4x8x16xf32>, %b: tensor<3x16xf32>) {
  // expected-error @+1 {{run counts of weight (4) and bias (3) differ}}
  %y = train.dense %x, %w, %b : tensor<?x8xf32>, tensor<4x8x16xf32>, tensor<3x16xf32> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @dense_bias_width(%x: tensor<?x8xf32>, %w: tensor<4x8x16xf32>, %b: tensor<4x15xf32>) {
  // expected-error @+1 {{output widths of weight (16) and bias (15) differ}}
  %y = train.dense %x, %w, %b : tensor<?x8xf32>, tensor<4x8x16xf32>, tensor<4x15xf32> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @dense_input_runs(%x: tensor<2x?x8xf32>, %w: tensor<4x8x16xf32>, %b: tensor<4x16xf32>) {
  // expected-error @+1 {{run counts of input (2) and weight (4) differ}}
  %y = train.dense %x, %w, %b : tensor<2x?x8xf32>, tensor<4x8x16xf32>, tensor<4x16xf32> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @dense_result(%x: tensor<?x8xf32>, %w: tensor<4x8x16xf32>, %b: tensor<4x16xf32>) {
  // expected-error @+1 {{result type 'tensor<4x?x15xf32>' does not match the expected [4, ?, 16]}}
  %y = train.dense %x, %w, %b : tensor<?x8xf32>, tensor<4x8x16xf32>, tensor<4x16xf32> -> tensor<4x?x15xf32>
  return
}

// -----

func.func @dense_weight_rank(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<4x16xf32>) {
  // expected-error @+1 {{expects weight [R, K, N] of rank 3, got 'tensor<8x16xf32>'}}
  %y = train.dense %x, %w, %b : tensor<?x8xf32>, tensor<8x16xf32>, tensor<4x16xf32> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @element_type(%x: tensor<?x8xf64>, %w: tensor<4x8x16xf32>, %b: tensor<4x16xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values}}
  %y = train.dense %x, %w, %b : tensor<?x8xf64>, tensor<4x8x16xf32>, tensor<4x16xf32> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @ce_labels(%l: tensor<4x8x10xf32>, %y: tensor<7xi32>) {
  // expected-error @+1 {{batch sizes of logits (8) and labels (7) differ}}
  %loss = train.cross_entropy %l, %y : tensor<4x8x10xf32>, tensor<7xi32> -> tensor<4xf32>
  return
}

// -----

func.func @ce_rank(%l: tensor<8x10xf32>, %y: tensor<8xi32>) {
  // expected-error @+1 {{expects logits [R, B, C] of rank 3, got 'tensor<8x10xf32>'}}
  %loss = train.cross_entropy %l, %y : tensor<8x10xf32>, tensor<8xi32> -> tensor<4xf32>
  return
}

// -----

func.func @ce_result(%l: tensor<4x8x10xf32>, %y: tensor<8xi32>) {
  // expected-error @+1 {{result type 'tensor<3xf32>' does not match the expected [4]}}
  %loss = train.cross_entropy %l, %y : tensor<4x8x10xf32>, tensor<8xi32> -> tensor<3xf32>
  return
}

// -----

func.func @ce_grad_result(%l: tensor<4x8x10xf32>, %y: tensor<8xi32>) {
  // expected-error @+1 {{result type 'tensor<4x8x9xf32>' differs from the logits type 'tensor<4x8x10xf32>'}}
  %g = train.cross_entropy_grad %l, %y : tensor<4x8x10xf32>, tensor<8xi32> -> tensor<4x8x9xf32>
  return
}

// -----

func.func @accuracy_result(%l: tensor<4x8x10xf32>, %y: tensor<8xi32>) {
  // expected-error @+1 {{result type 'tensor<4x8xf32>' does not match the expected [4]}}
  %a = train.accuracy %l, %y : tensor<4x8x10xf32>, tensor<8xi32> -> tensor<4x8xf32>
  return
}

// -----

func.func @mse_width(%o: tensor<4x8x3xf32>, %t: tensor<8x2xf32>) {
  // expected-error @+1 {{output widths of outputs (3) and targets (2) differ}}
  %loss = train.mse %o, %t : tensor<4x8x3xf32>, tensor<8x2xf32> -> tensor<4xf32>
  return
}

// -----

func.func @mse_labels_rank(%o: tensor<4x8x3xf32>, %t: tensor<8x3xi32>) {
  // expected-error @+1 {{expects labels [B] of rank 1, got 'tensor<8x3xi32>'}}
  %loss = train.mse %o, %t : tensor<4x8x3xf32>, tensor<8x3xi32> -> tensor<4xf32>
  return
}

// -----

func.func @mse_grad_result(%o: tensor<4x8x3xf32>, %t: tensor<8x3xf32>) {
  // expected-error @+1 {{result type 'tensor<4x8x2xf32>' differs from the output type 'tensor<4x8x3xf32>'}}
  %g = train.mse_grad %o, %t : tensor<4x8x3xf32>, tensor<8x3xf32> -> tensor<4x8x2xf32>
  return
}

// -----

func.func @backward_loss(%l: tensor<4x2xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+1 {{expects a per-run loss [R] of rank 1, got 'tensor<4x2xf32>'}}
  %g = train.backward %l wrt %w : tensor<4x2xf32> wrt tensor<4x8xf32>
  return
}

// -----

func.func @backward_runs(%l: tensor<4xf32>, %w: tensor<3x8xf32>) {
  // expected-error @+1 {{run counts of loss (4) and a value (3) differ}}
  %g = train.backward %l wrt %w : tensor<4xf32> wrt tensor<3x8xf32>
  return
}

// -----

func.func @grad_input(%dy: tensor<4x8x16xf32>, %w: tensor<4x32x15xf32>) {
  // expected-error @+1 {{output widths of grad (16) and weight (15) differ}}
  %dx = train.dense_grad_input %dy, %w : tensor<4x8x16xf32>, tensor<4x32x15xf32> -> tensor<4x8x32xf32>
  return
}

// -----

func.func @grad_weight(%x: tensor<7x32xf32>, %dy: tensor<4x8x16xf32>) {
  // expected-error @+1 {{batch sizes of input (7) and grad (8) differ}}
  %dw = train.dense_grad_weight %x, %dy : tensor<7x32xf32>, tensor<4x8x16xf32> -> tensor<4x32x16xf32>
  return
}

// -----

func.func @grad_weight_runs(%x: tensor<3x8x32xf32>, %dy: tensor<4x8x16xf32>) {
  // expected-error @+1 {{run counts of input (3) and grad (4) differ}}
  %dw = train.dense_grad_weight %x, %dy : tensor<3x8x32xf32>, tensor<4x8x16xf32> -> tensor<4x32x16xf32>
  return
}

// -----

func.func @bias_grad(%dy: tensor<4x8x16xf32>) {
  // expected-error @+1 {{result type 'tensor<4x8xf32>' does not match the expected [4, 16]}}
  %db = train.bias_grad %dy : tensor<4x8x16xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @sgd_runs(%w: tensor<4x8xf32>, %h: tensor<3xf32>) {
  // expected-error @+1 {{run counts of per-run lr [R] (3) and the batched operand (4) differ}}
  %w1, %b1 = train.sgd %w, %w, %w, %h, %h, %h, %h : tensor<4x8xf32>, tensor<3xf32>
  return
}

// -----

func.func @adam_rank(%w: tensor<4x8xf32>, %h: tensor<4x1xf32>) {
  // expected-error @+1 {{expects per-run lr [R] of rank 1, got 'tensor<4x1xf32>'}}
  %w1, %m1, %v1 = train.adam %w, %w, %w, %w, %h, %h, %h, %h, %h, %h, %h : tensor<4x8xf32>, tensor<4x1xf32>
  return
}

// -----

func.func @activation_kind(%z: tensor<4x8xf32>) {
  // expected-error @below {{expected ::sweep::train::ActivationKind to be one of: relu, tanh, sigmoid, gelu, identity}}
  // expected-error @below {{failed to parse Train_ActivationKindAttr parameter 'value'}}
  %h = train.activation softplus %z : tensor<4x8xf32>
  return
}

// -----

func.func @fused_gelu(%x: tensor<?x4xf32>, %w: tensor<2x4x8xf32>, %b: tensor<2x8xf32>) {
  // expected-error @+1 {{cannot fuse gelu: its gradient needs the pre-activation}}
  %y = train.dense %x, %w, %b activation gelu : tensor<?x4xf32>, tensor<2x4x8xf32>, tensor<2x8xf32> -> tensor<2x?x8xf32>
  return
}

// -----

func.func @output_grad_gelu(%y: tensor<2x8xf32>) {
  // expected-error @+1 {{needs an activation whose slope follows from its output, not gelu}}
  %g = train.activation_output_grad gelu %y, %y : tensor<2x8xf32>
  return
}

// -----

func.func @dropout_shapes(%x: tensor<?x5xf32>, %mask: tensor<2x?x4xf32>) {
  // expected-error @+1 {{sizes of input (5) and scale (4) differ}}
  %d = train.dropout %x, %mask : tensor<?x5xf32>, tensor<2x?x4xf32>
  return
}

// -----

func.func @dropout_runs(%x: tensor<3x?x4xf32>, %mask: tensor<2x?x4xf32>) {
  // expected-error @+1 {{run counts of input (3) and scale (2) differ}}
  %d = train.dropout %x, %mask : tensor<3x?x4xf32>, tensor<2x?x4xf32>
  return
}

// -----

// Regression: a rank-0 parameter crashed the verifier.
func.func @sgd_rank0(%w: tensor<f32>, %h: tensor<1xf32>) {
  // expected-error @+1 {{expects a parameter with a leading run axis, got 'tensor<f32>'}}
  %w1, %b1 = train.sgd %w, %w, %w, %h, %h, %h, %h : tensor<f32>, tensor<1xf32>
  return
}

// -----

// Regression: a rank-0 value in wrt crashed the verifier.
func.func @backward_rank0(%l: tensor<2xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{differentiates a value without a run axis: 'tensor<f32>'}}
  %g = train.backward %l wrt %s : tensor<2xf32> wrt tensor<f32>
  return
}

// -----

// Regression: a dynamic run count crashed convert-train-to-linalg.
func.func @dynamic_runs(%o: tensor<?x?x3xf32>, %y: tensor<?xi32>) {
  // expected-error @+1 {{expects logits with static sizes except the batch, got 'tensor<?x?x3xf32>'}}
  %l = train.cross_entropy %o, %y : tensor<?x?x3xf32>, tensor<?xi32> -> tensor<?xf32>
  return
}

// -----

func.func @dynamic_width(%x: tensor<?x?xf32>, %w: tensor<2x4x8xf32>, %b: tensor<2x8xf32>) {
  // expected-error @+1 {{expects input with static sizes except the batch, got 'tensor<?x?xf32>'}}
  %y = train.dense %x, %w, %b : tensor<?x?xf32>, tensor<2x4x8xf32>, tensor<2x8xf32> -> tensor<2x?x8xf32>
  return
}

// -----

func.func @softmax_rank(%l: tensor<4x10xf32>) {
  // expected-error @+1 {{expects logits [R, B, C] of rank 3, got 'tensor<4x10xf32>'}}
  %p = train.softmax %l : tensor<4x10xf32>
  return
}

// -----

func.func @activation_rank(%z: tensor<8xf32>) {
  // expected-error @+1 {{expects [B, N] or [R, B, N], got 'tensor<8xf32>'}}
  %h = train.activation relu %z : tensor<8xf32>
  return
}

// -----

func.func @sgd_dynamic(%w: tensor<2x?xf32>, %h: tensor<2xf32>) {
  // expected-error @+1 {{expects a parameter with static sizes except the batch, got 'tensor<2x?xf32>'}}
  %w1, %b1 = train.sgd %w, %w, %w, %h, %h, %h, %h : tensor<2x?xf32>, tensor<2xf32>
  return
}

// -----

func.func @rows_kind(%l: tensor<4x8x10xf32>, %y: tensor<8xi32>) {
  // expected-error @+1 {{has kind 'hinge'; expected cross_entropy or mse}}
  %a = train.loss_rows "hinge" %l, %y : tensor<4x8x10xf32>, tensor<8xi32> -> tensor<4x8xf64>
  return
}

// -----

func.func @rows_shape(%l: tensor<4x8x10xf32>, %y: tensor<8xi32>) {
  // expected-error @+1 {{result type 'tensor<4xf64>' does not match the expected [4, 8]}}
  %a = train.loss_rows "cross_entropy" %l, %y : tensor<4x8x10xf32>, tensor<8xi32> -> tensor<4xf64>
  return
}

// -----

func.func @dropout_mask_rank(%s: tensor<4xi64>, %t: tensor<4xi32>, %k: tensor<4xf32>, %first: tensor<i64>, %n: index) {
  // expected-error @+1 {{expects a result [R, B, N] of rank 3, got 'tensor<4x16xf32>'}}
  %m = train.dropout_mask %s, %t, %k, %first, %n {layer = 0 : i64} : tensor<4xi64>, tensor<4xi32>, tensor<4xf32>, tensor<i64> -> tensor<4x16xf32>
  return
}

// -----

func.func @dropout_mask_static(%s: tensor<4xi64>, %t: tensor<4xi32>, %k: tensor<4xf32>, %first: tensor<i64>, %n: index) {
  // expected-error @+1 {{expects a result with static sizes except the batch, got 'tensor<4x?x?xf32>'}}
  %m = train.dropout_mask %s, %t, %k, %first, %n {layer = 0 : i64} : tensor<4xi64>, tensor<4xi32>, tensor<4xf32>, tensor<i64> -> tensor<4x?x?xf32>
  return
}

// -----

func.func @dropout_mask_seed_runs(%s: tensor<3xi64>, %t: tensor<4xi32>, %k: tensor<4xf32>, %first: tensor<i64>, %n: index) {
  // expected-error @+1 {{run counts of seeds (3) and the result (4) differ}}
  %m = train.dropout_mask %s, %t, %k, %first, %n {layer = 0 : i64} : tensor<3xi64>, tensor<4xi32>, tensor<4xf32>, tensor<i64> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @dropout_mask_threshold_rank(%s: tensor<4xi64>, %t: tensor<4x1xi32>, %k: tensor<4xf32>, %first: tensor<i64>, %n: index) {
  // expected-error @+1 {{expects thresholds of rank 1, got 'tensor<4x1xi32>'}}
  %m = train.dropout_mask %s, %t, %k, %first, %n {layer = 0 : i64} : tensor<4xi64>, tensor<4x1xi32>, tensor<4xf32>, tensor<i64> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @dropout_mask_keep_runs(%s: tensor<4xi64>, %t: tensor<4xi32>, %k: tensor<5xf32>, %first: tensor<i64>, %n: index) {
  // expected-error @+1 {{run counts of keep scales (5) and the result (4) differ}}
  %m = train.dropout_mask %s, %t, %k, %first, %n {layer = 0 : i64} : tensor<4xi64>, tensor<4xi32>, tensor<5xf32>, tensor<i64> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @dropout_mask_dynamic_runs(%s: tensor<?xi64>, %t: tensor<4xi32>, %k: tensor<4xf32>, %first: tensor<i64>, %n: index) {
  // expected-error @+1 {{expects seeds with static sizes except the batch, got 'tensor<?xi64>'}}
  %m = train.dropout_mask %s, %t, %k, %first, %n {layer = 0 : i64} : tensor<?xi64>, tensor<4xi32>, tensor<4xf32>, tensor<i64> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @dropout_mask_first_row(%s: tensor<4xi64>, %t: tensor<4xi32>, %k: tensor<4xf32>, %first: tensor<1xi64>, %n: index) {
  // expected-error @+1 {{expects a first row of rank 0, got 'tensor<1xi64>'}}
  %m = train.dropout_mask %s, %t, %k, %first, %n {layer = 0 : i64} : tensor<4xi64>, tensor<4xi32>, tensor<4xf32>, tensor<1xi64> -> tensor<4x?x16xf32>
  return
}

// -----

func.func @dropout_mask_layer(%s: tensor<4xi64>, %t: tensor<4xi32>, %k: tensor<4xf32>, %first: tensor<i64>, %n: index) {
  // expected-error @+1 {{expects a dropout layer index of at least 0, got -1}}
  %m = train.dropout_mask %s, %t, %k, %first, %n {layer = -1 : i64} : tensor<4xi64>, tensor<4xi32>, tensor<4xf32>, tensor<i64> -> tensor<4x?x16xf32>
  return
}

// -----

// A result's sizes are exactly the ones its operands give: `?` only where
// they are dynamic. Regression: `?` agreed with any size, and
// convert-train-to-linalg crashed looking for an operand's size.
func.func @dense_dynamic_runs(%x: tensor<?x4xf32>, %w: tensor<2x4x8xf32>, %b: tensor<2x8xf32>) {
  // expected-error @+1 {{result type 'tensor<?x?x8xf32>' does not match the expected [2, ?, 8]}}
  %y = train.dense %x, %w, %b : tensor<?x4xf32>, tensor<2x4x8xf32>, tensor<2x8xf32> -> tensor<?x?x8xf32>
  return
}

// -----

func.func @dense_grad_weight_dynamic(%x: tensor<?x4xf32>, %dy: tensor<2x?x8xf32>) {
  // expected-error @+1 {{result type 'tensor<2x?x8xf32>' does not match the expected [2, 4, 8]}}
  %dw = train.dense_grad_weight %x, %dy : tensor<?x4xf32>, tensor<2x?x8xf32> -> tensor<2x?x8xf32>
  return
}

// -----

func.func @accuracy_dynamic_runs(%l: tensor<2x?x10xf32>, %y: tensor<?xi32>) {
  // expected-error @+1 {{result type 'tensor<?xf32>' does not match the expected [2]}}
  %c = train.accuracy %l, %y : tensor<2x?x10xf32>, tensor<?xi32> -> tensor<?xf32>
  return
}

// -----

func.func @backward_dynamic_wrt(%l: tensor<2xf32>, %u: tensor<2x?x4xf32>) {
  // expected-error @+1 {{expects values to differentiate with static sizes except the batch, got 'tensor<2x?x4xf32>'}}
  %g = train.backward %l wrt %u : tensor<2xf32> wrt tensor<2x?x4xf32>
  return
}
