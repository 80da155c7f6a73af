//===- PtxKernels.h - the PTX of a group's GPU kernels ----------*- C++ -*-===//
//
// After the GPU pipeline (lib/Pipelines/GpuPipeline.h) each outlined kernel's
// gpu.module is a gpu.binary holding its PTX. This collects them: what
// `sweepc -emit=ptx` prints, and what the CUDA runtime will load
// (runtime/cuda, cuModuleLoadData).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_NVPTX_PTXKERNELS_H
#define SWEEP_CODEGEN_NVPTX_PTXKERNELS_H

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace sweep {

/// One module of PTX: the binary's name (the outlined kernel's module, e.g.
/// `train_step_kernel_3`) and its text, without the NUL that
/// gpu-module-to-binary appends for cuModuleLoadData (ptxas rejects it).
struct PtxModule {
  std::string name;
  std::string ptx;
};

/// Every gpu.binary of `module`, in order; an error names a binary whose
/// object is not PTX text (a cubin, or another target).
bool collectPtx(mlir::ModuleOp module, std::vector<PtxModule> &modules, std::string &error);

} // namespace sweep

#endif // SWEEP_CODEGEN_NVPTX_PTXKERNELS_H
