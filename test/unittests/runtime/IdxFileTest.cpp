//===- IdxFileTest.cpp - IDX header and label reading ---------------------===//

#include "runtime/data/IdxFile.h"

#include "TestFiles.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace sweep;

using namespace sweep::testing;

TEST(IdxFile, ReadsRawHeader) {
  std::string path = tempPath("raw-images");
  writeRaw(path, idxBytes(0x08, {3, 2, 4}, std::string(24, '\1')));
  IdxHeader header;
  std::string error;
  ASSERT_TRUE(readIdxHeader(path, header, error)) << error;
  EXPECT_EQ(header.elementType, 0x08);
  EXPECT_EQ(header.count(), 3u);
  EXPECT_EQ(header.itemSize(), 8u);
  std::remove(path.c_str());
}

TEST(IdxFile, ReadsGzipLabels) {
  std::string path = tempPath("labels.gz");
  writeGzip(path, idxBytes(0x08, {4}, std::string("\x00\x03\x01\x02", 4)));
  std::vector<uint8_t> labels;
  IdxLabelSummary summary;
  std::string error;
  ASSERT_TRUE(readIdxLabels(path, 0, labels, summary, error)) << error;
  EXPECT_EQ(labels, (std::vector<uint8_t>{0, 3, 1, 2}));
  EXPECT_EQ(summary.count, 4u);
  EXPECT_EQ(summary.maxLabel, 3);
  std::remove(path.c_str());
}

// Regression: a dataset's `limit: 10` held its whole label file (at IDX's
// largest, gigabytes for 10 samples); the labels past the limit still count
// towards the classes.
TEST(IdxFile, LabelsPastWhatIsKeptAreCountedNotHeld) {
  std::string path = tempPath("many-labels");
  std::string bytes(3 << 20, '\1');
  bytes[(3 << 20) - 1] = 9;
  writeRaw(path, idxBytes(0x08, {uint32_t(bytes.size())}, bytes));
  std::vector<uint8_t> labels;
  IdxLabelSummary summary;
  std::string error;
  ASSERT_TRUE(readIdxLabels(path, 10, labels, summary, error)) << error;
  EXPECT_EQ(labels, std::vector<uint8_t>(10, 1));
  EXPECT_LT(labels.capacity(), size_t(2) << 20);
  EXPECT_EQ(summary.count, uint64_t(3) << 20);
  EXPECT_EQ(summary.maxLabel, 9);
  std::remove(path.c_str());
}

// Regression: an item dimension of 0 divided by zero in the reader (SIGFPE).
TEST(IdxFile, ItemsOfNoValuesAreRejected) {
  std::string path = tempPath("zero-dim");
  writeRaw(path, idxBytes(0x08, {100, 0, 4}, ""));
  IdxHeader header;
  std::vector<float> data;
  std::string error;
  EXPECT_FALSE(readIdxData(path, 0, header, data, error));
  EXPECT_NE(error.find("has items of no values (its dimension 2 is 0)"), std::string::npos)
      << error;
  std::remove(path.c_str());
}

TEST(IdxFile, MissingFileNamesThePath) {
  IdxHeader header;
  std::string error;
  EXPECT_FALSE(readIdxHeader("/nonexistent/images.gz", header, error));
  EXPECT_NE(error.find("/nonexistent/images.gz"), std::string::npos);
  EXPECT_NE(error.find("No such file"), std::string::npos);
}

TEST(IdxFile, BadMagicIsRejected) {
  std::string path = tempPath("bad-magic");
  writeRaw(path, "PK\x03\x04 this is a zip file");
  IdxHeader header;
  std::string error;
  EXPECT_FALSE(readIdxHeader(path, header, error));
  EXPECT_NE(error.find("not an IDX file"), std::string::npos);
  std::remove(path.c_str());
}

TEST(IdxFile, TruncatedLabelsAreRejected) {
  std::string path = tempPath("short-labels");
  writeRaw(path, idxBytes(0x08, {10}, std::string(4, '\1')));
  std::vector<uint8_t> labels;
  IdxLabelSummary summary;
  std::string error;
  EXPECT_FALSE(readIdxLabels(path, 0, labels, summary, error));
  EXPECT_NE(error.find("truncated"), std::string::npos);
  std::remove(path.c_str());
}

TEST(IdxFile, ImageFileIsNotALabelFile) {
  std::string path = tempPath("images-as-labels");
  writeRaw(path, idxBytes(0x08, {1, 2, 2}, std::string(4, '\1')));
  std::vector<uint8_t> labels;
  IdxLabelSummary summary;
  std::string error;
  EXPECT_FALSE(readIdxLabels(path, 0, labels, summary, error));
  EXPECT_NE(error.find("not an IDX label file"), std::string::npos);
  std::remove(path.c_str());
}

// Regression: a header that claims 4 billion labels must not allocate 4 GB before
// finding out that the file holds four bytes.
TEST(IdxFile, HugeClaimedCountFailsWithoutAllocating) {
  std::string path = tempPath("huge-count");
  writeRaw(path, idxBytes(0x08, {0xfffffff0u}, std::string(4, '\1')));
  std::vector<uint8_t> labels;
  IdxLabelSummary summary;
  std::string error;
  EXPECT_FALSE(readIdxLabels(path, 0, labels, summary, error));
  EXPECT_NE(error.find("truncated"), std::string::npos) << error;
  EXPECT_LT(labels.capacity(), size_t(64) << 20);
  std::remove(path.c_str());
}

TEST(IdxFile, ImplausibleImageSizeIsRejected) {
  std::string path = tempPath("huge-images");
  writeRaw(path, idxBytes(0x08, {1, 0xffffffffu, 0xffffffffu}, ""));
  IdxHeader header;
  std::string error;
  EXPECT_FALSE(readIdxHeader(path, header, error));
  EXPECT_NE(error.find("too large"), std::string::npos) << error;
  std::remove(path.c_str());
}

TEST(IdxFile, SummaryCountsAndFindsTheLargestLabel) {
  std::string path = tempPath("summary.gz");
  writeGzip(path, idxBytes(0x08, {5}, std::string("\x02\x07\x00\x01\x07", 5)));
  IdxLabelSummary summary;
  std::string error;
  ASSERT_TRUE(summarizeIdxLabels(path, summary, error)) << error;
  EXPECT_EQ(summary.count, 5u);
  EXPECT_EQ(summary.maxLabel, 7);
  std::remove(path.c_str());
}

// The values of a file whose size vouches for its header are held in one
// allocation of exactly their size (growing chunk by chunk, 4 MB at a time,
// copied Fashion-MNIST's 188 MB about twice into fresh pages); raw and gzip,
// whole and cut by a limit, each element type decoded.
TEST(IdxFile, ValuesAreReadIntoOneAllocation) {
  const uint32_t items = 5000, rows = 32, cols = 32; // 5.1 MB: two chunks.
  std::string pixels(size_t(items) * rows * cols, '\0');
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = char(i * 7 % 251);
  const std::string raw = tempPath("pixels-raw"), gz = tempPath("pixels-gz");
  writeRaw(raw, idxBytes(0x08, {items, rows, cols}, pixels));
  writeGzip(gz, idxBytes(0x08, {items, rows, cols}, pixels));
  for (const std::string &path : {raw, gz})
    for (uint64_t limit : {uint64_t(0), uint64_t(4500)}) {
      IdxHeader header;
      std::vector<float> data;
      std::string error;
      ASSERT_TRUE(readIdxData(path, limit, header, data, error)) << error;
      const size_t values = (limit ? limit : items) * rows * cols;
      ASSERT_EQ(data.size(), values) << path;
      EXPECT_EQ(data.capacity(), values) << path << " limit " << limit;
      size_t wrong = 0;
      for (size_t i = 0; i < values; ++i)
        wrong += data[i] != float(i * 7 % 251);
      EXPECT_EQ(wrong, 0u) << path;
    }
  // Big-endian int16, through the general decoder.
  const std::string shorts = tempPath("shorts");
  writeRaw(shorts, idxBytes(0x0B, {2, 1}, std::string("\xff\xfe\x01\x00", 4)));
  IdxHeader header;
  std::vector<float> data;
  std::string error;
  ASSERT_TRUE(readIdxData(shorts, 0, header, data, error)) << error;
  EXPECT_EQ(data, (std::vector<float>{-2.0f, 256.0f}));
  for (const std::string &path : {raw, gz, shorts})
    std::remove(path.c_str());
}

// A header that claims more images than the file holds gets no reservation
// of what it claims: it fails on the missing bytes, raw or gzip (whose
// trailer then gives another size).
TEST(IdxFile, HugeClaimedImageCountFailsWithoutAllocating) {
  const std::string raw = tempPath("huge-images-raw"), gz = tempPath("huge-images-gz");
  writeRaw(raw, idxBytes(0x08, {0x0ffffff0u, 4, 4}, std::string(64, '\1')));
  writeGzip(gz, idxBytes(0x08, {0x0ffffff0u, 4, 4}, std::string(64, '\1')));
  for (const std::string &path : {raw, gz}) {
    IdxHeader header;
    std::vector<float> data;
    std::string error;
    EXPECT_FALSE(readIdxData(path, 0, header, data, error)) << path;
    EXPECT_NE(error.find("truncated"), std::string::npos) << error;
    EXPECT_LT(data.capacity(), size_t(64) << 20) << path;
    std::remove(path.c_str());
  }
}
