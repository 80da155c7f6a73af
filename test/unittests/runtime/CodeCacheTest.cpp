//===- CodeCacheTest.cpp - each group program compiled once --------------===//

#include "runtime/exec/CodeCache.h"

#include <gtest/gtest.h>

using namespace sweep;

namespace {
/// Code that does nothing, loaded from the compile cache or not.
class EmptyCode : public GroupCode {
public:
  explicit EmptyCode(bool loaded) : loaded(loaded) {}
  void trainStep(void **) const override {}
  void evaluate(void **) const override {}
  const std::vector<PhaseCost> &phases() const override { return table; }
  bool fromCompileCache() const override { return loaded; }

private:
  bool loaded;
  std::vector<PhaseCost> table;
};

std::shared_ptr<const GroupCode> get(CodeCache &cache, const std::string &key, bool loaded,
                                     double seconds) {
  std::string error;
  return cache.get(
      key,
      [&](std::string &, double &spent) {
        spent = seconds;
        return std::make_shared<EmptyCode>(loaded);
      },
      error);
}
} // namespace

// What compiling takes is learned from programs compiled, not from those
// loaded from the compile cache. Regression: two loads of 0.01 s made a cold
// compile look like 0.01 s, and a compaction compiled a program for four
// times the training it saved (and past an energy budget).
TEST(CodeCache, SecondsPerCompileLeavesLoadsOut) {
  CodeCache cache;
  EXPECT_EQ(cache.secondsPerCompile(1.0), 1.0);
  ASSERT_TRUE(get(cache, "a", /*loaded=*/true, 0.01));
  ASSERT_TRUE(get(cache, "b", /*loaded=*/true, 0.01));
  EXPECT_EQ(cache.secondsPerCompile(1.0), 1.0) << "loads say nothing of a compile";
  ASSERT_TRUE(get(cache, "c", /*loaded=*/false, 0.5));
  ASSERT_TRUE(get(cache, "d", /*loaded=*/false, 0.3));
  EXPECT_DOUBLE_EQ(cache.secondsPerCompile(1.0), 0.4);
  EXPECT_EQ(cache.compiled(), 4u);
  EXPECT_EQ(cache.loaded(), 2u);
  EXPECT_DOUBLE_EQ(cache.seconds(), 0.82);
}
