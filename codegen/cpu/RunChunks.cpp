//===- RunChunks.cpp - how many runs one compiled program trains ----------===//

#include "codegen/cpu/RunChunks.h"

#include <algorithm>
#include <cstdio>

using namespace sweep;

namespace {
std::string mebibytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", double(bytes) / double(1 << 20));
  return text;
}
} // namespace

uint64_t sweep::residentBytesPerRun(const SweepJob &job, const GroupSpec &group) {
  uint64_t parameters = 0, activations = 0;
  for (const LayerSpec &layer : group.layers) {
    if (layer.kind == LayerSpec::Kind::Dense)
      parameters += uint64_t(layer.inputs * layer.outputs + layer.outputs);
    activations += uint64_t(layer.outputs);
  }
  uint64_t states = 2; // Adam and AdamW: m and v.
  if (group.optimizer == OptimizerKind::Sgd) {
    states = 0; // The step neither reads nor writes a run's buffer without momentum.
    for (uint32_t r : group.runs)
      if (r < job.runs.size() && job.runs[r].momentum != 0)
        states = 1;
  }
  // Values and their gradients, for one minibatch.
  const uint64_t batchValues = 2 * uint64_t(group.minibatchRows()) * activations;
  return sizeof(float) * (parameters * (1 + states) + batchValues);
}

RunChunking sweep::chooseRunChunking(const SweepJob &job, const GroupSpec &group,
                                     size_t threadShares, CacheSize l2, size_t forcedRuns,
                                     uint64_t programMemory) {
  RunChunking choice = chooseForCache(job, group, threadShares, l2, forcedRuns);
  if (!programMemory || choice.forced)
    return choice;
  // Never more runs than the memory a program may hold, and a power of two
  // (as the cache model chooses): a size that does not divide the group
  // compiles a second program for the remainder, and compiling takes memory
  // too (docs/performance.md, "10,000 runs within a memory limit").
  size_t fit = 1;
  while (fit * 2 <= programMemory / std::max<uint64_t>(1, programBytesPerRun(group)))
    fit *= 2;
  choice.programMemory = programMemory;
  choice.programRunBytes = programBytesPerRun(group);
  if (choice.runsPerProgram > fit) {
    const size_t runs = std::max<size_t>(1, group.runs.size());
    const size_t shares = std::max<size_t>(1, threadShares);
    choice.runsPerProgram = fit;
    choice.runMajor = fit < (runs + shares - 1) / shares;
    choice.memoryCapped = true;
  }
  return choice;
}

RunChunking sweep::chooseForCache(const SweepJob &job, const GroupSpec &group,
                                  size_t threadShares, CacheSize l2, size_t forcedRuns) {
  RunChunking choice;
  const size_t runs = std::max<size_t>(1, group.runs.size());
  const size_t shares = std::max<size_t>(1, threadShares);
  const size_t share = (runs + shares - 1) / shares; // One thread's runs.
  choice.runBytes = std::max<uint64_t>(1, residentBytesPerRun(job, group));
  choice.budgetBytes = cacheBudgetBytes(l2);
  choice.cacheMeasured = l2.measured;
  if (forcedRuns) {
    choice.forced = true;
    choice.runsPerProgram = std::min(forcedRuns, runs);
    choice.runMajor = choice.runsPerProgram < share;
    return choice;
  }
  if (share * choice.runBytes <= choice.budgetBytes) {
    choice.runsPerProgram = share;
    return choice;
  }
  size_t chunk = 1;
  while (2 * chunk < share && 2 * chunk * choice.runBytes <= choice.budgetBytes)
    chunk *= 2;
  choice.runsPerProgram = chunk;
  choice.runMajor = true;
  return choice;
}

std::string sweep::describeRunChunking(const RunChunking &choice, size_t groupRuns) {
  const size_t per = std::max<size_t>(1, choice.runsPerProgram);
  const size_t chunks = (groupRuns + per - 1) / per;
  // A group that the size does not divide ends in a smaller chunk: say so
  // (6 runs by 5 are "2 chunks of 5 runs, the last of 1").
  const size_t last = groupRuns - (chunks - 1) * per;
  std::string text = std::string("schedule: ") + (choice.runMajor ? "run-major, " : "layer-major, ") +
                     std::to_string(chunks) + " chunk" + (chunks == 1 ? "" : "s") + " of " +
                     std::to_string(per) + " run" + (per == 1 ? "" : "s") +
                     (chunks > 1 && last != per ? ", the last of " + std::to_string(last) : "") +
                     " (";
  if (choice.forced)
    return text + "--runs-per-program)";
  if (choice.memoryCapped)
    return text + formatBytes(choice.programRunBytes) + " a run in a program of at most " +
           formatBytes(choice.programMemory) + ": --max-memory over the threads" +
           (choice.programRunBytes > choice.programMemory ? "; one run alone exceeds it)" : ")");
  text += mebibytes(choice.runBytes) + " resident per run";
  text += choice.runMajor ? ", a chunk within " : ", all within ";
  text += mebibytes(choice.budgetBytes) + " = " + std::to_string(kCacheMultiple) + " x " +
          (choice.cacheMeasured ? "this core's " : "an assumed ") + "L2";
  if (choice.runMajor && per * choice.runBytes > choice.budgetBytes)
    text += "; one run alone exceeds it";
  return text + ")";
}
