//===- JobFixture.h - small SweepJobs built by hand for tests ---*- C++ -*-===//

#ifndef SWEEP_TEST_UNITTESTS_RUNTIME_JOBFIXTURE_H
#define SWEEP_TEST_UNITTESTS_RUNTIME_JOBFIXTURE_H

#include "runtime/exec/SweepJob.h"

#include "../support/ScratchDirectory.h"

#include <gtest/gtest.h>

#include <string>
#include <unistd.h>

namespace sweep::testing {

/// Three Gaussian blobs in the plane (n train, 100 test, 20% validation) and a
/// 2-16-3 relu MLP with one sgd run (momentum 0.9) per learning rate in `rates`.
inline SweepJob blobsJob(std::vector<double> rates, int64_t epochs = 3, int64_t n = 400) {
  SweepJob job;
  job.name = "unit";
  job.columns = {"optimizer.lr", "note"};
  job.metrics = {"accuracy", "loss"};
  DataSpec data;
  data.source = "blobs";
  data.name = "blobs";
  data.n = n;
  data.test = 100;
  data.noise = 0.05;
  data.validationFraction = 0.2;
  job.datasets.push_back(data);
  GroupSpec group;
  group.inputs = 2;
  group.outputs = 3;
  group.batch = 32;
  group.epochs = epochs;
  LayerSpec dense1{LayerSpec::Kind::Dense, 2, 16, Activation::Identity};
  LayerSpec act{LayerSpec::Kind::Activation, 16, 16, Activation::Relu};
  LayerSpec dense2{LayerSpec::Kind::Dense, 16, 3, Activation::Identity};
  group.layers = {dense1, act, dense2};
  for (size_t r = 0; r < rates.size(); ++r) {
    RunSpec run;
    run.id = r;
    run.configHash = 0x1000 + r;
    run.lr = rates[r];
    run.momentum = 0.9;
    run.seed = r;
    // A value with a comma, a quote and a line break round-trips through CSV.
    run.columnValues = {std::to_string(rates[r]), "a,b \"c\"\nd"};
    group.runs.push_back(uint32_t(r));
    job.runs.push_back(run);
  }
  job.groups.push_back(group);
  return job;
}

inline std::string freshDirectory(const std::string &name) {
  std::string dir = scratchPath(name);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return dir;
}

} // namespace sweep::testing

#endif // SWEEP_TEST_UNITTESTS_RUNTIME_JOBFIXTURE_H
