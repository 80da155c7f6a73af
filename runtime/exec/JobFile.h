//===- JobFile.h - a SweepJob as text, and back -----------------*- C++ -*-===//
//
// A `sweepc build` executable carries its sweeps as data: the front end's
// SweepJob, written at build time and read back at start, so the executable
// needs no parser, no LLVM and no .sweep file. The format is sweepc's own
// and versioned (a job written by another sweepc version is refused, never
// misread): one token per field, strings length-prefixed, doubles with
// every digit, so reading gives back the same job bit for bit.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_JOBFILE_H
#define SWEEP_RUNTIME_EXEC_JOBFILE_H

#include "runtime/exec/SweepJob.h"

#include <string>

namespace sweep {

/// `job` as text.
std::string writeJobText(const SweepJob &job);

/// The job of `text`; false with `error` when the text is not a job of this
/// version (truncated, edited, or from another sweepc).
bool readJobText(const std::string &text, SweepJob &job, std::string &error);

/// Several jobs (a file's sweeps) as one zlib-compressed block: what a
/// built executable embeds (100,000 runs are tens of megabytes of text and
/// a few of compressed data).
std::string packJobs(const std::vector<SweepJob> &jobs);

/// The jobs of a block from packJobs; false with `error` when it is not one.
bool unpackJobs(const char *data, size_t size, std::vector<SweepJob> &jobs, std::string &error);

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_JOBFILE_H
