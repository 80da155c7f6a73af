//===- MpiCluster.cpp - joinCluster over MPI ------------------------------===//
//
// Only the main thread calls MPI (MPI_THREAD_FUNNELED): training threads never
// do. A launcher that did not start this process (plain `sweepc run`) leaves
// MPI uninitialized, so a build with MPI runs alone exactly as one without.
//
//===----------------------------------------------------------------------===//

#include "runtime/cluster/Cluster.h"

#include <mpi.h>

#include <cstdlib>
#include <string>
#include <vector>

using namespace sweep;

namespace {
class MpiCluster : public Cluster {
public:
  MpiCluster() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rankIndex);
    MPI_Comm_size(MPI_COMM_WORLD, &rankCount);
    MPI_Comm local;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rankIndex, MPI_INFO_NULL, &local);
    MPI_Comm_rank(local, &localIndex);
    MPI_Comm_size(local, &localCount);
    MPI_Comm_free(&local);
  }
  ~MpiCluster() override { MPI_Finalize(); }
  void barrier() override { MPI_Barrier(MPI_COMM_WORLD); }
  double sum(double value) override {
    double total = 0;
    MPI_Allreduce(&value, &total, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    return total;
  }
  double maximum(double value) override {
    double largest = 0;
    MPI_Allreduce(&value, &largest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return largest;
  }
  std::vector<std::string> gatherAll(const std::string &mine) override {
    int length = int(mine.size());
    std::vector<int> lengths(static_cast<size_t>(rankCount)), offsets(lengths.size());
    MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, MPI_COMM_WORLD);
    int total = 0;
    for (int k = 0; k < rankCount; ++k) {
      offsets[size_t(k)] = total;
      total += lengths[size_t(k)];
    }
    std::string all(size_t(total), '\0');
    MPI_Allgatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(),
                   MPI_CHAR, MPI_COMM_WORLD);
    std::vector<std::string> each;
    for (int k = 0; k < rankCount; ++k)
      each.push_back(all.substr(size_t(offsets[size_t(k)]), size_t(lengths[size_t(k)])));
    return each;
  }
  [[noreturn]] void abort(int status) override {
    MPI_Abort(MPI_COMM_WORLD, status);
    std::exit(status);
  }
};
} // namespace

std::unique_ptr<Cluster> sweep::joinCluster(int &argc, char **&argv, std::string &error) {
  if (launchedRanks() == 0)
    return std::make_unique<Cluster>();
  int provided = 0;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    error = "MPI_Init failed";
    return nullptr;
  }
  return std::make_unique<MpiCluster>();
}
