//===- SplitInput.h - -split-input-file for .sweep files ----------*- C++ -*-===//
//
// `sweepc -split-input-file` checks each chunk between "// -----" lines on its
// own, as mlir-opt does for .mlir tests. MLIR's splitter names each chunk
// "within split at FILE:N offset " and counts lines from the chunk's start,
// so a diagnostic read "within split at x.sweep:12 offset :4:17": not the
// file:line:col every other sweepc diagnostic gives. Here each chunk keeps
// the file's name and is preceded by as many empty lines as come before it,
// so its positions are the file's own.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TOOLS_SWEEPC_SPLITINPUT_H
#define SWEEP_TOOLS_SWEEPC_SPLITINPUT_H

#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

namespace sweep {

using ChunkHandler =
    llvm::function_ref<mlir::LogicalResult(std::unique_ptr<llvm::MemoryBuffer>, llvm::raw_ostream &)>;

/// Calls `handle` on each chunk of `input` between lines that read "// -----"
/// (spaces around allowed), writing a line feed between the chunks' outputs.
/// Fails when any chunk failed; every chunk is handled either way.
mlir::LogicalResult splitAndProcessChunks(std::unique_ptr<llvm::MemoryBuffer> input,
                                          ChunkHandler handle, llvm::raw_ostream &os);

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_SPLITINPUT_H
