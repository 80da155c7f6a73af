//===- FoldEntryPoints.h - entry points without a call of thousands of arguments -*- C++ -*-===//
//
// A group's entry points, train_step and evaluate, take every parameter,
// optimizer state and output as a memref, and the LLVM dialect passes a
// memref as its descriptor's fields: 3,302 scalar arguments for a model of
// 101 layers. Two wrappers call such a function with all of them: its C
// interface (`_mlir_ciface_F`, from llvm.emit_c_interface: the descriptors
// by pointer, which sweepc calls) and the packed wrapper mlir::ExecutionEngine
// adds to every function (`_mlir_F(void **)`, which sweepc never calls). LLVM's
// instruction selection of one such call is superlinear in its arguments: at
// 101 layers the two calls took 13.7 of `llc -O2`'s 17.1 s on the group's IR.
// This deletes the unused packed wrappers and marks F always-inline and
// internal, so that -O2 inlines it into its C interface and no call is left.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_CPU_FOLDENTRYPOINTS_H
#define SWEEP_CODEGEN_CPU_FOLDENTRYPOINTS_H

#include <cstddef>

namespace llvm {
class Module;
} // namespace llvm

namespace sweep {

/// For each function F of `module` that has a C interface `_mlir_ciface_F`
/// and no caller but it (and the packed wrapper `_mlir_F`, deleted): F
/// becomes internal and always-inline. Returns how many were folded. Run
/// before the optimizer, whose inliner does the rest.
size_t foldEntryPointsIntoCInterfaces(llvm::Module &module);

} // namespace sweep

#endif // SWEEP_CODEGEN_CPU_FOLDENTRYPOINTS_H
