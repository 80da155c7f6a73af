//===- RunRecord.cpp - what a finished run reports ------------------------===//

#include "runtime/results/RunRecord.h"

#include <tuple>

using namespace sweep;

const char *sweep::statusName(RunStatus status) {
  switch (status) {
  case RunStatus::Ok:
    return "ok";
  case RunStatus::Diverged:
    return "diverged";
  case RunStatus::Stopped:
    return "stopped";
  }
  return "ok";
}

bool sweep::parseStatus(const std::string &text, RunStatus &status) {
  for (RunStatus s : {RunStatus::Ok, RunStatus::Diverged, RunStatus::Stopped})
    if (text == statusName(s)) {
      status = s;
      return true;
    }
  return false;
}

std::vector<MetricColumn> sweep::metricColumns(const std::vector<std::string> &metrics,
                                               bool hasValidation, bool hasTest) {
  using Split = MetricColumn::Split;
  using Measure = MetricColumn::Measure;
  std::vector<MetricColumn> columns = {{Split::Train, Measure::Loss, "train_loss"}};
  for (auto [split, present, prefix] : {std::tuple{Split::Validation, hasValidation, "val_"},
                                        std::tuple{Split::Test, hasTest, "test_"}}) {
    if (!present)
      continue;
    for (const std::string &metric : metrics) {
      Measure measure = metric == "accuracy" ? Measure::Accuracy
                        : metric == "mse"    ? Measure::Mse
                                             : Measure::Loss;
      columns.push_back({split, measure, prefix + metric});
    }
  }
  return columns;
}
