//===- DataFingerprint.h - the data a sweep's finished runs saw --*- C++ -*-===//
//
// A run's config hash covers its settings, not the contents of its data files:
// a CSV or IDX file edited between an interrupted sweep and its --resume would
// mix runs trained on the old samples with runs trained on the new. So the
// results folder keeps a fingerprint of every file-backed data configuration
// as loaded (samples after the split and normalization), in `.data-fingerprints`,
// and a resume whose data loads differently is refused. Synthetic sources are
// functions of their settings, which the config hash covers.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RESULTS_DATAFINGERPRINT_H
#define SWEEP_RUNTIME_RESULTS_DATAFINGERPRINT_H

#include "runtime/data/Dataset.h"
#include "runtime/exec/SweepJob.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sweep {

/// A 64-bit hash of every sample, label and target of `data`'s splits.
uint64_t fingerprintDataset(const Dataset &data);

/// On a resume of finished runs (`resuming`), checks the fingerprints of `job`'s file-backed
/// datasets (`datasets[i]` as loaded for job.datasets[i]) against
/// `dir`/.data-fingerprints, written when the finished runs trained; then,
/// when `write` (one process of an MPI sweep writes), records them there.
/// False with `error` naming the dataset and its files when one changed, when
/// a line of the file is damaged, or when the file cannot be written.
/// `unchecked` (when given) names the datasets a resume could not check:
/// no fingerprint recorded for them (the file removed, or cut short).
bool checkDataFingerprints(const std::string &dir, const SweepJob &job,
                           const std::vector<Dataset> &datasets, bool resuming, bool write,
                           std::string &error, std::vector<std::string> *unchecked = nullptr);

} // namespace sweep

#endif // SWEEP_RUNTIME_RESULTS_DATAFINGERPRINT_H
