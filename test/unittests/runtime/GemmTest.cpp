//===- GemmTest.cpp - every instruction set gives the reference's bits ----===//
//
// The blocked product must equal a plain loop of std::fma in k order for any
// shape and layout, with each instruction set this machine runs: row and
// column edges, K longer than one block, wide panels spanning runs (shared A)
// and per-run A, transposed operands.
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/Gemm.h"
#include "runtime/kernels/Activation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace sweep;

namespace {
struct Case {
  int64_t runs, m, k, n;
  bool sharedA, transposeA, transposeB;
};

float at(const StridedRuns &s, int64_t r, int64_t i, int64_t j) {
  return s.base[r * s.runStride + i * s.rowStride + j * s.colStride];
}

/// The epilogue as a separate pass would apply it, with the interpreter's formulas.
float finish(const GemmProblem &p, float c, int64_t r, int64_t i, int64_t j) {
  switch (p.epilogue) {
  case Epilogue::None:
    return c;
  case Epilogue::Relu:
    return activation::relu(c);
  case Epilogue::Tanh:
    return activation::tanh(c);
  case Epilogue::Sigmoid:
    return activation::sigmoid(c);
  case Epilogue::ReluSlope:
    return c * activation::reluSlope(at(p.gate, r, i, j));
  case Epilogue::TanhSlope:
    return c * activation::tanhSlope(at(p.gate, r, i, j));
  case Epilogue::SigmoidSlope:
    return c * activation::sigmoidSlope(at(p.gate, r, i, j));
  }
  return c;
}

/// C[r](i, j) = fma chain over kk of A[r](i, kk) * B[r](kk, j), from C (or
/// init), then the epilogue.
void reference(const GemmProblem &p) {
  for (int64_t r = 0; r < p.runs; ++r)
    for (int64_t i = 0; i < p.m; ++i)
      for (int64_t j = 0; j < p.n; ++j) {
        float &c = p.c[r * p.cRunStride + i * p.cRowStride + j * p.cColStride];
        if (p.init.base)
          c = at(p.init, r, i, j);
        for (int64_t kk = 0; kk < p.k; ++kk)
          c = std::fma(at(p.a, r, i, kk), at(p.b, r, kk, j), c);
        c = finish(p, c, r, i, j);
      }
}

std::vector<float> normal(size_t n, std::mt19937 &gen) {
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

/// Runs `p` from C = c0 with the reference and with every instruction set;
/// each must give the reference's bits.
void expectEveryIsaMatches(GemmProblem p, const std::vector<float> &c0, const std::string &what) {
  std::vector<float> expected = c0;
  p.c = expected.data();
  reference(p);
  for (GemmIsa isa : availableGemmIsas()) {
    std::vector<float> got = c0;
    p.c = got.data();
    gemmWith(isa, p);
    EXPECT_EQ(got, expected) << gemmIsaName(isa) << " " << what;
  }
}

/// The operands of `c`, random, and the problem over them with a dense C
/// ([runs, m, n]; c itself is left for the caller).
struct Operands {
  std::vector<float> a, b;
  GemmProblem p;
  Operands(const Case &c, std::mt19937 &gen)
      : a(normal(size_t((c.sharedA ? 1 : c.runs) * c.m * c.k), gen)),
        b(normal(size_t(c.runs * c.k * c.n), gen)) {
    p.runs = c.runs, p.m = c.m, p.k = c.k, p.n = c.n;
    p.a = {a.data(), c.sharedA ? 0 : c.m * c.k, c.transposeA ? 1 : c.k, c.transposeA ? c.m : 1};
    p.b = {b.data(), c.k * c.n, c.transposeB ? 1 : c.n, c.transposeB ? c.k : 1};
    p.cRunStride = c.m * c.n, p.cRowStride = c.n;
  }
};

std::string describe(const Case &c) {
  return "runs " + std::to_string(c.runs) + " m " + std::to_string(c.m) + " k " +
         std::to_string(c.k) + " n " + std::to_string(c.n) + (c.sharedA ? " shared" : " per-run") +
         (c.transposeA ? " At" : "") + (c.transposeB ? " Bt" : "");
}
} // namespace

TEST(Gemm, EveryInstructionSetEqualsTheFmaLoopBitForBit) {
  std::mt19937 gen(11);
  const Case cases[] = {
      {1, 1, 1, 1, true, false, false},      {1, 8, 16, 32, true, false, false},
      {3, 17, 9, 10, true, false, false},    {7, 13, 600, 10, true, false, false},
      {4, 128, 300, 48, true, false, false}, {5, 33, 40, 16, false, false, false},
      {2, 9, 128, 37, true, true, false},    {3, 50, 20, 7, false, false, true},
      {2, 6, 257, 64, false, true, true},    {64, 3, 5, 3, true, false, false},
      // Panels of several runs whose vectors each lie in one run: N a
      // multiple of the AVX2 (8) or AVX-512 (16) width, a ragged last panel.
      {9, 13, 300, 16, true, false, false},  {5, 11, 40, 8, true, false, false},
      {3, 10, 20, 48, true, false, false},   {7, 9, 30, 16, true, true, true},
      // Per-run products at most one vector wide (the narrow tiles): a
      // 16-wide hidden layer's input gradient (B transposed), an output
      // layer's forward and weight gradient (A transposed), rows past a tile.
      {5, 128, 10, 16, false, false, true},  {4, 128, 16, 10, false, false, false},
      {4, 16, 128, 10, false, true, false},  {3, 37, 7, 8, false, false, false},
      {1, 29, 50, 5, true, false, false},
      // B transposed in whole vector blocks (registers) and a ragged rest
      // (gathers): K not a multiple of 8 or 16, over one and two K blocks,
      // N over several panels.
      {3, 19, 40, 70, false, false, true},   {2, 21, 300, 64, false, false, true},
      {2, 9, 16, 32, false, false, true},
  };
  for (const Case &c : cases) {
    Operands operands(c, gen);
    std::vector<float> c0 = normal(size_t(c.runs * c.m * c.n), gen);
    expectEveryIsaMatches(operands.p, c0, describe(c));
  }
}

TEST(Gemm, ColumnStridedOutputAndEmptyProducts) {
  std::mt19937 gen(12);
  // C stored transposed (column stride != 1): every panel goes through the
  // scratch tile.
  std::vector<float> a = normal(20 * 30, gen), b = normal(2 * 30 * 11, gen);
  std::vector<float> c0 = normal(2 * 20 * 11, gen);
  GemmProblem p;
  p.runs = 2, p.m = 20, p.k = 30, p.n = 11;
  p.a = {a.data(), 0, 30, 1};
  p.b = {b.data(), 30 * 11, 11, 1};
  p.cRunStride = 20 * 11, p.cRowStride = 1, p.cColStride = 20;
  expectEveryIsaMatches(p, c0, "transposed C");
  // K = 0 leaves C as it is.
  for (GemmIsa isa : availableGemmIsas()) {
    std::vector<float> got = c0;
    GemmProblem empty = p;
    empty.k = 0;
    empty.c = got.data();
    gemmWith(isa, empty);
    EXPECT_EQ(got, c0) << gemmIsaName(isa);
  }
}

TEST(Gemm, EpiloguesEqualSeparatePassesBitForBit) {
  std::mt19937 gen(13);
  // Direct tiles (n = 64, per run), panels spanning runs (n = 10, shared A),
  // panels of runs whose vectors are each in one run (n = 16 and 8: written
  // in place a vector at a time), a column-strided C (scratch tiles), K over
  // one block, and K = 0; C starting from itself, a constant, a bias row or
  // a matrix of its own.
  struct Layout {
    Case shape;
    bool transposeC;
  };
  const Layout layouts[] = {{{3, 17, 40, 64, false, false, false}, false},
                            {{5, 19, 300, 10, true, false, false}, false},
                            {{5, 19, 300, 16, true, false, false}, false},
                            {{7, 10, 30, 8, true, false, false}, false},
                            {{4, 37, 30, 16, false, false, false}, false},
                            {{4, 37, 30, 10, false, false, false}, false},
                            {{2, 9, 33, 7, true, false, false}, true},
                            {{3, 9, 33, 7, false, false, false}, true},
                            {{2, 5, 0, 12, false, false, false}, false}};
  const Epilogue epilogues[] = {Epilogue::None,        Epilogue::Relu,      Epilogue::Tanh,
                                Epilogue::Sigmoid,     Epilogue::ReluSlope, Epilogue::TanhSlope,
                                Epilogue::SigmoidSlope};
  for (const Layout &layout : layouts) {
    const Case &c = layout.shape;
    std::vector<float> a = normal(size_t((c.sharedA ? 1 : c.runs) * c.m * c.k), gen);
    std::vector<float> b = normal(size_t(c.runs * c.k * c.n), gen);
    std::vector<float> c0 = normal(size_t(c.runs * c.m * c.n), gen);
    std::vector<float> bias = normal(size_t(c.runs * c.n), gen);
    std::vector<float> gate = normal(size_t(c.runs * c.m * c.n), gen);
    std::vector<float> start = normal(size_t(c.runs * c.m * c.n), gen);
    for (Epilogue epilogue : epilogues)
      for (int withInit : {0, 1, 2}) {
        GemmProblem p;
        p.runs = c.runs, p.m = c.m, p.k = c.k, p.n = c.n;
        p.a = {a.data(), c.sharedA ? 0 : c.m * c.k, c.k, 1};
        p.b = {b.data(), c.k * c.n, c.n, 1};
        p.cRunStride = c.m * c.n;
        p.cRowStride = layout.transposeC ? 1 : c.n;
        p.cColStride = layout.transposeC ? c.m : 1;
        if (withInit == 2)
          p.init = {start.data(), c.m * c.n, c.n, 1}; // a matrix of its own (read per row)
        else if (withInit && epilogue == Epilogue::None)
          p.init = {bias.data() + 1, 0, 0, 0}; // one constant (the zero start's path)
        else if (withInit)
          p.init = {bias.data(), c.n, 0, 1}; // broadcast over rows
        p.epilogue = epilogue;
        p.gate = {gate.data(), c.m * c.n, c.n, 1};
        expectEveryIsaMatches(p, c0,
                              describe(c) + " epilogue " + std::to_string(int(epilogue)) +
                                  (withInit ? " init " + std::to_string(withInit) : "") +
                                  (layout.transposeC ? " Ct" : ""));
      }
  }
}

// relu in the product's epilogue lets a NaN through (Activation.h), in every
// lane of every instruction set, and still gives +0 for -0 and negatives.
TEST(Gemm, ReluEpilogueLetsNanThrough) {
  const float specials[] = {std::nanf(""), -0.0f, 0.0f, -1.5f, 2.5f, INFINITY, -INFINITY};
  // 9 x 37: full vectors and a ragged edge for every ISA's tile.
  const int64_t m = 9, n = 37;
  // B holds -0, so that C = init + 1 * -0 keeps init's -0 (fma(1, +0, -0) is +0).
  std::vector<float> init(size_t(m * n)), one(1, 1.0f), zero(size_t(n), -0.0f);
  for (size_t i = 0; i < init.size(); ++i)
    init[i] = specials[(i * 5) % std::size(specials)];
  GemmProblem p;
  p.runs = 1, p.m = m, p.k = 1, p.n = n;
  p.a = {one.data(), 0, 0, 0}; // C = init + 1 * -0, then relu
  p.b = {zero.data(), 0, n, 1};
  p.init = {init.data(), 0, n, 1};
  p.cRunStride = m * n, p.cRowStride = n, p.cColStride = 1;
  p.epilogue = Epilogue::Relu;
  ASSERT_TRUE(std::signbit(std::fma(1.0f, -0.0f, -0.0f))); // a -0 reaches the epilogue
  for (GemmIsa isa : availableGemmIsas()) {
    std::vector<float> c(size_t(m * n), 7.0f);
    p.c = c.data();
    gemmWith(isa, p);
    for (size_t i = 0; i < c.size(); ++i) {
      float in = std::fma(1.0f, -0.0f, init[i]), want = activation::relu(in);
      if (std::isnan(in))
        EXPECT_TRUE(std::isnan(c[i])) << gemmIsaName(isa) << " element " << i;
      else
        EXPECT_TRUE(c[i] == want && !std::signbit(c[i]))
            << gemmIsaName(isa) << " element " << i << ": relu(" << in << ") gave " << c[i];
    }
  }
}

TEST(Gemm, SlopeInPlaceOverItsGateEqualsASeparateGate) {
  std::mt19937 gen(14);
  // The backward of a hidden layer whose output buffer is dead: dx is written
  // over the activation output y it is gated by. Direct tiles (n = 64), panels
  // spanning runs (n = 10, shared A), a column-strided C, K in one block
  // (1, 10, kMaxKBlock), over one block (kMaxKBlock + 1, 600), and K = 0.
  struct Layout {
    Case shape;
    bool transposeC;
  };
  const Layout layouts[] = {{{3, 17, 10, 64, false, false, false}, false},
                            {{5, 19, 1, 10, true, false, false}, false},
                            {{2, 9, kMaxKBlock, 64, true, false, false}, false},
                            {{2, 9, kMaxKBlock + 1, 64, false, false, false}, false},
                            {{4, 11, 600, 10, true, false, false}, false},
                            {{6, 11, 300, 16, true, false, false}, false},
                            {{6, 11, 10, 8, true, false, false}, false},
                            {{4, 19, 128, 16, false, false, false}, false},
                            {{4, 19, 128, 10, false, false, false}, false},
                            {{2, 9, 33, 7, true, false, false}, true},
                            {{2, 9, 300, 7, true, false, false}, true},
                            {{2, 5, 0, 12, false, false, false}, false}};
  for (const Layout &layout : layouts) {
    const Case &c = layout.shape;
    Operands operands(c, gen);
    GemmProblem &p = operands.p;
    p.cRowStride = layout.transposeC ? 1 : c.n;
    p.cColStride = layout.transposeC ? c.m : 1;
    static const float zero = 0.0f;
    p.init = {&zero, 0, 0, 0};
    const std::vector<float> y = normal(size_t(c.runs * c.m * c.n), gen);
    for (Epilogue epilogue : {Epilogue::ReluSlope, Epilogue::TanhSlope, Epilogue::SigmoidSlope}) {
      p.epilogue = epilogue;
      p.gate = {y.data(), p.cRunStride, p.cRowStride, p.cColStride};
      std::vector<float> expected(y.size(), NAN);
      p.c = expected.data();
      reference(p);
      for (GemmIsa isa : availableGemmIsas()) {
        std::vector<float> inPlace = y;
        GemmProblem q = p;
        q.c = inPlace.data();
        q.gate.base = inPlace.data();
        gemmWith(isa, q);
        EXPECT_EQ(inPlace, expected) << gemmIsaName(isa) << " " << describe(c) << " epilogue "
                                     << int(epilogue) << (layout.transposeC ? " Ct" : "");
      }
    }
  }
}

TEST(Gemm, ProductOverItsOwnInputEqualsASeparateInput) {
  std::mt19937 gen(15);
  // A hidden layer's input gradient written over the output gradient it is
  // computed from (C is A, K = N), with and without the slope, in one panel
  // (n = 8) or many, per run or one run; and C overlapping A some other way
  // (C rows behind A's, so a row block would read rows already written),
  // which gemm() must copy around.
  struct Layout {
    int64_t runs, m, n;
    int64_t shiftRows;
  };
  const Layout layouts[] = {{3, 17, 64, 0}, {2, 9, 8, 0}, {1, 33, 40, 0},
                            {2, 5, 300, 0}, {3, 17, 64, 1}, {1, 12, 20, 3}};
  for (const Layout &layout : layouts) {
    const int64_t m = layout.m, n = layout.n, runs = layout.runs;
    const int64_t size = runs * m * n;
    const std::vector<float> start = normal(size_t(size + layout.shiftRows * n), gen);
    const std::vector<float> w = normal(size_t(runs * n * n), gen);
    const std::vector<float> y = normal(size_t(size), gen);
    static const float zero = 0.0f;
    for (Epilogue epilogue : {Epilogue::None, Epilogue::ReluSlope}) {
      GemmProblem p;
      p.runs = runs, p.m = m, p.k = n, p.n = n;
      p.b = {w.data(), n * n, 1, n}; // W read transposed, as the input gradient does
      p.cRunStride = m * n, p.cRowStride = n;
      p.init = {&zero, 0, 0, 0};
      p.epilogue = epilogue;
      if (epilogue != Epilogue::None)
        p.gate = {y.data(), m * n, n, 1};
      // The reference reads A from a copy.
      std::vector<float> a = start, expected = start;
      p.a = {a.data(), m * n, n, 1};
      p.c = expected.data() + layout.shiftRows * n;
      reference(p);
      for (GemmIsa isa : availableGemmIsas()) {
        std::vector<float> shared = start;
        GemmProblem q = p;
        q.a.base = shared.data();
        q.c = shared.data() + layout.shiftRows * n;
        gemmWith(isa, q);
        EXPECT_EQ(shared, expected) << gemmIsaName(isa) << " runs " << runs << " m " << m
                                    << " n " << n << " shift " << layout.shiftRows
                                    << " epilogue " << int(epilogue);
      }
    }
  }
}

TEST(Gemm, ThisMachineUsesItsWidestVectors) {
  std::vector<GemmIsa> isas = availableGemmIsas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.front(), GemmIsa::Portable);
  EXPECT_EQ(bestGemmIsa(), isas.back());
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) {
    EXPECT_EQ(bestGemmIsa(), GemmIsa::Avx512);
  }
#endif
}

namespace {
/// A sink that writes each block it receives into a [runs * N] x M matrix
/// (column c at c * M) and counts the columns it got.
struct Collected {
  int64_t m;
  std::vector<float> values;
  std::vector<int> times;
  static void finish(const void *context, int64_t c0, int64_t width, const float *block,
                     int64_t blockRow) {
    auto *self = const_cast<Collected *>(static_cast<const Collected *>(context));
    for (int64_t c = c0; c < c0 + width; ++c) {
      ++self->times[size_t(c)];
      for (int64_t i = 0; i < self->m; ++i)
        self->values[size_t(c * self->m + i)] = block[i * blockRow + (c - c0)];
    }
  }
};
} // namespace

TEST(Gemm, SinkReceivesEveryColumnOnceWithTheProductsBits) {
  std::mt19937 gen(13);
  // Panels spanning runs, column blocks past 256 (N = 300, and 64 runs x 10),
  // K past one block, per-run and transposed A, and K = 0.
  const Case cases[] = {
      {3, 17, 9, 10, true, false, false},  {2, 20, 300, 300, true, true, false},
      {64, 9, 7, 10, true, true, false},   {3, 33, 40, 16, false, false, false},
      {2, 784, 128, 40, true, true, false}, {2, 5, 0, 7, true, false, false},
      {40, 30, 50, 16, true, true, false},  {9, 13, 20, 8, true, false, false},
  };
  for (const Case &c : cases) {
    Operands operands(c, gen);
    GemmProblem &p = operands.p;
    std::vector<float> init = normal(size_t(c.runs * c.n), gen);
    p.init = {init.data(), c.n, 0, 1}; // A bias row: the sums start from it.
    std::vector<float> expected(size_t(c.runs * c.m * c.n));
    p.c = expected.data();
    reference(p);
    for (GemmIsa isa : availableGemmIsas()) {
      Collected got{c.m, std::vector<float>(expected.size(), NAN),
                    std::vector<int>(size_t(c.runs * c.n), 0)};
      const BlockSink sink{Collected::finish, &got};
      GemmProblem sunk = p;
      sunk.c = nullptr;
      sunk.sink = &sink;
      gemmWith(isa, sunk);
      EXPECT_EQ(got.times, std::vector<int>(got.times.size(), 1)) << gemmIsaName(isa);
      for (int64_t r = 0; r < c.runs; ++r)
        for (int64_t i = 0; i < c.m; ++i)
          for (int64_t j = 0; j < c.n; ++j)
            ASSERT_EQ(got.values[size_t((r * c.n + j) * c.m + i)],
                      expected[size_t((r * c.m + i) * c.n + j)])
                << gemmIsaName(isa) << " " << describe(c) << " at " << r << "," << i << "," << j;
    }
  }
}
