// Regression: gradients summed over fan-out (arith.addf on tensors, from
// train-autodiff) reached bufferization unlowered ("op was not bufferized").
// RUN: sweep-opt %s -sweep-cpu-pipeline | FileCheck %s

// CHECK: llvm.func @fan_out
func.func @fan_out(%x: tensor<?x4xf32>, %t: tensor<?x4xf32>, %w: tensor<2x4x4xf32>, %b: tensor<2x4xf32>)
    -> tensor<2x4x4xf32> {
  %a = train.dense %x, %w, %b : tensor<?x4xf32>, tensor<2x4x4xf32>, tensor<2x4xf32> -> tensor<2x?x4xf32>
  %c = train.dense %a, %w, %b : tensor<2x?x4xf32>, tensor<2x4x4xf32>, tensor<2x4xf32> -> tensor<2x?x4xf32>
  %l = train.mse %c, %t : tensor<2x?x4xf32>, tensor<?x4xf32> -> tensor<2xf32>
  %g = train.backward %l wrt %w : tensor<2xf32> wrt tensor<2x4x4xf32>
  return %g : tensor<2x4x4xf32>
}
