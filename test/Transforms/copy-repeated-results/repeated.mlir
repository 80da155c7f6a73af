// RUN: sweep-opt %s -copy-repeated-results | FileCheck %s
// The whole CPU pipeline takes these functions. Regression: a returned
// argument crashed buffer-results-to-out-params (a null defining op).
// RUN: sweep-opt %s --sweep-cpu-pipeline > /dev/null
// The second return of one tensor becomes a copy, and so does a returned
// argument, so each result gets its own buffer; a result computed and
// returned once, and non-tensor results, are left alone.

// CHECK-LABEL: func.func @twice
// CHECK-SAME: (%[[A:.*]]: tensor<4xf64>, %[[B:.*]]: tensor<?xf32>
// CHECK: %[[FIRST:.*]] = bufferization.alloc_tensor() copy(%[[A]]) : tensor<4xf64>
// CHECK: %[[COPY:.*]] = bufferization.alloc_tensor() copy(%[[A]]) : tensor<4xf64>
// CHECK: %[[FIRSTB:.*]] = bufferization.alloc_tensor() copy(%[[B]]) : tensor<?xf32>
// CHECK: %[[COPYB:.*]] = bufferization.alloc_tensor() copy(%[[B]]) : tensor<?xf32>
// CHECK: return %[[FIRST]], %[[COPY]], %[[FIRSTB]], %[[COPYB]], %{{.*}}, %{{.*}} :
func.func @twice(%a: tensor<4xf64>, %b: tensor<?xf32>, %i: index)
    -> (tensor<4xf64>, tensor<4xf64>, tensor<?xf32>, tensor<?xf32>, index, index) {
  return %a, %a, %b, %b, %i, %i : tensor<4xf64>, tensor<4xf64>, tensor<?xf32>, tensor<?xf32>, index, index
}

// CHECK-LABEL: func.func @once
// CHECK-NOT: alloc_tensor
// CHECK: return
func.func @once(%a: tensor<4xf64>, %b: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>) {
  %s = arith.addf %a, %b : tensor<4xf64>
  %t = arith.mulf %a, %b : tensor<4xf64>
  return %s, %t : tensor<4xf64>, tensor<4xf64>
}

// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[C:.*]] = bufferization.alloc_tensor() copy(%[[X]]) : tensor<4xf32>
// CHECK: return %[[C]]
func.func @identity(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
