//===- DataFingerprint.cpp - the data a sweep's finished runs saw ---------===//

#include "runtime/results/DataFingerprint.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

using namespace sweep;

namespace {
/// splitmix64's finalizer, as lang/Hash64.h has it: the runtime (and so built
/// executables) does not depend on the front end, and a fingerprint need only
/// agree with itself across invocations of one sweepc.
uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// Eight bytes at a time: Fashion-MNIST's 220 MB of floats in a few tens of ms.
uint64_t hashBytes(uint64_t hash, const void *data, size_t size) {
  const unsigned char *bytes = static_cast<const unsigned char *>(data);
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + i, 8);
    hash = mix(hash ^ word) + 0x9e3779b97f4a7c15ull;
  }
  uint64_t last = 0;
  std::memcpy(&last, bytes + i, size - i);
  return mix(hash ^ last ^ (uint64_t(size) << 32));
}

template <typename T> uint64_t hashVector(uint64_t hash, const std::vector<T> &values) {
  return hashBytes(hash, values.data(), values.size() * sizeof(T));
}

/// A data configuration's dataset and every setting that changes what is
/// loaded: the whole key of the sweepc before 2026-11-30 (keyOf's start).
std::string settingsKey(const DataSpec &spec) {
  std::ostringstream key;
  key << spec.source << " " << spec.name;
  key << " label=" << spec.labelName << "/" << spec.labelIndex << " header=" << spec.header
      << " regress=" << spec.regress << " normalize=" << spec.normalize << " limit=" << spec.limit
      << " validation=" << spec.validationCount << "/" << spec.validationFraction;
  return key.str();
}

/// What names a data configuration across invocations: its settings, and
/// its data settings as the .sweep file writes them (dataSettingsText: the
/// paths as written). Not the files' resolved paths, which change with the
/// directory sweepc runs in, `./x.sweep` for `x.sweep` or a built
/// executable's --data-dir. Regressions: a changed file resumed under another
/// spelling of its path was taken as new data and mixed in; two inline
/// sources (`data in [csv("a.csv"), csv("b.csv")]`) shared one key, so a
/// change to one of them resumed.
std::string keyOf(const SweepJob &job, uint32_t d, bool legacy = false) {
  std::ostringstream key;
  key << settingsKey(job.datasets[d]) << " as ";
  // One key per line of .data-fingerprints: a path may hold a line break.
  // A backslash is escaped too, or "x<LF>b.csv" and "x\\nb.csv" would share a
  // key (the sweepc before 2026-12-01 did not: `legacy`, to read its keys).
  for (char c : dataSettingsText(job, d))
    key << (c == '\n'                ? "\\n"
            : c == '\r'              ? "\\r"
            : c == '\\' && !legacy ? "\\\\"
                                    : std::string(1, c));
  return key.str();
}

bool fileBacked(const DataSpec &spec) {
  return !spec.images.empty() || !spec.csvPath.empty();
}

std::string hex(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016" PRIx64, value);
  return text;
}
} // namespace

uint64_t sweep::fingerprintDataset(const Dataset &data) {
  uint64_t hash = mix(uint64_t(data.inputs) * 31 + uint64_t(data.classes) * 7 +
                      uint64_t(data.targets));
  for (const Split *split : {&data.train, &data.validation, &data.test}) {
    hash = mix(hash ^ uint64_t(split->count));
    hash = hashVector(hash, split->x);
    hash = hashVector(hash, split->classes);
    hash = hashVector(hash, split->targets);
  }
  return hash;
}

bool sweep::checkDataFingerprints(const std::string &dir, const SweepJob &job,
                                  const std::vector<Dataset> &datasets, bool resuming,
                                  bool write, std::string &error,
                                  std::vector<std::string> *unchecked) {
  const std::string path = dir + "/.data-fingerprints";
  std::map<std::string, std::string> now; // Key -> fingerprint, this invocation's.
  for (size_t d = 0; d < job.datasets.size() && d < datasets.size(); ++d)
    if (fileBacked(job.datasets[d]))
      now[keyOf(job, uint32_t(d))] = hex(fingerprintDataset(datasets[d]));
  // Lines "<fingerprint> <key>". Results of an older sweepc have no file:
  // nothing to check against, and this invocation's data is recorded.
  std::ifstream in(path, std::ios::binary);
  std::map<std::string, std::string> before;
  size_t lineNumber = 0;
  for (std::string line; resuming && std::getline(in, line);) {
    ++lineNumber;
    // A file saved by an editor with CRLF line ends: keys escape a carriage
    // return, so a raw one is the line's end.
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    // Sixteen hex digits, a space, a key, a line break (every line is
    // written whole: one without its break was cut). Regression: any line
    // longer than 17 characters was taken, so a file cut short checked nothing.
    bool whole = line.size() > 17 && line[16] == ' ' && !in.eof() &&
                 std::all_of(line.begin(), line.begin() + 16,
                             [](char c) { return std::isxdigit((unsigned char)c); });
    if (!whole) {
      error = "'" + path + "' line " + std::to_string(lineNumber) +
              " is damaged, so the data the finished runs trained on cannot be checked; "
              "remove the line (or the file) to resume without that check, or use --overwrite";
      return false;
    }
    before[line.substr(17)] = line.substr(0, 16);
  }
  for (size_t d = 0; d < job.datasets.size() && d < datasets.size(); ++d) {
    const DataSpec &spec = job.datasets[d];
    if (!fileBacked(spec))
      continue;
    std::string key = keyOf(job, uint32_t(d));
    auto earlier = before.find(key);
    if (earlier == before.end())
      earlier = before.find(keyOf(job, uint32_t(d), /*legacy=*/true));
    // Results of the sweepc before 2026-11-30 keyed a dataset by its settings
    // alone: such a line is this dataset's when no other of the sweep has
    // the same settings (inline sources that differ only in their files
    // shared it, and which one it describes cannot be told).
    std::string settings = settingsKey(spec);
    size_t sharing = 0;
    for (size_t e = 0; e < job.datasets.size() && e < datasets.size(); ++e)
      sharing += fileBacked(job.datasets[e]) && settingsKey(job.datasets[e]) == settings;
    if (earlier == before.end() && sharing == 1)
      earlier = before.find(settings);
    if (resuming && earlier == before.end() && unchecked)
      unchecked->push_back(spec.name);
    if (earlier != before.end() && earlier->second != now[key]) {
      std::string files = spec.csvPath.empty() ? spec.images + ", " + spec.labels : spec.csvPath;
      if (!spec.csvTest.empty())
        files += ", " + spec.csvTest;
      if (!spec.testImages.empty())
        files += ", " + spec.testImages + ", " + spec.testLabels;
      error = "the data of dataset '" + spec.name + "' (" + files +
              ") is not what the finished runs in '" + dir +
              "' trained on: a file changed since; restore it, or use another output directory "
              "or --overwrite";
      return false;
    }
  }
  if (!write)
    return true;
  // Keep the fingerprints of configurations this invocation did not load
  // (another --sweep's, say): they still describe finished runs.
  for (const auto &[key, print] : now)
    before[key] = print;
  // Lines of the older key the new ones replace.
  for (size_t d = 0; d < job.datasets.size() && d < datasets.size(); ++d)
    if (fileBacked(job.datasets[d]))
      before.erase(settingsKey(job.datasets[d]));
  std::ofstream out(path + ".partial");
  for (const auto &[key, print] : before)
    out << print << " " << key << "\n";
  out.close();
  if (!out || std::rename((path + ".partial").c_str(), path.c_str()) != 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  return true;
}
