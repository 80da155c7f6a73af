// RUN: sweep-opt %s -name-kernels-after-modules | FileCheck %s
// A module of several kernels keeps their names, and so does one where the
// module's name is another symbol's. Regression: every kernel of a module
// took its name ("redefinition of symbol").

// CHECK-LABEL: func.func @host
// CHECK: gpu.launch_func @m::@a
// CHECK: gpu.launch_func @m::@b
// CHECK: gpu.launch_func @n::@k
// CHECK: gpu.func @a() kernel
// CHECK: gpu.func @b() kernel
// CHECK: gpu.func @n()
// CHECK: gpu.func @k() kernel
module attributes {gpu.container_module} {
  func.func @host() {
    %c1 = arith.constant 1 : index
    gpu.launch_func @m::@a blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
    gpu.launch_func @m::@b blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
    gpu.launch_func @n::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
    return
  }
  gpu.module @m {
    gpu.func @a() kernel { gpu.return }
    gpu.func @b() kernel { gpu.return }
  }
  gpu.module @n {
    gpu.func @n() { gpu.return }
    gpu.func @k() kernel { gpu.return }
  }
}
