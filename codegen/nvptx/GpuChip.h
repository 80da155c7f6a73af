//===- GpuChip.h - which NVIDIA chips this LLVM compiles for ----*- C++ -*-===//
//
// --gpu-chip is checked against LLVM's NVPTX back end before anything is
// compiled: a chip it does not know used to compile anyway, with one warning
// per module and a PTX that no ptxas takes.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_NVPTX_GPUCHIP_H
#define SWEEP_CODEGEN_NVPTX_GPUCHIP_H

#include <string>

namespace sweep {

/// Whether LLVM's NVPTX back end knows `chip` (sm_90, sm_90a, ...); false
/// with `known` listing the chips it does know ("sm_20 ... sm_90a").
bool isKnownGpuChip(const std::string &chip, std::string &known);

} // namespace sweep

#endif // SWEEP_CODEGEN_NVPTX_GPUCHIP_H
