//===- CsvText.h - writing and reading CSV fields ---------------*- C++ -*-===//
//
// RFC 4180 fields: a field with a comma, quote or line break is quoted and its
// quotes doubled. Numbers are written in the shortest form that reads back to
// the same double, so results files round-trip exactly.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RESULTS_CSVTEXT_H
#define SWEEP_RUNTIME_RESULTS_CSVTEXT_H

#include <string>
#include <vector>

namespace sweep {

/// `text` as one CSV field.
std::string csvField(const std::string &text);

/// A double in shortest round-trip form; "nan", "inf", "-inf" for the others
/// (pandas reads all three).
std::string csvNumber(double value);

/// Splits one CSV record (without its line break). Returns false on a quote
/// that is not closed.
bool parseCsvRecord(const std::string &line, std::vector<std::string> &fields);

/// Joins fields into one record, quoting where needed, with a final '\n'.
std::string csvRecord(const std::vector<std::string> &fields);

} // namespace sweep

#endif // SWEEP_RUNTIME_RESULTS_CSVTEXT_H
