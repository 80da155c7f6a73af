//===- InterruptNotice.h - what an interrupted sweep tells its user -*- C++ -*-===//
//
// A sweep stopped by SIGINT (Ctrl-C), SIGTERM (kill, a batch system's time
// limit), SIGHUP (a closed terminal), SIGQUIT (Ctrl-\), SIGXCPU (a CPU time
// limit), SIGUSR1 or SIGUSR2 (Slurm's --signal) dies of the signal as it would:
// every finished run is already in runs.csv and every finished epoch in
// curves.csv, and --resume trains the rest. While an InterruptNotice lives,
// such a signal first prints how many runs finished, where their results are
// and the command that resumes, instead of leaving the user to guess.
//
// The handler only formats two numbers and calls write(2), both
// async-signal-safe; then it puts back the signal's previous handler (in
// sweepc, LLVM's, which removes its temporary files) and raises it again, so
// the exit status is still the signal's (130 for Ctrl-C in a shell). A signal
// the process was started ignoring (nohup's SIGHUP) gets no notice.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DRIVER_INTERRUPTNOTICE_H
#define SWEEP_RUNTIME_DRIVER_INTERRUPTNOTICE_H

#include <atomic>
#include <cstddef>
#include <string>

namespace sweep {

/// Puts back the default action of SIGQUIT, SIGXCPU, SIGUSR1 and SIGUSR2
/// (or SIG_IGN where the process was started ignoring one), which
/// llvm::InitLLVM took: its crash handler printed a stack dump asking for a
/// bug report at Ctrl-\ or a CPU time limit, then went on; SIGUSR1 did nothing.
/// `cleanup` (async-signal-safe; sweepc's removes the files LLVM was told to
/// remove on a signal) runs first, then the default action. Regression:
/// `sweepc build` ended by SIGUSR1 left its half-linked EXE.partial.
void restoreTerminatingSignals(void (*cleanup)() = nullptr);

class InterruptNotice {
public:
  /// `finishedRuns` (of `totalRuns`) is read when a signal arrives: it must
  /// outlive the notice. `totalRuns` 0 leaves the counts out (a rank of
  /// several knows only its own share).
  InterruptNotice(const std::string &program, const std::string &sweepDir,
                  const std::string &resumeCommand, const std::atomic<size_t> &finishedRuns,
                  size_t totalRuns);
  ~InterruptNotice();
  InterruptNotice(const InterruptNotice &) = delete;
  InterruptNotice &operator=(const InterruptNotice &) = delete;

  /// The message as the handler writes it with `finished` runs done (for tests).
  std::string message(size_t finished) const;

private:
  friend struct InterruptNoticeHandler;
  std::string head, middle, tail; // head <finished> middle <total> tail
  const std::atomic<size_t> &finishedRuns;
  size_t totalRuns;
  bool terminal; // stderr is a terminal (isatty is not async-signal-safe).
};

} // namespace sweep

#endif // SWEEP_RUNTIME_DRIVER_INTERRUPTNOTICE_H
