//===- Philox.h - Philox4x32-10 counter-based random numbers ----*- C++ -*-===//
//
// All randomness in sweepc (random-search sampling, weight init, dropout,
// shuffling) comes from Philox4x32-10 (Salmon et al., SC'11) keyed by
// (seed, stream) with a counter per draw, so any draw can be recomputed on any
// backend without carrying generator state. Header-only and dependency-free:
// the compiler, the runtime and generated code share it.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RNG_PHILOX_H
#define SWEEP_RUNTIME_RNG_PHILOX_H

#include <array>
#include <cstdint>

namespace sweep {

using PhiloxBlock = std::array<uint32_t, 4>;
using PhiloxKey = std::array<uint32_t, 2>;

/// One Philox4x32 block with `rounds` rounds (10 is the standard strength).
inline PhiloxBlock philox4x32(PhiloxBlock counter, PhiloxKey key, int rounds = 10) {
  constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  for (int round = 0; round < rounds; ++round) {
    if (round > 0) {
      key[0] += kWeyl0;
      key[1] += kWeyl1;
    }
    uint64_t product0 = uint64_t(kMul0) * counter[0];
    uint64_t product1 = uint64_t(kMul1) * counter[2];
    uint32_t hi0 = uint32_t(product0 >> 32), lo0 = uint32_t(product0);
    uint32_t hi1 = uint32_t(product1 >> 32), lo1 = uint32_t(product1);
    counter = {hi1 ^ counter[1] ^ key[0], lo1, hi0 ^ counter[3] ^ key[1], lo0};
  }
  return counter;
}

/// The stream of draws for one (seed, stream) pair: draw(i) is the i-th block.
class PhiloxStream {
public:
  PhiloxStream(uint64_t seed, uint64_t stream)
      : key{uint32_t(seed), uint32_t(seed >> 32)}, stream(stream) {}

  PhiloxBlock block(uint64_t index) const {
    return philox4x32({uint32_t(index), uint32_t(index >> 32), uint32_t(stream),
                       uint32_t(stream >> 32)},
                      key);
  }

  /// A double uniform in [0, 1) with 53 random bits, from block `index`.
  double uniform(uint64_t index) const {
    PhiloxBlock b = block(index);
    uint64_t bits = (uint64_t(b[0]) << 21) ^ (uint64_t(b[1]) >> 11);
    return double(bits & ((uint64_t(1) << 53) - 1)) * 0x1.0p-53;
  }

  /// The key and stream words, for code that computes many blocks at once.
  const PhiloxKey &keyWords() const { return key; }
  uint64_t streamId() const { return stream; }

private:
  PhiloxKey key;
  uint64_t stream;
};

} // namespace sweep

#endif // SWEEP_RUNTIME_RNG_PHILOX_H
