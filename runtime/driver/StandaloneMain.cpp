//===- StandaloneMain.cpp - main() of a `sweepc build` executable ---------===//
//
// The executable carries its sweeps (packJobs) and its compiled group
// programs (BuiltPrograms.h); this main reads the options `sweepc run`
// accepts, unpacks the jobs and runs each through the same runner as
// `sweepc run`, with backends over the linked code: host memory for the
// CPU's programs, device memory of GPU 0 for the GPU's. It needs no LLVM,
// no MLIR and no .sweep file, and for the GPU only the driver.
//
//===----------------------------------------------------------------------===//

#include "runtime/cuda/DeviceBufferSpace.h"
#include "runtime/driver/BuiltPrograms.h"
#include "runtime/driver/FatalErrors.h"
#include "runtime/driver/LinkedBackend.h"
#include "runtime/driver/ShellWord.h"
#include "runtime/driver/StandardStreams.h"
#include "runtime/driver/SweepRunner.h"
#include "runtime/exec/CompiledProgram.h"
#include "runtime/exec/JobFile.h"

#include <cctype>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

using namespace sweep;

namespace {
const char *kUsage =
    "usage: %s [options]\n"
    "Trains the sweeps built into this executable (sweepc build) and writes their\n"
    "results, as `sweepc run` does.\n\n"
    "  --results=DIR       results go to DIR/<sweep>/ (default: results)\n"
    "  --resume            finish an interrupted sweep, keeping its finished runs\n"
    "  --overwrite         discard earlier results in the directory\n"
    "  --device=D          cpu, cuda or auto (default: each sweep's `device` setting)\n"
    "  --data-dir=DIR      read every data file from DIR (the files' names as built)\n"
    "  --sweep=NAME        run only the sweep NAME\n"
    "  --jobs=N            programs trained at once on the CPU (default: the cores\n"
    "                      this process may use; --threads=N is the same)\n"
    "  --streams=N         programs trained at once on the GPU, each on its own CUDA\n"
    "                      stream (default 1)\n"
    "  --top=N             runs shown in the leaderboard (default 10)\n"
    "  --save-weights=N    keep the trained weights of the N best runs as\n"
    "                      DIR/<sweep>/weights/r<id>.npz (default 0: none)\n"
    "  --no-energy         no meter and no joules\n"
    "  --quiet             no progress output and no leaderboard\n"
    "  --list              print the sweeps and programs built in, then exit\n"
    "  --version           how this executable was built\n";

/// The backends over the linked programs; the GPU opened on first use.
class LinkedBackends : public BackendSource {
public:
  explicit LinkedBackends(unsigned streams)
      : streams(streams),
        cpuBackend(createLinkedBackend(sweep_built_programs, sweep_built_program_count, "cpu",
                                       hostBufferSpace())) {}
  ~LinkedBackends() override {
    dropGpu();
    space.reset();
    if (opened)
      cuda::GpuRuntime::close();
  }
  Backend &cpu() override { return *cpuBackend; }

protected:
  std::unique_ptr<Backend> openGpu(std::string &problem, OpenedGpu &gpu) override {
    if (!hasLinkedPrograms(sweep_built_programs, sweep_built_program_count, "cuda")) {
      problem = "this executable was built without GPU code (sweepc build --device=cuda or all)";
      return nullptr;
    }
    cuda::DeviceInfo device;
    cuda::GpuRuntime *runtime = cuda::GpuRuntime::openFirstDevice(device, problem);
    if (!runtime)
      return nullptr;
    opened = true;
    // Regression: sm_90 code was taken to an sm_80 GPU, whose driver cannot
    // load it, instead of letting --device=auto train on the CPU.
    if (!device.runsCodeFor(sweep_built_gpu_chip)) {
      problem = "this executable's GPU code is for " + std::string(sweep_built_gpu_chip) +
                ", which " + device.describe() + " cannot run (sweepc build --gpu-chip=sm_" +
                std::to_string(device.major) + std::to_string(device.minor) + " makes code for it)";
      return nullptr;
    }
    gpu.name = device.describe();
    gpu.pciBusId = device.pciBusId;
    space = std::make_unique<cuda::DeviceBufferSpace>(*runtime);
    return createLinkedBackend(sweep_built_programs, sweep_built_program_count, "cuda", *space,
                               streams);
  }

private:
  unsigned streams;
  std::unique_ptr<Backend> cpuBackend;
  std::unique_ptr<cuda::DeviceBufferSpace> space;
  bool opened = false;
};

/// `path`'s file name in `dir`.
std::string relocate(const std::string &path, const std::string &dir) {
  if (path.empty())
    return path;
  size_t slash = path.rfind('/');
  return dir + "/" + (slash == std::string::npos ? path : path.substr(slash + 1));
}

/// Digits alone, as sweepc's options take them. Regression: strtoul's
/// leading spaces and signs were taken (`--jobs=+2`, `--jobs=" 2"`).
bool parseUnsigned(const std::string &text, unsigned &value) {
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  unsigned long parsed = std::strtoul(text.c_str(), nullptr, 10);
  if (parsed > 1u << 20)
    return false;
  value = unsigned(parsed);
  return true;
}
/// Status 0 when what went to standard output arrived, else 1 (said, unless
/// its reader stopped reading: `| head` knows), as for sweepc. Regression:
/// --list, --help and --version to a full disk ended with status 0.
int outputStatus(const std::string &self) {
  std::cout.flush();
  bool lost = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
  if (!lost)
    return 0;
  if (!standardOutputReaderGone())
    std::cerr << self << ": error: cannot write standard output\n";
  return 1;
}
} // namespace

int main(int argc, char **argv) {
  openClosedStandardStreams();
  std::string self = argc > 0 ? argv[0] : "sweep";
  installFatalErrorHandlers(self);
  // A reader of the output that went away (`exe | head`) does not stop the
  // training: what is printed to it is dropped.
  std::signal(SIGPIPE, SIG_IGN);
  RunSettings settings;
  settings.program = self;
  std::string onlySweep, dataDir;
  bool list = false;
  std::string jobsNamed = "jobs"; // The last of --jobs and --threads given.
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    size_t equals = arg.find('=');
    bool hasValue = equals != std::string::npos;
    if (hasValue) {
      value = arg.substr(equals + 1);
      arg = arg.substr(0, equals);
    }
    auto needValue = [&]() -> bool {
      if (hasValue)
        return true;
      // An option is not a value: `--results --quiet` wrote to ./--quiet.
      // "-1" is a (bad) number, not an option: its own error says so.
      if (i + 1 < argc && argv[i + 1][0] == '-' && argv[i + 1][1] != '\0' &&
          !std::isdigit(static_cast<unsigned char>(argv[i + 1][1])) && argv[i + 1][1] != '.') {
        std::cerr << self << ": error: " << arg << " needs a value, and '" << argv[i + 1]
                  << "' is an option (for a value that begins with '-', write " << arg
                  << "=VALUE)\n";
        return false;
      }
      if (i + 1 < argc) {
        value = argv[++i];
        return true;
      }
      std::cerr << self << ": error: " << arg << " needs a value\n";
      return false;
    };
    auto flag = [&]() -> bool {
      if (!hasValue)
        return true;
      std::cerr << self << ": error: " << arg << " takes no value\n";
      return false;
    };
    if (arg == "--help" || arg == "-h") {
      std::fprintf(stdout, kUsage, self.c_str());
      return outputStatus(self);
    } else if (arg == "--version") {
      std::cout << sweep_built_description << "\n";
      return outputStatus(self);
    } else if (arg == "--results" || arg == "--device" || arg == "--data-dir" || arg == "--sweep") {
      if (!needValue())
        return 1;
      if (value.empty()) { // `--results=` would write under /.
        std::cerr << self << ": error: " << arg << " was given an empty value\n";
        return 1;
      }
      (arg == "--results"  ? settings.resultsDir
       : arg == "--device" ? settings.device
       : arg == "--sweep"  ? onlySweep
                           : dataDir) = value;
    } else if (arg == "--jobs" || arg == "--threads" || arg == "--top" || arg == "--streams" ||
               arg == "--save-weights") {
      unsigned number = 0;
      if (!needValue())
        return 1;
      if (!parseUnsigned(value, number)) {
        std::cerr << self << ": error: " << arg << " expects a count, not '" << value << "'\n";
        return 1;
      }
      if (arg == "--streams" && number == 0) {
        std::cerr << self << ": error: --streams expects at least 1\n";
        return 1;
      }
      if (arg == "--jobs" || arg == "--threads")
        jobsNamed = arg.substr(2);
      if (arg == "--save-weights")
        settings.saveWeights = number;
      else
        (arg == "--top"       ? settings.top
         : arg == "--streams" ? settings.streams
                              : settings.threads) = number;
    } else if (arg == "--resume" || arg == "--overwrite" || arg == "--quiet" ||
               arg == "--no-energy" || arg == "--list") {
      if (!flag())
        return 1;
      (arg == "--resume"      ? settings.resume
       : arg == "--overwrite" ? settings.overwrite
       : arg == "--quiet"     ? settings.quiet
       : arg == "--list"      ? list
                              : settings.energyOff) = true;
    } else {
      std::cerr << self << ": error: unknown option '" << argv[i] << "' (see --help)\n";
      return 1;
    }
  }
  if (settings.resume && settings.overwrite) {
    std::cerr << self << ": error: --resume and --overwrite exclude each other\n";
    return 1;
  }
  // As sweepc run warns. Regression: `--jobs=1048576` was silent.
  if (std::string warning = oversubscribedWarning(jobsNamed, settings.threads); !warning.empty())
    std::cerr << self << ": warning: " << warning << "\n";
  setOutOfMemoryContext("training");
  // What finishes an interrupted sweep: this executable, where it puts its
  // results, where its data is, which sweep, and the options that decide
  // what it writes.
  settings.resumeCommand = shellWord(self);
  for (const auto &[option, value] :
       {std::pair<const char *, const std::string &>{"--results", settings.resultsDir},
        {"--data-dir", dataDir},
        {"--sweep", onlySweep}})
    if (!value.empty() && !(option == std::string("--results") && value == "results"))
      settings.resumeCommand += " " + shellWord(option + ("=" + value));
  if (!settings.device.empty())
    settings.resumeCommand += " " + shellWord("--device=" + settings.device);
  if (settings.energyOff)
    settings.resumeCommand += " --no-energy";
  if (settings.saveWeights)
    settings.resumeCommand += " --save-weights=" + std::to_string(settings.saveWeights);
  settings.resumeCommand += " --resume";

  std::vector<SweepJob> jobs;
  std::string error;
  if (!unpackJobs(sweep_built_jobs, size_t(sweep_built_jobs_end - sweep_built_jobs), jobs, error)) {
    std::cerr << self << ": error: " << error << "\n";
    return 1;
  }
  // Before --list too. Regression: `--list --sweep=nosuch` listed every sweep.
  if (!onlySweep.empty() &&
      std::none_of(jobs.begin(), jobs.end(), [&](const SweepJob &job) { return job.name == onlySweep; })) {
    std::cerr << self << ": error: this executable has no sweep named '" << onlySweep << "'\n";
    return 1;
  }
  if (list) {
    std::cout << sweep_built_description << "\n";
    // Each group by its settings, with the programs built for it (device and
    // runs): the programs' keys are layout codes no user can read.
    // Regression: only the keys were listed.
    for (const SweepJob &job : jobs) {
      if (!onlySweep.empty() && job.name != onlySweep)
        continue;
      std::cout << "sweep " << job.name << ": " << job.runs.size()
                << (job.runs.size() == 1 ? " run in " : " runs in ") << job.groups.size()
                << (job.groups.size() == 1 ? " group\n" : " groups\n");
      for (size_t g = 0; g < job.groups.size(); ++g) {
        std::string mine = groupCodeStructure(groupCodeKey(job.groups[g], 1)), programs;
        for (size_t p = 0; p < sweep_built_program_count; ++p) {
          std::string key = sweep_built_programs[p].key;
          if (groupCodeStructure(key) == mine)
            programs += std::string(programs.empty() ? "" : ", ") +
                        sweep_built_programs[p].device + " of " +
                        std::to_string(groupCodeRuns(key)) + " runs";
        }
        std::cout << "  group " << g << " (" << job.groups[g].label << "): "
                  << job.groups[g].runs.size() << (job.groups[g].runs.size() == 1 ? " run" : " runs")
                  << "; programs: " << (programs.empty() ? "none" : programs) << "\n";
      }
    }
    return outputStatus(self);
  }
  // Built executables train in one process: several MPI ranks would each
  // train everything, so they are refused (docs/cluster.md).
  std::unique_ptr<Cluster> cluster = joinCluster(argc, argv, error);
  if (!cluster) {
    std::cerr << self << ": error: " << error << "\n";
    return 1;
  }
  LinkedBackends backends(settings.streams);
  // Every sweep's folder before the first trains. Regression: a later
  // sweep's earlier results stopped the executable after the first trained.
  std::vector<std::string> names;
  for (const SweepJob &job : jobs)
    if (onlySweep.empty() || job.name == onlySweep)
      names.push_back(job.name);
  if (!sweepFoldersFree(names, settings))
    return 1;
  // --data-dir keeps only the files' names: two files of one name (train/
  // and test/data.csv) would both read the first. Regression: the test split
  // silently was the training file.
  if (!dataDir.empty()) {
    std::map<std::string, std::string> readAs; // Relocated path -> the path as built.
    for (SweepJob &job : jobs)
      for (DataSpec &data : job.datasets)
        for (std::string *path : data.files()) {
          if (!onlySweep.empty() && job.name != onlySweep)
            continue;
          // One file under two spellings (train.csv, ./train.csv) is one.
          std::string file = std::filesystem::path(*path).lexically_normal().string();
          auto [at, added] = readAs.emplace(relocate(*path, dataDir), file);
          if (!added && at->second != file) {
            std::cerr << self << ": error: --data-dir reads '" << at->second << "' and '" << *path
                      << "' both as '" << at->first
                      << "' (it keeps the files' names only): run where the files are, "
                         "without --data-dir, or build from files of distinct names\n";
            return 1;
          }
        }
  }
  for (SweepJob &job : jobs) {
    if (!onlySweep.empty() && job.name != onlySweep)
      continue;
    settings.dataErrorHint =
        dataDir.empty() ? " (the data files are read where they were when the executable was "
                          "built; --data-dir=DIR reads them from DIR)"
                        : " (--data-dir=" + dataDir + ")";
    if (!dataDir.empty())
      for (DataSpec &data : job.datasets)
        for (std::string *path : data.files())
          *path = relocate(*path, dataDir);
    if (int status = runSweepJob(job, settings, backends))
      return status;
  }
  // Output that did not arrive is status 1, as for sweepc; a reader that
  // stopped reading (`| head`) knows, a full disk is said.
  return outputStatus(self);
}
