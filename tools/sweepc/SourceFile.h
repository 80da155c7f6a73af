//===- SourceFile.h - reading a .sweep file -----------------------*- C++ -*-===//
//
// A .sweep file is read with a size limit, so that /dev/zero or an endless
// pipe given as the file is an error at once, not a read until memory runs
// out; and its lone carriage returns (classic Mac line ends) become line
// feeds, so that diagnostics name the line they are on (llvm::SourceMgr
// counts lines by '\n' alone). "-" reads standard input.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_TOOLS_SWEEPC_SOURCEFILE_H
#define SWEEP_TOOLS_SWEEPC_SOURCEFILE_H

#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace sweep {

/// The most bytes a .sweep file may hold.
constexpr size_t kMaxSourceBytes = size_t(64) << 20;

/// The file's text, or null with `error` ("cannot read 'x': ...", "'x' is
/// larger than 64 MiB ...").
std::unique_ptr<llvm::MemoryBuffer> readSourceFile(const std::string &path, std::string &error);

} // namespace sweep

#endif // SWEEP_TOOLS_SWEEPC_SOURCEFILE_H
