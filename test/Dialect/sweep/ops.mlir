// The sweep dialect round-trips.
// RUN: sweep-opt %s | sweep-opt | FileCheck %s

// CHECK: sweep.experiment @grid runs 4 {
// CHECK-NEXT: sweep.dataset @d "spirals" inputs 2 targets 2 train 800 validation 200 test 0
// CHECK-NEXT: sweep.group @g0 data @d runs [0, 2] batch 32 epochs 3 {
// CHECK-NEXT: sweep.hyperparameter "optimizer.lr" dense<[1.000000e-01, 2.000000e-01]> : tensor<2xf64>
// CHECK: func.func @train_step
// CHECK: sweep.group @g1 data @d runs [1, 3] batch 32 epochs 3 {
sweep.experiment @grid runs 4 {
  sweep.dataset @d "spirals" inputs 2 targets 2 train 800 validation 200 test 0
  sweep.group @g0 data @d runs [0, 2] batch 32 epochs 3 {
    sweep.hyperparameter "optimizer.lr" dense<[0.1, 0.2]> : tensor<2xf64>
    func.func @train_step(%x: tensor<2xf32>) -> tensor<2xf32> {
      return %x : tensor<2xf32>
    }
  }
  sweep.group @g1 data @d runs [1, 3] batch 32 epochs 3 {
    sweep.hyperparameter "seed" dense<[0.0, 1.0]> : tensor<2xf64>
  }
}
