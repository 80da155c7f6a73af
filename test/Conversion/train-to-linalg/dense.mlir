// convert-train-to-linalg: a dense layer starts from the bias and adds x * w
// over k, one fused multiply-add each, with the output axis innermost; gradients keep the interpreter's
// summation order. The two big products name the runtime kernel that
// convert-linalg-to-kernel-calls substitutes after bufferization.
// RUN: sweep-opt %s -convert-train-to-linalg | FileCheck %s

// CHECK-DAG: #[[$BIAS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$X:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-DAG: #[[$W:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[$Y:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>

// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[IN:.*]]: tensor<?x4xf32>, %[[WT:.*]]: tensor<2x4x8xf32>, %[[B:.*]]: tensor<2x8xf32>)
func.func @dense(%x: tensor<?x4xf32>, %w: tensor<2x4x8xf32>, %b: tensor<2x8xf32>) -> tensor<2x?x8xf32> {
  // CHECK: %[[DIM:.*]] = tensor.dim %[[IN]], %{{.*}} : tensor<?x4xf32>
  // CHECK: %[[EMPTY:.*]] = tensor.empty(%[[DIM]]) : tensor<2x?x8xf32>
  // CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#[[$BIAS]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[B]] : tensor<2x8xf32>) outs(%[[EMPTY]] : tensor<2x?x8xf32>) attrs = {sweep.bias_init}
  // CHECK: linalg.generic {indexing_maps = [#[[$X]], #[[$W]], #[[$Y]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"], library_call = "sweep_dense_shared"} ins(%[[IN]], %[[WT]] : tensor<?x4xf32>, tensor<2x4x8xf32>) outs(%[[INIT]] : tensor<2x?x8xf32>)
  // CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[WV:.*]]: f32, %[[ACC:.*]]: f32):
  // CHECK-NEXT: %[[S:.*]] = math.fma %[[XV]], %[[WV]], %[[ACC]] : f32
  // CHECK-NEXT: linalg.yield %[[S]]
  %y = train.dense %x, %w, %b : tensor<?x4xf32>, tensor<2x4x8xf32>, tensor<2x8xf32> -> tensor<2x?x8xf32>
  return %y : tensor<2x?x8xf32>
}

// CHECK-LABEL: func.func @grads
func.func @grads(%x: tensor<?x4xf32>, %w: tensor<2x4x8xf32>, %dy: tensor<2x?x8xf32>)
    -> (tensor<2x4x8xf32>, tensor<2x8xf32>, tensor<2x?x4xf32>) {
  // dW: loops (r, b, k, n), the batch reduced second; a kernel does it.
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel", "parallel"], library_call = "sweep_dense_grad_weight_shared"
  // CHECK: math.fma
  %dw = train.dense_grad_weight %x, %dy : tensor<?x4xf32>, tensor<2x?x8xf32> -> tensor<2x4x8xf32>
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
  %db = train.bias_grad %dy : tensor<2x?x8xf32> -> tensor<2x8xf32>
  // dx: the output width reduced innermost; a kernel does it.
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"], library_call = "sweep_dense_grad_input"
  // CHECK: math.fma
  %dx = train.dense_grad_input %dy, %w : tensor<2x?x8xf32>, tensor<2x4x8xf32> -> tensor<2x?x4xf32>
  return %dw, %db, %dx : tensor<2x4x8xf32>, tensor<2x8xf32>, tensor<2x?x4xf32>
}

// A wide layer (train-fuse) and its weight gradient call the one-GEMM kernels.
// CHECK-LABEL: func.func @wide
func.func @wide(%x: tensor<?x4xf32>, %w: tensor<2x4x8xf32>, %b: tensor<2x8xf32>, %dy: tensor<2x?x8xf32>)
    -> (tensor<2x?x8xf32>, tensor<2x4x8xf32>) {
  // CHECK: library_call = "sweep_dense_wide"
  %y = train.dense %x, %w, %b wide : tensor<?x4xf32>, tensor<2x4x8xf32>, tensor<2x8xf32> -> tensor<2x?x8xf32>
  // CHECK: library_call = "sweep_dense_grad_weight_wide"
  %dw = train.dense_grad_weight %x, %dy wide : tensor<?x4xf32>, tensor<2x?x8xf32> -> tensor<2x4x8xf32>
  return %y, %dw : tensor<2x?x8xf32>, tensor<2x4x8xf32>
}

// A fused activation is the product's epilogue: an elementwise pass after it,
// marked for convert-linalg-to-kernel-calls, which moves it into the kernel.
// CHECK-LABEL: func.func @fused
func.func @fused(%x: tensor<?x4xf32>, %w: tensor<2x4x8xf32>, %b: tensor<2x8xf32>, %dy: tensor<2x?x8xf32>)
    -> (tensor<2x?x8xf32>, tensor<2x?x8xf32>) {
  // CHECK: library_call = "sweep_dense_shared"
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]} {{.*}} attrs = {sweep.epilogue = "relu"}
  // relu keeps NaN (unordered compare); its slope is 0 for NaN (ordered).
  // CHECK: arith.cmpf ugt
  // CHECK-NEXT: arith.select
  %y = train.dense %x, %w, %b activation relu : tensor<?x4xf32>, tensor<2x4x8xf32>, tensor<2x8xf32> -> tensor<2x?x8xf32>
  // relu's slope from the output.
  // CHECK: linalg.generic {{.*}} attrs = {sweep.epilogue_grad = "relu"}
  // CHECK: arith.cmpf ogt
  // CHECK: arith.mulf
  %g = train.activation_output_grad relu %y, %dy : tensor<2x?x8xf32>
  return %y, %g : tensor<2x?x8xf32>, tensor<2x?x8xf32>
}
