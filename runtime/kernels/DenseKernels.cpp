//===- DenseKernels.cpp - register-blocked dense-layer kernels ------------===//
//
// Thin wrappers: each kernel is one call of the blocked product (Gemm.h).
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/DenseKernels.h"

#include "runtime/kernels/CacheBudget.h"
#include "runtime/kernels/Gemm.h"

using namespace sweep;

namespace {
/// A shared A computed per run: R products of one run each.
void gemmColumns(const GemmProblem &p, RunColumns columns) {
  if (columns == RunColumns::Wide || p.a.runStride != 0)
    return gemm(p);
  for (int64_t r = 0; r < p.runs; ++r)
    gemm(runOf(p, r));
}
} // namespace

void sweep::denseForwardKernel(const float *x, int64_t xRunStride, int64_t xRowStride,
                               int64_t xColStride, const float *w, int64_t wRunStride,
                               int64_t wRowStride, float *out, int64_t outRunStride,
                               int64_t outRowStride, int64_t runs, int64_t batch, int64_t inputs,
                               int64_t outputs, RunColumns columns, const BiasActivation &fused) {
  GemmProblem p;
  p.runs = runs, p.m = batch, p.k = inputs, p.n = outputs;
  p.a = {x, xRunStride, xRowStride, xColStride};
  p.b = {w, wRunStride, wRowStride, 1};
  p.c = out, p.cRunStride = outRunStride, p.cRowStride = outRowStride;
  // The bias is broadcast over the batch: row stride 0.
  if (fused.bias)
    p.init = {fused.bias, fused.biasRunStride, 0, fused.biasColStride};
  p.epilogue = fused.activation;
  gemmColumns(p, columns);
}

void sweep::denseWeightGradKernel(const float *x, int64_t xRunStride, int64_t xRowStride,
                                  int64_t xColStride, const float *dy, int64_t dyRunStride,
                                  int64_t dyRowStride, float *dw, int64_t dwRunStride,
                                  int64_t dwRowStride, int64_t runs, int64_t batch, int64_t inputs,
                                  int64_t outputs, RunColumns columns, StartFrom start) {
  // dw[k, n] += sum over b of x^T[k, b] * dy[b, n]: x read transposed.
  static const float zero = 0.0f;
  GemmProblem p;
  p.runs = runs, p.m = inputs, p.k = batch, p.n = outputs;
  p.a = {x, xRunStride, xColStride, xRowStride};
  p.b = {dy, dyRunStride, dyRowStride, 1};
  p.c = dw, p.cRunStride = dwRunStride, p.cRowStride = dwRowStride;
  if (start == StartFrom::Zero)
    p.init = {&zero, 0, 0, 0};
  gemmColumns(p, columns);
}

void sweep::denseWeightGradStepKernel(const float *x, int64_t xRunStride, int64_t xRowStride,
                                      int64_t xColStride, const float *dy, int64_t dyRunStride,
                                      int64_t dyRowStride, int64_t runs, int64_t batch,
                                      int64_t inputs, int64_t outputs, RunColumns columns,
                                      const OptimizerStep &step) {
  static const float zero = 0.0f;
  const BlockSink sink{applyOptimizerBlock, &step};
  GemmProblem p;
  p.runs = runs, p.m = inputs, p.k = batch, p.n = outputs;
  p.a = {x, xRunStride, xColStride, xRowStride};
  p.b = {dy, dyRunStride, dyRowStride, 1};
  p.init = {&zero, 0, 0, 0};
  p.sink = &sink;
  gemmColumns(p, columns);
}

void sweep::denseInputGradKernel(const float *dy, int64_t dyRunStride, int64_t dyRowStride,
                                 const float *w, int64_t wRunStride, int64_t wRowStride, float *dx,
                                 int64_t dxRunStride, int64_t dxRowStride, int64_t runs,
                                 int64_t batch, int64_t inputs, int64_t outputs,
                                 const ThroughActivation &fused) {
  // dx[b, k] += sum over n of dy[b, n] * w^T[n, k]: packing reads w transposed.
  GemmProblem p;
  p.runs = runs, p.m = batch, p.k = outputs, p.n = inputs;
  p.a = {dy, dyRunStride, dyRowStride, 1};
  p.b = {w, wRunStride, 1, wRowStride};
  p.c = dx, p.cRunStride = dxRunStride, p.cRowStride = dxRowStride;
  if (fused.y)
    p.gate = {fused.y, fused.yRunStride, fused.yRowStride, 1};
  p.epilogue = fused.slope;
  gemm(p);
}

namespace {
StridedRuns runsOf(const MemRefF32<3> *t) {
  return {t->aligned + t->offset, t->strides[0], t->strides[1], t->strides[2]};
}
MutableRuns mutableRunsOf(const MemRefF32<3> *t) {
  return {t->aligned + t->offset, t->strides[0], t->strides[1], t->strides[2]};
}

template <int XRank>
void weightGradStep(UpdateRule kind, MemRefF32<XRank> *x, MemRefF32<3> *dy,
                    MemRefF32<3> *const *tensors, MemRefF32<1> *const *hypers, RunColumns columns) {
  const int states = optimizerStateCount(kind);
  OptimizerStep step;
  step.kind = kind;
  MemRefF32<3> *param = tensors[0];
  step.m = param->sizes[1], step.n = param->sizes[2];
  step.param = runsOf(param);
  step.newParam = mutableRunsOf(tensors[1 + states]);
  for (int s = 0; s < states; ++s) {
    step.state[s] = runsOf(tensors[1 + s]);
    step.newState[s] = mutableRunsOf(tensors[2 + states + s]);
  }
  for (int h = 0; h < optimizerHyperCount(kind); ++h)
    step.hyper[h] = {hypers[h]->aligned + hypers[h]->offset, hypers[h]->strides[0]};
  step.streamStores = streamStoresFor(step, param->sizes[0], thisCoreCacheBudget());
  const int batchDim = XRank - 2, inputDim = XRank - 1;
  denseWeightGradStepKernel(x->aligned + x->offset, XRank == 3 ? x->strides[0] : 0,
                            x->strides[batchDim], x->strides[inputDim], dy->aligned + dy->offset,
                            dy->strides[0], dy->strides[1], param->sizes[0], x->sizes[batchDim],
                            step.m, step.n, columns, step);
}
} // namespace

extern "C" {
void _mlir_ciface_sweep_dense_shared(MemRefF32<2> *x, MemRefF32<3> *w, MemRefF32<3> *out) {
  denseForwardKernel(x->aligned + x->offset, 0, x->strides[0], x->strides[1],
                     w->aligned + w->offset, w->strides[0], w->strides[1],
                     out->aligned + out->offset, out->strides[0], out->strides[1], out->sizes[0],
                     out->sizes[1], x->sizes[1], out->sizes[2], RunColumns::PerRun);
}

void _mlir_ciface_sweep_dense_wide(MemRefF32<2> *x, MemRefF32<3> *w, MemRefF32<3> *out) {
  denseForwardKernel(x->aligned + x->offset, 0, x->strides[0], x->strides[1],
                     w->aligned + w->offset, w->strides[0], w->strides[1],
                     out->aligned + out->offset, out->strides[0], out->strides[1], out->sizes[0],
                     out->sizes[1], x->sizes[1], out->sizes[2], RunColumns::Wide);
}

void _mlir_ciface_sweep_dense_per_run(MemRefF32<3> *x, MemRefF32<3> *w, MemRefF32<3> *out) {
  denseForwardKernel(x->aligned + x->offset, x->strides[0], x->strides[1], x->strides[2],
                     w->aligned + w->offset, w->strides[0], w->strides[1],
                     out->aligned + out->offset, out->strides[0], out->strides[1], out->sizes[0],
                     out->sizes[1], x->sizes[2], out->sizes[2], RunColumns::PerRun);
}

void _mlir_ciface_sweep_dense_grad_weight_shared(MemRefF32<2> *x, MemRefF32<3> *dy,
                                                 MemRefF32<3> *dw) {
  denseWeightGradKernel(x->aligned + x->offset, 0, x->strides[0], x->strides[1],
                        dy->aligned + dy->offset, dy->strides[0], dy->strides[1],
                        dw->aligned + dw->offset, dw->strides[0], dw->strides[1], dw->sizes[0],
                        x->sizes[0], dw->sizes[1], dw->sizes[2], RunColumns::PerRun);
}

void _mlir_ciface_sweep_dense_grad_weight_wide(MemRefF32<2> *x, MemRefF32<3> *dy,
                                               MemRefF32<3> *dw) {
  denseWeightGradKernel(x->aligned + x->offset, 0, x->strides[0], x->strides[1],
                        dy->aligned + dy->offset, dy->strides[0], dy->strides[1],
                        dw->aligned + dw->offset, dw->strides[0], dw->strides[1], dw->sizes[0],
                        x->sizes[0], dw->sizes[1], dw->sizes[2], RunColumns::Wide);
}

void _mlir_ciface_sweep_dense_grad_input(MemRefF32<3> *dy, MemRefF32<3> *w, MemRefF32<3> *dx) {
  denseInputGradKernel(dy->aligned + dy->offset, dy->strides[0], dy->strides[1],
                       w->aligned + w->offset, w->strides[0], w->strides[1],
                       dx->aligned + dx->offset, dx->strides[0], dx->strides[1], dx->sizes[0],
                       dx->sizes[1], dx->sizes[2], dy->sizes[2]);
}

void _mlir_ciface_sweep_dense_grad_weight_per_run(MemRefF32<3> *x, MemRefF32<3> *dy,
                                                  MemRefF32<3> *dw) {
  denseWeightGradKernel(x->aligned + x->offset, x->strides[0], x->strides[1], x->strides[2],
                        dy->aligned + dy->offset, dy->strides[0], dy->strides[1],
                        dw->aligned + dw->offset, dw->strides[0], dw->strides[1], dw->sizes[0],
                        x->sizes[1], dw->sizes[1], dw->sizes[2], RunColumns::PerRun);
}

// The fused kernels: out starts from bias (not read) and ends activated; dx is
// zeroed by the kernel (the product starts from a zero init) and multiplied by
// the slope at y. Their memrefs may have any strides.
#define SWEEP_DENSE_BIAS(mode, xRank, xRunStride, xRow, xCol, columns, act, epilogue)              \
  void _mlir_ciface_sweep_dense_##mode##_bias_##act(MemRefF32<xRank> *x, MemRefF32<3> *w,          \
                                                    MemRefF32<2> *bias, MemRefF32<3> *out) {       \
    denseForwardKernel(                                                                            \
        x->aligned + x->offset, xRunStride, x->strides[xRow], x->strides[xCol],                    \
        w->aligned + w->offset, w->strides[0], w->strides[1], out->aligned + out->offset,          \
        out->strides[0], out->strides[1], out->sizes[0], out->sizes[1], x->sizes[xCol],            \
        out->sizes[2], columns,                                                                    \
        {bias->aligned + bias->offset, bias->strides[0], bias->strides[1], epilogue});             \
  }
#define SWEEP_DENSE_BIAS_MODES(act, epilogue)                                                      \
  SWEEP_DENSE_BIAS(wide, 2, 0, 0, 1, RunColumns::Wide, act, epilogue)                              \
  SWEEP_DENSE_BIAS(shared, 2, 0, 0, 1, RunColumns::PerRun, act, epilogue)                          \
  SWEEP_DENSE_BIAS(per_run, 3, x->strides[0], 1, 2, RunColumns::PerRun, act, epilogue)
SWEEP_DENSE_BIAS_MODES(identity, Epilogue::None)
SWEEP_DENSE_BIAS_MODES(relu, Epilogue::Relu)
SWEEP_DENSE_BIAS_MODES(tanh, Epilogue::Tanh)
SWEEP_DENSE_BIAS_MODES(sigmoid, Epilogue::Sigmoid)
#undef SWEEP_DENSE_BIAS_MODES
#undef SWEEP_DENSE_BIAS

#define SWEEP_DENSE_GRAD_INPUT_THROUGH(act, kind)                                                  \
  void _mlir_ciface_sweep_dense_grad_input_through_##act(MemRefF32<3> *dy, MemRefF32<3> *w,        \
                                                         MemRefF32<3> *y, MemRefF32<3> *dx) {      \
    static const float zero = 0.0f;                                                                \
    GemmProblem p;                                                                                 \
    p.runs = dx->sizes[0], p.m = dx->sizes[1], p.k = dy->sizes[2], p.n = dx->sizes[2];             \
    p.a = {dy->aligned + dy->offset, dy->strides[0], dy->strides[1], dy->strides[2]};              \
    p.b = {w->aligned + w->offset, w->strides[0], w->strides[2], w->strides[1]};                   \
    p.c = dx->aligned + dx->offset;                                                                \
    p.cRunStride = dx->strides[0], p.cRowStride = dx->strides[1], p.cColStride = dx->strides[2];   \
    p.init = {&zero, 0, 0, 0};                                                                     \
    p.epilogue = kind;                                                                             \
    p.gate = {y->aligned + y->offset, y->strides[0], y->strides[1], y->strides[2]};                \
    gemm(p);                                                                                       \
  }
// Weight gradients that start from zero (a zero fill fused away).
#define SWEEP_DENSE_GRAD_WEIGHT_FROM_ZERO(mode, xRank, xRunStride, xRow, xCol, batchDim, columns)  \
  void _mlir_ciface_sweep_dense_grad_weight_##mode##_from_zero(                                    \
      MemRefF32<xRank> *x, MemRefF32<3> *dy, MemRefF32<3> *dw) {                                   \
    denseWeightGradKernel(x->aligned + x->offset, xRunStride, x->strides[xRow], x->strides[xCol],  \
                          dy->aligned + dy->offset, dy->strides[0], dy->strides[1],                \
                          dw->aligned + dw->offset, dw->strides[0], dw->strides[1], dw->sizes[0],  \
                          x->sizes[batchDim], dw->sizes[1], dw->sizes[2], columns,                 \
                          StartFrom::Zero);                                                        \
  }
SWEEP_DENSE_GRAD_WEIGHT_FROM_ZERO(wide, 2, 0, 0, 1, 0, RunColumns::Wide)
SWEEP_DENSE_GRAD_WEIGHT_FROM_ZERO(shared, 2, 0, 0, 1, 0, RunColumns::PerRun)
SWEEP_DENSE_GRAD_WEIGHT_FROM_ZERO(per_run, 3, x->strides[0], 1, 2, 1, RunColumns::PerRun)
#undef SWEEP_DENSE_GRAD_WEIGHT_FROM_ZERO

// Weight gradients that end in the optimizer's step (OptimizerStep.h). The
// operands after x and dy are the update generic's, without the gradient:
// param, state..., hypers..., new param, new state... (sgd: 1 state, 4 hypers;
// adam and adamw: 2 states, 7 hypers).

#define SWEEP_DENSE_GRAD_WEIGHT_SGD(mode, xRank, columns)                                          \
  void _mlir_ciface_sweep_dense_grad_weight_##mode##_sgd(                                          \
      MemRefF32<xRank> *x, MemRefF32<3> *dy, MemRefF32<3> *param, MemRefF32<3> *buffer,             \
      MemRefF32<1> *lr, MemRefF32<1> *momentum, MemRefF32<1> *weightDecay,                         \
      MemRefF32<1> *nesterov, MemRefF32<3> *newParam, MemRefF32<3> *newBuffer) {                   \
    MemRefF32<3> *tensors[] = {param, buffer, newParam, newBuffer};                                \
    MemRefF32<1> *hypers[] = {lr, momentum, weightDecay, nesterov};                                \
    weightGradStep(UpdateRule::Sgd, x, dy, tensors, hypers, columns);                           \
  }
#define SWEEP_DENSE_GRAD_WEIGHT_ADAM(mode, xRank, columns, name, kind)                             \
  void _mlir_ciface_sweep_dense_grad_weight_##mode##_##name(                                       \
      MemRefF32<xRank> *x, MemRefF32<3> *dy, MemRefF32<3> *param, MemRefF32<3> *m,                 \
      MemRefF32<3> *v, MemRefF32<1> *lr, MemRefF32<1> *beta1, MemRefF32<1> *beta2,                 \
      MemRefF32<1> *eps, MemRefF32<1> *weightDecay, MemRefF32<1> *correction1,                     \
      MemRefF32<1> *correction2, MemRefF32<3> *newParam, MemRefF32<3> *newM,                       \
      MemRefF32<3> *newV) {                                                                        \
    MemRefF32<3> *tensors[] = {param, m, v, newParam, newM, newV};                                 \
    MemRefF32<1> *hypers[] = {lr, beta1, beta2, eps, weightDecay, correction1, correction2};       \
    weightGradStep(UpdateRule::kind, x, dy, tensors, hypers, columns);                          \
  }
#define SWEEP_DENSE_GRAD_WEIGHT_STEPS(mode, xRank, columns)                                        \
  SWEEP_DENSE_GRAD_WEIGHT_SGD(mode, xRank, columns)                                                \
  SWEEP_DENSE_GRAD_WEIGHT_ADAM(mode, xRank, columns, adam, Adam)                                   \
  SWEEP_DENSE_GRAD_WEIGHT_ADAM(mode, xRank, columns, adamw, AdamW)
SWEEP_DENSE_GRAD_WEIGHT_STEPS(wide, 2, RunColumns::Wide)
SWEEP_DENSE_GRAD_WEIGHT_STEPS(shared, 2, RunColumns::PerRun)
SWEEP_DENSE_GRAD_WEIGHT_STEPS(per_run, 3, RunColumns::PerRun)
#undef SWEEP_DENSE_GRAD_WEIGHT_STEPS
#undef SWEEP_DENSE_GRAD_WEIGHT_ADAM
#undef SWEEP_DENSE_GRAD_WEIGHT_SGD

SWEEP_DENSE_GRAD_INPUT_THROUGH(relu, Epilogue::ReluSlope)
SWEEP_DENSE_GRAD_INPUT_THROUGH(tanh, Epilogue::TanhSlope)
SWEEP_DENSE_GRAD_INPUT_THROUGH(sigmoid, Epilogue::SigmoidSlope)
#undef SWEEP_DENSE_GRAD_INPUT_THROUGH
}

const KernelSymbol *sweep::kernelSymbols(int64_t &count) {
#define SWEEP_SYMBOL(name)                                                                         \
  { "_mlir_ciface_" #name, reinterpret_cast<void *>(&_mlir_ciface_##name) }
#define SWEEP_BIAS_SYMBOLS(mode)                                                                   \
  SWEEP_SYMBOL(sweep_dense_##mode##_bias_identity), SWEEP_SYMBOL(sweep_dense_##mode##_bias_relu),  \
      SWEEP_SYMBOL(sweep_dense_##mode##_bias_tanh),                                                \
      SWEEP_SYMBOL(sweep_dense_##mode##_bias_sigmoid)
#define SWEEP_STEP_SYMBOLS(mode)                                                                   \
  SWEEP_SYMBOL(sweep_dense_grad_weight_##mode##_sgd),                                              \
      SWEEP_SYMBOL(sweep_dense_grad_weight_##mode##_adam),                                         \
      SWEEP_SYMBOL(sweep_dense_grad_weight_##mode##_adamw)
  static const KernelSymbol symbols[] = {
      SWEEP_SYMBOL(sweep_dense_shared),
      SWEEP_SYMBOL(sweep_dense_wide),
      SWEEP_SYMBOL(sweep_dense_per_run),
      SWEEP_SYMBOL(sweep_dense_grad_weight_wide),
      SWEEP_SYMBOL(sweep_dense_grad_weight_shared),
      SWEEP_SYMBOL(sweep_dense_grad_weight_per_run),
      SWEEP_SYMBOL(sweep_dense_grad_input),
      SWEEP_BIAS_SYMBOLS(wide),
      SWEEP_BIAS_SYMBOLS(shared),
      SWEEP_BIAS_SYMBOLS(per_run),
      SWEEP_SYMBOL(sweep_dense_grad_input_through_relu),
      SWEEP_SYMBOL(sweep_dense_grad_input_through_tanh),
      SWEEP_SYMBOL(sweep_dense_grad_input_through_sigmoid),
      SWEEP_SYMBOL(sweep_dense_grad_weight_wide_from_zero),
      SWEEP_SYMBOL(sweep_dense_grad_weight_shared_from_zero),
      SWEEP_SYMBOL(sweep_dense_grad_weight_per_run_from_zero),
      SWEEP_STEP_SYMBOLS(wide),
      SWEEP_STEP_SYMBOLS(shared),
      SWEEP_STEP_SYMBOLS(per_run),
  };
#undef SWEEP_STEP_SYMBOLS
#undef SWEEP_BIAS_SYMBOLS
#undef SWEEP_SYMBOL
  count = int64_t(sizeof(symbols) / sizeof(symbols[0]));
  return symbols;
}
