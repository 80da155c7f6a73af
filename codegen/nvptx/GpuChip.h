//===- GpuChip.h - which NVIDIA chips LLVM and ptxas compile for -*- C++ -*-===//
//
// --gpu-chip is checked against LLVM's NVPTX back end before anything is
// compiled: a chip it does not know used to compile anyway, with one warning
// per module and a PTX that no ptxas takes. The toolkit's ptxas is asked too:
// each CUDA release drops old chips (13.0 assembles nothing before sm_75).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_NVPTX_GPUCHIP_H
#define SWEEP_CODEGEN_NVPTX_GPUCHIP_H

#include <string>
#include <vector>

namespace sweep {

/// Whether LLVM's NVPTX back end knows `chip` (sm_90, sm_90a, ...); false
/// with `known` listing the chips it does know ("sm_20 ... sm_90a").
bool isKnownGpuChip(const std::string &chip, std::string &known);

/// The chip to compile for a device of compute capability major.minor: its
/// own when LLVM knows it, else the newest LLVM knows below it (a Blackwell
/// sm_120 under LLVM 19 gets sm_90 code, whose PTX the driver compiles for it
/// when it loads it), with `note` saying so; "" when LLVM knows none below.
std::string gpuChipForDevice(int major, int minor, std::string &note);

/// The chips `ptxas` assembles for ("sm_75", "sm_90a", ...), from the allowed
/// values its --help lists; empty with `why` when it cannot be run or lists none.
std::vector<std::string> assemblerChips(const std::string &ptxas, std::string &why);

/// What code for `chip` is packaged as: `format`, except that "fatbin" (a
/// cubin from the toolkit's ptxas) becomes "isa" (PTX, which the GPU's driver
/// compiles when it loads it) when that ptxas does not assemble for `chip`,
/// with `note` saying so. Regression: on an sm_50 GPU, CUDA 13's ptxas
/// refused the code and the sweep failed.
std::string gpuFormatForChip(const std::string &format, const std::string &toolkit,
                             const std::string &chip, std::string &note);

} // namespace sweep

#endif // SWEEP_CODEGEN_NVPTX_GPUCHIP_H
