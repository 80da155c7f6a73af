// split-shared-fills: each destination of a fill of a tensor.empty gets its
// own empty tensor and fill right before its user (what CSE merged, split
// again, so that bufferization does not copy the zeros); other uses keep the
// original fill, and a fill left unused is erased.
// RUN: sweep-opt %s -split-shared-fills -allow-unregistered-dialect | FileCheck %s

// CHECK-LABEL: func.func @two_destinations
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<4x8xf32>, %[[N:.*]]: index)
func.func @two_destinations(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>, %n: index)
    -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x8xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<4x8xf32>) -> tensor<4x8xf32>
  // CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.0
  // CHECK-NEXT: %[[E1:.*]] = tensor.empty()
  // CHECK-NEXT: %[[F1:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E1]] : tensor<4x8xf32>)
  // CHECK-NEXT: %[[S1:.*]] = linalg.add ins(%[[A]], %[[A]] : {{.*}}) outs(%[[F1]] : tensor<4x8xf32>)
  %s1 = linalg.add ins(%a, %a : tensor<4x8xf32>, tensor<4x8xf32>) outs(%fill : tensor<4x8xf32>) -> tensor<4x8xf32>
  "test.between"() : () -> ()
  // CHECK-NEXT: "test.between"
  // CHECK-NEXT: %[[E2:.*]] = tensor.empty()
  // CHECK-NEXT: %[[F2:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E2]] : tensor<4x8xf32>)
  // CHECK-NEXT: %[[S2:.*]] = linalg.add ins(%[[B]], %[[B]] : {{.*}}) outs(%[[F2]] : tensor<4x8xf32>)
  %s2 = linalg.add ins(%b, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%fill : tensor<4x8xf32>) -> tensor<4x8xf32>
  // CHECK-NEXT: return %[[S1]], %[[S2]]
  return %s1, %s2 : tensor<4x8xf32>, tensor<4x8xf32>
}

// A dynamic size: the clone of the empty tensor takes the same operand.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xf32>, %[[N:.*]]: index)
func.func @dynamic(%a: tensor<?x8xf32>, %n: index) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty(%n) : tensor<?x8xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<?x8xf32>) -> tensor<?x8xf32>
  // CHECK: tensor.empty(%[[N]])
  // CHECK-NEXT: linalg.fill
  // CHECK-NEXT: linalg.add
  // CHECK-NEXT: tensor.empty(%[[N]])
  // CHECK-NEXT: linalg.fill
  // CHECK-NEXT: linalg.add
  %s1 = linalg.add ins(%a, %a : tensor<?x8xf32>, tensor<?x8xf32>) outs(%fill : tensor<?x8xf32>) -> tensor<?x8xf32>
  %s2 = linalg.add ins(%s1, %a : tensor<?x8xf32>, tensor<?x8xf32>) outs(%fill : tensor<?x8xf32>) -> tensor<?x8xf32>
  return %s1, %s2 : tensor<?x8xf32>, tensor<?x8xf32>
}

// A fill also read as an input keeps that use; the destination gets its own.
// CHECK-LABEL: func.func @read_as_input
func.func @read_as_input(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x8xf32>
  // CHECK: %[[KEPT:.*]] = linalg.fill
  // CHECK-NEXT: %[[OWN:.*]] = tensor.empty()
  // CHECK-NEXT: %[[OWNFILL:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[OWN]] : tensor<4x8xf32>)
  // CHECK-NEXT: linalg.add ins(%[[KEPT]], %{{.*}} : {{.*}}) outs(%[[OWNFILL]] : tensor<4x8xf32>)
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<4x8xf32>) -> tensor<4x8xf32>
  %s = linalg.add ins(%fill, %a : tensor<4x8xf32>, tensor<4x8xf32>) outs(%fill : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}

// A destination in another block (a loop body) is left alone, and so is a
// fill of a tensor that is not empty (its contents would be recomputed).
// CHECK-LABEL: func.func @left_alone
func.func @left_alone(%a: tensor<4x8xf32>, %t: tensor<4x8xf32>, %n: index) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %empty = tensor.empty() : tensor<4x8xf32>
  // CHECK: %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4x8xf32>)
  // CHECK: scf.for
  // CHECK-NEXT: linalg.add ins({{.*}}) outs(%[[FILL]] : tensor<4x8xf32>)
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %a) -> tensor<4x8xf32> {
    %s = linalg.add ins(%acc, %a : tensor<4x8xf32>, tensor<4x8xf32>) outs(%fill : tensor<4x8xf32>) -> tensor<4x8xf32>
    scf.yield %s : tensor<4x8xf32>
  }
  // CHECK: %[[FT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4x8xf32>)
  // CHECK-NEXT: linalg.add ins({{.*}}) outs(%[[FT]] : tensor<4x8xf32>)
  // CHECK-NEXT: linalg.add ins({{.*}}) outs(%[[FT]] : tensor<4x8xf32>)
  %ft = linalg.fill ins(%zero : f32) outs(%t : tensor<4x8xf32>) -> tensor<4x8xf32>
  %u1 = linalg.add ins(%a, %a : tensor<4x8xf32>, tensor<4x8xf32>) outs(%ft : tensor<4x8xf32>) -> tensor<4x8xf32>
  %u2 = linalg.add ins(%u1, %a : tensor<4x8xf32>, tensor<4x8xf32>) outs(%ft : tensor<4x8xf32>) -> tensor<4x8xf32>
  %sum = arith.addf %r, %u2 : tensor<4x8xf32>
  return %sum, %u1 : tensor<4x8xf32>, tensor<4x8xf32>
}
