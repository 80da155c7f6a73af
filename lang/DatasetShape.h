//===- DatasetShape.h - sizes of a configured dataset -----------*- C++ -*-===//
//
// The planner needs each dataset's input width, classes (or regression
// targets) and split sizes. Built-in and synthetic sources know them from their
// settings; IDX and CSV sources read their files' headers and labels.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_DATASETSHAPE_H
#define SWEEP_LANG_DATASETSHAPE_H

#include "lang/Value.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <array>
#include <cstdint>
#include <string>

namespace sweep {

struct DatasetShape {
  std::string source;   // "fashion_mnist", "csv", ...
  int64_t inputs = 0;
  int64_t classes = 0;  // 0 for regression.
  int64_t targets = 0;  // Output width: classes, or regression targets.
  int64_t train = 0;    // After the validation split.
  int64_t validation = 0;
  int64_t test = 0;

  bool isClassification() const { return classes > 0; }
};

/// `path` taken relative to `baseDir` (the .sweep file's directory) unless absolute.
std::string resolveDataPath(llvm::StringRef path, llvm::StringRef baseDir);

/// The IDX files of a fashion_mnist directory: train images, train labels,
/// test images, test labels.
std::array<std::string, 4> fashionMnistFiles(const std::string &dir);

/// Computes the shape of data source `source` whose parameters `get` returns.
/// Relative file paths are taken from `baseDir`. On failure sets `error` and
/// `errorParam` (the parameter to point the diagnostic at, or "").
bool computeDatasetShape(llvm::StringRef source,
                         llvm::function_ref<Value(llvm::StringRef)> get,
                         llvm::StringRef baseDir, DatasetShape &shape, std::string &error,
                         std::string &errorParam);

} // namespace sweep

#endif // SWEEP_LANG_DATASETSHAPE_H
