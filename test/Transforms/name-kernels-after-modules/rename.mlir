// RUN: sweep-opt %s -name-kernels-after-modules | FileCheck %s
// Outlining names every kernel alike; each takes its module's name, and the
// launches follow, so that PTX, the driver and the launch profile tell them apart.

// CHECK-LABEL: func.func @host
// CHECK: gpu.launch_func @k_0::@k_0
// CHECK: gpu.launch_func @k_1::@k_1
// CHECK: gpu.module @k_0
// CHECK: gpu.func @k_0(
// CHECK: gpu.module @k_1
// CHECK: gpu.func @k_1(
// A function that is not a kernel keeps its name.
// CHECK: gpu.func @helper(
module attributes {gpu.container_module} {
  func.func @host(%n: index) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @k_0::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%n : index)
    gpu.launch_func @k_1::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%n : index)
    return
  }
  gpu.module @k_0 {
    gpu.func @k(%n: index) kernel {
      gpu.return
    }
  }
  gpu.module @k_1 {
    gpu.func @k(%n: index) kernel {
      gpu.return
    }
    gpu.func @helper() {
      gpu.return
    }
  }
}
