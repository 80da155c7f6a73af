// energy-insert-probes: costs that do not fit in int64 saturate at its largest
// value, and a batch below 1 is an error. Regression: huge shapes wrapped the
// costs (negative: the region failed to verify; or a wrong positive count),
// and a negative train.batch gave negative costs.
// RUN: sweep-opt %s -energy-insert-probes -split-input-file -verify-diagnostics | FileCheck %s

// CHECK: energy.region "eval" flops 9223372036854775807 bytes 9223372036854775807
module attributes {train.batch = 64 : i64} {
func.func @evaluate(%x: tensor<?x3000000xf32>, %w: tensor<3000000x3000000x3000000xf32>, %b: tensor<3000000x3000000xf32>) -> tensor<3000000x?x3000000xf32> {
  %y = train.dense %x, %w, %b : tensor<?x3000000xf32>, tensor<3000000x3000000x3000000xf32>, tensor<3000000x3000000xf32> -> tensor<3000000x?x3000000xf32>
  return %y : tensor<3000000x?x3000000xf32>
}
}

// -----

// expected-error @+1 {{energy-insert-probes: train.batch must be at least 1, got -64}}
module attributes {train.batch = -64 : i64} {
func.func @evaluate(%x: tensor<?x4xf32>, %w: tensor<2x4x8xf32>, %b: tensor<2x8xf32>) -> tensor<2x?x8xf32> {
  %y = train.dense %x, %w, %b : tensor<?x4xf32>, tensor<2x4x8xf32>, tensor<2x8xf32> -> tensor<2x?x8xf32>
  return %y : tensor<2x?x8xf32>
}
}
