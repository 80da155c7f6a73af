//===- SplitInput.cpp - -split-input-file for .sweep files ----------------===//

#include "tools/sweepc/SplitInput.h"

#include "llvm/ADT/StringRef.h"

#include <string>

namespace sweep {

mlir::LogicalResult splitAndProcessChunks(std::unique_ptr<llvm::MemoryBuffer> input,
                                          ChunkHandler handle, llvm::raw_ostream &os) {
  llvm::StringRef text = input->getBuffer();
  bool failed = false;
  bool first = true;
  unsigned lineOfChunk = 1; // the file's line the chunk starts on
  unsigned line = 1;
  size_t chunkBegin = 0;
  auto handleChunk = [&](size_t end) {
    // Empty lines stand for the file's lines before the chunk, so that the
    // chunk's line numbers (and expected-error @+N offsets) are the file's.
    std::string padded(lineOfChunk - 1, '\n');
    padded += text.slice(chunkBegin, end).str();
    if (!first)
      os << "\n";
    first = false;
    if (mlir::failed(handle(llvm::MemoryBuffer::getMemBufferCopy(padded, input->getBufferIdentifier()),
                            os)))
      failed = true;
  };
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find('\n', pos);
    if (end == llvm::StringRef::npos)
      end = text.size();
    if (text.slice(pos, end).trim() == "// -----") {
      handleChunk(pos);
      chunkBegin = end + 1 > text.size() ? text.size() : end + 1;
      lineOfChunk = line + 1;
    }
    pos = end + 1;
    ++line;
  }
  handleChunk(text.size());
  return mlir::failure(failed);
}

} // namespace sweep
