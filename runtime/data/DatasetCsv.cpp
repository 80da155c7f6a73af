//===- DatasetCsv.cpp - a loaded dataset written as CSV -------------------===//

#include "runtime/data/DatasetCsv.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

using namespace sweep;

std::string sweep::shortestFloat(float value) {
  char buffer[32];
  auto [end, code] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return code == std::errc() ? std::string(buffer, end) : std::string("nan");
}

bool sweep::isDatasetCsvExport(const std::string &path) {
  FILE *file = std::fopen(path.c_str(), "r");
  if (!file)
    return false;
  char start[10] = {};
  size_t got = std::fread(start, 1, sizeof start - 1, file);
  std::fclose(file);
  return got == 9 && std::strcmp(start, "split,x0,") == 0;
}

bool sweep::writeDatasetCsv(const Dataset &dataset, const std::string &path,
                            std::string &error) {
  std::string temporary = path + ".partial";
  FILE *file = std::fopen(temporary.c_str(), "w");
  if (!file) {
    error = "cannot write '" + temporary + "': " + std::strerror(errno);
    return false;
  }
  std::string line = "split";
  for (int64_t i = 0; i < dataset.inputs; ++i)
    line += ",x" + std::to_string(i);
  if (dataset.isClassification())
    line += ",label";
  else
    for (int64_t t = 0; t < dataset.targets; ++t)
      line += ",y" + std::to_string(t);
  line += "\n";
  bool ok = std::fputs(line.c_str(), file) >= 0;
  const std::pair<const char *, const Split *> splits[] = {
      {"train", &dataset.train}, {"validation", &dataset.validation}, {"test", &dataset.test}};
  for (const auto &[name, split] : splits) {
    for (int64_t s = 0; ok && s < split->count; ++s) {
      line = name;
      const float *x = split->x.data() + s * dataset.inputs;
      for (int64_t i = 0; i < dataset.inputs; ++i)
        line += "," + shortestFloat(x[i]);
      if (dataset.isClassification()) {
        line += "," + std::to_string(split->classes[s]);
      } else {
        const float *y = split->targets.data() + s * dataset.targets;
        for (int64_t t = 0; t < dataset.targets; ++t)
          line += "," + shortestFloat(y[t]);
      }
      line += "\n";
      ok = std::fputs(line.c_str(), file) >= 0;
    }
  }
  ok = std::fclose(file) == 0 && ok;
  if (ok && std::rename(temporary.c_str(), path.c_str()) != 0)
    ok = false;
  if (!ok) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    std::remove(temporary.c_str());
  }
  return ok;
}
