//===- TrainFixture.h - a hand-built SweepJob trained end to end -*- C++ -*-===//
//
// What tests that compare two ways of training one sweep share: load its
// data, open a fresh results directory, train every run with a backend and
// trainer options, and read back the records (by run id) and curves.csv
// (rows by run and epoch, without the seconds column, which is measured).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TEST_UNITTESTS_RUNTIME_TRAINFIXTURE_H
#define SWEEP_TEST_UNITTESTS_RUNTIME_TRAINFIXTURE_H

#include "runtime/exec/Trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

namespace sweep::testing {

struct TrainedSweep {
  std::vector<RunRecord> records; // By run id.
  std::string curves;             // curves.csv's rows, sorted, without seconds.
};

inline TrainedSweep trainJob(const SweepJob &job, Backend &backend, const TrainerOptions &options,
                             const std::string &dir) {
  TrainedSweep result;
  std::string error;
  std::vector<Dataset> datasets(job.datasets.size());
  for (size_t d = 0; d < job.datasets.size(); ++d)
    EXPECT_TRUE(loadDataset(job.datasets[d], datasets[d], error)) << error;
  std::vector<MetricColumn> metrics = metricColumns(job.metrics, true, true);
  Ranking ranking = chooseRanking(metrics);
  auto store = ResultsStore::open(dir, job, metrics, ResultsStore::Mode::Fresh, error);
  EXPECT_TRUE(store) << error;
  if (!store)
    return result;
  Progress progress(Progress::Mode::Quiet, job.name, job.runs.size(), 0, 0, "", false);
  EXPECT_TRUE(trainSweep(job, datasets, backend, *store, metrics, ranking, progress, options,
                         result.records, error))
      << error;
  std::sort(result.records.begin(), result.records.end(),
            [](const RunRecord &a, const RunRecord &b) { return a.id < b.id; });
  std::ifstream in(dir + "/curves.csv");
  std::vector<std::string> rows;
  std::string line;
  while (std::getline(in, line))
    rows.push_back(line.substr(0, line.rfind(',')));
  std::sort(rows.begin(), rows.end());
  for (const std::string &row : rows)
    result.curves += row + "\n";
  return result;
}

} // namespace sweep::testing

#endif // SWEEP_TEST_UNITTESTS_RUNTIME_TRAINFIXTURE_H
