//===- GpuKernelSummary.cpp - which kernels a group becomes on a GPU ------===//

#include "codegen/nvptx/GpuKernelSummary.h"

#include "lib/Pipelines/GroupPipeline.h"
#include "lib/Registration/Registration.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlir;

namespace {
/// The kernels one host function launches: how many, and the tile sides
/// (TMxTN) of those that are products in shared-memory tiles, in order.
struct Launches {
  size_t kernels = 0;
  std::vector<std::string> tiles;
};

Launches launchesOf(ModuleOp module, func::FuncOp function) {
  Launches launches;
  function.walk([&](gpu::LaunchFuncOp launch) {
    ++launches.kernels;
    auto kernel = SymbolTable::lookupNearestSymbolFrom<gpu::GPUFuncOp>(module, launch.getKernel());
    if (!kernel || kernel.getNumWorkgroupAttributions() != 2)
      return;
    // The tiles are [16][TM + 1] and [16][TN + 1] (one column of padding).
    auto side = [&](unsigned i) {
      auto type = cast<MemRefType>(kernel.getWorkgroupAttributions()[i].getType());
      return std::to_string(type.getDimSize(1) - 1);
    };
    launches.tiles.push_back(side(0) + "x" + side(1));
  });
  return launches;
}

/// "N kernels, T of them products in shared-memory tiles (64x32, 64x64 x2)".
std::string describe(const Launches &launches) {
  std::string text = std::to_string(launches.kernels) + " kernel" +
                     (launches.kernels == 1 ? "" : "s");
  if (launches.tiles.empty())
    return text + ", none of them tiled";
  std::map<std::string, size_t> counts;
  std::vector<std::string> order;
  for (const std::string &tile : launches.tiles)
    if (counts[tile]++ == 0)
      order.push_back(tile);
  text += launches.tiles.size() == 1
              ? std::string(", 1 of them a product in shared-memory tiles (")
              : ", " + std::to_string(launches.tiles.size()) +
                    " of them products in shared-memory tiles (";
  for (size_t i = 0; i < order.size(); ++i) {
    text += (i ? ", " : "") + order[i];
    if (counts[order[i]] > 1)
      text += " x" + std::to_string(counts[order[i]]);
  }
  return text + ")";
}
} // namespace

std::string sweep::summarizeGpuKernels(ModuleOp module) {
  std::string text;
  for (auto [name, label] : {std::pair{"train_step", "a training step launches "},
                             std::pair{"evaluate", "an evaluation launches "}}) {
    auto function = module.lookupSymbol<func::FuncOp>(name);
    if (!function)
      continue;
    text += (text.empty() ? "" : "; ") + std::string(label) + describe(launchesOf(module, function));
  }
  return text;
}

std::string sweep::describeGpuKernels(const GroupSpec &group, const GpuTarget &target,
                                      std::string &error) {
  DialectRegistry registry;
  registerSweepDialects(registry);
  MLIRContext context(registry);
  context.disableMultithreading();
  OwningOpRef<ModuleOp> module = lowerGroup(
      context, group, int64_t(group.runs.size()),
      [&](OpPassManager &pm) { buildGpuPipeline(pm, GpuStage::Kernels, target); }, error,
      /*rowSums=*/true);
  if (!module) {
    error = "compiling group '" + group.label + "' for the GPU failed: " + error;
    return "";
  }
  return summarizeGpuKernels(*module);
}
