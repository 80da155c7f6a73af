//===- CsvRecords.h - CSV text split into records ---------------*- C++ -*-===//
//
// A results file is split into records at line breaks outside quotes (a
// quoted field may hold a line break); a CRLF's '\r' is not part of the last
// field. A final record without its line break (cut by a crash) is never
// returned, nor is anything after a quote that is never closed.
//
// completeCsvRecords splits text already read; CsvRecordReader reads a stream
// a block at a time, so that reading curves.csv of 100,000 runs does not hold
// the file (and a copy of it as records) in memory.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RESULTS_CSVRECORDS_H
#define SWEEP_RUNTIME_RESULTS_CSVRECORDS_H

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

namespace sweep {

/// The records of `text`. `consumed`, when given, is the length of text the
/// records cover: less than its size when a record is cut, or a quote opened
/// and never closed leaves the rest unread.
std::vector<std::string> completeCsvRecords(const std::string &text, size_t *consumed = nullptr);

/// A header row saved by a spreadsheet's "CSV UTF-8" starts with a byte order
/// mark, which is no part of the first column's name: removed from `fields`.
/// Regression: such a runs.csv was refused ("has no column 'run'").
inline void dropByteOrderMark(std::vector<std::string> &fields) {
  if (!fields.empty() && fields[0].rfind("\xEF\xBB\xBF", 0) == 0)
    fields[0].erase(0, 3);
}

/// The complete records of a stream, one at a time.
class CsvRecordReader {
public:
  /// `blockBytes`: how much is read at a time (tests try every boundary
  /// with small ones).
  explicit CsvRecordReader(std::istream &in, size_t blockBytes = kDefaultBlockBytes)
      : in(in), blockBytes(blockBytes ? blockBytes : 1) {}

  /// Big enough that the per-block work is noise, small enough that the
  /// reader never holds much more than one record beyond it.
  static constexpr size_t kDefaultBlockBytes = 1 << 20;

  /// The next complete record, without its line break. False at the end of
  /// the complete records (or when the stream fails: see failed()).
  bool next(std::string &record);

  /// The 1-based line on which the last record returned by next() starts.
  size_t line() const { return recordLine; }

  /// After next() returned false: whether text remained that is no complete
  /// record, how many lines it spans, and on which line it starts.
  bool cut() const { return start < buffer.size(); }
  size_t unreadLines() const;
  size_t firstUnreadLine() const { return nextLine; }

  /// Whether reading failed other than by reaching the end (an I/O error).
  bool failed() const { return in.bad(); }

private:
  /// Appends the next block of the stream to `buffer`; false at its end.
  bool readBlock();

  std::istream &in;
  size_t blockBytes;
  std::string buffer;
  size_t start = 0;    // Where the next record begins in buffer.
  size_t scanned = 0;  // How far buffer was searched for its end.
  bool quoted = false; // Whether `scanned` lies inside quotes.
  size_t recordLine = 0, nextLine = 1;
};

} // namespace sweep

#endif // SWEEP_RUNTIME_RESULTS_CSVRECORDS_H
