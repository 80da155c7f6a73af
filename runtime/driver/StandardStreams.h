//===- StandardStreams.h - file descriptors 0, 1 and 2 kept taken -*- C++ -*-===//
//
// A process started with standard output or error closed (`>&- 2>&-`, some
// daemons and job launchers) has those descriptors free, and the next file
// it opens takes them: runs.csv became descriptor 2, and every progress line
// and message went into it, leaving results that --resume and `sweepc report`
// refused. `sweepc` and `sweepc build` executables call this first thing: a
// closed descriptor 0, 1 or 2 is opened on /dev/null, so what would have gone
// to it goes nowhere, and files opened later get descriptors above 2.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DRIVER_STANDARDSTREAMS_H
#define SWEEP_RUNTIME_DRIVER_STANDARDSTREAMS_H

namespace sweep {

void openClosedStandardStreams();

/// Whether standard output is a pipe whose reader has gone (`sweepc ... |
/// head`): what could not be written is then no news to say, only a status.
/// Asked of the pipe itself, as the failed write's errno is long gone.
bool standardOutputReaderGone();

} // namespace sweep

#endif // SWEEP_RUNTIME_DRIVER_STANDARDSTREAMS_H
