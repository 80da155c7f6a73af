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
// CHECK-SAME: (%[[SEEDS:.*]]: tensor<2xi64>, %[[BELOW:.*]]: tensor<2xi32>, %[[KEEP:.*]]: tensor<2xf32>, %[[STEP:.*]]: tensor<i64>, %[[ROWS:.*]]: index)
func.func @dropout_mask(%seeds: tensor<2xi64>, %below: tensor<2xi32>, %keep: tensor<2xf32>,
                        %step: tensor<i64>, %rows: index) -> tensor<2x?x5xf32> {
  // CHECK: %[[EMPTY:.*]] = tensor.empty(%[[ROWS]]) : tensor<2x?x5xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[$RUNWISE]], #[[$RUNWISE]], #[[$RUNWISE]], #[[$SCALAR]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[SEEDS]], %[[BELOW]], %[[KEEP]], %[[STEP]] : tensor<2xi64>, tensor<2xi32>, tensor<2xf32>, tensor<i64>) outs(%[[EMPTY]] : tensor<2x?x5xf32>)
  // CHECK-NEXT: ^bb0(%[[SEED:.*]]: i64, %[[THRESHOLD:.*]]: i32, %[[SCALE:.*]]: f32, %[[S:.*]]: i64, %{{.*}}: f32):
  // The draw: (step * batch + row) * width + column.
  // CHECK: %[[ROW:.*]] = arith.index_cast %{{.*}} : index to i64
  // CHECK: %[[COL:.*]] = arith.index_cast %{{.*}} : index to i64
  // CHECK-DAG: %[[WIDTH:.*]] = arith.constant 5 : i64
  // CHECK-DAG: %[[BATCH:.*]] = arith.constant 8 : i64
  // CHECK: %[[SB:.*]] = arith.muli %[[S]], %[[BATCH]] : i64
  // CHECK: %[[SBR:.*]] = arith.addi %[[SB]], %[[ROW]] : i64
  // CHECK: %[[SBRW:.*]] = arith.muli %[[SBR]], %[[WIDTH]] : i64
  // CHECK: %[[DRAW:.*]] = arith.addi %[[SBRW]], %[[COL]] : i64
  // CHECK: %[[BLOCK:.*]] = arith.shrui %[[DRAW]], %{{.*}} : i64
  // CHECK: %[[LANE:.*]] = arith.andi %[[DRAW]], %{{.*}} : i64
  // The key is the run's seed; the counter's high words the stream (2^33 + layer 3).
  // CHECK: arith.trunci %[[SEED]] : i64 to i32
  // CHECK: arith.trunci %[[BLOCK]] : i64 to i32
  // CHECK-DAG: arith.constant 3 : i32
  // CHECK-DAG: arith.constant 2 : i32
  // CHECK-DAG: arith.constant -766435501 : i32
  // CHECK-DAG: arith.constant -845247145 : i32
  // CHECK-DAG: arith.constant -1640531527 : i32
  // CHECK-DAG: arith.constant -1150833019 : i32
  // CHECK-COUNT-20: arith.mului_extended
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
  %m = train.dropout_mask %seeds, %below, %keep, %step, %rows {batch = 8 : i64, layer = 3 : i64} : tensor<2xi64>, tensor<2xi32>, tensor<2xf32>, tensor<i64> -> tensor<2x?x5xf32>
  return %m : tensor<2x?x5xf32>
}
