//===- CsvRecordsTest.cpp - CSV text split into records -------------------===//
//
// CsvRecordReader reads a stream a block at a time: its records, line
// numbers and leftover must be those of completeCsvRecords on the whole
// text, wherever a record, a quoted line break, a doubled quote or a CRLF
// falls against the blocks.
//
//===----------------------------------------------------------------------===//

#include "runtime/results/CsvRecords.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

using namespace sweep;

namespace {
struct Read {
  std::vector<std::string> records;
  std::vector<size_t> lines;
  bool cut = false;
  size_t unreadLines = 0, firstUnreadLine = 0;
};

Read readAll(const std::string &text, size_t blockBytes) {
  std::istringstream in(text);
  CsvRecordReader reader(in, blockBytes);
  Read read;
  std::string record;
  while (reader.next(record)) {
    read.records.push_back(record);
    read.lines.push_back(reader.line());
  }
  EXPECT_FALSE(reader.next(record)); // The end stays the end.
  EXPECT_FALSE(reader.failed());
  read.cut = reader.cut();
  read.unreadLines = reader.unreadLines();
  read.firstUnreadLine = reader.firstUnreadLine();
  return read;
}

/// What the reader must say, from the whole text.
void expectSameAsWholeText(const std::string &text,
                           size_t blockBytes = CsvRecordReader::kDefaultBlockBytes) {
  SCOPED_TRACE("blocks of " + std::to_string(blockBytes) + " bytes");
  size_t consumed = 0;
  std::vector<std::string> expected = completeCsvRecords(text, &consumed);
  Read read = readAll(text, blockBytes);
  ASSERT_EQ(read.records, expected);
  size_t line = 1;
  bool quoted = false;
  size_t next = 0;
  for (size_t r = 0; r < expected.size(); ++r) {
    EXPECT_EQ(read.lines[r], line) << "record " << r;
    // The record's own line breaks (quoted) and its final one.
    for (; next < text.size(); ++next) {
      if (text[next] == '"')
        quoted = !quoted;
      if (text[next] == '\n') {
        ++line;
        if (!quoted) {
          ++next;
          break;
        }
      }
    }
  }
  std::string rest = text.substr(consumed);
  EXPECT_EQ(read.cut, !rest.empty());
  EXPECT_EQ(read.firstUnreadLine, line);
  EXPECT_EQ(read.unreadLines, size_t(std::count(rest.begin(), rest.end(), '\n')) +
                                  (rest.empty() || rest.back() == '\n' ? 0 : 1));
}
} // namespace

TEST(CsvRecords, SmallTexts) {
  for (const char *text :
       {"", "\n", "a", "a\n", "a,b\r\nc,d\r\n", "a\nb", "\"x\ny\",z\nw\n", "\"open\nrest\n",
        "\"\"\"\"\n", "a\n\n\nb\n", "\r\n"})
    expectSameAsWholeText(text);
}

TEST(CsvRecords, CrlfAndQuotedBreaks) {
  Read read = readAll("h1,h2\r\n\"two\r\nlines\",2\r\nlast,3\r\ncut",
                      CsvRecordReader::kDefaultBlockBytes);
  ASSERT_EQ(read.records.size(), 3u);
  EXPECT_EQ(read.records[1], "\"two\r\nlines\",2");
  EXPECT_EQ(read.lines, (std::vector<size_t>{1, 2, 4}));
  EXPECT_TRUE(read.cut);
  EXPECT_EQ(read.unreadLines, 1u);
  EXPECT_EQ(read.firstUnreadLine, 5u);
}

// Every block boundary against every byte of a text with each case.
TEST(CsvRecords, EveryBlockBoundary) {
  std::string text = "run,\"a \"\"quoted\"\"\nname\",x\r\n\"\",\"\n\n\"\r\n1,2,3\n"
                     "\"open\n4,5\n";
  for (size_t block = 1; block <= text.size() + 1; ++block)
    expectSameAsWholeText(text, block);
}

// Texts of a few MiB whose records, quotes, doubled quotes and CRLFs fall
// across the reader's block boundaries, with a record longer than a block.
TEST(CsvRecords, RecordsAcrossBlocks) {
  std::mt19937 random(7);
  for (int round = 0; round < 4; ++round) {
    std::string text;
    while (text.size() < (3u << 20)) {
      switch (random() % 9) {
      case 0: text += "\"quoted\nbreak\","; break;
      case 1: text += "\"\"\"\","; break;
      case 2: text += "\r\n"; break;
      case 3: text += std::string(random() % 4 ? 10 : (1 << 20) + 17, 'x'); break;
      default: text += "12.5,7\n"; break;
      }
    }
    if (round % 2)
      text += "\"never closed\nlast,1\n";
    expectSameAsWholeText(text);
  }
}
