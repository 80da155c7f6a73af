//===- DatasetCsv.h - a loaded dataset written as CSV -----------*- C++ -*-===//
//
// `sweepc data` writes the samples a sweep's runs train and are evaluated on,
// after the validation split and the normalization, so that a baseline in
// another framework (or a plot) sees exactly the same numbers: the synthetic
// sources exist nowhere else, and normalization statistics come from sweepc's
// own training split.
//
// One row per sample: `split` (train, validation, test), the features x0 ...,
// then `label` (the class index: for CSV files, the position of the label's
// text among the sorted distinct labels) or the regression targets y0 ....
// Training samples come in file (or generation) order, before any epoch's
// shuffle. float32 values are written in the shortest text that reads back to
// the same float.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DATA_DATASETCSV_H
#define SWEEP_RUNTIME_DATA_DATASETCSV_H

#include "runtime/data/Dataset.h"

#include <string>

namespace sweep {

/// Writes `dataset` to `path` (replaced whole: a temporary file, then a
/// rename). On failure sets `error` and returns false.
bool writeDatasetCsv(const Dataset &dataset, const std::string &path, std::string &error);

/// Whether `path` is a file writeDatasetCsv wrote: its first line starts
/// "split,x0,". `sweepc data` replaces or removes only such files.
bool isDatasetCsvExport(const std::string &path);

/// A float32 in the shortest text that reads back to the same float.
std::string shortestFloat(float value);

} // namespace sweep

#endif // SWEEP_RUNTIME_DATA_DATASETCSV_H
