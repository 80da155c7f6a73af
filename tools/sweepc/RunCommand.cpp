//===- RunCommand.cpp - `sweepc run` --------------------------------------===//
//
// Lowers each planned sweep to the runtime's plain SweepJob and hands it to
// the runner (runtime/driver/SweepRunner.h) with backends that compile with
// a JIT: the CPU's (or the interpreter), and the GPU's, opened on first use.
//
//===----------------------------------------------------------------------===//

#include "tools/sweepc/RunCommand.h"
#include "tools/sweepc/Options.h"

#include "codegen/cpu/CpuBackend.h"
#include "codegen/cpu/StaticCosts.h"
#include "codegen/nvptx/GpuBackend.h"
#include "codegen/nvptx/GpuChip.h"
#include "lang/JobBuilder.h"
#include "runtime/cluster/Cluster.h"
#include "runtime/cuda/CudaDriver.h"
#include "runtime/driver/FatalErrors.h"
#include "runtime/driver/ShellWord.h"
#include "runtime/driver/SweepRunner.h"
#include "runtime/exec/ProgramMemory.h"
#include "runtime/interp/Interpreter.h"
#include "runtime/results/ResultsStore.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace sweep;
namespace cl = llvm::cl;

namespace {

cl::opt<std::string>
    backendName("backend",
                cl::desc("How runs are trained on the CPU: cpu (each group compiled into one fused "
                         "program) or interp (the reference interpreter, one run after another)"),
                cl::init("cpu"), cl::cat(runOptions()));
cl::opt<std::string> deviceName(
    "device",
    cl::desc("Where runs train: cpu, cuda (an NVIDIA GPU; an error when there is none) or "
             "auto (the GPU when one is usable, else the CPU, saying why); default: the "
             "sweep's `device` setting. For sweepc build: the programs built, cpu, cuda or "
             "all (default: all with the CUDA toolkit, else cpu)"),
    cl::init(""), cl::cat(runOptions()));
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
                          cl::desc("Programs trained at once on the CPU (default: the cores "
                                   "this process may use); --threads is the same"),
                          cl::init(0), cl::cat(runOptions()));
/// --threads, made at run time by registerThreadsOption (libLLVM's option of
/// that name is registered when the program starts).
cl::opt<unsigned> *threadsOption = nullptr;

cl::opt<unsigned> streams("streams",
                          cl::desc("Programs trained at once on the GPU, each on its own CUDA "
                                   "stream (default 1; --max-memory and the free memory are "
                                   "shared among them)"),
                          cl::init(1), cl::cat(runOptions()));
cl::opt<unsigned> runsPerProgram(
    "runs-per-program",
    cl::desc("Runs trained together in one program (default 0: on the CPU chosen per "
             "group by the cache model that `sweepc plan` shows; on the GPU the whole "
             "group when it fits in the free memory (and --max-memory), else equal parts "
             "that do; for the interpreter one run). Pruning judges a program's runs "
             "together, so the same N gives every backend the same verdicts"),
    cl::init(0), cl::cat(runOptions()));
cl::opt<std::string>
    maxMemory("max-memory",
              cl::desc("The most memory the programs training at once may hold (512M, 2G, ...): on "
                       "the CPU shared among --jobs, on the GPU at most this of its free memory; "
                       "programs get fewer runs to fit (default: no cap on the CPU, 80% of the "
                       "GPU's free memory)"),
              cl::init(""), cl::cat(runOptions()));
cl::opt<unsigned> top("top", cl::desc("Runs shown in the leaderboard (default 10)"), cl::init(10),
                      cl::cat(runOptions()));
cl::opt<unsigned> saveWeights(
    "save-weights",
    cl::desc("Keep the trained weights of the N best runs (the leaderboard's ranking) as "
             "<results>/<sweep>/weights/r<id>.npz, for NumPy or PyTorch (default 0: none)"),
    cl::init(0), cl::value_desc("N"), cl::cat(runOptions()));
cl::opt<std::string> onlySweep("sweep", cl::desc("Run only the sweep with this name"),
                               cl::cat(runOptions()));
cl::opt<bool> energyOff("no-energy",
                        cl::desc("No energy probes, meter or joules (to measure their overhead)"),
                        cl::cat(runOptions()));

cl::opt<std::string> gpuProducts(
    "gpu-products",
    cl::desc("GPU kernels for the dense products: tiles (shared-memory tiles where both "
             "output sides are 16 or longer; the default) or nests (every product a loop "
             "nest, to measure what the tiles give)"),
    cl::init("tiles"), cl::cat(runOptions()));

cl::opt<std::string> gpuKernelModules(
    "gpu-kernel-modules",
    cl::desc("How a group's GPU kernels are packaged: group (one module, one ptxas and "
             "fatbinary for the group; the default) or kernel (a module per kernel, as MLIR "
             "outlines them, to measure what packaging them together saves in compile time)"),
    cl::init("group"), cl::Hidden, cl::cat(runOptions()));

cl::opt<bool> noCompaction(
    "no-compaction",
    cl::desc("Keep stopped runs in their programs, masked, instead of gathering the live "
             "runs into smaller ones (to measure what compaction saves)"),
    cl::cat(runOptions()));

cl::opt<std::string> compileCacheDir(
    "compile-cache",
    cl::desc("Directory where compiled programs (CPU code; GPU kernels with their host "
             "code) are kept between runs, so that a sweep run again (resumed, or with other "
             "values of its runtime parameters) skips LLVM, NVPTX and ptxas (default: "
             "$SWEEPC_COMPILE_CACHE, else $XDG_CACHE_HOME/sweepc, else ~/.cache/sweepc; "
             "--compile-cache=off: keep none)"),
    cl::init(""), cl::cat(runOptions()));

void error(const std::string &message) { llvm::errs() << "sweepc: error: " << message << "\n"; }

/// --jobs or --threads, the last given when both are; 0 when neither is.
unsigned jobsGiven() {
  if (threadsOption && threadsOption->getNumOccurrences() &&
      (!threads.getNumOccurrences() || threadsOption->getPosition() > threads.getPosition()))
    return *threadsOption;
  return threads;
}

/// --max-memory in bytes (0 when not given); false after an error.
bool memoryCap(uint64_t &bytes) {
  bytes = 0;
  if (maxMemory.empty())
    return true;
  std::string problem;
  if (parseByteSize(maxMemory, bytes, problem))
    return true;
  error("--max-memory: " + problem);
  return false;
}

} // namespace

bool sweep::checkRunOptions() {
  for (cl::opt<std::string> *option :
       {&resultsDir, &deviceName, &backendName, &maxMemory, &onlySweep, &compileCacheDir,
        &gpuProducts, &gpuKernelModules})
    if (option->getNumOccurrences() && option->empty()) {
      error("--" + option->ArgStr.str() + " was given an empty value");
      return false;
    }
  if (threads.getNumOccurrences() && threadsOption && threadsOption->getNumOccurrences()) {
    bool jobsLast = threads.getPosition() > threadsOption->getPosition();
    llvm::errs() << "sweepc: warning: --jobs and --threads are one option; the last given, "
                 << (jobsLast ? "--jobs=" + std::to_string(threads)
                              : "--threads=" + std::to_string(*threadsOption))
                 << ", is used\n";
  }
  // A size that does not parse: said once, before anything is printed.
  if (uint64_t cap; !memoryCap(cap))
    return false;
  // The interpreter trains one run after another in its own buffers, which
  // are neither metered nor capped. Regression: the cap was taken and kept
  // nothing, and summary.json recorded it as kept.
  if (maxMemory.getNumOccurrences() && backendName == "interp") {
    error("--max-memory caps compiled programs; --backend=interp trains one run at a time "
          "and does not take it");
    return false;
  }
  // Named as given. Regression: --threads=4 was warned about as --jobs=4.
  bool threadsNamed = threadsOption && threadsOption->getNumOccurrences() &&
                      (!threads.getNumOccurrences() ||
                       threadsOption->getPosition() > threads.getPosition());
  // Every MPI rank would say it alike: rank 0 does.
  if (std::string warning = oversubscribedWarning(threadsNamed ? "threads" : "jobs", jobsGiven());
      !warning.empty() && launchedRank() == 0)
    llvm::errs() << "sweepc: warning: " << warning << "\n";
  return true;
}

namespace {

/// The compile cache --compile-cache (or its default) names, opened once and
/// shared by the CPU's and the GPU's backend; null when it is off, or (with a
/// warning: compiling still works) when it cannot be used.
std::shared_ptr<CompileCache> openCompileCache() {
  static std::shared_ptr<CompileCache> cache = [] {
    std::string directory =
        compileCacheDir.empty() ? CompileCache::defaultDirectory() : std::string(compileCacheDir);
    // Regression: without $HOME the cache was off, and nothing said so.
    if (directory.empty())
      llvm::errs() << "sweepc: warning: no compile cache: neither $XDG_CACHE_HOME nor $HOME is "
                      "set (--compile-cache=DIR or $SWEEPC_COMPILE_CACHE names one): every "
                      "program is compiled\n";
    if (directory.empty() || directory == "off")
      return std::shared_ptr<CompileCache>();
    std::string problem;
    std::shared_ptr<CompileCache> opened = CompileCache::open(directory, problem);
    if (!opened)
      llvm::errs() << "sweepc: warning: no compile cache (" << problem
                   << "): every program is compiled\n";
    return opened;
  }();
  return cache;
}


RunSettings runSettings() {
  RunSettings settings;
  settings.resultsDir = resultsDir;
  settings.resume = resume;
  settings.overwrite = overwrite;
  settings.quiet = quiet;
  settings.energyOff = energyOff;
  settings.noCompaction = noCompaction;
  settings.threads = jobsGiven();
  settings.streams = streams;
  settings.top = top;
  settings.saveWeights = saveWeights;
  settings.device = deviceName;
  memoryCap(settings.maxMemory); // Checked when the CPU backend was made.
  return settings;
}

/// The command that finishes this invocation's sweeps, for the messages of an
/// interrupted sweep and of a spent energy budget: the file, and the options
/// given that decide what is written (where, which sweep, which backend and
/// device, the cut that pruning's verdicts depend on, joules, weights).
std::string resumeCommand(llvm::StringRef sourceFile) {
  std::string command = "sweepc run " + shellWord(sourceFile.str());
  auto add = [&](const std::string &option) { command += " " + shellWord(option); };
  if (resultsDir.getNumOccurrences())
    add("--results=" + resultsDir);
  if (!onlySweep.empty())
    add("--sweep=" + onlySweep);
  if (backendName.getNumOccurrences())
    add("--backend=" + backendName);
  if (deviceName.getNumOccurrences())
    add("--device=" + deviceName);
  if (runsPerProgram.getNumOccurrences())
    add("--runs-per-program=" + std::to_string(runsPerProgram));
  // --jobs and --streams cut groups into programs too (each program's share
  // of the memory), and with it pruning's verdicts. Regression: a --jobs=4
  // sweep resumed by the printed command pruned other runs.
  if (threads.getNumOccurrences() || (threadsOption && threadsOption->getNumOccurrences()))
    add("--jobs=" + std::to_string(runSettings().threads));
  if (streams.getNumOccurrences())
    add("--streams=" + std::to_string(streams));
  if (maxMemory.getNumOccurrences())
    add("--max-memory=" + maxMemory);
  if (energyOff)
    add("--no-energy");
  if (saveWeights)
    add("--save-weights=" + std::to_string(saveWeights));
  return command + " --resume";
}

/// The JIT-compiling backends: the CPU's now, the GPU's when a sweep first
/// wants it (opening the driver and checking the toolkit once).
class JitBackends : public BackendSource {
public:
  /// `localRank`: this process's index on its machine (MPI), which GPU it takes.
  JitBackends(std::unique_ptr<Backend> cpuBackend, int localRank)
      : cpuBackend(std::move(cpuBackend)), localRank(localRank) {}
  ~JitBackends() override {
    dropGpu();
    if (opened)
      cuda::GpuRuntime::close();
  }
  Backend &cpu() override { return *cpuBackend; }

protected:
  std::unique_ptr<Backend> openGpu(std::string &problem, OpenedGpu &gpu) override {
    if (backendName == "interp") {
      problem = "the interpreter (--backend=interp) trains on the CPU only";
      return nullptr;
    }
    // The GPU first: where there is none, that is the reason to give.
    cuda::DeviceInfo device;
    cuda::GpuRuntime *runtime = cuda::GpuRuntime::openDeviceForRank(localRank, device, problem);
    if (!runtime)
      return nullptr;
    opened = true;
    GpuTarget target;
    target.toolkit = defaultCudaToolkit();
    target.format = defaultGpuFormat(target.toolkit);
    std::string why;
    if (findLibdevice(target.toolkit, why).empty()) {
      problem = "no code can be built for " + device.describe() + ": " + why;
      return nullptr;
    }
    if (!applyGpuCodeOptions(target, problem))
      return nullptr;
    // Code for the device's own compute capability (sm_90 on Hopper), or the
    // newest this LLVM knows below it. Regression: sm_120 was compiled for as
    // is, with LLVM's warnings, and ptxas refused it.
    std::string note;
    target.chip = gpuChipForDevice(device.major, device.minor, note);
    if (target.chip.empty()) {
      problem = "this LLVM compiles for no chip as old as " + device.describe();
      return nullptr;
    }
    if (!note.empty())
      llvm::errs() << "sweepc: note: " << note << "\n";
    note.clear();
    target.format = gpuFormatForChip(target.format, target.toolkit, target.chip, note);
    if (!note.empty())
      llvm::errs() << "sweepc: note: " << note << "\n";
    gpu.name = device.describe();
    gpu.pciBusId = device.pciBusId;
    uint64_t cap = 0;
    memoryCap(cap); // Checked when the CPU backend was made.
    return createGpuBackend(*runtime, target, runsPerProgram, cap, streams, openCompileCache());
  }

private:
  std::unique_ptr<Backend> cpuBackend;
  int localRank = 0;
  bool opened = false;
};
} // namespace

const std::string &sweep::deviceOption() { return deviceName; }

uint64_t sweep::maxMemoryOption() {
  uint64_t cap = 0;
  return memoryCap(cap) ? cap : 0;
}

unsigned sweep::streamsOption() { return std::max(1u, unsigned(streams)); }

bool sweep::applyGpuCodeOptions(GpuTarget &target, std::string &problem) {
  if (gpuProducts != "tiles" && gpuProducts != "nests") {
    problem = "--gpu-products=" + gpuProducts + ": expected tiles or nests";
    return false;
  }
  if (gpuKernelModules != "group" && gpuKernelModules != "kernel") {
    problem = "--gpu-kernel-modules=" + gpuKernelModules + ": expected group or kernel";
    return false;
  }
  target.tileProducts = gpuProducts == "tiles";
  target.kernelModules = gpuKernelModules == "group" ? GpuTarget::KernelModules::PerGroup
                                                     : GpuTarget::KernelModules::PerKernel;
  return true;
}
unsigned sweep::runsPerProgramOption() { return runsPerProgram; }
const std::string &sweep::sweepOption() { return onlySweep; }

bool sweep::selectedSweeps(const FrontEndResult &result,
                           std::vector<const PlannedSweep *> &sweeps) {
  sweeps.clear();
  for (const PlannedSweep &sweep : result.sweeps)
    if (onlySweep.empty() || sweep.spec->name == onlySweep)
      sweeps.push_back(&sweep);
  if (!onlySweep.empty() && sweeps.empty()) {
    error("the file has no sweep named '" + onlySweep + "'");
    return false;
  }
  return true;
}

void sweep::registerThreadsOption() {
  if (threadsOption)
    return;
  llvm::StringMap<cl::Option *> &registered = cl::getRegisteredOptions();
  if (auto llvms = registered.find("threads"); llvms != registered.end())
    llvms->second->removeArgument();
  static cl::opt<unsigned> option("threads", cl::desc("The same as --jobs"), cl::init(0),
                                  cl::cat(runOptions()));
  threadsOption = &option;
}

unsigned sweep::runThreads() { return cpuThreads(runSettings()); }

std::unique_ptr<Backend> sweep::createRunBackend(bool trains) {
  uint64_t cap = 0;
  if (!memoryCap(cap))
    return nullptr;
  if (streams == 0) {
    error("--streams expects at least 1 (programs trained at once on the GPU)");
    return nullptr;
  }
  GpuTarget checked;
  std::string problem;
  if (!applyGpuCodeOptions(checked, problem)) {
    error(problem);
    return nullptr;
  }
  if (backendName == "interp") {
    if (energyOff)
      return createInterpreterBackend(nullptr, runsPerProgram);
    // The interpreter counts phases against the compiler's static costs.
    return createInterpreterBackend(
        [](const GroupSpec &group, std::vector<PhaseCost> &table, std::string &problem) {
          return staticPhaseCosts(group, 1, table, problem);
        },
        runsPerProgram);
  }
  if (backendName == "cpu") {
    size_t cores = runThreads();
    // Each of the threads trains one program at a time.
    return createCpuBackend(
        cores, runsPerProgram, !energyOff, CpuLoops::KernelCalls,
        // A cap below one byte per thread is still a cap (0 means none).
        cap ? std::max<uint64_t>(1, cap / cores) : 0, trains ? openCompileCache() : nullptr);
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
  if (backendName == "interp" && deviceName == "cuda") {
    error("--backend=interp trains on the CPU only; it cannot be combined with --device=cuda");
    return 1;
  }
  std::unique_ptr<Backend> cpu = createRunBackend(/*trains=*/true);
  if (!cpu)
    return 1;
  // Under mpirun, each rank trains a share of every sweep (docs/cluster.md).
  int noArgc = 0;
  char **noArgv = nullptr;
  std::string problem;
  std::unique_ptr<Cluster> cluster = joinCluster(noArgc, noArgv, problem);
  if (!cluster) {
    error(problem);
    return 1;
  }
  // What the ranks train and where must be the same on each: ranks given
  // another sweep, --resume on one alone or other results folders waited
  // for each other forever, or trained and merged half the runs.
  if (cluster->size() > 1) {
    std::string names;
    for (const PlannedSweep &sweep : result.sweeps)
      if (onlySweep.empty() || sweep.spec->name == onlySweep)
        names += (names.empty() ? "" : " ") + sweep.spec->name;
    // One folder written two ways (`out`, `./out/`, a link to it) is one.
    llvm::SmallString<256> results(resultsDir.getValue()), real;
    (void)llvm::sys::fs::make_absolute(results);
    llvm::sys::path::remove_dots(results, /*remove_dot_dot=*/true);
    if (!llvm::sys::fs::real_path(results, real))
      results = real;
    std::string differ = disagreement(
        *cluster, {{"sweeps (the file, --sweep)", names.empty() ? "none" : names},
                   {"--results", std::string(results)},
                   {"--resume", resume ? "yes" : "no"},
                   {"--overwrite", overwrite ? "yes" : "no"},
                   {"--backend", backendName},
                   {"--device", deviceName.empty() ? "the sweep's" : deviceName.getValue()},
                   {"--no-energy", energyOff ? "yes" : "no"},
                   {"--save-weights", std::to_string(saveWeights)}});
    if (!differ.empty()) {
      if (cluster->isRoot())
        error(differ + "; give every rank the same file and options (docs/cluster.md)");
      return 1;
    }
  }
  JitBackends backends(std::move(cpu), cluster->localRank());
  RunSettings settings = runSettings();
  settings.resumeCommand = resumeCommand(sourceFile);
  settings.cluster = cluster.get();
  // Rank 0 speaks for the ranks (their lines would interleave); every rank
  // still reports its own errors and warnings.
  if (cluster->size() > 1 && !cluster->isRoot())
    settings.quiet = true;
  if (cluster->size() > 1 && !settings.quiet) {
    std::string line = "sweepc: " + std::to_string(cluster->size()) +
                       " MPI ranks share the sweep: rank k trains programs k, k + " +
                       std::to_string(cluster->size()) + ", ...\n";
    llvm::errs() << line;
  }
  std::vector<const PlannedSweep *> sweeps;
  if (!selectedSweeps(result, sweeps))
    return 1;
  // Every sweep's folder before the first trains (docs/results.md).
  std::vector<std::string> names;
  for (const PlannedSweep *sweep : sweeps)
    names.push_back(sweep->spec->name);
  if (!sweepFoldersFree(names, settings))
    return 1;
  for (const PlannedSweep *sweep : sweeps) {
    setOutOfMemoryContext("compiling and training", sweep->spec->name, sweep->runs.size());
    SweepJob job = buildSweepJob(*sweep, sourceFile, baseDir, diags);
    if (int status = runSweepJob(job, settings, backends))
      return status;
  }
  return 0;
}
