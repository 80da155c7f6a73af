//===- SingleProcess.cpp - joinCluster in a build without MPI -------------===//

#include "runtime/cluster/Cluster.h"

using namespace sweep;

std::unique_ptr<Cluster> sweep::joinCluster(int &, char **&, std::string &error) {
  if (int ranks = launchedRanks(); ranks > 1) {
    error = "an MPI launcher started " + std::to_string(ranks) +
            " processes, but this program was built without MPI, so each would train the "
            "whole sweep; run one process (`sweepc run` built with libopenmpi-dev shares a "
            "sweep among MPI ranks, docs/cluster.md)";
    return nullptr;
  }
  return std::make_unique<Cluster>();
}
