//===- GpuBackend.cpp - `--device=cuda`: groups as GPU kernels ------------===//

#include "codegen/nvptx/GpuBackend.h"

#include "codegen/nvptx/GpuJit.h"
#include "runtime/cuda/DeviceBufferSpace.h"
#include "runtime/exec/CodeCache.h"
#include "runtime/exec/ProgramMemory.h"

#include <cstdio>

using namespace sweep;

namespace {
class GpuBackend : public CompilingBackend {
public:
  GpuBackend(cuda::GpuRuntime &runtime, const GpuTarget &target, size_t forcedRuns,
             uint64_t memoryCap, unsigned streams, std::shared_ptr<CompileCache> compileCache)
      : space(runtime), target(target), forcedRuns(forcedRuns), memoryCap(memoryCap),
        streams(std::max(1u, streams)), compileCache(std::move(compileCache)) {
    size_t total = 0;
    std::string why;
    freeKnown = runtime.context().memory(freeBytes, total, why);
    if (!freeKnown)
      freeBytes = 0; // Unknown: only --max-memory bounds the programs.
  }
  std::string name() const override { return "cuda"; }
  /// The whole group where it fits in 80% of the device's free memory, else
  /// equal chunks that do (balanced, so that a sweep compiles at most two
  /// sizes); --runs-per-program overrides.
  size_t chooseRunsPerProgram(const SweepJob &, const GroupSpec &group) const override {
    size_t runs = std::max<size_t>(1, group.runs.size());
    if (forcedRuns)
      return forcedRuns;
    uint64_t budget = budgetBytes();
    if (!budget)
      return runs;
    size_t fit = std::max<size_t>(1, size_t(budget / programBytesPerRun(group)));
    size_t chunks = (runs + fit - 1) / fit;
    return (runs + chunks - 1) / chunks;
  }
  std::string scheduleProblem(const SweepJob &, const GroupSpec &group) const override {
    // A program holds one run at least. Regression: a run larger than the
    // budget trained anyway, past --max-memory or the free memory.
    if (freeKnown && freeBytes == 0)
      return "the GPU has no free memory (another process holds it all)";
    uint64_t budget = budgetBytes();
    // --runs-per-program fixes the runs a program holds: they must fit too.
    // Regression: it turned the check off, and programs of 40 runs of 4.2 MiB
    // trained under --max-memory=1M.
    size_t runs = forcedRuns ? std::min(forcedRuns, std::max<size_t>(1, group.runs.size())) : 1;
    uint64_t needed = programBytesPerRun(group) * runs;
    if (!budget || needed <= budget)
      return "";
    // Regression: with the free memory unknown, --max-memory's limit was
    // called "80% of the 0 B free".
    bool capped = memoryCap && (!freeKnown || memoryCap < uint64_t(0.8 * double(freeBytes)));
    return (forcedRuns ? "a program of " + std::to_string(runs) + " runs (--runs-per-program) needs "
                       : std::string("a run needs ")) +
           formatBytes(needed) + " of device memory, more than the " + formatBytes(budget) +
           " a program may hold (" +
           (capped ? std::string("--max-memory") : "80% of the " + formatBytes(freeBytes) + " free") +
           (streams > 1 ? ", shared by --streams=" + std::to_string(streams) : std::string()) +
           "); make the model or the batch smaller" +
           (forcedRuns ? std::string(", lower --runs-per-program") : std::string()) +
           // Regression: --streams was never named, and raising a
           // --max-memory that is not what limits could not help.
           (streams > 1 ? std::string(", lower --streams") : std::string()) +
           (capped ? std::string(" or raise --max-memory") : std::string());
  }
  std::string describeSchedule(const SweepJob &job, const GroupSpec &group) const override {
    size_t per = std::min(group.runs.size(), runsPerProgram(job, group));
    std::string text = "on the GPU (" + target.chip + "): programs of " + std::to_string(per) +
                       " runs, " + formatBytes(programBytesPerRun(group)) + " of device memory a run";
    if (freeBytes)
      text += ", " + formatBytes(freeBytes) + " free";
    if (memoryCap)
      text += ", at most " + formatBytes(memoryCap) + " (--max-memory)";
    if (streams > 1)
      text += ", shared by " + std::to_string(streams) + " programs at once (--streams)";
    return text + (forcedRuns ? " (--runs-per-program)" : "");
  }
protected:
  std::shared_ptr<const GroupCode> compile(const GroupSpec &group, size_t runs,
                                           std::string &error, double &seconds) override {
    std::shared_ptr<const GpuCompiledGroup> code =
        GpuCompiledGroup::compile(group, int64_t(runs), target, error, compileCache.get());
    if (code)
      seconds = code->compileSeconds();
    return code;
  }
  BufferSpace &bufferSpace() override { return space; }

private:
  cuda::DeviceBufferSpace space;
  GpuTarget target;
  size_t forcedRuns;
  /// What a program may hold: its share (one of --streams) of 80% of the
  /// free memory, or of --max-memory when that is less.
  uint64_t budgetBytes() const {
    uint64_t budget = uint64_t(0.8 * double(freeBytes));
    if (memoryCap)
      budget = budget ? std::min(budget, memoryCap) : memoryCap;
    return budget / streams;
  }

  uint64_t memoryCap;
  bool freeKnown = false; ///< Whether the driver said how much memory is free.
  unsigned streams;
  size_t freeBytes = 0; ///< The device's free memory when the backend was made.
  std::shared_ptr<CompileCache> compileCache;
};
} // namespace

std::unique_ptr<Backend> sweep::createGpuBackend(cuda::GpuRuntime &runtime,
                                                 const GpuTarget &target, size_t runsPerProgram,
                                                 uint64_t memoryCap, unsigned streams,
                                                 std::shared_ptr<CompileCache> compileCache) {
  return std::make_unique<GpuBackend>(runtime, target, runsPerProgram, memoryCap, streams,
                                      std::move(compileCache));
}
