// reuse-dead-buffers: an allocation takes the buffer of an earlier one of the
// same type, sizes and alignment whose last use (or its views' last use) has
// passed, and its dealloc goes; buffers that are still live, or that may be
// reached where their uses cannot be seen, keep their own.
// RUN: sweep-opt %s -reuse-dead-buffers -allow-unregistered-dialect -split-input-file | FileCheck %s

// B's life starts after A's last use: B is A's buffer. C is alive beside A:
// its own buffer.
// CHECK-LABEL: func.func @after_the_last_use
// CHECK-NEXT: %[[A:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
// CHECK-NEXT: %[[C:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
// CHECK-NEXT: "test.write"(%[[A]], %[[C]])
// CHECK-NEXT: "test.write"(%[[A]])
// CHECK-NEXT: "test.read"(%[[A]], %[[C]])
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: memref.dealloc %[[C]]
// CHECK-NEXT: return
func.func @after_the_last_use() {
  %a = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
  "test.write"(%a, %c) : (memref<4xf32>, memref<4xf32>) -> ()
  %b = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
  "test.write"(%b) : (memref<4xf32>) -> ()
  "test.read"(%b, %c) : (memref<4xf32>, memref<4xf32>) -> ()
  memref.dealloc %a : memref<4xf32>
  memref.dealloc %b : memref<4xf32>
  memref.dealloc %c : memref<4xf32>
  return
}

// -----

// A buffer freed right after its last use (a pass's scratch buffer) and taken
// over later is freed where the later value was: not under it.
// CHECK-LABEL: func.func @freed_early
// CHECK-NEXT: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: "test.write"(%[[A]])
// CHECK-NEXT: "test.write"(%[[A]])
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: "test.other"()
// CHECK-NEXT: return
func.func @freed_early() {
  %a = memref.alloc() : memref<4xf32>
  "test.write"(%a) : (memref<4xf32>) -> ()
  memref.dealloc %a : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  "test.write"(%b) : (memref<4xf32>) -> ()
  memref.dealloc %b : memref<4xf32>
  "test.other"() : () -> ()
  return
}

// -----

// Lifetimes start at the first use, not at the allocation: buffers allocated
// together, as split-shared-empties leaves them, are still reused. C's first
// use comes after A's last; B is alive beside both.
// CHECK-LABEL: func.func @allocated_together
// CHECK-NEXT: %[[A:.*]] = memref.alloc() : memref<8xf32>
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<8xf32>
// CHECK-NEXT: "test.write"(%[[A]], %[[B]])
// CHECK-NEXT: "test.write"(%[[A]], %[[B]])
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: return
func.func @allocated_together() {
  %a = memref.alloc() : memref<8xf32>
  %b = memref.alloc() : memref<8xf32>
  %c = memref.alloc() : memref<8xf32>
  "test.write"(%a, %b) : (memref<8xf32>, memref<8xf32>) -> ()
  "test.write"(%c, %b) : (memref<8xf32>, memref<8xf32>) -> ()
  memref.dealloc %a : memref<8xf32>
  memref.dealloc %b : memref<8xf32>
  memref.dealloc %c : memref<8xf32>
  return
}

// -----

// A view of A used after B's allocation keeps A alive: B gets its own
// buffer. C, allocated after that view's last use, takes A's.
// CHECK-LABEL: func.func @a_view_keeps_it_alive
// CHECK-NEXT: %[[A:.*]] = memref.alloc() : memref<4x4xf32>
// CHECK-NEXT: %[[VIEW:.*]] = memref.subview %[[A]]
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<4x4xf32>
// CHECK-NEXT: "test.write"(%[[B]])
// CHECK-NEXT: "test.read"(%[[VIEW]])
// CHECK-NEXT: "test.copy"(%[[B]], %[[A]])
// CHECK-NEXT: "test.read"(%[[A]])
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: return
func.func @a_view_keeps_it_alive() {
  %a = memref.alloc() : memref<4x4xf32>
  %view = memref.subview %a[0, 0] [1, 4] [1, 1] : memref<4x4xf32> to memref<4xf32, strided<[1]>>
  %b = memref.alloc() : memref<4x4xf32>
  "test.write"(%b) : (memref<4x4xf32>) -> ()
  "test.read"(%view) : (memref<4xf32, strided<[1]>>) -> ()
  %c = memref.alloc() : memref<4x4xf32>
  "test.copy"(%b, %c) : (memref<4x4xf32>, memref<4x4xf32>) -> ()
  "test.read"(%c) : (memref<4x4xf32>) -> ()
  memref.dealloc %a : memref<4x4xf32>
  memref.dealloc %b : memref<4x4xf32>
  memref.dealloc %c : memref<4x4xf32>
  return
}

// -----

// A use inside a loop counts at the loop: A is live until the loop ends, and
// dead after it.
// CHECK-LABEL: func.func @uses_in_a_loop
// CHECK-SAME: (%[[N:.*]]: index)
// CHECK: %[[A:.*]] = memref.alloc() : memref<8xf32>
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<8xf32>
// CHECK-NEXT: scf.for
// CHECK: "test.write"(%[[A]])
// CHECK-NEXT: "test.write"(%[[B]])
// CHECK: "test.write"(%[[A]])
// CHECK-COUNT-2: memref.dealloc
// CHECK-NOT: memref.dealloc
func.func @uses_in_a_loop(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = memref.alloc() : memref<8xf32>
  %b = memref.alloc() : memref<8xf32>
  scf.for %i = %c0 to %n step %c1 {
    "test.write"(%a) : (memref<8xf32>) -> ()
    "test.write"(%b) : (memref<8xf32>) -> ()
  }
  %c = memref.alloc() : memref<8xf32>
  "test.write"(%c) : (memref<8xf32>) -> ()
  memref.dealloc %a : memref<8xf32>
  memref.dealloc %b : memref<8xf32>
  memref.dealloc %c : memref<8xf32>
  return
}

// -----

// Only the same type, the same dynamic sizes and alignment share a buffer.
// CHECK-LABEL: func.func @only_the_same_kind
// CHECK-COUNT-5: memref.alloc
// CHECK-COUNT-5: memref.dealloc
func.func @only_the_same_kind(%n: index, %m: index) {
  %a = memref.alloc(%n) : memref<?xf32>
  "test.write"(%a) : (memref<?xf32>) -> ()
  %b = memref.alloc(%m) : memref<?xf32>
  "test.write"(%b) : (memref<?xf32>) -> ()
  %c = memref.alloc(%n) {alignment = 64 : i64} : memref<?xf32>
  "test.write"(%c) : (memref<?xf32>) -> ()
  %d = memref.alloc(%n) : memref<?xf64>
  "test.write"(%d) : (memref<?xf64>) -> ()
  %e = memref.alloc(%n) : memref<?xi32>
  "test.write"(%e) : (memref<?xi32>) -> ()
  memref.dealloc %a : memref<?xf32>
  memref.dealloc %b : memref<?xf32>
  memref.dealloc %c : memref<?xf32>
  memref.dealloc %d : memref<?xf64>
  memref.dealloc %e : memref<?xi32>
  return
}

// -----

// Buffers reachable where their uses cannot be seen keep their own: one
// returned, one yielded out of a region, one passed out of an op that is not
// a view, one turned into a pointer, one freed twice, one never freed; and
// nothing takes theirs.
// CHECK-LABEL: func.func @unseen_uses
// CHECK-COUNT-7: memref.alloc()
// CHECK-NOT: memref.alloc
func.func @unseen_uses() -> memref<2xf32> {
  %returned = memref.alloc() : memref<2xf32>
  "test.write"(%returned) : (memref<2xf32>) -> ()
  %yielded = memref.alloc() : memref<2xf32>
  %region = scf.execute_region -> memref<2xf32> {
    scf.yield %yielded : memref<2xf32>
  }
  %passed = memref.alloc() : memref<2xf32>
  %other = "test.wrap"(%passed) : (memref<2xf32>) -> memref<2xf32>
  %pointer = memref.alloc() : memref<2xf32>
  %address = memref.extract_aligned_pointer_as_index %pointer : memref<2xf32> -> index
  %twice = memref.alloc() : memref<2xf32>
  "test.write"(%twice) : (memref<2xf32>) -> ()
  %kept = memref.alloc() : memref<2xf32>
  "test.write"(%kept) : (memref<2xf32>) -> ()
  %last = memref.alloc() : memref<2xf32>
  "test.write"(%last) : (memref<2xf32>) -> ()
  "test.read"(%region, %other, %address) : (memref<2xf32>, memref<2xf32>, index) -> ()
  memref.dealloc %yielded : memref<2xf32>
  memref.dealloc %passed : memref<2xf32>
  memref.dealloc %pointer : memref<2xf32>
  memref.dealloc %twice : memref<2xf32>
  memref.dealloc %twice : memref<2xf32>
  memref.dealloc %last : memref<2xf32>
  return %returned : memref<2xf32>
}

// -----

// Of two free buffers the one freed last is taken (the one most likely still
// in cache): C takes B's; D, alive beside C, takes A's.
// CHECK-LABEL: func.func @the_one_freed_last
// CHECK-NEXT: %[[A:.*]] = memref.alloc() : memref<16xf32>
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<16xf32>
// CHECK-NEXT: "test.write"(%[[A]], %[[B]])
// CHECK-NEXT: "test.read"(%[[A]])
// CHECK-NEXT: "test.read"(%[[B]])
// CHECK-NEXT: "test.write"(%[[B]], %[[A]])
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: return
func.func @the_one_freed_last() {
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  "test.write"(%a, %b) : (memref<16xf32>, memref<16xf32>) -> ()
  "test.read"(%a) : (memref<16xf32>) -> ()
  "test.read"(%b) : (memref<16xf32>) -> ()
  %c = memref.alloc() : memref<16xf32>
  %d = memref.alloc() : memref<16xf32>
  "test.write"(%c, %d) : (memref<16xf32>, memref<16xf32>) -> ()
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  memref.dealloc %c : memref<16xf32>
  memref.dealloc %d : memref<16xf32>
  return
}

// -----

// In place: an elementwise generic whose input dies where its output is born
// writes the output over it (identity maps, no reduction); the casts before a
// use are not uses. A reduction, or an input read again later, gets a buffer
// of its own.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @in_place
// CHECK-NEXT: %[[A:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK-NEXT: "test.write"(%[[A]])
// CHECK-NEXT: %[[CAST:.*]] = memref.cast %[[A]]
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[CAST]] : memref<?x8xf32>) outs(%[[A]] : memref<4x8xf32>)
// CHECK: %[[C:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[A]] : memref<4x8xf32>) outs(%[[C]] : memref<4x8xf32>)
// CHECK: "test.read"(%[[A]], %[[C]])
// CHECK-NEXT: %[[R:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[C]] : memref<4x8xf32>) outs(%[[R]] : memref<4xf32>)
func.func @in_place() {
  %a = memref.alloc() : memref<4x8xf32>
  %b = memref.alloc() : memref<4x8xf32>
  %c = memref.alloc() : memref<4x8xf32>
  %r = memref.alloc() : memref<4xf32>
  "test.write"(%a) : (memref<4x8xf32>) -> ()
  %cast = memref.cast %a : memref<4x8xf32> to memref<?x8xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%cast : memref<?x8xf32>) outs(%b : memref<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = arith.mulf %in, %in : f32
    linalg.yield %y : f32
  }
  // %b is read again after this one: %c cannot go over it.
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b : memref<4x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  "test.read"(%b, %c) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%c : memref<4x8xf32>) outs(%r : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  %d = memref.alloc() : memref<4x8xf32>
  // A reduction of a 4x8 into a 4x8 (same type, summing each row into its
  // first column) cannot run in place.
  linalg.generic {indexing_maps = [#id, affine_map<(d0, d1) -> (d0, 0)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%c : memref<4x8xf32>) outs(%d : memref<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  "test.read"(%r, %d) : (memref<4xf32>, memref<4x8xf32>) -> ()
  memref.dealloc %a : memref<4x8xf32>
  memref.dealloc %b : memref<4x8xf32>
  memref.dealloc %c : memref<4x8xf32>
  memref.dealloc %d : memref<4x8xf32>
  memref.dealloc %r : memref<4xf32>
  return
}
// The reduction's output %d took %a's buffer (dead since the second
// generic), not %c's.
// CHECK: linalg.generic {{.*}} ins(%[[C]] : memref<4x8xf32>) outs(%[[A]] : memref<4x8xf32>)

// -----

// The input-gradient kernel writes dx over its gate y or its dy, not over
// the weights.
func.func private @sweep_dense_grad_input_through_relu(memref<?x?x?xf32>, memref<?x?x?xf32>, memref<?x?x?xf32>, memref<?x?x?xf32>)
// CHECK-LABEL: func.func @kernel_in_place
// CHECK-NEXT: %[[Y:.*]] = memref.alloc() : memref<2x4x8xf32>
// CHECK-NEXT: %[[W:.*]] = memref.alloc() : memref<2x4x8xf32>
// CHECK-NEXT: %[[DY:.*]] = memref.alloc() : memref<2x4x8xf32>
// CHECK-NEXT: "test.write"(%[[Y]], %[[W]], %[[DY]])
// CHECK-NEXT: %[[C0:.*]] = memref.cast %[[DY]]
// CHECK-NEXT: %[[C1:.*]] = memref.cast %[[W]]
// CHECK-NEXT: %[[C2:.*]] = memref.cast %[[Y]]
// CHECK-NEXT: %[[C3:.*]] = memref.cast %[[DY]]
// CHECK-NEXT: call @sweep_dense_grad_input_through_relu(%[[C0]], %[[C1]], %[[C2]], %[[C3]])
// CHECK-NEXT: "test.read"(%[[Y]], %[[W]])
// CHECK-NEXT: %[[D0:.*]] = memref.cast %[[DY]]
// CHECK-NEXT: %[[D2:.*]] = memref.cast %[[Y]]
// CHECK-NEXT: %[[D3:.*]] = memref.cast %[[Y]]
// CHECK-NEXT: call @sweep_dense_grad_input_through_relu(%[[D0]], %[[C1]], %[[D2]], %[[D3]])
// CHECK-NEXT: "test.read"(%[[DY]])
// CHECK: %[[DX3:.*]] = memref.alloc() : memref<2x4x8xf32>
// CHECK-NEXT: %[[E3:.*]] = memref.cast %[[DX3]]
// CHECK-NEXT: call @sweep_dense_grad_input_through_relu({{.*}}, %[[C1]], {{.*}}, %[[E3]])
// CHECK-NEXT: "test.read"(%[[DY]], %[[Y]], %[[DX3]])
func.func @kernel_in_place() {
  %y = memref.alloc() : memref<2x4x8xf32>
  %w = memref.alloc() : memref<2x4x8xf32>
  %dy = memref.alloc() : memref<2x4x8xf32>
  %dx = memref.alloc() : memref<2x4x8xf32>
  %dx2 = memref.alloc() : memref<2x4x8xf32>
  %dx3 = memref.alloc() : memref<2x4x8xf32>
  "test.write"(%y, %w, %dy) : (memref<2x4x8xf32>, memref<2x4x8xf32>, memref<2x4x8xf32>) -> ()
  // dy dies here: dx goes over it (y is read again).
  %c0 = memref.cast %dy : memref<2x4x8xf32> to memref<?x?x?xf32>
  %c1 = memref.cast %w : memref<2x4x8xf32> to memref<?x?x?xf32>
  %c2 = memref.cast %y : memref<2x4x8xf32> to memref<?x?x?xf32>
  %c3 = memref.cast %dx : memref<2x4x8xf32> to memref<?x?x?xf32>
  call @sweep_dense_grad_input_through_relu(%c0, %c1, %c2, %c3) : (memref<?x?x?xf32>, memref<?x?x?xf32>, memref<?x?x?xf32>, memref<?x?x?xf32>) -> ()
  "test.read"(%y, %w) : (memref<2x4x8xf32>, memref<2x4x8xf32>) -> ()
  // y dies here: dx2 goes over it (dx is read again).
  %d0 = memref.cast %dx : memref<2x4x8xf32> to memref<?x?x?xf32>
  %d2 = memref.cast %y : memref<2x4x8xf32> to memref<?x?x?xf32>
  %d3 = memref.cast %dx2 : memref<2x4x8xf32> to memref<?x?x?xf32>
  call @sweep_dense_grad_input_through_relu(%d0, %c1, %d2, %d3) : (memref<?x?x?xf32>, memref<?x?x?xf32>, memref<?x?x?xf32>, memref<?x?x?xf32>) -> ()
  "test.read"(%dx) : (memref<2x4x8xf32>) -> ()
  // Only w dies here (dx and dx2 are read after): dx3 may not go over the
  // weights, and the buffer free since before (none) is not there.
  %e0 = memref.cast %dx : memref<2x4x8xf32> to memref<?x?x?xf32>
  %e2 = memref.cast %dx2 : memref<2x4x8xf32> to memref<?x?x?xf32>
  %e3 = memref.cast %dx3 : memref<2x4x8xf32> to memref<?x?x?xf32>
  call @sweep_dense_grad_input_through_relu(%e0, %c1, %e2, %e3) : (memref<?x?x?xf32>, memref<?x?x?xf32>, memref<?x?x?xf32>, memref<?x?x?xf32>) -> ()
  "test.read"(%dx, %dx2, %dx3) : (memref<2x4x8xf32>, memref<2x4x8xf32>, memref<2x4x8xf32>) -> ()
  memref.dealloc %y : memref<2x4x8xf32>
  memref.dealloc %w : memref<2x4x8xf32>
  memref.dealloc %dy : memref<2x4x8xf32>
  memref.dealloc %dx : memref<2x4x8xf32>
  memref.dealloc %dx2 : memref<2x4x8xf32>
  memref.dealloc %dx3 : memref<2x4x8xf32>
  return
}

// -----

// Each buffer is allocated where it is first touched (a view counts), not at
// the top of the function where the empty tensors were: long-lived pointers
// cost LLVM time. Dynamic sizes are defined before.
// CHECK-LABEL: func.func @allocated_where_first_touched
// CHECK-SAME: (%[[N:.*]]: index)
// CHECK-NEXT: "test.other"()
// CHECK-NEXT: %[[A:.*]] = memref.alloc(%[[N]]) : memref<?xf32>
// CHECK-NEXT: "test.write"(%[[A]])
// CHECK-NEXT: "test.other"()
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: %[[V:.*]] = memref.cast %[[B]]
// CHECK-NEXT: "test.other"()
// CHECK-NEXT: "test.write"(%[[V]])
func.func @allocated_where_first_touched(%n: index) {
  %a = memref.alloc(%n) : memref<?xf32>
  %b = memref.alloc() : memref<4xf32>
  "test.other"() : () -> ()
  "test.write"(%a) : (memref<?xf32>) -> ()
  "test.other"() : () -> ()
  %v = memref.cast %b : memref<4xf32> to memref<?xf32>
  "test.other"() : () -> ()
  "test.write"(%v) : (memref<?xf32>) -> ()
  memref.dealloc %a : memref<?xf32>
  memref.dealloc %b : memref<4xf32>
  return
}
