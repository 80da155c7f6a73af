//===- ProgramMemory.cpp - what a compiled program's runs occupy ----------===//

#include "runtime/exec/ProgramMemory.h"

#include "runtime/exec/CompiledProgram.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace sweep;

namespace {
/// What a run of a group holds, in floats: its parameters, the optimizer's
/// state slots per parameter, and its layer outputs for one minibatch.
struct RunFloats {
  uint64_t parameters = 0, slots = 0, minibatchOutputs = 0;
};

RunFloats runFloats(const GroupSpec &group) {
  RunFloats floats;
  uint64_t widths = 0;
  for (const LayerSpec &layer : group.layers) {
    if (layer.kind == LayerSpec::Kind::Dense)
      floats.parameters += uint64_t(layer.inputs * layer.outputs + layer.outputs);
    widths += uint64_t(layer.outputs);
  }
  floats.slots = uint64_t(optimizerSlots(group.optimizer));
  floats.minibatchOutputs = uint64_t(group.minibatchRows()) * widths;
  return floats;
}
} // namespace

uint64_t sweep::programBytesPerRun(const GroupSpec &group) {
  RunFloats f = runFloats(group);
  return sizeof(float) * ((2 + 2 * f.slots + 1) * f.parameters + 4 * f.minibatchOutputs);
}

uint64_t sweep::leastBytesPerRun(const GroupSpec &group, bool nextStep) {
  RunFloats f = runFloats(group);
  if (!nextStep)
    return sizeof(float) * ((2 + f.slots) * f.parameters + f.minibatchOutputs);
  // Parameters and state twice: a step writes the next ones beside this
  // step's (CompiledProgram). Regression: counted once, Adam's runs were
  // taken for 4 x their parameters where they hold 7 x, and passed the check
  // to be killed by the kernel.
  return sizeof(float) * ((3 + 2 * f.slots) * f.parameters + f.minibatchOutputs);
}

uint64_t sweep::datasetBytes(const SweepJob &job) {
  uint64_t bytes = 0;
  for (const DataSpec &data : job.datasets) {
    uint64_t samples = uint64_t(data.expectTrain + data.expectValidation + data.expectTest);
    uint64_t perSample = uint64_t(data.expectInputs) +
                         (data.expectClasses ? 1 : uint64_t(std::max<int64_t>(1, data.expectTargets)));
    bytes += sizeof(float) * samples * perSample;
  }
  return bytes;
}

namespace {
/// The first whitespace-separated word of `path` as a byte count; false
/// when the file is missing or says "max" (no limit).
bool readBytes(const std::string &path, uint64_t &bytes) {
  std::ifstream in(path);
  std::string word;
  if (!(in >> word) || word.empty() || !std::isdigit(static_cast<unsigned char>(word[0])))
    return false;
  bytes = std::strtoull(word.c_str(), nullptr, 10);
  return bytes > 0;
}

/// The cgroup (v2 unified, else v1 memory controller) this process is in,
/// relative to the cgroup mount: "/" when /proc/self/cgroup cannot say.
std::string ownCgroup(const std::string &root, bool &v1) {
  std::ifstream in(root + "proc/self/cgroup");
  std::string line, unified = "/", memory;
  while (std::getline(in, line)) {
    // "0::/user.slice/..." (v2) or "4:memory:/docker/..." (v1).
    size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos)
      continue;
    std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    if (controllers.empty())
      unified = path;
    else if (("," + controllers + ",").find(",memory,") != std::string::npos)
      memory = path;
  }
  v1 = !memory.empty();
  return v1 ? memory : unified;
}
} // namespace

MemoryLimit sweep::hostMemoryLimit(const std::string &rootDir) {
  std::string root = rootDir.empty() || rootDir.back() == '/' ? rootDir : rootDir + "/";
  MemoryLimit limit;
  {
    std::ifstream meminfo(root + "proc/meminfo");
    std::string line;
    while (std::getline(meminfo, line))
      if (line.rfind("MemTotal:", 0) == 0) {
        std::istringstream fields(line.substr(9));
        uint64_t kib = 0;
        if (fields >> kib && kib) {
          limit.bytes = kib * 1024;
          limit.source = "this machine's memory";
        }
      }
  }
  // A limit is set on the process's own cgroup or on one above it.
  bool v1 = false;
  std::string group = ownCgroup(root, v1);
  while (group.size() > 1 && group.back() == '/')
    group.pop_back();
  std::string mount = root + (v1 ? "sys/fs/cgroup/memory" : "sys/fs/cgroup");
  for (std::string path = group;;) {
    while (path.size() > 1 && path.back() == '/')
      path.pop_back();
    std::string dir = mount + (path == "/" ? "" : path);
    uint64_t bytes = 0;
    // v1 says "no limit" with a huge number, larger than any machine.
    if (readBytes(dir + (v1 ? "/memory.limit_in_bytes" : "/memory.max"), bytes) &&
        (!limit.bytes || bytes < limit.bytes)) {
      limit.bytes = bytes;
      // Which cgroup: one above the process's is named by its path.
      // Regression: a parent's limit was called this process's cgroup's.
      std::string which = path == group ? std::string("this process's cgroup")
                                        : "the cgroup " + path + " above this process's";
      limit.source = (v1 ? "the memory.limit_in_bytes of " : "the memory.max of ") + which;
    }
    if (path == "/" || path.empty())
      break;
    path = path.substr(0, path.rfind('/'));
    if (path.empty())
      path = "/";
  }
  return limit;
}

std::string sweep::formatBytes(uint64_t bytes) {
  char text[32];
  if (bytes >= (uint64_t(1) << 40))
    std::snprintf(text, sizeof text, "%.1f TiB", double(bytes) / double(uint64_t(1) << 40));
  else if (bytes >= (uint64_t(1) << 30))
    std::snprintf(text, sizeof text, "%.1f GiB", double(bytes) / double(1 << 30));
  else if (bytes >= (uint64_t(1) << 20))
    std::snprintf(text, sizeof text, "%.1f MiB", double(bytes) / double(1 << 20));
  else if (bytes >= 1024)
    std::snprintf(text, sizeof text, "%.1f KiB", double(bytes) / 1024.0);
  else
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
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
  // Decimal only: strtod also reads hexadecimal ("0x100000" was 1 MiB).
  bool hexadecimal = text.find_first_of("xX") != std::string::npos;
  if (end == text.c_str() || hexadecimal || shift < 0 || !std::isfinite(number) || number <= 0 ||
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
