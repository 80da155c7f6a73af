//===- Streams.h - the Philox streams every backend shares ------*- C++ -*-===//
//
// Every random number of a training run is a pure function of (key, stream,
// counter), so the interpreter and compiled code draw identical numbers
// without sharing generator state. This header fixes the stream numbering and
// the exact arithmetic that turns Philox blocks into floats; a backend that
// draws numbers must use these functions (or reproduce them bit for bit).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RNG_STREAMS_H
#define SWEEP_RUNTIME_RNG_STREAMS_H

#include "runtime/rng/Philox.h"

#include <cmath>
#include <cstdint>

namespace sweep {

/// Stream ids under a run's seed (init, dropout) or a dataset's seed (data).
namespace stream {
constexpr uint64_t kInit = 1ull << 32;      // + dense layer index
constexpr uint64_t kDropout = 2ull << 32;   // + dropout layer index
constexpr uint64_t kShuffle = 3ull << 32;   // + epoch
constexpr uint64_t kSynthetic = 4ull << 32; // + generator part (see Synthetic.cpp)
} // namespace stream

/// A uniform float in [0, 1) from 24 random bits.
inline float uniformFloat(uint32_t bits) { return float(bits >> 8) * 0x1.0p-24f; }

/// Uniform in [0, 1) for draw `index` of a stream: 4 draws per Philox block.
inline float uniformAt(const PhiloxStream &stream, uint64_t index) {
  return uniformFloat(stream.block(index >> 2)[index & 3]);
}

/// A standard normal for draw `index`: Box-Muller on the two 64-bit halves of
/// block `index`, in double, keeping the cosine branch.
inline double normalAt(const PhiloxStream &stream, uint64_t index) {
  PhiloxBlock b = stream.block(index);
  uint64_t hi = (uint64_t(b[0]) << 32 | b[1]) >> 11, lo = (uint64_t(b[2]) << 32 | b[3]) >> 11;
  double u1 = (double(hi) + 1.0) * 0x1.0p-53; // (0, 1]: log stays finite.
  double u2 = double(lo) * 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

} // namespace sweep

#endif // SWEEP_RUNTIME_RNG_STREAMS_H
