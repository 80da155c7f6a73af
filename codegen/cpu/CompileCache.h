//===- CompileCache.h - compiled group objects kept between runs -*- C++ -*-===//
//
// LLVM's optimizer and code generator take most of the time a group takes
// to compile for the CPU, NVPTX and ptxas most of it for the GPU
// (docs/performance.md, "Compile cache"), and a sweep that is run again
// (after an interruption, or with other learning rates, seeds or epochs)
// compiles the same groups again. The compile cache keeps each group's
// machine code, an x86-64 object file (for the GPU: the host code with the
// kernels embedded), in a directory on disk under a key that hashes
// everything the code depends on: the group's module after the MLIR pipeline
// (for the GPU: at the outlined kernels, with the chip and the toolkit), so
// that any change to sweepc that changes the code changes the key; the LLVM
// version; and the CPU and its features. A hit loads the object into a JIT in
// milliseconds instead of compiling it (ObjectLoader.h).
//
// Entries are written to a temporary file and renamed, so processes and
// threads that share a cache never see half an object. The directory is kept
// under a size limit by dropping the least recently used entries. Deleting
// the directory is always safe.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_CPU_COMPILECACHE_H
#define SWEEP_CODEGEN_CPU_COMPILECACHE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sweep {

class CompileCache {
public:
  /// The size the directory is trimmed to when a process opens it.
  static constexpr uint64_t kDefaultMaxBytes = uint64_t(1) << 30;

  /// Opens `directory`, creating it, and trims it to `maxBytes`; null with
  /// `error` when it cannot be created or written.
  static std::unique_ptr<CompileCache> open(const std::string &directory, std::string &error,
                                            uint64_t maxBytes = kDefaultMaxBytes);

  /// Where sweepc keeps its cache when --compile-cache is not given:
  /// $SWEEPC_COMPILE_CACHE, else $XDG_CACHE_HOME/sweepc, else
  /// $HOME/.cache/sweepc. "off" (from the variable) means no cache; "" when
  /// there is no home either.
  static std::string defaultDirectory();

  /// The object stored under `key`, or null when there is none, or when the
  /// entry is damaged (its bytes do not match the hash stored after them:
  /// then `damaged`, when given, says so). A hit marks the entry as recently
  /// used.
  std::unique_ptr<llvm::MemoryBuffer> load(const std::string &key,
                                           std::string *damaged = nullptr) const;

  /// Stores what `write` writes to the path it is given as the entry of
  /// `key`, replacing any. False when the entry could not be written (the
  /// caller has the code anyway: the cache is only an optimisation).
  bool store(const std::string &key, const std::function<bool(const std::string &path)> &write);

  /// Drops the entry of `key` (one that could not be loaded).
  void forget(const std::string &key) const;

  const std::string &directory() const { return root; }

  /// True the first time it is asked: a full disk fails every store, and one
  /// warning says so, not one per group.
  bool firstStoreFailure() { return !storeFailed.exchange(true); }

private:
  explicit CompileCache(std::string root) : root(std::move(root)) {}
  std::string pathOf(const std::string &key) const;
  /// Removes the least recently used entries until at most `maxBytes` remain.
  void trim(uint64_t maxBytes) const;

  std::string root;
  std::atomic<uint64_t> temporaries{0};
  std::atomic<bool> storeFailed{false};
};

/// A cache key: the SHA-256 of `parts` (each length-prefixed, so that no two
/// lists of parts hash alike), 64 hexadecimal digits.
std::string compileCacheKey(llvm::ArrayRef<llvm::StringRef> parts);

} // namespace sweep

#endif // SWEEP_CODEGEN_CPU_COMPILECACHE_H
