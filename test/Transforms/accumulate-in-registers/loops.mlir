// RUN: sweep-opt %s -accumulate-in-registers | FileCheck %s
// A reduction loop's output element: loaded before the loop, carried, stored after.

// CHECK-LABEL: func.func @dot
// CHECK: %[[INIT:.*]] = memref.load %arg2[%arg3]
// CHECK: %[[SUM:.*]] = scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// CHECK-NOT: memref.store
// CHECK: math.fma {{.*}}, %[[ACC]]
// CHECK: scf.yield
// CHECK: memref.store %[[SUM]], %arg2[%arg3]
func.func @dot(%a: memref<4x8xf32>, %b: memref<8xf32>, %c: memref<4xf32>, %i: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %k = %c0 to %c8 step %c1 {
    %x = memref.load %a[%i, %k] : memref<4x8xf32>
    %y = memref.load %b[%k] : memref<8xf32>
    %acc = memref.load %c[%i] : memref<4xf32>
    %s = math.fma %x, %y, %acc : f32
    memref.store %s, %c[%i] : memref<4xf32>
  }
  return
}

// Another view of the accumulator's buffer is read in the loop: it might be the
// same element, so the loop is left alone.
// CHECK-LABEL: func.func @aliased_view
// CHECK: scf.for
// CHECK-NOT: iter_args
// CHECK: memref.store
func.func @aliased_view(%buffer: memref<8xf32>, %i: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %view = memref.subview %buffer[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
  scf.for %k = %c0 to %c4 step %c1 {
    %x = memref.load %view[%k] : memref<4xf32, strided<[1]>>
    %acc = memref.load %buffer[%i] : memref<8xf32>
    %s = arith.addf %x, %acc : f32
    memref.store %s, %buffer[%i] : memref<8xf32>
  }
  return
}

// The element's index changes with the loop: not an accumulator.
// CHECK-LABEL: func.func @moving_index
// CHECK-NOT: iter_args
func.func @moving_index(%a: memref<8xf32>, %c: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %k = %c0 to %c8 step %c1 {
    %x = memref.load %a[%k] : memref<8xf32>
    %acc = memref.load %c[%k] : memref<8xf32>
    %s = arith.addf %x, %acc : f32
    memref.store %s, %c[%k] : memref<8xf32>
  }
  return
}

// A call may touch any buffer: left alone.
// CHECK-LABEL: func.func @with_call
// CHECK-NOT: iter_args
func.func private @touch(memref<4xf32>)
func.func @with_call(%c: memref<4xf32>, %i: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  scf.for %k = %c0 to %c8 step %c1 {
    %acc = memref.load %c[%i] : memref<4xf32>
    %s = arith.addf %acc, %one : f32
    memref.store %s, %c[%i] : memref<4xf32>
    func.call @touch(%c) : (memref<4xf32>) -> ()
  }
  return
}

// Stored before it is loaded in an iteration: not an accumulator.
// CHECK-LABEL: func.func @store_first
// CHECK-NOT: iter_args
func.func @store_first(%c: memref<4xf32>, %i: index, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %k = %c0 to %c8 step %c1 {
    memref.store %v, %c[%i] : memref<4xf32>
    %acc = memref.load %c[%i] : memref<4xf32>
    %s = arith.addf %acc, %v : f32
    memref.store %s, %c[%i] : memref<4xf32>
  }
  return
}
