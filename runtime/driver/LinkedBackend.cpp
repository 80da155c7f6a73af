//===- LinkedBackend.cpp - group programs compiled ahead of time ----------===//

#include "runtime/driver/LinkedBackend.h"

#include "runtime/exec/CodeCache.h"
#include "runtime/exec/ProgramMemory.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>

using namespace sweep;

std::string sweep::writePhaseText(const std::vector<PhaseCost> &table) {
  std::string text;
  for (const PhaseCost &phase : table) {
    char numbers[80];
    std::snprintf(numbers, sizeof numbers, " %a %a\n", phase.cost.flops, phase.cost.bytes);
    text += phase.function + " " + phase.phase + numbers;
  }
  return text;
}

std::vector<PhaseCost> sweep::readPhaseText(const char *text) {
  std::vector<PhaseCost> table;
  std::istringstream lines(text ? text : "");
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    PhaseCost phase;
    std::string flops, bytes;
    if (fields >> phase.function >> phase.phase >> flops >> bytes) {
      phase.cost.flops = std::strtod(flops.c_str(), nullptr);
      phase.cost.bytes = std::strtod(bytes.c_str(), nullptr);
      table.push_back(phase);
    }
  }
  return table;
}

bool sweep::hasLinkedPrograms(const SweepBuiltProgram *table, size_t count,
                              const std::string &device) {
  for (size_t i = 0; i < count; ++i)
    if (device == table[i].device)
      return true;
  return false;
}

namespace {
class LinkedCode : public GroupCode {
public:
  explicit LinkedCode(const SweepBuiltProgram &program)
      : program(program), table(readPhaseText(program.phases)) {}
  void trainStep(void **args) const override { program.trainStep(args); }
  void evaluate(void **args) const override { program.evaluate(args); }
  const std::vector<PhaseCost> &phases() const override { return table; }
  bool countsCalls() const override { return program.countsCalls != 0; }
  bool sumsRows() const override { return program.sumsRows != 0; }

private:
  const SweepBuiltProgram &program;
  std::vector<PhaseCost> table;
};

/// A program of more runs than the chunk has: the chunk's runs first, then
/// copies of its last run, which train masked (never alive) and are dropped.
class PaddedProgram : public GroupProgram {
public:
  PaddedProgram(std::unique_ptr<GroupProgram> inner, size_t runs)
      : inner(std::move(inner)), runs(runs) {}
  void init() override { inner->init(); }
  void prefetch(const Batch &batch) override { inner->prefetch(batch); }
  void trainStep(const Batch &batch, uint64_t step, const double *lr, const uint8_t *alive,
                 double *loss) override {
    size_t all = inner->runCount();
    paddedLr.assign(all, lr[runs - 1]);
    std::copy_n(lr, runs, paddedLr.begin());
    paddedAlive.assign(all, 0);
    std::copy_n(alive, runs, paddedAlive.begin());
    paddedLoss.assign(all, 0.0);
    std::copy_n(loss, runs, paddedLoss.begin());
    inner->trainStep(batch, step, paddedLr.data(), paddedAlive.data(), paddedLoss.data());
    std::copy_n(paddedLoss.begin(), runs, loss);
  }
  void evaluate(const Batch &batch, const uint8_t *alive, EvalSums *sums) override {
    size_t all = inner->runCount();
    paddedAlive.assign(all, 0);
    std::copy_n(alive, runs, paddedAlive.begin());
    paddedSums.assign(all, EvalSums());
    std::copy_n(sums, runs, paddedSums.begin());
    inner->evaluate(batch, paddedAlive.data(), paddedSums.data());
    std::copy_n(paddedSums.begin(), runs, sums);
  }
  bool readParameters(size_t run, std::vector<float> &out) const override {
    return run < runs && inner->readParameters(run, out);
  }
  bool gather(const std::vector<size_t> &keep, std::string &error) override {
    error = "a padded program of linked code cannot be compacted";
    return false;
  }
  size_t runCount() const override { return runs; }
  void takeWork(PhaseWork &work) override { inner->takeWork(work); }
  std::string takeError() override { return inner->takeError(); }

private:
  std::unique_ptr<GroupProgram> inner;
  size_t runs;
  std::vector<double> paddedLr, paddedLoss;
  std::vector<uint8_t> paddedAlive;
  std::vector<EvalSums> paddedSums;
};

class LinkedBackend : public Backend {
public:
  LinkedBackend(const SweepBuiltProgram *table, size_t count, const std::string &device,
                BufferSpace &space, unsigned programsAtOnce)
      : device(device), space(space), programsAtOnce(std::max(1u, programsAtOnce)) {
    for (size_t i = 0; i < count; ++i)
      if (device == table[i].device) {
        std::string key = table[i].key;
        programs[groupCodeStructure(key)][groupCodeRuns(key)] =
            std::make_shared<LinkedCode>(table[i]);
      }
  }
  std::string name() const override { return device == "cpu" ? "cpu" : device; }
  /// The largest program linked for the group's structure: how the build
  /// chunked it.
  size_t chooseRunsPerProgram(const SweepJob &, const GroupSpec &group) const override {
    auto found = programs.find(groupCodeStructure(groupCodeKey(group, 1)));
    return found == programs.end() ? 1 : found->second.rbegin()->first;
  }
  std::string describeSchedule(const SweepJob &job, const GroupSpec &group) const override {
    return "linked programs of " + std::to_string(runsPerProgram(job, group)) + " runs";
  }
  MemoryLimit memoryLimit() override { return space.capacity(); }
  /// The linked programs' run counts were fixed when the executable was
  /// built, perhaps for a larger GPU: programs of the group that cannot fit
  /// in the memory free here, side by side as many as train at once, stop
  /// the sweep before it starts. Regression: they stopped at the driver's
  /// out-of-memory error, mid-sweep. `leastBytesPerRun` makes this a
  /// certain failure, never a guess.
  std::string scheduleProblem(const SweepJob &job, const GroupSpec &group) const override {
    if (!programs.count(groupCodeStructure(groupCodeKey(group, 1))) || group.runs.empty())
      return ""; // create() says which program is missing.
    uint64_t free = 0;
    MemoryLimit limit;
    if (space.freeBytes(free)) {
      limit.bytes = free;
      limit.source = formatBytes(free) + " free on the GPU";
      if (free == 0)
        return "the GPU has no free memory (another process holds it all)";
    } else {
      limit = space.capacity();
      limit.source = formatBytes(limit.bytes) + " of " + limit.source;
    }
    if (!limit.bytes)
      return "";
    size_t runs = std::min(group.runs.size(), runsPerProgram(job, group));
    size_t chunks = (group.runs.size() + runs - 1) / runs;
    size_t atOnce = std::min<size_t>(programsAtOnce, chunks);
    uint64_t needed = leastBytesPerRun(group) * runs * atOnce;
    if (needed <= limit.bytes)
      return "";
    // What `sweepc run` would give a program here: its share of 80% of it,
    // by the upper bound per run; one run where only the least fits.
    uint64_t share = limit.bytes / programsAtOnce;
    uint64_t fits = uint64_t(0.8 * double(share)) / programBytesPerRun(group);
    if (fits == 0 && leastBytesPerRun(group) <= share)
      fits = 1;
    std::string text =
        "this executable's " + std::string(device == "cpu" ? "CPU" : "GPU") +
        " programs for the group hold " + std::to_string(runs) + " runs, which need at least " +
        formatBytes(needed) +
        (atOnce > 1 ? " for " + std::to_string(atOnce) + " programs at once (--streams)"
                    : std::string()) +
        ", more than the " + limit.source + "; ";
    if (fits == 0)
      return text + "not even one run fits" +
             (programsAtOnce > 1 ? std::string(" beside the others (lower --streams)") : "");
    return text + "rebuild it with `sweepc build --device=" + device +
           " --runs-per-program=" + std::to_string(fits) + "`" +
           (atOnce > 1 ? std::string(" or lower --streams") : std::string());
  }
  /// Their run counts were fixed by the build. Regression: the advice named
  /// --max-memory, an option executables refuse.
  std::string smallerProgramsAdvice() const override {
    return "rebuild the executable with smaller programs (`sweepc build --max-memory=SIZE` or "
           "--runs-per-program=N)";
  }
  /// Linked code needs no preparing: whether it is there is all.
  bool prepare(const GroupSpec &group, std::vector<const RunSpec *> runs,
               std::string &error) override {
    return programFor(group, runs.size(), error) != nullptr;
  }
  std::unique_ptr<GroupProgram> create(const GroupSpec &group, std::vector<const RunSpec *> runs,
                                       std::string &error) override {
    const std::pair<const size_t, std::shared_ptr<const GroupCode>> *fits =
        programFor(group, runs.size(), error);
    if (!fits)
      return nullptr;
    const std::map<size_t, std::shared_ptr<const GroupCode>> &sizes =
        programs.find(groupCodeStructure(groupCodeKey(group, 1)))->second;
    size_t chunk = runs.size();
    while (runs.size() < fits->first)
      runs.push_back(runs.back());
    std::unique_ptr<GroupProgram> program = createCompiledProgram(
        group, std::move(runs), fits->second,
        [&sizes, this, &group](size_t count,
                               std::string &message) -> std::shared_ptr<const GroupCode> {
          auto exact = sizes.find(count);
          if (exact != sizes.end())
            return exact->second;
          message = "this executable has no " + device + " program of " + std::to_string(count) +
                    " runs for group '" + group.label + "'";
          return nullptr;
        },
        space);
    if (chunk == fits->first)
      return program;
    return std::make_unique<PaddedProgram>(std::move(program), chunk);
  }

private:
  /// The smallest program linked for `group` that holds `runs` runs; null
  /// with `error` when there is none.
  const std::pair<const size_t, std::shared_ptr<const GroupCode>> *
  programFor(const GroupSpec &group, size_t runs, std::string &error) const {
    if (programs.empty()) {
      error = std::string("this executable was built without ") +
              (device == "cpu" ? "CPU" : "GPU") + " code (sweepc build --device=" + device +
              " or all)";
      return nullptr;
    }
    auto found = programs.find(groupCodeStructure(groupCodeKey(group, 1)));
    if (found == programs.end() || runs == 0) {
      error = "this executable has no " + device + " program for group '" + group.label +
              "' (was it built from another version of the sweep?)";
      return nullptr;
    }
    auto fits = found->second.lower_bound(runs);
    if (fits == found->second.end()) {
      error = "this executable's " + device + " programs for group '" + group.label +
              "' hold at most " + std::to_string(found->second.rbegin()->first) + " runs, not " +
              std::to_string(runs);
      return nullptr;
    }
    return &*fits;
  }

  std::string device;
  BufferSpace &space;
  unsigned programsAtOnce; ///< --streams on the GPU; 1 on the CPU.
  /// By structure, then run count.
  std::map<std::string, std::map<size_t, std::shared_ptr<const GroupCode>>> programs;
};
} // namespace

std::unique_ptr<Backend> sweep::createLinkedBackend(const SweepBuiltProgram *table, size_t count,
                                                    const std::string &device, BufferSpace &space,
                                                    unsigned programsAtOnce) {
  return std::make_unique<LinkedBackend>(table, count, device, space, programsAtOnce);
}
