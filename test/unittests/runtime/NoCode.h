//===- NoCode.h - generated code that is never called, for tests -*- C++ -*-===//
//
// For tests of what a compiled program does around its code (its initial
// weights, what compiling ahead allocates): code whose entry points do
// nothing and whose phase table is empty.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TEST_UNITTESTS_RUNTIME_NOCODE_H
#define SWEEP_TEST_UNITTESTS_RUNTIME_NOCODE_H

#include "runtime/exec/CompiledProgram.h"

#include <vector>

namespace sweep::test {

class NoCode : public GroupCode {
public:
  void trainStep(void **) const override {}
  void evaluate(void **) const override {}
  const std::vector<PhaseCost> &phases() const override { return none; }

private:
  std::vector<PhaseCost> none;
};

} // namespace sweep::test

#endif // SWEEP_TEST_UNITTESTS_RUNTIME_NOCODE_H
