//===- IdxFile.h - IDX files (MNIST format), raw or gzip --------*- C++ -*-===//
//
// IDX is the format of MNIST and Fashion-MNIST: a magic number giving the
// element type and rank, big-endian 32-bit dimensions, then the data. Files may
// be gzip-compressed; zlib reads both forms transparently.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DATA_IDXFILE_H
#define SWEEP_RUNTIME_DATA_IDXFILE_H

#include <cstdint>
#include <string>
#include <vector>

namespace sweep {

/// Items larger than this many values are rejected as a corrupt header.
constexpr uint64_t kMaxIdxItemSize = uint64_t(1) << 28;

struct IdxHeader {
  uint8_t elementType = 0; // 0x08 unsigned byte, 0x09 signed byte, 0x0D float, ...
  std::vector<uint32_t> dims;

  uint64_t count() const { return dims.empty() ? 0 : dims[0]; }
  /// Elements per item: the product of all dimensions but the first.
  uint64_t itemSize() const;
};

/// The element type's name in messages: "unsigned bytes", "float32", ...
const char *idxElementTypeName(uint8_t type);

/// Test images of another element type than the training images would be
/// normalized on the training images' scale (unit: bytes / 255): "" when the
/// types agree, else the error that says so (the loader's and `check`'s).
std::string idxTestTypeProblem(const std::string &testImages, uint8_t testType,
                               const std::string &images, uint8_t type);

/// Reads the header of `path`. On failure returns false and sets `error` to a
/// message that names the file and the problem.
bool readIdxHeader(const std::string &path, IdxHeader &header, std::string &error);

/// Whether an IDX file (raw or gzip) holds the bytes its header promises;
/// false with `error` ("'x' is truncated: ..." or "'x' is corrupt: ...")
/// when not. A gzip file whose trailer gives the promised size is taken as
/// whole; any other is decompressed to count.
bool checkIdxFileSize(const std::string &path, const IdxHeader &header, std::string &error);

/// Reads the items of an IDX file of any element type as floats, at most
/// `limit` items (0: all). `data` holds count() x itemSize() values.
bool readIdxData(const std::string &path, uint64_t limit, IdxHeader &header,
                 std::vector<float> &data, std::string &error);

/// What a label file holds: its number of labels and the largest.
struct IdxLabelSummary {
  uint64_t count = 0;
  uint8_t maxLabel = 0;
};

/// Reads a rank-1 unsigned-byte IDX label file in chunks: keeps its first
/// `keep` labels (0: all) and summarizes all of them. Regression: a `limit`
/// of 10 samples held the whole file.
bool readIdxLabels(const std::string &path, uint64_t keep, std::vector<uint8_t> &labels,
                   IdxLabelSummary &summary, std::string &error);

/// The summary alone, without keeping the labels.
bool summarizeIdxLabels(const std::string &path, IdxLabelSummary &summary, std::string &error);

} // namespace sweep

#endif // SWEEP_RUNTIME_DATA_IDXFILE_H
