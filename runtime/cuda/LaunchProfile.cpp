//===- LaunchProfile.cpp - where a GPU sweep's time goes ------------------===//

#include "runtime/cuda/LaunchProfile.h"

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace sweep::cuda;

void LaunchProfile::name(const void *function, const std::string &kernel) {
  std::lock_guard<std::mutex> lock(mutex);
  names[function] = kernel;
}

std::string LaunchProfile::nameOf(const void *function) const {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = names.find(function);
  return found == names.end() ? "?" : found->second;
}

void LaunchProfile::add(const std::string &what, double seconds, size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex);
  Entry &entry = entries[what];
  ++entry.calls;
  entry.seconds += seconds;
  entry.bytes += bytes;
}

std::string LaunchProfile::report() const {
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<std::pair<std::string, Entry>> rows(entries.begin(), entries.end());
  std::sort(rows.begin(), rows.end(),
            [](const auto &a, const auto &b) { return a.second.seconds > b.second.seconds; });
  double total = 0;
  for (const auto &[what, entry] : rows)
    total += entry.seconds;
  std::string text = "GPU profile (SWEEPC_GPU_PROFILE; each call waited for):\n"
                     "     calls    total ms     mean us  share  GB/s  what\n";
  char line[512];
  for (const auto &[what, entry] : rows) {
    double rate = entry.bytes && entry.seconds > 0 ? double(entry.bytes) / entry.seconds / 1e9 : 0;
    std::snprintf(line, sizeof line, "%10zu %11.2f %11.2f %5.1f%% %5.1f  %s\n", entry.calls,
                  entry.seconds * 1e3, entry.seconds * 1e6 / double(entry.calls),
                  total > 0 ? 100 * entry.seconds / total : 0.0, rate, what.c_str());
    text += line;
  }
  std::snprintf(line, sizeof line, "%10s %11.2f  total\n", "", total * 1e3);
  return text + line;
}
