//===- SweepRunner.cpp - one sweep, end to end ----------------------------===//

#include "runtime/driver/SweepRunner.h"

#include "runtime/energy/EnergyLedger.h"
#include "runtime/exec/Trainer.h"
#include "runtime/results/Summary.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <unistd.h>

using namespace sweep;

unsigned sweep::cpuThreads(const RunSettings &settings) {
  return settings.threads ? settings.threads : std::max(1u, std::thread::hardware_concurrency());
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
                  const Reporter &report, Backend *&backend, std::string &device) {
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
    backend = &backends.cpu();
    device = "cpu";
    return true;
  }
  report.error("sweep '" + job.name + "' asks for the GPU (" + asked + "), but " + why +
               "; --device=cpu trains it on the CPU");
  return false;
}

/// The meter the sweep's `energy(meter: ...)` asks for; null with `problem`
/// when it cannot be had, null without one when the sweep goes unmetered.
std::unique_ptr<EnergyMeter> openSweepMeter(const SweepJob &job, const std::string &device,
                                            unsigned cores, const Reporter &report,
                                            std::string &problem) {
  std::string why;
  if (device == "cuda") {
    if (job.energyMeter == "rapl" || job.energyMeter == "model") {
      problem = "sweep '" + job.name + "' asks for energy(meter: " + job.energyMeter +
                "), which meters the CPU; the runs train on the GPU (use nvml or auto)";
      return nullptr;
    }
    const char *library = std::getenv("SWEEPC_NVML_LIBRARY");
    std::unique_ptr<EnergyMeter> nvml =
        openNvmlMeter(library && *library ? library : "libnvidia-ml.so.1", why);
    if (!nvml && job.energyMeter == "nvml")
      problem = "sweep '" + job.name + "' asks for energy(meter: nvml), but " + why;
    else if (!nvml)
      report.warning("sweep '" + job.name + "' trains on the GPU without joules: " + why +
                     " (the CPU's meters do not see the GPU)");
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

std::string hostName() {
  char buffer[256] = {0};
  if (::gethostname(buffer, sizeof buffer - 1) != 0)
    return "";
  return buffer;
}
} // namespace

int sweep::runSweepJob(const SweepJob &job, const RunSettings &settings,
                       BackendSource &backends) {
  Reporter report{settings};
  auto wallStart = std::chrono::steady_clock::now();
  std::string started = isoTimeNow();
  Backend *chosen = nullptr;
  std::string device;
  if (!chooseDevice(job, settings, backends, report, chosen, device))
    return 1;
  Backend &backend = *chosen;
  bool onGpu = device == "cuda";

  // The groups compile while the data loads (compiling needs only the job).
  // Both fail before any results file exists; a data error is reported first.
  unsigned workers = cpuThreads(settings);
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
      report.error("sweep '" + job.name + "': " + problem);
      return 1;
    }
    for (const std::string &warning : datasets[d].warnings)
      report.warning(warning);
    hasValidation |= datasets[d].validation.count > 0;
    hasTest |= datasets[d].test.count > 0;
  }
  std::vector<MetricColumn> metrics = metricColumns(job.metrics, hasValidation, hasTest);
  Ranking ranking = chooseRanking(metrics);

  if (!settings.quiet && backend.programsToCompile(job) > 0)
    std::cerr << "[" << job.name << "] compiling " << job.groups.size() << " group"
              << (job.groups.size() == 1 ? "" : "s") << " for the "
              << (onGpu ? "GPU (" + backends.gpuName() + ")" : std::string("CPU")) << "\n";
  if (!settings.quiet && onGpu)
    for (size_t g = 0; g < job.groups.size(); ++g)
      std::cerr << "[" << job.name << "] group " << g << " "
                << backend.describeSchedule(job, job.groups[g]) << "\n";
  compiling.join();
  if (!compiled) {
    report.error(compileProblem);
    return 1;
  }
  std::string problem;

  ResultsStore::Mode mode = settings.overwrite ? ResultsStore::Mode::Overwrite
                            : settings.resume  ? ResultsStore::Mode::Resume
                                               : ResultsStore::Mode::Fresh;
  std::unique_ptr<ResultsStore> store =
      ResultsStore::open(settings.resultsDir + "/" + job.name, job, metrics, mode, problem);
  if (!store) {
    report.error(problem);
    return 1;
  }

  std::vector<RunRecord> records = store->recoveredRuns();
  TrainerOptions options;
  // One GPU trains one program at a time; the CPU one per thread.
  options.threads = onGpu ? 1 : cpuThreads(settings);
  options.compaction = !settings.noCompaction;
  std::unique_ptr<EnergyLedger> ledger;
  if (!settings.energyOff) {
    std::unique_ptr<EnergyMeter> meter =
        openSweepMeter(job, device, options.threads, report, problem);
    if (!meter && !problem.empty()) {
      report.error(problem);
      return 1;
    }
    if (meter) {
      if (!settings.quiet)
        std::cerr << "[" << job.name << "] energy: " << meter->source() << ", "
                  << meter->describe() << "\n";
      ledger = std::make_unique<EnergyLedger>(std::move(meter), job.energyWindowSeconds,
                                              EnergyModel::cpu(options.threads));
      ledger->measureIdle(0.25);
      options.energy = ledger.get();
      options.energyBudgetJoules = job.energyBudgetJoules;
    }
  }
  Progress progress(Progress::detectMode(settings.quiet), job.name, job.runs.size(),
                    records.size(), remainingWork(job, *store), metrics[ranking.column].name,
                    ranking.higherIsBetter);
  TrainerOutcome outcome;
  bool ok = trainSweep(job, datasets, backend, *store, metrics, ranking, progress, options, records,
                       problem, &outcome);
  progress.finish();
  if (!ok) {
    report.error(problem);
    return 1;
  }

  SweepFacts facts;
  facts.backend = backend.name();
  facts.device = onGpu ? "cuda: " + backends.gpuName() : "cpu";
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
    report.error(problem);
    return 1;
  }
  if (!settings.quiet) {
    if (facts.programs) {
      char line[160];
      std::snprintf(line, sizeof line, "Compiled %zu group program%s in %.2f s of %.1f s.\n",
                    facts.programs, facts.programs == 1 ? "" : "s", facts.compileSeconds,
                    facts.wallSeconds);
      std::cout << line;
    }
    printLeaderboard(std::cout, job, records, metrics, ranking, settings.top);
    printEnergyReport(std::cout, records, metrics, ranking, facts.energy);
    std::cout << "Results: " << store->directory() << "/{runs.csv,curves.csv,summary.json}\n";
    std::cout.flush();
  }
  if (outcome.budgetSpent) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "%s: sweep '%s' stopped: its energy budget of %g J is spent (%.4g J "
                  "used); %zu runs finished, %zu not (%s trains them with a "
                  "new budget)\n",
                  settings.program.c_str(), job.name.c_str(), job.energyBudgetJoules,
                  facts.energy.totalJoules, records.size(), outcome.unfinishedRuns,
                  settings.resumeCommand.c_str());
    std::cerr << line;
  }
  return 0;
}
