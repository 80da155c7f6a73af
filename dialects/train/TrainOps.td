//===- TrainOps.td - train dialect operations --------------*- tablegen -*-===//

#ifndef SWEEP_TRAIN_OPS
#define SWEEP_TRAIN_OPS

include "dialects/train/TrainBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Forward
//===----------------------------------------------------------------------===//

def Train_DenseOp : Train_Op<"dense", [Pure]> {
  let summary = "fully connected layer for every run: y[r] = act(x[r] W[r] + b[r])";
  let description = [{
    `input` is shared by all runs (`[B, K]`) or per run (`[R, B, K]`); `weight`
    is `[R, K, N]` and `bias` `[R, N]`; the result is `[R, B, N]`. With a shared
    input and the `wide` flag (set by train-fuse) the R products are computed
    as one wide GEMM `X[B, K] x W[K, R*N]` whose column panels may span runs;
    without it, as R products side by side. The optional
    `activation` (relu, tanh, sigmoid or identity) is applied as the product's
    epilogue; train-fuse folds a following train.activation into it.

    Example:
    ```mlir
    %y = train.dense %x, %w, %b : tensor<?x784xf32>, tensor<64x784x128xf32>,
                                  tensor<64x128xf32> -> tensor<64x?x128xf32>
    %h = train.dense %y, %w2, %b2 activation relu : tensor<64x?x128xf32>, ...
    ```
  }];
  let arguments = (ins Train_F32Tensor:$input, Train_F32Tensor:$weight, Train_F32Tensor:$bias,
                       OptionalAttr<Train_ActivationKindAttr>:$activation, UnitAttr:$wide);
  let results = (outs Train_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias (`activation` $activation^)? (`wide` $wide^)? attr-dict `:`
    type($input) `,` type($weight) `,` type($bias) `->` type($result)
  }];
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$input, "::mlir::Value":$weight,
                   "::mlir::Value":$bias), [{
      build($_builder, $_state, result, input, weight, bias, ActivationKindAttr(), false);
    }]>
  ];
  let extraClassDeclaration = [{
    /// The input is one [B, K] minibatch that every run reads.
    bool hasSharedInput() { return getInput().getType().getRank() == 2; }
  }];
}

def Train_ActivationOp : Train_Op<"activation", [Pure, SameOperandsAndResultType]> {
  let summary = "elementwise activation function";
  let description = [{
    Applies `kind` (relu, tanh, sigmoid, gelu with the exact erf, identity) to
    every element.

    Example:
    ```mlir
    %h = train.activation relu %y : tensor<64x?x128xf32>
    ```
  }];
  let arguments = (ins Train_ActivationKindAttr:$kind, Train_F32Tensor:$input);
  let results = (outs Train_F32Tensor:$result);
  let assemblyFormat = "$kind $input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Train_DropoutMaskOp : Train_Op<"dropout_mask", [Pure]> {
  let summary = "each run's inverted-dropout scales for a minibatch, drawn in the program";
  let description = [{
    The scales train.dropout multiplies by, `[R, rows, N]`: value `j` of row
    `i` of run `r` is 0 when the run drops it and `keep[r]` (1 / (1 - p)) when
    it keeps it. It is dropped when the top 24 bits of draw
    `(first_row + i) * N + j` of the run's Philox stream
    `(seeds[r], 2^33 + layer)` (lane `draw % 4` of block `draw / 4`) are
    below `below[r]` = ceil(p * 2^24): exactly the runtime's dropoutScales
    (runtime/rng/TrainingDraws.h), which the interpreter uses, so every
    backend drops the same values. `first_row` is step * batch size, the
    stream position of the minibatch's first row: a value, not an
    attribute, so that the code does not depend on the batch size (groups
    that differ only in it share compiled code). Drawn where the code runs,
    the masks cost the host nothing and are not copied (on a GPU, 205 MB a
    step for 12,500 runs of a 32-unit layer at batch 128).

    Example:
    ```mlir
    %m = train.dropout_mask %seeds, %below, %keep, %first_row, %rows {layer = 0}
         : tensor<64xi64>, tensor<64xi32>, tensor<64xf32>, tensor<i64> -> tensor<64x?x32xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I64]>:$seeds, RankedTensorOf<[I32]>:$below,
                       Train_F32Tensor:$keep, RankedTensorOf<[I64]>:$first_row, Index:$rows,
                       I64Attr:$layer);
  let results = (outs Train_F32Tensor:$result);
  let assemblyFormat = [{
    $seeds `,` $below `,` $keep `,` $first_row `,` $rows attr-dict `:` type($seeds) `,` type($below)
    `,` type($keep) `,` type($first_row) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Train_DropoutOp : Train_Op<"dropout", [Pure, AllTypesMatch<["scale", "result"]>]> {
  let summary = "inverted dropout with a given scale mask";
  let description = [{
    `result = input * scale`, where `scale` `[R, B, N]` holds 0 for a dropped
    value and 1 / (1 - p) for a kept one. `input` is per run (`[R, B, N]`) or
    the shared minibatch (`[B, N]`, dropout on the model's input): each run
    drops its own values either way. The mask comes from train.dropout_mask,
    the run's Philox dropout stream (runtime/rng/TrainingDraws.h), so every
    backend drops the same values; evaluation skips the op.

    Example:
    ```mlir
    %d = train.dropout %h, %mask : tensor<64x?x128xf32>, tensor<64x?x128xf32>
    %e = train.dropout %x, %mask : tensor<?x784xf32>, tensor<64x?x784xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$input, Train_F32Tensor:$scale);
  let results = (outs Train_F32Tensor:$result);
  let assemblyFormat = "$input `,` $scale attr-dict `:` type($input) `,` type($scale)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Losses and metrics
//===----------------------------------------------------------------------===//

def Train_CrossEntropyOp : Train_Op<"cross_entropy", [Pure]> {
  let summary = "softmax cross-entropy, mean over the batch, per run";
  let description = [{
    `logits` is `[R, B, C]`, `labels` `[B]` class indices shared by all runs;
    the result `[R]` is each run's mean over the batch of
    `logsumexp(logits[r, i]) - logits[r, i, labels[i]]`.

    Example:
    ```mlir
    %loss = train.cross_entropy %logits, %labels : tensor<64x?x10xf32>, tensor<?xi32>
              -> tensor<64xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$logits, Train_LabelTensor:$labels);
  let results = (outs Train_F32Tensor:$loss);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels) `->` type($loss)
  }];
  let hasVerifier = 1;
}

def Train_MseOp : Train_Op<"mse", [Pure]> {
  let summary = "mean squared error, mean over batch and outputs, per run";
  let description = [{
    `output` is `[R, B, T]`; `target` is `[B, T]` float targets or `[B]` class
    labels (compared as one-hot rows). The result `[R]` is each run's mean over
    the batch and the outputs of the squared difference.

    Example:
    ```mlir
    %loss = train.mse %out, %y : tensor<64x?x4xf32>, tensor<?x4xf32> -> tensor<64xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$output, Train_TargetTensor:$target);
  let results = (outs Train_F32Tensor:$loss);
  let assemblyFormat = [{
    $output `,` $target attr-dict `:` type($output) `,` type($target) `->` type($loss)
  }];
  let hasVerifier = 1;
}

def Train_SoftmaxOp : Train_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "softmax over the last axis";
  let description = [{
    Class probabilities from logits `[R, B, C]`: `exp(z - max) / sum exp(z - max)`
    per row. Used by evaluation (the `mse` metric of a classifier scores them).

    Example:
    ```mlir
    %p = train.softmax %logits : tensor<64x?x10xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$input);
  let results = (outs Train_F32Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Train_LossRowsOp : Train_Op<"loss_rows", [Pure]> {
  let summary = "each row's loss, in double, for reporting";
  let description = [{
    `[R, B]` f64: for `cross_entropy`, each row's float32 loss widened to
    double; for `mse`, the mean over the outputs of the squared float32
    differences, computed in double. The runtime sums the rows in double in
    row order, exactly as the reference interpreter does, so reported losses
    and metrics match it bit for bit.

    Example:
    ```mlir
    %rows = train.loss_rows "cross_entropy" %logits, %labels
              : tensor<64x?x10xf32>, tensor<?xi32> -> tensor<64x?xf64>
    ```
  }];
  let arguments = (ins StrAttr:$kind, Train_F32Tensor:$output, Train_TargetTensor:$target);
  let results = (outs RankedTensorOf<[F64]>:$rows);
  let assemblyFormat = [{
    $kind $output `,` $target attr-dict `:` type($output) `,` type($target) `->` type($rows)
  }];
  let hasVerifier = 1;
}

def Train_AccuracyOp : Train_Op<"accuracy", [Pure]> {
  let summary = "number of rows whose largest output is the label, per run";
  let description = [{
    Counts, for each run, the rows `i` whose first largest value of
    `logits[r, i]` sits at `labels[i]`; the result is `[R]` (as f32).

    Example:
    ```mlir
    %hits = train.accuracy %logits, %labels : tensor<64x?x10xf32>, tensor<?xi32>
              -> tensor<64xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$logits, Train_LabelTensor:$labels);
  let results = (outs Train_F32Tensor:$correct);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels) `->` type($correct)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Gradients
//===----------------------------------------------------------------------===//

def Train_BackwardOp : Train_Op<"backward", [Pure,
    RangedTypesMatchWith<"each gradient has its value's type", "wrt", "gradients", "$_self">]> {
  let summary = "gradients of a per-run loss: replaced by train-autodiff";
  let description = [{
    Stands for the gradients of `loss` (`[R]`, each run's own loss) with respect
    to each of `wrt`. The `train-autodiff` pass replaces it with the VJP ops of
    the computation that produced `loss`, so no later pass sees it.

    Example:
    ```mlir
    %dw, %db = train.backward %loss wrt %w, %b : tensor<64xf32>
                 wrt tensor<64x784x10xf32>, tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$loss, Variadic<Train_F32Tensor>:$wrt);
  let results = (outs Variadic<Train_F32Tensor>:$gradients);
  let assemblyFormat = [{
    $loss `wrt` $wrt attr-dict `:` type($loss) `wrt` type($wrt)
  }];
  let hasVerifier = 1;
}

def Train_DenseGradInputOp : Train_Op<"dense_grad_input", [Pure]> {
  let summary = "gradient of a dense layer with respect to its input: dy W^T";
  let description = [{
    `grad` is `[R, B, N]` (d loss / d y), `weight` `[R, K, N]`; the result is
    `[R, B, K]`.

    Example:
    ```mlir
    %dx = train.dense_grad_input %dy, %w : tensor<64x?x10xf32>, tensor<64x128x10xf32>
            -> tensor<64x?x128xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$grad, Train_F32Tensor:$weight);
  let results = (outs Train_F32Tensor:$result);
  let assemblyFormat = [{
    $grad `,` $weight attr-dict `:` type($grad) `,` type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Train_DenseGradWeightOp : Train_Op<"dense_grad_weight", [Pure]> {
  let summary = "gradient of a dense layer with respect to its weights: x^T dy";
  let description = [{
    `input` is the layer's input (`[B, K]` shared or `[R, B, K]`), `grad`
    `[R, B, N]`; the result is `[R, K, N]`. `wide` (shared input only; set by
    train-autodiff from a wide dense layer) computes the R products as one
    GEMM `X^T[K, B] x dY[B, R*N]`.

    Example:
    ```mlir
    %dw = train.dense_grad_weight %x, %dy : tensor<?x784xf32>, tensor<64x?x128xf32>
            -> tensor<64x784x128xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$input, Train_F32Tensor:$grad, UnitAttr:$wide);
  let results = (outs Train_F32Tensor:$result);
  let assemblyFormat = [{
    $input `,` $grad (`wide` $wide^)? attr-dict `:` type($input) `,` type($grad) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def Train_BiasGradOp : Train_Op<"bias_grad", [Pure]> {
  let summary = "gradient of a bias: dy summed over the batch";
  let description = [{
    `grad` is `[R, B, N]`; the result `[R, N]` sums it over the batch.

    Example:
    ```mlir
    %db = train.bias_grad %dy : tensor<64x?x128xf32> -> tensor<64x128xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$grad);
  let results = (outs Train_F32Tensor:$result);
  let assemblyFormat = "$grad attr-dict `:` type($grad) `->` type($result)";
  let hasVerifier = 1;
}

def Train_ActivationGradOp : Train_Op<"activation_grad", [Pure, SameOperandsAndResultType]> {
  let summary = "gradient through an activation: dz = dy * f'(z)";
  let description = [{
    `input` is the activation's input z, `grad` the gradient with respect to its
    output; the result is the gradient with respect to z.

    Example:
    ```mlir
    %dz = train.activation_grad tanh %z, %dy : tensor<64x?x128xf32>
    ```
  }];
  let arguments = (ins Train_ActivationKindAttr:$kind, Train_F32Tensor:$input,
                       Train_F32Tensor:$grad);
  let results = (outs Train_F32Tensor:$result);
  let assemblyFormat = "$kind $input `,` $grad attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Train_ActivationOutputGradOp : Train_Op<"activation_output_grad",
    [Pure, SameOperandsAndResultType]> {
  let summary = "gradient through an activation from its output: dz = dy * f'(y)";
  let description = [{
    For activations whose slope follows from the output y (relu: y > 0; tanh:
    1 - y^2; sigmoid: y (1 - y); identity: 1), so that a dense layer with a
    fused activation need not keep its pre-activation. `input` is y, `grad`
    the gradient with respect to y.

    Example:
    ```mlir
    %dz = train.activation_output_grad relu %y, %dy : tensor<64x?x128xf32>
    ```
  }];
  let arguments = (ins Train_ActivationKindAttr:$kind, Train_F32Tensor:$input,
                       Train_F32Tensor:$grad);
  let results = (outs Train_F32Tensor:$result);
  let assemblyFormat = "$kind $input `,` $grad attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Train_CrossEntropyGradOp : Train_Op<"cross_entropy_grad", [Pure]> {
  let summary = "gradient of the per-run mean cross-entropy: (softmax - onehot) / B";
  let description = [{
    The gradient of each run's `train.cross_entropy` with respect to its logits,
    `[R, B, C]`.

    Example:
    ```mlir
    %dl = train.cross_entropy_grad %logits, %labels : tensor<64x?x10xf32>, tensor<?xi32>
            -> tensor<64x?x10xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$logits, Train_LabelTensor:$labels);
  let results = (outs Train_F32Tensor:$result);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Train_MseGradOp : Train_Op<"mse_grad", [Pure]> {
  let summary = "gradient of the per-run mean squared error: 2 (out - target) / (B T)";
  let description = [{
    The gradient of each run's `train.mse` with respect to its outputs,
    `[R, B, T]`.

    Example:
    ```mlir
    %dout = train.mse_grad %out, %y : tensor<64x?x4xf32>, tensor<?x4xf32>
              -> tensor<64x?x4xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$output, Train_TargetTensor:$target);
  let results = (outs Train_F32Tensor:$result);
  let assemblyFormat = [{
    $output `,` $target attr-dict `:` type($output) `,` type($target) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Optimizer updates
//===----------------------------------------------------------------------===//

def Train_SgdOp : Train_Op<"sgd", [Pure,
    AllTypesMatch<["param", "grad", "buffer", "new_param", "new_buffer"]>,
    AllTypesMatch<["lr", "momentum", "weight_decay", "nesterov"]>]> {
  let summary = "SGD step with per-run learning rate, momentum, weight decay, Nesterov";
  let description = [{
    For each run r (PyTorch's definition): `g = grad + weight_decay[r] * param`;
    `buf = momentum[r] * buf + g`; the step direction is `g + momentum[r] * buf`
    when `nesterov[r]` is 1, else `buf` (or `g` when momentum is 0); `param -= lr[r] *
    direction`. The per-run operands are `[R]`; `param`, `grad` and `buffer` have
    any shape with leading axis R. Returns the new parameter and buffer. A run
    whose momentum is 0 never uses its buffer, and its new buffer is
    unspecified: a lowering may leave it unwritten (the fused weight-gradient
    kernels do, sparing a pass over memory).

    Example:
    ```mlir
    %w2, %buf2 = train.sgd %w, %dw, %buf, %lr, %momentum, %wd, %nesterov
      : tensor<64x784x128xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$param, Train_F32Tensor:$grad, Train_F32Tensor:$buffer,
                       Train_F32Tensor:$lr, Train_F32Tensor:$momentum,
                       Train_F32Tensor:$weight_decay, Train_F32Tensor:$nesterov);
  let results = (outs Train_F32Tensor:$new_param, Train_F32Tensor:$new_buffer);
  let assemblyFormat = [{
    $param `,` $grad `,` $buffer `,` $lr `,` $momentum `,` $weight_decay `,` $nesterov
    attr-dict `:` type($param) `,` type($lr)
  }];
  let hasVerifier = 1;
}

def Train_AdamOp : Train_Op<"adam", [Pure,
    AllTypesMatch<["param", "grad", "m", "v", "new_param", "new_m", "new_v"]>,
    AllTypesMatch<["lr", "beta1", "beta2", "eps", "weight_decay", "correction1",
                   "correction2"]>]> {
  let summary = "Adam or AdamW step with per-run hyperparameters";
  let description = [{
    For each run r, with bias corrections `correction1[r] = 1 - beta1^t` and
    `correction2[r] = 1 - beta2^t` computed by the runtime for step t:
    AdamW (`decoupled`) first shrinks `param -= lr * weight_decay * param`, Adam
    adds `weight_decay * param` to the gradient; then `m = beta1 m + (1 - beta1) g`,
    `v = beta2 v + (1 - beta2) g^2`, and
    `param -= lr * (m / correction1) / (sqrt(v) / sqrt(correction2) + eps)`.
    Returns the new parameter and moments.

    Example:
    ```mlir
    %w2, %m2, %v2 = train.adam %w, %dw, %m, %v, %lr, %b1, %b2, %eps, %wd, %c1, %c2
      {decoupled} : tensor<64x128x10xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins Train_F32Tensor:$param, Train_F32Tensor:$grad, Train_F32Tensor:$m,
                       Train_F32Tensor:$v, Train_F32Tensor:$lr, Train_F32Tensor:$beta1,
                       Train_F32Tensor:$beta2, Train_F32Tensor:$eps,
                       Train_F32Tensor:$weight_decay, Train_F32Tensor:$correction1,
                       Train_F32Tensor:$correction2, UnitAttr:$decoupled);
  let results = (outs Train_F32Tensor:$new_param, Train_F32Tensor:$new_m,
                      Train_F32Tensor:$new_v);
  let assemblyFormat = [{
    $param `,` $grad `,` $m `,` $v `,` $lr `,` $beta1 `,` $beta2 `,` $eps `,` $weight_decay `,`
    $correction1 `,` $correction2 attr-dict `:` type($param) `,` type($lr)
  }];
  let hasVerifier = 1;
}

#endif // SWEEP_TRAIN_OPS
