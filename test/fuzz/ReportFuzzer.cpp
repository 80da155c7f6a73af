//===- ReportFuzzer.cpp - libFuzzer target for report.html's inputs -------===//
//
// Feeds arbitrary bytes as a sweep's result files through everything
// `sweepc report` does: the CSV and JSON readers, the plot data and its
// sampling, the SVG and HTML writers and the --data printer. Any crash,
// hang, leak or sanitizer report is a bug: every input must end in an error
// message or a page. See test/fuzz/README.md.
//
// Input: one flag byte (bit 0: curves.csv exists, bit 1: summary.json
// exists), then runs.csv, curves.csv and summary.json separated by form
// feeds (\f).
//
//===----------------------------------------------------------------------===//

#include "runtime/report/ReportData.h"
#include "runtime/report/ReportHtml.h"
#include "runtime/report/SweepResults.h"

#include <cstdint>
#include <sstream>
#include <string>

using namespace sweep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  SweepFiles files;
  files.directory = "fuzz";
  files.hasCurves = data[0] & 1;
  files.hasSummary = data[0] & 2;
  files.curvesProblem = "absent";
  std::string rest(reinterpret_cast<const char *>(data + 1), size - 1);
  std::string *parts[] = {&files.runs, &files.curves, &files.summary};
  size_t part = 0;
  for (char c : rest) {
    if (c == '\f' && part < 2)
      ++part;
    else
      *parts[part] += c;
  }
  SweepResults results;
  std::string error;
  if (!parseSweepResults(files, results, error))
    return 0;
  ReportData report = buildReportData(results);
  std::ostringstream text;
  printReportData(text, report);
  std::string html = renderReportHtml(report);
  return html.empty() ? 1 : 0;
}
