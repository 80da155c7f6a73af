//===- Dataset.h - samples in memory, split and normalized ------*- C++ -*-===//
//
// A loaded dataset: float32 features row-major [count, inputs] for each split,
// with class labels (classification) or float targets [count, targets]
// (regression). Loading applies the validation split and the normalization,
// whose statistics come from the training split alone.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DATA_DATASET_H
#define SWEEP_RUNTIME_DATA_DATASET_H

#include "runtime/exec/SweepJob.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace sweep {

/// The samples `validation: fraction` holds out of `count`: the fraction's
/// share rounded down, except that a share within the doubles' rounding of a
/// whole number (0.29 of 100 is 28.999999999999996) is that number, as
/// written. The rounding is the fraction's own (half an ulp, times count)
/// and the product's: a few ulps of the share. Regressions: 0.29 of 100 held
/// out 28; then a tolerance of 1e-9 of the share took 0.29999999999 of
/// 10,000,000 as 3,000,000.
inline int64_t heldOutSamples(double fraction, int64_t count) {
  double share = fraction * double(count);
  double nearest = std::round(share);
  if (std::fabs(share - nearest) <=
      8 * std::numeric_limits<double>::epsilon() * std::max(1.0, share))
    return int64_t(nearest);
  return int64_t(std::floor(share));
}

struct Split {
  int64_t count = 0;
  std::vector<float> x;         // [count, inputs]
  std::vector<int32_t> classes; // [count], classification
  std::vector<float> targets;   // [count, targets], regression

  /// Moves samples [from, count) into a new split.
  Split takeTail(int64_t from, int64_t inputs, int64_t targets);
};

struct Dataset {
  int64_t inputs = 0;
  int64_t classes = 0; // 0 for regression.
  int64_t targets = 0; // Output width: classes, or regression targets.
  Split train, validation, test;
  /// A CSV file's label for each class (class k is the label classNames[k]);
  /// empty where class k is the label k (IDX, synthetic sources).
  std::vector<std::string> classNames;
  /// Things worth telling the user that do not stop training.
  std::vector<std::string> warnings;

  bool isClassification() const { return classes > 0; }
};

/// Loads `spec`: reads its files or generates its samples, splits off the
/// validation samples (the last ones of the training set) and normalizes.
/// On failure sets `error` to a message naming the file and the problem.
bool loadDataset(const DataSpec &spec, Dataset &dataset, std::string &error);

/// The synthetic sources (spirals, blobs, teacher): fills `train` with spec.n
/// samples and `test` with spec.test more from the same distribution.
bool generateSynthetic(const DataSpec &spec, Dataset &dataset, std::string &error);

/// Scales every split by statistics of the training split: `unit` maps byte
/// pixels to [0, 1], `standard` to zero mean and unit variance per feature,
/// `minmax` each feature's training range to [0, 1].
void normalizeDataset(Dataset &dataset, const std::string &method, bool bytePixels);

} // namespace sweep

#endif // SWEEP_RUNTIME_DATA_DATASET_H
