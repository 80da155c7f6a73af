// convert-host-buffers-to-gpu: after outlining, a host function's buffers are
// device memory: memref.alloc, memref.copy and memref.dealloc become gpu.alloc,
// gpu.memcpy (target first) and gpu.dealloc; casts, dims and launches stay.
// Host code that would touch a buffer's contents is an error.
// RUN: sweep-opt %s -split-input-file -convert-host-buffers-to-gpu -verify-diagnostics | FileCheck %s

module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @k(%a: memref<?x4xf32>) kernel {
      gpu.return
    }
  }
  // CHECK-LABEL: func.func @step
  // CHECK-SAME: (%[[ARG:.*]]: memref<?x4xf32>, %[[OUT:.*]]: memref<2x4xf32>)
  func.func @step(%arg: memref<?x4xf32>, %out: memref<2x4xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    // CHECK: %[[N:.*]] = memref.dim %[[ARG]]
    %n = memref.dim %arg, %c0 : memref<?x4xf32>
    // CHECK-NEXT: %[[BUF:.*]] = gpu.alloc (%[[N]]) : memref<?x4xf32>
    %buf = memref.alloc(%n) {alignment = 64 : i64} : memref<?x4xf32>
    // CHECK-NEXT: %[[TMP:.*]] = gpu.alloc () : memref<2x4xf32>
    %tmp = memref.alloc() : memref<2x4xf32>
    // CHECK-NEXT: gpu.launch_func @kernels::@k blocks in ({{.*}}) threads in ({{.*}}) args(%[[BUF]] : memref<?x4xf32>)
    gpu.launch_func @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
        args(%buf : memref<?x4xf32>)
    // CHECK-NEXT: %[[CAST:.*]] = memref.cast %[[TMP]]
    %cast = memref.cast %tmp : memref<2x4xf32> to memref<?x4xf32>
    // CHECK-NEXT: gpu.memcpy %[[OUT]], %[[TMP]] : memref<2x4xf32>, memref<2x4xf32>
    memref.copy %tmp, %out : memref<2x4xf32> to memref<2x4xf32>
    // CHECK-NEXT: gpu.dealloc %[[BUF]] : memref<?x4xf32>
    memref.dealloc %buf : memref<?x4xf32>
    // CHECK-NEXT: gpu.dealloc %[[TMP]] : memref<2x4xf32>
    memref.dealloc %tmp : memref<2x4xf32>
    // CHECK-NOT: memref.alloc
    // CHECK-NOT: memref.copy
    // CHECK-NOT: memref.dealloc
    return
  }
}

// -----

// A load left on the host would read device memory.
func.func @host_reads(%buf: memref<4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'memref.load' op reads or writes a buffer on the host, which is device memory on a GPU; only kernels may}}
  %v = memref.load %buf[%c0] : memref<4xf32>
  return %v : f32
}

// -----

// So would an elementwise op that no kernel took.
func.func @host_fills(%buf: memref<4xf32>) {
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{'linalg.fill' op reads or writes a buffer on the host, which is device memory on a GPU; only kernels may}}
  linalg.fill ins(%zero : f32) outs(%buf : memref<4xf32>)
  return
}
