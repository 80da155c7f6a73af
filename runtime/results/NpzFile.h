//===- NpzFile.h - float32 arrays as a NumPy .npz file ----------*- C++ -*-===//
//
// Trained weights are written as .npz: a ZIP archive (stored, not
// compressed) of one .npy file per array, which numpy.load reads as it is
// and PyTorch through torch.from_numpy, with no package beyond NumPy. The
// format is NumPy's own ("NEP 1", version 1.0 headers) and PKWARE's ZIP
// without ZIP64, so one file holds at most 4 GiB.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RESULTS_NPZFILE_H
#define SWEEP_RUNTIME_RESULTS_NPZFILE_H

#include <cstdint>
#include <string>
#include <vector>

namespace sweep {

struct NpyArray {
  std::string name;           // The key numpy.load gives it ("dense0.weight").
  std::vector<int64_t> shape; // Row-major (C order).
  const float *data = nullptr;
};

/// Writes `arrays` to `path` (a temporary file, then a rename, so a reader
/// never sees half a file). False with `error` on failure.
bool writeNpz(const std::string &path, const std::vector<NpyArray> &arrays, std::string &error);

} // namespace sweep

#endif // SWEEP_RUNTIME_RESULTS_NPZFILE_H
