//===- GpuChip.cpp - which NVIDIA chips this LLVM compiles for ------------===//

#include "codegen/nvptx/GpuChip.h"

#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"

#include <memory>

using namespace sweep;

bool sweep::isKnownGpuChip(const std::string &chip, std::string &known) {
  LLVMInitializeNVPTXTargetInfo();
  LLVMInitializeNVPTXTarget();
  LLVMInitializeNVPTXTargetMC();
  const std::string triple = "nvptx64-nvidia-cuda";
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return true; // No NVPTX here to ask: the GPU pipeline will say so itself.
  // An empty CPU name: a name LLVM does not know would be warned about here.
  std::unique_ptr<llvm::MCSubtargetInfo> info(target->createMCSubtargetInfo(triple, "", ""));
  if (!info)
    return true;
  if (info->isCPUStringValid(chip))
    return true;
  known.clear();
  for (const llvm::SubtargetSubTypeKV &processor : info->getAllProcessorDescriptions())
    known += (known.empty() ? "" : " ") + std::string(processor.Key);
  return false;
}
