//===- Registration.h - every dialect and pass sweepc uses ------*- C++ -*-===//
//
// The one place that registers dialects, interfaces and passes, so that the
// tools share it and no other file pays for the upstream registration headers.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LIB_REGISTRATION_REGISTRATION_H
#define SWEEP_LIB_REGISTRATION_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace sweep {

/// Our dialects plus the upstream dialects and interface models the pipeline
/// lowers through.
void registerSweepDialects(mlir::DialectRegistry &registry);

/// Our passes and the upstream passes our pipelines name, for sweep-opt and
/// textual pipelines.
void registerSweepPasses();

} // namespace sweep

#endif // SWEEP_LIB_REGISTRATION_REGISTRATION_H
