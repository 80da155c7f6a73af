// Links with an object from `sweepc -emit=obj` (a group of 1 run of a 2-2
// dense layer on spirals) and the runtime kernels, without any LLVM or MLIR,
// and calls its @evaluate with zero weights: the logits are 0, so the
// cross-entropy is log(2), and the first class wins the argmax.
#include <cstdint>
#include <cstdio>

template <int Rank, typename T> struct Descriptor {
  T *allocated, *aligned;
  int64_t offset, sizes[Rank], strides[Rank];
};

extern "C" void _mlir_ciface_evaluate(Descriptor<2, float> *x, Descriptor<1, int32_t> *y,
                                      Descriptor<3, float> *w, Descriptor<2, float> *b,
                                      Descriptor<2, double> *loss, Descriptor<1, float> *correct,
                                      Descriptor<2, double> *squared);

int main() {
  float x[3 * 2] = {0.5f, -1.0f, 2.0f, 0.25f, -0.75f, 1.5f};
  int32_t y[3] = {0, 1, 0};
  float w[2 * 2] = {0, 0, 0, 0}, b[2] = {0, 0}, correct[1];
  double loss[3], squared[3]; // Each row's value.
  Descriptor<2, float> xd{x, x, 0, {3, 2}, {2, 1}};
  Descriptor<1, int32_t> yd{y, y, 0, {3}, {1}};
  Descriptor<3, float> wd{w, w, 0, {1, 2, 2}, {4, 2, 1}};
  Descriptor<2, float> bd{b, b, 0, {1, 2}, {2, 1}};
  Descriptor<2, double> ld{loss, loss, 0, {1, 3}, {3, 1}}, sd{squared, squared, 0, {1, 3}, {3, 1}};
  Descriptor<1, float> cd{correct, correct, 0, {1}, {1}};
  _mlir_ciface_evaluate(&xd, &yd, &wd, &bd, &ld, &cd, &sd);
  std::printf("loss %.6f correct %.0f squared %.6f\n", (loss[0] + loss[1] + loss[2]) / 3,
              correct[0], (squared[0] + squared[1] + squared[2]) / 3);
  return 0;
}
