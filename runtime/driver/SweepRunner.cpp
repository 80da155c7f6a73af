//===- SweepRunner.cpp - one sweep, end to end ----------------------------===//

#include "runtime/driver/SweepRunner.h"

#include "runtime/driver/InterruptNotice.h"
#include "runtime/driver/MemoryFit.h"

#include "runtime/energy/EnergyLedger.h"
#include "runtime/exec/CompileProgress.h"
#include "runtime/exec/ProgramMemory.h"
#include "runtime/exec/Trainer.h"
#include "runtime/exec/UsableCores.h"
#include "runtime/kernels/ProgramHeap.h"
#include "runtime/report/Report.h"
#include "runtime/results/DataFingerprint.h"
#include "runtime/results/Summary.h"

#include <algorithm>
#include <functional>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include <unistd.h>

using namespace sweep;

unsigned sweep::cpuThreads(const RunSettings &settings) {
  return settings.threads ? settings.threads : usableCores();
}

std::string sweep::oversubscribedWarning(const std::string &option, unsigned jobs) {
  unsigned cores = usableCores();
  if (jobs <= cores)
    return "";
  return "--" + option + "=" + std::to_string(jobs) + " is more than the " +
         std::to_string(cores) + " core" + (cores == 1 ? "" : "s") +
         " this process may use: programs share them, and train no faster";
}

namespace {
struct Reporter {
  const RunSettings &settings;
  void error(const std::string &message) const {
    std::cerr << settings.program << ": error: " << message << "\n";
  }
  void warning(const std::string &message) const {
    std::cerr << settings.program << ": warning: " << message << "\n";
  }
};

/// Where `job` trains: false after an error. `device` is "cpu" or "cuda".
bool chooseDevice(const SweepJob &job, const RunSettings &settings, BackendSource &backends,
                  const Reporter &report, Backend *&backend, std::string &device,
                  std::string &fallback) {
  std::string wanted = settings.device.empty() ? job.device : settings.device;
  if (wanted == "gpu")
    wanted = "cuda";
  std::string asked = settings.device.empty() ? "its `device " + job.device + "` setting"
                                              : "--device=" + settings.device;
  if (wanted == "cpu") {
    backend = &backends.cpu();
    device = "cpu";
    return true;
  }
  if (wanted != "cuda" && wanted != "auto") {
    report.error("unknown device '" + wanted + "' (for sweep '" + job.name +
                 "'); use cpu, cuda or auto");
    return false;
  }
  std::string why;
  if (Backend *gpu = backends.gpu(why)) {
    backend = gpu;
    device = "cuda";
    return true;
  }
  if (wanted == "auto") {
    if (!settings.quiet)
      std::cerr << "[" << job.name << "] device: cpu (" << why << ")\n";
    fallback = why;
    backend = &backends.cpu();
    device = "cpu";
    return true;
  }
  report.error("sweep '" + job.name + "' asks for the GPU (" + asked + "), but " + why +
               "; --device=cpu trains it on the CPU");
  return false;
}

/// Each rank's `problem` put together, on every rank: "" when no rank has
/// one; one rank's, or several ranks' each named, said once by rank 0.
/// Regression: every rank of a machine printed the same error.
std::string anyRankProblem(Cluster &cluster, const std::string &problem) {
  if (cluster.size() == 1)
    return problem;
  std::vector<std::string> all = cluster.gatherAll(problem);
  std::vector<size_t> with;
  for (size_t k = 0; k < all.size(); ++k)
    if (!all[k].empty())
      with.push_back(k);
  if (with.empty())
    return "";
  bool same = std::all_of(with.begin(), with.end(), [&](size_t k) { return all[k] == all[with[0]]; });
  if (same && with.size() == all.size())
    return all[with[0]];
  std::string joined;
  for (size_t k : with)
    joined += (joined.empty() ? "" : "; ") + std::string("rank ") + std::to_string(k) + ": " + all[k];
  return joined;
}

/// Makes every rank cut `job` into the same programs; false, with an error
/// said by rank 0, when the ranks are not training the same sweep. Each rank
/// trains the programs of the cut whose index modulo the rank count is its
/// rank, so ranks that cut differently (their GPUs' free memory or their
/// cores, --device, --runs-per-program, --max-memory) would leave some runs
/// to no rank and train others twice: they all take, group by group, the
/// smallest program any of them chose, which fits wherever a larger one
/// did. Regression: a 12-run sweep on two GPUs with different free memory
/// ended with 9 runs, and said nothing; ranks given different --sweep hung.
bool agreeOnCut(const SweepJob &job, Backend &backend, const std::string &device, Cluster &cluster,
                const Reporter &report) {
  // The runs' config hashes in one: ranks given different versions of a
  // file (another learning rate) differ here. Regression: each trained its
  // own, and rank 0's merge failed with "the sweep was edited".
  uint64_t settings = 0xcbf29ce484222325ull; // FNV-1a.
  for (const RunSpec &run : job.runs)
    for (uint64_t word : {run.id, run.configHash})
      for (int byte = 0; byte < 8; ++byte) {
        settings ^= (word >> (8 * byte)) & 0xff;
        settings *= 0x100000001b3ull;
      }
  char hash[24];
  std::snprintf(hash, sizeof hash, "%016llx", (unsigned long long)settings);
  std::string sweep = "sweep '" + job.name + "' (" + std::to_string(job.runs.size()) + " runs in " +
                      std::to_string(job.groups.size()) + " groups, settings hash " + hash + ")";
  std::string cut; // Runs a program per group, "4 4".
  for (const GroupSpec &group : job.groups)
    cut += (cut.empty() ? "" : " ") +
           std::to_string(std::max<size_t>(1, backend.runsPerProgram(job, group)));
  std::vector<std::string> all = cluster.gatherAll(sweep + "\n" + device + "\n" + cut);
  auto field = [](const std::string &entry, int index) {
    size_t begin = 0;
    for (int i = 0; i < index; ++i)
      begin = entry.find('\n', begin) + 1;
    return entry.substr(begin, entry.find('\n', begin) - begin);
  };
  for (size_t k = 1; k < all.size(); ++k)
    if (field(all[k], 0) != field(all[0], 0)) {
      if (cluster.isRoot())
        report.error("the ranks are not training the same sweep: rank 0 has " + field(all[0], 0) +
                     ", rank " + std::to_string(k) + " has " + field(all[k], 0) +
                     "; give every rank the same file and --sweep");
      cluster.barrier(); // Rank 0 has said so before any rank ends the job.
      return false;
    }
  std::vector<size_t> smallest(job.groups.size(), SIZE_MAX);
  std::string cuts;
  bool differ = false;
  for (size_t k = 0; k < all.size(); ++k) {
    std::istringstream runs(field(all[k], 2));
    for (size_t g = 0, n = 0; g < job.groups.size() && runs >> n; ++g) {
      differ |= smallest[g] != SIZE_MAX && smallest[g] != n;
      smallest[g] = std::min(smallest[g], n);
    }
    std::string listed = field(all[k], 2);
    for (size_t space = 0; (space = listed.find(' ', space)) != std::string::npos; space += 2)
      listed.replace(space, 1, ", ");
    cuts +=
        (k ? "; rank " : "rank ") + std::to_string(k) + " (" + field(all[k], 1) + "): " + listed;
  }
  if (!differ)
    return true;
  std::string agreed;
  for (size_t g = 0; g < job.groups.size(); ++g) {
    backend.agreeOnRunsPerProgram(job.groups[g].label, smallest[g]);
    agreed += (g ? ", " : "") + std::to_string(smallest[g]);
  }
  if (cluster.isRoot() && !report.settings.quiet)
    std::cerr << "[" << job.name << "] the ranks chose different programs (runs a program per "
              << "group, " << cuts << "); every rank trains the smallest: " << agreed << "\n";
  return true;
}

/// Which best runs' weights were kept, and which of the best have none
/// (they finished in an invocation that saved fewer or no weights).
void printWeightFiles(std::ostream &os, const WeightKeeper &weights,
                      const std::vector<std::string> &files, const std::vector<uint64_t> &missing) {
  os << "Weights of the best " << weights.count() << " run" << (weights.count() == 1 ? "" : "s")
     << ": ";
  if (files.empty())
    os << "none";
  for (size_t i = 0; i < files.size(); ++i)
    os << (i ? ", " : "") << files[i];
  os << "\n";
  if (!missing.empty()) {
    os << "  not kept (finished in an invocation that saved fewer or no weights):";
    for (uint64_t id : missing)
      os << " r" << id;
    os << "\n";
  }
}

/// The cores whose idle power the CPU model charges: the threads, but no
/// more than the programs they train (at least one).
unsigned idleCoresFor(unsigned threads, size_t programs) {
  return std::max(1u, unsigned(std::min<size_t>(threads, programs)));
}

/// The meter the sweep's `energy(meter: ...)` asks for; null with `problem`
/// when it cannot be had, null with `unmetered` (why) when the sweep goes
/// unmetered.
std::unique_ptr<EnergyMeter> openSweepMeter(const SweepJob &job, const std::string &device,
                                            const std::string &gpuBusId, unsigned cores,
                                            const Reporter &report, std::string &problem,
                                            std::string &unmetered) {
  std::string why;
  if (device == "cuda") {
    if (job.energyMeter == "rapl" || job.energyMeter == "model") {
      problem = "sweep '" + job.name + "' asks for energy(meter: " + job.energyMeter +
                "), which meters the CPU; the runs train on the GPU (use nvml or auto)";
      return nullptr;
    }
    const char *library = std::getenv("SWEEPC_NVML_LIBRARY");
    // The training GPU alone: with one process per GPU (MPI), each rank
    // meters its own. Regression: every GPU NVML listed was summed.
    std::unique_ptr<EnergyMeter> nvml =
        openNvmlMeter(library && *library ? library : "libnvidia-ml.so.1", gpuBusId, why);
    if (nvml && gpuBusId.empty())
      report.warning("the CUDA driver gave no PCI bus id for the GPU, so sweep '" + job.name +
                     "' is charged the energy of every GPU NVML sees");
    if (!nvml && job.energyMeter == "nvml")
      problem = "sweep '" + job.name + "' asks for energy(meter: nvml), but " + why;
    else if (!nvml) {
      unmetered = "the GPU's meter: " + why;
      report.warning("sweep '" + job.name + "' trains on the GPU without joules: " + why +
                     " (the CPU's meters do not see the GPU)");
    }
    return nvml;
  }
  const char *root = std::getenv("SWEEPC_POWERCAP_ROOT");
  if (job.energyMeter == "model")
    return openModelMeter(EnergyModel::cpu(cores), "the sweep asks for energy(meter: model)");
  if (job.energyMeter == "nvml") {
    problem = "sweep '" + job.name + "' asks for energy(meter: nvml), which meters GPUs; the " +
              "runs train on the CPU (use rapl, model or auto)";
    return nullptr;
  }
  if (job.energyMeter == "rapl") {
    std::unique_ptr<EnergyMeter> rapl =
        openRaplMeter(root && *root ? root : "/sys/class/powercap", why);
    if (!rapl)
      problem = "sweep '" + job.name + "' asks for energy(meter: rapl), but " + why;
    return rapl;
  }
  return openCpuMeter(cores);
}

/// A resume on another device, or under another meter, is allowed (the runs
/// compute the same), but the seconds and joules of the two sets do not
/// compare: says so. Regression: CPU and GPU runs, or the model's estimates
/// and RAPL's measurements, were mixed without a word.
void warnAboutMixedResume(const SweepJob &job, const std::vector<RunRecord> &finished,
                          const std::string &device, const std::string &meter, size_t training,
                          const Reporter &report) {
  bool onGpu = device == "cuda";
  if (size_t elsewhere = std::count_if(finished.begin(), finished.end(),
                                       [&](const RunRecord &r) { return r.device != device; }))
    report.warning(
        "sweep '" + job.name + "': " + std::to_string(elsewhere) + " finished run" +
        (elsewhere == 1 ? "" : "s") + " trained on " + (onGpu ? "the CPU" : "the GPU") +
        ", the other" +
        (training == 1 ? " run trains" : " " + std::to_string(training) + " runs train") + " on " +
        (onGpu ? "the GPU" : "the CPU") +
        ": compare their seconds and joules within one device (runs.csv's "
        "`device` column)");
  if (meter.empty())
    return;
  if (size_t other = std::count_if(finished.begin(), finished.end(), [&](const RunRecord &r) {
        return !r.joulesSource.empty() && r.joulesSource != meter;
      }))
    report.warning("sweep '" + job.name + "': " + std::to_string(other) + " finished run" +
                   (other == 1 ? "'s joules are" : "s' joules are") + " not " + meter +
                   ", this invocation's are: compare joules within one source (runs.csv's "
                   "`joules_source` column)");
}

std::string hostName() {
  char buffer[256] = {0};
  if (::gethostname(buffer, sizeof buffer - 1) != 0)
    return "";
  return buffer;
}
} // namespace

namespace {
/// The results directories of a sweep: rank 0 (or the only process) holds
/// the sweep's directory, merging first what the ranks of an interrupted
/// multi-process run left in ranks/<k>/. With several ranks, every rank writes
/// ranks/<rank>/, taking the runs already finished from the sweep's
/// directory, and at the end rank 0 merges them all.
struct RankResults {
  std::unique_ptr<ResultsStore> sweep; // Rank 0: writable; the others: read-only.
  std::unique_ptr<ResultsStore> mine;  // ranks/<rank>/ (several ranks only).
};

std::string ranksDirectory(const std::string &sweepDir) { return sweepDir + "/ranks"; }

/// Why a fresh sweep cannot start in `sweepDir`: ranks/ holds an
/// interrupted multi-process sweep's results ("" when not).
std::string interruptedRanksProblem(const std::string &sweepDir) {
  std::error_code code;
  for (const std::filesystem::directory_entry &entry :
       std::filesystem::directory_iterator(ranksDirectory(sweepDir), code))
    if (std::filesystem::exists(entry.path() / "runs.csv", code))
      return "'" + sweepDir +
             "' holds the results of an interrupted multi-process sweep (in ranks/); pass "
             "--resume to finish it or --overwrite to start over";
  return "";
}

bool openResults(const SweepJob &job, const std::vector<MetricColumn> &metrics,
                 const std::string &sweepDir, ResultsStore::Mode mode, Cluster &cluster,
                 RankResults &out, std::string &error) {
  namespace fs = std::filesystem;
  std::string ranks = ranksDirectory(sweepDir);
  std::error_code code;
  bool ok = true;
  if (cluster.isRoot()) {
    if (mode == ResultsStore::Mode::Fresh) {
      error = interruptedRanksProblem(sweepDir);
      ok = error.empty();
    }
    if (ok)
      out.sweep = ResultsStore::open(sweepDir, job, metrics, mode, error);
    ok = ok && out.sweep;
    // Only once the lock is this process's. Regression: an --overwrite
    // refused for another sweepc writing the folder (a running MPI job)
    // first removed that job's ranks/, and it ended with no run.
    if (ok && mode == ResultsStore::Mode::Overwrite)
      fs::remove_all(ranks, code);
    for (const fs::directory_entry &entry : fs::directory_iterator(ranks, code))
      ok = ok && out.sweep->absorb(entry.path().string(), job, error);
    // A single process resuming a multi-process sweep has taken everything.
    if (ok && cluster.size() == 1)
      fs::remove_all(ranks, code);
  }
  if (cluster.size() == 1)
    return ok;
  // Every rank reads the sweep's directory only after rank 0 has prepared it.
  cluster.barrier();
  if (!ok)
    return false;
  if (!cluster.isRoot()) {
    out.sweep = ResultsStore::open(sweepDir, job, metrics, ResultsStore::Mode::ReadOnly, error);
    if (!out.sweep)
      return false;
  }
  out.mine = ResultsStore::open(ranks + "/" + std::to_string(cluster.rank()), job, metrics,
                                ResultsStore::Mode::Overwrite, error);
  if (!out.mine)
    return false;
  out.mine->adoptFinished(*out.sweep);
  return true;
}
} // namespace

bool sweep::sweepFoldersFree(const std::vector<std::string> &sweepNames,
                             const RunSettings &settings) {
  // An unknown --device is each sweep's first error, reported as it starts.
  bool knownDevice = settings.device.empty() || settings.device == "cpu" ||
                     settings.device == "cuda" || settings.device == "auto";
  if (settings.resume || settings.overwrite || !knownDevice)
    return true;
  Cluster alone;
  Cluster &cluster = settings.cluster ? *settings.cluster : alone;
  std::string problem;
  if (cluster.isRoot())
    for (const std::string &name : sweepNames) {
      std::string sweepDir = settings.resultsDir + "/" + name;
      problem = ResultsStore::freshProblem(sweepDir);
      if (problem.empty())
        problem = interruptedRanksProblem(sweepDir);
      if (!problem.empty())
        break;
    }
  // Every rank learns rank 0's verdict: none trains when it says no.
  bool free = cluster.sum(problem.empty() ? 0 : 1) == 0;
  if (!problem.empty())
    Reporter{settings}.error(problem);
  return free;
}

int sweep::runSweepJob(const SweepJob &job, const RunSettings &settings, BackendSource &backends) {
  Cluster alone;
  Cluster &cluster = settings.cluster ? *settings.cluster : alone;
  int status = runSweepJobOn(job, settings, backends, cluster);
  // A rank that failed would leave the others waiting for it: end them all.
  if (status != 0 && cluster.size() > 1)
    cluster.abort(status);
  return status;
}

int sweep::runSweepJobOn(const SweepJob &job, const RunSettings &settings, BackendSource &backends,
                         Cluster &cluster) {
  Reporter report{settings};
  bool many = cluster.size() > 1;
  auto wallStart = std::chrono::steady_clock::now();
  std::string started = isoTimeNow();
  Backend *chosen = nullptr;
  std::string device, fallback;
  if (!chooseDevice(job, settings, backends, report, chosen, device, fallback))
    return 1;
  Backend &backend = *chosen;
  bool onGpu = device == "cuda";
  if (std::string problem =
          anyRankProblem(cluster, memoryProblem(job, backend, cpuThreads(settings), cluster.localSize()));
      !problem.empty()) {
    if (cluster.isRoot())
      report.error(problem);
    return 1;
  }
  for (size_t g = 0; g < job.groups.size(); ++g)
    if (std::string problem = backend.scheduleProblem(job, job.groups[g]); !problem.empty()) {
      report.error("sweep '" + job.name + "', group " + std::to_string(g) + " (" +
                   job.groups[g].label + "): " + problem);
      return 1;
    }
  if (many && !agreeOnCut(job, backend, device, cluster, report))
    return 1;
  // Earlier results without --resume or --overwrite: say so before compiling.
  // (Ranks leave this to rank 0, which opens the directory for them all.)
  std::string sweepDir = settings.resultsDir + "/" + job.name;
  if (!settings.resume && !settings.overwrite && !many) {
    std::string problem = ResultsStore::freshProblem(sweepDir);
    if (!problem.empty()) {
      report.error(problem);
      return 1;
    }
  }

  // The groups compile while the data loads (compiling needs only the job).
  // A data error stops compiling and is reported at once. On the CPU a
  // compile error is reported before any results file exists; on the GPU
  // training starts once the data is loaded, compiling going on
  // beside it: compiling is the CPU's work and training the GPU's, and a
  // chunk whose program is not ready waits for it (CodeCache). On the CPU
  // both would share the same cores (and the CPU's meter), so training
  // waits for every program.
  if (!settings.quiet && backend.programsToCompile(job) > 0)
    std::cerr << "[" << job.name << "] compiling " << job.groups.size() << " group"
              << (job.groups.size() == 1 ? "" : "s") << " for the "
              << (onGpu ? "GPU (" + backends.gpuName() + ")" : std::string("CPU")) << "\n";
  if (!settings.quiet && onGpu)
    for (size_t g = 0; g < job.groups.size(); ++g)
      std::cerr << "[" << job.name << "] group " << g << " "
                << backend.describeSchedule(job, job.groups[g]) << "\n";
  unsigned workers = cpuThreads(settings);
  size_t programsBefore = backend.programsCompiled();
  size_t cachedBefore = backend.programsFromCompileCache();
  std::string compileProblem;
  bool compiled = false;
  double compileWall = 0;
  size_t programsUpFront = 0, cachedUpFront = 0; // What compileWall compiled.
  // An interpreter makes its programs at once: nothing to report.
  CompileProgress compileProgress(backend.programsToCompile(job) > 0
                                      ? Progress::detectMode(settings.quiet)
                                      : Progress::Mode::Quiet,
                                  job.name, programsToPrepare(job, backend));
  std::atomic<bool> stopCompiling{false};
  std::thread compiling([&] {
    auto compileStart = std::chrono::steady_clock::now();
    compiled = prepareBackend(
        job, backend, workers, compileProblem,
        [&] { compileProgress.programReady(backend.programsFromCompileCache() - cachedBefore); },
        &stopCompiling);
    compileWall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - compileStart).count();
    programsUpFront = backend.programsCompiled() - programsBefore;
    cachedUpFront = backend.programsFromCompileCache() - cachedBefore;
  });
  // Whatever ends the sweep, compiling ends first: no program is started
  // after that, and the ones compiling finish.
  struct EndCompiling {
    std::thread &thread;
    std::atomic<bool> &stop;
    ~EndCompiling() {
      stop = true;
      if (thread.joinable())
        thread.join();
    }
  } endCompiling{compiling, stopCompiling};
  bool trainWhileCompiling = onGpu && backend.programsToCompile(job) > 0;

  std::vector<Dataset> datasets(job.datasets.size());
  bool hasValidation = false, hasTest = false;
  for (size_t d = 0; d < job.datasets.size(); ++d) {
    std::string problem;
    if (!loadDataset(job.datasets[d], datasets[d], problem)) {
      stopCompiling = true; // No program is needed: say so now, not after compiling.
      compiling.join();
      compileProgress.finish();
      report.error("sweep '" + job.name + "': " + problem + settings.dataErrorHint);
      return 1;
    }
    for (const std::string &warning : datasets[d].warnings)
      report.warning(warning);
    hasValidation |= datasets[d].validation.count > 0;
    hasTest |= datasets[d].test.count > 0;
  }
  std::vector<MetricColumn> metrics = metricColumns(job.metrics, hasValidation, hasTest);
  Ranking ranking = chooseRanking(metrics);

  if (!trainWhileCompiling) {
    compiling.join();
    compileProgress.finish();
    if (!compiled) {
      report.error(compileProblem);
      return 1;
    }
  }
  std::string problem;

  TrainerOptions options;
  // The CPU trains a program per thread; a GPU --streams programs at once.
  options.threads = onGpu ? std::max(1u, settings.streams) : cpuThreads(settings);
  options.compaction = !settings.noCompaction;
  options.shard = unsigned(cluster.rank());
  options.shards = unsigned(cluster.size());
  options.device = device;
  // The meter is opened now, so that one the sweep asks for and cannot have
  // stops it before its results folder is touched; the ledger waits for the
  // programs this invocation trains (below).
  std::unique_ptr<EnergyMeter> meter;
  std::string unmetered = settings.energyOff ? "--no-energy" : "";
  if (!settings.energyOff) {
    meter = openSweepMeter(job, device, backends.gpuBusId(),
                           idleCoresFor(options.threads, programsToTrain(job, backend)), report,
                           problem, unmetered);
    if (!meter && !problem.empty()) {
      report.error(problem);
      return 1;
    }
  }
  // Only now, with the data, the programs and the meter in hand, is the
  // results folder touched: a sweep that cannot start leaves none behind
  // (but for an empty weights/ with --save-weights), and --overwrite keeps
  // the old results.
  ResultsStore::Mode mode = settings.overwrite ? ResultsStore::Mode::Overwrite
                            : settings.resume  ? ResultsStore::Mode::Resume
                                               : ResultsStore::Mode::Fresh;
  // Every rank writes the weights of its own best runs into the sweep's
  // directory (run ids never collide); rank 0 keeps the best of all at the end.
  std::unique_ptr<WeightKeeper> weights;
  if (settings.saveWeights) {
    weights = std::make_unique<WeightKeeper>(sweepDir + "/weights", settings.saveWeights,
                                             ranking.higherIsBetter);
    options.weights = weights.get();
    // Now, not when the first run finishes an hour into the sweep (and
    // before the results exist, so that a retry needs no --overwrite).
    std::error_code code;
    std::filesystem::create_directories(weights->directory(), code);
    if (code) {
      report.error("--save-weights: cannot create '" + weights->directory() +
                   "': " + code.message());
      return 1;
    }
  }
  // The data files as loaded now against those the finished runs trained on,
  // before opening the results rewrites them. Regression: a refused resume
  // had already dropped a run whose curve rows were incomplete. No finished
  // run, nothing to compare with (the notice of a sweep stopped before any
  // run finished prints --resume).
  bool resumingFinished =
      mode == ResultsStore::Mode::Resume && ResultsStore::holdsFinishedRuns(sweepDir);
  if (!checkDataFingerprints(sweepDir, job, datasets, resumingFinished, /*write=*/false, problem)) {
    report.error(problem);
    return 1;
  }
  RankResults rankResults;
  if (!openResults(job, metrics, sweepDir, mode, cluster, rankResults, problem)) {
    report.error(problem);
    return 1;
  }
  // Every rank checks (and so stops alike); rank 0 writes the sweep's folder.
  std::vector<std::string> unchecked;
  if (!checkDataFingerprints(sweepDir, job, datasets, resumingFinished, cluster.isRoot(),
                             problem, &unchecked)) {
    report.error(problem);
    return 1;
  }
  // Regression: a removed .data-fingerprints let changed data resume unsaid.
  if (cluster.isRoot())
    for (const std::string &dataset : unchecked)
      report.warning("sweep '" + job.name + "': the data of dataset '" + dataset +
                     "' cannot be checked against the finished runs (no fingerprint of it in '" +
                     sweepDir + "/.data-fingerprints'); the runs trained from now on use it as "
                     "it is, and it is recorded");
  ResultsStore *store = many ? rankResults.mine.get() : rankResults.sweep.get();
  for (const std::string &note : store->recoveryNotes())
    report.warning(note);
  std::vector<RunRecord> records = store->recoveredRuns();
  // Each rank counts its own share; the others' progress lines would
  // interleave with rank 0's, so only rank 0 prints.
  size_t shareRuns = 0, sharePrograms = 0;
  double shareWork = 0;
  shardWork(job, backend, *store, options.shard, options.shards, shareRuns, shareWork,
            sharePrograms);
  std::unique_ptr<EnergyLedger> ledger;
  if (meter) {
    // The CPU model's idle power is that of the cores training: no more
    // threads than the programs this invocation trains. Regression: a
    // one-program sweep was charged every core --jobs defaulted to, and a
    // resume every core of the programs that had finished.
    unsigned idleCores = idleCoresFor(options.threads, sharePrograms);
    if (meter->isEstimate())
      if (std::unique_ptr<EnergyMeter> exact =
              openSweepMeter(job, device, backends.gpuBusId(), idleCores, report, problem,
                             unmetered))
        meter = std::move(exact);
    if (!settings.quiet)
      std::cerr << "[" << job.name << "] energy: " << meter->source() << ", " << meter->describe()
                << "\n";
    ledger = std::make_unique<EnergyLedger>(std::move(meter), job.energyWindowSeconds,
                                            EnergyModel::cpu(idleCores));
    ledger->measureIdle(0.25);
    options.energy = ledger.get();
    // Each rank meters its own joules: held to an equal share of the budget, the
    // ranks together never spend more than it. Regression: each rank had the
    // whole budget, and N ranks spent up to N times it.
    options.energyBudgetJoules = job.energyBudgetJoules / double(cluster.size());
  }
  if (shareRuns)
    warnAboutMixedResume(job, records, device, ledger ? ledger->meter().source() : "", shareRuns,
                         report);
  if (trainWhileCompiling) {
    size_t ready = compileProgress.handOverTerminal();
    size_t total = programsToPrepare(job, backend);
    if (!settings.quiet && total > 1 && ready < total)
      std::cerr << "[" << job.name << "] training starts while " << total - ready << " of " << total
                << " programs compile\n";
  }
  Progress progress(Progress::detectMode(settings.quiet || !cluster.isRoot()),
                    many ? job.name + " rank 0 of " + std::to_string(cluster.size()) : job.name,
                    shareRuns + (many ? 0 : records.size()), many ? 0 : records.size(), shareWork,
                    metrics[ranking.column].name, ranking.higherIsBetter);
  // The line counts the whole sweep: its best and its stopped runs include
  // those a resume found finished. Regression: it named the best run of this
  // invocation while the leaderboard named a better, resumed one.
  if (!many)
    for (const RunRecord &record : records)
      progress.runResumed(record, record.metrics[ranking.column]);
  // Ctrl-C still ends the process at once (the results files are always
  // complete up to the last finished run and epoch), but says what is kept.
  std::unique_ptr<InterruptNotice> interruptNotice;
  if (cluster.isRoot())
    // Under MPI each rank's finished runs stay in ranks/<rank>/ until the end
    // (or a --resume) merges them.
    interruptNotice = std::make_unique<InterruptNotice>(
        settings.program, many ? ranksDirectory(sweepDir) + "/*" : sweepDir, settings.resumeCommand,
        progress.finishedRunCount(), many ? 0 : progress.runCount());
  TrainerOutcome outcome;
  double sharedJoules = 0, sharedUnattributed = 0; // Over every rank.
  size_t resumedRuns = store->recoveredRuns().size();
  programHeap::resetPeak();
  bool ok = trainSweep(job, datasets, backend, *store, metrics, ranking, progress, options, records,
                       problem, &outcome);
  progress.finish();
  if (trainWhileCompiling) {
    // Training has made every program it needed: start no other.
    stopCompiling = true;
    compiling.join();
    compileProgress.finish();
    if (ok && !compiled) {
      report.error(compileProblem);
      return 1;
    }
  }
  if (!ok) {
    report.error(problem);
    return 1;
  }
  // A spent budget ends the invocation as finished: its files must agree.
  // Regression: curves.csv kept the epochs of runs the budget cut off.
  if (outcome.budgetSpent && outcome.unfinishedRuns && !store->dropUnfinishedCurves(problem)) {
    report.error(problem);
    return 1;
  }
  // Each rank's programs live in its own process: the cap is per rank.
  uint64_t programPeak = uint64_t(cluster.maximum(double(programHeap::peakBytes())));
  if (many) {
    // Energy: each rank metered its own share.
    // Summed in microjoules (whole numbers, exact in a double): a sum of
    // joules would show 0.30000000000000004.
    double micro = ledger ? double(ledger->totalMicrojoules()) : 0;
    double unattributedMicro = ledger ? double(ledger->unattributedMicrojoules()) : 0;
    double allJoules = cluster.sum(micro) / 1e6,
           allUnattributed = cluster.sum(unattributedMicro) / 1e6;
    // A budget spent on any rank stopped the sweep, and every rank's cut-off
    // runs are unfinished. Regression: rank 0's alone were counted and said.
    outcome.budgetSpent = cluster.maximum(outcome.budgetSpent ? 1 : 0) > 0;
    outcome.unfinishedRuns = size_t(cluster.sum(double(outcome.unfinishedRuns)));
    // The runs each rank finished, to find them all where rank 0 merges.
    std::vector<std::string> finished =
        cluster.gatherAll(std::to_string(records.size() - std::min(records.size(), resumedRuns)));
    cluster.barrier(); // Every rank's results are written.
    if (!cluster.isRoot())
      return 0;
    namespace fs = std::filesystem;
    std::error_code code;
    for (int k = 0; k < cluster.size(); ++k) {
      std::string rankDir = ranksDirectory(sweepDir) + "/" + std::to_string(k);
      // Regression: a rank whose folder rank 0 could not see (another
      // --results, a node's local disk) lost its runs, status 0.
      if (std::stoull(finished[size_t(k)]) > 0 && !fs::exists(rankDir + "/runs.csv", code)) {
        report.error("rank " + std::to_string(k) + " finished " + finished[size_t(k)] +
                     " runs into '" + rankDir + "', which rank 0 cannot find: every rank must "
                     "write to one folder they all share (docs/cluster.md); its runs stay where "
                     "it wrote them");
        return 1;
      }
      if (!rankResults.sweep->absorb(rankDir, job, problem)) {
        report.error(problem);
        return 1;
      }
    }
    rankResults.mine.reset();
    fs::remove_all(ranksDirectory(sweepDir), code);
    store = rankResults.sweep.get();
    records = store->recoveredRuns();
    sharedJoules = allJoules;
    sharedUnattributed = allUnattributed;
  }

  SweepFacts facts;
  facts.backend = backend.name();
  facts.device = onGpu ? "cuda: " + backends.gpuName() : "cpu";
  facts.deviceFallback = fallback;
  facts.started = started;
  facts.finished = isoTimeNow();
  facts.wallSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
  facts.resumedRuns = resumedRuns;
  facts.threads = options.threads;
  facts.ranks = unsigned(cluster.size());
  facts.host = hostName();
  // Wall time of compiling the sweep's programs on all threads, up front
  // (CPU) or alongside training (GPU), and what it compiled. A program of
  // another size made during training (a compaction's, or a resumed sweep's
  // last runs') is counted apart. Regression: it was counted in the
  // programs compiled, not in their time ("Compiled 2 group programs in
  // 0.10 s" for one cache load and one 0.6 s compilation).
  facts.compileSeconds = compileWall;
  facts.programs = programsUpFront;
  facts.programsFromCache = cachedUpFront;
  facts.programsWhileTraining = backend.programsCompiled() - programsBefore - programsUpFront;
  // The interpreter's buffers and the GPU's device memory are not counted.
  facts.programMemoryMetered = !onGpu && backend.name() != "interp";
  facts.programMemoryPeak = programPeak;
  facts.maxMemory = settings.maxMemory;
  facts.energy.unmeteredBecause = unmetered;
  if (ledger) {
    std::string meterError;
    ledger->closeWindow(meterError);
    EnergyFacts &energy = facts.energy;
    energy.metered = true;
    energy.source = ledger->meter().source();
    energy.detail = ledger->meter().describe();
    energy.totalJoules = many ? sharedJoules : ledger->totalJoules();
    energy.unattributedJoules =
        many ? sharedUnattributed : joulesFromMicro(ledger->unattributedMicrojoules());
    if (many)
      energy.detail += "; total over " + std::to_string(cluster.size()) +
                       " ranks, each metering its own share (phases, idle: rank 0's)";
    energy.idleWatts = ledger->idleWatts();
    energy.seconds = ledger->seconds();
    for (const auto &[phase, micro] : ledger->phaseMicrojoules())
      energy.phaseJoules.push_back({phase, joulesFromMicro(micro)});
    energy.budgetJoules = job.energyBudgetJoules;
    // Spent whether or not it stopped anything: a sweep that ends within its
    // first meter window, before any reading, can overshoot and still finish.
    energy.budgetSpent = outcome.budgetSpent || (job.energyBudgetJoules > 0 &&
                                                 energy.totalJoules >= job.energyBudgetJoules);
    energy.unfinishedRuns = outcome.unfinishedRuns;
    energy.error = ledger->error();
  }
  std::sort(records.begin(), records.end(),
            [](const RunRecord &a, const RunRecord &b) { return a.id < b.id; });
  std::vector<std::string> weightFiles;
  std::vector<uint64_t> weightsMissing;
  if (weights) {
    weightFiles = weights->settle(rankRuns(records, ranking), weightsMissing);
    facts.weightsAsked = weights->count();
    for (const std::string &file : weightFiles)
      facts.weightFiles.push_back("weights/" + std::filesystem::path(file).filename().string());
    facts.weightsMissing = weightsMissing;
  }
  if (!store->writeSummary(summaryJson(job, records, metrics, ranking, facts), problem)) {
    report.error(problem);
    return 1;
  }
  // The results are safe: a report that cannot be written is a warning, and
  // `sweepc report` can write it later.
  bool reportWritten = writeSweepReport(store->directory(), problem);
  if (!reportWritten)
    report.warning("no report.html: " + problem + "; the results are complete: `sweepc report " +
                   store->directory() + "` writes it");
  if (!settings.quiet) {
    if (facts.programs) {
      char line[160];
      std::snprintf(line, sizeof line, "Compiled %zu group program%s in %.2f s of %.2f s",
                    facts.programs, facts.programs == 1 ? "" : "s", facts.compileSeconds,
                    facts.wallSeconds);
      std::cout << line;
      if (facts.programsFromCache)
        std::cout << " (" << facts.programsFromCache << " loaded from the compile cache)";
      if (facts.programsWhileTraining)
        std::cout << "; " << facts.programsWhileTraining << " more while training";
      std::cout << ".\n";
    }
    if (facts.programMemoryMetered && facts.maxMemory)
      std::cout << "Programs held at most " << formatBytes(facts.programMemoryPeak)
                << " at once (--max-memory " << formatBytes(facts.maxMemory)
                << (many ? ", per rank" : "") << ").\n";
    printLeaderboard(std::cout, job, records, metrics, ranking, settings.top);
    printStoppingReport(std::cout, job, records);
    printEnergyReport(std::cout, records, metrics, ranking, facts.energy);
    std::cout << "Results: " << store->directory() << "/{runs.csv,curves.csv,summary.json"
              << (reportWritten ? ",report.html}\n" : "}\n");
    if (weights)
      printWeightFiles(std::cout, *weights, weightFiles, weightsMissing);
    std::cout.flush();
  }
  if (outcome.budgetSpent) {
    // Only the numbers go through a fixed buffer: names and paths are any length.
    char joules[96];
    std::snprintf(joules, sizeof joules, "%g J is spent (%.4g J used)", job.energyBudgetJoules,
                  facts.energy.totalJoules);
    std::cerr << settings.program << ": sweep '" << job.name << "' stopped: its energy budget of "
              << joules << "; " << records.size()
              << (records.size() == 1 ? " run finished, " : " runs finished, ")
              << outcome.unfinishedRuns << " not (with a larger budget, `" << settings.resumeCommand
              << "` trains them)\n";
  }
  return 0;
}
