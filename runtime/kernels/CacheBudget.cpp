//===- CacheBudget.cpp - the core's L2 from sysfs -------------------------===//

#include "runtime/kernels/CacheBudget.h"

#include <fstream>
#include <sstream>
#include <string>

using namespace sweep;

namespace {
/// "2048K", "2M", "1048576" -> bytes; 0 when unreadable.
uint64_t parseCacheSize(const std::string &text) {
  std::istringstream in(text);
  uint64_t value = 0;
  char unit = 0;
  if (!(in >> value))
    return 0;
  in >> unit;
  if (unit == 'K')
    return value << 10;
  if (unit == 'M')
    return value << 20;
  if (unit == 'G')
    return value << 30;
  return value;
}

std::string readLine(const std::string &path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}
} // namespace

CacheSize sweep::coreL2Size() {
  for (int index = 0; index < 8; ++index) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
    if (readLine(dir + "/level") != "2")
      continue;
    if (readLine(dir + "/type") == "Instruction")
      continue;
    if (uint64_t bytes = parseCacheSize(readLine(dir + "/size")))
      return {bytes, true};
  }
  return {uint64_t(1) << 20, false};
}

uint64_t sweep::thisCoreCacheBudget() {
  static const uint64_t budget = cacheBudgetBytes(coreL2Size());
  return budget;
}
