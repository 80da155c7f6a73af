// An experiment and a group with empty bodies print and parse back, in the
// custom form and the generic one. Regression: they printed as `{ }`, which
// parsed as a region without a block ("region with 1 blocks" expected).
// RUN: sweep-opt %s | sweep-opt | FileCheck %s
// RUN: sweep-opt %s -mlir-print-op-generic | sweep-opt | FileCheck %s

// CHECK: sweep.experiment @empty_group runs 1 {
// CHECK: sweep.group @g
"sweep.experiment"() ({
  "sweep.dataset"() {sym_name = "d", source = "x", inputs = 1 : i64, targets = 1 : i64, train = 1 : i64, validation = 0 : i64, test = 0 : i64} : () -> ()
  "sweep.group"() ({
  ^bb0:
  }) {sym_name = "g", data = @d, runs = array<i64: 0>, batch = 1 : i64, epochs = 1 : i64} : () -> ()
}) {sym_name = "empty_group", runs = 1 : i64} : () -> ()

// CHECK: sweep.experiment @empty runs 0
"sweep.experiment"() ({
^bb0:
}) {sym_name = "empty", runs = 0 : i64} : () -> ()
