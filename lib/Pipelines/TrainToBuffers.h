//===- TrainToBuffers.h - the pipeline's half both targets share -*- C++ -*-===//
//
// Train IR to bufferized linalg on memrefs, in three steps that the CPU and
// the GPU pipelines both run (CpuPipeline.h, GpuPipeline.h); they part where
// the generics become loops (the CPU's kernel calls and scf.for, the GPU's
// scf.parallel mapped to blocks and threads).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LIB_PIPELINES_TRAINTOBUFFERS_H
#define SWEEP_LIB_PIPELINES_TRAINTOBUFFERS_H

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace sweep {

/// train-fuse, train-autodiff and, with `energyProbes`, energy-insert-probes.
void addTrainPasses(mlir::OpPassManager &pm, bool energyProbes);

/// The probe calls (with `energyProbes`), convert-train-to-linalg, the
/// elementwise ops to linalg, canonicalize, CSE and split-shared-fills:
/// linalg on tensors.
void addLinalgPasses(mlir::OpPassManager &pm, bool energyProbes);

/// One-shot bufferization (results with static shapes become out-parameters)
/// and buffer deallocation.
void addBufferizationPasses(mlir::OpPassManager &pm);

} // namespace sweep

#endif // SWEEP_LIB_PIPELINES_TRAINTOBUFFERS_H
