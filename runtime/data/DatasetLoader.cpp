//===- DatasetLoader.cpp - reading, splitting and normalizing data --------===//

#include "runtime/data/Dataset.h"

#include "runtime/data/CsvFile.h"
#include "runtime/data/IdxFile.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace sweep;

Split Split::takeTail(int64_t from, int64_t inputs, int64_t targetWidth) {
  Split tail;
  tail.count = count - from;
  tail.x.assign(x.begin() + from * inputs, x.end());
  x.resize(size_t(from * inputs));
  if (!classes.empty()) {
    tail.classes.assign(classes.begin() + from, classes.end());
    classes.resize(size_t(from));
  }
  if (!targets.empty()) {
    tail.targets.assign(targets.begin() + from * targetWidth, targets.end());
    targets.resize(size_t(from * targetWidth));
  }
  count = from;
  return tail;
}

/// Reads an IDX image/label pair into `split`, the first `limit` samples when
/// `limit` is not 0. `maxLabel` is the largest label of the whole label file:
/// the classes are the file's, whatever the limit (as the planner counts them,
/// lang/DatasetShape.cpp).
static bool loadIdxPair(const std::string &images, const std::string &labels, uint64_t limit,
                        Split &split, int64_t &inputs, uint8_t &elementType, int32_t &maxLabel,
                        std::string &error) {
  IdxHeader header;
  if (!readIdxData(images, limit, header, split.x, error))
    return false;
  if (header.dims.size() < 2) {
    error = "'" + images + "' is not an IDX image file (rank " +
            std::to_string(header.dims.size()) + ")";
    return false;
  }
  elementType = header.elementType;
  inputs = int64_t(header.itemSize());
  std::vector<uint8_t> bytes;
  IdxLabelSummary summary;
  if (!readIdxLabels(labels, std::max<uint64_t>(1, header.count()), bytes, summary, error))
    return false;
  if (summary.count < header.count() || (limit == 0 && summary.count != header.count())) {
    error = "'" + images + "' has " + std::to_string(header.count()) + " images but '" + labels +
            "' has " + std::to_string(summary.count) + " labels";
    return false;
  }
  split.count = int64_t(header.count());
  split.classes.assign(bytes.begin(), bytes.begin() + split.count);
  maxLabel = std::max(maxLabel, int32_t(summary.maxLabel));
  return true;
}

static bool loadIdx(const DataSpec &spec, Dataset &dataset, bool &bytePixels, std::string &error) {
  int32_t maxLabel = 0;
  uint8_t elementType = 0;
  if (!loadIdxPair(spec.images, spec.labels, uint64_t(spec.limit), dataset.train, dataset.inputs,
                   elementType, maxLabel, error)) {
    if (spec.source == "fashion_mnist" &&
        spec.images.rfind("/usr/share/datasets/fashion-mnist/", 0) == 0)
      error += " (install the Debian package dataset-fashion-mnist)";
    return false;
  }
  if (!spec.testImages.empty() || !spec.testLabels.empty()) {
    int64_t testInputs = 0;
    uint8_t testType = 0;
    if (!loadIdxPair(spec.testImages, spec.testLabels, 0, dataset.test, testInputs, testType,
                     maxLabel, error))
      return false;
    error = idxTestTypeProblem(spec.testImages, testType, spec.images, elementType);
    if (!error.empty())
      return false;
    if (testInputs != dataset.inputs) {
      error = "'" + spec.testImages + "' has " + std::to_string(testInputs) +
              " values per image, the training images " + std::to_string(dataset.inputs);
      return false;
    }
  }
  dataset.classes = dataset.targets = int64_t(maxLabel) + 1;
  bytePixels = elementType == 0x08;
  return true;
}

static bool loadCsv(const DataSpec &spec, Dataset &dataset, std::string &error) {
  CsvOptions options;
  options.header = spec.header;
  options.labelName = spec.labelName;
  options.labelIndex = spec.labelIndex;
  options.numericLabels = spec.regress;
  CsvTable table;
  if (!readCsv(spec.csvPath, options, table, error))
    return false;
  dataset.inputs = int64_t(table.features);
  dataset.classes = spec.regress ? 0 : int64_t(table.classNames.size());
  dataset.targets = spec.regress ? 1 : dataset.classes;
  dataset.classNames = table.classNames;
  // The table's values move into the split: a file's samples are held once.
  auto fill = [&](CsvTable &from, const std::string &path, Split &split) {
    split.count = int64_t(from.rows);
    split.x = std::move(from.values);
    if (spec.regress) {
      split.targets = std::move(from.targets);
      return true;
    }
    std::vector<int32_t> classOf(from.labelTexts.size());
    for (size_t l = 0; l < from.labelTexts.size(); ++l)
      if (!classIndex(table, from.labelTexts[l], classOf[l])) {
        error = "'" + path + "' has label '" + from.labelTexts[l] + "', which the training file '" +
                spec.csvPath + "' does not have";
        return false;
      }
    split.classes.reserve(from.labelIds.size());
    for (uint32_t id : from.labelIds)
      split.classes.push_back(classOf[id]);
    return true;
  };
  if (!fill(table, spec.csvPath, dataset.train))
    return false;
  if (spec.csvTest.empty())
    return true;
  CsvTable testTable;
  if (!readCsv(spec.csvTest, options, testTable, error))
    return false;
  if (!matchTestColumns(table, testTable, spec.csvTest, spec.csvPath, error))
    return false;
  return fill(testTable, spec.csvTest, dataset.test);
}

void sweep::normalizeDataset(Dataset &dataset, const std::string &method, bool bytePixels) {
  int64_t d = dataset.inputs;
  Split *splits[] = {&dataset.train, &dataset.validation, &dataset.test};
  std::vector<double> shift(size_t(d), 0), scale(size_t(d), 1);
  const Split &train = dataset.train;
  if (method == "none" || d == 0)
    return;
  if (method == "unit" && bytePixels) {
    std::fill(scale.begin(), scale.end(), 1.0 / 255.0);
  } else if (method == "standard") {
    // Row by row, one accumulator per feature: each feature's sums add its
    // values in row order, as a loop per feature would, while memory is read
    // in order (a loop per feature strides over every row: 0.6 s for
    // Fashion-MNIST instead of a few ms).
    std::vector<double> sum(size_t(d), 0), squares(size_t(d), 0);
    for (int64_t i = 0; i < train.count; ++i)
      for (int64_t f = 0; f < d; ++f)
        sum[size_t(f)] += train.x[size_t(i * d + f)];
    for (int64_t f = 0; f < d; ++f)
      shift[size_t(f)] = train.count ? sum[size_t(f)] / double(train.count) : 0;
    for (int64_t i = 0; i < train.count; ++i)
      for (int64_t f = 0; f < d; ++f) {
        double delta = train.x[size_t(i * d + f)] - shift[size_t(f)];
        squares[size_t(f)] += delta * delta;
      }
    for (int64_t f = 0; f < d; ++f) {
      double sd = train.count ? std::sqrt(squares[size_t(f)] / double(train.count)) : 0;
      scale[size_t(f)] = sd > 0 ? 1.0 / sd : 1.0; // A constant feature stays 0.
    }
  } else { // minmax, and unit on non-byte data: the training range to [0, 1].
    bool perFeature = method == "minmax";
    std::vector<double> lows(size_t(d), INFINITY), highs(size_t(d), -INFINITY);
    for (int64_t i = 0; i < train.count; ++i) // Row by row, as above.
      for (int64_t f = 0; f < d; ++f) {
        double v = train.x[size_t(i * d + f)];
        lows[size_t(f)] = std::min(lows[size_t(f)], v);
        highs[size_t(f)] = std::max(highs[size_t(f)], v);
      }
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t f = 0; f < d; ++f) {
      lo = std::min(lo, lows[size_t(f)]);
      hi = std::max(hi, highs[size_t(f)]);
      if (perFeature) {
        shift[size_t(f)] = std::isfinite(lows[size_t(f)]) ? lows[size_t(f)] : 0;
        scale[size_t(f)] =
            highs[size_t(f)] > lows[size_t(f)] ? 1.0 / (highs[size_t(f)] - lows[size_t(f)]) : 1.0;
      }
    }
    if (!perFeature) {
      std::fill(shift.begin(), shift.end(), std::isfinite(lo) ? lo : 0);
      std::fill(scale.begin(), scale.end(), hi > lo ? 1.0 / (hi - lo) : 1.0);
    }
  }
  for (Split *split : splits)
    for (int64_t i = 0; i < split->count; ++i)
      for (int64_t f = 0; f < d; ++f) {
        float &v = split->x[size_t(i * d + f)];
        v = float((v - shift[size_t(f)]) * scale[size_t(f)]);
      }
}

/// "sample 4 of 'x.idx' (counting from 0)", or of the data for generators.
static std::string sampleOfFile(const std::string &file, int64_t sample) {
  return "sample " + std::to_string(sample) + " of " +
         (file.empty() ? std::string("the data") : "'" + file + "'") + " (counting from 0)";
}

bool sweep::loadDataset(const DataSpec &spec, Dataset &dataset, std::string &error) {
  dataset = Dataset();
  bool bytePixels = false;
  bool ok;
  if (spec.source == "fashion_mnist" || spec.source == "idx")
    ok = loadIdx(spec, dataset, bytePixels, error);
  else if (spec.source == "csv")
    ok = loadCsv(spec, dataset, error);
  else
    ok = generateSynthetic(spec, dataset, error);
  if (!ok)
    return false;

  // The planner sized the model from these numbers; a file that changed since
  // (or a label beyond the model's classes) must not train silently.
  std::string what = "dataset '" + spec.name + "'";
  // Files emptied since `sweepc check` or `sweepc build` (the front end
  // reports them at the dataset).
  if (dataset.train.count == 0) {
    std::string files = !spec.images.empty()    ? "'" + spec.images + "' and '" + spec.labels + "'"
                        : !spec.csvPath.empty() ? "'" + spec.csvPath + "'"
                                                : std::string("the data");
    error = what + ": " + files + (spec.images.empty() ? " holds" : " hold") + " no samples";
    return false;
  }
  if (spec.expectInputs && dataset.inputs != spec.expectInputs) {
    error = what + " now has " + std::to_string(dataset.inputs) + " features, but the model " +
            "was planned for " + std::to_string(spec.expectInputs);
    return false;
  }
  if (spec.expectTargets && dataset.targets != spec.expectTargets) {
    error = what + " now has " + std::to_string(dataset.targets) +
            (dataset.isClassification() ? " classes" : " targets") + ", but the model was " +
            "planned for " + std::to_string(spec.expectTargets);
    return false;
  }
  for (const Split *split : {&dataset.train, &dataset.test})
    for (int32_t label : split->classes)
      if (label < 0 || label >= dataset.classes) {
        error = what + " has label " + std::to_string(label) + " outside [0, " +
                std::to_string(dataset.classes) + ")";
        return false;
      }
  // A value beyond float range (1e39 in a CSV) or a NaN in a float IDX file
  // would make every run "diverge"; it is bad input, and said so, with the
  // file and the sample in it. Regression: the file went unnamed.
  std::string trainFile = !spec.images.empty() ? spec.images : spec.csvPath;
  std::string testFile = !spec.testImages.empty() ? spec.testImages : spec.csvTest;
  for (auto [split, file] :
       {std::pair{&dataset.train, &trainFile}, std::pair{&dataset.test, &testFile}}) {
    for (const std::vector<float> *values : {&split->x, &split->targets}) {
      auto bad =
          std::find_if(values->begin(), values->end(), [](float v) { return !std::isfinite(v); });
      if (bad == values->end())
        continue;
      int64_t width = values == &split->x ? dataset.inputs : dataset.targets;
      int64_t sample = int64_t(bad - values->begin()) / std::max<int64_t>(1, width);
      error = what + ": " + sampleOfFile(*file, sample) + " has a " +
              (values == &split->x ? "feature" : "target") + " that is not a finite float32 number";
      return false;
    }
  }

  int64_t total = dataset.train.count;
  int64_t held = spec.validationFraction > 0 ? heldOutSamples(spec.validationFraction, total)
                                             : spec.validationCount;
  if (held >= total) {
    error = what + ": validation split of " + std::to_string(held) +
            " leaves no training samples (" + std::to_string(total) + " in all)";
    return false;
  }
  if (held > 0)
    dataset.validation = dataset.train.takeTail(total - held, dataset.inputs, dataset.targets);
  const std::vector<int32_t> &heldClasses = dataset.validation.classes;
  if (held > 1 && dataset.classes > 1 && !heldClasses.empty() &&
      std::all_of(heldClasses.begin(), heldClasses.end(),
                  [&](int32_t c) { return c == heldClasses.front(); }))
    dataset.warnings.push_back(what + ": the validation split (the last " + std::to_string(held) +
                               " training samples) holds only class " +
                               std::to_string(heldClasses.front()) +
                               "; if the file is sorted by class, shuffle its rows");
  normalizeDataset(dataset, spec.normalize, bytePixels);
  // Scaled by a training range of almost no width, a value far outside it
  // leaves float32's range: bad input too, not a divergence.
  // The validation split is the training file's last samples.
  struct Checked {
    const Split *split;
    const char *name;
    const std::string *file;
    int64_t first;
  };
  for (Checked checked : {Checked{&dataset.validation, "validation", &trainFile,
                                  dataset.train.count},
                          Checked{&dataset.test, "test", &testFile, 0},
                          Checked{&dataset.train, "training", &trainFile, 0}}) {
    const Split *split = checked.split;
    auto bad = std::find_if(split->x.begin(), split->x.end(),
                            [](float v) { return !std::isfinite(v); });
    if (bad == split->x.end())
      continue;
    int64_t at = int64_t(bad - split->x.begin());
    int64_t width = std::max<int64_t>(1, dataset.inputs);
    error = what + ": " + sampleOfFile(*checked.file, checked.first + at / width) + " (" +
            checked.name + " split) has a feature that " + spec.normalize +
            " normalization takes beyond float32's range (feature " + std::to_string(at % width) +
            ": the training split's range is too narrow for it)";
    return false;
  }
  return true;
}
