//===- Report.cpp - writing a sweep's report.html -------------------------===//

#include "runtime/report/Report.h"

#include "runtime/report/ReportData.h"
#include "runtime/report/ReportHtml.h"
#include "runtime/report/SweepResults.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

using namespace sweep;

bool sweep::writeSweepReport(const std::string &directory, std::string &error, size_t *bytes) {
  SweepResults results;
  if (!readSweepResults(directory, results, error))
    return false;
  std::string html = renderReportHtml(buildReportData(results));
  // Written beside and renamed over: a reader never sees half a report.
  std::string path = directory + "/report.html", temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(html.data(), std::streamsize(html.size())) || !out.flush()) {
      error = "cannot write '" + temporary + "': " + std::strerror(errno);
      std::remove(temporary.c_str());
      return false;
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    std::remove(temporary.c_str());
    return false;
  }
  if (bytes)
    *bytes = html.size();
  return true;
}
