//===- FatalErrors.cpp - clear errors where a process cannot go on --------===//

#include "runtime/driver/FatalErrors.h"

#include <csignal>
#include <cstring>
#include <exception>
#include <new>
#include <system_error>

#include <unistd.h>

namespace {
// Written before anything fails, read by the handlers without allocating.
char programName[256] = "sweepc";
char context[512];

void copy(char *to, size_t size, const std::string &text) {
  std::strncpy(to, text.c_str(), size - 1);
  to[size - 1] = 0;
}

void writeText(const char *text) {
  for (size_t length = std::strlen(text); length > 0;) {
    ssize_t written = ::write(STDERR_FILENO, text, length);
    if (written <= 0)
      return;
    text += written;
    length -= size_t(written);
  }
}

void writeContext() {
  if (context[0]) {
    writeText(" while ");
    writeText(context);
  }
}

/// An exception nothing caught: the process cannot go on, but it says why
/// instead of aborting. Regression: a thread that could not start (too many,
/// or too little memory) aborted with "terminate called after throwing".
[[noreturn]] void onTerminate() {
  const char *what = "an unexpected failure";
  bool threads = false;
  if (std::exception_ptr failure = std::current_exception()) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::bad_alloc &) {
      sweep::reportOutOfMemory();
    } catch (const std::system_error &error) {
      what = error.what();
      threads = error.code() == std::errc::resource_unavailable_try_again;
    } catch (const std::exception &error) {
      what = error.what();
    } catch (...) {
    }
  }
  writeText(programName);
  writeText(": error: cannot go on");
  writeContext();
  writeText(": ");
  writeText(what);
  if (threads)
    writeText(" (a thread could not start: the process's memory or thread limit is reached)");
  writeText("\n");
  ::_exit(1);
}
} // namespace

void sweep::installFatalErrorHandlers(const std::string &program) {
  copy(programName, sizeof programName, program);
  std::set_new_handler(reportOutOfMemory);
  std::set_terminate(onTerminate);
  // A file size limit (ulimit -f) sends SIGXFSZ at the write that reaches it,
  // whose default ends the process (and LLVM's handler prints a stack dump
  // first). Ignored, the write fails with EFBIG: the results store cuts back
  // what it half wrote and the error names the file, as on a full disk.
  std::signal(SIGXFSZ, SIG_IGN);
}

void sweep::setOutOfMemoryContext(const std::string &doing) {
  copy(context, sizeof context, doing);
}

void sweep::setOutOfMemoryContext(const std::string &doing, const std::string &sweep,
                                  size_t runs) {
  setOutOfMemoryContext(doing + " sweep '" + sweep + "' (" + std::to_string(runs) + " run" +
                        (runs == 1 ? "" : "s") + ")");
}

void sweep::reportOutOfMemory() {
  writeText(programName);
  writeText(": error: out of memory");
  writeContext();
  writeText("; a sweep takes memory in proportion to its runs and their models' sizes: "
            "split it into smaller sweeps, make the models smaller, or run where more memory "
            "is free\n");
  ::_exit(1);
}
