//===- CpuBackend.cpp - `--backend=cpu`: fused, JIT-compiled groups -------===//

#include "codegen/cpu/CpuBackend.h"

#include "codegen/cpu/CompileCache.h"
#include "codegen/cpu/JitCompiler.h"
#include "codegen/cpu/RunChunks.h"
#include "runtime/exec/CodeCache.h"
#include "runtime/exec/ProgramMemory.h"

#include <malloc.h>

using namespace sweep;

namespace {
class CpuBackend : public CompilingBackend {
public:
  CpuBackend(size_t threads, size_t forcedRuns, bool energyProbes, CpuLoops loops,
             uint64_t programMemory, std::shared_ptr<CompileCache> compileCache)
      : threads(std::max<size_t>(1, threads)), forcedRuns(forcedRuns), energyProbes(energyProbes),
        loops(loops), programMemory(programMemory), l2(coreL2Size()),
        compileCache(std::move(compileCache)) {}
  std::string name() const override { return "cpu"; }
  size_t chooseRunsPerProgram(const SweepJob &job, const GroupSpec &group) const override {
    return chooseRunChunking(job, group, chunksPerGroup(job), l2, forcedRuns, programMemory)
        .runsPerProgram;
  }
  std::string scheduleProblem(const SweepJob &job, const GroupSpec &group) const override {
    // A program holds one run at least: a cap below that could not be kept;
    // --runs-per-program fixes how many it holds. Regression: that option
    // turned the check off.
    size_t runs = forcedRuns ? std::min(forcedRuns, std::max<size_t>(1, group.runs.size())) : 1;
    uint64_t needed = programBytesPerRun(group) * runs;
    if (!programMemory || needed <= programMemory)
      return "";
    // An upper bound, not what a program is metered to hold at the end:
    // said so, or a cap sized from summary.json's peak looks wrongly refused.
    // Bytes where the rounded figures would read alike ("163.3 KiB, more
    // than the 163.3 KiB").
    bool alike = formatBytes(needed) == formatBytes(programMemory);
    auto shown = [&](uint64_t bytes) {
      return alike ? std::to_string(bytes) + " bytes" : formatBytes(bytes);
    };
    return (forcedRuns ? "a program of " + std::to_string(runs) +
                             " runs (--runs-per-program) may need "
                       : std::string("a run may need ")) +
           shown(needed) + " in a program (an upper bound), more than the " +
           shown(programMemory) +
           " each program may hold (--max-memory over the threads training at once); raise "
           "--max-memory or lower --jobs" +
           (forcedRuns ? std::string(" or --runs-per-program") : std::string());
  }
  std::string describeSchedule(const SweepJob &job, const GroupSpec &group) const override {
    return describeRunChunking(
        chooseRunChunking(job, group, chunksPerGroup(job), l2, forcedRuns, programMemory),
                               group.runs.size());
  }
protected:
  std::shared_ptr<const GroupCode> compile(const GroupSpec &group, size_t runs,
                                           std::string &error, double &seconds) override {
    std::shared_ptr<const CompiledGroup> code =
        CompiledGroup::compile(group, int64_t(runs), error, energyProbes, loops,
                               compileCache.get());
    if (code)
      seconds = code->compileSeconds();
    return code;
  }
  BufferSpace &bufferSpace() override { return hostBufferSpace(); }

private:
  /// Each group is shared among threads only when the sweep has fewer groups
  /// than threads: every chunk size costs a compilation. Per sweep: another
  /// sweep of the file changed this one's cut (and so its pruning).
  size_t chunksPerGroup(const SweepJob &job) const {
    size_t groups = std::max<size_t>(1, job.groups.size());
    return (threads + groups - 1) / groups;
  }

  size_t threads, forcedRuns;
  bool energyProbes;
  CpuLoops loops;
  uint64_t programMemory;
  CacheSize l2;
  std::shared_ptr<CompileCache> compileCache;
};
} // namespace

std::unique_ptr<Backend> sweep::createCpuBackend(size_t threads, size_t runsPerProgram,
                                                 bool energyProbes, CpuLoops loops,
                                                 uint64_t programMemory,
                                                 std::shared_ptr<CompileCache> compileCache) {
  // Compiled steps allocate and free their activation buffers every call. With
  // glibc's defaults, blocks over 32 MiB (large groups) come from mmap and go
  // back with munmap each time: page faults on every step. Keep them in the heap.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  return std::make_unique<CpuBackend>(threads, runsPerProgram, energyProbes, loops,
                                      programMemory, std::move(compileCache));
}
