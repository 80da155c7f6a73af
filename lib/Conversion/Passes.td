//===- Passes.td - conversions out of the train dialect ----*- tablegen -*-===//

#ifndef SWEEP_CONVERSION_PASSES
#define SWEEP_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertTrainToLinalg : Pass<"convert-train-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower train ops to linalg.generic on tensors";
  let description = [{
    Every train op becomes linalg.generic ops (plus tensor.empty, linalg.fill,
    arith and math) whose loop order and arithmetic follow the reference
    interpreter, so that compiled training can match it bit for bit.
    train.backward must be gone (run train-autodiff first).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect"];
}

def ConvertLinalgToKernelCalls : Pass<"convert-linalg-to-kernel-calls", "mlir::ModuleOp"> {
  let summary = "Replace linalg ops that name a sweep kernel with calls to it";
  let description = [{
    A bufferized linalg.generic whose `library_call` starts with `sweep_` (the
    dense products of convert-train-to-linalg) becomes a `func.call` to that
    kernel with its memrefs cast to fully dynamic strided layouts, through
    MLIR's C interface (`_mlir_ciface_<name>`, runtime/kernels). Other linalg
    ops are left for convert-linalg-to-loops. (Upstream convert-linalg-to-std
    would turn every generic into a call.)

    Before that, a product and the generics convert-train-to-linalg marked
    around it (bias broadcast, activation, or an activation's slope) become
    one call of a fused kernel that writes the output once, where the
    memrefs show it is safe: nothing else touches the intermediate buffer in
    between or reads it afterwards, and the output cannot alias an input.
  }];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::memref::MemRefDialect"];
}

def ConvertEnergyToProbeCalls : Pass<"convert-energy-to-probe-calls", "mlir::ModuleOp"> {
  let summary = "Replace energy.region ops with probe calls and a phase table";
  let description = [{
    Each `energy.region` becomes `func.call @sweep_energy_probe(index)` (an
    i64 constant) followed by its inlined body. The module gets the
    attribute `energy.phases`: one dictionary per probe index with the
    region's function, phase, flops and bytes, from which the runtime turns
    probe counts into work (runtime/energy).
  }];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::arith::ArithDialect"];
}

def ConvertHostBuffersToGpu : Pass<"convert-host-buffers-to-gpu", "mlir::ModuleOp"> {
  let summary = "Host functions' buffers become device memory (gpu.alloc, gpu.memcpy)";
  let description = [{
    After gpu-kernel-outlining every loop nest is a kernel, and the host
    functions (train_step, evaluate) only allocate, copy, free and launch. Their
    buffers must be device memory: each memref.alloc becomes gpu.alloc, each
    memref.dealloc gpu.dealloc, each memref.copy gpu.memcpy (gpu-async-region
    then orders them on one stream with the launches). The functions' arguments
    are device buffers too (the GPU group ABI). Host code that would read or
    write a buffer's contents itself (a load, a store, a linalg op left outside
    a kernel) is an error naming the op: on the device's memory it would crash.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

#endif // SWEEP_CONVERSION_PASSES
