//===- GpuRuntimeTest.cpp - the mgpu* functions, without a GPU ------------===//
//
// runtime/cuda/GpuRuntime against the stand-in libcuda (FakeCuda.cpp): what
// the GPU pipeline's host code calls allocates through a cache, copies,
// loads modules and launches, keeps the first error for the caller to read,
// and leaves nothing allocated or retained when closed.
//
//===----------------------------------------------------------------------===//

#include "runtime/cuda/GpuRuntime.h"

#include "FakeCudaFixture.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

using namespace sweep::cuda;

TEST(GpuRuntime, WithoutAnOpenRuntimeNothingHappens) {
  GpuRuntime::close();
  EXPECT_EQ(GpuRuntime::current(), nullptr);
  EXPECT_EQ(mgpuMemAlloc(64, nullptr, false), nullptr);
  std::string why;
  EXPECT_EQ(GpuRuntime::open("/nonexistent/libcuda.so.1", 0, why), nullptr);
  EXPECT_NE(why.find("cannot load the CUDA driver (/nonexistent/libcuda.so.1)"), std::string::npos)
      << why;
  EXPECT_EQ(GpuRuntime::current(), nullptr);
}

TEST_F(GpuRuntimeFake, FreedBlocksAreReusedBySize) {
  void *a = mgpuMemAlloc(1024, nullptr, false);
  ASSERT_NE(a, nullptr) << runtime->takeError();
  mgpuMemFree(a, nullptr);
  EXPECT_EQ(runtime->cachedBytes(), 1024u);
  void *b = mgpuMemAlloc(1024, nullptr, false);
  EXPECT_EQ(b, a); // The cached block, not a new cuMemAlloc.
  void *c = mgpuMemAlloc(2048, nullptr, false);
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c, a);
  EXPECT_EQ(live("allocations"), 2);
  EXPECT_EQ(runtime->deviceBytes(), 3072u);
  EXPECT_EQ(runtime->cachedBytes(), 0u);
  mgpuMemFree(b, nullptr);
  mgpuMemFree(c, nullptr);
  EXPECT_EQ(runtime->cachedBytes(), 3072u);
  EXPECT_EQ(runtime->takeError(), "");
}

// Regression: cached blocks were held until the runtime closed, so a sweep
// whose programs change size (compaction to a run count seen once, groups of
// other shapes) filled the GPU with blocks no one would reuse, and the next
// allocation of another size ran out of memory. Now the cache is given back
// to the driver when an allocation fails, and the allocation tried again.
TEST_F(GpuRuntimeFake, ACacheInTheWayOfAnAllocationIsGivenBack) {
  ::setenv("SWEEP_FAKE_CUDA_FREE_MIB", "1", 1); // The stand-in has 1 MiB to allocate.
  void *a = mgpuMemAlloc(600 << 10, nullptr, false);
  void *b = mgpuMemAlloc(200 << 10, nullptr, false);
  ASSERT_NE(a, nullptr) << runtime->takeError();
  ASSERT_NE(b, nullptr) << runtime->takeError();
  mgpuMemFree(a, nullptr);
  EXPECT_EQ(runtime->cachedBytes(), size_t(600) << 10);
  void *c = mgpuMemAlloc(700 << 10, nullptr, false); // 600 KiB cached, 200 KiB live.
  EXPECT_NE(c, nullptr);
  EXPECT_EQ(runtime->takeError(), "");
  EXPECT_EQ(runtime->cachedBytes(), 0u);
  EXPECT_EQ(runtime->deviceBytes(), size_t(900) << 10);
  // What does not fit even then is an error, as before.
  EXPECT_EQ(mgpuMemAlloc(200 << 10, nullptr, false), nullptr);
  EXPECT_EQ(runtime->takeError(),
            "cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY (out of memory) allocating 204800 bytes");
  mgpuMemFree(b, nullptr);
  mgpuMemFree(c, nullptr);
  ::unsetenv("SWEEP_FAKE_CUDA_FREE_MIB");
}

// Regression (review): a block the host code freed on its stream went back
// to the cache at once, while kernels queued on that stream could still read
// it; another program's thread (--streams) or a copy stream could take it.
TEST_F(GpuRuntimeFake, ABlockFreedOnAStreamIsReusedOnlyOnceTheStreamIsDrained) {
  SweepCuStream stream = mgpuStreamCreate();
  void *a = mgpuMemAlloc(512, stream, false);
  ASSERT_NE(a, nullptr);
  mgpuMemFree(a, stream);
  EXPECT_EQ(runtime->cachedBytes(), 0u);
  EXPECT_EQ(runtime->deviceBytes(), 512u);
  void *b = mgpuMemAlloc(512, nullptr, false);
  EXPECT_NE(b, a); // Not while the stream's work may use it,
  void *again = mgpuMemAlloc(512, stream, false);
  EXPECT_EQ(again, a); // except by later work on the same stream.
  mgpuMemFree(again, stream);
  mgpuStreamSynchronize(stream);
  EXPECT_EQ(runtime->cachedBytes(), 512u);
  void *c = mgpuMemAlloc(512, nullptr, false);
  EXPECT_EQ(c, a);
  mgpuMemFree(c, stream);
  mgpuStreamDestroy(stream); // Drains it: its freed blocks are reusable.
  EXPECT_EQ(runtime->cachedBytes(), 512u);
  mgpuMemFree(b, nullptr);
  EXPECT_EQ(runtime->cachedBytes(), 1024u);
  EXPECT_EQ(runtime->takeError(), "");
}

// Review: a stream destroyed without draining (its synchronization failed)
// keeps its freed blocks out of use for good, since its handle may come back
// as the next stream's; the failure is kept. Blocks freed on the shared
// handles (the legacy and per-thread default streams) are the host's, at once.
TEST_F(GpuRuntimeFake, BlocksOfAStreamThatDidNotDrainAreNeverReused) {
  SweepCuStream stream = mgpuStreamCreate();
  void *a = mgpuMemAlloc(256, stream, false);
  mgpuMemFree(a, stream);
  fail("cuStreamSynchronize", 1);
  mgpuStreamDestroy(stream);
  EXPECT_EQ(runtime->takeError(),
            "cuStreamSynchronize: CUDA_ERROR_INVALID_VALUE (invalid argument)");
  SweepCuStream next = mgpuStreamCreate();
  void *b = mgpuMemAlloc(256, next, false);
  EXPECT_NE(b, a);
  EXPECT_EQ(runtime->deviceBytes(), 512u); // The abandoned block is still held.
  mgpuMemFree(b, next);
  mgpuStreamDestroy(next);
  void *c = mgpuMemAlloc(64, nullptr, false);
  mgpuMemFree(c, perThreadStream());
  EXPECT_EQ(runtime->cachedBytes(), 256u + 64u);
  EXPECT_EQ(runtime->takeError(), "");
}

TEST_F(GpuRuntimeFake, CopiesLoadsAndLaunches) {
  float values[4] = {1.0f, 2.0f, 3.0f, 4.0f};
  void *a = mgpuMemAlloc(sizeof values, nullptr, false);
  void *b = mgpuMemAlloc(sizeof values, nullptr, false);
  ASSERT_TRUE(a && b);
  std::memcpy(a, values, sizeof values); // The fake's device memory is host memory.
  SweepCuStream stream = mgpuStreamCreate();
  mgpuMemcpy(b, a, sizeof values, stream);
  mgpuStreamSynchronize(stream);
  EXPECT_EQ(std::memcmp(b, values, sizeof values), 0);

  const char ptx[] = ".version 8.0\n.target sm_90\n.visible .entry train_step_kernel(";
  SweepCuModule module = mgpuModuleLoad(const_cast<char *>(ptx), sizeof ptx);
  ASSERT_NE(module, nullptr);
  SweepCuFunction kernel = mgpuModuleGetFunction(module, "train_step_kernel");
  ASSERT_NE(kernel, nullptr);
  CUdeviceptr argument = 77;
  void *params[] = {&argument};
  mgpuLaunchKernel(kernel, 12, 1, 1, 128, 1, 1, 0, stream, params, nullptr, 1);
  unsigned grid = 0, block = 0;
  CUdeviceptr first = 0;
  EXPECT_EQ(launches(&grid, &block, &first), 1);
  EXPECT_EQ(grid, 12u);
  EXPECT_EQ(block, 128u);
  EXPECT_EQ(first, 77u);
  mgpuModuleUnload(module);
  // The host code loads the module again before its next launch: the same
  // one, not a second compilation of the PTX, also from another address.
  EXPECT_EQ(mgpuModuleLoadJIT(const_cast<char *>(ptx), 3), module);
  std::string copy = ptx;
  EXPECT_EQ(mgpuModuleLoadJIT(copy.data(), 3), module);
  mgpuModuleUnload(module);
  EXPECT_EQ(live("modules"), 1);
  EXPECT_EQ(runtime->modulesLoaded(), 1u);
  mgpuStreamDestroy(stream);
  mgpuMemFree(a, nullptr);
  mgpuMemFree(b, nullptr);
  EXPECT_EQ(runtime->takeError(), "");
}

// A buffer whose allocation was skipped (another program's error was kept
// then, and taken since) is never copied to or set. Regression: with
// --streams=3 the stand-in driver copied to address 0 and crashed.
TEST_F(GpuRuntimeFake, BuffersNeverAllocatedAreNotCopiedTo) {
  char host[16] = {};
  mgpuMemcpy(nullptr, host, sizeof host, nullptr);
  EXPECT_EQ(runtime->takeError(),
            "a copy of 16 bytes to or from a buffer never allocated (after an earlier failure)");
  mgpuMemset32(nullptr, 0, 4, nullptr);
  EXPECT_EQ(runtime->takeError(),
            "setting 16 bytes of a buffer never allocated (after an earlier failure)");
}

TEST_F(GpuRuntimeFake, TheFirstErrorIsKeptAndStopsTheCallsAfterIt) {
  fail("cuMemAlloc_v2", 2);
  EXPECT_EQ(mgpuMemAlloc(4096, nullptr, false), nullptr);
  SweepCuStream stream = mgpuStreamCreate(); // Nothing runs after a failure,
  EXPECT_EQ(stream, nullptr);
  mgpuLaunchKernel(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr, 0);
  unsigned grid = 0, block = 0;
  CUdeviceptr first = 0;
  EXPECT_EQ(launches(&grid, &block, &first), 0);
  EXPECT_EQ(runtime->takeError(),
            "cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY (out of memory) allocating 4096 bytes");
  EXPECT_EQ(runtime->takeError(), ""); // and reading the error clears it.

  SweepCuModule module = mgpuModuleLoad(const_cast<char *>(".entry k("), 9);
  EXPECT_EQ(mgpuModuleGetFunction(module, "missing"), nullptr);
  EXPECT_EQ(runtime->takeError(), "cuModuleGetFunction: CUDA_ERROR_NOT_FOUND (named symbol not "
                                  "found) for kernel 'missing'");
  mgpuModuleUnload(module);

  fail("cuLaunchKernel", 1);
  mgpuLaunchKernel(nullptr, 3, 2, 1, 64, 1, 1, 0, nullptr, nullptr, nullptr, 0);
  EXPECT_EQ(
      runtime->takeError(),
      "cuLaunchKernel: CUDA_ERROR_INVALID_VALUE (invalid argument) (grid 3x2x1, block 64x1x1)");

  int notDevice = 0;
  mgpuMemFree(&notDevice, nullptr);
  EXPECT_NE(runtime->takeError().find("is not device memory this runtime allocated"),
            std::string::npos);
  EXPECT_EQ(mgpuMemAlloc(16, nullptr, true), nullptr);
  EXPECT_EQ(runtime->takeError(), "mgpuMemAlloc: host-shared (managed) memory is not supported");
}

// Zeros are set on the device (a program's biases and optimizer state at
// init), not copied over from a host buffer of their size.
TEST_F(GpuRuntimeFake, MemorySetOnTheDevice) {
  uint32_t words[4] = {1, 2, 3, 4};
  void *device = mgpuMemAlloc(sizeof words, nullptr, false);
  ASSERT_NE(device, nullptr);
  std::memcpy(device, words, sizeof words); // The fake's device memory is host memory.
  mgpuMemset32(device, 0, 3, nullptr);
  EXPECT_EQ(runtime->takeError(), "");
  std::memcpy(words, device, sizeof words);
  EXPECT_EQ(words[0], 0u);
  EXPECT_EQ(words[2], 0u);
  EXPECT_EQ(words[3], 4u); // Three words, not three bytes or four words.
  EXPECT_EQ(live("memsets"), 1);
  fail("cuMemsetD32Async", 1);
  mgpuMemset32(device, 0, 4, nullptr);
  EXPECT_EQ(runtime->takeError(),
            "cuMemsetD32Async: CUDA_ERROR_INVALID_VALUE (invalid argument) setting 16 bytes");
  mgpuMemFree(device, nullptr);
}

// A launch the hardware refuses fails as it would on a GPU: the stand-in
// driver enforces the limits of every CUDA device since compute capability
// 3.0 (grid y and z up to 65535, 1024 threads a block, block z up to 64),
// and a grid side past what cuLaunchKernel can take is an error here, not
// a silently truncated launch.
TEST_F(GpuRuntimeFake, LaunchesPastTheHardwareLimitsAreErrors) {
  SweepCuModule module = mgpuModuleLoad(const_cast<char *>(".entry k("), 9);
  SweepCuFunction kernel = mgpuModuleGetFunction(module, "k");
  ASSERT_NE(kernel, nullptr);
  CUdeviceptr argument = 1;
  void *params[] = {&argument};
  unsigned grid = 0, block = 0;
  CUdeviceptr first = 0;
  mgpuLaunchKernel(kernel, 2147483647, 65535, 65535, 1024, 1, 1, 0, nullptr, params, nullptr, 1);
  EXPECT_EQ(runtime->takeError(), "");
  EXPECT_EQ(launches(&grid, &block, &first), 1);

  mgpuLaunchKernel(kernel, 1, 65536, 1, 32, 1, 1, 0, nullptr, params, nullptr, 1);
  EXPECT_EQ(runtime->takeError(),
            "cuLaunchKernel: CUDA_ERROR_INVALID_VALUE (invalid argument) (grid 1x65536x1, "
            "block 32x1x1)");
  mgpuLaunchKernel(kernel, 1, 1, 1, 32, 32, 2, 0, nullptr, params, nullptr, 1);
  EXPECT_EQ(runtime->takeError(),
            "cuLaunchKernel: CUDA_ERROR_INVALID_VALUE (invalid argument) (grid 1x1x1, "
            "block 32x32x2)");
  mgpuLaunchKernel(kernel, 1, 1, 1, 1, 1, 65, 0, nullptr, params, nullptr, 1);
  EXPECT_NE(runtime->takeError(), "");
  EXPECT_EQ(launches(&grid, &block, &first), 1); // None of the three reached the driver's count.

  mgpuLaunchKernel(kernel, intptr_t(1) << 32, 1, 1, 256, 1, 1, 0, nullptr, params, nullptr, 1);
  EXPECT_EQ(runtime->takeError(),
            "cuLaunchKernel: grid 4294967296x1x1, block 256x1x1 is past what one launch can "
            "take (a side of 4294967295)");
  EXPECT_EQ(launches(&grid, &block, &first), 1);
  mgpuModuleUnload(module);
}

// Regression (a group's kernels in one module): the host code looked its
// module up by the image at every launch, copying and comparing megabytes.
// Through a slot, the image is read at the first launch only, and again
// only on another runtime, whose modules are its own.
TEST_F(GpuRuntimeFake, AModuleSlotReadsItsImageOncePerRuntime) {
  char image[] = ".visible .entry a(\n.visible .entry b(\n";
  SweepGpuModuleSlot slot{0, nullptr};
  SweepCuModule first = sweepGpuModuleOnce(&slot, image, 0);
  ASSERT_NE(first, nullptr) << runtime->takeError();
  EXPECT_EQ(slot.module, first);
  EXPECT_EQ(slot.runtime, runtime->openNumber());
  for (int launch = 0; launch < 5; ++launch)
    EXPECT_EQ(sweepGpuModuleOnce(&slot, image, 0), first);
  EXPECT_EQ(runtime->moduleLookups(), 1u);
  EXPECT_EQ(live("modules"), 1);
  EXPECT_NE(mgpuModuleGetFunction(first, "b"), nullptr);

  // Another slot (another program's code) with the same image: looked up
  // once, and the same module.
  SweepGpuModuleSlot other{0, nullptr};
  EXPECT_EQ(sweepGpuModuleOnce(&other, image, sizeof image), first);
  EXPECT_EQ(runtime->moduleLookups(), 2u);
  EXPECT_EQ(live("modules"), 1);

  // A new runtime: the slot's module was unloaded with the old one.
  std::string why;
  runtime = GpuRuntime::open(SWEEP_FAKE_CUDA, 0, why);
  ASSERT_NE(runtime, nullptr) << why;
  EXPECT_NE(slot.runtime, runtime->openNumber());
  ASSERT_NE(sweepGpuModuleOnce(&slot, image, 0), nullptr);
  EXPECT_EQ(runtime->moduleLookups(), 1u);
  EXPECT_EQ(slot.runtime, runtime->openNumber());
  EXPECT_EQ(live("modules"), 1);

  // An image the driver rejects: no module, the error kept, the slot unset.
  SweepGpuModuleSlot rejected{0, nullptr};
  fail("cuModuleLoadData", 218);
  char bad[] = ".visible .entry c(\n";
  EXPECT_EQ(sweepGpuModuleOnce(&rejected, bad, 0), nullptr);
  EXPECT_EQ(rejected.runtime, 0u);
  EXPECT_EQ(runtime->takeError(),
            "cuModuleLoadData: CUDA_ERROR_INVALID_PTX (a PTX JIT compilation failed)");
}

// A CUDA context is current per thread; the trainer and the compiler call in
// from threads other than the one that opened the runtime. (The stand-in
// driver refuses, as the real one, calls on a thread without a context.)
TEST_F(GpuRuntimeFake, OtherThreadsMakeTheContextCurrentFirst) {
  void *block = nullptr;
  std::string error = "not run";
  std::thread worker([&] {
    block = mgpuMemAlloc(256, nullptr, false);
    error = runtime->takeError();
  });
  worker.join();
  EXPECT_NE(block, nullptr);
  EXPECT_EQ(error, "");
  std::thread again([&] {
    mgpuMemFree(block, nullptr);
    error = runtime->takeError();
  });
  again.join();
  EXPECT_EQ(error, "");
}

// A failure is kept for the thread that met it (the program training there);
// the other threads' calls go on. Regression: it was kept for the process,
// so while one program's error waited to be read, another program's
// allocations were skipped (null) and, once the first had taken the error,
// its kernels were launched on them.
TEST_F(GpuRuntimeFake, AFailureIsKeptForItsThreadAlone) {
  std::string failedThere = "not run";
  std::thread failing([&] {
    fail("cuMemAlloc_v2", 2);
    EXPECT_EQ(mgpuMemAlloc(4096, nullptr, false), nullptr);
    EXPECT_EQ(mgpuMemAlloc(64, nullptr, false), nullptr); // Skipped after the failure.
    failedThere = runtime->takeError();
  });
  failing.join();
  EXPECT_EQ(failedThere,
            "cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY (out of memory) allocating 4096 bytes");

  // Kept but not yet taken on one thread: another allocates, copies and
  // launches as if nothing happened, and sees no error.
  std::string keptThere;
  bool kept = false, taken = false;
  std::mutex mutex;
  std::condition_variable changed;
  std::thread waiting([&] {
    fail("cuMemAlloc_v2", 2);
    mgpuMemAlloc(4096, nullptr, false);
    std::unique_lock<std::mutex> lock(mutex);
    kept = true;
    changed.notify_all();
    changed.wait(lock, [&] { return taken; });
    keptThere = runtime->takeError();
  });
  {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return kept; });
  }
  void *block = mgpuMemAlloc(64, nullptr, false);
  EXPECT_NE(block, nullptr);
  float values[16] = {};
  mgpuMemcpy(block, values, sizeof values, nullptr);
  EXPECT_FALSE(runtime->failed());
  EXPECT_EQ(runtime->takeError(), "");
  mgpuMemFree(block, nullptr);
  {
    std::lock_guard<std::mutex> lock(mutex);
    taken = true;
    changed.notify_all();
  }
  waiting.join();
  EXPECT_EQ(keptThere,
            "cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY (out of memory) allocating 4096 bytes");
}

// SWEEPC_GPU_PROFILE: every launch and copy waited for and added to its
// kernel's name or its kind, the table printed when the runtime closes.
TEST_F(CudaFake, TheLaunchProfileNamesKernelsAndCopies) {
  GpuRuntime *runtime = openProfiled();
  ASSERT_NE(runtime, nullptr);
  ASSERT_NE(runtime->profile(), nullptr);
  const char ptx[] = ".visible .entry scale_kernel(\n";
  SweepCuModule module = mgpuModuleLoadJIT(const_cast<char *>(ptx), 0);
  SweepCuFunction function = mgpuModuleGetFunction(module, "scale_kernel");
  float values[4] = {1, 2, 3, 4};
  void *device = mgpuMemAlloc(sizeof values, nullptr, false);
  mgpuMemcpy(device, values, sizeof values, nullptr);
  void *parameters[] = {&device};
  mgpuLaunchKernel(function, 1, 1, 1, 4, 1, 1, 0, nullptr, parameters, nullptr, 1);
  mgpuLaunchKernel(function, 1, 1, 1, 4, 1, 1, 0, nullptr, parameters, nullptr, 1);
  mgpuMemFree(device, nullptr);
  EXPECT_EQ(runtime->takeError(), "");
  std::string report = runtime->profile()->report();
  EXPECT_NE(report.find("         2 "), std::string::npos) << report;
  EXPECT_NE(report.find("kernel scale_kernel"), std::string::npos) << report;
  EXPECT_NE(report.find("copy of a program's inputs or outputs"), std::string::npos) << report;
  GpuRuntime::close();
}

// The devices are listed without a context, and a rank opens only its own
// GPU. Regressions: rank 1 took a context on GPU 0 first (under
// exclusive-process mode it failed with CUDA error 46 though GPU 1 was
// free); a driver with no device said "cannot use GPU 0: cuDeviceGet: ...".
TEST_F(CudaFake, ARankOpensOnlyItsOwnGpu) {
  ::setenv("SWEEPC_CUDA_DRIVER", SWEEP_FAKE_CUDA, 1);
  set(0, 2);
  DeviceInfo info;
  std::string why;
  GpuRuntime *runtime = GpuRuntime::openDeviceForRank(1, info, why);
  ASSERT_NE(runtime, nullptr) << why;
  EXPECT_EQ(info.ordinal, 1);
  EXPECT_EQ(live("contexts retained on GPU 0"), 0);
  GpuRuntime::close();
  set(0, 0);
  EXPECT_EQ(GpuRuntime::openDeviceForRank(0, info, why), nullptr);
  EXPECT_EQ(why, "no GPU: the CUDA driver sees no device");
  ::unsetenv("SWEEPC_CUDA_DRIVER");
}
