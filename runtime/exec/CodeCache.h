//===- CodeCache.h - each group program compiled once -----------*- C++ -*-===//
//
// A compiling backend builds code per group structure and run count
// (groupCodeKey) and shares it among the chunks that need it. Threads compile
// different keys at once; a thread that needs code another thread is
// compiling waits for it; a failure is remembered like a success.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_CODECACHE_H
#define SWEEP_RUNTIME_EXEC_CODECACHE_H

#include "runtime/exec/CompiledProgram.h"

#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>

namespace sweep {

class CodeCache {
public:
  /// Builds the code, setting `seconds` spent; null with `error`.
  using Compile =
      std::function<std::shared_ptr<const GroupCode>(std::string &error, double &seconds)>;

  /// The code of `key`, compiled by `compile` on the first request.
  std::shared_ptr<const GroupCode> get(const std::string &key, const Compile &compile,
                                       std::string &error) {
    std::shared_future<Entry> pending;
    std::promise<Entry> mine;
    bool compileHere = false;
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = entries.find(key);
      if (it == entries.end()) {
        pending = mine.get_future().share();
        entries.emplace(key, pending);
        compileHere = true;
      } else {
        pending = it->second;
      }
    }
    if (compileHere) {
      Entry entry;
      double spent = 0;
      entry.code = compile(entry.error, spent);
      if (entry.code) {
        std::lock_guard<std::mutex> lock(mutex);
        totalSeconds += spent;
        ++compiledCount;
        loadedCount += entry.code->fromCompileCache();
        if (!entry.code->fromCompileCache())
          freshSeconds += spent;
      }
      mine.set_value(std::move(entry));
    }
    const Entry &entry = pending.get();
    if (!entry.code)
      error = entry.error;
    return entry.code;
  }

  /// Whether `key` is compiled or being compiled.
  bool contains(const std::string &key) const {
    std::lock_guard<std::mutex> lock(mutex);
    return entries.count(key) != 0;
  }

  /// Seconds spent compiling, and how many programs were compiled (those
  /// loaded from the compile cache included).
  double seconds() const {
    std::lock_guard<std::mutex> lock(mutex);
    return totalSeconds;
  }
  size_t compiled() const {
    std::lock_guard<std::mutex> lock(mutex);
    return compiledCount;
  }
  /// How many of those were loaded from the compile cache instead.
  size_t loaded() const {
    std::lock_guard<std::mutex> lock(mutex);
    return loadedCount;
  }
  /// What compiling a program took on average, those loaded from the compile
  /// cache left out (they say nothing of a program not in it); `otherwise`
  /// when none was compiled.
  double secondsPerCompile(double otherwise) const {
    std::lock_guard<std::mutex> lock(mutex);
    size_t fresh = compiledCount - loadedCount;
    return fresh ? freshSeconds / double(fresh) : otherwise;
  }

private:
  struct Entry {
    std::shared_ptr<const GroupCode> code;
    std::string error;
  };
  mutable std::mutex mutex;
  std::map<std::string, std::shared_future<Entry>> entries;
  double totalSeconds = 0, freshSeconds = 0;
  size_t compiledCount = 0, loadedCount = 0;
};

/// How many programs `backend` compiles for `job`: trainSweep splits each
/// group into chunks of runsPerProgram and a remainder, and each chunk size
/// of each structure is compiled once.
inline size_t distinctGroupPrograms(const SweepJob &job, const Backend &backend) {
  std::set<std::string> keys;
  for (const GroupSpec &group : job.groups) {
    size_t runs = group.runs.size();
    if (runs == 0)
      continue;
    size_t per = std::min(runs, std::max<size_t>(1, backend.runsPerProgram(job, group)));
    keys.insert(groupCodeKey(group, per));
    if (runs % per)
      keys.insert(groupCodeKey(group, runs % per));
  }
  return keys.size();
}

/// A backend that compiles group programs: code cached per group structure
/// and run count, programs over it with buffers in bufferSpace().
class CompilingBackend : public Backend {
public:
  MemoryLimit memoryLimit() override { return bufferSpace().capacity(); }
  std::unique_ptr<GroupProgram> create(const GroupSpec &group, std::vector<const RunSpec *> runs,
                                       std::string &error) override {
    std::shared_ptr<const GroupCode> code = codeFor(group, runs.size(), error);
    if (!code)
      return nullptr;
    return createCompiledProgram(
        group, std::move(runs), std::move(code),
        [this, &group](size_t count, std::string &message) { return codeFor(group, count, message); },
        bufferSpace());
  }
  /// The code alone: a program's buffers are made when it trains.
  bool prepare(const GroupSpec &group, std::vector<const RunSpec *> runs,
               std::string &error) override {
    return codeFor(group, runs.size(), error) != nullptr;
  }
  size_t programsToCompile(const SweepJob &job) const override {
    return distinctGroupPrograms(job, *this);
  }
  /// The live runs rounded up to a sixteenth of the next power of two, and
  /// that power of two (CompactionSize.h).
  std::vector<CompactionSizeOffer> compactionSizes(const GroupSpec &,
                                                   size_t alive) const override {
    return compilingCompactionSizes(alive);
  }
  /// Nothing when the code is at hand, else what compiling took on average
  /// so far (a second before the first). Regression: programs loaded from
  /// the compile cache counted in, so that a cold compile looked like a load
  /// (a compaction's took four times the training it saved).
  double secondsToPrepare(const GroupSpec &group, size_t runs) const override {
    if (cache.contains(groupCodeKey(group, runs)))
      return 0;
    return cache.secondsPerCompile(1.0);
  }
  double compileSeconds() const override { return cache.seconds(); }
  size_t programsCompiled() const override { return cache.compiled(); }
  size_t programsFromCompileCache() const override { return cache.loaded(); }

protected:
  /// Compiles `group` for `runs` runs, setting the seconds it took; null
  /// with `error`.
  virtual std::shared_ptr<const GroupCode> compile(const GroupSpec &group, size_t runs,
                                                   std::string &error, double &seconds) = 0;
  virtual BufferSpace &bufferSpace() = 0;

private:
  std::shared_ptr<const GroupCode> codeFor(const GroupSpec &group, size_t runs,
                                           std::string &error) {
    return cache.get(
        groupCodeKey(group, runs),
        [&](std::string &message, double &seconds) { return compile(group, runs, message, seconds); },
        error);
  }
  CodeCache cache;
};

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_CODECACHE_H
