//===- LoadModulesOnce.h - a kernel module looked up once per program -*- C++ -*-===//
//
// MLIR 19 translates each gpu.launch_func into host code that loads the
// kernel's module from its embedded image before the launch and unloads it
// after: mgpuModuleLoad(image, bytes) (mgpuModuleLoadJIT(image, level) for
// PTX text). The runtime keeps modules loaded (runtime/cuda/GpuRuntime.h),
// but it can only find one by the image's bytes, and a group's image holds
// all its kernels: megabytes copied and compared at every launch. This
// rewrites each such call, in the LLVM IR of the host code, into
// sweepGpuModuleOnce(slot, image, bytes), with one zeroed slot global per
// image: the image is read at its first launch and the slot after.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_NVPTX_LOADMODULESONCE_H
#define SWEEP_CODEGEN_NVPTX_LOADMODULESONCE_H

#include <cstddef>

namespace llvm {
class Module;
} // namespace llvm

namespace sweep {

/// Rewrites every call of mgpuModuleLoad and mgpuModuleLoadJIT in `module`
/// whose image is a global into a call of sweepGpuModuleOnce; returns how
/// many. A call on an image that is not a global is left as it is.
size_t loadGpuModulesOnce(llvm::Module &module);

} // namespace sweep

#endif // SWEEP_CODEGEN_NVPTX_LOADMODULESONCE_H
