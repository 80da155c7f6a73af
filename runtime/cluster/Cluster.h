//===- Cluster.h - this process's place among a sweep's processes -*- C++ -*-===//
//
// `mpirun -np N sweepc run FILE` (or `srun` on a Slurm cluster) starts N
// processes, ranks 0 to N-1, each with the same arguments. They shard the
// sweep's programs (chunk c trains on rank c mod N), write their own results
// directories, and rank 0 merges them into the sweep's (docs/cluster.md). A
// Cluster is how a rank learns its place and meets the others: MPI when this
// sweepc was built with it (OpenMPI from Debian, found at configure time) and
// a launcher started it, else a single process. A build without MPI that an
// MPI launcher starts with several ranks refuses to run rather than have
// every rank train the whole sweep.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_CLUSTER_CLUSTER_H
#define SWEEP_RUNTIME_CLUSTER_CLUSTER_H

#include <memory>
#include <utility>
#include <string>
#include <vector>

namespace sweep {

class Cluster {
public:
  virtual ~Cluster() = default;
  int rank() const { return rankIndex; }
  int size() const { return rankCount; }
  /// This rank's index among the ranks on its machine (one GPU each).
  int localRank() const { return localIndex; }
  /// The ranks on this machine (this one among them): they share its memory.
  int localSize() const { return localCount; }
  bool isRoot() const { return rankIndex == 0; }
  /// "rank 1 of 4 (MPI)" or "a single process".
  std::string describe() const;

  /// Waits until every rank gets here.
  virtual void barrier() {}
  /// The sum over ranks of `value` (every rank gets it).
  virtual double sum(double value) { return value; }
  /// The largest `value` over ranks (every rank gets it).
  virtual double maximum(double value) { return value; }
  /// Every rank's `mine`, by rank (every rank gets them all).
  virtual std::vector<std::string> gatherAll(const std::string &mine) { return {mine}; }
  /// Ends every rank with `status` (a rank's error: the others would wait for
  /// it forever). Does not return.
  [[noreturn]] virtual void abort(int status);

protected:
  int rankIndex = 0, rankCount = 1, localIndex = 0, localCount = 1;
};

/// Joins the ranks an MPI launcher started (MPI_Init), or returns a single
/// process; null with `error` when a launcher started several ranks and this
/// build has no MPI. The Cluster ends MPI when destroyed.
std::unique_ptr<Cluster> joinCluster(int &argc, char **&argv, std::string &error);

/// The rank count an MPI launcher (OpenMPI, PMI, PMIx, Slurm's srun) put in the
/// environment; 0 when none started this process.
int launchedRanks();

/// This process's rank as the launcher's environment gives it, before (or
/// without) joining: 0 when none started it. Lets rank 0 alone print what
/// every rank would print alike (the file's warnings, `sweepc plan`).
int launchedRank();

/// The ranks on this machine as the launcher's environment gives them (1
/// when it does not say): they share the machine's memory.
int launchedLocalRanks();

/// What must be the same on every rank (`name`, `value` pairs, in one order on
/// every rank), compared over the ranks (every rank takes part): "" when
/// every rank has rank 0's values, else which differ and where, in a
/// sentence. Ranks that went different ways (one resuming, one starting
/// over; one training a sweep the other does not have) would wait for each
/// other forever.
std::string disagreement(Cluster &cluster,
                         const std::vector<std::pair<std::string, std::string>> &mine);

} // namespace sweep

#endif // SWEEP_RUNTIME_CLUSTER_CLUSTER_H
