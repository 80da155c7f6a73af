//===- DatasetShape.cpp - sizes of a configured dataset -------------------===//

#include "lang/DatasetShape.h"

#include "runtime/data/CsvFile.h"
#include "runtime/data/Dataset.h"
#include "runtime/data/IdxFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace sweep;

std::array<std::string, 4> sweep::fashionMnistFiles(const std::string &dir) {
  return {dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz",
          dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz"};
}

std::string sweep::resolveDataPath(llvm::StringRef path, llvm::StringRef baseDir) {
  if (path.empty() || llvm::sys::path::is_absolute(path) || baseDir.empty())
    return path.str();
  llvm::SmallString<256> full(baseDir);
  llvm::sys::path::append(full, path);
  return std::string(full.str());
}

/// Splits `count` samples into train and validation.
static bool applyValidation(const Value &validation, int64_t count, DatasetShape &shape,
                            std::string &error, std::string &errorParam) {
  int64_t held =
      validation.kind == Value::Kind::Int ? validation.i : heldOutSamples(validation.f, count);
  // A fraction asks for a split. Regression: one that rounded to no sample
  // left none, and early_stop then said the dataset "has no validation split".
  if (validation.kind != Value::Kind::Int && validation.f > 0 && held == 0) {
    char fraction[32];
    std::snprintf(fraction, sizeof fraction, "%g", validation.f);
    error = "validation split of " + std::string(fraction) + " of " + std::to_string(count) +
            " samples is no sample; give a larger fraction or a count";
    errorParam = "validation";
    return false;
  }
  if (held >= count) {
    error = "validation split of " + std::to_string(held) + " leaves no training samples (" +
            std::to_string(count) + " in all)";
    errorParam = "validation";
    return false;
  }
  shape.validation = held;
  shape.train = count - held;
  return true;
}

/// Reads an IDX image/label pair and checks that they agree. `labelsFailed`:
/// the error is the label file's own (the caret goes to its setting).
static bool probeIdxPair(const std::string &images, const std::string &labels, int64_t &count,
                         int64_t &inputs, int64_t &classes, uint8_t &elementType,
                         std::string &error, bool &labelsFailed) {
  labelsFailed = false;
  IdxHeader header;
  if (!readIdxHeader(images, header, error))
    return false;
  if (header.dims.size() < 2) {
    error = "'" + images + "' is not an IDX image file (rank " +
            std::to_string(header.dims.size()) + ")";
    return false;
  }
  // Regression: a truncated file passed `check`, and `run` failed with no
  // location.
  if (!checkIdxFileSize(images, header, error))
    return false;
  IdxLabelSummary summary;
  if (!summarizeIdxLabels(labels, summary, error)) {
    labelsFailed = true;
    return false;
  }
  if (summary.count != header.count()) {
    error = "'" + images + "' has " + std::to_string(header.count()) + " images but '" + labels +
            "' has " + std::to_string(summary.count) + " labels";
    return false;
  }
  // Regression: an empty pair was reported as a validation split that
  // "leaves no training samples", even without a validation split.
  if (header.count() == 0) {
    error = "'" + images + "' and '" + labels + "' hold no samples";
    return false;
  }
  count = int64_t(header.count());
  inputs = int64_t(header.itemSize());
  classes = int64_t(summary.maxLabel) + 1;
  elementType = header.elementType;
  return true;
}

bool sweep::computeDatasetShape(llvm::StringRef source,
                                llvm::function_ref<Value(llvm::StringRef)> get,
                                llvm::StringRef baseDir, DatasetShape &shape, std::string &error,
                                std::string &errorParam) {
  shape.source = source.str();
  // An empty file name would be resolved to the sweep's folder, or to /
  // (`fashion_mnist(path: "")` looked for /train-images-idx3-ubyte.gz).
  std::vector<llvm::StringRef> fileParams;
  if (source == "idx")
    fileParams = {"images", "labels"};
  else if (source == "fashion_mnist" || source == "csv")
    fileParams = {"path"};
  for (llvm::StringRef param : fileParams) {
    if (get(param).s.empty()) {
      error = "'" + param.str() + "' is empty: it names a file" +
              (source == "fashion_mnist" ? std::string(" or folder") : "");
      errorParam = param.str();
      return false;
    }
  }
  if (source == "idx" && get("test_images").s.empty() != get("test_labels").s.empty()) {
    bool hasImages = !get("test_images").s.empty();
    error = hasImages ? "'test_images' needs 'test_labels' too"
                      : "'test_labels' needs 'test_images' too";
    errorParam = hasImages ? "test_images" : "test_labels";
    return false;
  }
  if (source == "fashion_mnist" || source == "idx") {
    std::string images, labels, testImages, testLabels;
    if (source == "fashion_mnist") {
      std::array<std::string, 4> files = fashionMnistFiles(resolveDataPath(get("path").s, baseDir));
      images = files[0];
      labels = files[1];
      testImages = files[2];
      testLabels = files[3];
    } else {
      images = resolveDataPath(get("images").s, baseDir);
      labels = resolveDataPath(get("labels").s, baseDir);
      testImages = resolveDataPath(get("test_images").s, baseDir);
      testLabels = resolveDataPath(get("test_labels").s, baseDir);
    }
    int64_t count = 0, classes = 0;
    uint8_t elementType = 0;
    bool labelsFailed = false;
    if (!probeIdxPair(images, labels, count, shape.inputs, classes, elementType, error,
                      labelsFailed)) {
      // Regression: a label file's error pointed at `images`.
      errorParam = source != "idx" ? "path" : labelsFailed ? "labels" : "images";
      if (source == "fashion_mnist" && get("path").s == "/usr/share/datasets/fashion-mnist")
        error += " (install the Debian package dataset-fashion-mnist)";
      return false;
    }
    if (!testImages.empty() || !testLabels.empty()) {
      int64_t testInputs = 0, testClasses = 0;
      uint8_t testType = 0;
      if (!probeIdxPair(testImages, testLabels, shape.test, testInputs, testClasses, testType,
                        error, labelsFailed)) {
        errorParam = source != "idx" ? "path" : labelsFailed ? "test_labels" : "test_images";
        return false;
      }
      // The loader's check, said at the dataset.
      error = idxTestTypeProblem(testImages, testType, images, elementType);
      if (!error.empty()) {
        errorParam = source == "idx" ? "test_images" : "path";
        return false;
      }
      if (testInputs != shape.inputs) {
        error = "test images have " + std::to_string(testInputs) +
                " values each, training "
                "images " +
                std::to_string(shape.inputs);
        errorParam = source == "idx" ? "test_images" : "path";
        return false;
      }
      classes = std::max(classes, testClasses);
    }
    int64_t limit = get("limit").i;
    if (limit > 0)
      count = std::min(count, limit);
    shape.classes = shape.targets = classes;
    return applyValidation(get("validation"), count, shape, error, errorParam);
  }

  if (source == "csv") {
    CsvOptions options;
    options.header = get("header").i != 0;
    options.keepRows = false;
    bool classify = get("task").s == "classify";
    options.numericLabels = !classify;
    Value label = get("label");
    if (label.kind == Value::Kind::String) {
      if (label.s.empty()) {
        error = "the label column name is empty";
        errorParam = "label";
        return false;
      }
      options.labelName = label.s.str();
    } else {
      options.labelIndex = label.i;
    }
    CsvTable table;
    if (!readCsv(resolveDataPath(get("path").s, baseDir), options, table, error)) {
      errorParam = table.labelMissing ? "label" : "path";
      return false;
    }
    shape.inputs = int64_t(table.features);
    if (classify) {
      shape.classes = shape.targets = int64_t(table.classNames.size());
      if (shape.classes < 2) {
        error = "label column of '" + get("path").s.str() + "' has a single class";
        errorParam = "label";
        return false;
      }
    } else {
      shape.targets = 1;
    }
    if (!get("test").s.empty()) {
      CsvTable testTable;
      if (!readCsv(resolveDataPath(get("test").s, baseDir), options, testTable, error)) {
        errorParam = "test";
        return false;
      }
      if (!matchTestColumns(table, testTable, get("test").s.str(), get("path").s.str(), error)) {
        errorParam = "test";
        return false;
      }
      shape.test = int64_t(testTable.rows);
    }
    return applyValidation(get("validation"), int64_t(table.rows), shape, error, errorParam);
  }

  // Synthetic generators.
  int64_t count = get("n").i;
  shape.test = get("test").i;
  if (source == "spirals") {
    shape.inputs = 2;
    shape.classes = shape.targets = get("arms").i;
  } else if (source == "blobs") {
    shape.inputs = get("features").i;
    shape.classes = shape.targets = get("classes").i;
  } else if (source == "teacher") {
    shape.inputs = get("inputs").i;
    shape.classes = 0;
    shape.targets = get("outputs").i;
  } else {
    error = "unknown data source '" + source.str() + "'";
    return false;
  }
  // Each setting is bounded, their products were not: blobs(n: 10^8,
  // features: 10^6) is 400 TB, teacher(inputs: 10^6, hidden: 10^6) a 10^12-
  // weight network, and generating either ran until memory ran out.
  constexpr double kMaxValues = 1e9, kMaxTeacherWork = 1e10;
  double samples = double(count) + double(shape.test);
  double values = samples * double(shape.inputs + (shape.classes ? 1 : shape.targets));
  if (values > kMaxValues) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "the data would hold %.3g values (%.3g samples of %lld numbers); a generated "
                  "dataset holds at most %.0f (4 GB of float32)",
                  values, samples, (long long)(values / samples), kMaxValues);
    error = text;
    errorParam = "n";
    return false;
  }
  // The blobs' centres, one per class and feature, are data too.
  // Regression: blobs(classes: 100000, features: 1000000) passed `check`,
  // and `sweepc data` ran out of memory drawing them.
  if (source == "blobs") {
    double centres = double(shape.classes) * double(shape.inputs);
    if (centres > kMaxValues) {
      char text[160];
      std::snprintf(text, sizeof text,
                    "the blobs' centres would hold %.3g values (classes x features); a "
                    "generated dataset holds at most %.0f (4 GB of float32)",
                    centres, kMaxValues);
      error = text;
      errorParam = "classes";
      return false;
    }
  }
  if (source == "teacher") {
    double work = samples * double(get("hidden").i) * double(shape.inputs + shape.targets);
    if (work > kMaxTeacherWork) {
      char text[200];
      std::snprintf(text, sizeof text,
                    "the teacher network would take %.3g multiply-adds to label the data "
                    "(samples x hidden x (inputs + outputs)); at most %.0e, a few seconds",
                    work, kMaxTeacherWork);
      error = text;
      errorParam = "hidden";
      return false;
    }
  }
  return applyValidation(get("validation"), count, shape, error, errorParam);
}
