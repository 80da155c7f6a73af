//===- CsvRecords.cpp - CSV text split into records -----------------------===//

#include "runtime/results/CsvRecords.h"

#include <algorithm>

using namespace sweep;

namespace {
/// The record starting at `start` that ends at line break `end`, without a
/// CRLF's '\r' (an editor or a spreadsheet saved the file; sweepc quotes a
/// field that holds one).
std::string recordBetween(const std::string &text, size_t start, size_t end) {
  if (end > start && text[end - 1] == '\r')
    --end;
  return text.substr(start, end - start);
}

/// The line break ending the record that `scanned` lies in, from `scanned`
/// on, or npos; `quoted` says (and is left saying) whether `scanned` is
/// inside quotes. A doubled quote toggles twice.
size_t recordEnd(const std::string &text, size_t scanned, bool &quoted) {
  for (size_t i = scanned; i < text.size(); ++i) {
    if (text[i] == '"')
      quoted = !quoted;
    else if (text[i] == '\n' && !quoted)
      return i;
  }
  return std::string::npos;
}
} // namespace

std::vector<std::string> sweep::completeCsvRecords(const std::string &text, size_t *consumed) {
  std::vector<std::string> records;
  bool quoted = false;
  size_t start = 0;
  for (size_t end; (end = recordEnd(text, start, quoted)) != std::string::npos; start = end + 1)
    records.push_back(recordBetween(text, start, end));
  if (consumed)
    *consumed = start;
  return records;
}

bool CsvRecordReader::readBlock() {
  if (!in)
    return false;
  // The records returned are dropped before the buffer grows.
  buffer.erase(0, start);
  scanned -= start;
  start = 0;
  size_t had = buffer.size();
  buffer.resize(had + blockBytes);
  in.read(buffer.data() + had, std::streamsize(blockBytes));
  buffer.resize(had + size_t(in.gcount()));
  return buffer.size() > had;
}

bool CsvRecordReader::next(std::string &record) {
  size_t end;
  while ((end = recordEnd(buffer, scanned, quoted)) == std::string::npos) {
    scanned = buffer.size();
    if (!readBlock())
      return false;
  }
  record = recordBetween(buffer, start, end);
  recordLine = nextLine;
  nextLine += size_t(std::count(buffer.begin() + long(start), buffer.begin() + long(end), '\n')) + 1;
  start = scanned = end + 1;
  return true;
}

size_t CsvRecordReader::unreadLines() const {
  if (!cut())
    return 0;
  size_t breaks = size_t(std::count(buffer.begin() + long(start), buffer.end(), '\n'));
  return breaks + (buffer.back() == '\n' ? 0 : 1);
}
