//===- FakeCudaFixture.h - tests over the stand-in libcuda ------*- C++ -*-===//
//
// Opens FakeCuda.cpp's library to set its state; the code under test dlopens
// the same path and so gets the same library and the same state.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TEST_UNITTESTS_RUNTIME_FAKECUDAFIXTURE_H
#define SWEEP_TEST_UNITTESTS_RUNTIME_FAKECUDAFIXTURE_H

#include "runtime/cuda/CudaDriver.h"
#include "runtime/cuda/GpuRuntime.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include <dlfcn.h>

namespace sweep::cuda {

/// The fake driver, opened by the test to set its state; the wrapper's own
/// dlopen of the same path gets the same library and so the same state.
class CudaFake : public ::testing::Test {
protected:
  void SetUp() override {
    handle = ::dlopen(SWEEP_FAKE_CUDA, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle, nullptr) << ::dlerror();
    set = reinterpret_cast<void (*)(int, int)>(::dlsym(handle, "fake_cuda_set"));
    fail = reinterpret_cast<void (*)(const char *, int)>(::dlsym(handle, "fake_cuda_fail"));
    live = reinterpret_cast<int (*)(const char *)>(::dlsym(handle, "fake_cuda_live"));
    launches = reinterpret_cast<int (*)(unsigned *, unsigned *, CUdeviceptr *)>(
        ::dlsym(handle, "fake_cuda_launches"));
    ASSERT_TRUE(set && fail && live && launches);
    set(0, 2);
  }
  void TearDown() override {
    if (handle)
      ::dlclose(handle);
  }

  /// The GPU runtime on the fake driver with its launch profile on
  /// ($SWEEPC_GPU_PROFILE set while it opens); the test closes it.
  GpuRuntime *openProfiled() {
    ::setenv("SWEEPC_GPU_PROFILE", "1", 1);
    std::string why;
    GpuRuntime *runtime = GpuRuntime::open(SWEEP_FAKE_CUDA, 0, why);
    ::unsetenv("SWEEPC_GPU_PROFILE");
    EXPECT_NE(runtime, nullptr) << why;
    return runtime;
  }

  std::unique_ptr<Driver> load() {
    std::string why;
    std::unique_ptr<Driver> driver = Driver::load(SWEEP_FAKE_CUDA, why);
    EXPECT_TRUE(driver) << why;
    return driver;
  }

  void *handle = nullptr;
  void (*set)(int initResult, int devices) = nullptr;
  void (*fail)(const char *call, int code) = nullptr;
  int (*live)(const char *what) = nullptr;
  int (*launches)(unsigned *gridX, unsigned *blockX, CUdeviceptr *first) = nullptr;
};

/// The GPU runtime opened on the fake driver. When it has closed, nothing it
/// made may be left: contexts, allocations, modules, page-locked blocks,
/// events, copies in flight; and no copy ahead may have come from pageable
/// memory.
class GpuRuntimeFake : public CudaFake {
protected:
  void SetUp() override {
    CudaFake::SetUp();
    std::string why;
    runtime = GpuRuntime::open(SWEEP_FAKE_CUDA, 0, why);
    ASSERT_NE(runtime, nullptr) << why;
  }
  void TearDown() override {
    GpuRuntime::close();
    for (const char *what : {"contexts", "allocations", "modules", "pinned", "events", "in flight",
                             "pageable copies"})
      EXPECT_EQ(live(what), 0) << what;
    CudaFake::TearDown();
  }
  GpuRuntime *runtime = nullptr;
};

} // namespace sweep::cuda

#endif // SWEEP_TEST_UNITTESTS_RUNTIME_FAKECUDAFIXTURE_H
