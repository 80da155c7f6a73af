//===- ReportCommand.h - `sweepc report DIR` ----------------------*- C++ -*-===//
//
// Rebuilds a sweep's report.html from its result files (any sweep directory:
// finished, merged from MPI ranks, resumed, or interrupted), or with --data
// prints the numbers behind each plot.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TOOLS_SWEEPC_REPORTCOMMAND_H
#define SWEEP_TOOLS_SWEEPC_REPORTCOMMAND_H

#include <string>

namespace sweep {

/// The exit status of `sweepc report DIR`.
int runReportCommand(const std::string &directory);

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_REPORTCOMMAND_H
