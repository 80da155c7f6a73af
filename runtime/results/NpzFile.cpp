//===- NpzFile.cpp - float32 arrays as a NumPy .npz file ------------------===//

#include "runtime/results/NpzFile.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

using namespace sweep;

namespace {
/// Little-endian fields of ZIP headers.
void put16(std::string &out, uint32_t value) {
  out += char(value & 0xff);
  out += char((value >> 8) & 0xff);
}
void put32(std::string &out, uint32_t value) {
  put16(out, value & 0xffff);
  put16(out, value >> 16);
}

/// The .npy header of a float32 array: magic, version 1.0, then the
/// dictionary padded with spaces so that the data starts 64-byte aligned.
std::string npyHeader(const std::vector<int64_t> &shape) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i)
    dict += std::to_string(shape[i]) + (shape.size() == 1 ? "," : i + 1 < shape.size() ? ", " : "");
  dict += "), }";
  size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  std::string header = "\x93NUMPY";
  header += char(1);
  header += char(0);
  put16(header, uint32_t(dict.size()));
  return header + dict;
}

struct Entry {
  std::string name, header;
  const float *data;
  uint64_t dataBytes;
  uint32_t crc;
  uint64_t offset; // Of its local header.
};

// 1980-01-01 00:00 in DOS format: the archive's bytes do not depend on when
// it was written, so the same run gives the same file.
constexpr uint32_t kDosTime = 0, kDosDate = (0 << 9) | (1 << 5) | 1;

/// The fields a local header and its central directory entry share, from
/// "version needed" to the name's length: stored (no compression), no flags.
void putEntryFields(std::string &out, const Entry &entry, uint64_t size) {
  put16(out, 20); // Version needed: 2.0.
  put16(out, 0);  // Flags.
  put16(out, 0);  // Stored.
  put16(out, kDosTime);
  put16(out, kDosDate);
  put32(out, entry.crc);
  put32(out, uint32_t(size)); // Compressed size: the same.
  put32(out, uint32_t(size));
  put16(out, uint32_t(entry.name.size()));
}
} // namespace

bool sweep::writeNpz(const std::string &path, const std::vector<NpyArray> &arrays,
                     std::string &error) {
  std::vector<Entry> entries;
  for (const NpyArray &array : arrays) {
    uint64_t count = 1;
    for (int64_t extent : array.shape)
      count *= uint64_t(extent);
    Entry entry{array.name + ".npy", npyHeader(array.shape), array.data, count * 4, 0, 0};
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef *>(entry.header.data()), uInt(entry.header.size()));
    // zlib takes at most 4 GiB a call.
    const Bytef *bytes = reinterpret_cast<const Bytef *>(array.data);
    for (uint64_t done = 0; done < entry.dataBytes;) {
      uint64_t piece = std::min<uint64_t>(entry.dataBytes - done, 1u << 30);
      crc = crc32(crc, bytes + done, uInt(piece));
      done += piece;
    }
    entry.crc = uint32_t(crc);
    entries.push_back(std::move(entry));
  }

  // ZIP without ZIP64: every size and offset must fit 32 bits. All are known
  // now, so a file too large is refused before anything is written.
  uint64_t total = 22; // The end record.
  for (const Entry &entry : entries)
    total += 2 * (46 + entry.name.size()) + entry.header.size() + entry.dataBytes;
  if (total >= 0xffffffffull || entries.size() > 0xffff) {
    error = "'" + path + "' would exceed the 4 GiB of a ZIP archive without ZIP64";
    return false;
  }
  std::string temporary = path + ".partial";
  FILE *file = std::fopen(temporary.c_str(), "wb");
  if (!file) {
    error = "cannot write '" + temporary + "': " + std::strerror(errno);
    return false;
  }
  uint64_t offset = 0;
  bool ok = true;
  int writeErrno = 0;
  auto write = [&](const void *data, uint64_t bytes) {
    if (ok && std::fwrite(data, 1, bytes, file) != bytes) {
      ok = false;
      writeErrno = errno;
    }
    offset += bytes;
  };
  for (Entry &entry : entries) {
    uint64_t size = entry.header.size() + entry.dataBytes;
    entry.offset = offset;
    std::string local;
    put32(local, 0x04034b50);
    putEntryFields(local, entry, size);
    put16(local, 0); // Extra field.
    local += entry.name;
    write(local.data(), local.size());
    write(entry.header.data(), entry.header.size());
    write(entry.data, entry.dataBytes);
  }
  uint64_t directoryStart = offset;
  for (const Entry &entry : entries) {
    uint64_t size = entry.header.size() + entry.dataBytes;
    std::string central;
    put32(central, 0x02014b50);
    put16(central, 20); // Made by: 2.0.
    putEntryFields(central, entry, size);
    put16(central, 0); // Extra field.
    put16(central, 0); // Comment.
    put16(central, 0); // Disk.
    put16(central, 0); // Internal attributes.
    put32(central, 0); // External attributes.
    put32(central, uint32_t(entry.offset));
    central += entry.name;
    write(central.data(), central.size());
  }
  std::string end;
  put32(end, 0x06054b50);
  put16(end, 0);
  put16(end, 0);
  put16(end, uint32_t(entries.size()));
  put16(end, uint32_t(entries.size()));
  put32(end, uint32_t(offset - directoryStart));
  put32(end, uint32_t(directoryStart));
  put16(end, 0);
  write(end.data(), end.size());
  if (std::fclose(file) != 0 && ok) {
    ok = false;
    writeErrno = errno;
  }
  if (!ok)
    error = "cannot write '" + temporary + "': " + std::strerror(writeErrno);
  else if (std::rename(temporary.c_str(), path.c_str()) != 0)
    error = "cannot write '" + path + "': " + std::strerror(errno);
  else
    return true;
  std::remove(temporary.c_str());
  return false;
}
