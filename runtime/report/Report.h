//===- Report.h - writing a sweep's report.html -------------------*- C++ -*-===//
//
// A sweep's report.html is rebuilt from its result files alone (SweepResults),
// the same way at the end of `sweepc run` (and of a built executable) as by
// `sweepc report DIR` later, so a merged or resumed sweep's report shows
// every run.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_REPORT_REPORT_H
#define SWEEP_RUNTIME_REPORT_REPORT_H

#include <string>

namespace sweep {

/// Writes `directory`/report.html (atomically) from the directory's result
/// files; false with `error` when they cannot be read or the file written.
/// `bytes` gets the file's size.
bool writeSweepReport(const std::string &directory, std::string &error, size_t *bytes = nullptr);

} // namespace sweep

#endif // SWEEP_RUNTIME_REPORT_REPORT_H
