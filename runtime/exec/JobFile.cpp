//===- JobFile.cpp - a SweepJob as text, and back -------------------------===//
//
// One visit() per struct lists its fields once; the writer and the reader
// walk the same lists, so a field cannot be written and then not read.
//
//===----------------------------------------------------------------------===//

#include "runtime/exec/JobFile.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include <zlib.h>

using namespace sweep;

namespace {
/// Bumped whenever a visited struct gains, loses or reorders a field.
constexpr const char *kFormat = "sweepc-job-v4";

class Writer {
public:
  std::string text;
  void operator()(const std::string &value) {
    text += 's' + std::to_string(value.size()) + ':' + value + '\n';
  }
  void operator()(double value) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "d%a\n", value); // Hex float: exact.
    text += buffer;
  }
  void operator()(bool value) { text += value ? "b1\n" : "b0\n"; }
  template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0> void operator()(T value) {
    text += (std::is_signed_v<T> ? "i" + std::to_string(int64_t(value))
                                 : "u" + std::to_string(uint64_t(value))) +
            '\n';
  }
  template <typename T, std::enable_if_t<std::is_enum_v<T>, int> = 0> void operator()(T value) {
    (*this)(int64_t(value));
  }
  template <typename T> void operator()(const std::vector<T> &values) {
    (*this)(uint64_t(values.size()));
    for (const T &value : values)
      (*this)(value);
  }
  /// As a list of strings.
  void operator()(const ColumnValues &values) {
    (*this)(uint64_t(values.size()));
    for (const std::string &value : values)
      (*this)(value);
  }
  template <typename T, std::enable_if_t<std::is_class_v<T>, int> = 0>
  void operator()(const T &value) {
    visit(*this, const_cast<T &>(value));
  }
};

class Reader {
public:
  explicit Reader(const std::string &text) : text(text) {}
  bool ok = true;
  std::string problem;

  void operator()(std::string &value) {
    std::string size = token('s', ':');
    if (!ok)
      return;
    size_t n = size_t(std::strtoull(size.c_str(), nullptr, 10));
    if (at + n + 1 > text.size() || text[at + n] != '\n')
      return fail("a string runs past the end");
    value = text.substr(at, n);
    at += n + 1;
  }
  void operator()(double &value) {
    std::string hex = token('d', '\n');
    if (ok)
      value = std::strtod(hex.c_str(), nullptr);
  }
  void operator()(bool &value) {
    std::string digit = token('b', '\n');
    if (ok)
      value = digit == "1";
  }
  template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
  void operator()(T &value) {
    std::string digits = token(std::is_signed_v<T> ? 'i' : 'u', '\n');
    if (ok)
      value = std::is_signed_v<T> ? T(std::strtoll(digits.c_str(), nullptr, 10))
                                  : T(std::strtoull(digits.c_str(), nullptr, 10));
  }
  template <typename T, std::enable_if_t<std::is_enum_v<T>, int> = 0> void operator()(T &value) {
    int64_t raw = 0;
    (*this)(raw);
    value = T(raw);
  }
  template <typename T> void operator()(std::vector<T> &values) {
    uint64_t count = 0;
    (*this)(count);
    if (!ok || count > text.size()) // Each element takes at least a byte.
      return fail("a list is longer than the text");
    values.assign(size_t(count), T());
    for (T &value : values)
      (*this)(value);
  }
  void operator()(ColumnValues &values) {
    std::vector<std::string> texts;
    (*this)(texts);
    values.assign(texts.begin(), texts.end());
  }
  template <typename T, std::enable_if_t<std::is_class_v<T>, int> = 0> void operator()(T &value) {
    visit(*this, value);
  }
  bool atEnd() const { return at == text.size(); }

private:
  /// The text after the tag `kind` up to `end`.
  std::string token(char kind, char end) {
    if (!ok)
      return "";
    if (at >= text.size() || text[at] != kind) {
      fail(std::string("expected a field of kind '") + kind + "'");
      return "";
    }
    size_t stop = text.find(end, at + 1);
    if (stop == std::string::npos) {
      fail("a field runs past the end");
      return "";
    }
    std::string value = text.substr(at + 1, stop - at - 1);
    at = stop + 1;
    return value;
  }
  void fail(const std::string &why) {
    if (ok)
      problem = why + " at byte " + std::to_string(at);
    ok = false;
  }
  const std::string &text;
  size_t at = 0;
};

template <typename A> void visit(A &a, LayerSpec &l) {
  a(l.kind), a(l.inputs), a(l.outputs), a(l.activation);
}

template <typename A> void visit(A &a, DataSpec &d) {
  a(d.source), a(d.name), a(d.images), a(d.labels), a(d.testImages), a(d.testLabels);
  a(d.csvPath), a(d.csvTest), a(d.labelName), a(d.labelIndex), a(d.header), a(d.regress);
  a(d.normalize), a(d.limit), a(d.validationCount), a(d.validationFraction);
  a(d.n), a(d.test), a(d.arms), a(d.classes), a(d.features), a(d.inputs), a(d.outputs);
  a(d.hidden), a(d.noise), a(d.turns), a(d.spread), a(d.seed);
  a(d.expectInputs), a(d.expectTargets), a(d.expectClasses);
  a(d.expectTrain), a(d.expectValidation), a(d.expectTest);
}

template <typename A> void visit(A &a, RunSpec &r) {
  a(r.id), a(r.configHash), a(r.group), a(r.seed), a(r.optimizer);
  a(r.lr), a(r.momentum), a(r.weightDecay), a(r.beta1), a(r.beta2), a(r.eps), a(r.nesterov);
  a(r.schedule), a(r.every), a(r.gamma), a(r.finalFraction), a(r.warmup);
  a(r.init), a(r.gain), a(r.dropout);
  a(r.earlyStop), a(r.stopMetric), a(r.patience), a(r.minDelta), a(r.divergenceFactor);
  a(r.columnValues);
}

template <typename A> void visit(A &a, PruneSpec &p) {
  a(p.kind), a(p.metric), a(p.reduction), a(p.grace), a(p.minRuns);
}

template <typename A> void visit(A &a, GroupSpec &g) {
  a(g.label), a(g.dataset), a(g.inputs), a(g.outputs), a(g.layers), a(g.loss), a(g.optimizer);
  a(g.classification), a(g.batch), a(g.largestSplit), a(g.epochs), a(g.energyPerLayer), a(g.runs);
}

template <typename A> void visit(A &a, SweepJob &j) {
  a(j.name), a(j.sourceFile), a(j.columns), a(j.logScaleColumns), a(j.metrics), a(j.device);
  a(j.energyMeter), a(j.energyWindowSeconds), a(j.energyBudgetJoules), a(j.prune);
  a(j.datasets), a(j.groups), a(j.runs);
}
} // namespace

std::string sweep::writeJobText(const SweepJob &job) {
  Writer writer;
  writer(std::string(kFormat));
  writer(job);
  return writer.text;
}

bool sweep::readJobText(const std::string &text, SweepJob &job, std::string &error) {
  Reader reader(text);
  std::string format;
  reader(format);
  if (!reader.ok || format != kFormat) {
    error = "not a sweep job of this sweepc (" + std::string(kFormat) + ")";
    return false;
  }
  SweepJob read;
  reader(read);
  if (reader.ok && !reader.atEnd())
    reader.ok = false, reader.problem = "text follows the job";
  if (!reader.ok) {
    error = "the sweep job is damaged: " + reader.problem;
    return false;
  }
  job = std::move(read);
  return true;
}

std::string sweep::packJobs(const std::vector<SweepJob> &jobs) {
  Writer writer;
  writer(uint64_t(jobs.size()));
  for (const SweepJob &job : jobs)
    writer(writeJobText(job));
  const std::string &text = writer.text;
  uLongf bound = compressBound(uLong(text.size()));
  std::string packed(8 + size_t(bound), '\0');
  uint64_t size = text.size();
  std::memcpy(&packed[0], &size, 8); // Little-endian x86-64 both sides.
  if (compress2(reinterpret_cast<Bytef *>(&packed[8]), &bound,
                reinterpret_cast<const Bytef *>(text.data()), uLong(text.size()), 6) != Z_OK)
    return "";
  packed.resize(8 + size_t(bound));
  return packed;
}

bool sweep::unpackJobs(const char *data, size_t size, std::vector<SweepJob> &jobs,
                       std::string &error) {
  uint64_t textSize = 0;
  if (size < 8) {
    error = "the embedded sweep jobs are damaged (too short)";
    return false;
  }
  std::memcpy(&textSize, data, 8);
  if (textSize > (uint64_t(1) << 34)) {
    error = "the embedded sweep jobs are damaged (size)";
    return false;
  }
  std::string text(size_t(textSize), '\0');
  uLongf length = uLongf(textSize);
  if (uncompress(reinterpret_cast<Bytef *>(&text[0]), &length,
                 reinterpret_cast<const Bytef *>(data + 8), uLong(size - 8)) != Z_OK ||
      length != textSize) {
    error = "the embedded sweep jobs are damaged (zlib)";
    return false;
  }
  Reader reader(text);
  uint64_t count = 0;
  reader(count);
  std::vector<SweepJob> read;
  for (uint64_t i = 0; reader.ok && i < count && i < text.size(); ++i) {
    std::string jobText;
    reader(jobText);
    SweepJob job;
    if (reader.ok && !readJobText(jobText, job, error))
      return false;
    read.push_back(std::move(job));
  }
  if (!reader.ok || !reader.atEnd() || read.size() != count) {
    error = "the embedded sweep jobs are damaged: " + reader.problem;
    return false;
  }
  jobs = std::move(read);
  return true;
}
