//===- Kernels.h - reference forward, backward and update ops ---*- C++ -*-===//
//
// The interpreter's operations as plain loops, templated on the scalar type:
// training runs them in float, the gradient tests in double against finite
// differences. Matrices are row-major; a dense layer computes y = x W + b with
// W of shape [inputs, outputs]. Backward functions accumulate into their
// gradient outputs (the caller zeroes them once per step).
//
// Every multiply-add of a matrix product is one std::fma, in a fixed order:
// the compiled kernels (runtime/kernels) use fused multiply-add instructions
// in the same order and so give the same bits.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_INTERP_KERNELS_H
#define SWEEP_RUNTIME_INTERP_KERNELS_H

#include "runtime/exec/SweepJob.h"
#include "runtime/kernels/Activation.h"
#include "runtime/kernels/Exp.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace sweep::kernels {

template <typename T>
void denseForward(const T *x, const T *w, const T *b, T *y, int64_t n, int64_t in, int64_t out) {
  for (int64_t i = 0; i < n; ++i) {
    T *row = y + i * out;
    for (int64_t j = 0; j < out; ++j)
      row[j] = b[j];
    for (int64_t k = 0; k < in; ++k) {
      T xk = x[i * in + k];
      const T *wk = w + k * out;
      for (int64_t j = 0; j < out; ++j)
        row[j] = std::fma(xk, wk[j], row[j]);
    }
  }
}

/// dW += x^T dy, db += sum of dy rows, and dx = dy W^T when dx is not null.
template <typename T>
void denseBackward(const T *x, const T *w, const T *dy, T *dx, T *dw, T *db, int64_t n, int64_t in,
                   int64_t out) {
  for (int64_t i = 0; i < n; ++i) {
    const T *dyi = dy + i * out;
    for (int64_t j = 0; j < out; ++j)
      db[j] += dyi[j];
    for (int64_t k = 0; k < in; ++k) {
      T xk = x[i * in + k];
      T *dwk = dw + k * out;
      for (int64_t j = 0; j < out; ++j)
        dwk[j] = std::fma(xk, dyi[j], dwk[j]);
    }
    if (!dx)
      continue;
    for (int64_t k = 0; k < in; ++k) {
      const T *wk = w + k * out;
      T sum = 0;
      for (int64_t j = 0; j < out; ++j)
        sum = std::fma(dyi[j], wk[j], sum);
      dx[i * in + k] = sum;
    }
  }
}

template <typename T> T activate(Activation act, T z) {
  switch (act) {
  case Activation::Relu:
    return activation::relu(z);
  case Activation::Tanh:
    return activation::tanh(z);
  case Activation::Sigmoid:
    return activation::sigmoid(z);
  case Activation::Gelu:
    return activation::gelu(z);
  case Activation::Identity:
    return z;
  }
  return z;
}

/// d activation / dz at z, given y = activate(z).
template <typename T> T activationSlope(Activation act, T z, T y) {
  switch (act) {
  case Activation::Relu:
    return activation::reluSlope(z);
  case Activation::Tanh:
    return activation::tanhSlope(y);
  case Activation::Sigmoid:
    return activation::sigmoidSlope(y);
  case Activation::Gelu:
    return activation::geluSlope(z);
  case Activation::Identity:
    return T(1);
  }
  return T(1);
}

template <typename T> void activationForward(Activation act, const T *z, T *y, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    y[i] = activate(act, z[i]);
}

template <typename T>
void activationBackward(Activation act, const T *z, const T *y, const T *dy, T *dz, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    dz[i] = dy[i] * activationSlope(act, z[i], y[i]);
}

/// Inverted dropout: `scale` holds 0 for a dropped value and 1 / (1 - p) for
/// a kept one. Backward is the same product.
template <typename T> void applyMask(const T *x, const T *scale, T *y, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    y[i] = x[i] * scale[i];
}

/// The class a row of outputs predicts: the first largest, or `width` (none)
/// when any output is NaN, as the compiled train.accuracy decides (its row
/// peak is NaN then, and no class equals it). A NaN class would otherwise win
/// or lose by where the NaN sits.
template <typename T>
int64_t predictedClass(const T *row, int64_t width) {
  int64_t best = 0;
  for (int64_t c = 0; c < width; ++c) {
    if (std::isnan(row[c]))
      return width;
    if (row[c] > row[best])
      best = c;
  }
  return best;
}

/// Softmax cross-entropy of logits [n, classes]. Returns the summed loss; adds
/// the number of rows whose largest logit is the label to `correct`. When
/// `dlogits` is set, writes the gradient of the *mean* loss.
template <typename T>
double crossEntropy(const T *logits, const int32_t *labels, T *dlogits, int64_t n, int64_t classes,
                    double *correct) {
  double total = 0;
  for (int64_t i = 0; i < n; ++i) {
    const T *z = logits + i * classes;
    T peak = z[0];
    for (int64_t c = 1; c < classes; ++c)
      if (z[c] > peak || std::isnan(z[c]))
        peak = z[c];
    T sum = 0;
    for (int64_t c = 0; c < classes; ++c)
      sum += exponential(z[c] - peak);
    T logSum = peak + std::log(sum);
    total += double(logSum - z[labels[i]]);
    if (correct && predictedClass(z, classes) == labels[i])
      *correct += 1;
    if (!dlogits)
      continue;
    T scale = T(1) / T(n);
    for (int64_t c = 0; c < classes; ++c)
      dlogits[i * classes + c] =
          (exponential(z[c] - logSum) - (c == labels[i] ? T(1) : T(0))) * scale;
  }
  return total;
}

/// Row-wise softmax of logits [n, classes] into `probabilities`.
template <typename T>
void softmaxRows(const T *logits, T *probabilities, int64_t n, int64_t classes) {
  for (int64_t i = 0; i < n; ++i) {
    const T *z = logits + i * classes;
    T *p = probabilities + i * classes;
    T peak = *std::max_element(z, z + classes);
    T sum = 0;
    for (int64_t c = 0; c < classes; ++c)
      sum += p[c] = exponential(z[c] - peak);
    for (int64_t c = 0; c < classes; ++c)
      p[c] /= sum;
  }
}

/// Squared error of outputs [n, width] against targets, or against one-hot
/// rows of `labels` when `targets` is null. Returns the sum over rows of each
/// row's mean squared error; the gradient is that of the mean over rows.
template <typename T>
double meanSquaredError(const T *out, const T *targets, const int32_t *labels, T *dout, int64_t n,
                        int64_t width, double *correct) {
  double total = 0;
  for (int64_t i = 0; i < n; ++i) {
    double row = 0;
    for (int64_t j = 0; j < width; ++j) {
      T target = targets ? targets[i * width + j] : T(labels[i] == j ? 1 : 0);
      T diff = out[i * width + j] - target;
      row += double(diff) * double(diff);
      if (dout)
        dout[i * width + j] = T(2) * diff / T(n * width);
    }
    total += row / double(width);
    if (correct && labels && predictedClass(out + i * width, width) == labels[i])
      *correct += 1;
  }
  return total;
}

/// SGD as PyTorch defines it: g += wd * w; buf = momentum * buf + g;
/// g = nesterov ? g + momentum * buf : buf; w -= lr * g.
template <typename T>
void sgdUpdate(T *w, const T *grad, T *buf, int64_t count, T lr, T momentum, bool nesterov,
               T weightDecay) {
  for (int64_t i = 0; i < count; ++i) {
    T g = grad[i] + weightDecay * w[i];
    if (momentum != T(0)) {
      buf[i] = momentum * buf[i] + g;
      g = nesterov ? g + momentum * buf[i] : buf[i];
    }
    w[i] -= lr * g;
  }
}

/// Adam (L2 penalty in the gradient) or AdamW (decoupled decay, applied to w
/// before the moment step), step t from 1, with PyTorch's bias correction.
template <typename T>
void adamUpdate(T *w, const T *grad, T *m, T *v, int64_t count, T lr, T beta1, T beta2, T eps,
                T weightDecay, bool decoupled, int64_t t) {
  T correction1 = T(1) - T(std::pow(double(beta1), double(t)));
  T correction2 = T(1) - T(std::pow(double(beta2), double(t)));
  T rootCorrection2 = std::sqrt(correction2);
  for (int64_t i = 0; i < count; ++i) {
    T g = grad[i];
    if (decoupled)
      w[i] -= lr * weightDecay * w[i];
    else
      g += weightDecay * w[i];
    m[i] = beta1 * m[i] + (T(1) - beta1) * g;
    v[i] = beta2 * v[i] + (T(1) - beta2) * g * g;
    w[i] -= lr * (m[i] / correction1) / (std::sqrt(v[i]) / rootCorrection2 + eps);
  }
}

} // namespace sweep::kernels

#endif // SWEEP_RUNTIME_INTERP_KERNELS_H
