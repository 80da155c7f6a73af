//===- RunRecord.h - what a finished run reports ----------------*- C++ -*-===//
//
// The metrics of a run after an epoch, and the record of a finished run. The
// metric columns of a sweep follow from its `report` list and its splits:
// train_loss always, then val_<m> and test_<m> for each reported metric m
// where the split exists.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RESULTS_RUNRECORD_H
#define SWEEP_RUNTIME_RESULTS_RUNRECORD_H

#include "runtime/exec/SweepJob.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace sweep {

enum class RunStatus { Ok, Diverged, Stopped };
const char *statusName(RunStatus status);
bool parseStatus(const std::string &text, RunStatus &status);

/// Why a run ended early: diverged with a non-finite loss or metric, or a loss
/// that grew past `divergence(factor)`; stopped by `early_stop`'s patience or
/// by the sweep's `prune` rule (asha, median).
enum class StopReason { None, NonFinite, LossGrowth, Patience, Asha, Median };
/// "" for None, else non_finite, loss_growth, patience, asha, median.
const char *stopReasonName(StopReason reason);
bool parseStopReason(const std::string &text, StopReason &reason);
/// The status a reason implies (None: ok).
RunStatus statusOf(StopReason reason);

/// A metric column: which split and which measure.
struct MetricColumn {
  enum class Split { Train, Validation, Test };
  enum class Measure { Loss, Accuracy, Mse };
  Split split;
  Measure measure;
  std::string name; // "val_accuracy"
  bool higherIsBetter() const { return measure == Measure::Accuracy; }
};

/// The metric columns of a sweep: train_loss, then each reported metric on
/// validation (when any group has a validation split) and test (likewise).
std::vector<MetricColumn> metricColumns(const std::vector<std::string> &metrics, bool hasValidation,
                                        bool hasTest);

/// Metric values in MetricColumn order; NaN where a run has no such value.
using MetricValues = std::vector<double>;

struct RunRecord {
  uint64_t id = 0;
  uint64_t configHash = 0;
  uint32_t group = 0;
  ColumnValues columnValues;
  RunStatus status = RunStatus::Ok;
  int64_t statusEpoch = 0; // Epoch of divergence or early stop; 0 when ok.
  StopReason stopReason = StopReason::None;
  int64_t epochs = 0;      // Epochs completed with finite metrics.
  MetricValues metrics;    // After the last completed epoch.
  /// Where the run trained: "cpu" or "cuda" (not the sweep's `device`
  /// setting, which --device overrides and `auto` leaves open).
  std::string device;
  double seconds = 0;
  /// Energy attributed to the run (runtime/energy) and where it comes from:
  /// "measured:rapl", "measured:nvml", "estimated:model"; "" when unmetered.
  double joules = NAN;
  std::string joulesSource;
};

} // namespace sweep

#endif // SWEEP_RUNTIME_RESULTS_RUNRECORD_H
