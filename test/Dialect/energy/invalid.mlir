// Every verifier error of the energy dialect.
// RUN: sweep-opt %s -split-input-file -verify-diagnostics

func.func @negative() {
  // expected-error @+1 {{costs cannot be negative (flops -1, bytes 0)}}
  energy.region "forward" flops -1 bytes 0 {
  }
  return
}

// -----

func.func @unnamed() {
  // expected-error @+1 {{needs a phase name}}
  energy.region "" flops 1 bytes 0 {
  }
  return
}

// -----

func.func @yield_types(%x: tensor<4xf32>) {
  // expected-error @+1 {{yields 1 values whose types differ from its results}}
  %y = energy.region "forward" flops 1 bytes 0 -> tensor<8xf32> {
    energy.yield %x : tensor<4xf32>
  }
  return
}

// -----

// Regression: arguments were taken, and lowering the region used them after
// its block was erased.
func.func @arguments() {
  // expected-error @+1 {{region should have no arguments}}
  energy.region "x" flops 0 bytes 0 {
  ^bb0(%a: i32):
    %b = arith.addi %a, %a : i32
  }
  return
}
