//===- GpuBackend.cpp - `--device=cuda`: groups as GPU kernels ------------===//

#include "codegen/nvptx/GpuBackend.h"

#include "codegen/nvptx/GpuJit.h"
#include "runtime/cuda/DeviceBufferSpace.h"
#include "runtime/exec/CodeCache.h"

using namespace sweep;

namespace {
class GpuBackend : public Backend {
public:
  GpuBackend(cuda::GpuRuntime &runtime, const GpuTarget &target, size_t forcedRuns)
      : space(runtime), target(target), forcedRuns(forcedRuns) {}
  std::string name() const override { return "cuda"; }
  size_t runsPerProgram(const SweepJob &, const GroupSpec &group) const override {
    return forcedRuns ? forcedRuns : std::max<size_t>(1, group.runs.size());
  }
  std::string describeSchedule(const SweepJob &job, const GroupSpec &group) const override {
    size_t per = std::min(group.runs.size(), runsPerProgram(job, group));
    return "on the GPU (" + target.chip + "): programs of " + std::to_string(per) + " runs";
  }
  std::unique_ptr<GroupProgram> create(const GroupSpec &group, std::vector<const RunSpec *> runs,
                                       std::string &error) override {
    std::shared_ptr<const GroupCode> code = codeFor(group, runs.size(), error);
    if (!code)
      return nullptr;
    return createCompiledProgram(
        group, std::move(runs), std::move(code),
        [this, &group](size_t count, std::string &message) { return codeFor(group, count, message); },
        space);
  }
  size_t programsToCompile(const SweepJob &job) const override {
    return distinctGroupPrograms(job, *this);
  }
  double compileSeconds() const override { return cache.seconds(); }
  size_t programsCompiled() const override { return cache.compiled(); }

private:
  std::shared_ptr<const GroupCode> codeFor(const GroupSpec &group, size_t runCount,
                                           std::string &error) {
    return cache.get(
        groupCodeKey(group, runCount),
        [&](std::string &message, double &seconds) -> std::shared_ptr<const GroupCode> {
          std::shared_ptr<const GpuCompiledGroup> code =
              GpuCompiledGroup::compile(group, int64_t(runCount), target, message);
          if (code)
            seconds = code->compileSeconds();
          return code;
        },
        error);
  }

  cuda::DeviceBufferSpace space;
  GpuTarget target;
  size_t forcedRuns;
  CodeCache cache;
};
} // namespace

std::unique_ptr<Backend> sweep::createGpuBackend(cuda::GpuRuntime &runtime,
                                                 const GpuTarget &target, size_t runsPerProgram) {
  return std::make_unique<GpuBackend>(runtime, target, runsPerProgram);
}
