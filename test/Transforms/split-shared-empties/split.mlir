// split-shared-empties: each destination of a tensor.empty but the first gets
// its own clone, placed where the original is (what CSE merged, split again,
// so that one-shot bufferization does not analyse one alias set of all their
// results; a clone at its user would put its buffer between a product and the
// epilogue the GPU's tiles absorb). A use that is not a destination, or in
// another block, keeps the original.
// RUN: sweep-opt %s -split-shared-empties -allow-unregistered-dialect | FileCheck %s

// CHECK-LABEL: func.func @three_destinations
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xf32>, %[[N:.*]]: index)
func.func @three_destinations(%a: tensor<4x8xf32>, %n: index)
    -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x8xf32>
  %dynamic = tensor.empty(%n) : tensor<?x8xf32>
  // The clone of a dynamic empty tensor takes the same size.
  // CHECK-NEXT: arith.constant
  // CHECK-NEXT: %[[E0:.*]] = tensor.empty() : tensor<4x8xf32>
  // CHECK-NEXT: %[[E1:.*]] = tensor.empty() : tensor<4x8xf32>
  // CHECK-NEXT: %[[D0:.*]] = tensor.empty(%[[N]]) : tensor<?x8xf32>
  // CHECK-NEXT: %[[D1:.*]] = tensor.empty(%[[N]]) : tensor<?x8xf32>
  // CHECK-NEXT: %[[S1:.*]] = linalg.add ins(%[[A]], %[[A]] : {{.*}}) outs(%[[E0]] : tensor<4x8xf32>)
  %s1 = linalg.add ins(%a, %a : tensor<4x8xf32>, tensor<4x8xf32>) outs(%empty : tensor<4x8xf32>) -> tensor<4x8xf32>
  // Not a destination: the original.
  // CHECK-NEXT: "test.use"(%[[E0]])
  "test.use"(%empty) : (tensor<4x8xf32>) -> ()
  // CHECK-NEXT: %[[S2:.*]] = linalg.mul ins(%[[S1]], %[[A]] : {{.*}}) outs(%[[E1]] : tensor<4x8xf32>)
  %s2 = linalg.mul ins(%s1, %a : tensor<4x8xf32>, tensor<4x8xf32>) outs(%empty : tensor<4x8xf32>) -> tensor<4x8xf32>
  // CHECK-NEXT: %[[F1:.*]] = linalg.fill {{.*}} outs(%[[D0]] : tensor<?x8xf32>)
  %f1 = linalg.fill ins(%zero : f32) outs(%dynamic : tensor<?x8xf32>) -> tensor<?x8xf32>
  // CHECK-NEXT: %[[F2:.*]] = linalg.fill {{.*}} outs(%[[D1]] : tensor<?x8xf32>)
  %f2 = linalg.fill ins(%zero : f32) outs(%dynamic : tensor<?x8xf32>) -> tensor<?x8xf32>
  // CHECK-NEXT: return %[[S1]], %[[S2]], %[[F1]], %[[F2]]
  return %s1, %s2, %f1, %f2 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>
}

// A destination in a nested block keeps the original.
// CHECK-LABEL: func.func @nested
func.func @nested(%a: tensor<4xf32>, %n: index) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %empty = tensor.empty() : tensor<4xf32>
  // CHECK: %[[E:.*]] = tensor.empty() : tensor<4xf32>
  // CHECK: scf.for
  // CHECK-NEXT: linalg.add {{.*}} outs(%[[E]] : tensor<4xf32>)
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %a) -> tensor<4xf32> {
    %s = linalg.add ins(%acc, %acc : tensor<4xf32>, tensor<4xf32>) outs(%empty : tensor<4xf32>) -> tensor<4xf32>
    scf.yield %s : tensor<4xf32>
  }
  // CHECK-NOT: tensor.empty
  return %r : tensor<4xf32>
}
