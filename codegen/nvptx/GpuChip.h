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

/// The chip to compile for a device of compute capability major.minor: its
/// own when LLVM knows it, else the newest LLVM knows below it (a Blackwell
/// sm_120 under LLVM 19 gets sm_90 code, whose PTX the driver compiles for it
/// when it loads it), with `note` saying so; "" when LLVM knows none below.
std::string gpuChipForDevice(int major, int minor, std::string &note);

} // namespace sweep

#endif // SWEEP_CODEGEN_NVPTX_GPUCHIP_H
