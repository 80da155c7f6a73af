//===- ReportHtml.h - report.html from the report's data ---------*- C++ -*-===//
//
// One self-contained page: inline CSS, inline SVG plots, and a few lines of
// inline script that only sort the leaderboard. Nothing is fetched: the file
// opens from a laptop's disk, an e-mail, or a cluster's login node.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_REPORT_REPORTHTML_H
#define SWEEP_RUNTIME_REPORT_REPORTHTML_H

#include "runtime/report/ReportData.h"

#include <string>

namespace sweep {

std::string renderReportHtml(const ReportData &data);

} // namespace sweep

#endif // SWEEP_RUNTIME_REPORT_REPORTHTML_H
