//===- GpuChip.cpp - which NVIDIA chips this LLVM compiles for ------------===//

#include "codegen/nvptx/GpuChip.h"

#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>
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

std::string sweep::gpuChipForDevice(int major, int minor, std::string &note) {
  std::string own = "sm_" + std::to_string(major) + std::to_string(minor), known;
  if (isKnownGpuChip(own, known))
    return own;
  // The newest general chip (no "a": those features exist on one chip only)
  // not newer than the device.
  int device = major * 10 + minor, best = -1;
  std::string chosen;
  for (size_t at = 0; at < known.size();) {
    size_t end = known.find(' ', at);
    std::string name = known.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? known.size() : end + 1;
    if (name.rfind("sm_", 0) != 0 || name.back() == 'a')
      continue;
    int number = std::atoi(name.c_str() + 3);
    if (number <= device && number > best) {
      best = number;
      chosen = name;
    }
  }
  if (!chosen.empty())
    note = "this LLVM cannot compile for " + own + ": compiling for " + chosen +
           ", whose PTX the driver compiles for the device when it loads it";
  return chosen;
}
