//===- CheckedOutput.h - LLVM file streams without the fatal error -*- C++ -*-===//
//
// An llvm::raw_fd_ostream destroyed with a write error pending ends the
// process ("LLVM ERROR: IO failure on output stream: No space left on
// device"). Every file sweepc writes through one is closed here instead, and a
// full disk or a lost file system becomes an error the caller reports.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_CODEGEN_CPU_CHECKEDOUTPUT_H
#define SWEEP_CODEGEN_CPU_CHECKEDOUTPUT_H

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace sweep {

/// Closes `out` (written to `path`); false with `problem` ("cannot write
/// 'x': No space left on device") when any write or the close failed.
inline bool closeChecked(llvm::raw_fd_ostream &out, const std::string &path,
                         std::string &problem) {
  out.close();
  if (!out.has_error())
    return true;
  problem = "cannot write '" + path + "': " + out.error().message();
  out.clear_error();
  return false;
}

/// Writes `bytes` to `path` whole, replacing what was there.
inline bool writeFileChecked(const std::string &path, llvm::StringRef bytes,
                             std::string &problem) {
  std::error_code code;
  llvm::raw_fd_ostream out(path, code, llvm::sys::fs::OF_None);
  if (code) {
    problem = "cannot write '" + path + "': " + code.message();
    return false;
  }
  out << bytes;
  return closeChecked(out, path, problem);
}

} // namespace sweep

#endif // SWEEP_CODEGEN_CPU_CHECKEDOUTPUT_H
