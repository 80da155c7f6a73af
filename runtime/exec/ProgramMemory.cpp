//===- ProgramMemory.cpp - what a compiled program's runs occupy ----------===//

#include "runtime/exec/ProgramMemory.h"

#include "runtime/exec/CompiledProgram.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace sweep;

uint64_t sweep::programBytesPerRun(const GroupSpec &group) {
  uint64_t parameters = 0, widths = 0;
  for (const LayerSpec &layer : group.layers) {
    if (layer.kind == LayerSpec::Kind::Dense)
      parameters += uint64_t(layer.inputs * layer.outputs + layer.outputs);
    widths += uint64_t(layer.outputs);
  }
  uint64_t slots = uint64_t(optimizerSlots(group.optimizer));
  uint64_t batch = uint64_t(std::max<int64_t>(1, group.batch));
  return sizeof(float) * ((2 + 2 * slots + 1) * parameters + 4 * batch * widths);
}

std::string sweep::formatBytes(uint64_t bytes) {
  char text[32];
  if (bytes >= (uint64_t(1) << 30))
    std::snprintf(text, sizeof text, "%.1f GiB", double(bytes) / double(1 << 30));
  else if (bytes >= (uint64_t(1) << 20))
    std::snprintf(text, sizeof text, "%.1f MiB", double(bytes) / double(1 << 20));
  else
    std::snprintf(text, sizeof text, "%.1f KiB", double(bytes) / 1024.0);
  return text;
}

bool sweep::parseByteSize(const std::string &text, uint64_t &bytes, std::string &error) {
  char *end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  std::string suffix(end ? end : "");
  for (char &c : suffix)
    c = char(std::toupper(static_cast<unsigned char>(c)));
  int shift = -1;
  for (const auto &[names, power] :
       {std::pair<const char *, int>{"|B", 0}, {"K|KB|KIB", 10}, {"M|MB|MIB", 20},
        {"G|GB|GIB", 30}, {"T|TB|TIB", 40}}) {
    std::string options = std::string("|") + names + "|";
    if (options.find("|" + suffix + "|") != std::string::npos)
      shift = power;
  }
  if (end == text.c_str() || shift < 0 || !std::isfinite(number) || number <= 0 ||
      number * std::ldexp(1.0, shift) >= 1.8e19) {
    error = "'" + text + "' is not a size (a number of bytes, or with K, M, G or T: 512M, 2G)";
    return false;
  }
  bytes = uint64_t(number * std::ldexp(1.0, shift));
  if (bytes == 0) {
    error = "'" + text + "' is less than a byte";
    return false;
  }
  return true;
}
