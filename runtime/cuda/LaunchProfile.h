//===- LaunchProfile.h - where a GPU sweep's time goes ----------*- C++ -*-===//
//
// With $SWEEPC_GPU_PROFILE set, the GPU runtime waits for every kernel and
// copy it starts and adds its wall time to the kernel's name (or the copy's
// kind), and prints the table when it closes: which of a group's kernels
// the time goes to, measured on the machine, for deciding what to make
// faster. Waiting after each launch serializes the work, so a profiled sweep
// runs slower than an unprofiled one; the shares are what matters.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_CUDA_LAUNCHPROFILE_H
#define SWEEP_RUNTIME_CUDA_LAUNCHPROFILE_H

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace sweep::cuda {

class LaunchProfile {
public:
  /// Remembers the kernel name of a function handle.
  void name(const void *function, const std::string &kernel);
  /// The kernel name of `function`, or "?".
  std::string nameOf(const void *function) const;
  /// Adds one call of `what` that took `seconds`.
  void add(const std::string &what, double seconds, size_t bytes = 0);
  /// The table, slowest first: calls, total ms, mean us, share, bytes moved.
  std::string report() const;

private:
  struct Entry {
    size_t calls = 0;
    double seconds = 0;
    size_t bytes = 0;
  };
  mutable std::mutex mutex;
  std::map<const void *, std::string> names;
  std::map<std::string, Entry> entries;
};

} // namespace sweep::cuda

#endif // SWEEP_RUNTIME_CUDA_LAUNCHPROFILE_H
