//===- GpuBackend.cpp - `--device=cuda`: groups as GPU kernels ------------===//

#include "codegen/nvptx/GpuBackend.h"

#include "codegen/nvptx/GpuJit.h"
#include "runtime/cuda/DeviceBufferSpace.h"
#include "runtime/exec/CodeCache.h"

#include <cstdio>

using namespace sweep;

std::string sweep::formatBytes(uint64_t bytes) {
  char text[32];
  if (bytes >= (uint64_t(1) << 30))
    std::snprintf(text, sizeof text, "%.1f GiB", double(bytes) / double(1 << 30));
  else if (bytes >= (uint64_t(1) << 20))
    std::snprintf(text, sizeof text, "%.1f MiB", double(bytes) / double(1 << 20));
  else
    std::snprintf(text, sizeof text, "%.1f KiB", double(bytes) / 1024.0);
  return text;
}

uint64_t sweep::deviceBytesPerRun(const GroupSpec &group) {
  uint64_t parameters = 0, widths = 0;
  for (const LayerSpec &layer : group.layers) {
    if (layer.kind == LayerSpec::Kind::Dense)
      parameters += uint64_t(layer.inputs * layer.outputs + layer.outputs);
    widths += uint64_t(layer.outputs);
  }
  uint64_t slots = uint64_t(optimizerSlots(group.optimizer));
  uint64_t batch = uint64_t(std::max<int64_t>(1, group.batch));
  // Parameters and state, each twice (this step's and the next's), the
  // step's gradients, and per layer output its values, gradients and the
  // pipeline's temporaries (four copies, generously).
  return sizeof(float) * ((2 + 2 * slots + 1) * parameters + 4 * batch * widths);
}

namespace {
class GpuBackend : public CompilingBackend {
public:
  GpuBackend(cuda::GpuRuntime &runtime, const GpuTarget &target, size_t forcedRuns)
      : space(runtime), target(target), forcedRuns(forcedRuns) {
    size_t total = 0;
    std::string why;
    if (!runtime.context().memory(freeBytes, total, why))
      freeBytes = 0; // Unknown: programs hold whole groups.
  }
  std::string name() const override { return "cuda"; }
  /// The whole group where it fits in 80% of the device's free memory, else
  /// equal chunks that do (balanced, so that a sweep compiles at most two
  /// sizes); --runs-per-program overrides.
  size_t runsPerProgram(const SweepJob &, const GroupSpec &group) const override {
    size_t runs = std::max<size_t>(1, group.runs.size());
    if (forcedRuns)
      return forcedRuns;
    if (!freeBytes)
      return runs;
    size_t fit = std::max<size_t>(1, size_t(0.8 * double(freeBytes)) / deviceBytesPerRun(group));
    size_t chunks = (runs + fit - 1) / fit;
    return (runs + chunks - 1) / chunks;
  }
  std::string describeSchedule(const SweepJob &job, const GroupSpec &group) const override {
    size_t per = std::min(group.runs.size(), runsPerProgram(job, group));
    std::string text = "on the GPU (" + target.chip + "): programs of " + std::to_string(per) +
                       " runs, " + formatBytes(deviceBytesPerRun(group)) + " of device memory a run";
    if (freeBytes)
      text += ", " + formatBytes(freeBytes) + " free";
    return text + (forcedRuns ? " (--runs-per-program)" : "");
  }
protected:
  std::shared_ptr<const GroupCode> compile(const GroupSpec &group, size_t runs,
                                           std::string &error, double &seconds) override {
    std::shared_ptr<const GpuCompiledGroup> code =
        GpuCompiledGroup::compile(group, int64_t(runs), target, error);
    if (code)
      seconds = code->compileSeconds();
    return code;
  }
  BufferSpace &bufferSpace() override { return space; }

private:
  cuda::DeviceBufferSpace space;
  GpuTarget target;
  size_t forcedRuns;
  size_t freeBytes = 0; ///< The device's free memory when the backend was made.
};
} // namespace

std::unique_ptr<Backend> sweep::createGpuBackend(cuda::GpuRuntime &runtime,
                                                 const GpuTarget &target, size_t runsPerProgram) {
  return std::make_unique<GpuBackend>(runtime, target, runsPerProgram);
}
