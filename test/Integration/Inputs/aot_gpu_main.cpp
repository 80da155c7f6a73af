// Links with an object from `sweepc -emit=gpu-obj` (object.sweep's group: 1 run
// of a 2-2 dense layer on spirals) and runtime/cuda alone, without any LLVM or
// MLIR, opens the GPU runtime on the driver named by argv[1] (libcuda.so.1 where
// there is a GPU), puts object.sweep's batch and zero weights in device memory
// and calls @evaluate. On a GPU it prints what aot_main.cpp prints on the CPU:
// logits 0, so the cross-entropy is log(2) and the first class wins the argmax.
// With the stand-in driver (test/unittests/runtime/FakeCuda.cpp) the kernels do
// not run, so only the runtime's verdict is meaningful there.
#include "runtime/cuda/GpuRuntime.h"

#include <cstdint>
#include <cstdio>

template <int Rank, typename T> struct Descriptor {
  T *allocated, *aligned;
  int64_t offset, sizes[Rank], strides[Rank];
};

// GPU code returns each run's loss and squared error summed over the batch.
extern "C" void _mlir_ciface_evaluate(Descriptor<2, float> *x, Descriptor<1, int32_t> *y,
                                      Descriptor<3, float> *w, Descriptor<2, float> *b,
                                      Descriptor<1, double> *loss, Descriptor<1, float> *correct,
                                      Descriptor<1, double> *squared);

/// Device memory holding `bytes` of `host` (or nothing, when host is null).
template <typename T> T *onDevice(const T *host, size_t count) {
  void *device = mgpuMemAlloc(count * sizeof(T), nullptr, false);
  if (device && host)
    mgpuMemcpy(device, const_cast<T *>(host), count * sizeof(T), nullptr);
  return static_cast<T *>(device);
}

int main(int argc, char **argv) {
  std::string why;
  sweep::cuda::GpuRuntime *runtime =
      sweep::cuda::GpuRuntime::open(argc > 1 ? argv[1] : "libcuda.so.1", 0, why);
  if (!runtime) {
    std::printf("no GPU runtime: %s\n", why.c_str());
    return 2;
  }
  const float x[3 * 2] = {0.5f, -1.0f, 2.0f, 0.25f, -0.75f, 1.5f};
  const int32_t y[3] = {0, 1, 0};
  const float w[2 * 2] = {0, 0, 0, 0}, b[2] = {0, 0};
  float *dx = onDevice(x, 6), *dw = onDevice(w, 4), *db = onDevice(b, 2);
  int32_t *dy = onDevice(y, 3);
  double *dloss = onDevice<double>(nullptr, 1), *dsquared = onDevice<double>(nullptr, 1);
  float *dcorrect = onDevice<float>(nullptr, 1);
  Descriptor<2, float> xd{dx, dx, 0, {3, 2}, {2, 1}};
  Descriptor<1, int32_t> yd{dy, dy, 0, {3}, {1}};
  Descriptor<3, float> wd{dw, dw, 0, {1, 2, 2}, {4, 2, 1}};
  Descriptor<2, float> bd{db, db, 0, {1, 2}, {2, 1}};
  Descriptor<1, double> ld{dloss, dloss, 0, {1}, {1}};
  Descriptor<1, double> sd{dsquared, dsquared, 0, {1}, {1}};
  Descriptor<1, float> cd{dcorrect, dcorrect, 0, {1}, {1}};
  _mlir_ciface_evaluate(&xd, &yd, &wd, &bd, &ld, &cd, &sd);
  double loss[1] = {}, squared[1] = {};
  float correct[1] = {};
  mgpuMemcpy(loss, dloss, sizeof loss, nullptr);
  mgpuMemcpy(squared, dsquared, sizeof squared, nullptr);
  mgpuMemcpy(correct, dcorrect, sizeof correct, nullptr);
  mgpuStreamSynchronize(nullptr);
  std::string error = runtime->takeError();
  std::printf("runtime error: %s\n", error.empty() ? "none" : error.c_str());
  std::printf("loss %.6f correct %.0f squared %.6f\n", loss[0] / 3, correct[0], squared[0] / 3);
  // @evaluate launches several kernels of one module: its image is read once.
  std::printf("modules looked up by their image: %zu\n", runtime->moduleLookups());
  for (void *buffer : {(void *)dx, (void *)dw, (void *)db, (void *)dy, (void *)dloss,
                       (void *)dsquared, (void *)dcorrect})
    mgpuMemFree(buffer, nullptr);
  sweep::cuda::GpuRuntime::close();
  return error.empty() ? 0 : 1;
}
