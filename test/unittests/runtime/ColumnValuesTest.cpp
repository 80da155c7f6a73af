//===- ColumnValuesTest.cpp - runs share their column values --------------===//

#include "runtime/exec/ColumnValues.h"

#include <gtest/gtest.h>

#include <vector>

using namespace sweep;

// Each distinct text is kept once: runs with the same learning rate point at
// one string, so a million runs of a thousand rates hold a thousand strings.
TEST(ColumnValues, RunsShareEachDistinctText) {
  ColumnValues first = {"0.0031622776601683794", "cross_entropy", ""};
  ColumnValues second;
  second.push_back(std::string("0.0031622776601683794"));
  second.push_back("cross_entropy");
  second.push_back("");
  EXPECT_EQ(&first[0], &second[0]);
  EXPECT_EQ(&first[1], &second[1]);
  EXPECT_TRUE(first == second);
  second.assign(first.begin(), first.begin() + 2);
  EXPECT_EQ(second.size(), 2u);
  EXPECT_FALSE(first == second);
  // Read as strings, in order, as the results files write them.
  std::vector<std::string> texts(first.begin(), first.end());
  EXPECT_EQ(texts, (std::vector<std::string>{"0.0031622776601683794", "cross_entropy", ""}));
  EXPECT_EQ(first.end() - first.begin(), 3);
}
