//===- TrainBase.td - the train dialect and its attributes -*- tablegen -*-===//
//
// The train dialect: training computations over tensors whose leading axis is
// the run axis R. Every run of a group has its own weights, optimizer state and
// hyperparameters (per-run tensors [R]); a minibatch is shared by all runs
// ([B, K]) or per run ([R, B, K]). The batch size may be dynamic (the last
// minibatch of an epoch is smaller).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TRAIN_BASE
#define SWEEP_TRAIN_BASE

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Train_Dialect : Dialect {
  let name = "train";
  let cppNamespace = "::sweep::train";
  let summary = "Training of many runs at once: layers, losses, gradients, optimizers";
  let description = [{
    Ops over float32 tensors with a leading run axis R: `[R, B, N]` activations,
    `[R, K, N]` weights, `[R, N]` biases, `[R]` per-run hyperparameters and
    losses. A run never reads another run's values, so every op is R independent
    computations; the lowering is free to fuse them into wide or batched GEMMs.
  }];
  let useDefaultAttributePrinterParser = 1;
}

def Train_ActivationKind : I32EnumAttr<"ActivationKind", "an activation function", [
    I32EnumAttrCase<"Relu", 0, "relu">,
    I32EnumAttrCase<"Tanh", 1, "tanh">,
    I32EnumAttrCase<"Sigmoid", 2, "sigmoid">,
    I32EnumAttrCase<"Gelu", 3, "gelu">,
    I32EnumAttrCase<"Identity", 4, "identity">]> {
  let cppNamespace = "::sweep::train";
  let genSpecializedAttr = 0;
}

def Train_ActivationKindAttr : EnumAttr<Train_Dialect, Train_ActivationKind, "activation"> {
  let assemblyFormat = "$value";
}

class Train_Op<string mnemonic, list<Trait> traits = []> :
    Op<Train_Dialect, mnemonic, traits>;

def Train_F32Tensor : RankedTensorOf<[F32]>;
def Train_LabelTensor : RankedTensorOf<[I32]>;
def Train_TargetTensor : RankedTensorOf<[F32, I32]>;

#endif // SWEEP_TRAIN_BASE
