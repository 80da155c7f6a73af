//===- WeightKeeperTest.cpp - the best runs' weights as .npz --------------===//
//
// What the files hold is checked by NumPy in CPU/save-weights.test; here the
// archive's structure and which runs the keeper keeps.

#include "runtime/results/NpzFile.h"
#include "runtime/results/WeightKeeper.h"

#include "../support/ScratchDirectory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

using namespace sweep;
namespace fs = std::filesystem;

namespace {
std::string freshDirectory(const std::string &name) {
  std::string dir = sweep::testing::scratchPath("weights-" + name);
  fs::remove_all(dir);
  return dir;
}

std::string readAll(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// One dense layer 2 -> 3: 6 weights and 3 biases.
GroupSpec oneLayer() {
  GroupSpec group;
  group.label = "test";
  group.layers.push_back({LayerSpec::Kind::Dense, 2, 3, Activation::Identity});
  return group;
}

std::vector<std::string> files(const std::string &dir) {
  std::vector<std::string> names;
  for (const fs::directory_entry &entry : fs::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}
} // namespace

TEST(NpzFile, StoredZipOfNpyArraysWithAlignedData) {
  std::string dir = freshDirectory("npz");
  fs::create_directories(dir);
  std::vector<float> weights{1, 2, 3, 4, 5, 6}, bias{0.5f, -1, 2};
  std::string error, path = dir + "/a.npz";
  ASSERT_TRUE(writeNpz(path, {{"dense0.weight", {2, 3}, weights.data()},
                              {"dense0.bias", {3}, bias.data()}},
                       error))
      << error;
  std::string bytes = readAll(path);
  EXPECT_EQ(bytes.substr(0, 4), std::string("PK\x03\x04", 4));
  // The end of the central directory: two entries.
  size_t end = bytes.rfind(std::string("PK\x05\x06", 4));
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(uint8_t(bytes[end + 10]), 2);
  // Each .npy: its header names the shape and pads the data to 64 bytes.
  size_t npy = bytes.find("\x93NUMPY");
  ASSERT_NE(npy, std::string::npos);
  size_t headerLength = uint8_t(bytes[npy + 8]) | uint8_t(bytes[npy + 9]) << 8;
  EXPECT_EQ((10 + headerLength) % 64, 0u);
  std::string header = bytes.substr(npy + 10, headerLength);
  EXPECT_NE(header.find("'descr': '<f4'"), std::string::npos) << header;
  EXPECT_NE(header.find("'shape': (2, 3)"), std::string::npos) << header;
  EXPECT_EQ(bytes.compare(npy + 10 + headerLength, 24,
                          std::string(reinterpret_cast<const char *>(weights.data()), 24)),
            0);
  EXPECT_NE(bytes.find("'shape': (3,)"), std::string::npos);
  EXPECT_FALSE(fs::exists(path + ".partial"));
  fs::remove_all(dir);
}

TEST(WeightKeeper, KeepsTheBestAndRemovesWhatTheyDisplace) {
  std::string dir = freshDirectory("keeper");
  WeightKeeper keeper(dir, 2, /*higherIsBetter=*/true);
  GroupSpec group = oneLayer();
  std::vector<float> parameters(9, 1.0f);
  std::string error;
  EXPECT_TRUE(keeper.wants(0.5, 7));
  ASSERT_TRUE(keeper.offer(7, 0.5, group, parameters, error)) << error;
  ASSERT_TRUE(keeper.offer(3, 0.9, group, parameters, error)) << error;
  EXPECT_EQ(files(dir), (std::vector<std::string>{"r3.npz", "r7.npz"}));
  // Worse than both: not wanted, and an offer anyway writes nothing.
  EXPECT_FALSE(keeper.wants(0.4, 9));
  ASSERT_TRUE(keeper.offer(9, 0.4, group, parameters, error));
  EXPECT_EQ(files(dir), (std::vector<std::string>{"r3.npz", "r7.npz"}));
  // Better than r7: r7's file goes. A tie is broken by the smaller id.
  EXPECT_TRUE(keeper.wants(0.5, 6));
  EXPECT_FALSE(keeper.wants(0.5, 8));
  EXPECT_FALSE(keeper.wants(NAN, 1));
  ASSERT_TRUE(keeper.offer(6, 0.5, group, parameters, error));
  EXPECT_EQ(files(dir), (std::vector<std::string>{"r3.npz", "r6.npz"}));
  fs::remove_all(dir);
}

TEST(WeightKeeper, RejectsParametersThatDoNotFitTheLayers) {
  std::string dir = freshDirectory("misfit");
  WeightKeeper keeper(dir, 1, false);
  std::string error;
  EXPECT_FALSE(keeper.offer(1, 0.1, oneLayer(), std::vector<float>(8), error));
  EXPECT_NE(error.find("do not fit the layers"), std::string::npos) << error;
  fs::remove_all(dir);
}

TEST(WeightKeeper, SettleKeepsTheSweepsBestAndNamesThoseWithoutFiles) {
  std::string dir = freshDirectory("settle");
  WeightKeeper keeper(dir, 2, /*higherIsBetter=*/false);
  GroupSpec group = oneLayer();
  std::vector<float> parameters(9, 0.0f);
  std::string error;
  // An earlier invocation kept r4 and r5; this one trains r1 (best) and r2.
  fs::create_directories(dir);
  std::ofstream(dir + "/r4.npz") << "x";
  std::ofstream(dir + "/r5.npz") << "x";
  std::ofstream(dir + "/r5.npz.partial") << "x"; // Cut off by a kill.
  std::ofstream(dir + "/notes.txt") << "mine";  // Not sweepc's: left alone,
  std::ofstream(dir + "/results.npz") << "mine"; // as is an .npz not named r<id>.
  ASSERT_TRUE(keeper.offer(1, 0.1, group, parameters, error));
  ASSERT_TRUE(keeper.offer(2, 0.3, group, parameters, error));
  std::vector<RunRecord> records(4);
  uint64_t ids[] = {1, 2, 4, 9};
  for (size_t i = 0; i < 4; ++i)
    records[i].id = ids[i];
  // Ranked best first: r1, then r9 (finished earlier, without weights saved).
  std::vector<const RunRecord *> ranked{&records[0], &records[3], &records[2], &records[1]};
  std::vector<uint64_t> missing;
  std::vector<std::string> kept = keeper.settle(ranked, missing);
  EXPECT_EQ(kept, (std::vector<std::string>{dir + "/r1.npz"}));
  EXPECT_EQ(missing, (std::vector<uint64_t>{9}));
  EXPECT_EQ(files(dir), (std::vector<std::string>{"notes.txt", "r1.npz", "results.npz"}));
  fs::remove_all(dir);
}

TEST(WeightKeeper, OnlyItsOwnFilesAreWeightsFiles) {
  for (const char *name : {"r0.npz", "r12.npz", "r7.npz.partial"})
    EXPECT_TRUE(WeightKeeper::isWeightsFile(name)) << name;
  for (const char *name : {"r.npz", "results.npz", "r1x.npz", "r1.npz.bak", "x1.npz", "r1"})
    EXPECT_FALSE(WeightKeeper::isWeightsFile(name)) << name;
}
