// RUN: sweep-opt %s -copy-repeated-results | FileCheck %s
// The second return of one tensor becomes a copy, so each result gets its own
// buffer; a result returned once, and non-tensor results, are left alone.

// CHECK-LABEL: func.func @twice
// CHECK-SAME: (%[[A:.*]]: tensor<4xf64>, %[[B:.*]]: tensor<?xf32>
// CHECK: %[[COPY:.*]] = bufferization.alloc_tensor() copy(%[[A]]) : tensor<4xf64>
// CHECK: %[[COPYB:.*]] = bufferization.alloc_tensor() copy(%[[B]]) : tensor<?xf32>
// CHECK: return %[[A]], %[[COPY]], %[[B]], %[[COPYB]], %{{.*}}, %{{.*}} :
func.func @twice(%a: tensor<4xf64>, %b: tensor<?xf32>, %i: index)
    -> (tensor<4xf64>, tensor<4xf64>, tensor<?xf32>, tensor<?xf32>, index, index) {
  return %a, %a, %b, %b, %i, %i : tensor<4xf64>, tensor<4xf64>, tensor<?xf32>, tensor<?xf32>, index, index
}

// CHECK-LABEL: func.func @once
// CHECK-NOT: alloc_tensor
func.func @once(%a: tensor<4xf64>, %b: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>) {
  return %a, %b : tensor<4xf64>, tensor<4xf64>
}
