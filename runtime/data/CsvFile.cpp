//===- CsvFile.cpp - numeric CSV tables -----------------------------------===//

#include "runtime/data/CsvFile.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <sys/stat.h>

using namespace sweep;

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

/// A finite number written in full: "1e5", "-0.5"; not "", "nan" or "1x".
static bool parseNumber(const std::string &text, double &value) {
  if (text.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  value = std::strtod(text.c_str(), &end);
  return *end == '\0' && errno != ERANGE && std::isfinite(value);
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
  size_t lineNumber = 0;
  size_t columns = 0;
  bool haveColumns = false;
  std::set<std::string> classes;
  while (std::getline(in, line)) {
    ++lineNumber;
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
      if (!parseNumber(cells[c], value)) {
        if (c == table.labelColumn && !options.numericLabels)
          continue; // A class name.
        error = cellName(c) + ": '" + cells[c] + "' is not a number";
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
    if (!options.numericLabels)
      classes.insert(cells[table.labelColumn]);
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
  table.classNames.assign(classes.begin(), classes.end());
  return true;
}
