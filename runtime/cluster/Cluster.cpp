//===- Cluster.cpp - what every kind of cluster shares --------------------===//

#include "runtime/cluster/Cluster.h"

#include <cstdlib>

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
