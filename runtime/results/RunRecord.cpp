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

const char *sweep::stopReasonName(StopReason reason) {
  switch (reason) {
  case StopReason::None:
    return "";
  case StopReason::NonFinite:
    return "non_finite";
  case StopReason::LossGrowth:
    return "loss_growth";
  case StopReason::Patience:
    return "patience";
  case StopReason::Asha:
    return "asha";
  case StopReason::Median:
    return "median";
  }
  return "";
}

bool sweep::parseStopReason(const std::string &text, StopReason &reason) {
  for (StopReason r : {StopReason::None, StopReason::NonFinite, StopReason::LossGrowth,
                       StopReason::Patience, StopReason::Asha, StopReason::Median})
    if (text == stopReasonName(r)) {
      reason = r;
      return true;
    }
  return false;
}

RunStatus sweep::statusOf(StopReason reason) {
  switch (reason) {
  case StopReason::None:
    return RunStatus::Ok;
  case StopReason::NonFinite:
  case StopReason::LossGrowth:
    return RunStatus::Diverged;
  default:
    return RunStatus::Stopped;
  }
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
