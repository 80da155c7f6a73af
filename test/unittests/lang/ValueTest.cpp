//===- ValueTest.cpp - value printing and comparison ----------------------===//

#include "lang/Value.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace sweep;

TEST(Value, ShortestRoundTrip) {
  EXPECT_EQ(formatShortest(0.1), "0.1");
  EXPECT_EQ(formatShortest(1.0), "1.0");
  EXPECT_EQ(formatShortest(1e-8), "1e-08");
  EXPECT_EQ(formatShortest(-2.5), "-2.5");
  for (double v : {0.1 + 0.2, 1.0 / 3.0, 6.02214076e23, 5e-324})
    EXPECT_EQ(std::strtod(formatShortest(v).c_str(), nullptr), v);
}

TEST(Value, IntAndFloatCompareByValue) {
  EXPECT_EQ(Value::integer(1), Value::number(1.0));
  EXPECT_NE(Value::integer(1), Value::number(1.5));
  EXPECT_NE(Value::symbol("relu"), Value::string("relu"));
  EXPECT_EQ(Value::symbol("relu").str(), "relu");
  EXPECT_EQ(Value::string("a b").str(), "\"a b\"");
  EXPECT_EQ(Value::flag(true).str(), "true");
}
