// A generic naming a sweep_ library call must give the kernel the operands it
// takes. Regression: a scalar operand, too few inputs or operands of other
// ranks crashed convert-linalg-to-kernel-calls, or called the kernel with
// arguments it does not read.
// RUN: sweep-opt %s -convert-linalg-to-kernel-calls -split-input-file -verify-diagnostics

#id = affine_map<(d0) -> (d0)>
#s = affine_map<(d0) -> ()>
func.func @scalar(%a: memref<3xf32>, %f: f32, %b: memref<3xf32>) {
  // expected-error @+1 {{library_call 'sweep_whatever' names no sweep kernel}}
  linalg.generic {indexing_maps = [#id, #s, #id], iterator_types = ["parallel"], library_call = "sweep_whatever"}
      ins(%a, %f : memref<3xf32>, f32) outs(%b : memref<3xf32>) {
  ^bb0(%in: f32, %x: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

#id = affine_map<(d0) -> (d0)>
func.func @epi(%a: memref<3xf32>, %b: memref<3xf32>, %c: memref<3xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : memref<3xf32>) outs(%b : memref<3xf32>) attrs = {sweep.bias_init} {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  // expected-error @+1 {{library_call 'sweep_dense_shared' takes f32 memrefs of ranks 2, 3 and 3, got 'memref<3xf32>'}}
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"], library_call = "sweep_dense_shared"}
      ins(%a, %a : memref<3xf32>, memref<3xf32>) outs(%b : memref<3xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    linalg.yield %out : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%b : memref<3xf32>) outs(%c : memref<3xf32>) attrs = {sweep.epilogue} {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

#id = affine_map<(d0) -> (d0)>
func.func @prod1(%a: memref<3xf32>, %b: memref<3xf32>) {
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]} outs(%b : memref<3xf32>) attrs = {sweep.bias_init} {
  ^bb0(%out: f32):
    linalg.yield %out : f32
  }
  // expected-error @+1 {{library_call 'sweep_dense_shared' takes two inputs and one output, got 0 and 1}}
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"], library_call = "sweep_dense_shared"}
      outs(%b : memref<3xf32>) {
  ^bb0(%out: f32):
    linalg.yield %out : f32
  }
  return
}
