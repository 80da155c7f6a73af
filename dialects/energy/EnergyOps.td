//===- EnergyOps.td - the energy dialect -------------------*- tablegen -*-===//
//
// Regions of a training program annotated with their static cost. The
// energy-insert-probes pass (the energy issue) wraps each phase of a group in
// one; lowering turns the regions into runtime probe calls, and the runtime
// splits measured joules over phases by these costs.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_ENERGY_OPS
#define SWEEP_ENERGY_OPS

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Energy_Dialect : Dialect {
  let name = "energy";
  let cppNamespace = "::sweep::energy";
  let summary = "Static costs of program regions, for energy attribution";
  let description = [{
    An `energy.region` marks a phase of training (forward, backward, update,
    eval) and carries its static cost: floating-point operations and bytes
    moved, computed from the shapes and the run count at compile time.
  }];
}

class Energy_Op<string mnemonic, list<Trait> traits = []> :
    Op<Energy_Dialect, mnemonic, traits>;

def Energy_RegionOp : Energy_Op<"region", [
    SingleBlockImplicitTerminator<"YieldOp">, RecursiveMemoryEffects, NoRegionArguments]> {
  let summary = "a phase of a training program with its static cost";
  let description = [{
    Runs its body once and returns what the body yields. `phase` names the
    part of training (`forward`, `backward`, `update`, `eval`, or a layer's
    name with `energy per_layer`); `flops` and `bytes` are the phase's static
    cost for all runs of the group.

    Example:
    ```mlir
    %y = energy.region "forward" flops 1605632 bytes 401408 -> tensor<64x?x128xf32> {
      %0 = train.dense %x, %w, %b : ...
      energy.yield %0 : tensor<64x?x128xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$phase, I64Attr:$flops, I64Attr:$bytes);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $phase `flops` $flops `bytes` $bytes (`->` type($results)^)? $body attr-dict
  }];
  let hasVerifier = 1;
}

def Energy_YieldOp : Energy_Op<"yield", [Pure, Terminator, ReturnLike,
                                         HasParent<"RegionOp">]> {
  let summary = "the values an energy.region returns";
  let description = [{
    Ends an `energy.region`; its operands become the region's results.

    Example:
    ```mlir
    energy.yield %0 : tensor<64x?x128xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, std::nullopt); }]>];
}

#endif // SWEEP_ENERGY_OPS
