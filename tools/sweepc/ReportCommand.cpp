//===- ReportCommand.cpp - `sweepc report DIR` ----------------------------===//

#include "tools/sweepc/ReportCommand.h"

#include "runtime/report/Report.h"
#include "runtime/report/ReportData.h"
#include "runtime/report/SweepResults.h"
#include "tools/sweepc/Options.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <iostream>
#include <sys/stat.h>

using namespace sweep;
namespace cl = llvm::cl;

namespace {
cl::opt<bool> printData("data",
                        cl::desc("Print the numbers behind each plot instead of writing "
                                 "report.html (one line per fact, row or point)"),
                        cl::cat(reportOptions()));
} // namespace

int sweep::runReportCommand(const std::string &given) {
  std::string directory = given;
  while (directory.size() > 1 && directory.back() == '/')
    directory.pop_back();
  struct stat info;
  if (stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    llvm::errs() << "sweepc: error: '" << given
                 << "' is not a directory (give a sweep's results directory, "
                    "<results>/<sweep>)\n";
    return 1;
  }
  std::string error;
  if (printData) {
    SweepResults results;
    if (!readSweepResults(directory, results, error)) {
      llvm::errs() << "sweepc: error: " << error << "\n";
      return 1;
    }
    printReportData(std::cout, buildReportData(results));
    return 0;
  }
  size_t bytes = 0;
  if (!writeSweepReport(directory, error, &bytes)) {
    llvm::errs() << "sweepc: error: " << error << "\n";
    return 1;
  }
  llvm::outs() << "Wrote " << directory << "/report.html (" << (bytes + 1023) / 1024
               << " KiB)\n";
  return 0;
}
