//===- DatasetTest.cpp - loading, generating, splitting, normalizing ------===//

#include "runtime/data/Dataset.h"

#include "TestFiles.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <fstream>
#include <unistd.h>

using namespace sweep;
using namespace sweep::testing;

namespace {
/// Four 2x2 byte images with labels 0..3, gzipped.
DataSpec writeIdxPair(const std::string &stem) {
  DataSpec spec;
  spec.source = "idx";
  spec.name = stem;
  spec.images = tempPath(stem + "-images.gz");
  spec.labels = tempPath(stem + "-labels");
  std::string pixels;
  for (int i = 0; i < 16; ++i)
    pixels.push_back(char(i * 17));
  writeGzip(spec.images, idxBytes(0x08, {4, 2, 2}, pixels));
  std::ofstream(spec.labels, std::ios::binary) << idxBytes(0x08, {4}, std::string("\0\1\2\3", 4));
  return spec;
}
} // namespace

TEST(Dataset, IdxPairLoadsSplitsAndScales) {
  DataSpec spec = writeIdxPair("basic");
  spec.normalize = "unit";
  spec.validationCount = 1;
  Dataset data;
  std::string error;
  ASSERT_TRUE(loadDataset(spec, data, error)) << error;
  EXPECT_EQ(data.inputs, 4);
  EXPECT_EQ(data.classes, 4);
  EXPECT_EQ(data.train.count, 3);
  EXPECT_EQ(data.validation.count, 1);
  // The validation split is the last sample.
  EXPECT_EQ(data.validation.classes, std::vector<int32_t>({3}));
  EXPECT_FLOAT_EQ(data.validation.x[0], 12 * 17 / 255.0f);
  EXPECT_FLOAT_EQ(data.train.x[1], 17 / 255.0f);
}

TEST(Dataset, IdxLimitKeepsTheFirstSamples) {
  DataSpec spec = writeIdxPair("limit");
  spec.limit = 2;
  Dataset data;
  std::string error;
  ASSERT_TRUE(loadDataset(spec, data, error)) << error;
  EXPECT_EQ(data.train.count, 2);
  EXPECT_EQ(data.train.classes, std::vector<int32_t>({0, 1}));
}

TEST(Dataset, TruncatedIdxDataNamesTheFile) {
  DataSpec spec = writeIdxPair("truncated");
  writeGzip(spec.images, idxBytes(0x08, {4, 2, 2}, std::string(10, '\1')));
  Dataset data;
  std::string error;
  EXPECT_FALSE(loadDataset(spec, data, error));
  EXPECT_NE(error.find(spec.images), std::string::npos) << error;
  EXPECT_NE(error.find("truncated"), std::string::npos) << error;
}

TEST(Dataset, CorruptGzipIsAnError) {
  DataSpec spec = writeIdxPair("corrupt");
  std::string bytes;
  {
    std::ifstream in(spec.images, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] ^= 0x5a; // Damage the deflate stream.
  bytes.resize(bytes.size() - 4);
  std::ofstream(spec.images, std::ios::binary) << bytes;
  Dataset data;
  std::string error;
  EXPECT_FALSE(loadDataset(spec, data, error));
  EXPECT_NE(error.find(spec.images), std::string::npos) << error;
}

TEST(Dataset, MissingFashionMnistNamesThePackage) {
  DataSpec spec;
  spec.source = "fashion_mnist";
  spec.name = "fashion";
  spec.images = "/usr/share/datasets/fashion-mnist/no-such-file.gz";
  spec.labels = "/usr/share/datasets/fashion-mnist/no-such-labels.gz";
  Dataset data;
  std::string error;
  EXPECT_FALSE(loadDataset(spec, data, error));
  EXPECT_NE(error.find("dataset-fashion-mnist"), std::string::npos) << error;
}

TEST(Dataset, ShapeThatChangedSincePlanningIsAnError) {
  DataSpec spec = writeIdxPair("changed");
  spec.expectInputs = 784;
  Dataset data;
  std::string error;
  EXPECT_FALSE(loadDataset(spec, data, error));
  EXPECT_NE(error.find("784"), std::string::npos) << error;
  spec.expectInputs = 4;
  spec.expectTargets = 10;
  EXPECT_FALSE(loadDataset(spec, data, error));
  EXPECT_NE(error.find("4 classes"), std::string::npos) << error;
}

TEST(Dataset, CsvTestLabelMustBeAKnownClass) {
  DataSpec spec;
  spec.source = "csv";
  spec.name = "table";
  spec.csvPath = tempPath("train.csv");
  spec.csvTest = tempPath("test.csv");
  spec.labelName = "y";
  std::ofstream(spec.csvPath) << "a,b,y\n1,2,cat\n3,4,dog\n5,6,cat\n";
  std::ofstream(spec.csvTest) << "a,b,y\n1,1,dog\n2,2,cow\n";
  Dataset data;
  std::string error;
  EXPECT_FALSE(loadDataset(spec, data, error));
  EXPECT_NE(error.find("'cow'"), std::string::npos) << error;
  std::ofstream(spec.csvTest) << "a,b,y\n1,1,dog\n2,2,cat\n";
  ASSERT_TRUE(loadDataset(spec, data, error)) << error;
  EXPECT_EQ(data.classes, 2);
  EXPECT_EQ(data.test.classes, std::vector<int32_t>({1, 0}));
}

TEST(Dataset, StandardizationUsesTrainingStatisticsOnly) {
  Dataset data;
  data.inputs = 1;
  data.train.count = 4;
  data.train.x = {1, 2, 3, 4}; // Mean 2.5, standard deviation sqrt(1.25).
  data.test.count = 1;
  data.test.x = {2.5f + float(std::sqrt(1.25))};
  normalizeDataset(data, "standard", false);
  EXPECT_NEAR(data.train.x[0], -1.5 / std::sqrt(1.25), 1e-6);
  EXPECT_NEAR(data.test.x[0], 1.0, 1e-6);
}

TEST(Dataset, MinmaxMapsTheTrainingRangeToUnit) {
  Dataset data;
  data.inputs = 2;
  data.train.count = 2;
  data.train.x = {0, 10, 4, 10}; // The second feature is constant.
  normalizeDataset(data, "minmax", false);
  EXPECT_EQ(data.train.x, std::vector<float>({0, 0, 1, 0}));
}

TEST(Dataset, SyntheticDataIsDeterministicAndSeeded) {
  for (const char *source : {"spirals", "blobs", "teacher"}) {
    DataSpec spec;
    spec.source = source;
    spec.n = 50;
    spec.test = 20;
    spec.noise = 0.1;
    spec.seed = 3;
    Dataset a, b, c, shorter;
    std::string error;
    ASSERT_TRUE(loadDataset(spec, a, error)) << error;
    ASSERT_TRUE(loadDataset(spec, b, error)) << error;
    EXPECT_EQ(a.train.x, b.train.x) << source;
    EXPECT_EQ(a.test.x, b.test.x) << source;
    EXPECT_EQ(a.train.count, 50);
    EXPECT_EQ(a.test.count, 20);
    // Test samples come after the training samples: fewer test samples leave
    // the training set as it was.
    spec.test = 5;
    ASSERT_TRUE(loadDataset(spec, shorter, error)) << error;
    EXPECT_EQ(a.train.x, shorter.train.x) << source;
    spec.seed = 4;
    ASSERT_TRUE(loadDataset(spec, c, error)) << error;
    EXPECT_NE(a.train.x, c.train.x) << source;
  }
}

TEST(Dataset, SyntheticShapes) {
  DataSpec spec;
  spec.source = "blobs";
  spec.n = 30;
  spec.classes = 5;
  spec.features = 7;
  Dataset data;
  std::string error;
  ASSERT_TRUE(loadDataset(spec, data, error)) << error;
  EXPECT_EQ(data.inputs, 7);
  EXPECT_EQ(data.classes, 5);
  EXPECT_EQ(data.train.x.size(), 30u * 7);
  for (int32_t label : data.train.classes)
    EXPECT_LT(label, 5);

  spec.source = "teacher";
  spec.inputs = 3;
  spec.outputs = 2;
  ASSERT_TRUE(loadDataset(spec, data, error)) << error;
  EXPECT_FALSE(data.isClassification());
  EXPECT_EQ(data.targets, 2);
  EXPECT_EQ(data.train.targets.size(), 30u * 2);
}

TEST(Dataset, ValidationFractionAndOverlargeSplit) {
  DataSpec spec;
  spec.source = "spirals";
  spec.n = 100;
  spec.validationFraction = 0.25;
  Dataset data;
  std::string error;
  ASSERT_TRUE(loadDataset(spec, data, error)) << error;
  EXPECT_EQ(data.train.count, 75);
  EXPECT_EQ(data.validation.count, 25);
  spec.validationFraction = 0;
  spec.validationCount = 100;
  EXPECT_FALSE(loadDataset(spec, data, error));
  EXPECT_NE(error.find("leaves no training samples"), std::string::npos) << error;
}

// A share is rounded down, except the rounding error of the fraction's
// double (0.29 of 100 is 28.999999999999996): that is the number written.
// Regression: the error allowed grew with the count (1e-9 of the share), so
// 0.29999999999 of 10,000,000 held out 3,000,000, not 2,999,999.
TEST(Dataset, HeldOutSamplesRoundDownBeyondTheDoublesError) {
  EXPECT_EQ(heldOutSamples(0.29, 100), 29);
  EXPECT_EQ(heldOutSamples(0.1, 30), 3);
  EXPECT_EQ(heldOutSamples(0.7, 1000000007), 700000004);
  EXPECT_EQ(heldOutSamples(0.29999999999, 10000000), 2999999);
  EXPECT_EQ(heldOutSamples(0.9999999999, 100), 99);
  EXPECT_EQ(heldOutSamples(0.5, 7), 3);
}

// Regression: only training features were checked, so a target or a test
// feature beyond float range made every run "diverge" instead of an error.
// The CSV reader now names the cell (line and column) itself.
TEST(Dataset, ValuesBeyondFloatRangeAreBadInput) {
  DataSpec spec;
  spec.source = "csv";
  spec.name = "table";
  spec.csvPath = tempPath("range-train.csv");
  spec.labelName = "y";
  spec.regress = true;
  std::ofstream(spec.csvPath) << "a,y\n1,2\n3,1e39\n";
  Dataset data;
  std::string error;
  EXPECT_FALSE(loadDataset(spec, data, error));
  EXPECT_NE(error.find("line 3 column 2 ('y'): '1e39' is outside float32's range"),
            std::string::npos)
      << error;

  std::ofstream(spec.csvPath) << "a,y\n1,2\n3,4\n";
  spec.csvTest = tempPath("range-test.csv");
  std::ofstream(spec.csvTest) << "a,y\n1e39,2\n";
  EXPECT_FALSE(loadDataset(spec, data, error));
  EXPECT_NE(error.find("range-test.csv' line 2 column 1 ('a'): '1e39' is outside float32's range"),
            std::string::npos)
      << error;
}

// Normalized by a training range of almost no width, a test value far
// outside it is beyond float32: bad input, said so. Regression: it became an
// infinity, and every run "diverged".
TEST(Dataset, NormalizationBeyondFloatRangeIsBadInput) {
  DataSpec spec;
  spec.source = "csv";
  spec.name = "narrow";
  spec.csvPath = tempPath("narrow-train.csv");
  spec.csvTest = tempPath("narrow-test.csv");
  spec.labelName = "y";
  std::ofstream(spec.csvPath) << "a,y\n0,p\n1e-30,q\n";
  std::ofstream(spec.csvTest) << "a,y\n1e10,p\n";
  for (const char *method : {"minmax", "standard"}) {
    spec.normalize = method;
    Dataset data;
    std::string error;
    EXPECT_FALSE(loadDataset(spec, data, error)) << method;
    EXPECT_NE(error.find("dataset 'narrow': sample 0 of '" + spec.csvTest +
                         "' (counting from 0) (test split) has a feature that " +
                         std::string(method) +
                         " normalization takes beyond float32's range (feature 0: the training "
                         "split's range is too narrow for it)"),
              std::string::npos)
        << error;
  }
}

// An IDX test file of another element type than the training file would be
// scaled as the training one (unit: bytes / 255). Regression: it was taken.
TEST(Dataset, IdxTestFileOfAnotherTypeIsAnError) {
  DataSpec spec = writeIdxPair("types");
  spec.testImages = tempPath("types-test-images");
  spec.testLabels = spec.labels;
  std::string floats(16 * sizeof(float), '\0');
  std::ofstream(spec.testImages, std::ios::binary) << idxBytes(0x0D, {4, 2, 2}, floats);
  spec.normalize = "unit";
  Dataset data;
  std::string error;
  EXPECT_FALSE(loadDataset(spec, data, error));
  EXPECT_NE(error.find("types-test-images' holds float32 values, the training images '"),
            std::string::npos)
      << error;
}

TEST(Dataset, SingleClassValidationSplitIsWorthAWarning) {
  DataSpec spec;
  spec.source = "csv";
  spec.name = "sorted";
  spec.csvPath = tempPath("sorted.csv");
  spec.labelName = "y";
  spec.validationCount = 2;
  std::ofstream(spec.csvPath) << "a,y\n1,a\n2,a\n3,b\n4,b\n";
  Dataset data;
  std::string error;
  ASSERT_TRUE(loadDataset(spec, data, error)) << error;
  ASSERT_EQ(data.warnings.size(), 1u);
  EXPECT_NE(data.warnings[0].find("holds only class 1"), std::string::npos) << data.warnings[0];
  std::ofstream(spec.csvPath) << "a,y\n1,a\n2,b\n3,b\n4,a\n";
  ASSERT_TRUE(loadDataset(spec, data, error)) << error;
  EXPECT_TRUE(data.warnings.empty());
}
