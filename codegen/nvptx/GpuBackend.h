//===- GpuBackend.h - `--device=cuda`: groups as GPU kernels ----*- C++ -*-===//
//
// Each group is compiled by the GPU pipeline (GpuJit.h) and trained as one
// program over all its runs, its parameters and optimizer state in device
// memory for the whole training (runtime/exec/CompiledProgram.h over
// runtime/cuda/DeviceBufferSpace.h). The runtime must be open
// (GpuRuntime::open) for the backend's life.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_NVPTX_GPUBACKEND_H
#define SWEEP_CODEGEN_NVPTX_GPUBACKEND_H

#include "lib/Pipelines/GpuPipeline.h"
#include "codegen/cpu/CompileCache.h"
#include "runtime/cuda/GpuRuntime.h"
#include "runtime/exec/GroupProgram.h"

namespace sweep {

/// The GPU backend on `runtime` for `target`. Programs hold a whole group
/// where it fits in the device's free memory, else equal chunks that do, or
/// `runsPerProgram` runs when it is not 0; `memoryCap` (not 0, --max-memory)
/// caps what the programs training at once may hold, `streams` of them
/// (--streams), so each gets its share. With a `compileCache` programs are
/// loaded from it when it has their code, and stored in it when it does not.
std::unique_ptr<Backend> createGpuBackend(cuda::GpuRuntime &runtime, const GpuTarget &target,
                                          size_t runsPerProgram = 0, uint64_t memoryCap = 0,
                                          unsigned streams = 1,
                                          std::shared_ptr<CompileCache> compileCache = nullptr);

} // namespace sweep

#endif // SWEEP_CODEGEN_NVPTX_GPUBACKEND_H
