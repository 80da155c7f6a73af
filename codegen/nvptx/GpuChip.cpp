//===- GpuChip.cpp - which NVIDIA chips LLVM and ptxas compile for -------===//

#include "codegen/nvptx/GpuChip.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>

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

std::vector<std::string> sweep::assemblerChips(const std::string &ptxas, std::string &why) {
  llvm::SmallString<128> helpFile;
  if (std::error_code code = llvm::sys::fs::createTemporaryFile("sweepc-ptxas-help", "txt", helpFile)) {
    why = "cannot create a temporary file: " + code.message();
    return {};
  }
  llvm::StringRef args[] = {ptxas, "--help"};
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(), llvm::StringRef(helpFile),
                                                llvm::StringRef()};
  std::string error;
  int status = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects,
                                         /*SecondsToWait=*/30, /*MemoryLimit=*/0, &error);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> help = llvm::MemoryBuffer::getFile(helpFile);
  llvm::sys::fs::remove(helpFile);
  if (status != 0 || !help) {
    why = ptxas + " --help " + (error.empty() ? "failed" : "failed: " + error);
    return {};
  }
  // "Allowed values for this option:  'compute_100',...,'sm_75','sm_80',..."
  std::vector<std::string> chips;
  llvm::StringRef text = (*help)->getBuffer();
  for (size_t at = text.find("'sm_"); at != llvm::StringRef::npos; at = text.find("'sm_", at)) {
    size_t end = text.find('\'', at + 1);
    if (end == llvm::StringRef::npos)
      break;
    std::string chip = text.slice(at + 1, end).str();
    if (std::find(chips.begin(), chips.end(), chip) == chips.end())
      chips.push_back(chip);
    at = end + 1;
  }
  if (chips.empty())
    why = ptxas + " --help lists no sm_ chip";
  return chips;
}

std::string sweep::gpuFormatForChip(const std::string &format, const std::string &toolkit,
                                    const std::string &chip, std::string &note) {
  if (format != "fatbin")
    return format;
  std::string ptxas = toolkit + "/bin/ptxas", why;
  std::vector<std::string> chips = assemblerChips(ptxas, why);
  // A ptxas that cannot be asked is left to say what it takes itself.
  if (chips.empty() || std::find(chips.begin(), chips.end(), chip) != chips.end())
    return format;
  int oldest = 0, newest = 0;
  for (const std::string &known : chips)
    if (known.find_first_not_of("0123456789", 3) == std::string::npos) {
      int number = std::atoi(known.c_str() + 3);
      oldest = oldest ? std::min(oldest, number) : number;
      newest = std::max(newest, number);
    }
  note = ptxas + " does not assemble for " + chip +
         (oldest ? " (it takes sm_" + std::to_string(oldest) + " to sm_" + std::to_string(newest) +
                       ")"
                 : std::string()) +
         ": the kernels are PTX, which the GPU's driver compiles when it loads them";
  return "isa";
}
