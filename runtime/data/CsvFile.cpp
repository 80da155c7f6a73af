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
#include <unordered_map>

#include <sys/stat.h>

using namespace sweep;

namespace {
/// Reads a CSV file record by record (RFC 4180) into cells, trimmed of
/// spaces and tabs at both ends. One pass over the bytes, no line held apart
/// from its cells: the cells' strings are reused from record to record.
class CsvRecordReader {
public:
  CsvRecordReader(std::streambuf &in, const std::string &path) : in(in), path(path) {}

  enum class Result { Record, End, Failed };

  /// The next record: `cells[0, count)`. `blank`: the record was a line of
  /// spaces and tabs at most. firstLine/lastLine: its lines (1-based).
  Result next(std::vector<std::string> &cells, size_t &count, bool &blank, std::string &error);

  size_t firstLine = 0, lastLine = 0;

private:
  /// Editors on Windows start UTF-8 files with a byte order mark, which would
  /// otherwise become part of the first column's name. Read at the first
  /// record, where a read error is caught.
  void skipByteOrderMark() {
    started = true;
    for (unsigned char byte : {0xEF, 0xBB, 0xBF}) {
      int c = in.sbumpc();
      if (c == EOF)
        break;
      pending.push_back(char(c));
      if (c != byte)
        break;
    }
    if (pending == "\xEF\xBB\xBF")
      pending.clear();
  }
  int get() {
    if (offset < pending.size())
      return (unsigned char)pending[offset++];
    return in.sbumpc();
  }
  int peek() { return offset < pending.size() ? (unsigned char)pending[offset] : in.sgetc(); }

  std::streambuf &in;
  const std::string &path;
  std::string pending; // Bytes read ahead (a byte order mark that was none).
  size_t offset = 0;
  size_t lines = 0; // Line breaks read so far.
  bool started = false;
};

void trimSpaces(std::string &text) {
  size_t end = text.find_last_not_of(" \t");
  text.erase(end == std::string::npos ? 0 : end + 1);
  size_t begin = text.find_first_not_of(" \t");
  text.erase(0, begin == std::string::npos ? text.size() : begin);
}

CsvRecordReader::Result CsvRecordReader::next(std::vector<std::string> &cells, size_t &count,
                                              bool &blank, std::string &error) {
  if (!started)
    skipByteOrderMark();
  int c = get();
  if (c == EOF)
    return Result::End;
  firstLine = lines + 1;
  count = 0;
  blank = true;
  enum class State { Start, Unquoted, Quoted, Closed } state = State::Start;
  std::string *cell = nullptr;
  auto startCell = [&] {
    if (count == cells.size())
      cells.emplace_back();
    cell = &cells[count++];
    cell->clear();
    state = State::Start;
  };
  auto fail = [&](size_t line, const std::string &what) {
    error = "'" + path + "' line " + std::to_string(line) + ": " + what;
    return Result::Failed;
  };
  startCell();
  for (size_t bytes = 1;; c = get(), ++bytes) {
    if (bytes > kMaxCsvRecordBytes)
      return fail(firstLine, "a record longer than " + std::to_string(kMaxCsvRecordBytes >> 20) +
                                 " MiB (is this a CSV file?)");
    if (c == '\r') {
      if (int next = peek(); next == '\n') {
        c = get(); // CRLF is one line break (in a field too: one '\n').
      } else if (next == EOF && state != State::Quoted) {
        c = '\n'; // A CRLF file's last line break cut to its CR.
      } else if (state != State::Quoted) {
        return fail(lines + 1, "a carriage return without a line feed after it (a file with "
                               "CR line ends? save it with LF or CRLF line ends)");
      }
    }
    if (c == EOF || (c == '\n' && state != State::Quoted)) {
      if (state == State::Quoted)
        return fail(firstLine, "a quoted field is never closed (a '\"' without its closing '\"')");
      for (size_t k = 0; k < count; ++k)
        trimSpaces(cells[k]);
      if (c == '\n')
        ++lines;
      lastLine = c == '\n' ? lines : lines + 1;
      return Result::Record;
    }
    if (c != ' ' && c != '\t')
      blank = false;
    switch (state) {
    case State::Quoted:
      if (c == '"') {
        if (peek() == '"')
          cell->push_back(char(get()));
        else
          state = State::Closed;
        break;
      }
      if (c == '\n')
        ++lines;
      cell->push_back(char(c));
      break;
    case State::Closed:
      if (c == ',')
        startCell();
      else if (c != ' ' && c != '\t')
        return fail(lines + 1, "text after the closing quote of a quoted field (column " +
                                   std::to_string(count) + ")");
      break;
    case State::Start: // Spaces and tabs so far.
      if (c == '"') {
        cell->clear();
        state = State::Quoted;
        break;
      }
      if (c != ' ' && c != '\t' && c != ',')
        state = State::Unquoted;
      [[fallthrough]];
    case State::Unquoted:
      if (c == ',')
        startCell();
      else
        cell->push_back(char(c)); // A quote here is text: `12" pizza`.
      break;
    }
  }
}
} // namespace

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

/// Edits (insert, delete, replace) from `a` to `b`, ignoring letter case.
static size_t editDistance(const std::string &a, const std::string &b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      bool same = std::tolower((unsigned char)a[i - 1]) == std::tolower((unsigned char)b[j - 1]);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// "has no column named 'clas'; did you mean 'class'? Its columns: a, b,
/// class": the header's names (the first 20), and the closest when it is a
/// likely typo or the same name in other letter case (names are exact).
static std::string noColumnNamed(const std::string &name, const std::vector<std::string> &header) {
  std::string text = "has no column named '" + name + "'";
  size_t limit = std::max<size_t>(2, (name.size() + 2) / 3), best = limit + 1;
  const std::string *closest = nullptr;
  for (const std::string &column : header) {
    size_t distance = editDistance(name, column);
    if (column != name && distance < best && distance < column.size()) {
      best = distance;
      closest = &column;
    }
  }
  if (closest)
    text += "; did you mean '" + *closest + "'?";
  text += closest ? " Its columns: " : "; its columns: ";
  for (size_t c = 0; c < header.size() && c < 20; ++c)
    text += (c ? ", " : "") + (header[c].empty() ? std::string("''") : header[c]);
  if (header.size() > 20)
    text += " and " + std::to_string(header.size() - 20) + " more";
  return text;
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
      std::vector<float> row(from.size());
      for (size_t r = 0; r < test.rows && !test.values.empty(); ++r) {
        float *values = test.values.data() + r * from.size();
        for (size_t f = 0; f < from.size(); ++f)
          row[f] = values[from[f]];
        std::copy(row.begin(), row.end(), values);
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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  CsvRecordReader reader(*in.rdbuf(), path);
  std::vector<std::string> cells;
  size_t count = 0, columns = 0;
  bool haveColumns = false, blank = false;
  // Each distinct label once; rows hold their index.
  std::unordered_map<std::string, uint32_t> labelIds;
  for (;;) {
    CsvRecordReader::Result read;
    // The stream buffer is read directly: a read error (EIO) is its
    // exception, not the stream's bad bit. Regression: it ended sweepc
    // through the terminate handler, the dataset unnamed.
    try {
      read = reader.next(cells, count, blank, error);
    } catch (const std::exception &failure) {
      error = "error reading '" + path + "': " + failure.what();
      return false;
    }
    if (read == CsvRecordReader::Result::Failed)
      return false;
    if (read == CsvRecordReader::Result::End)
      break;
    size_t lineNumber = reader.firstLine;
    if (blank)
      continue;
    if (!haveColumns) {
      columns = count;
      haveColumns = true;
      std::vector<std::string> header(cells.begin(), cells.begin() + count);
      if (!options.labelName.empty()) {
        if (!options.header) {
          error = "'" + path + "': a label column given by name needs a header row";
          return false;
        }
        auto it = std::find(header.begin(), header.end(), options.labelName);
        if (it == header.end()) {
          error = "'" + path + "' " + noColumnNamed(options.labelName, header);
          table.labelMissing = true;
          return false;
        }
        table.labelColumn = size_t(it - header.begin());
        // Regression: the first was the label and the second a feature.
        auto again = std::find(it + 1, header.end(), options.labelName);
        if (again != header.end()) {
          error = "'" + path + "' names column '" + options.labelName +
                  "' more than once (columns " + std::to_string(table.labelColumn) + " and " +
                  std::to_string(again - header.begin()) +
                  "): give the label column by its index, 'label: " +
                  std::to_string(table.labelColumn) + "'";
          return false;
        }
      } else {
        if (options.labelIndex < 0 || size_t(options.labelIndex) >= columns) {
          error = "'" + path + "' has " + std::to_string(columns) +
                  " columns, numbered from 0; label column " +
                  std::to_string(options.labelIndex) + " does not exist";
          table.labelMissing = true;
          return false;
        }
        table.labelColumn = size_t(options.labelIndex);
      }
      if (columns < 2) {
        error = "'" + path + "' needs at least one feature column besides the label";
        return false;
      }
      table.features = columns - 1;
      if (options.header) {
        table.columnNames = std::move(header);
        continue;
      }
    }
    if (count != columns) {
      error = "'" + path + "' line " + std::to_string(lineNumber) + " has " +
              std::to_string(count) + " columns, expected " + std::to_string(columns);
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
      if (!options.keepRows)
        continue;
      if (c != table.labelColumn)
        table.values.push_back(float(value));
      else if (options.numericLabels)
        table.targets.push_back(float(value));
    }
    ++table.rows;
    if (!options.numericLabels) {
      std::string &label = cells[table.labelColumn];
      auto [at, added] = labelIds.try_emplace(label, uint32_t(table.labelTexts.size()));
      if (added)
        table.labelTexts.push_back(label);
      if (options.keepRows)
        table.labelIds.push_back(at->second);
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
  table.classNames.clear();
  table.classValues.clear();
  if (options.numericLabels)
    return true;
  // Labels by value while every one is a number, with the first spelling.
  std::map<double, std::string> numericClasses;
  bool allNumeric = true;
  for (const std::string &label : table.labelTexts) {
    double value;
    if (!decimalNumber(label, value)) {
      allNumeric = false;
      break;
    }
    numericClasses.emplace(value, label);
  }
  table.numericClasses = allNumeric;
  if (allNumeric) {
    for (const auto &[value, spelling] : numericClasses) {
      table.classValues.push_back(value);
      table.classNames.push_back(spelling);
    }
  } else {
    table.classNames = table.labelTexts;
    std::sort(table.classNames.begin(), table.classNames.end());
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
