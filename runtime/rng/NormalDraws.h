//===- NormalDraws.h - many draws of one stream at once ---------*- C++ -*-===//
//
// A program's initial weights are hundreds of millions of draws (12,500 runs
// of 784-32-10: 318 million), each a Philox block and, for a normal, a log and
// a cosine. These compute a range of consecutive draws of one stream eight at
// a time where the CPU has AVX-512 (F and DQ), with exactly the values of the
// one-draw definitions in Streams.h and Philox.h.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RNG_NORMALDRAWS_H
#define SWEEP_RUNTIME_RNG_NORMALDRAWS_H

#include "runtime/rng/Philox.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sweep {

/// The instruction sets the draws are written for.
enum class DrawIsa { Portable, Avx512 };
const char *drawIsaName(DrawIsa isa);
/// Those this CPU runs, Portable first.
std::vector<DrawIsa> availableDrawIsas();
/// The widest of them.
DrawIsa bestDrawIsa();

/// out[i] = normalAt(stream, first + i) for i < count.
void normalsAt(const PhiloxStream &stream, uint64_t first, size_t count, double *out);
/// out[i] = stream.uniform(first + i) for i < count.
void uniformsAt(const PhiloxStream &stream, uint64_t first, size_t count, double *out);

/// The same with a given instruction set (one of availableDrawIsas()), for
/// tests and benchmarks that compare them.
void normalsWith(DrawIsa isa, const PhiloxStream &stream, uint64_t first, size_t count,
                 double *out);
void uniformsWith(DrawIsa isa, const PhiloxStream &stream, uint64_t first, size_t count,
                  double *out);

namespace detail {
/// NormalDrawsAvx512.cpp: count a multiple of 8.
void normalsAvx512(const PhiloxStream &stream, uint64_t first, size_t count, double *out);
void uniformsAvx512(const PhiloxStream &stream, uint64_t first, size_t count, double *out);
} // namespace detail

} // namespace sweep

#endif // SWEEP_RUNTIME_RNG_NORMALDRAWS_H
