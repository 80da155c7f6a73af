//===- ScratchDirectory.h - one temporary folder per test process -*- C++ -*-===//
//
// Tests write their files under a folder of their own, made on first use and
// removed when the process ends: paths named by PID straight under /tmp were
// left behind by every ctest run (thousands after a day of work).

#ifndef SWEEP_TEST_UNITTESTS_SUPPORT_SCRATCHDIRECTORY_H
#define SWEEP_TEST_UNITTESTS_SUPPORT_SCRATCHDIRECTORY_H

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace sweep::testing {

namespace detail {
/// The folder, removed with everything in it by the static destructor.
struct ScratchFolder {
  std::string path;
  ScratchFolder() {
    std::string pattern = ::testing::TempDir() + "/sweep-unittest-XXXXXX";
    if (!mkdtemp(pattern.data()))
      std::abort(); // No temporary folder: every test writing files would fail.
    path = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};
} // namespace detail

/// This process's scratch folder.
inline const std::string &scratchDirectory() {
  static detail::ScratchFolder folder;
  return folder.path;
}

/// A path named NAME in the scratch folder (nothing is created).
inline std::string scratchPath(const std::string &name) {
  return scratchDirectory() + "/" + name;
}

} // namespace sweep::testing

#endif // SWEEP_TEST_UNITTESTS_SUPPORT_SCRATCHDIRECTORY_H
