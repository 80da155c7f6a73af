//===- CsvFileTest.cpp - CSV table reading --------------------------------===//

#include "runtime/data/CsvFile.h"
#include "runtime/data/DatasetCsv.h"

#include "../support/ScratchDirectory.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <unistd.h>

using namespace sweep;

namespace {
std::string writeTemp(const std::string &name, const std::string &text) {
  std::string path = sweep::testing::scratchPath(name);
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
  EXPECT_FLOAT_EQ(table.feature(2, 1), -0.6f);
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
  EXPECT_EQ(table.label(1), "1");
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
  EXPECT_TRUE(table.labelMissing);
  std::remove(path.c_str());
}

// The error lists the header's first 20 names and the closest one. Regression:
// neither, so a misspelt or miscased label meant opening the file.
TEST(CsvFile, MissingLabelColumnListsTheColumns) {
  std::string header, row;
  for (int c = 0; c < 25; ++c) {
    header += "pixel" + std::to_string(c) + ",";
    row += "0,";
  }
  std::string path = writeTemp("wide.csv", header + "Digit\n" + row + "3\n");
  CsvOptions options;
  options.labelName = "digit";
  CsvTable table;
  std::string error;
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_NE(error.find("no column named 'digit'; did you mean 'Digit'? Its columns: pixel0, "
                       "pixel1, "),
            std::string::npos)
      << error;
  EXPECT_NE(error.find(", pixel19 and 6 more"), std::string::npos) << error;
  options.labelName = "pixel_7";
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_NE(error.find("did you mean 'pixel7'?"), std::string::npos) << error;
  options.labelName = "label";
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_EQ(error.find("did you mean"), std::string::npos) << error;
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
  EXPECT_FALSE(readCsv(sweep::testing::scratchDirectory(), options, table, error));
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
  EXPECT_TRUE(table.values.empty());
  EXPECT_TRUE(table.labelIds.empty());
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

namespace {
/// readCsv of `text` with the label column named `label`; the error when it fails.
std::string readError(const std::string &name, const std::string &text, CsvTable &table,
                      const std::string &label = "y") {
  std::string path = writeTemp(name, text);
  CsvOptions options;
  options.labelName = label;
  std::string error;
  if (readCsv(path, options, table, error))
    error.clear();
  std::remove(path.c_str());
  return error;
}
} // namespace

// Regression: a UTF-8 byte order mark (Windows editors write one) became part
// of the first column's name, so `label: "x"` found no column 'x'.
TEST(CsvFile, ByteOrderMarkIsNotPartOfTheFirstName) {
  CsvTable table;
  EXPECT_EQ(readError("bom.csv", "\xEF\xBB\xBFy,a\n1,2\n0,3\n", table), "");
  EXPECT_EQ(table.columnNames[0], "y");
  EXPECT_EQ(table.labelColumn, 0u);
}

// Regression: strtod stops at a NUL byte, so "0<NUL>.4" was read as 0.
TEST(CsvFile, NulByteInANumberIsAnError) {
  CsvTable table;
  std::string error = readError("nul.csv", std::string("a,y\n0\0.4,1\n1,0\n", 15), table);
  EXPECT_NE(error.find("line 2 column 1 ('a'): '0"), std::string::npos) << error;
  EXPECT_NE(error.find("is not a number"), std::string::npos) << error;
}

// RFC 4180: a quoted field may hold line breaks (and doubled quotes); the
// record's first line names it in messages, and a quote never closed is an
// error that says so instead of a column count.
TEST(CsvFile, QuotedFieldsSpanLines) {
  CsvTable table;
  EXPECT_EQ(readError("multiline.csv",
                      "a,y\r\n1,\"first\r\nclass\"\r\n2,\"say \"\"hi\"\"\"\r\n3,x\r\n", table),
            "");
  EXPECT_EQ(table.rows, 3u);
  EXPECT_EQ(table.label(0), "first\nclass");
  EXPECT_EQ(table.label(1), "say \"hi\"");
  std::string error = readError("ragged-after.csv", "a,y\n1,\"two\nlines\"\n2\n", table);
  EXPECT_NE(error.find("line 4 has 1 columns, expected 2"), std::string::npos) << error;
  error = readError("unterminated.csv", "a,y\n1,\"open\n2,b\n", table);
  EXPECT_NE(error.find("line 2: a quoted field is never closed"), std::string::npos) << error;
}

// Samples are float32: 1e39 would become infinite (and fail later with no location).
TEST(CsvFile, ValuesOutsideFloat32AreErrors) {
  CsvTable table;
  std::string error = readError("huge.csv", "a,y\n1,0\n1e39,1\n", table);
  EXPECT_NE(error.find("line 3 column 1 ('a'): '1e39' is outside float32's range"),
            std::string::npos)
      << error;
  EXPECT_EQ(readError("edge.csv", "a,y\n3.4e38,0\n-3.4e38,1\n1e-45,0\n", table), "");
  // What rounds to float32's largest value is in range: `sweepc data` writes
  // that value as 3.4028235e+38, which is a hair above it as a double.
  // Regression: its own export did not load back.
  EXPECT_EQ(readError("largest.csv", "a,y\n3.4028235e+38,0\n-3.4028235e+38,1\n", table), "");
  // Half an ulp above it rounds to infinity.
  EXPECT_NE(readError("above.csv", "a,y\n3.40282357e+38,0\n1,1\n", table), "");
}

namespace {
/// Reads `trainText` and `testText` (label column "y") and matches them.
std::string matchError(const std::string &trainText, const std::string &testText,
                       CsvTable &test) {
  CsvTable train;
  std::string error = readError("match-train.csv", trainText, train);
  if (error.empty())
    error = readError("match-test.csv", testText, test);
  if (error.empty() && !matchTestColumns(train, test, "test.csv", "train.csv", error))
    return error;
  return error;
}
} // namespace

// Regression: a test file's columns were taken by position, so a test file
// with the same columns in another order fed one feature's values in as
// another's, silently.
TEST(CsvFile, TestColumnsAreMatchedByName) {
  CsvTable test;
  EXPECT_EQ(matchError("a,b,y\n1,2,p\n3,4,q\n", "y,b,a\np,20,10\nq,40,30\n", test), "");
  EXPECT_EQ(test.values, (std::vector<float>{10, 20, 30, 40}));
  EXPECT_EQ(matchError("a,b,y\n1,2,p\n3,4,q\n", "a,c,y\n1,2,p\n", test),
            "'test.csv' has no column named 'b', which the training file 'train.csv' has (a "
            "test file's columns are matched by name)");
  EXPECT_EQ(matchError("a,b,y\n1,2,p\n3,4,q\n", "a,b,c,y\n1,2,3,p\n", test),
            "'test.csv' has 3 features, the training file 'train.csv' 2");
  EXPECT_EQ(matchError("a,b,y\n1,2,p\n3,4,q\n", "a,b,y\n1,2,r\n", test),
            "'test.csv' has label 'r', which the training file 'train.csv' does not have");
}

// Labels that are all numbers are classes in numeric order, one class per
// value: labels 0..10 were ordered as text (0, 1, 10, 2, ...), so the row
// labelled 2 trained as class 3, and "1" and "1.0" were two classes.
TEST(CsvFile, NumericLabelsAreClassesInNumericOrder) {
  std::string path = writeTemp("numeric-labels.csv", "x,y\n1,10\n2,2\n3,0\n4,1.0\n5,1\n6,01\n"
                                                     "7,9\n8,-1\n");
  CsvOptions options;
  options.labelName = "y";
  CsvTable table;
  std::string error;
  ASSERT_TRUE(readCsv(path, options, table, error)) << error;
  EXPECT_EQ(table.classNames, (std::vector<std::string>{"-1", "0", "1.0", "2", "9", "10"}));
  int32_t index = -1;
  ASSERT_TRUE(classIndex(table, "2", index));
  EXPECT_EQ(index, 3);
  ASSERT_TRUE(classIndex(table, "10", index));
  EXPECT_EQ(index, 5);
  for (const char *one : {"1", "1.0", "01", "1e0"}) {
    ASSERT_TRUE(classIndex(table, one, index)) << one;
    EXPECT_EQ(index, 2) << one;
  }
  EXPECT_FALSE(classIndex(table, "3", index));
  EXPECT_FALSE(classIndex(table, "cat", index));
  std::remove(path.c_str());
}

// Numbers are decimal: hexadecimal, inf, nan and "1_0" labels are text,
// and a label below a double's range is its rounding, not text. Regression:
// strtod read "0x10" as 16 and called "1e-310" text (underflow), unlike the
// PyTorch reference's reading.
TEST(CsvFile, NumericLabelsAreDecimal) {
  CsvOptions options;
  options.labelName = "y";
  CsvTable table;
  std::string error;
  std::string tiny = writeTemp("tiny-labels.csv", "x,y\n1,1e-310\n2,0\n3,1\n");
  ASSERT_TRUE(readCsv(tiny, options, table, error)) << error;
  EXPECT_TRUE(table.numericClasses);
  EXPECT_EQ(table.classNames, (std::vector<std::string>{"0", "1e-310", "1"}));
  for (const char *text : {"x,y\n1,0x10\n2,3\n", "x,y\n1,inf\n2,3\n", "x,y\n1,1e400\n2,3\n",
                           "x,y\n1,1_0\n2,3\n", "x,y\n1,1.\n2,.\n"}) {
    std::string path = writeTemp("text-labels.csv", text);
    ASSERT_TRUE(readCsv(path, options, table, error)) << error;
    EXPECT_FALSE(table.numericClasses) << text;
  }
  std::remove(tiny.c_str());
}

// Features are decimal numbers too: hexadecimal is no number (pandas reads
// none). Regression: strtod took "0x10" as 16.
TEST(CsvFile, FeaturesAreDecimal) {
  CsvTable table;
  std::string error = readError("hex.csv", "a,y\n0x10,0\n1,1\n", table);
  EXPECT_NE(error.find("line 2 column 1 ('a'): '0x10' is not a number"), std::string::npos)
      << error;
  EXPECT_EQ(readError("tiny.csv", "a,y\n1e-400,0\n-1E+3,1\n.5,0\n", table), "");
}

// Once a label is not a number, classes are the labels' texts in byte order.
TEST(CsvFile, MixedLabelsAreClassesByText) {
  std::string path = writeTemp("mixed-labels.csv", "x,y\n1,10\n2,2\n3,cat\n4,2.0\n");
  CsvOptions options;
  options.labelName = "y";
  CsvTable table;
  std::string error;
  ASSERT_TRUE(readCsv(path, options, table, error)) << error;
  EXPECT_EQ(table.classNames, (std::vector<std::string>{"10", "2", "2.0", "cat"}));
  int32_t index = -1;
  ASSERT_TRUE(classIndex(table, "cat", index));
  EXPECT_EQ(index, 3);
  EXPECT_FALSE(classIndex(table, "02", index));
  std::remove(path.c_str());
}

// Regression: a quote inside an unquoted field opened a quoted one, so the
// rows up to the next such quote became one label (an 8-row file trained as
// 4 samples, with an invented class). It is a character, as pandas reads it;
// text after a closing quote is an error.
TEST(CsvFile, AQuoteInsideAnUnquotedFieldIsText) {
  CsvTable table;
  EXPECT_EQ(readError("pizza.csv", "a,y\n1,12\" pizza\n2,14\" pizza\n3,12\" pizza\n", table), "");
  EXPECT_EQ(table.rows, 3u);
  EXPECT_EQ(table.classNames, (std::vector<std::string>{"12\" pizza", "14\" pizza"}));
  EXPECT_EQ(table.label(2), "12\" pizza");
  // Spaces before an opening quote and after a closing one are no text.
  EXPECT_EQ(readError("spaced.csv", "a,y\n1,  \"p q\"  \n2,r\n", table), "");
  EXPECT_EQ(table.label(0), "p q");
  std::string error = readError("after.csv", "a,y\n1,\"p\"q\n2,r\n", table);
  EXPECT_NE(error.find("line 2: text after the closing quote of a quoted field (column 2)"),
            std::string::npos)
      << error;
}

// Regression: every carriage return was dropped, so a cell `1<CR>2` read as
// 12, and a file with CR line ends was one line ("has no column named").
TEST(CsvFile, ALoneCarriageReturnIsAnError) {
  CsvTable table;
  std::string error = readError("lone-cr.csv", "a,y\n1\r2,0\n3,1\n", table);
  EXPECT_NE(error.find("line 2: a carriage return without a line feed after it"),
            std::string::npos)
      << error;
  error = readError("mac.csv", "a,y\r1,0\r2,1\r", table);
  EXPECT_NE(error.find("line 1: a carriage return without a line feed after it (a file with "
                       "CR line ends? save it with LF or CRLF line ends)"),
            std::string::npos)
      << error;
  // CRLF line ends, and a CR inside quotes, are fine; so is a last CRLF cut
  // to its CR (regression: an error).
  EXPECT_EQ(readError("cut-crlf.csv", "a,y\r\n1,p\r\n2,q\r", table), "");
  EXPECT_EQ(table.rows, 2u);
  EXPECT_EQ(table.label(1), "q");
  EXPECT_EQ(readError("crlf.csv", "a,y\r\n1,\"p\rq\"\r\n2,r\r\n", table), "");
  EXPECT_EQ(table.label(0), "p\rq");
}

// Regression: a file without line breaks was read as one line, then copied
// cell by cell: 512 MB of NUL bytes took 2.2 GB. A record past the bound is
// an error as soon as the bound is read.
TEST(CsvFile, ARecordPastTheBoundIsAnError) {
  std::string path = writeTemp("one-line.csv", "a,y\n" + std::string(kMaxCsvRecordBytes + 10, '7'));
  CsvOptions options;
  options.labelName = "y";
  CsvTable table;
  std::string error;
  EXPECT_FALSE(readCsv(path, options, table, error));
  EXPECT_NE(error.find("line 2: a record longer than 64 MiB (is this a CSV file?)"),
            std::string::npos)
      << error;
  std::remove(path.c_str());
}

// A file's values are held once, as float32, and each distinct label once.
// Regression: 125 bytes a row for a narrow file (a vector and a string per
// row), 20 times the file's size.
TEST(CsvFile, RowsAreHeldAsFloatsAndLabelIndices) {
  std::string text = "a,b,y\n";
  for (int r = 0; r < 1000; ++r)
    text += std::to_string(r) + ",0.5," + (r % 3 ? "some longer class name" : "other") + "\n";
  CsvTable table;
  EXPECT_EQ(readError("narrow.csv", text, table), "");
  EXPECT_EQ(table.values.size(), 2000u);
  EXPECT_EQ(table.labelIds.size(), 1000u);
  EXPECT_EQ(table.labelTexts, (std::vector<std::string>{"other", "some longer class name"}));
  EXPECT_EQ(table.feature(999, 0), 999.0f);
  EXPECT_EQ(table.label(999), "other");
}

// Regression: a read error (EIO, here /proc/self/mem's unmapped first page)
// escaped as an exception and ended sweepc through the terminate handler.
TEST(CsvFile, AReadErrorNamesTheFile) {
  CsvOptions options;
  options.labelIndex = 0;
  CsvTable table;
  std::string error;
  EXPECT_FALSE(readCsv("/proc/self/mem", options, table, error));
  EXPECT_NE(error.find("'/proc/self/mem'"), std::string::npos) << error;
}
