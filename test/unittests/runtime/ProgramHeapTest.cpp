//===- ProgramHeapTest.cpp - what programs hold, counted ------------------===//

#include "runtime/kernels/ProgramHeap.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <new>
#include <thread>
#include <vector>

using namespace sweep;

TEST(ProgramHeap, CountsWhatIsHeldAndItsHighWaterMark) {
  uint64_t before = programHeap::bytesInUse();
  programHeap::resetPeak();
  void *a = programHeap::allocate(1000, 64);
  void *b = _mlir_memref_to_llvm_aligned_alloc(128, 3000);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 64, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % 128, 0u);
  uint64_t both = programHeap::bytesInUse() - before;
  EXPECT_GE(both, 4000u);
  EXPECT_LT(both, 4000u + 512u); // Rounding, not a gross over-count.
  programHeap::release(a);
  _mlir_memref_to_llvm_free(b);
  EXPECT_EQ(programHeap::bytesInUse(), before);
  EXPECT_EQ(programHeap::peakBytes(), before + both);

  // A new mark starts from what is held now.
  programHeap::resetPeak();
  EXPECT_EQ(programHeap::peakBytes(), before);
  void *c = _mlir_memref_to_llvm_alloc(100);
  EXPECT_GE(programHeap::peakBytes(), before + 100);
  EXPECT_LT(programHeap::peakBytes(), before + both);
  _mlir_memref_to_llvm_free(c);
  _mlir_memref_to_llvm_free(nullptr);
  EXPECT_EQ(programHeap::bytesInUse(), before);
}

TEST(ProgramHeap, CountsAcrossThreads) {
  uint64_t before = programHeap::bytesInUse();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([] {
      for (int i = 0; i < 10000; ++i)
        programHeap::release(programHeap::allocate(size_t(64 + i % 4096), 64));
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(programHeap::bytesInUse(), before);
}

// Regression: a block the system could not give came back null, and the
// kernels wrote through it (SIGSEGV under `ulimit -v`). The new-handler is
// called instead, as by operator new: sweepc's reports the memory that ran out.
TEST(ProgramHeap, AFailedAllocationCallsTheNewHandler) {
  static int calls = 0;
  std::new_handler previous = std::set_new_handler([] {
    ++calls;
    throw std::bad_alloc();
  });
  EXPECT_THROW(programHeap::allocate(size_t(1) << 62, 64), std::bad_alloc);
  std::set_new_handler(previous);
  EXPECT_EQ(calls, 1);
}
