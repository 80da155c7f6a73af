//===- CsvFile.cpp - numeric CSV tables -----------------------------------===//

#include "runtime/data/CsvFile.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <sys/stat.h>

using namespace sweep;

/// Whether `line` ends inside a quoted field, counting from `quoted` (the
/// state the line starts in). A doubled quote inside one is two toggles.
static bool endsQuoted(const std::string &line, bool quoted) {
  for (char c : line)
    if (c == '"')
      quoted = !quoted;
  return quoted;
}

/// The next record: one line, or several where a quoted field holds line
/// breaks (RFC 4180). `first` is its first line's number, `last` its last's.
/// False at the end of the file; `unterminated` when a quote is never closed.
static bool readRecord(std::istream &in, std::string &record, size_t &first, size_t &last,
                       bool &unterminated) {
  unterminated = false;
  if (!std::getline(in, record))
    return false;
  first = ++last;
  bool quoted = endsQuoted(record, false);
  std::string line;
  while (quoted) {
    if (!std::getline(in, line)) {
      unterminated = true;
      return true;
    }
    ++last;
    if (!record.empty() && record.back() == '\r')
      record.pop_back(); // A CRLF file's line break inside a field is one '\n'.
    record += '\n';
    record += line;
    quoted = endsQuoted(line, quoted);
  }
  return true;
}

static std::vector<std::string> splitRow(const std::string &line) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(cell);
      cell.clear();
    } else if (c != '\r') {
      cell.push_back(c);
    }
  }
  cells.push_back(cell);
  for (std::string &text : cells) {
    size_t begin = text.find_first_not_of(" \t");
    size_t end = text.find_last_not_of(" \t");
    text = begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
  }
  return cells;
}

/// A cell written as a decimal number ("3", "-0.5", "1e3", "01"), and its
/// value: a feature, a regression target, or a label that makes labels
/// classes in numeric order. Not hexadecimal, inf, nan, "1_0" or "0<NUL>.4",
/// some of which strtod reads (and pandas does not); a value too large for a
/// double is not a number, one too small is its rounding (1e-310, 0).
/// Regression: strtod took "0x10" as 16 and "1e-310" as no number.
static bool decimalNumber(const std::string &text, double &value) {
  size_t i = 0, n = text.size();
  if (i < n && (text[i] == '+' || text[i] == '-'))
    ++i;
  size_t digits = 0;
  for (; i < n && std::isdigit(static_cast<unsigned char>(text[i])); ++i)
    ++digits;
  if (i < n && text[i] == '.')
    for (++i; i < n && std::isdigit(static_cast<unsigned char>(text[i])); ++i)
      ++digits;
  if (digits == 0)
    return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-'))
      ++i;
    size_t exponent = 0;
    for (; i < n && std::isdigit(static_cast<unsigned char>(text[i])); ++i)
      ++exponent;
    if (exponent == 0)
      return false;
  }
  if (i != n)
    return false;
  value = std::strtod(text.c_str(), nullptr);
  return std::isfinite(value);
}

bool sweep::matchTestColumns(const CsvTable &train, CsvTable &test, const std::string &testPath,
                             const std::string &trainPath, std::string &error) {
  if (test.features != train.features) {
    error = "'" + testPath + "' has " + std::to_string(test.features) +
            " features, the training file '" + trainPath + "' " + std::to_string(train.features);
    return false;
  }
  if (!train.columnNames.empty() && !test.columnNames.empty()) {
    const std::string &trainLabel = train.columnNames[train.labelColumn];
    const std::string &testLabel = test.columnNames[test.labelColumn];
    if (trainLabel != testLabel) {
      error = "'" + testPath + "': the label column is '" + testLabel + "', in the training file '" +
              trainPath + "' '" + trainLabel + "'";
      return false;
    }
    auto featureNames = [](const CsvTable &table) {
      std::vector<std::string> names;
      for (size_t c = 0; c < table.columnNames.size(); ++c)
        if (c != table.labelColumn)
          names.push_back(table.columnNames[c]);
      return names;
    };
    std::vector<std::string> trainNames = featureNames(train), testNames = featureNames(test);
    if (trainNames != testNames) {
      // The same columns in another order are read in the training file's order;
      // anything else would feed one feature's values in as another's.
      std::vector<size_t> from(trainNames.size());
      for (size_t f = 0; f < trainNames.size(); ++f) {
        size_t found = std::count(testNames.begin(), testNames.end(), trainNames[f]);
        if (found != 1 ||
            std::count(trainNames.begin(), trainNames.end(), trainNames[f]) != 1) {
          error = "'" + testPath + "' " +
                  (found == 0 ? "has no column named '" + trainNames[f] + "'"
                              : "names column '" + trainNames[f] + "' more than once") +
                  ", which the training file '" + trainPath +
                  "' has (a test file's columns are matched by name)";
          return false;
        }
        from[f] = size_t(std::find(testNames.begin(), testNames.end(), trainNames[f]) -
                         testNames.begin());
      }
      for (std::vector<double> &row : test.featureRows) {
        std::vector<double> reordered(row.size());
        for (size_t f = 0; f < from.size(); ++f)
          reordered[f] = row[from[f]];
        row = std::move(reordered);
      }
    }
  }
  int32_t index;
  for (const std::string &label : test.classNames)
    if (!classIndex(train, label, index)) {
      error = "'" + testPath + "' has label '" + label + "', which the training file '" +
              trainPath + "' does not have";
      return false;
    }
  return true;
}

bool sweep::readCsv(const std::string &path, const CsvOptions &options, CsvTable &table,
                    std::string &error) {
  table = CsvTable(); // A table read before must not lend this one its column names.
  // Only regular files: a device such as /dev/zero would be read forever.
  struct stat info;
  if (::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
    error = "'" + path + "' is not a regular file";
    return false;
  }
  std::ifstream in(path);
  if (!in) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::string line;
  size_t lineNumber = 0, lastLine = 0;
  size_t columns = 0;
  bool haveColumns = false, unterminated = false;
  std::set<std::string> classes;
  // Labels by value while every one is a number, with the first spelling.
  std::map<double, std::string> numericClasses;
  bool allNumeric = true;
  while (readRecord(in, line, lineNumber, lastLine, unterminated)) {
    if (unterminated) {
      error = "'" + path + "' line " + std::to_string(lineNumber) +
              ": a quoted field is never closed (a '\"' without its closing '\"')";
      return false;
    }
    // Editors on Windows start UTF-8 files with a byte order mark, which would
    // otherwise become part of the first column's name.
    if (lineNumber == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0)
      line.erase(0, 3);
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    std::vector<std::string> cells = splitRow(line);
    if (!haveColumns) {
      columns = cells.size();
      haveColumns = true;
      if (!options.labelName.empty()) {
        if (!options.header) {
          error = "'" + path + "': a label column given by name needs a header row";
          return false;
        }
        auto it = std::find(cells.begin(), cells.end(), options.labelName);
        if (it == cells.end()) {
          error = "'" + path + "' has no column named '" + options.labelName + "'";
          return false;
        }
        table.labelColumn = size_t(it - cells.begin());
        // Regression: the first was the label and the second a feature.
        auto again = std::find(it + 1, cells.end(), options.labelName);
        if (again != cells.end()) {
          error = "'" + path + "' names column '" + options.labelName +
                  "' more than once (columns " + std::to_string(table.labelColumn) + " and " +
                  std::to_string(again - cells.begin()) +
                  "): give the label column by its index, 'label: " +
                  std::to_string(table.labelColumn) + "'";
          return false;
        }
      } else {
        if (options.labelIndex < 0 || size_t(options.labelIndex) >= columns) {
          error = "'" + path + "' has " + std::to_string(columns) + " columns; label column " +
                  std::to_string(options.labelIndex) + " does not exist";
          return false;
        }
        table.labelColumn = size_t(options.labelIndex);
      }
      if (columns < 2) {
        error = "'" + path + "' needs at least one feature column besides the label";
        return false;
      }
      if (options.header) {
        table.columnNames = cells;
        continue;
      }
    }
    if (cells.size() != columns) {
      error = "'" + path + "' line " + std::to_string(lineNumber) + " has " +
              std::to_string(cells.size()) + " columns, expected " + std::to_string(columns);
      return false;
    }
    // "line 3 column 2 ('width')": the header's name where there is one.
    auto cellName = [&](size_t c) {
      std::string name = "'" + path + "' line " + std::to_string(lineNumber) + " column " +
                         std::to_string(c + 1);
      if (c < table.columnNames.size() && !table.columnNames[c].empty())
        name += " ('" + table.columnNames[c] + "')";
      return name;
    };
    std::vector<double> features;
    features.reserve(columns - 1);
    for (size_t c = 0; c < columns; ++c) {
      // An empty label would otherwise be a class of its own.
      if (cells[c].empty()) {
        error = cellName(c) + " is empty: missing values are not filled in; fill the cell "
                              "or remove the row";
        return false;
      }
      double value;
      if (!decimalNumber(cells[c], value)) {
        if (c == table.labelColumn && !options.numericLabels)
          continue; // A class name.
        error = cellName(c) + ": '" + cells[c] + "' is not a number";
        return false;
      }
      // Samples are float32: a larger value would become infinite.
      // Beyond float32's largest value by half its last place or more, the
      // value rounds to an infinity; below that, to the largest value.
      constexpr double kFloat32Infinite = 0x1.ffffffp+127;
      if (std::fabs(value) >= kFloat32Infinite &&
          (c != table.labelColumn || options.numericLabels)) {
        error = cellName(c) + ": '" + cells[c] +
                "' is outside float32's range (magnitudes up to about 3.4e38)";
        return false;
      }
      if (c != table.labelColumn)
        features.push_back(value);
    }
    ++table.rows;
    if (options.keepRows) {
      table.featureRows.push_back(std::move(features));
      table.labels.push_back(cells[table.labelColumn]);
    }
    if (!options.numericLabels) {
      const std::string &label = cells[table.labelColumn];
      classes.insert(label);
      double value;
      if (allNumeric && decimalNumber(label, value))
        numericClasses.emplace(value, label);
      else
        allNumeric = false;
    }
  }
  if (in.bad()) {
    error = "error reading '" + path + "'";
    return false;
  }
  if (table.rows == 0) {
    error = "'" + path + "' has no data rows";
    return false;
  }
  table.features = columns - 1;
  table.numericClasses = allNumeric && !options.numericLabels;
  table.classNames.clear();
  table.classValues.clear();
  if (table.numericClasses) {
    for (const auto &[value, spelling] : numericClasses) {
      table.classValues.push_back(value);
      table.classNames.push_back(spelling);
    }
  } else if (!options.numericLabels) {
    table.classNames.assign(classes.begin(), classes.end());
  }
  return true;
}

bool sweep::classIndex(const CsvTable &table, const std::string &label, int32_t &index) {
  if (table.numericClasses) {
    double value;
    if (!decimalNumber(label, value))
      return false;
    auto it = std::lower_bound(table.classValues.begin(), table.classValues.end(), value);
    if (it == table.classValues.end() || *it != value)
      return false;
    index = int32_t(it - table.classValues.begin());
    return true;
  }
  auto it = std::lower_bound(table.classNames.begin(), table.classNames.end(), label);
  if (it == table.classNames.end() || *it != label)
    return false;
  index = int32_t(it - table.classNames.begin());
  return true;
}
