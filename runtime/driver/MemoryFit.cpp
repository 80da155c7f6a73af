//===- MemoryFit.cpp - whether a sweep fits in the memory there is ---------===//

#include "runtime/driver/MemoryFit.h"

#include "runtime/exec/ProgramMemory.h"

#include <algorithm>
#include <functional>
#include <vector>

using namespace sweep;

MemoryLimit sweep::shareOfHostMemory(MemoryLimit host, int ranksHere) {
  if (ranksHere <= 1 || !host.bytes)
    return host;
  host.bytes /= uint64_t(ranksHere);
  host.source += " (an equal part for each of the " + std::to_string(ranksHere) +
                 " MPI ranks on this machine)";
  return host;
}

std::string sweep::programsAtOnceProblem(const SweepJob &job, const Backend &backend,
                                         size_t programsAtOnce, int ranksHere) {
  MemoryLimit host = shareOfHostMemory(hostMemoryLimit(), ranksHere);
  if (!host.bytes || programsAtOnce == 0)
    return "";
  // Every group's chunks are served from one queue to the threads, so any
  // `programsAtOnce` of them may train together: the largest ones, each
  // its runs' least (a last chunk holds only the remainder).
  std::vector<uint64_t> programs;
  for (const GroupSpec &group : job.groups) {
    size_t runs = group.runs.size();
    if (runs == 0)
      continue;
    size_t chunk = std::max<size_t>(1, std::min(runs, backend.runsPerProgram(job, group)));
    uint64_t least = backend.leastBytesPerRun(group);
    for (size_t left = runs; left > 0; left -= std::min(left, chunk))
      programs.push_back(least * std::min(left, chunk));
  }
  size_t atOnce = std::min(programsAtOnce, programs.size());
  std::partial_sort(programs.begin(), programs.begin() + atOnce, programs.end(),
                    std::greater<uint64_t>());
  uint64_t needed = 0;
  for (size_t p = 0; p < atOnce; ++p)
    needed += programs[p];
  uint64_t data = datasetBytes(job);
  if (needed + data <= host.bytes)
    return "";
  return (atOnce == 1 ? std::string("its largest program needs")
                      : "the " + std::to_string(atOnce) +
                            " largest programs training at once (--jobs) need") +
         " at least " + formatBytes(needed) +
         (data ? " beside the data's " + formatBytes(data) : std::string()) + ", more than the " +
         formatBytes(host.bytes) + " of " + host.source + "; " +
         (atOnce > 1 ? "lower --jobs, or " : "") + backend.smallerProgramsAdvice();
}

std::string sweep::memoryProblem(const SweepJob &job, Backend &backend, unsigned threads,
                                 int ranksHere) {
  // The data is loaded into host memory first, whatever trains it.
  // Regression: data larger than a cgroup's limit was killed by the kernel
  // while it loaded, with no message.
  MemoryLimit whole = hostMemoryLimit();
  MemoryLimit host = shareOfHostMemory(whole, ranksHere);
  uint64_t data = datasetBytes(job);
  if (host.bytes && data > host.bytes) {
    return "sweep '" + job.name + "': its data takes " + formatBytes(data) +
           " once loaded (every sample's features and label or targets as 32-bit "
           "values), more than the " + formatBytes(host.bytes) + " of " + host.source +
           "; use fewer samples (`n`, `limit`) or run where more memory is free";
  }
  MemoryLimit limit = backend.memoryLimit();
  if (!limit.bytes)
    return "";
  // Programs on the host share its memory with the data.
  bool onHost = limit.bytes == whole.bytes && limit.source == whole.source;
  if (onHost)
    limit = host;
  uint64_t room = onHost ? limit.bytes - data : limit.bytes;
  std::vector<size_t> tooLarge;
  for (size_t g = 0; g < job.groups.size(); ++g)
    if (backend.leastBytesPerRun(job.groups[g]) > room)
      tooLarge.push_back(g);
  if (tooLarge.empty()) {
    if (!onHost)
      return "";
    std::string problem = programsAtOnceProblem(job, backend, threads, ranksHere);
    return problem.empty() ? "" : "sweep '" + job.name + "': " + problem;
  }
  const GroupSpec &group = job.groups[tooLarge.front()];
  std::string others;
  if (tooLarge.size() > 1)
    others = " (and so do the runs of " + std::to_string(tooLarge.size() - 1) + " other group" +
             (tooLarge.size() > 2 ? "s" : "") + ")";
  return "sweep '" + job.name + "': a run of group " + std::to_string(tooLarge.front()) +
               " (" + group.label + ") needs at least " + formatBytes(backend.leastBytesPerRun(group)) +
               " (its parameters, their gradients, the optimizer's state and one minibatch's "
               "layer outputs" +
               (backend.leastBytesPerRun(group) != leastBytesPerRun(group, /*nextStep=*/false)
                    ? "; compiled programs keep the parameters and state twice"
                    : "") +
               "), more than the " +
               formatBytes(room) + " of " + limit.source +
               (onHost && data ? " left beside the data's " + formatBytes(data) : std::string()) +
               others +
               "; make the model or the batch smaller (`sweepc plan` gives each group's needs)";
}
