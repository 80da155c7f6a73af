//===- WeightKeeper.cpp - the trained weights of the best runs ------------===//

#include "runtime/results/WeightKeeper.h"

#include "runtime/results/NpzFile.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

using namespace sweep;
namespace fs = std::filesystem;

WeightKeeper::WeightKeeper(std::string directory, size_t count, bool higherIsBetter)
    : dir(std::move(directory)), keep(count), higher(higherIsBetter) {}

bool WeightKeeper::isWeightsFile(const std::string &name) {
  size_t digits = 1;
  while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9')
    ++digits;
  std::string rest = name.substr(std::min(digits, name.size()));
  return name.size() > 1 && name[0] == 'r' && digits > 1 &&
         (rest == ".npz" || rest == ".npz.partial");
}

void WeightKeeper::discardAll(const std::string &directory) {
  std::error_code code;
  for (const fs::directory_entry &entry : fs::directory_iterator(directory, code))
    if (isWeightsFile(entry.path().filename().string()))
      fs::remove(entry.path(), code);
}

std::string WeightKeeper::pathOf(uint64_t id) const {
  return dir + "/r" + std::to_string(id) + ".npz";
}

bool WeightKeeper::wants(double value, uint64_t id) const {
  if (keep == 0 || !std::isfinite(value))
    return false;
  std::lock_guard<std::mutex> lock(mutex);
  return kept.size() < keep || better(value, id, kept.back().value, kept.back().id);
}

bool WeightKeeper::offer(uint64_t id, double value, const GroupSpec &group,
                         const std::vector<float> &parameters, std::string &error) {
  std::vector<NpyArray> arrays;
  size_t at = 0, dense = 0;
  for (const LayerSpec &layer : group.layers) {
    if (layer.kind != LayerSpec::Kind::Dense)
      continue;
    size_t weights = size_t(layer.inputs * layer.outputs), biases = size_t(layer.outputs);
    if (at + weights + biases > parameters.size())
      break;
    std::string name = "dense" + std::to_string(dense++);
    arrays.push_back({name + ".weight", {layer.inputs, layer.outputs}, parameters.data() + at});
    arrays.push_back({name + ".bias", {layer.outputs}, parameters.data() + at + weights});
    at += weights + biases;
  }
  if (at != parameters.size()) {
    error = "run " + std::to_string(id) + " has " + std::to_string(parameters.size()) +
            " parameters, which do not fit the layers of group '" + group.label + "'";
    return false;
  }
  std::lock_guard<std::mutex> lock(mutex);
  if (!(kept.size() < keep || better(value, id, kept.back().value, kept.back().id)))
    return true;
  std::error_code code;
  fs::create_directories(dir, code);
  if (code) {
    error = "cannot create '" + dir + "': " + code.message();
    return false;
  }
  if (!writeNpz(pathOf(id), arrays, error))
    return false;
  Kept entry{value, id};
  kept.insert(std::upper_bound(kept.begin(), kept.end(), entry,
                               [&](const Kept &a, const Kept &b) {
                                 return better(a.value, a.id, b.value, b.id);
                               }),
              entry);
  if (kept.size() > keep) {
    fs::remove(pathOf(kept.back().id), code);
    kept.pop_back();
  }
  return true;
}

std::vector<std::string> WeightKeeper::settle(const std::vector<const RunRecord *> &ranked,
                                              std::vector<uint64_t> &missing) {
  std::lock_guard<std::mutex> lock(mutex);
  missing.clear();
  std::vector<std::string> files;
  std::set<std::string> best;
  for (size_t i = 0; i < ranked.size() && i < keep; ++i) {
    std::string path = pathOf(ranked[i]->id);
    best.insert(fs::path(path).filename().string());
    std::error_code code;
    if (fs::exists(path, code))
      files.push_back(path);
    else
      missing.push_back(ranked[i]->id);
  }
  std::error_code code;
  for (const fs::directory_entry &entry : fs::directory_iterator(dir, code)) {
    std::string name = entry.path().filename().string();
    if (isWeightsFile(name) && !best.count(name))
      fs::remove(entry.path(), code);
  }
  return files;
}
