//===- GpuKernelSummary.h - which kernels a group becomes on a GPU -*- C++ -*-===//
//
// The kernel strategy the GPU pipeline picks for a group (docs/architecture.md,
// "Kernel strategy"), as `sweepc plan` prints it: how many kernels a training
// step and an evaluation launch, and which of them are products in shared-
// memory tiles, with their tile sides. Built from the pipeline's own output up
// to the outlined kernels, so it says what `sweepc run` would launch.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_NVPTX_GPUKERNELSUMMARY_H
#define SWEEP_CODEGEN_NVPTX_GPUKERNELSUMMARY_H

#include "lib/Pipelines/GpuPipeline.h"
#include "runtime/exec/SweepJob.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace sweep {

/// "a training step launches N kernels, T of them products in shared-memory
/// tiles (64x32, ...); an evaluation launches M kernels, ..." for the kernels of
/// `module` (the GPU pipeline's output at GpuStage::Kernels or later).
std::string summarizeGpuKernels(mlir::ModuleOp module);

/// The same for `group`, compiled here (in a context of its own) through the
/// GPU pipeline up to its outlined kernels (no CUDA toolkit needed); "" with
/// `error` set when the pipeline fails.
std::string describeGpuKernels(const GroupSpec &group, const GpuTarget &target,
                               std::string &error);

} // namespace sweep

#endif // SWEEP_CODEGEN_NVPTX_GPUKERNELSUMMARY_H
