//===- Synthetic.cpp - spirals, blobs and teacher-student data ------------===//
//
// Sample i of a generator is a pure function of (seed, i): training samples are
// 0..n-1 and test samples n..n+test-1, so the test set comes from the same
// distribution and changing `test` never changes the training data.
//
//===----------------------------------------------------------------------===//

#include "runtime/data/Dataset.h"

#include "runtime/rng/Streams.h"

#include <cmath>
#include <memory>

using namespace sweep;

namespace {
// Parts of the kSynthetic stream range.
constexpr uint64_t kPosition = 0, kNoise = 1, kCenters = 2, kTeacher = 3;

PhiloxStream part(const DataSpec &spec, uint64_t which) {
  return PhiloxStream(spec.seed, stream::kSynthetic + which);
}

void spirals(const DataSpec &spec, int64_t index, float *x, int32_t &label) {
  int64_t arm = index % spec.arms;
  double t = part(spec, kPosition).uniform(uint64_t(index));
  double angle = 2 * M_PI * (spec.turns * t + double(arm) / double(spec.arms));
  PhiloxStream noise = part(spec, kNoise);
  x[0] = float(t * std::cos(angle) + spec.noise * normalAt(noise, uint64_t(index) * 2));
  x[1] = float(t * std::sin(angle) + spec.noise * normalAt(noise, uint64_t(index) * 2 + 1));
  label = int32_t(arm);
}

void blobs(const DataSpec &spec, const std::vector<double> &centers, int64_t index, float *x,
           int32_t &label) {
  int64_t c = index % spec.classes;
  PhiloxStream noise = part(spec, kNoise);
  for (int64_t f = 0; f < spec.features; ++f)
    x[f] = float(centers[size_t(c * spec.features + f)] +
                 spec.spread * normalAt(noise, uint64_t(index * spec.features + f)));
  label = int32_t(c);
}

/// The random teacher y = tanh(x W1 + b1) W2 with N(0, 1/fan_in) weights.
struct Teacher {
  std::vector<double> w1, b1, w2;
  explicit Teacher(const DataSpec &spec) {
    PhiloxStream weights = part(spec, kTeacher);
    uint64_t k = 0;
    double s1 = 1.0 / std::sqrt(double(spec.inputs)), s2 = 1.0 / std::sqrt(double(spec.hidden));
    for (int64_t i = 0; i < spec.inputs * spec.hidden; ++i)
      w1.push_back(s1 * normalAt(weights, k++));
    for (int64_t i = 0; i < spec.hidden; ++i)
      b1.push_back(0.1 * normalAt(weights, k++));
    for (int64_t i = 0; i < spec.hidden * spec.outputs; ++i)
      w2.push_back(s2 * normalAt(weights, k++));
  }
  void sample(const DataSpec &spec, int64_t index, float *x, float *y) const {
    PhiloxStream position = part(spec, kPosition), noise = part(spec, kNoise);
    std::vector<double> input(size_t(spec.inputs)), hidden(size_t(spec.hidden));
    for (int64_t i = 0; i < spec.inputs; ++i) {
      input[size_t(i)] = normalAt(position, uint64_t(index * spec.inputs + i));
      x[i] = float(input[size_t(i)]);
    }
    for (int64_t h = 0; h < spec.hidden; ++h) {
      double sum = b1[size_t(h)];
      for (int64_t i = 0; i < spec.inputs; ++i)
        sum += input[size_t(i)] * w1[size_t(i * spec.hidden + h)];
      hidden[size_t(h)] = std::tanh(sum);
    }
    for (int64_t o = 0; o < spec.outputs; ++o) {
      double sum = 0;
      for (int64_t h = 0; h < spec.hidden; ++h)
        sum += hidden[size_t(h)] * w2[size_t(h * spec.outputs + o)];
      y[o] = float(sum + spec.noise * normalAt(noise, uint64_t(index * spec.outputs + o)));
    }
  }
};
} // namespace

bool sweep::generateSynthetic(const DataSpec &spec, Dataset &dataset, std::string &error) {
  bool regress = spec.source == "teacher";
  if (spec.source == "spirals") {
    dataset.inputs = 2;
    dataset.classes = dataset.targets = spec.arms;
  } else if (spec.source == "blobs") {
    dataset.inputs = spec.features;
    dataset.classes = dataset.targets = spec.classes;
  } else if (regress) {
    dataset.inputs = spec.inputs;
    dataset.classes = 0;
    dataset.targets = spec.outputs;
  } else {
    error = "unknown data source '" + spec.source + "'";
    return false;
  }
  std::vector<double> centers;
  if (spec.source == "blobs") {
    // Centers uniform in [-5, 5]^features: blobs of spread 1 mostly separate.
    PhiloxStream stream = part(spec, kCenters);
    for (int64_t i = 0; i < spec.classes * spec.features; ++i)
      centers.push_back(10.0 * stream.uniform(uint64_t(i)) - 5.0);
  }
  std::unique_ptr<Teacher> teacher;
  if (regress)
    teacher = std::make_unique<Teacher>(spec);
  auto fill = [&](Split &split, int64_t first, int64_t count) {
    split.count = count;
    split.x.assign(size_t(count * dataset.inputs), 0);
    if (regress)
      split.targets.assign(size_t(count * dataset.targets), 0);
    else
      split.classes.assign(size_t(count), 0);
    for (int64_t i = 0; i < count; ++i) {
      float *x = split.x.data() + i * dataset.inputs;
      if (spec.source == "spirals")
        spirals(spec, first + i, x, split.classes[size_t(i)]);
      else if (spec.source == "blobs")
        blobs(spec, centers, first + i, x, split.classes[size_t(i)]);
      else
        teacher->sample(spec, first + i, x, split.targets.data() + i * dataset.targets);
    }
  };
  fill(dataset.train, 0, spec.n);
  fill(dataset.test, spec.n, spec.test);
  return true;
}
