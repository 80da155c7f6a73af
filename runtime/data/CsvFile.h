//===- CsvFile.h - numeric CSV tables ---------------------------*- C++ -*-===//
//
// A CSV file with one sample per row: numeric feature columns and one label
// column (a class name or number, or a regression target).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DATA_CSVFILE_H
#define SWEEP_RUNTIME_DATA_CSVFILE_H

#include <cstdint>
#include <string>
#include <vector>

namespace sweep {

struct CsvTable {
  std::vector<std::string> columnNames; // Empty without a header row.
  size_t labelColumn = 0;
  size_t rows = 0;
  size_t features = 0;
  std::vector<std::vector<double>> featureRows;
  std::vector<std::string> labels;
  /// The classes, in order: a class is its index here. When every label is a
  /// decimal number ("3", "-0.5", "1e3"; not hexadecimal, inf or nan), one
  /// class per distinct value in numeric order (labels 0..10 are
  /// classes 0..10; "1", "1.0" and "01" are one class, named by its first
  /// spelling); otherwise the distinct labels' texts in byte order.
  std::vector<std::string> classNames;
  /// Every label was a number: `classValues[i]` is class i's value.
  bool numericClasses = false;
  std::vector<double> classValues;
};

struct CsvOptions {
  bool header = true;
  std::string labelName; // Used when non-empty.
  int64_t labelIndex = 0;
  /// Labels are regression targets: each must be a finite number.
  bool numericLabels = false;
  /// False: check the file and count rows, features and classes, but keep no
  /// rows (learning a file's shape must not need its size in memory).
  bool keepRows = true;
};

/// Reads and checks `path`: every row has the same number of columns and
/// every feature is a number. On failure sets `error` (with file and line).
bool readCsv(const std::string &path, const CsvOptions &options, CsvTable &table,
             std::string &error);

/// The class of `label` in `table`'s classes (the training file's, for a
/// test file's label); false when it is none of them.
bool classIndex(const CsvTable &table, const std::string &label, int32_t &index);

/// Checks a test file against its training file, read with the same options:
/// the same number of features, the same label column, and no class the
/// training file lacks. With headers, columns are matched by name: the same
/// features in another order are put in the training file's order (in
/// `test.featureRows`), a missing or extra name is an error.
bool matchTestColumns(const CsvTable &train, CsvTable &test, const std::string &testPath,
                      const std::string &trainPath, std::string &error);

} // namespace sweep

#endif // SWEEP_RUNTIME_DATA_CSVFILE_H
