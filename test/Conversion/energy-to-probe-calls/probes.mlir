// convert-energy-to-probe-calls: each region becomes a probe call with its
// index in the module's energy.phases table, followed by its inlined body.
// RUN: sweep-opt %s -convert-energy-to-probe-calls | FileCheck %s

// CHECK: module attributes {energy.phases = [{bytes = 20 : i64, flops = 10 : i64, function = "train_step", phase = "forward"}, {bytes = 40 : i64, flops = 30 : i64, function = "train_step", phase = "update"}, {bytes = 60 : i64, flops = 50 : i64, function = "evaluate", phase = "eval"}]
// CHECK: func.func private @sweep_energy_probe(i64)
// CHECK-LABEL: func.func @train_step
// CHECK: %[[C0:.*]] = arith.constant 0 : i64
// CHECK-NEXT: call @sweep_energy_probe(%[[C0]])
// CHECK-NEXT: %[[A:.*]] = arith.addf %arg0, %arg0
// CHECK: %[[C1:.*]] = arith.constant 1 : i64
// CHECK-NEXT: call @sweep_energy_probe(%[[C1]])
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[A]], %[[A]]
// CHECK-NOT: energy.
// CHECK: return %[[M]]
func.func @train_step(%x: f32) -> f32 {
  %a = energy.region "forward" flops 10 bytes 20 -> f32 {
    %s = arith.addf %x, %x : f32
    energy.yield %s : f32
  }
  %m = energy.region "update" flops 30 bytes 40 -> f32 {
    %p = arith.mulf %a, %a : f32
    energy.yield %p : f32
  }
  return %m : f32
}

// CHECK-LABEL: func.func @evaluate
// CHECK: arith.constant 2 : i64
func.func @evaluate(%x: f32) -> f32 {
  %a = energy.region "eval" flops 50 bytes 60 -> f32 {
    %s = arith.subf %x, %x : f32
    energy.yield %s : f32
  }
  return %a : f32
}
