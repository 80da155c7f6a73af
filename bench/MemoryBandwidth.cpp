//===- MemoryBandwidth.cpp - what one core reads from and writes to memory -===//
//
// The other ceiling of a training step: a first layer of many runs (64 x 784
// x 128 floats = 25.7 MB) does not fit the caches, so each step streams its
// weights from memory. Measures, on one thread, over buffers of 256 MiB
// (beyond any cache): `read`, a sum of every float (GB/s read), and
// `read+stream`, y = x - c written with non-temporal stores as the fused
// optimizer step writes (GB/s read plus written). Prints one line per
// measurement, `<name> 1 <GB/s>`, the median of 5.
//
//===----------------------------------------------------------------------===//

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {
constexpr size_t kFloats = size_t(64) << 20; // 256 MiB per buffer.

double seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double readRate(const float *x) {
  auto start = std::chrono::steady_clock::now();
  __m128 s0 = _mm_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = 0; i < kFloats; i += 16) {
    s0 = _mm_add_ps(s0, _mm_load_ps(x + i));
    s1 = _mm_add_ps(s1, _mm_load_ps(x + i + 4));
    s2 = _mm_add_ps(s2, _mm_load_ps(x + i + 8));
    s3 = _mm_add_ps(s3, _mm_load_ps(x + i + 12));
  }
  const double t = seconds(start);
  float sum[4];
  _mm_storeu_ps(sum, _mm_add_ps(_mm_add_ps(s0, s1), _mm_add_ps(s2, s3)));
  if (sum[0] < 0) // Keeps the sum alive.
    std::printf("%g\n", double(sum[0]));
  return double(kFloats) * sizeof(float) / t / 1e9;
}

double readStreamRate(const float *x, float *y) {
  auto start = std::chrono::steady_clock::now();
  const __m128 c = _mm_set1_ps(0.1f);
  for (size_t i = 0; i < kFloats; i += 4)
    _mm_stream_ps(y + i, _mm_sub_ps(_mm_load_ps(x + i), c));
  _mm_sfence();
  return 2.0 * double(kFloats) * sizeof(float) / seconds(start) / 1e9;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}
} // namespace

int main() {
  float *x = static_cast<float *>(std::aligned_alloc(64, kFloats * sizeof(float)));
  float *y = static_cast<float *>(std::aligned_alloc(64, kFloats * sizeof(float)));
  if (!x || !y) {
    std::fprintf(stderr, "sweepc-bench-memory: cannot allocate 2 x 256 MiB\n");
    return 1;
  }
  for (size_t i = 0; i < kFloats; ++i)
    x[i] = 1.0f, y[i] = 0.0f; // Touch every page before timing.
  std::vector<double> read, stream;
  for (int round = 0; round < 5; ++round) {
    read.push_back(readRate(x));
    stream.push_back(readStreamRate(x, y));
  }
  std::printf("read 1 %.1f\nread+stream 1 %.1f\n", median(read), median(stream));
  std::free(x);
  std::free(y);
  return 0;
}
