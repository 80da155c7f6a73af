//===- CudaDriverTest.cpp - the CUDA driver wrapper, without a GPU --------===//
//
// runtime/cuda against a stand-in libcuda (FakeCuda.cpp): the messages when
// the driver is missing, is not a driver or fails, every call's error named,
// memory that round-trips and is freed, modules and launches, and the line
// `sweepc run` prints about the GPUs.
//
//===----------------------------------------------------------------------===//

#include "runtime/cuda/CudaDriver.h"

#include "FakeCudaFixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

using namespace sweep::cuda;

TEST(CudaDriver, MissingLibraryNamesIt) {
  std::string why;
  EXPECT_FALSE(Driver::load("/nonexistent/libcuda.so.1", why));
  EXPECT_NE(why.find("cannot load the CUDA driver (/nonexistent/libcuda.so.1): "),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("No such file or directory"), std::string::npos) << why;
}

TEST(CudaDriver, LibraryWithoutTheDriverNamesTheSymbol) {
  std::string why;
  EXPECT_FALSE(Driver::load("libm.so.6", why));
  EXPECT_EQ(why, "libm.so.6: no symbol cuInit (not a CUDA driver, or one older than CUDA 13?)");
}

TEST_F(CudaFake, InitFailureIsNamedWithTheDriversText) {
  set(100, 0);
  std::string why;
  EXPECT_FALSE(Driver::load(SWEEP_FAKE_CUDA, why));
  EXPECT_EQ(why, "cuInit: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)");
  set(999, 0); // A code the driver has no name for.
  EXPECT_FALSE(Driver::load(SWEEP_FAKE_CUDA, why));
  EXPECT_EQ(why, "cuInit: CUDA error 999");
}

TEST_F(CudaFake, DevicesAreListedAndDescribed) {
  std::unique_ptr<Driver> driver = load();
  ASSERT_TRUE(driver);
  std::vector<DeviceInfo> devices;
  std::string error;
  ASSERT_TRUE(driver->devices(devices, error)) << error;
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices[1].ordinal, 1);
  EXPECT_EQ(devices[1].describe(), "Fake H200 #1 (sm_90, 132 multiprocessors, 140.0 GiB)");
  EXPECT_EQ(devices[1].pciBusId, "0000:11:00.0");
  int version = 0;
  ASSERT_TRUE(driver->version(version, error)) << error;
  EXPECT_EQ(version, 13000);

  // Only the energy meter needs the bus id: a driver that cannot give it
  // keeps the GPU, with an empty id.
  fail("cuDeviceGetPCIBusId", 1);
  ASSERT_TRUE(driver->devices(devices, error)) << error;
  EXPECT_EQ(devices[0].pciBusId, "");
  EXPECT_EQ(devices[1].pciBusId, "0000:11:00.0");

  fail("cuDeviceGetAttribute", 1);
  EXPECT_FALSE(driver->devices(devices, error));
  EXPECT_EQ(error, "cuDeviceGetAttribute: CUDA_ERROR_INVALID_VALUE (invalid argument)");
}

// Regression: a built executable took its sm_90 code to an sm_80 GPU.
TEST(CudaDevice, RunsCodeForItsChipAndOlder) {
  auto gpu = [](int major, int minor) {
    DeviceInfo info;
    info.major = major;
    info.minor = minor;
    return info;
  };
  DeviceInfo hopper = gpu(9, 0), ampere = gpu(8, 0), ada = gpu(8, 9);
  EXPECT_TRUE(hopper.runsCodeFor("sm_90"));
  EXPECT_TRUE(hopper.runsCodeFor("sm_80"));
  EXPECT_TRUE(hopper.runsCodeFor("sm_90a"));
  EXPECT_FALSE(hopper.runsCodeFor("sm_100"));
  EXPECT_FALSE(ampere.runsCodeFor("sm_90"));
  EXPECT_FALSE(ampere.runsCodeFor("sm_86"));
  EXPECT_FALSE(ampere.runsCodeFor("sm_90a"));
  EXPECT_TRUE(ampere.runsCodeFor("sm_75"));
  EXPECT_FALSE(ada.runsCodeFor("sm_86a")) << "an 'a' chip's code runs on that chip alone";
  EXPECT_TRUE(ada.runsCodeFor("sm_86f"));
  EXPECT_FALSE(hopper.runsCodeFor("sm_86f")) << "an 'f' chip's code stays in its family";
  for (const char *bad : {"", "sm_", "compute_90", "sm_9x", "sm_90b"})
    EXPECT_FALSE(hopper.runsCodeFor(bad)) << bad;
}

TEST_F(CudaFake, MemoryRoundTripsAndIsFreed) {
  std::unique_ptr<Driver> driver = load();
  ASSERT_TRUE(driver);
  std::string error;
  {
    std::unique_ptr<Context> context = Context::open(*driver, 0, error);
    ASSERT_TRUE(context) << error;
    EXPECT_EQ(live("contexts"), 1);
    size_t free = 0, total = 0;
    ASSERT_TRUE(context->memory(free, total, error)) << error;
    EXPECT_LT(free, total);

    std::vector<float> values{1.5f, -2.0f, 3.25f, 0.0f};
    std::unique_ptr<DeviceBuffer> buffer =
        DeviceBuffer::allocate(*context, values.size() * sizeof(float), error);
    ASSERT_TRUE(buffer) << error;
    ASSERT_TRUE(buffer->copyFrom(values.data(), values.size() * sizeof(float), error)) << error;
    std::vector<float> back(values.size(), -1.0f);
    ASSERT_TRUE(buffer->copyTo(back.data(), back.size() * sizeof(float), error)) << error;
    EXPECT_EQ(back, values);
    EXPECT_FALSE(buffer->copyTo(back.data(), 17, error));
    EXPECT_EQ(error, "cuMemcpyDtoH: 17 bytes do not fit a buffer of 16");

    fail("cuMemAlloc_v2", 2);
    EXPECT_FALSE(DeviceBuffer::allocate(*context, 1 << 20, error));
    EXPECT_EQ(error, "cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY (out of memory) allocating 1048576 "
                     "bytes");
    fail("cuMemcpyHtoD_v2", 1);
    EXPECT_FALSE(buffer->copyFrom(values.data(), 4, error));
    EXPECT_EQ(error, "cuMemcpyHtoD: CUDA_ERROR_INVALID_VALUE (invalid argument)");
    EXPECT_EQ(live("allocations"), 1);
    ASSERT_TRUE(context->synchronize(error)) << error;
  }
  EXPECT_EQ(live("allocations"), 0);
  EXPECT_EQ(live("contexts"), 0);
}

// The driver is thread-safe: programs on several streams call it from as
// many threads (sweepc run --streams=N). So is the stand-in. Regression: it
// kept its copies in flight in an unlocked queue, and threads that copied
// and waited on their own streams at once corrupted it.
TEST_F(CudaFake, ThreadsOnTheirOwnStreamsCopyAndWaitAtOnce) {
  std::unique_ptr<Driver> driver = load();
  ASSERT_TRUE(driver);
  std::string error;
  std::unique_ptr<Context> context = Context::open(*driver, 0, error);
  ASSERT_TRUE(context) << error;
  const DriverApi &api = driver->api();
  CUcontext handle = nullptr;
  ASSERT_EQ(api.primaryCtxRetain(&handle, 0), 0);
  constexpr int kThreads = 4, kRounds = 100000, kFloats = 64, kCopies = 4;
  std::vector<int> wrong(kThreads, 0), failed(kThreads, 0);
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto check = [&](CUresult result) { failed[size_t(t)] += result != 0; };
      check(api.ctxSetCurrent(handle));
      CUstream stream = nullptr;
      CUevent event = nullptr;
      CUdeviceptr device = 0;
      void *staging = nullptr;
      check(api.streamCreate(&stream, 1));
      check(api.eventCreate(&event, 0));
      check(api.memAlloc(&device, kFloats * sizeof(float)));
      check(api.memHostAlloc(&staging, kFloats * sizeof(float), 0));
      std::vector<float> back(kFloats);
      // All at once: each thread's copies land while the others queue theirs.
      ++ready;
      while (ready < kThreads)
        std::this_thread::yield();
      for (int round = 0; round < kRounds && !failed[size_t(t)]; ++round) {
        float value = float(t * kRounds + round);
        std::fill_n(static_cast<float *>(staging), kFloats, value);
        for (int copy = 0; copy < kCopies; ++copy)
          check(api.memcpyHtoDAsync(device, staging, kFloats * sizeof(float), stream));
        check(api.eventRecord(event, stream));
        check(api.eventSynchronize(event));
        check(api.memcpyDtoH(back.data(), device, kFloats * sizeof(float)));
        wrong[size_t(t)] += back[0] != value || back[kFloats - 1] != value;
      }
      check(api.memFreeHost(staging));
      check(api.memFree(device));
      check(api.eventDestroy(event));
      check(api.streamDestroy(stream));
    });
  for (std::thread &thread : threads)
    thread.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failed[size_t(t)], 0) << "thread " << t;
    EXPECT_EQ(wrong[size_t(t)], 0) << "thread " << t;
  }
  EXPECT_EQ(api.primaryCtxRelease(0), 0);
  EXPECT_EQ(live("in flight"), 0);
  EXPECT_EQ(live("streams"), 0);
  EXPECT_EQ(live("events"), 0);
}

TEST_F(CudaFake, ContextOfAMissingDeviceIsAnError) {
  std::unique_ptr<Driver> driver = load();
  ASSERT_TRUE(driver);
  std::string error;
  EXPECT_FALSE(Context::open(*driver, 5, error));
  EXPECT_EQ(error, "cuDeviceGet: CUDA_ERROR_INVALID_VALUE (invalid argument)");
  fail("cuCtxSetCurrent", 1);
  EXPECT_FALSE(Context::open(*driver, 0, error));
  EXPECT_EQ(live("contexts"), 0); // Retained, then released on the failure.
}

TEST_F(CudaFake, ModulesFindTheirKernelsAndLaunch) {
  std::unique_ptr<Driver> driver = load();
  ASSERT_TRUE(driver);
  std::string error;
  std::unique_ptr<Context> context = Context::open(*driver, 0, error);
  ASSERT_TRUE(context) << error;
  {
    std::unique_ptr<Module> module =
        Module::load(*context, ".version 8.0\n.target sm_90\n.visible .entry sweep_k(", error);
    ASSERT_TRUE(module) << error;
    CUfunction kernel = nullptr;
    ASSERT_TRUE(module->function("sweep_k", kernel, error)) << error;
    EXPECT_FALSE(module->function("sweep_missing", kernel, error));
    EXPECT_EQ(error, "cuModuleGetFunction: CUDA_ERROR_NOT_FOUND (named symbol not found) for "
                     "kernel 'sweep_missing'");

    ASSERT_TRUE(module->function("sweep_k", kernel, error)) << error;
    CUdeviceptr argument = 0x1234;
    std::vector<void *> parameters{&argument};
    const unsigned grid[3] = {40, 1, 1}, block[3] = {256, 1, 1};
    ASSERT_TRUE(module->launch(kernel, grid, block, 0, parameters, error)) << error;
    unsigned gridX = 0, blockX = 0;
    CUdeviceptr first = 0;
    EXPECT_EQ(launches(&gridX, &blockX, &first), 1);
    EXPECT_EQ(gridX, 40u);
    EXPECT_EQ(blockX, 256u);
    EXPECT_EQ(first, 0x1234u);
    fail("cuLaunchKernel", 1);
    EXPECT_FALSE(module->launch(kernel, grid, block, 0, parameters, error));
    EXPECT_EQ(error, "cuLaunchKernel: CUDA_ERROR_INVALID_VALUE (invalid argument)");
    EXPECT_EQ(live("modules"), 1);
  }
  EXPECT_EQ(live("modules"), 0);
  fail("cuModuleLoadData", 218);
  EXPECT_FALSE(Module::load(*context, "not ptx", error));
  EXPECT_EQ(error, "cuModuleLoadData: CUDA_ERROR_INVALID_PTX (a PTX JIT compilation failed)");
}

TEST_F(CudaFake, ProbeSaysWhatItFound) {
  bool found = false;
  EXPECT_EQ(probeGpus(SWEEP_FAKE_CUDA, found),
            "CUDA driver 13.0, GPU 0: Fake H200 #0 (sm_90, 132 multiprocessors, 140.0 GiB), "
            "GPU 1: Fake H200 #1 (sm_90, 132 multiprocessors, 140.0 GiB)");
  EXPECT_TRUE(found);
  set(0, 0);
  EXPECT_EQ(probeGpus(SWEEP_FAKE_CUDA, found), "no GPU: the CUDA driver sees none");
  EXPECT_FALSE(found);
  set(100, 0);
  EXPECT_EQ(probeGpus(SWEEP_FAKE_CUDA, found),
            "no GPU: cuInit: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)");
  EXPECT_FALSE(found);
  std::string line = probeGpus("/nonexistent/libcuda.so.1", found);
  EXPECT_EQ(line.rfind("no GPU: cannot load the CUDA driver (/nonexistent/libcuda.so.1): ", 0), 0u)
      << line;
  EXPECT_FALSE(found);
}
