//===- CsvFileTest.cpp - CSV table reading --------------------------------===//

#include "runtime/data/CsvFile.h"
#include "runtime/data/DatasetCsv.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <unistd.h>

using namespace sweep;

namespace {
std::string writeTemp(const std::string &name, const std::string &text) {
  std::string path =
      ::testing::TempDir() + "/sweep-csv-" + std::to_string(getpid()) + "-" + name;
  std::ofstream(path) << text;
  return path;
}
} // namespace

TEST(CsvFile, ReadsFeaturesAndNamedLabel) {
  std::string path = writeTemp("ok.csv", "a,b,species\n1,2,setosa\n3,4.5,virginica\n"
                                         "\n5,-6e-1,setosa\n");
  CsvOptions options;
  options.labelName = "species";
  CsvTable table;
  std::string error;
  ASSERT_TRUE(readCsv(path, options, table, error)) << error;
  EXPECT_EQ(table.rows, 3u);
  EXPECT_EQ(table.features, 2u);
  EXPECT_EQ(table.labelColumn, 2u);
  EXPECT_EQ(table.classNames, (std::vector<std::string>{"setosa", "virginica"}));
  EXPECT_DOUBLE_EQ(table.featureRows[2][1], -0.6);
  std::remove(path.c_str());
}

TEST(CsvFile, LabelByIndexWithoutHeader) {
  std::string path = writeTemp("noheader.csv", "0,1.5,2\n1,2.5,3\n");
  CsvOptions options;
  options.header = false;
  options.labelIndex = 0;
  CsvTable table;
  std::string error;
  ASSERT_TRUE(readCsv(path, options, table, error)) << error;
  EXPECT_EQ(table.rows, 2u);
  EXPECT_EQ(table.labels[1], "1");
  std::remove(path.c_str());
}

TEST(CsvFile, RaggedRowNamesTheLine) {
  std::string path = writeTemp("ragged.csv", "x,y\n1,2\n3\n");
  CsvOptions options;
  options.labelName = "y";
  CsvTable table;
  std::string error;
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_NE(error.find("line 3 has 1 columns, expected 2"), std::string::npos) << error;
  std::remove(path.c_str());
}

TEST(CsvFile, NonNumericFeatureIsAnError) {
  std::string path = writeTemp("text.csv", "x,y\nabc,1\n");
  CsvOptions options;
  options.labelName = "y";
  CsvTable table;
  std::string error;
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_NE(error.find("'abc' is not a number"), std::string::npos) << error;
  std::remove(path.c_str());
}

TEST(CsvFile, MissingLabelColumn) {
  std::string path = writeTemp("nolabel.csv", "x,y\n1,2\n");
  CsvOptions options;
  options.labelName = "target";
  CsvTable table;
  std::string error;
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_NE(error.find("no column named 'target'"), std::string::npos) << error;
  std::remove(path.c_str());
}

TEST(CsvFile, EmptyFileHasNoRows) {
  std::string path = writeTemp("empty.csv", "x,y\n");
  CsvOptions options;
  options.labelName = "y";
  CsvTable table;
  std::string error;
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_NE(error.find("no data rows"), std::string::npos) << error;
  std::remove(path.c_str());
}

// Regression: /dev/zero has no newline; reading it as a CSV must fail at once
// instead of growing one line until memory runs out.
TEST(CsvFile, DevicesAndDirectoriesAreRejected) {
  CsvOptions options;
  options.labelIndex = 0;
  CsvTable table;
  std::string error;
  EXPECT_FALSE(readCsv("/dev/zero", options, table, error));
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
  EXPECT_FALSE(readCsv(::testing::TempDir(), options, table, error));
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
}

TEST(CsvFile, RegressionLabelsMustBeFiniteNumbers) {
  std::string path = writeTemp("nan-label.csv", "x,y\n1,0.5\n2,nan\n");
  CsvOptions options;
  options.labelName = "y";
  options.numericLabels = true;
  CsvTable table;
  std::string error;
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_NE(error.find("line 3 column 2 ('y'): 'nan' is not a number"), std::string::npos) << error;
  std::remove(path.c_str());
}

TEST(CsvFile, ShapeOnlyKeepsNoRows) {
  std::string path = writeTemp("shape.csv", "a,b,c\n1,2,x\n3,4,y\n5,6,x\n");
  CsvOptions options;
  options.labelIndex = 2;
  options.keepRows = false;
  CsvTable table;
  std::string error;
  ASSERT_TRUE(readCsv(path, options, table, error)) << error;
  EXPECT_EQ(table.rows, 3u);
  EXPECT_EQ(table.features, 2u);
  EXPECT_EQ(table.classNames.size(), 2u);
  EXPECT_TRUE(table.featureRows.empty());
  EXPECT_TRUE(table.labels.empty());
  std::remove(path.c_str());
}

// An empty label used to become a class of its own (named ""), so a file with
// missing labels trained on one class too many; an empty feature was reported as
// "'' is not a number". Both now name the cell and say that nothing is filled in.
TEST(CsvFile, EmptyCellsAreErrorsNotClasses) {
  std::string path = writeTemp("empty-label.csv", "a,y\n1,cat\n2,\n3,dog\n");
  CsvOptions options;
  options.labelName = "y";
  CsvTable table;
  std::string error;
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_NE(error.find("line 3 column 2 ('y') is empty"), std::string::npos) << error;
  EXPECT_NE(error.find("missing values are not filled in"), std::string::npos) << error;
  std::remove(path.c_str());

  path = writeTemp("empty-feature.csv", "a,b,y\n1,2,0\n3,  ,1\n");
  options.labelName = "y";
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_NE(error.find("line 3 column 2 ('b') is empty"), std::string::npos) << error;
  std::remove(path.c_str());

  // Without a header the column is named by its number alone.
  path = writeTemp("empty-noheader.csv", "1,2,0\n,3,1\n");
  options.labelName.clear();
  options.labelIndex = 2;
  options.header = false;
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_NE(error.find("line 2 column 1 is empty"), std::string::npos) << error;
  std::remove(path.c_str());
}

TEST(CsvFile, NonNumbersNameTheirColumn) {
  std::string path = writeTemp("named-column.csv", "width,colour,y\n1,red,0\n");
  CsvOptions options;
  options.labelName = "y";
  CsvTable table;
  std::string error;
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_NE(error.find("line 2 column 2 ('colour'): 'red' is not a number"), std::string::npos)
      << error;
  std::remove(path.c_str());
}

// `sweepc data` writes float32 samples as the shortest text that reads back to
// the same float (runtime/data/DatasetCsv.h): exact, and not 9 digits each.
TEST(DatasetCsv, FloatsReadBackBitForBit) {
  const float values[] = {0.1f, -0.0f, 1.0f, 1e-45f, 3.4028235e38f, -2.5e-8f, 0.33333334f,
                          123456.79f};
  for (float value : values) {
    std::string text = shortestFloat(value);
    float back = std::strtof(text.c_str(), nullptr);
    EXPECT_EQ(std::memcmp(&back, &value, sizeof value), 0) << text;
  }
  EXPECT_EQ(shortestFloat(0.1f), "0.1");
  EXPECT_EQ(shortestFloat(-0.0f), "-0");
}
