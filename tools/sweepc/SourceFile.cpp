//===- SourceFile.cpp - reading a .sweep file -----------------------------===//

#include "tools/sweepc/SourceFile.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

std::unique_ptr<llvm::MemoryBuffer> sweep::readSourceFile(const std::string &path,
                                                          std::string &error) {
  bool standardInput = path == "-";
  int fd = standardInput ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return nullptr;
  }
  std::string text;
  char chunk[1 << 16];
  for (;;) {
    ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      error = "cannot read '" + path + "': " + std::strerror(errno);
      break;
    }
    if (got == 0)
      break;
    text.append(chunk, size_t(got));
    if (text.size() > kMaxSourceBytes) {
      error = "'" + path + "' is larger than " + std::to_string(kMaxSourceBytes >> 20) +
              " MiB; a .sweep file is a short text";
      break;
    }
  }
  if (!standardInput)
    ::close(fd);
  if (!error.empty())
    return nullptr;
  // Lone carriage returns end lines too. Regression: a file with CR line ends
  // was one line to the diagnostics (every error "at line 1").
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))
      text[i] = '\n';
  return llvm::MemoryBuffer::getMemBufferCopy(text, standardInput ? "<stdin>" : path);
}
