// RUN: sweep-opt %s -split-input-file -merge-kernel-modules | FileCheck %s
// Each outlined kernel's gpu.module is moved into one, @kernels (one NVPTX
// run, ptxas and fatbinary for a group), and every launch follows. A
// symbol whose name is taken already is renamed in its old module first,
// with its uses there.

// CHECK-LABEL: func.func @host
// CHECK: gpu.launch_func @kernels::@k_0
// CHECK: gpu.launch_func @kernels::@k_1
// CHECK: gpu.launch_func @kernels::@k_0
// CHECK-NOT: gpu.module
// CHECK: gpu.module @kernels {
// CHECK: gpu.func @k_0(
// CHECK: func.call @helper()
// CHECK: func.func @helper()
// CHECK: gpu.func @k_1(
// CHECK: func.call @[[RENAMED:helper_[0-9]+]]()
// CHECK: func.func @[[RENAMED]]()
// CHECK-NOT: gpu.module
module attributes {gpu.container_module} {
  func.func @host(%n: index) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @k_0::@k_0 blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%n : index)
    gpu.launch_func @k_1::@k_1 blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%n : index)
    gpu.launch_func @k_0::@k_0 blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%n : index)
    return
  }
  gpu.module @k_0 {
    gpu.func @k_0(%n: index) kernel {
      func.call @helper() : () -> ()
      gpu.return
    }
    func.func @helper() {
      return
    }
  }
  gpu.module @k_1 {
    gpu.func @k_1(%n: index) kernel {
      func.call @helper() : () -> ()
      gpu.return
    }
    func.func @helper() {
      return
    }
  }
}

// -----

// The merged module takes a name nothing else has.
// CHECK-LABEL: func.func @kernels
// CHECK: gpu.launch_func @[[MERGED:kernels_[0-9]+]]::@a
// CHECK: gpu.launch_func @[[MERGED]]::@b
// CHECK: gpu.module @[[MERGED]] {
// CHECK: gpu.func @a(
// CHECK: gpu.func @b(
module attributes {gpu.container_module} {
  func.func @kernels(%n: index) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @a::@a blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%n : index)
    gpu.launch_func @b::@b blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%n : index)
    return
  }
  gpu.module @a {
    gpu.func @a(%n: index) kernel {
      gpu.return
    }
  }
  gpu.module @b {
    gpu.func @b(%n: index) kernel {
      gpu.return
    }
  }
}

// -----

// Modules compiled for different targets stay apart.
// CHECK-LABEL: func.func @host
// CHECK: gpu.launch_func @a::@a
// CHECK: gpu.launch_func @b::@b
// CHECK: gpu.module @a [#nvvm.target<chip = "sm_90">]
// CHECK: gpu.module @b [#nvvm.target<chip = "sm_80">]
module attributes {gpu.container_module} {
  func.func @host(%n: index) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @a::@a blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%n : index)
    gpu.launch_func @b::@b blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%n : index)
    return
  }
  gpu.module @a [#nvvm.target<chip = "sm_90">] {
    gpu.func @a(%n: index) kernel {
      gpu.return
    }
  }
  gpu.module @b [#nvvm.target<chip = "sm_80">] {
    gpu.func @b(%n: index) kernel {
      gpu.return
    }
  }
}

// -----

// Modules with the same target become one, which keeps it.
// CHECK-LABEL: func.func @host
// CHECK: gpu.launch_func @kernels::@a
// CHECK: gpu.module @kernels [#nvvm.target<chip = "sm_90">] {
module attributes {gpu.container_module} {
  func.func @host(%n: index) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @a::@a blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%n : index)
    gpu.launch_func @b::@b blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%n : index)
    return
  }
  gpu.module @a [#nvvm.target<chip = "sm_90">] {
    gpu.func @a(%n: index) kernel {
      gpu.return
    }
  }
  gpu.module @b [#nvvm.target<chip = "sm_90">] {
    gpu.func @b(%n: index) kernel {
      gpu.return
    }
  }
}
