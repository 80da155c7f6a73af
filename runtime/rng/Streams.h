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

/// The standard normal of one Philox block: Box-Muller on its two 64-bit
/// halves, in double, keeping the cosine branch, with sweepc's own log and
/// cosine (runtime/rng/NormalDraws.cpp), so that a draw is the same bits
/// whatever the machine's libm, and whether it is drawn alone or eight at a
/// time (normalsAt, runtime/rng/NormalDraws.h).
double normalOfBlock(const PhiloxBlock &block);

/// A standard normal for draw `index`: normalOfBlock of block `index`.
inline double normalAt(const PhiloxStream &stream, uint64_t index) {
  return normalOfBlock(stream.block(index));
}

} // namespace sweep

#endif // SWEEP_RUNTIME_RNG_STREAMS_H
