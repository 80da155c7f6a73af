//===- CpuBackend.cpp - `--backend=cpu`: fused, JIT-compiled groups -------===//

#include "codegen/cpu/CpuBackend.h"

#include "codegen/cpu/JitCompiler.h"
#include "codegen/cpu/RunChunks.h"
#include "runtime/exec/CodeCache.h"

#include <malloc.h>

using namespace sweep;

namespace {
class CpuBackend : public Backend {
public:
  CpuBackend(size_t chunks, size_t forcedRuns, bool energyProbes, CpuLoops loops)
      : chunks(std::max<size_t>(1, chunks)), forcedRuns(forcedRuns), energyProbes(energyProbes),
        loops(loops),
        l2(coreL2Size()) {}
  std::string name() const override { return "cpu"; }
  size_t runsPerProgram(const SweepJob &job, const GroupSpec &group) const override {
    return chooseRunChunking(job, group, chunks, l2, forcedRuns).runsPerProgram;
  }
  std::string describeSchedule(const SweepJob &job, const GroupSpec &group) const override {
    return describeRunChunking(chooseRunChunking(job, group, chunks, l2, forcedRuns),
                               group.runs.size());
  }
  std::unique_ptr<GroupProgram> create(const GroupSpec &group, std::vector<const RunSpec *> runs,
                                       std::string &error) override {
    std::shared_ptr<const GroupCode> code = codeFor(group, runs.size(), error);
    if (!code)
      return nullptr;
    return createCompiledProgram(
        group, std::move(runs), std::move(code),
        [this, &group](size_t count, std::string &message) { return codeFor(group, count, message); },
        hostBufferSpace());
  }

  /// One compilation per group structure and run count, shared by its chunks.
  std::shared_ptr<const GroupCode> codeFor(const GroupSpec &group, size_t runCount,
                                           std::string &error) {
    return cache.get(
        groupCodeKey(group, runCount),
        [&](std::string &message, double &seconds) -> std::shared_ptr<const GroupCode> {
          std::shared_ptr<const CompiledGroup> code =
              CompiledGroup::compile(group, int64_t(runCount), message, energyProbes, loops);
          if (code)
            seconds = code->compileSeconds();
          return code;
        },
        error);
  }

  size_t programsToCompile(const SweepJob &job) const override {
    return distinctGroupPrograms(job, *this);
  }
  double compileSeconds() const override { return cache.seconds(); }
  size_t programsCompiled() const override { return cache.compiled(); }

private:
  size_t chunks, forcedRuns;
  bool energyProbes;
  CpuLoops loops;
  CacheSize l2;
  CodeCache cache;
};
} // namespace

std::unique_ptr<Backend> sweep::createCpuBackend(size_t chunksPerGroup, size_t runsPerProgram,
                                                 bool energyProbes, CpuLoops loops) {
  // Compiled steps allocate and free their activation buffers every call. With
  // glibc's defaults, blocks over 32 MiB (large groups) come from mmap and go
  // back with munmap each time: page faults on every step. Keep them in the heap.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  return std::make_unique<CpuBackend>(chunksPerGroup, runsPerProgram, energyProbes, loops);
}
