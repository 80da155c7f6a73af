//===- CompileCacheTest.cpp - the on-disk store of compiled objects -------===//

#include "codegen/cpu/CompileCache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

using namespace sweep;
namespace fs = std::filesystem;

namespace {
/// A fresh directory under the test's temporary directory.
class CompileCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    root = fs::temp_directory_path() /
           ("sweep-compile-cache-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root);
  }
  void TearDown() override { fs::remove_all(root); }

  static std::function<bool(const std::string &)> writes(const std::string &bytes) {
    return [bytes](const std::string &path) {
      std::ofstream(path, std::ios::binary) << bytes;
      return true;
    };
  }
  static std::string key(char digit) { return std::string(64, digit); }
  /// The files in the directory (entries and anything else).
  size_t files() const {
    size_t count = 0;
    for ([[maybe_unused]] const auto &entry : fs::directory_iterator(root))
      ++count;
    return count;
  }

  fs::path root;
};
} // namespace

TEST_F(CompileCacheTest, StoresAndLoadsAnEntry) {
  std::string error;
  std::unique_ptr<CompileCache> cache = CompileCache::open(root.string(), error);
  ASSERT_TRUE(cache) << error;
  EXPECT_EQ(cache->load(key('a')), nullptr);
  ASSERT_TRUE(cache->store(key('a'), writes("object bytes")));
  std::unique_ptr<llvm::MemoryBuffer> loaded = cache->load(key('a'));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->getBuffer(), "object bytes");
  // Replacing an entry leaves one file, the new bytes.
  ASSERT_TRUE(cache->store(key('a'), writes("newer")));
  EXPECT_EQ(cache->load(key('a'))->getBuffer(), "newer");
  EXPECT_EQ(files(), 1u);
  cache->forget(key('a'));
  EXPECT_EQ(cache->load(key('a')), nullptr);
}

// An entry damaged on disk (a byte changed inside, the file whole) is no
// entry, and says why. Regression: a GPU entry whose kernel image was damaged
// loaded, and failed at the module's load at every run.
TEST_F(CompileCacheTest, ADamagedEntryIsToldFromAWholeOne) {
  std::string error;
  std::unique_ptr<CompileCache> cache = CompileCache::open(root.string(), error);
  ASSERT_TRUE(cache) << error;
  ASSERT_TRUE(cache->store(key('d'), writes("object bytes, a kernel image among them")));
  fs::path entry = root / (key('d') + ".o");
  std::string bytes;
  {
    std::ifstream in(entry, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bytes[10] ^= 0x20;
  std::ofstream(entry, std::ios::binary) << bytes;
  std::string damaged;
  EXPECT_EQ(cache->load(key('d'), &damaged), nullptr);
  EXPECT_NE(damaged.find("damaged on disk"), std::string::npos) << damaged;
  // One written without the hash (by the sweepc before 2026-12-01) is no
  // entry either, but not damaged: it is compiled again without a warning.
  // Regression: every old entry was called damaged on disk.
  std::ofstream(entry, std::ios::binary) << std::string(200, 'o');
  damaged.clear();
  EXPECT_EQ(cache->load(key('d'), &damaged), nullptr);
  EXPECT_EQ(damaged, "");
}

TEST_F(CompileCacheTest, AFailedOrEmptyWriteStoresNothing) {
  std::string error;
  std::unique_ptr<CompileCache> cache = CompileCache::open(root.string(), error);
  ASSERT_TRUE(cache) << error;
  EXPECT_FALSE(cache->store(key('b'), [](const std::string &path) {
    std::ofstream(path) << "half";
    return false;
  }));
  EXPECT_FALSE(cache->store(key('b'), writes("")));
  EXPECT_EQ(cache->load(key('b')), nullptr);
  EXPECT_EQ(files(), 0u); // No temporary file left behind either.
}

TEST_F(CompileCacheTest, OpeningTrimsTheLeastRecentlyUsedEntries) {
  std::string error;
  std::unique_ptr<CompileCache> cache = CompileCache::open(root.string(), error);
  ASSERT_TRUE(cache) << error;
  std::string kilobyte(1000, 'x');
  for (char digit : {'1', '2', '3', '4'})
    ASSERT_TRUE(cache->store(key(digit), writes(kilobyte)));
  // Use times 1 < 2 < 3 < 4, then a load makes entry 1 the most recent.
  auto now = fs::file_time_type::clock::now();
  for (char digit : {'1', '2', '3', '4'})
    fs::last_write_time(root / (key(digit) + ".o"), now - std::chrono::hours('9' - digit));
  ASSERT_TRUE(cache->load(key('1')));
  // A file that is not an entry is neither counted nor removed.
  std::ofstream(root / "notes.txt") << std::string(5000, 'n');

  // 4000 bytes over a 3000-byte limit: trimmed to 80% of it, the two
  // least recently used entries (2 and 3) go.
  std::unique_ptr<CompileCache> reopened = CompileCache::open(root.string(), error, 3000);
  ASSERT_TRUE(reopened) << error;
  EXPECT_TRUE(reopened->load(key('1')));
  EXPECT_FALSE(reopened->load(key('2')));
  EXPECT_FALSE(reopened->load(key('3')));
  EXPECT_TRUE(reopened->load(key('4')));
  EXPECT_TRUE(fs::exists(root / "notes.txt"));
}

// Regression: a store interrupted by a signal left ".<key>.<pid>.<n>.tmp"
// for good (and outside the size limit). Opening the cache removes such files
// an hour old, not a store in progress now, nor other files.
TEST_F(CompileCacheTest, OpeningRemovesAbandonedTemporaryFiles) {
  std::string error;
  ASSERT_TRUE(CompileCache::open(root.string(), error)) << error;
  fs::path abandoned = root / ("." + key('a') + ".4242.0.tmp");
  fs::path storing = root / ("." + key('b') + ".4243.3.tmp");
  fs::path other = root / ".notes.tmp";
  for (const fs::path &path : {abandoned, storing, other})
    std::ofstream(path) << "partial";
  auto now = fs::file_time_type::clock::now();
  fs::last_write_time(abandoned, now - std::chrono::hours(2));
  fs::last_write_time(other, now - std::chrono::hours(2));
  ASSERT_TRUE(CompileCache::open(root.string(), error)) << error;
  EXPECT_FALSE(fs::exists(abandoned));
  EXPECT_TRUE(fs::exists(storing));
  EXPECT_TRUE(fs::exists(other));
}

TEST_F(CompileCacheTest, ADirectoryThatCannotBeMadeIsAnError) {
  fs::create_directories(root);
  std::ofstream(root / "file") << "x";
  std::string error;
  EXPECT_FALSE(CompileCache::open((root / "file" / "cache").string(), error));
  EXPECT_NE(error.find("cannot create"), std::string::npos) << error;
}

TEST(CompileCacheKey, HashesEveryPartAndWhereItEnds) {
  std::string ab = compileCacheKey({"ab", "c"});
  EXPECT_EQ(ab.size(), 64u);
  EXPECT_EQ(ab, compileCacheKey({"ab", "c"}));
  // The same bytes cut differently are different keys.
  EXPECT_NE(ab, compileCacheKey({"a", "bc"}));
  EXPECT_NE(ab, compileCacheKey({"abc"}));
  EXPECT_NE(ab, compileCacheKey({"ab", "d"}));
  // SHA-256 of nothing at all: the digest is the standard one.
  EXPECT_EQ(compileCacheKey({}),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
