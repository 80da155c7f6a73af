//===- TestFiles.h - temporary files and IDX bytes for tests ----*- C++ -*-===//

#ifndef SWEEP_TEST_UNITTESTS_RUNTIME_TESTFILES_H
#define SWEEP_TEST_UNITTESTS_RUNTIME_TESTFILES_H

#include "../support/ScratchDirectory.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace sweep::testing {

/// A path in this test process's scratch folder.
inline std::string tempPath(const std::string &name) {
  return scratchPath(name);
}

/// An IDX file: magic (element type, rank), big-endian dimensions, payload.
inline std::string idxBytes(uint8_t type, std::vector<uint32_t> dims, const std::string &payload) {
  std::string bytes = {0, 0, char(type), char(dims.size())};
  for (uint32_t d : dims)
    for (int shift : {24, 16, 8, 0})
      bytes.push_back(char(d >> shift));
  return bytes + payload;
}

inline void writeRaw(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

inline void writeGzip(const std::string &path, const std::string &bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  gzwrite(file, bytes.data(), unsigned(bytes.size()));
  gzclose(file);
}

} // namespace sweep::testing

#endif // SWEEP_TEST_UNITTESTS_RUNTIME_TESTFILES_H
