//===- SweepOps.td - the sweep dialect ---------------------*- tablegen -*-===//
//
// The experiment as IR: its datasets, its run groups (each holding the
// group's train-dialect program), and each group's per-run hyperparameter
// tables. `sweepc -emit=sweep` prints it.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_SWEEP_OPS
#define SWEEP_SWEEP_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Sweep_Dialect : Dialect {
  let name = "sweep";
  let cppNamespace = "::sweep::sweepir";
  let summary = "Experiments: datasets, run groups and per-run hyperparameters";
  let description = [{
    A `sweep.experiment` is one sweep of a .sweep file. Its `sweep.group`s are
    the compiled programs: runs whose structural settings agree, with their
    numeric settings as `sweep.hyperparameter` tables indexed by run.
  }];
}

class Sweep_Op<string mnemonic, list<Trait> traits = []> :
    Op<Sweep_Dialect, mnemonic, traits>;

def Sweep_ExperimentOp : Sweep_Op<"experiment", [Symbol, SymbolTable, IsolatedFromAbove,
                                                 NoTerminator, SingleBlock, NoRegionArguments]> {
  let summary = "one sweep: its datasets and run groups";
  let description = [{
    `runs` is the number of runs of the sweep; every run id (its position in
    the grid before `where` filters) appears in exactly one group.

    Example:
    ```mlir
    sweep.experiment @fashion_mlp runs 192 {
      sweep.dataset @fashion "fashion_mnist" inputs 784 targets 10 train 55000
        validation 5000 test 10000
      sweep.group @g0 data @fashion runs [0, 1] batch 128 epochs 3 { ... }
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, I64Attr:$runs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name `runs` $runs attr-dict-with-keyword $body";
  let hasRegionVerifier = 1;
}

def Sweep_DatasetOp : Sweep_Op<"dataset", [Symbol, HasParent<"ExperimentOp">]> {
  let summary = "a configured data source and its sizes";
  let description = [{
    The source kind and what the planner computed: input features, targets
    (classes for classification), and the split sizes.

    Example:
    ```mlir
    sweep.dataset @fashion "fashion_mnist" inputs 784 targets 10 train 55000
      validation 5000 test 10000
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$source, I64Attr:$inputs,
                       I64Attr:$targets, I64Attr:$train, I64Attr:$validation, I64Attr:$test);
  let assemblyFormat = [{
    $sym_name $source `inputs` $inputs `targets` $targets `train` $train
    `validation` $validation `test` $test attr-dict
  }];
  let hasVerifier = 1;
}

def Sweep_GroupOp : Sweep_Op<"group", [Symbol, SymbolTable, IsolatedFromAbove, NoTerminator,
    SingleBlock, NoRegionArguments, HasParent<"ExperimentOp">,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "runs that share one compiled program";
  let description = [{
    `runs` lists the run ids in the order of the program's run axis; the body
    holds the group's hyperparameter tables and its train-dialect functions.

    Example:
    ```mlir
    sweep.group @g0 data @fashion runs [0, 1] batch 128 epochs 3 {
      sweep.hyperparameter "optimizer.lr" dense<[1.0e-3, 2.0e-3]> : tensor<2xf64>
      func.func @train_step(...) { ... }
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$data,
                       DenseI64ArrayAttr:$runs, I64Attr:$batch, I64Attr:$epochs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name `data` $data `runs` $runs `batch` $batch `epochs` $epochs
    attr-dict-with-keyword $body
  }];
  let hasVerifier = 1;
}

def Sweep_HyperparameterOp : Sweep_Op<"hyperparameter", [HasParent<"GroupOp">]> {
  let summary = "a numeric setting's value for every run of a group";
  let description = [{
    `values[i]` belongs to the i-th run of the enclosing group.

    Example:
    ```mlir
    sweep.hyperparameter "optimizer.lr" dense<[1.0e-3, 2.0e-3]> : tensor<2xf64>
    ```
  }];
  let arguments = (ins StrAttr:$path, F64ElementsAttr:$values);
  let assemblyFormat = "$path $values attr-dict";
  let hasVerifier = 1;
}

#endif // SWEEP_SWEEP_OPS
