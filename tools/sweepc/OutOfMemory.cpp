//===- OutOfMemory.cpp - a clear error when memory runs out ---------------===//

#include "tools/sweepc/OutOfMemory.h"

#include "llvm/Support/ErrorHandling.h"

#include <cstring>

#include <unistd.h>

namespace {
// Written before memory runs out, read by the handler without allocating.
char context[512];

void writeText(const char *text) {
  size_t length = std::strlen(text);
  while (length > 0) {
    ssize_t written = ::write(STDERR_FILENO, text, length);
    if (written <= 0)
      return;
    text += written;
    length -= size_t(written);
  }
}

void outOfMemory(void *, const char *, bool) {
  writeText("sweepc: error: out of memory");
  if (context[0]) {
    writeText(" while ");
    writeText(context);
  }
  writeText("; a sweep takes memory in proportion to its runs: split it into smaller "
            "sweeps or run where more memory is free\n");
  ::_exit(1);
}
} // namespace

void sweep::installOutOfMemoryHandler() { llvm::install_bad_alloc_error_handler(outOfMemory); }

void sweep::setOutOfMemoryContext(const std::string &doing, const std::string &sweep,
                                  size_t runs) {
  setOutOfMemoryContext(doing + " sweep '" + sweep + "' (" + std::to_string(runs) + " run" +
                        (runs == 1 ? "" : "s") + ")");
}

void sweep::setOutOfMemoryContext(const std::string &doing) {
  std::strncpy(context, doing.c_str(), sizeof context - 1);
  context[sizeof context - 1] = 0;
}
