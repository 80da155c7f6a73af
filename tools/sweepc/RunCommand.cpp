//===- RunCommand.cpp - `sweepc run` --------------------------------------===//
//
// Lowers each planned sweep to the runtime's plain SweepJob, loads its data,
// opens its results directory (resuming if asked), trains every run with the
// chosen backend, and prints the leaderboard. Everything that can fail on bad
// input (data files, the output directory) is checked before the first
// results file is written.
//
//===----------------------------------------------------------------------===//

#include "tools/sweepc/Options.h"
#include "tools/sweepc/RunCommand.h"

#include "codegen/cpu/CpuBackend.h"
#include "codegen/cpu/StaticCosts.h"
#include "lang/JobBuilder.h"
#include "runtime/cuda/CudaDriver.h"
#include "runtime/exec/Trainer.h"
#include "runtime/interp/Interpreter.h"
#include "runtime/results/Summary.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <iostream>
#include <thread>

#include <unistd.h>

using namespace sweep;
namespace cl = llvm::cl;

namespace {

cl::opt<std::string> backendName(
    "backend",
    cl::desc("How runs are trained: cpu (each group compiled into one fused program) or "
             "interp (the reference interpreter, one run at a time)"),
    cl::init("cpu"), cl::cat(runOptions()));
cl::opt<std::string> resultsDir("results",
                                cl::desc("Directory for results; each sweep writes "
                                         "<dir>/<sweep>/ (default: results)"),
                                cl::init("results"), cl::cat(runOptions()));
cl::opt<bool> resume("resume", cl::desc("Finish an interrupted sweep, keeping its finished runs"),
                     cl::cat(runOptions()));
cl::opt<bool> overwrite("overwrite", cl::desc("Discard earlier results in the directory"),
                        cl::cat(runOptions()));
cl::opt<bool> quiet("quiet", cl::desc("No progress output and no leaderboard"),
                    cl::cat(runOptions()));
cl::opt<unsigned> threads("jobs",
                          cl::desc("Programs trained at once (default: the number of cores)"),
                          cl::init(0), cl::cat(runOptions()));
cl::opt<unsigned> runsPerProgram(
    "runs-per-program",
    cl::desc("Runs trained together in one compiled program (cpu backend; default 0: chosen "
             "per group by the cache model that `sweepc plan` shows)"),
    cl::init(0), cl::cat(runOptions()));
cl::opt<unsigned> top("top", cl::desc("Runs shown in the leaderboard (default 10)"), cl::init(10),
                      cl::cat(runOptions()));
cl::opt<std::string> onlySweep("sweep", cl::desc("Run only the sweep with this name"),
                               cl::cat(runOptions()));
cl::opt<bool> energyOff("no-energy",
                        cl::desc("No energy probes, meter or joules (to measure their overhead)"),
                        cl::cat(runOptions()));

void error(const std::string &message) { llvm::errs() << "sweepc: error: " << message << "\n"; }

/// The meter the sweep's `energy(meter: ...)` asks for, for a CPU backend
/// training on `cores` cores; null with `problem` when it cannot be had.
std::unique_ptr<EnergyMeter> openSweepMeter(const SweepJob &job, unsigned cores,
                                            std::string &problem) {
  const char *root = std::getenv("SWEEPC_POWERCAP_ROOT");
  std::string why;
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

std::string hostName() {
  char buffer[256] = {0};
  if (::gethostname(buffer, sizeof buffer - 1) != 0)
    return "";
  return buffer;
}

int runOne(const PlannedSweep &sweep, llvm::StringRef sourceFile, llvm::StringRef baseDir,
           SourceDiagnostics &diags, Backend &backend) {
  auto wallStart = std::chrono::steady_clock::now();
  std::string started = isoTimeNow();
  SweepJob job = buildSweepJob(sweep, sourceFile, baseDir, diags);
  if (job.deviceGpuRequested && !quiet) {
    bool found = false;
    std::string gpus = sweep::cuda::probeGpus(sweep::cuda::driverLibrary(), found);
    llvm::errs() << "sweepc: note: sweep '" << job.name << "' asks for device gpu (" << gpus
                 << "); this sweepc has no GPU backend yet, so the " << backend.name()
                 << " backend trains on the CPU\n";
  }

  // The groups compile while the data loads (compiling needs only the job).
  // Both fail before any results file exists; a data error is reported first.
  unsigned workers =
      threads ? unsigned(threads) : std::max(1u, std::thread::hardware_concurrency());
  size_t programsBefore = backend.programsCompiled();
  std::string compileProblem;
  bool compiled = false;
  double compileWall = 0;
  std::thread compiling([&] {
    auto compileStart = std::chrono::steady_clock::now();
    compiled = prepareBackend(job, backend, workers, compileProblem);
    compileWall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - compileStart).count();
  });

  std::vector<Dataset> datasets(job.datasets.size());
  bool hasValidation = false, hasTest = false;
  for (size_t d = 0; d < job.datasets.size(); ++d) {
    std::string problem;
    if (!loadDataset(job.datasets[d], datasets[d], problem)) {
      compiling.join();
      error("sweep '" + job.name + "': " + problem);
      return 1;
    }
    for (const std::string &warning : datasets[d].warnings)
      llvm::errs() << "sweepc: warning: " << warning << "\n";
    hasValidation |= datasets[d].validation.count > 0;
    hasTest |= datasets[d].test.count > 0;
  }
  std::vector<MetricColumn> metrics = metricColumns(job.metrics, hasValidation, hasTest);
  Ranking ranking = chooseRanking(metrics);

  if (!quiet && backend.name() == "cpu")
    llvm::errs() << "[" << job.name << "] compiling " << job.groups.size() << " group"
                 << (job.groups.size() == 1 ? "" : "s") << "\n";
  compiling.join();
  if (!compiled) {
    error(compileProblem);
    return 1;
  }
  std::string problem;

  ResultsStore::Mode mode = overwrite ? ResultsStore::Mode::Overwrite
                            : resume  ? ResultsStore::Mode::Resume
                                      : ResultsStore::Mode::Fresh;
  std::unique_ptr<ResultsStore> store =
      ResultsStore::open(resultsDir + "/" + job.name, job, metrics, mode, problem);
  if (!store) {
    error(problem);
    return 1;
  }

  std::vector<RunRecord> records = store->recoveredRuns();
  TrainerOptions options;
  options.threads = threads ? unsigned(threads) : std::max(1u, std::thread::hardware_concurrency());
  std::unique_ptr<EnergyLedger> ledger;
  if (!energyOff) {
    std::unique_ptr<EnergyMeter> meter = openSweepMeter(job, options.threads, problem);
    if (!meter) {
      error(problem);
      return 1;
    }
    if (!quiet)
      llvm::errs() << "[" << job.name << "] energy: " << meter->source() << ", "
                   << meter->describe() << "\n";
    ledger = std::make_unique<EnergyLedger>(std::move(meter), job.energyWindowSeconds,
                                            EnergyModel::cpu(options.threads));
    ledger->measureIdle(0.25);
    options.energy = ledger.get();
    options.energyBudgetJoules = job.energyBudgetJoules;
  }
  Progress progress(Progress::detectMode(quiet), job.name, job.runs.size(), records.size(),
                    remainingWork(job, *store), metrics[ranking.column].name,
                    ranking.higherIsBetter);
  TrainerOutcome outcome;
  bool ok = trainSweep(job, datasets, backend, *store, metrics, ranking, progress, options, records,
                       problem, &outcome);
  progress.finish();
  if (!ok) {
    error(problem);
    return 1;
  }

  SweepFacts facts;
  facts.backend = backend.name();
  facts.started = started;
  facts.finished = isoTimeNow();
  facts.wallSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
  facts.resumedRuns = store->recoveredRuns().size();
  facts.threads = options.threads;
  facts.host = hostName();
  // Wall time of compiling up front on all threads (a resumed sweep may
  // compile a leftover chunk size during training; that counts as training).
  facts.compileSeconds = compileWall;
  facts.programs = backend.programsCompiled() - programsBefore;
  if (ledger) {
    std::string meterError;
    ledger->closeWindow(meterError);
    EnergyFacts &energy = facts.energy;
    energy.metered = true;
    energy.source = ledger->meter().source();
    energy.detail = ledger->meter().describe();
    energy.totalJoules = ledger->totalJoules();
    energy.unattributedJoules = double(ledger->unattributedMicrojoules()) * 1e-6;
    energy.idleWatts = ledger->idleWatts();
    energy.seconds = ledger->seconds();
    for (const auto &[phase, micro] : ledger->phaseMicrojoules())
      energy.phaseJoules.push_back({phase, double(micro) * 1e-6});
    energy.budgetJoules = job.energyBudgetJoules;
    energy.budgetSpent = outcome.budgetSpent;
    energy.unfinishedRuns = outcome.unfinishedRuns;
    energy.error = ledger->error();
  }
  std::sort(records.begin(), records.end(),
            [](const RunRecord &a, const RunRecord &b) { return a.id < b.id; });
  if (!store->writeSummary(summaryJson(job, records, metrics, ranking, facts), problem)) {
    error(problem);
    return 1;
  }
  if (!quiet) {
    if (facts.programs) {
      char line[160];
      std::snprintf(line, sizeof line, "Compiled %zu group program%s in %.2f s of %.1f s.\n",
                    facts.programs, facts.programs == 1 ? "" : "s", facts.compileSeconds,
                    facts.wallSeconds);
      std::cout << line;
    }
    printLeaderboard(std::cout, job, records, metrics, ranking, top);
    printEnergyReport(std::cout, records, metrics, ranking, facts.energy);
    std::cout << "Results: " << store->directory() << "/{runs.csv,curves.csv,summary.json}\n";
    std::cout.flush();
  }
  if (outcome.budgetSpent) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "sweepc: sweep '%s' stopped: its energy budget of %g J is spent (%.4g J "
                  "used); %zu runs finished, %zu not (sweepc run --resume trains them with a "
                  "new budget)\n",
                  job.name.c_str(), job.energyBudgetJoules, facts.energy.totalJoules,
                  records.size(), outcome.unfinishedRuns);
    llvm::errs() << line;
  }
  return 0;
}
} // namespace

unsigned sweep::runThreads() {
  return threads ? unsigned(threads) : std::max(1u, std::thread::hardware_concurrency());
}

std::unique_ptr<Backend> sweep::createRunBackend(const FrontEndResult &result) {
  if (backendName == "interp") {
    if (energyOff)
      return createInterpreterBackend();
    // The interpreter counts phases against the compiler's static costs.
    return createInterpreterBackend(
        [](const GroupSpec &group, std::vector<PhaseCost> &table, std::string &problem) {
          return staticPhaseCosts(group, 1, table, problem);
        });
  }
  if (backendName == "cpu") {
    // Groups are split into chunks only when there are fewer groups than
    // threads: every chunk size costs a compilation.
    size_t groups = 1;
    for (const PlannedSweep &sweep : result.sweeps)
      groups = std::max(groups, sweep.plan.groups.size());
    size_t cores = threads ? unsigned(threads) : std::max(1u, std::thread::hardware_concurrency());
    return createCpuBackend((cores + groups - 1) / groups, runsPerProgram, !energyOff);
  }
  error("unknown backend '" + backendName + "'; this sweepc has: cpu, interp");
  return nullptr;
}

int sweep::runSweeps(const FrontEndResult &result, llvm::StringRef sourceFile,
                     llvm::StringRef baseDir, SourceDiagnostics &diags) {
  if (resume && overwrite) {
    error("--resume and --overwrite exclude each other");
    return 1;
  }
  std::unique_ptr<Backend> backend = createRunBackend(result);
  if (!backend)
    return 1;
  bool found = onlySweep.empty();
  for (const PlannedSweep &sweep : result.sweeps) {
    if (!onlySweep.empty() && sweep.spec->name != onlySweep)
      continue;
    found = true;
    if (int status = runOne(sweep, sourceFile, baseDir, diags, *backend))
      return status;
  }
  if (!found) {
    error("the file has no sweep named '" + onlySweep + "'");
    return 1;
  }
  return 0;
}
