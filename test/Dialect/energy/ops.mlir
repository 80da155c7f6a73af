// The energy dialect round-trips.
// RUN: sweep-opt %s | sweep-opt | FileCheck %s

// CHECK-LABEL: func.func @phases
func.func @phases(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[Y:.*]] = energy.region "forward" flops 1024 bytes 64 -> tensor<4xf32> {
  // CHECK-NEXT: %[[S:.*]] = arith.addf
  // CHECK-NEXT: energy.yield %[[S]] : tensor<4xf32>
  %y = energy.region "forward" flops 1024 bytes 64 -> tensor<4xf32> {
    %s = arith.addf %x, %x : tensor<4xf32>
    energy.yield %s : tensor<4xf32>
  }
  // CHECK: energy.region "update" flops 0 bytes 0 {
  energy.region "update" flops 0 bytes 0 {
  }
  return %y : tensor<4xf32>
}
