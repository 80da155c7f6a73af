// convert-train-to-linalg: train.dropout_mask draws each value's Philox
// block in the generic (runtime/rng/Philox.h: ten rounds, two 32x32->64
// products each), picks the draw's lane and drops it when its top 24 bits
// are below the run's threshold. Numerically, the differential tests train
// with these masks against the interpreter's host-drawn ones, bit for bit.
// RUN: sweep-opt %s -convert-train-to-linalg | FileCheck %s

// CHECK-DAG: #[[$RUNWISE:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG: #[[$SCALAR:.*]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>

// CHECK-LABEL: func.func @dropout_mask
// CHECK-SAME: (%[[SEEDS:.*]]: tensor<2xi64>, %[[BELOW:.*]]: tensor<2xi32>, %[[KEEP:.*]]: tensor<2xf32>, %[[FIRST:.*]]: tensor<i64>, %[[ROWS:.*]]: index)
func.func @dropout_mask(%seeds: tensor<2xi64>, %below: tensor<2xi32>, %keep: tensor<2xf32>,
                        %first: tensor<i64>, %rows: index) -> tensor<2x?x5xf32> {
  // CHECK: %[[EMPTY:.*]] = tensor.empty(%[[ROWS]]) : tensor<2x?x5xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[$RUNWISE]], #[[$RUNWISE]], #[[$RUNWISE]], #[[$SCALAR]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[SEEDS]], %[[BELOW]], %[[KEEP]], %[[FIRST]] : tensor<2xi64>, tensor<2xi32>, tensor<2xf32>, tensor<i64>) outs(%[[EMPTY]] : tensor<2x?x5xf32>)
  // CHECK-NEXT: ^bb0(%[[SEED:.*]]: i64, %[[THRESHOLD:.*]]: i32, %[[SCALE:.*]]: f32, %[[F:.*]]: i64, %{{.*}}: f32):
  // The draw: (first row + row) * width + column.
  // CHECK: %[[ROW:.*]] = arith.index_cast %{{.*}} : index to i64
  // CHECK: %[[COL:.*]] = arith.index_cast %{{.*}} : index to i64
  // CHECK: %[[WIDTH:.*]] = arith.constant 5 : i64
  // CHECK: %[[FR:.*]] = arith.addi %[[F]], %[[ROW]] : i64
  // CHECK: %[[FRW:.*]] = arith.muli %[[FR]], %[[WIDTH]] : i64
  // CHECK: %[[DRAW:.*]] = arith.addi %[[FRW]], %[[COL]] : i64
  // CHECK: %[[BLOCK:.*]] = arith.shrui %[[DRAW]], %{{.*}} : i64
  // CHECK: %[[LANE:.*]] = arith.andi %[[DRAW]], %{{.*}} : i64
  // The key: the seed's low and high words. The counter: the block's low and
  // high words, then the stream's (2^33 + layer 3: 3, then 2).
  // CHECK: %[[K0:.*]] = arith.trunci %[[SEED]] : i64 to i32
  // CHECK: %[[C32:.*]] = arith.constant 32 : i64
  // CHECK: %[[SEEDHI:.*]] = arith.shrui %[[SEED]], %[[C32]] : i64
  // CHECK: %[[K1:.*]] = arith.trunci %[[SEEDHI]] : i64 to i32
  // CHECK: %[[C0:.*]] = arith.trunci %[[BLOCK]] : i64 to i32
  // CHECK: %[[BLOCKHI:.*]] = arith.shrui %[[BLOCK]], %{{.*}} : i64
  // CHECK: %[[C1:.*]] = arith.trunci %[[BLOCKHI]] : i64 to i32
  // CHECK: %[[C2:.*]] = arith.constant 3 : i32
  // CHECK: %[[C3:.*]] = arith.constant 2 : i32
  // CHECK: %[[M0:.*]] = arith.constant -766435501 : i32
  // CHECK: %[[M1:.*]] = arith.constant -845247145 : i32
  // CHECK: %[[W0:.*]] = arith.constant -1640531527 : i32
  // CHECK: %[[W1:.*]] = arith.constant -1150833019 : i32
  // Round 1: c = {hi(M1 c2) ^ c1 ^ k0, lo(M1 c2), hi(M0 c0) ^ c3 ^ k1, lo(M0 c0)}.
  // CHECK: %[[LO0:[^,]*]], %[[HI0:.*]] = arith.mului_extended %[[M0]], %[[C0]] : i32
  // CHECK: %[[LO1:[^,]*]], %[[HI1:.*]] = arith.mului_extended %[[M1]], %[[C2]] : i32
  // CHECK: %[[X0:.*]] = arith.xori %[[HI1]], %[[C1]] : i32
  // CHECK: %{{.*}} = arith.xori %[[X0]], %[[K0]] : i32
  // CHECK: %[[X2:.*]] = arith.xori %[[HI0]], %[[C3]] : i32
  // CHECK: %{{.*}} = arith.xori %[[X2]], %[[K1]] : i32
  // Round 2 bumps the key by the Weyl constants.
  // CHECK: arith.addi %[[K0]], %[[W0]] : i32
  // CHECK: arith.addi %[[K1]], %[[W1]] : i32
  // CHECK-COUNT-18: arith.mului_extended
  // CHECK-NOT: arith.mului_extended
  // Lanes 2, 1, then 0 (the outermost select).
  // CHECK: arith.cmpi eq, %[[LANE]]
  // CHECK: arith.select
  // CHECK: arith.cmpi eq, %[[LANE]]
  // CHECK: arith.select
  // CHECK: %[[C0:.*]] = arith.constant 0 : i64
  // CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[LANE]], %[[C0]] : i64
  // CHECK: %[[BITS:.*]] = arith.select %[[FIRST]]
  // CHECK: %[[TOP:.*]] = arith.shrui %[[BITS]], %{{.*}} : i32
  // CHECK: %[[DROP:.*]] = arith.cmpi ult, %[[TOP]], %[[THRESHOLD]] : i32
  // CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[OUT:.*]] = arith.select %[[DROP]], %[[ZERO]], %[[SCALE]] : f32
  // CHECK: linalg.yield %[[OUT]] : f32
  %m = train.dropout_mask %seeds, %below, %keep, %first, %rows {layer = 3 : i64} : tensor<2xi64>, tensor<2xi32>, tensor<2xf32>, tensor<i64> -> tensor<2x?x5xf32>
  return %m : tensor<2x?x5xf32>
}
