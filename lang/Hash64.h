//===- Hash64.h - the 64-bit hashes behind config hashes --------*- C++ -*-===//
//
// FNV-1a over bytes and splitmix64's finalizer: what a run's config hash is
// built from (Grid.cpp's ConfigHasher, ModelHash.cpp). They must never change,
// or every interrupted sweep's finished runs would stop matching on --resume.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LANG_HASH64_H
#define SWEEP_LANG_HASH64_H

#include <cstddef>
#include <cstdint>

namespace sweep {

inline uint64_t fnv1a(const void *data, size_t size) {
  uint64_t hash = 0xcbf29ce484222325ull;
  const unsigned char *bytes = static_cast<const unsigned char *>(data);
  for (size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}

/// splitmix64's finalizer: a cheap 64-bit mixer with full avalanche.
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

} // namespace sweep

#endif // SWEEP_LANG_HASH64_H
