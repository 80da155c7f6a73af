//===- GroupProgram.cpp - what every backend shares ----------------------===//

#include "runtime/exec/GroupProgram.h"

#include <atomic>

using namespace sweep;

uint64_t sweep::nextBatchId() {
  static std::atomic<uint64_t> issued{0};
  return ++issued;
}

bool sweep::validGatherIndices(const std::vector<size_t> &keep, size_t runs, std::string &error) {
  if (keep.empty()) {
    error = "gather keeps no run: drop the program instead";
    return false;
  }
  for (size_t i = 0; i < keep.size(); ++i) {
    if (keep[i] >= runs) {
      error = "gather index " + std::to_string(keep[i]) + " is out of range: the program holds " +
              std::to_string(runs) + " runs";
      return false;
    }
    if (i > 0 && keep[i] <= keep[i - 1]) {
      error = "gather indices must increase strictly (" + std::to_string(keep[i - 1]) + " then " +
              std::to_string(keep[i]) + ")";
      return false;
    }
  }
  return true;
}
