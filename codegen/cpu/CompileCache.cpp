//===- CompileCache.cpp - compiled group objects kept between runs --------===//

#include "codegen/cpu/CompileCache.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <vector>

using namespace sweep;
namespace fs = std::filesystem;

namespace {
/// Entries are the only files the cache touches: a directory given by hand
/// may hold other files, and trimming leaves them alone.
constexpr llvm::StringLiteral kEntrySuffix = ".o";

bool isEntryName(const std::string &name) {
  if (name.size() != 64 + kEntrySuffix.size() || !llvm::StringRef(name).ends_with(kEntrySuffix))
    return false;
  return std::all_of(name.begin(), name.begin() + 64, [](char c) { return llvm::isHexDigit(c); });
}

/// Every entry ends in this line and the xxh3 hash of the bytes before it (16
/// hex digits): an entry damaged on disk is told from a whole one before it
/// is used. Regression: a GPU entry whose kernel image was damaged loaded as
/// it was and failed at the module's load, at every run, naming no cache.
constexpr llvm::StringLiteral kTrailerStart = "\nsweepc-cache-entry xxh3 ";
constexpr size_t kTrailerBytes = kTrailerStart.size() + 16;

std::string trailerOf(llvm::StringRef bytes) {
  char digest[17];
  std::snprintf(digest, sizeof digest, "%016llx",
                (unsigned long long)llvm::xxh3_64bits(bytes));
  return kTrailerStart.str() + digest;
}

/// store()'s temporary files: ".<key>.<pid>.<n>.tmp".
bool isTemporaryName(const std::string &name) {
  llvm::StringRef rest(name);
  if (!rest.consume_front(".") || !rest.consume_back(".tmp") || rest.size() < 65 ||
      !isEntryName(rest.substr(0, 64).str() + kEntrySuffix.str()))
    return false;
  return llvm::all_of(rest.drop_front(64), [](char c) { return c == '.' || llvm::isDigit(c); });
}

/// A temporary file older than this was left by a process that died while
/// storing (a store takes well under a second).
constexpr std::chrono::hours kAbandonedTemporary{1};
} // namespace

std::string sweep::compileCacheKey(llvm::ArrayRef<llvm::StringRef> parts) {
  llvm::SHA256 hash;
  for (llvm::StringRef part : parts) {
    uint64_t size = part.size();
    hash.update(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(&size), sizeof size));
    hash.update(part);
  }
  std::array<uint8_t, 32> digest = hash.final();
  return llvm::toHex(digest, /*LowerCase=*/true);
}

std::string CompileCache::defaultDirectory() {
  if (const char *chosen = std::getenv("SWEEPC_COMPILE_CACHE"); chosen && *chosen)
    return chosen;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/sweepc";
  if (const char *home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/sweepc";
  return "";
}

std::unique_ptr<CompileCache> CompileCache::open(const std::string &directory, std::string &error,
                                                 uint64_t maxBytes) {
  std::error_code code;
  fs::create_directories(directory, code);
  if (code) {
    error = "cannot create '" + directory + "': " + code.message();
    return nullptr;
  }
  if (::access(directory.c_str(), R_OK | W_OK | X_OK) != 0) {
    error = "cannot write to '" + directory + "'";
    return nullptr;
  }
  std::unique_ptr<CompileCache> cache(new CompileCache(directory));
  cache->trim(maxBytes);
  return cache;
}

std::string CompileCache::pathOf(const std::string &key) const {
  return root + "/" + key + kEntrySuffix.str();
}

std::unique_ptr<llvm::MemoryBuffer> CompileCache::load(const std::string &key,
                                                       std::string *damaged) const {
  std::string path = pathOf(key);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return nullptr;
  llvm::StringRef bytes = (*buffer)->getBuffer();
  llvm::StringRef object = bytes.drop_back(std::min(bytes.size(), kTrailerBytes));
  if (bytes.size() < kTrailerBytes || bytes.drop_front(object.size()) != trailerOf(object)) {
    // An entry of the sweepc before 2026-12-01 has no hash: not damaged, only
    // old; compiled again and replaced without a word. Regression: every
    // such entry was called damaged on disk.
    if (damaged && bytes.size() >= kTrailerBytes &&
        bytes.drop_front(object.size()).starts_with(kTrailerStart))
      *damaged = "its contents do not match the hash stored with them: damaged on disk";
    return nullptr;
  }
  // The modification time is the entry's last use: trim() drops the oldest.
  std::error_code ignored;
  fs::last_write_time(path, fs::file_time_type::clock::now(), ignored);
  return llvm::MemoryBuffer::getMemBufferCopy(object, path);
}

bool CompileCache::store(const std::string &key,
                         const std::function<bool(const std::string &path)> &write) {
  // A name no other thread or process uses; the rename makes the entry
  // appear whole or not at all.
  std::string temporary = root + "/." + key + "." + std::to_string(::getpid()) + "." +
                          std::to_string(temporaries++) + ".tmp";
  std::error_code code;
  bool written = write(temporary) && fs::file_size(temporary, code) > 0 && !code;
  if (written) {
    // The hash of what was written goes after it (load() checks it).
    auto bytes = llvm::MemoryBuffer::getFile(temporary, /*IsText=*/false,
                                             /*RequiresNullTerminator=*/false);
    std::string trailer = bytes ? trailerOf((*bytes)->getBuffer()) : "";
    std::ofstream out(temporary, std::ios::binary | std::ios::app);
    written = bytes && out && (out << trailer) && out.flush();
  }
  if (written)
    fs::rename(temporary, pathOf(key), code);
  if (!written || code) {
    fs::remove(temporary, code);
    return false;
  }
  return true;
}

void CompileCache::forget(const std::string &key) const {
  std::error_code ignored;
  fs::remove(pathOf(key), ignored);
}

void CompileCache::trim(uint64_t maxBytes) const {
  struct Entry {
    fs::path path;
    fs::file_time_type used;
    uint64_t bytes;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code code;
  for (const fs::directory_entry &item : fs::directory_iterator(root, code)) {
    std::error_code itemCode;
    std::string name = item.path().filename().string();
    // Regression: a store interrupted by a signal left its temporary file
    // for good, outside the size limit.
    if (isTemporaryName(name) && item.is_regular_file(itemCode) &&
        fs::file_time_type::clock::now() - item.last_write_time(itemCode) > kAbandonedTemporary &&
        !itemCode) {
      fs::remove(item.path(), itemCode);
      continue;
    }
    if (!isEntryName(name) || !item.is_regular_file(itemCode))
      continue;
    Entry entry{item.path(), item.last_write_time(itemCode), item.file_size(itemCode)};
    if (itemCode)
      continue;
    total += entry.bytes;
    entries.push_back(std::move(entry));
  }
  if (total <= maxBytes)
    return;
  // Down to 80% of the limit, so that the next runs do not trim again at once.
  std::sort(entries.begin(), entries.end(),
            [](const Entry &a, const Entry &b) { return a.used < b.used; });
  uint64_t target = maxBytes / 5 * 4;
  for (const Entry &entry : entries) {
    if (total <= target)
      break;
    std::error_code ignored;
    if (fs::remove(entry.path, ignored))
      total -= entry.bytes;
  }
}
