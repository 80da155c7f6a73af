//===- StandardStreams.cpp - file descriptors 0, 1 and 2 kept taken -------===//

#include "runtime/driver/StandardStreams.h"

#include <cerrno>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

void sweep::openClosedStandardStreams() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF)
      continue;
    // open() returns the lowest free descriptor: this one, as the lower ones
    // are open by now.
    int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

bool sweep::standardOutputReaderGone() {
  struct pollfd pipeEnd = {STDOUT_FILENO, POLLOUT, 0};
  return ::poll(&pipeEnd, 1, 0) == 1 && (pipeEnd.revents & POLLERR);
}
