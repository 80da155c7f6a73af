//===- Cluster.cpp - what every kind of cluster shares --------------------===//

#include "runtime/cluster/Cluster.h"

#include <cstdlib>
#include <utility>
#include <vector>

using namespace sweep;

std::string Cluster::describe() const {
  if (rankCount == 1)
    return "a single process";
  return "rank " + std::to_string(rankIndex) + " of " + std::to_string(rankCount) + " (MPI)";
}

void Cluster::abort(int status) { std::exit(status); }

int sweep::launchedRanks() {
  for (const char *name : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE", "MPI_LOCALNRANKS"})
    if (const char *value = std::getenv(name))
      if (int ranks = std::atoi(value); ranks > 0)
        return ranks;
  return 0;
}

namespace {
int firstNumber(std::initializer_list<const char *> names, int fallback) {
  for (const char *name : names)
    if (const char *value = std::getenv(name); value && *value)
      return std::atoi(value);
  return fallback;
}
} // namespace

int sweep::launchedRank() {
  return firstNumber({"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"}, 0);
}

int sweep::launchedLocalRanks() {
  // The launchers' counts of this machine's ranks (Slurm's own variables give
  // what was asked for, not what runs here: left out).
  int ranks = firstNumber({"OMPI_COMM_WORLD_LOCAL_SIZE", "PMIX_LOCAL_SIZE", "MPI_LOCALNRANKS"}, 1);
  return ranks > 0 ? ranks : 1;
}

std::string sweep::disagreement(Cluster &cluster,
                                const std::vector<std::pair<std::string, std::string>> &mine) {
  if (cluster.size() == 1)
    return "";
  // Values joined by a unit separator: no setting or path holds one.
  std::string packed;
  for (const auto &[name, value] : mine)
    packed += value + '\x1f';
  std::vector<std::string> all = cluster.gatherAll(packed);
  auto field = [](const std::string &entry, size_t index) {
    size_t begin = 0;
    for (size_t i = 0; i < index && begin != std::string::npos; ++i) {
      begin = entry.find('\x1f', begin);
      begin = begin == std::string::npos ? begin : begin + 1;
    }
    if (begin == std::string::npos)
      return std::string("?");
    return entry.substr(begin, entry.find('\x1f', begin) - begin);
  };
  std::string differences;
  for (size_t f = 0; f < mine.size(); ++f) {
    std::string root = field(all[0], f), ranks;
    size_t shown = 0, differing = 0;
    for (size_t k = 1; k < all.size(); ++k)
      if (std::string value = field(all[k], f); value != root) {
        ++differing;
        if (shown++ < 3)
          ranks += "; rank " + std::to_string(k) + ": " + value;
      }
    if (!differing)
      continue;
    if (differing > shown)
      ranks += "; and " + std::to_string(differing - shown) + " more";
    differences += (differences.empty() ? "" : ", ") + mine[f].first + " (rank 0: " + root +
                   ranks + ")";
  }
  return differences.empty() ? "" : "the ranks were given different " + differences;
}
