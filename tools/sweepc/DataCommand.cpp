//===- DataCommand.cpp - `sweepc data` ------------------------------------===//
//
// The samples of a sweep, as its runs see them, for baselines outside sweepc
// and for plots: see runtime/data/DatasetCsv.h for the format.
//
//===----------------------------------------------------------------------===//

#include "tools/sweepc/DataCommand.h"
#include "tools/sweepc/RunCommand.h"

#include "lang/JobBuilder.h"
#include "runtime/data/DatasetCsv.h"

#include "llvm/Support/raw_ostream.h"

#include <filesystem>

using namespace sweep;

namespace {
std::string count(int64_t n, const char *one, const char *many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}
} // namespace

int sweep::writeSweepData(const FrontEndResult &result, llvm::StringRef sourceFile,
                          llvm::StringRef baseDir, SourceDiagnostics &diags,
                          const std::string &outDir) {
  std::vector<const PlannedSweep *> sweeps;
  if (!selectedSweeps(result, sweeps))
    return 1;
  for (const PlannedSweep *sweep : sweeps) {
    SweepJob job = buildSweepJob(*sweep, sourceFile, baseDir, diags);
    std::string dir = outDir + "/" + job.name;
    std::error_code code;
    std::filesystem::create_directories(dir, code);
    if (code) {
      llvm::errs() << "sweepc: error: cannot create '" << dir << "': " << code.message() << "\n";
      return 1;
    }
    // The sweep's own data files may lie in DIR/<sweep> too (named data1.csv,
    // say): they are never replaced or removed. Regression: every data<k>.csv
    // there was removed first, the user's input files among them.
    std::vector<std::string> inputs;
    for (DataSpec &data : job.datasets)
      for (std::string *file : data.files())
        inputs.push_back(*file);
    auto isInput = [&](const std::filesystem::path &path) {
      return llvm::any_of(inputs, [&](const std::string &input) {
        std::error_code ignored;
        return std::filesystem::equivalent(path, input, ignored);
      });
    };
    for (uint32_t k = 0; k < job.datasets.size(); ++k) {
      Dataset dataset;
      std::string error;
      if (!loadDataset(job.datasets[k], dataset, error)) {
        llvm::errs() << "sweepc: error: sweep '" << job.name << "': " << error << "\n";
        return 1;
      }
      for (const std::string &warning : dataset.warnings)
        llvm::errs() << "sweepc: warning: " << warning << "\n";
      std::string path = dir + "/data" + std::to_string(k) + ".csv";
      std::error_code ignored;
      if (std::filesystem::exists(path, ignored) && (isInput(path) || !isDatasetCsvExport(path))) {
        llvm::errs() << "sweepc: error: '" << path << "' "
                     << (isInput(path) ? "is a data file of sweep '" + job.name + "'"
                                       : std::string("exists and is not an export of `sweepc "
                                                     "data` (its first line is not 'split,x0,...')"))
                     << ": not replaced; export into another directory (-o DIR)\n";
        return 1;
      }
      if (!writeDatasetCsv(dataset, path, error)) {
        llvm::errs() << "sweepc: error: " << error << "\n";
        return 1;
      }
      llvm::outs() << path << ": " << dataSettingsText(job, k) << "\n  "
                   << count(dataset.inputs, "feature", "features") << " -> "
                   << (dataset.isClassification() ? count(dataset.classes, "class", "classes")
                                                  : count(dataset.targets, "target", "targets"))
                   << "; " << dataset.train.count << " train, " << dataset.validation.count
                   << " validation, " << dataset.test.count << " test\n";
      // Which CSV label each class index (the `label` column) stands for.
      if (!dataset.classNames.empty()) {
        constexpr size_t kShown = 20;
        llvm::outs() << "  label (class: the file's label):";
        for (size_t c = 0; c < dataset.classNames.size() && c < kShown; ++c)
          llvm::outs() << " " << c << ": '" << dataset.classNames[c] << "'"
                       << (c + 1 < dataset.classNames.size() ? "," : "");
        if (dataset.classNames.size() > kShown)
          llvm::outs() << " ...";
        llvm::outs() << "\n";
      }
    }
    // An earlier export of a sweep with more configurations: its extra files
    // would pass for this sweep's. Only exports go, after this one is whole.
    for (const std::filesystem::directory_entry &entry :
         std::filesystem::directory_iterator(dir, code)) {
      std::string file = entry.path().filename().string();
      llvm::StringRef name = file;
      unsigned k;
      if (name.consume_front("data") && name.consume_back(".csv") && !name.empty() &&
          llvm::all_of(name, [](char c) { return c >= '0' && c <= '9'; }) &&
          (name.getAsInteger(10, k) || k >= job.datasets.size()) &&
          isDatasetCsvExport(entry.path().string()) && !isInput(entry.path()))
        std::filesystem::remove(entry.path(), code);
    }
  }
  return 0;
}
