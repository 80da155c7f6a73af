// A phase outside a func.func is an error: the phase table records each
// phase's function. Regression: convert-energy-to-probe-calls crashed on it.
// RUN: sweep-opt %s -convert-energy-to-probe-calls -split-input-file -verify-diagnostics

module {
  // expected-error @+1 {{convert-energy-to-probe-calls: a phase must be inside a func.func, whose name the phase table records}}
  energy.region "forward" flops 1 bytes 1 {
  }
}

// -----

llvm.func @f() {
  // expected-error @+1 {{a phase must be inside a func.func}}
  energy.region "forward" flops 1 bytes 1 {
  }
  llvm.return
}
