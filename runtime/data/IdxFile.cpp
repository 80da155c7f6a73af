//===- IdxFile.cpp - IDX files (MNIST format), raw or gzip ----------------===//

#include "runtime/data/IdxFile.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <new>

#include <sys/mman.h>
#include <sys/stat.h>

using namespace sweep;

namespace {
struct GzCloser {
  void operator()(gzFile_s *file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

GzFile open(const std::string &path, std::string &error) {
  // Only regular files: a FIFO or /dev/stdin would block, a device never end.
  struct stat info;
  if (::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
    error = "'" + path + "' is not a regular file";
    return nullptr;
  }
  errno = 0;
  GzFile file(gzopen(path.c_str(), "rb"));
  if (!file)
    error = "cannot open '" + path + "': " + (errno ? std::strerror(errno) : "out of memory");
  return file;
}

bool readExactly(gzFile_s *file, void *buffer, size_t size, const std::string &path,
                 const char *what, std::string &error) {
  int got = gzread(file, buffer, unsigned(size));
  if (got == int(size))
    return true;
  int code = 0;
  const char *message = gzerror(file, &code);
  if (got < 0 || code != Z_OK)
    error = "'" + path + "' is corrupt: " + message;
  else
    error = "'" + path + "' is truncated: " + what + " ends early";
  return false;
}

/// Bytes per element of an IDX element type; 0 for a type IDX does not define.
size_t elementBytes(uint8_t type) {
  switch (type) {
  case 0x08:
  case 0x09:
    return 1;
  case 0x0B:
    return 2;
  case 0x0C:
  case 0x0D:
    return 4;
  case 0x0E:
    return 8;
  default:
    return 0;
  }
}

} // namespace

const char *sweep::idxElementTypeName(uint8_t type) {
  switch (type) {
  case 0x08: return "unsigned bytes";
  case 0x09: return "signed bytes";
  case 0x0B: return "int16";
  case 0x0C: return "int32";
  case 0x0D: return "float32";
  case 0x0E: return "float64";
  default: return "unknown";
  }
}

std::string sweep::idxTestTypeProblem(const std::string &testImages, uint8_t testType,
                                      const std::string &images, uint8_t type) {
  if (testType == type)
    return "";
  return "'" + testImages + "' holds " + idxElementTypeName(testType) +
         " values, the training images '" + images + "' " + idxElementTypeName(type) +
         ": one scale normalizes both";
}

namespace {
bool readHeader(gzFile_s *file, const std::string &path, IdxHeader &header, std::string &error) {
  unsigned char magic[4];
  if (!readExactly(file, magic, 4, path, "the header", error))
    return false;
  if (magic[0] != 0 || magic[1] != 0 || magic[3] == 0 || magic[3] > 4) {
    error = "'" + path + "' is not an IDX file (bad magic number)";
    return false;
  }
  header.elementType = magic[2];
  // Checked with the header, so that `sweepc check` reports it at the dataset.
  if (elementBytes(header.elementType) == 0) {
    error = "'" + path + "' has unknown IDX element type " + std::to_string(header.elementType);
    return false;
  }
  header.dims.assign(magic[3], 0);
  for (uint32_t &dim : header.dims) {
    unsigned char bytes[4];
    if (!readExactly(file, bytes, 4, path, "the header", error))
      return false;
    dim = uint32_t(bytes[0]) << 24 | uint32_t(bytes[1]) << 16 | uint32_t(bytes[2]) << 8 |
          uint32_t(bytes[3]);
  }
  // Bound the item size before anyone multiplies it out (a corrupt header could
  // otherwise overflow or ask for terabytes).
  uint64_t itemSize = 1;
  for (size_t i = 1; i < header.dims.size(); ++i) {
    // Regression: an item of no values divided by zero (SIGFPE) in the reader.
    if (header.dims[i] == 0) {
      error = "'" + path + "' has items of no values (its dimension " + std::to_string(i + 1) +
              " is 0); the header is corrupt";
      return false;
    }
    itemSize *= header.dims[i];
    if (itemSize > kMaxIdxItemSize) {
      error = "'" + path + "' has items of more than " + std::to_string(kMaxIdxItemSize) +
              " values; the header is corrupt or the items are too large";
      return false;
    }
  }
  return true;
}
} // namespace

uint64_t IdxHeader::itemSize() const {
  uint64_t size = 1;
  for (size_t i = 1; i < dims.size(); ++i)
    size *= dims[i];
  return size;
}

bool sweep::readIdxHeader(const std::string &path, IdxHeader &header, std::string &error) {
  GzFile file = open(path, error);
  return file && readHeader(file.get(), path, header, error);
}

/// Streams the labels of `path` in chunks to `consume`; the header's count is
/// only a claim until the bytes arrive, so nothing is allocated up front.
static bool forEachLabelChunk(const std::string &path, std::string &error,
                              const std::function<void(const uint8_t *, size_t)> &consume) {
  GzFile file = open(path, error);
  IdxHeader header;
  if (!file || !readHeader(file.get(), path, header, error))
    return false;
  if (header.elementType != 0x08 || header.dims.size() != 1) {
    error = "'" + path + "' is not an IDX label file (expected rank-1 unsigned bytes)";
    return false;
  }
  constexpr size_t kChunk = size_t(1) << 20;
  std::vector<uint8_t> buffer;
  for (uint64_t remaining = header.count(); remaining > 0;) {
    size_t size = size_t(std::min<uint64_t>(remaining, kChunk));
    buffer.resize(size);
    if (!readExactly(file.get(), buffer.data(), size, path, "the labels", error))
      return false;
    consume(buffer.data(), size);
    remaining -= size;
  }
  return true;
}

bool sweep::readIdxLabels(const std::string &path, uint64_t keep, std::vector<uint8_t> &labels,
                          IdxLabelSummary &summary, std::string &error) {
  labels.clear();
  summary = IdxLabelSummary();
  return forEachLabelChunk(path, error, [&](const uint8_t *data, size_t size) {
    if (keep == 0 || summary.count < keep)
      labels.insert(labels.end(), data,
                    data + (keep == 0 ? size : std::min<uint64_t>(size, keep - summary.count)));
    summary.count += size;
    for (size_t i = 0; i < size; ++i)
      summary.maxLabel = std::max(summary.maxLabel, data[i]);
  });
}

bool sweep::summarizeIdxLabels(const std::string &path, IdxLabelSummary &summary,
                               std::string &error) {
  std::vector<uint8_t> none;
  // Keeping one label of a file is as good as none: a bound, not a copy.
  return readIdxLabels(path, 1, none, summary, error);
}

/// Big-endian element `i` of `bytes` as a float.
static float decodeElement(uint8_t type, const unsigned char *p) {
  switch (type) {
  case 0x08:
    return float(p[0]);
  case 0x09:
    return float(int8_t(p[0]));
  case 0x0B:
    return float(int16_t(uint16_t(p[0]) << 8 | p[1]));
  case 0x0C:
    return float(int32_t(uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]));
  case 0x0D: {
    uint32_t bits = uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
  }
  default: {
    uint64_t bits = 0;
    for (int k = 0; k < 8; ++k)
      bits = bits << 8 | p[k];
    double v;
    std::memcpy(&v, &bits, 8);
    return float(v);
  }
  }
}

namespace {
/// The bytes an IDX file's header promises: magic, dimensions and items.
uint64_t promisedBytes(const IdxHeader &header) {
  return 4 + 4 * uint64_t(header.dims.size()) +
         header.count() * header.itemSize() * elementBytes(header.elementType);
}

/// What a file's stored bytes tell before it is read: its size, whether it
/// is gzip, and a gzip file's trailer ISIZE (the uncompressed size modulo
/// 2^32), when it has one.
struct StoredFile {
  bool opened = false, gzip = false, trailer = false;
  uint64_t size = 0;
  uint32_t isize = 0;
};

StoredFile storedFile(const std::string &path) {
  StoredFile stored;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in)
    return stored;
  stored.opened = true;
  stored.size = uint64_t(std::streamoff(in.tellg()));
  in.seekg(0);
  unsigned char magic[2] = {0, 0};
  in.read(reinterpret_cast<char *>(magic), 2);
  stored.gzip = in && magic[0] == 0x1f && magic[1] == 0x8b;
  if (!stored.gzip || stored.size < 18)
    return stored;
  unsigned char trailer[4] = {0, 0, 0, 0};
  in.seekg(std::streamoff(stored.size - 4));
  in.read(reinterpret_cast<char *>(trailer), 4);
  stored.trailer = bool(in);
  stored.isize = uint32_t(trailer[0]) | uint32_t(trailer[1]) << 8 | uint32_t(trailer[2]) << 16 |
                 uint32_t(trailer[3]) << 24;
  return stored;
}
} // namespace

bool sweep::checkIdxFileSize(const std::string &path, const IdxHeader &header, std::string &error) {
  const StoredFile stored = storedFile(path);
  if (!stored.opened)
    return true; // readIdxHeader said what is wrong with it.
  const uint64_t promised = promisedBytes(header);
  auto truncated = [&](uint64_t holds) {
    error = "'" + path + "' is truncated: its header promises " + std::to_string(header.count()) +
            " items of " + std::to_string(header.itemSize()) + " values (" +
            std::to_string(promised) + " bytes), the file has " + std::to_string(holds) +
            (stored.gzip ? " uncompressed" : "");
    return false;
  };
  if (!stored.gzip)
    return stored.size >= promised || truncated(stored.size);
  // gzip. Its last 4 bytes (ISIZE) are the uncompressed size modulo 2^32: a
  // file that ends where gzip says, with the size the header promises, is
  // whole. Anything else (cut short, several members, data after the end)
  // is read through to tell. Regression: `sweepc check` passed a truncated
  // .gz, and the run failed when it loaded it.
  if (stored.trailer && stored.isize == uint32_t(promised))
    return true;
  GzFile file = open(path, error);
  if (!file)
    return false;
  std::vector<unsigned char> buffer(size_t(1) << 20);
  uint64_t holds = 0;
  for (int got; (got = gzread(file.get(), buffer.data(), unsigned(buffer.size()))) > 0;)
    holds += uint64_t(got);
  int code = Z_OK;
  const char *message = gzerror(file.get(), &code);
  if (code != Z_OK && code != Z_STREAM_END) {
    error = "'" + path + "' is corrupt: " + message;
    return false;
  }
  return holds >= promised || truncated(holds);
}

/// Asks Linux to back [base, base + bytes) with 2 MB pages before it is first
/// written: Fashion-MNIST's 188 MB then takes 94 page faults instead of
/// 48,000, each of which costs microseconds in a virtual machine (a 64-run
/// sweep of Fashion-MNIST, docs/performance.md "IDX loading": 2.31 -> 2.05
/// s). Only a hint: where transparent huge pages are off it changes nothing.
static void adviseHugePages(void *base, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const uintptr_t huge = uintptr_t(2) << 20;
  const uintptr_t from = (uintptr_t(base) + huge - 1) & ~(huge - 1);
  const uintptr_t to = (uintptr_t(base) + bytes) & ~(huge - 1);
  if (to > from)
    ::madvise(reinterpret_cast<void *>(from), to - from, MADV_HUGEPAGE);
#else
  (void)base, (void)bytes;
#endif
}

/// Whether `path` holds at least the `promised` bytes (header and data) by
/// its size alone: a raw file as large, or a gzip file whose trailer gives
/// that size (modulo 2^32, as checkIdxFileSize reads it).
static bool sizeVouchesFor(const std::string &path, uint64_t promised) {
  const StoredFile stored = storedFile(path);
  return stored.opened && (stored.gzip ? stored.trailer && stored.isize == uint32_t(promised)
                                       : stored.size >= promised);
}

bool sweep::readIdxData(const std::string &path, uint64_t limit, IdxHeader &header,
                        std::vector<float> &data, std::string &error) {
  data.clear();
  GzFile file = open(path, error);
  if (!file || !readHeader(file.get(), path, header, error))
    return false;
  size_t bytes = elementBytes(header.elementType); // Known: readHeader checked it.
  uint64_t count = header.count();
  if (limit > 0 && limit < count)
    count = limit;
  uint64_t itemSize = header.itemSize();
  // The values are held at once where the file's size vouches for the
  // header's count: growing the vector chunk by chunk copied Fashion-MNIST's
  // 188 MB about twice over into fresh pages, a third of a 64-run sweep's
  // time (docs/performance.md, "IDX loading"). Where it does not (or the
  // memory is refused), the vector grows as the chunks arrive.
  if (sizeVouchesFor(path, promisedBytes(header))) {
    try {
      data.reserve(size_t(count * itemSize));
      adviseHugePages(data.data(), data.capacity() * sizeof(float));
    } catch (const std::bad_alloc &) {
    }
  }
  // Read in chunks of whole items: a corrupt count fails on the missing bytes
  // instead of allocating what the header claims.
  uint64_t itemsPerChunk = std::max<uint64_t>(1, (uint64_t(1) << 22) / (itemSize * bytes));
  std::vector<unsigned char> buffer;
  for (uint64_t done = 0; done < count;) {
    uint64_t items = std::min(itemsPerChunk, count - done);
    buffer.resize(size_t(items * itemSize * bytes));
    if (!readExactly(file.get(), buffer.data(), buffer.size(), path, "the data", error))
      return false;
    size_t base = data.size();
    data.resize(base + size_t(items * itemSize));
    if (header.elementType == 0x08) // Pixels: one loop the compiler vectorizes.
      for (size_t i = 0; i < size_t(items * itemSize); ++i)
        data[base + i] = float(buffer[i]);
    else
      for (size_t i = 0; i < size_t(items * itemSize); ++i)
        data[base + i] = decodeElement(header.elementType, buffer.data() + i * bytes);
    done += items;
  }
  if (!header.dims.empty())
    header.dims[0] = uint32_t(count);
  return true;
}
