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
  /// rows x features values, row after row, as float32 (what trains on them).
  /// Regression: a vector per row and a label text per row held 20 times the
  /// file's size.
  std::vector<float> values;
  /// Each row's label, as an index into `labelTexts` (the distinct labels in
  /// the order they first appear); regression targets go to `targets`.
  std::vector<uint32_t> labelIds;
  std::vector<std::string> labelTexts;
  std::vector<float> targets;
  /// The classes, in order: a class is its index here. When every label is a
  /// decimal number ("3", "-0.5", "1e3"; not hexadecimal, inf or nan), one
  /// class per distinct value in numeric order (labels 0..10 are
  /// classes 0..10; "1", "1.0" and "01" are one class, named by its first
  /// spelling); otherwise the distinct labels' texts in byte order.
  std::vector<std::string> classNames;
  /// Every label was a number: `classValues[i]` is class i's value.
  bool numericClasses = false;
  std::vector<double> classValues;
  /// Why readCsv failed, when it was the label column named or numbered in
  /// the options that the file does not have (an error about the option,
  /// not the file).
  bool labelMissing = false;

  float feature(size_t row, size_t f) const { return values[row * features + f]; }
  const std::string &label(size_t row) const { return labelTexts[labelIds[row]]; }
};

/// A record longer than this is an error: a file without line breaks (a
/// binary file, a one-line JSON export) would otherwise be held whole.
constexpr size_t kMaxCsvRecordBytes = size_t(64) << 20;

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
/// Records follow RFC 4180 (a field in quotes may hold commas, line breaks
/// and doubled quotes); a quote inside an unquoted field is a character of
/// it (as pandas reads `12" pizza`), text after a closing quote an error;
/// lines end in LF or CRLF, and a carriage return alone is an error (it
/// was dropped: `1<CR>2` read as 12).
bool readCsv(const std::string &path, const CsvOptions &options, CsvTable &table,
             std::string &error);

/// The class of `label` in `table`'s classes (the training file's, for a
/// test file's label); false when it is none of them.
bool classIndex(const CsvTable &table, const std::string &label, int32_t &index);

/// Checks a test file against its training file, read with the same options:
/// the same number of features, the same label column, and no class the
/// training file lacks. With headers, columns are matched by name: the same
/// features in another order are put in the training file's order (in
/// `test.values`), a missing or extra name is an error.
bool matchTestColumns(const CsvTable &train, CsvTable &test, const std::string &testPath,
                      const std::string &trainPath, std::string &error);

} // namespace sweep

#endif // SWEEP_RUNTIME_DATA_CSVFILE_H
