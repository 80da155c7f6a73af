//===- InterruptNotice.cpp - what an interrupted sweep tells its user -----===//

#include "runtime/driver/InterruptNotice.h"

#include <array>
#include <cassert>
#include <csignal>
#include <cstring>
#include <thread>

#include <time.h>

#include <unistd.h>

using namespace sweep;

namespace {
/// The signals that end a process by default and that a user or a batch
/// system sends to stop it: SIGQUIT (Ctrl-\\), SIGXCPU (a CPU time limit),
/// SIGUSR1 and SIGUSR2 (Slurm's --signal) too.
constexpr std::array<int, 7> kSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT,
                                         SIGXCPU, SIGUSR1, SIGUSR2};

/// Which signals the process was started ignoring (nohup's SIGHUP), recorded
/// before main(): by the time a sweep starts, LLVM's own handlers (which
/// remove temporary files, then re-raise) have replaced SIG_IGN.
struct IgnoredAtStart {
  bool ignored[kSignals.size()] = {};
  IgnoredAtStart() {
    for (size_t k = 0; k < kSignals.size(); ++k) {
      struct sigaction current;
      ignored[k] = ::sigaction(kSignals[k], nullptr, &current) == 0 &&
                   current.sa_handler == SIG_IGN;
    }
  }
};
const IgnoredAtStart ignoredAtStart;
} // namespace

namespace sweep {
/// The process-wide part: one notice at a time (sweeps run one after another).
struct InterruptNoticeHandler {
  static std::atomic<const InterruptNotice *> active;
  /// Handlers writing a notice now: the notice's destructor waits for them,
  /// so a signal on another thread never reads a notice being destroyed.
  static std::atomic<int> writing;
  static struct sigaction previous[kSignals.size()];
  static std::atomic<bool> installed[kSignals.size()];
  static_assert(std::atomic<const InterruptNotice *>::is_always_lock_free &&
                    std::atomic<int>::is_always_lock_free &&
                    std::atomic<bool>::is_always_lock_free &&
                    std::atomic<size_t>::is_always_lock_free,
                "a signal handler may only use lock-free atomics");

  static void writeAll(const char *text, size_t size) {
    while (size > 0) {
      ssize_t written = ::write(STDERR_FILENO, text, size);
      if (written <= 0)
        return;
      text += written;
      size -= size_t(written);
    }
  }
  static void writeNumber(size_t value) {
    char digits[24];
    size_t n = 0;
    do {
      digits[sizeof digits - ++n] = char('0' + value % 10);
      value /= 10;
    } while (value && n < sizeof digits);
    writeAll(digits + sizeof digits - n, n);
  }
  static void handle(int signal) {
    writing.fetch_add(1);
    if (const InterruptNotice *notice = active.exchange(nullptr)) {
      // A terminal shows "^C" where the status line was: start a line of our own.
      if (notice->terminal)
        writeAll("\n", 1);
      writeAll(notice->head.data(), notice->head.size());
      if (notice->totalRuns) {
        writeNumber(notice->finishedRuns.load());
        writeAll(notice->middle.data(), notice->middle.size());
        writeNumber(notice->totalRuns);
      }
      writeAll(notice->tail.data(), notice->tail.size());
    }
    writing.fetch_sub(1);
    // Another signal on another thread may be writing the notice: dying now
    // would cut it short. Regression: SIGINT and SIGTERM at once printed
    // "sweepc: interrupted; 0 of" and no more.
    while (writing.load() > 0) {
      struct timespec pause = {0, 1000000};
      ::nanosleep(&pause, nullptr);
    }
    for (size_t k = 0; k < kSignals.size(); ++k)
      if (kSignals[k] == signal && installed[k].load())
        ::sigaction(signal, &previous[k], nullptr);
    ::raise(signal);
  }
};
std::atomic<const InterruptNotice *> InterruptNoticeHandler::active{nullptr};
std::atomic<int> InterruptNoticeHandler::writing{0};
struct sigaction InterruptNoticeHandler::previous[kSignals.size()];
std::atomic<bool> InterruptNoticeHandler::installed[kSignals.size()];
} // namespace sweep

InterruptNotice::InterruptNotice(const std::string &program, const std::string &sweepDir,
                                 const std::string &resumeCommand,
                                 const std::atomic<size_t> &finishedRuns, size_t totalRuns)
    : finishedRuns(finishedRuns), totalRuns(totalRuns), terminal(::isatty(STDERR_FILENO)) {
  head = program + ": interrupted; ";
  middle = " of ";
  tail = std::string(totalRuns ? " runs finished; the" : "the") + " results so far are in " +
         sweepDir + " (runs.csv, curves.csv), and `" + resumeCommand + "` trains the rest\n";
  using H = InterruptNoticeHandler;
  const InterruptNotice *none = nullptr;
  bool first = H::active.compare_exchange_strong(none, this);
  assert(first && "one InterruptNotice at a time");
  (void)first;
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = &H::handle;
  sigemptyset(&action.sa_mask);
  for (int signal : kSignals)
    sigaddset(&action.sa_mask, signal); // One notice, whichever signals arrive.
  for (size_t k = 0; k < kSignals.size(); ++k) {
    H::installed[k].store(false);
    struct sigaction current;
    if (ignoredAtStart.ignored[k] || ::sigaction(kSignals[k], nullptr, &current) != 0 ||
        current.sa_handler == SIG_IGN)
      continue;
    H::installed[k].store(::sigaction(kSignals[k], &action, &H::previous[k]) == 0);
  }
}

InterruptNotice::~InterruptNotice() {
  using H = InterruptNoticeHandler;
  for (size_t k = 0; k < kSignals.size(); ++k)
    if (H::installed[k].exchange(false))
      ::sigaction(kSignals[k], &H::previous[k], nullptr);
  const InterruptNotice *self = this;
  H::active.compare_exchange_strong(self, nullptr);
  // A handler that took this notice before it was withdrawn is writing it:
  // it ends by killing the process, but until then its strings must live.
  while (H::writing.load() > 0)
    std::this_thread::yield();
}

std::string InterruptNotice::message(size_t finished) const {
  if (!totalRuns)
    return head + tail;
  return head + std::to_string(finished) + middle + std::to_string(totalRuns) + tail;
}

namespace {
std::atomic<void (*)()> terminatingCleanup{nullptr};

/// Runs the cleanup, then dies of the signal as by default.
void cleanUpAndDie(int signal) {
  if (void (*cleanup)() = terminatingCleanup.load())
    cleanup();
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}
} // namespace

void sweep::restoreTerminatingSignals(void (*cleanup)()) {
  // INT, TERM and HUP keep LLVM's handlers, which remove its temporary files
  // and re-raise: the process dies of the signal as without them.
  terminatingCleanup = cleanup;
  for (size_t k = 3; k < kSignals.size(); ++k) {
    if (ignoredAtStart.ignored[k] || !cleanup) {
      ::signal(kSignals[k], ignoredAtStart.ignored[k] ? SIG_IGN : SIG_DFL);
      continue;
    }
    struct sigaction action = {};
    action.sa_handler = cleanUpAndDie;
    sigemptyset(&action.sa_mask);
    // SA_RESETHAND: a second signal while cleaning up ends the process at once.
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    ::sigaction(kSignals[k], &action, nullptr);
  }
}
