//===- sweepc.cpp - the sweepc compiler driver ----------------------------===//
//
// `sweepc check|plan|run FILE`, and `sweepc -emit=<stage> FILE` for every
// stage of the pipeline. -emit is ordered: it decides how deep the pipeline
// runs; `run` goes all the way and trains (RunCommand.cpp).
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/ObjectEmitter.h"
#include "codegen/nvptx/GpuChip.h"
#include "codegen/nvptx/GpuKernelSummary.h"
#include "codegen/nvptx/LoadModulesOnce.h"
#include "codegen/nvptx/PtxKernels.h"
#include "lang/FrontEnd.h"
#include "lang/JobBuilder.h"
#include "lib/MLIRGen/SweepProgram.h"
#include "lib/MLIRGen/TrainProgram.h"
#include "lib/Pipelines/CpuPipeline.h"
#include "lib/Pipelines/GpuPipeline.h"
#include "lib/Registration/Registration.h"
#include "runtime/driver/FatalErrors.h"
#include "runtime/driver/InterruptNotice.h"
#include "runtime/driver/StandardStreams.h"
#include "runtime/cluster/Cluster.h"
#include "runtime/driver/SweepRunner.h"
#include "runtime/exec/CompiledProgram.h"
#include "runtime/exec/ProgramMemory.h"
#include "runtime/exec/PruningBoard.h"
#include "tools/sweepc/BuildCommand.h"
#include "tools/sweepc/DataCommand.h"
#include "tools/sweepc/OptionScope.h"
#include "tools/sweepc/SeparateValues.h"
#include "tools/sweepc/CountValues.h"
#include "tools/sweepc/Options.h"
#include "tools/sweepc/PlanEnergy.h"
#include "tools/sweepc/ReportCommand.h"
#include "tools/sweepc/RunCommand.h"
#include "tools/sweepc/SourceFile.h"
#include "tools/sweepc/SplitInput.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include "llvm/Support/ToolOutputFile.h"
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>

#include <unistd.h>

using namespace sweep;
namespace cl = llvm::cl;

namespace {
/// How far the pipeline runs, in order.
enum class Emit {
  AST,
  Check,
  Grid,
  Plan,
  Sweep,
  Train,
  Linalg,
  Loops,
  LLVM,
  Obj,
  Gpu,
  Ptx,
  GpuObj
};

cl::list<std::string>
    positionals(cl::Positional,
                cl::desc("[check|plan|run|build|data] <file.sweep> | report <results dir>"),
                cl::OneOrMore, cl::cat(sweepcOptions()));

cl::opt<Emit> emitAction(
    "emit", cl::desc("What to print"), cl::init(Emit::Check),
    cl::values(
        clEnumValN(Emit::AST, "ast", "the parsed AST"),
        clEnumValN(Emit::Check, "check", "diagnostics only"),
        clEnumValN(Emit::Grid, "grid", "every run of the expanded grid, one per line"),
        clEnumValN(Emit::Plan, "plan", "runs, groups and their sizes"),
        clEnumValN(Emit::Sweep, "sweep",
                   "the experiment in the sweep dialect: datasets, groups, "
                   "hyperparameter tables, each group's program"),
        clEnumValN(Emit::Train, "train", "each group's train-dialect program, before autodiff"),
        clEnumValN(Emit::Linalg, "linalg", "after autodiff and convert-train-to-linalg (tensors)"),
        clEnumValN(Emit::Loops, "loops", "bufferized memrefs and scf loops"),
        clEnumValN(Emit::LLVM, "llvm", "the LLVM dialect the JIT compiles"),
        clEnumValN(Emit::Obj, "obj",
                   "an x86-64 object file per group: <o>.<sweep>.g<N>.o (needs -o)"),
        clEnumValN(Emit::Gpu, "gpu",
                   "the GPU pipeline: each generic outlined as a gpu.func kernel"),
        clEnumValN(Emit::Ptx, "ptx",
                   "the GPU pipeline: each group's PTX module, all its kernels (for --gpu-chip)"),
        clEnumValN(Emit::GpuObj, "gpu-obj",
                   "the GPU pipeline: an x86-64 object per group, its host code with "
                   "the PTX embedded: <o>.<sweep>.g<N>.o (needs -o)")),
    cl::cat(sweepcOptions()));

cl::opt<std::string> gpuChip("gpu-chip", cl::desc("The NVIDIA GPU sweepc build and -emit=ptx compile kernels for "
                                      "(default sm_90: H100, H200)"),
                             cl::value_desc("sm_XY"), cl::init("sm_90"), cl::cat(sweepcOptions()));

cl::opt<std::string> outputFilename("o", cl::desc("Output file (sweepc build: the executable; sweepc data: the "
                                             "folder; -emit=obj: the objects' prefix)"), cl::value_desc("filename"),
                                    cl::init("-"), cl::cat(sweepcOptions()));
/// -emit=obj and -emit=gpu-obj: what -o named, the objects' prefix (their
/// listing goes to standard output, not over a file of that name).
std::string objectPrefix;

cl::opt<bool> splitInputFile("split-input-file",
                             cl::desc("Process each chunk between '// -----' lines on its own"),
                             cl::cat(sweepcOptions()));

cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check that the diagnostics match the expected-* comments in the input"),
    cl::cat(sweepcOptions()));

/// The name -emit gives the stage chosen ("ptx" for -emit=ptx).
llvm::StringRef emitStageName() {
  switch (emitAction) {
  case Emit::AST: return "ast";
  case Emit::Check: return "check";
  case Emit::Grid: return "grid";
  case Emit::Plan: return "plan";
  case Emit::Sweep: return "sweep";
  case Emit::Train: return "train";
  case Emit::Linalg: return "linalg";
  case Emit::Loops: return "loops";
  case Emit::LLVM: return "llvm";
  case Emit::Obj: return "obj";
  case Emit::Gpu: return "gpu";
  case Emit::Ptx: return "ptx";
  case Emit::GpuObj: return "gpu-obj";
  }
  return "check";
}

/// `sweepc run`: set when the subcommand is given.
bool trainRuns = false;
/// `sweepc build`: the executable to write ("" otherwise).
std::string buildTarget;
/// `sweepc data FILE -o DIR`: where the sweeps' samples go.
std::string dataTarget;
std::string sourceName;
int runStatus = 0;

/// Runs the GPU pipeline on one group's program and prints its kernels
/// (-emit=gpu) or their PTX, one module after another (-emit=ptx).
mlir::LogicalResult emitGpu(mlir::ModuleOp module, const std::string &objectPath,
                            mlir::MLIRContext &context, llvm::raw_ostream &os) {
  GpuTarget target;
  target.chip = gpuChip;
  target.toolkit = defaultCudaToolkit();
  std::string problem;
  if (!applyGpuCodeOptions(target, problem)) {
    llvm::errs() << "sweepc: error: " << problem << "\n";
    return mlir::failure();
  }
  // -emit=ptx prints PTX; the objects carry a cubin too where ptxas is.
  if (emitAction == Emit::GpuObj) {
    std::string note;
    target.format =
        gpuFormatForChip(defaultGpuFormat(target.toolkit), target.toolkit, target.chip, note);
    if (!note.empty())
      llvm::errs() << "sweepc: note: " << note << "\n";
  }
  if (emitAction != Emit::Gpu) {
    std::string why;
    if (findLibdevice(target.toolkit, why).empty()) {
      llvm::errs() << "sweepc: error: -emit=" << (emitAction == Emit::Ptx ? "ptx" : "gpu-obj")
                   << ": " << why << "\n";
      return mlir::failure();
    }
  }
  mlir::PassManager pm(&context);
  buildGpuPipeline(pm, emitAction == Emit::Gpu ? GpuStage::Kernels : GpuStage::Ptx, target);
  if (mlir::failed(pm.run(module)))
    return mlir::failure();
  if (emitAction == Emit::GpuObj) {
    std::string error;
    if (!emitObjectFile(module, objectPath, "x86-64-v2", error, /*entryPrefix=*/"",
                        [](llvm::Module &host) { loadGpuModulesOnce(host); })) {
      llvm::errs() << "sweepc: error: " << error << "\n";
      return mlir::failure();
    }
    os << "// wrote " << objectPath << "\n";
    return mlir::success();
  }
  if (emitAction == Emit::Gpu) {
    module.print(os);
    os << "\n";
    return mlir::success();
  }
  std::vector<PtxModule> kernels;
  std::string error;
  if (!collectPtx(module, kernels, error)) {
    llvm::errs() << "sweepc: error: " << error << "\n";
    return mlir::failure();
  }
  for (const PtxModule &kernel : kernels)
    os << "// ----- PTX module " << kernel.name << "\n" << kernel.ptx << "\n";
  return mlir::success();
}

/// Prints each group of `sweep` at the -emit stage of the CPU pipeline.
mlir::LogicalResult emitCompiled(const PlannedSweep &sweep, llvm::StringRef baseDir,
                                 SourceDiagnostics &diags, mlir::MLIRContext &context,
                                 llvm::raw_ostream &os) {
  setOutOfMemoryContext("building", sweep.spec->name, sweep.runs.size());
  SweepJob job = buildSweepJob(sweep, "", baseDir, diags);
  mlir::DialectRegistry registry;
  registerSweepDialects(registry);
  context.appendDialectRegistry(registry);
  for (size_t g = 0; g < job.groups.size(); ++g) {
    const GroupSpec &group = job.groups[g];
    os << "// sweep " << job.name << ", group " << g << " (" << group.runs.size()
       << " runs): " << group.label << "\n";
    // GPU code sums its loss rows on the device (TrainProgramOptions).
    TrainProgramOptions programOptions;
    programOptions.rowSums =
        emitAction == Emit::Gpu || emitAction == Emit::Ptx || emitAction == Emit::GpuObj;
    mlir::OwningOpRef<mlir::ModuleOp> module =
        buildTrainProgram(context, group, int64_t(group.runs.size()), programOptions);
    std::string objectPath = objectPrefix + "." + job.name + ".g" + std::to_string(g) + ".o";
    if (emitAction == Emit::Gpu || emitAction == Emit::Ptx || emitAction == Emit::GpuObj) {
      if (mlir::failed(emitGpu(*module, objectPath, context, os)))
        return mlir::failure();
      continue;
    }
    if (emitAction != Emit::Train) {
      mlir::PassManager pm(&context);
      buildCpuPipeline(pm, emitAction == Emit::Linalg  ? CpuStage::Linalg
                           : emitAction == Emit::Loops ? CpuStage::Loops
                                                       : CpuStage::LLVM);
      if (mlir::failed(pm.run(*module)))
        return mlir::failure();
    }
    if (emitAction == Emit::Obj) {
      std::string &path = objectPath;
      std::string error;
      if (!emitObjectFile(*module, path, "x86-64-v2", error)) {
        llvm::errs() << "sweepc: error: " << error << "\n";
        return mlir::failure();
      }
      os << "// wrote " << path << "\n";
      continue;
    }
    module->print(os);
    os << "\n";
  }
  return mlir::success();
}

/// What `sweepc run` on the GPU refuses whatever its free memory: a
/// --max-memory share (over --streams) below a program of one run, or of
/// --runs-per-program runs. Regression: a GPU plan flagged nothing.
std::string gpuCapProblem(const GroupSpec &group) {
  uint64_t cap = maxMemoryOption();
  if (!cap)
    return "";
  unsigned streams = streamsOption();
  size_t forced = runsPerProgramOption();
  size_t runs = forced ? std::min<size_t>(forced, std::max<size_t>(1, group.runs.size())) : 1;
  uint64_t needed = programBytesPerRun(group) * runs, share = cap / streams;
  if (needed <= share)
    return "";
  return (forced ? "a program of " + std::to_string(runs) + " runs (--runs-per-program) needs "
                 : std::string("a run needs ")) +
         formatBytes(needed) + " of device memory, more than the " + formatBytes(share) +
         " a program may hold (--max-memory" +
         (streams > 1 ? ", shared by --streams=" + std::to_string(streams) : std::string()) + ")";
}

/// Runs the front end on one buffer and prints what -emit asks for.
mlir::LogicalResult runPipeline(llvm::SourceMgr &sourceMgr, mlir::MLIRContext &context,
                                llvm::StringRef baseDir, llvm::raw_ostream &printed) {
  // Under an MPI launcher every rank would print the same plan, grid or
  // check: rank 0 prints it. Regression: `mpirun -np 2 sweepc plan` printed
  // it twice. (`sweepc run` joins the ranks and says who prints what.)
  bool launched = launchedRanks() > 1;
  llvm::raw_null_ostream otherRank;
  llvm::raw_ostream &os = launched && launchedRank() != 0 && !trainRuns ? otherRank : printed;
  int ranksHere = launched ? launchedLocalRanks() : 1;
  SourceDiagnostics diags(sourceMgr, &context);
  FrontEndOptions options;
  options.plan.baseDir = baseDir.str();
  options.parseOnly = emitAction == Emit::AST;
  options.onlySweep = sweepOption();
  FrontEndResult result;
  setOutOfMemoryContext("reading and planning the file");
  mlir::LogicalResult status = runFrontEnd(sourceMgr, diags, options, result);
  if (trainRuns) {
    if (mlir::failed(status))
      return status;
    runStatus = runSweeps(result, sourceName, baseDir, diags);
    return mlir::success(runStatus == 0);
  }
  if (!dataTarget.empty()) {
    if (mlir::failed(status))
      return status;
    runStatus = writeSweepData(result, sourceName, baseDir, diags, dataTarget);
    return mlir::success(runStatus == 0);
  }
  if (!buildTarget.empty()) {
    if (mlir::failed(status))
      return status;
    runStatus = buildExecutable(result, sourceName, baseDir, diags, buildTarget, gpuChip);
    return mlir::success(runStatus == 0);
  }
  if (emitAction == Emit::AST) {
    if (result.module)
      dumpAST(*result.module, sourceMgr, os);
    return status;
  }
  // --sweep=NAME: that sweep alone (the front end planned no other; every
  // sweep's diagnostics of the file as written still count).
  std::vector<const PlannedSweep *> chosen;
  if (mlir::succeeded(status) && !selectedSweeps(result, chosen))
    return mlir::failure();
  if (mlir::failed(status))
    for (const PlannedSweep &sweep : result.sweeps)
      if (sweepOption().empty() || sweep.spec->name == sweepOption())
        chosen.push_back(&sweep);
  for (const PlannedSweep *planned : chosen) {
    const PlannedSweep &sweep = *planned;
    switch (emitAction) {
    case Emit::Check: {
      size_t runs = sweep.runs.size(), groups = sweep.plan.groups.size();
      os << "sweep " << sweep.spec->name << ": ok, " << runs << " run" << (runs == 1 ? "" : "s")
         << " in " << groups << " group" << (groups == 1 ? "" : "s") << "\n";
      break;
    }
    case Emit::Grid:
      printGrid(*sweep.spec, sweep.runs, sweep.plan, os);
      break;
    case Emit::Plan: {
      printPlan(*sweep.spec, sweep.runs, sweep.plan, os);
      // What `sweepc run` with the same --backend and --jobs would compile.
      std::unique_ptr<Backend> backend = createRunBackend();
      if (!backend)
        return mlir::failure();
      setOutOfMemoryContext("planning", sweep.spec->name, sweep.runs.size());
      SweepJob job = buildSweepJob(sweep, "", baseDir, diags);
      // What the GPU would hold depends on its free memory, known when
      // `sweepc run` opens it; the plan gives the need per run.
      std::string device = deviceOption().empty() ? job.device : deviceOption();
      // As `sweepc run` says. Regression: plan showed a CPU plan for it.
      if (!llvm::is_contained({"cpu", "cuda", "gpu", "auto"}, device)) {
        llvm::errs() << "sweepc: error: unknown device '" << device << "' (for sweep '"
                     << job.name << "'); use cpu, cuda or auto\n";
        return mlir::failure();
      }
      bool onGpu = device == "gpu" || device == "cuda";
      GpuTarget gpu;
      std::string problem;
      if (onGpu && !applyGpuCodeOptions(gpu, problem)) {
        llvm::errs() << "sweepc: error: " << problem << "\n";
        return mlir::failure();
      }
      std::map<std::string, std::string> kernelsByStructure;
      // What `sweepc run` refuses on this machine (the GPU's memory is known
      // only when it opens it); read once, not per group.
      MemoryLimit limit = onGpu ? MemoryLimit() : backend->memoryLimit();
      // The data is loaded into host memory before anything trains; on the
      // CPU the programs share what is left of it. Under an MPI launcher the
      // ranks on this machine share it, as `sweepc run` checks. Regression:
      // `mpirun -np 2 sweepc plan` checked the whole memory.
      MemoryLimit whole = hostMemoryLimit();
      MemoryLimit host = shareOfHostMemory(whole, ranksHere);
      if (limit.bytes == whole.bytes && limit.source == whole.source)
        limit = host;
      uint64_t data = datasetBytes(job);
      os << "data in memory: " << formatBytes(data) << " once loaded\n";
      if (host.bytes && data > host.bytes)
        os << "sweep cannot train here: its data takes " << formatBytes(data)
           << ", more than the " << formatBytes(host.bytes) << " of " << host.source << "\n";
      if (limit.bytes)
        limit.bytes = limit.bytes > data ? limit.bytes - data : 0;
      for (size_t g = 0; g < job.groups.size(); ++g) {
        std::string schedule = backend->describeSchedule(job, job.groups[g]);
        if (onGpu) {
          llvm::StringRef cpu(schedule);
          cpu.consume_front("schedule: ");
          os << "group " << g << " on the GPU: " << formatBytes(programBytesPerRun(job.groups[g]))
             << " of device memory a run; `sweepc run` sizes programs to the GPU's free memory "
                "(on the CPU, where there is no GPU: "
             << cpu << ")\n";
          // Groups of one structure get the same kernels: compiled once.
          std::string &kernels = kernelsByStructure[groupCodeKey(job.groups[g], 1)];
          if (kernels.empty())
            kernels = describeGpuKernels(job.groups[g], gpu, problem);
          if (kernels.empty()) {
            llvm::errs() << "sweepc: error: " << problem << "\n";
            return mlir::failure();
          }
          os << "group " << g << " GPU kernels: " << kernels << "\n";
        } else if (!schedule.empty())
          os << "group " << g << " " << schedule << "\n";
        if (uint64_t need = backend->leastBytesPerRun(job.groups[g]);
            limit.bytes && need > limit.bytes)
          os << "group " << g << " cannot train here: a run needs at least " << formatBytes(need)
             << ", more than the " << formatBytes(limit.bytes) << " of " << limit.source
             << (data ? " left beside the data" : "") << "\n";
        // What `sweepc run` refuses with these options (--max-memory,
        // --runs-per-program). Regression: the plan showed a schedule for it.
        else if (std::string refused = onGpu ? gpuCapProblem(job.groups[g])
                                             : backend->scheduleProblem(job, job.groups[g]);
                 !refused.empty())
          os << "group " << g << " cannot train with these options: " << refused << "\n";
      }
      // The programs that may train at once beside the data, as run checks.
      if (!onGpu)
        if (std::string problem = programsAtOnceProblem(job, *backend, runThreads(), ranksHere);
            !problem.empty())
          os << "sweep cannot train with these options: " << problem << "\n";
      // Compacting a program to its live runs (pruned, stopped or diverged
      // ones dropped) compiles one more per size, known only as runs stop.
      // Regression: the count read as all there would be.
      // The GPU's program sizes follow its free memory. Regression: a GPU
      // plan counted the CPU backend's programs as its own.
      if (onGpu)
        os << "compile: for the GPU, each group's programs at the sizes its free memory "
              "allows (known when `sweepc run` opens it); "
           << kernelsByStructure.size() << " group structure"
           << (kernelsByStructure.size() == 1 ? "" : "s") << " to compile kernels for\n";
      else if (size_t programs = backend->programsToCompile(job))
        os << "compile: " << programs << " program" << (programs == 1 ? "" : "s") << " for the "
           << backend->name()
           << " backend (one per group structure and chunk size; more when programs are "
              "compacted as runs stop; `sweepc run` reports the count and the measured "
              "time)\n";
      if (std::string rule = describePruneRule(job); !rule.empty())
        os << rule << "\n";
      if (!printEnergyEstimate(os, job, runThreads(), problem)) {
        llvm::errs() << "sweepc: error: " << problem << "\n";
        return mlir::failure();
      }
      break;
    }
    case Emit::Sweep: {
      setOutOfMemoryContext("building", sweep.spec->name, sweep.runs.size());
      SweepJob job = buildSweepJob(sweep, "", baseDir, diags);
      mlir::OwningOpRef<mlir::ModuleOp> module = buildSweepProgram(context, job);
      if (mlir::failed(mlir::verify(*module)))
        return mlir::failure();
      module->print(os);
      os << "\n";
      break;
    }
    case Emit::Train:
    case Emit::Linalg:
    case Emit::Loops:
    case Emit::LLVM:
    case Emit::Obj:
    case Emit::Gpu:
    case Emit::Ptx:
    case Emit::GpuObj:
      if (mlir::failed(emitCompiled(sweep, baseDir, diags, context, os)))
        return mlir::failure();
      break;
    case Emit::AST:
      break;
    }
  }
  return status;
}

/// What went to standard output besides -o's stream (run's leaderboard,
/// report --data): flushed, and a write that failed (a full disk) is an error
/// said once, not LLVM's "IO failure" at exit or a silent exit status 0.
bool standardOutputLost(bool alreadySaid) {
  std::cout.flush();
  bool lost = std::fflush(stdout) != 0 || std::ferror(stdout);
  llvm::outs().flush();
  std::string why = llvm::outs().has_error() ? ": " + llvm::outs().error().message() : "";
  lost |= llvm::outs().has_error();
  // A reader that stopped reading (`sweepc --help | head -3`) is not news to
  // the user: the status says it, as for any tool whose pipe closed.
  bool readerGone = (llvm::outs().has_error() &&
                     llvm::outs().error() == std::make_error_code(std::errc::broken_pipe)) ||
                    standardOutputReaderGone();
  if (lost && !alreadySaid && !readerGone)
    llvm::errs() << "sweepc: error: cannot write 'standard output'" << why << "\n";
  llvm::outs().clear_error();
  std::cout.clear();
  std::clearerr(stdout);
  return lost;
}

/// LLVM's option parser's errors ("sweepc: for the --top option: ...",
/// "sweepc: Unknown command line argument ...") in sweepc's form, as every
/// other error: "sweepc: error: ...", its suggestions as notes. Regression:
/// they alone had no "error:".
void reportOptionErrors(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines) {
    if (!line.consume_front("sweepc: ")) {
      llvm::errs() << line << "\n";
      continue;
    }
    line = line.trim();
    bool suggestion = line.starts_with("Did you mean");
    llvm::errs() << (suggestion ? "sweepc: note: " : "sweepc: error: ") << line << "\n";
  }
}

/// Standard error sent to a temporary file while LLVM parses the options: an
/// option's own errors (`--jobs` without a value, `--emit=bogus`) are written
/// straight to it (Option::error), not to the stream the parser is given.
/// Put back at exit too: --help and --version exit from the parser, and the
/// handlers that say a lost standard output use standard error.
class StandardErrorCapture {
public:
  StandardErrorCapture() {
    file = std::tmpfile();
    saved = file ? ::dup(STDERR_FILENO) : -1;
    if (saved < 0)
      return;
    llvm::errs().flush();
    ::dup2(::fileno(file), STDERR_FILENO);
    active = this;
    std::atexit([] {
      if (active)
        active->restore();
    });
  }
  ~StandardErrorCapture() { finish(); }
  /// Puts standard error back; what was written to it meanwhile.
  std::string finish() {
    if (saved < 0)
      return "";
    restore();
    std::string text;
    std::rewind(file);
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;)
      text.append(buffer, n);
    std::fclose(file);
    file = nullptr;
    saved = -1;
    active = nullptr;
    return text;
  }

private:
  void restore() {
    llvm::errs().flush();
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
  }
  static inline StandardErrorCapture *active = nullptr;
  std::FILE *file = nullptr;
  int saved = -1;
};

/// For `sweepc COMMAND ... --help`: COMMAND followed by what it does (the
/// text --help prints above the options); empty without a command or --help.
std::string helpedCommandOverview(int argc, char **argv) {
  static const std::pair<const char *, const char *> kOverviews[] = {
      {"check", "check FILE: reads FILE, prints its diagnostics and a one-line summary"},
      {"plan", "plan FILE: the runs, groups, parameters, FLOPs, memory and compiled programs "
               "`sweepc run FILE` would train, without training"},
      {"run", "run FILE: trains every run of FILE's sweeps; results in results/<sweep>/ "
              "(runs.csv, curves.csv, summary.json, report.html)"},
      {"build", "build FILE -o EXE: one executable that trains FILE's sweeps without LLVM; "
                "it takes run's options (EXE --help)"},
      {"data", "data FILE -o DIR: the samples FILE's runs train on, one CSV file per data "
               "configuration"},
      {"report", "report DIR: rebuilds DIR/report.html from a sweep's result files"},
  };
  llvm::StringRef command;
  bool help = false, positional = false;
  llvm::StringMap<cl::Option *> &options = cl::getRegisteredOptions();
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    help |= arg == "--help" || arg == "-help" || arg == "--help-hidden" || arg == "-help-hidden";
    if (arg.starts_with("-") && arg.size() > 1) {
      // `--results plan`: plan is the option's value, not the command.
      auto found = options.find(arg.drop_front(arg.starts_with("--") ? 2 : 1));
      if (!arg.contains('=') && found != options.end() &&
          found->second->getValueExpectedFlag() == cl::ValueRequired)
        ++i;
      continue;
    }
    // The command is the first positional argument (a file named `run`
    // after it is a file).
    if (positional)
      continue;
    positional = true;
    for (const auto &[name, overview] : kOverviews)
      if (arg == name)
        command = overview;
  }
  return help ? command.str() : "";
}

mlir::LogicalResult processBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer,
                                  llvm::StringRef baseDir, llvm::raw_ostream &os) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  mlir::MLIRContext context;
  if (verifyDiagnostics) {
    mlir::SourceMgrDiagnosticVerifierHandler handler(sourceMgr, &context);
    (void)runPipeline(sourceMgr, context, baseDir, os);
    return handler.verify();
  }
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  CaretOnEveryLine carets(sourceMgr, &context, llvm::errs());
  // Every MPI rank reads the file and would warn alike: rank 0 warns. Errors
  // may differ by rank (a file missing on one machine): each says its own.
  // Regression: every rank's warnings, interleaved into each other.
  std::optional<mlir::DiagnosticEngine::HandlerID> quietRank;
  if (launchedRanks() > 1 && launchedRank() != 0)
    quietRank = context.getDiagEngine().registerHandler([](mlir::Diagnostic &diagnostic) {
      return mlir::success(diagnostic.getSeverity() == mlir::DiagnosticSeverity::Warning);
    });
  return runPipeline(sourceMgr, context, baseDir, os);
}
} // namespace

int main(int argc, char **argv) {
  openClosedStandardStreams();
  llvm::InitLLVM init(argc, argv);
  installFatalErrorHandlers("sweepc");
  // LLVM's handlers took SIGQUIT, SIGXCPU (a batch system's CPU time limit),
  // SIGUSR1 and SIGUSR2: a stack dump asking for a bug report, or nothing.
  restoreTerminatingSignals(llvm::sys::RunInterruptHandlers);
  // A reader of the output that went away (`sweepc run F 2>&1 | head`) does
  // not stop the sweep (LLVM's handler ended it with status 74, its runs
  // lost): what is printed to it is dropped.
  std::signal(SIGPIPE, SIG_IGN);
  // InitLLVM's new handler reports through LLVM's bad-alloc handler.
  llvm::install_bad_alloc_error_handler([](void *, const char *, bool) { reportOutOfMemory(); });
  // LLVM's option parser prints --help and --version and calls exit(): a
  // lost standard output is then ours to report before LLVM's stream ends
  // the process in "LLVM ERROR: IO failure". Handlers registered after the
  // stream exists run before its destructor.
  (void)llvm::outs();
  (void)llvm::errs();
  std::atexit([] {
    // Standard error gone (a closed pipe): nothing to say it on, and not
    // LLVM's "IO failure" at exit either.
    llvm::errs().clear_error();
    if (standardOutputLost(false))
      std::_Exit(1);
  });
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  cl::SetVersionPrinter([](llvm::raw_ostream &os) { os << "sweepc 0.1 (LLVM/MLIR 19)\n"; });
  // LLVM's and MLIR's own options stay usable, unlisted (Options.h).
  registerThreadsOption();
  cl::HideUnrelatedOptions({&sweepcOptions(), &runOptions(), &buildOptions(), &reportOptions()});
  if (!checkSeparateValues(argc, argv) || !checkCountValues(argc, argv))
    return 1;
  // `sweepc run --help`: run's options alone, under what run does. It was
  // the whole help, every command's options mixed.
  std::string commandOverview = helpedCommandOverview(argc, argv);
  static std::string usageLine; // cl::Option keeps a StringRef to it.
  if (!commandOverview.empty()) {
    hideOptionsOtherThan(commandOverview.substr(0, commandOverview.find(' ')));
    usageLine = commandOverview.substr(0, commandOverview.find(':'));
    positionals.setDescription(usageLine);
  }
  std::string parseErrors;
  llvm::raw_string_ostream parseErrorStream(parseErrors);
  StandardErrorCapture capture;
  bool parsed = cl::ParseCommandLineOptions(argc, argv,
                              !commandOverview.empty() ? "sweepc " + commandOverview :
                              "sweepc: a compiler for machine-learning training sweeps\n\n"
                              "  sweepc check FILE    diagnostics and a one-line summary\n"
                              "  sweepc plan FILE     runs, groups, parameters, FLOPs, memory\n"
                              "  sweepc run FILE      train every run; results/<sweep>/\n"
                              "  sweepc build FILE -o EXE\n"
                              "                       one executable that runs the sweeps\n"
                              "                       without LLVM (EXE --help)\n"
                              "  sweepc data FILE -o DIR\n"
                              "                       the samples the runs train on, as CSV\n"
                              "  sweepc report DIR    rebuild DIR/report.html from a sweep's\n"
                              "                       result files (--data: its numbers)\n"
                              "  sweepc -emit=ast|grid|plan FILE\n",
                                            &parseErrorStream);
  std::string written = capture.finish();
  if (!parsed) {
    reportOptionErrors(parseErrors + written);
    return 1;
  }
  llvm::errs() << written; // Nothing is written on success; should it be, it is shown.

  // An empty folder or file name is never meant: `--results=` wrote under /,
  // `-o ""` wrote nothing and said nothing.
  if (!checkRunOptions())
    return 1;
  for (cl::opt<std::string> *option : {&outputFilename, &gpuChip})
    if (option->getNumOccurrences() && option->empty()) {
      llvm::errs() << "sweepc: error: -" << (option->ArgStr.size() > 1 ? "-" : "") << option->ArgStr
                   << " was given an empty value\n";
      return 1;
    }
  // A chip LLVM does not know compiled with 18 warnings and a PTX no ptxas takes.
  if (std::string known; !isKnownGpuChip(gpuChip, known)) {
    llvm::errs() << "sweepc: error: --gpu-chip: this LLVM does not know '" << gpuChip
                 << "' (sm_90 is an H100 or H200, sm_80 an A100); it knows: " << known << "\n";
    return 1;
  }

  // run, build and data go through the front end themselves: no stage to
  // print, no split input, no expected diagnostics.
  auto commandAlone = [](llvm::StringRef command) {
    if (!emitAction.getNumOccurrences() && !splitInputFile && !verifyDiagnostics)
      return true;
    llvm::errs() << "sweepc: error: '" << command
                 << "' cannot be combined with -emit, -split-input-file or -verify-diagnostics\n";
    return false;
  };
  // An option the command does not read is an error, not silently nothing.
  // A command word without its file (`sweepc run --top=3`) is that command:
  // it says the file is missing (below), not that "check" takes no --top.
  bool commandWithoutFile =
      positionals.size() == 1 && !llvm::sys::fs::exists(positionals[0]) &&
      llvm::is_contained({"check", "plan", "run", "build", "data", "report"}, positionals[0]);
  std::string command = positionals.size() == 2 || commandWithoutFile ? positionals[0]
                        : emitAction == Emit::Check                    ? "check"
                        : emitAction == Emit::Plan                     ? "plan"
                                                       : "-emit=" + emitStageName().str();
  if ((command.rfind("-emit=", 0) == 0 ||
       llvm::is_contained({"check", "plan", "run", "build", "data", "report"}, command)) &&
      !checkOptionsApply(command))
    return 1;

  std::string inputFilename;
  if (positionals.size() == 2 && (positionals[0] == "check" || positionals[0] == "plan")) {
    // A subcommand fixes the stage; an explicit -emit must agree with it.
    Emit wanted = positionals[0] == "check" ? Emit::Check : Emit::Plan;
    if (emitAction.getNumOccurrences() && emitAction != wanted) {
      llvm::errs() << "sweepc: error: '" << positionals[0] << "' cannot be combined with -emit\n";
      return 1;
    }
    emitAction = wanted;
    inputFilename = positionals[1];
  } else if (positionals.size() == 2 && positionals[0] == "run") {
    if (!commandAlone("run"))
      return 1;
    if (outputFilename != "-") {
      llvm::errs() << "sweepc: error: 'run' writes its results under --results DIR (default: results) "
                      "and takes no -o\n";
      return 1;
    }
    trainRuns = true;
    emitAction = Emit::Plan;
    inputFilename = positionals[1];
  } else if (positionals.size() == 2 && positionals[0] == "build") {
    if (!commandAlone("build"))
      return 1;
    if (outputFilename == "-") {
      llvm::errs() << "sweepc: error: 'build' writes an executable and needs -o FILE\n";
      return 1;
    }
    buildTarget = outputFilename;
    outputFilename = "-";
    emitAction = Emit::Plan;
    inputFilename = positionals[1];
  } else if (positionals.size() == 2 && positionals[0] == "data") {
    if (!commandAlone("data"))
      return 1;
    if (outputFilename == "-") {
      llvm::errs() << "sweepc: error: 'data' writes one CSV file per data configuration and needs "
                      "-o DIR\n";
      return 1;
    }
    dataTarget = outputFilename;
    outputFilename = "-";
    emitAction = Emit::Plan;
    inputFilename = positionals[1];
  } else if (positionals.size() == 2 && positionals[0] == "report") {
    if (emitAction.getNumOccurrences() || outputFilename != "-") {
      llvm::errs() << "sweepc: error: 'report' writes DIR/report.html and takes neither -emit nor -o\n";
      return 1;
    }
    int status = runReportCommand(positionals[1]);
    return standardOutputLost(false) && status == 0 ? 1 : status;
  } else if (positionals.size() == 1 && !llvm::sys::fs::exists(positionals[0]) &&
             llvm::is_contained({"check", "plan", "run", "build", "data", "report"},
                                positionals[0])) {
    // `sweepc run` without its file: a subcommand, not a file named "run".
    llvm::errs() << "sweepc: error: '" << positionals[0] << "' needs "
                 << (positionals[0] == "report" ? "a sweep's results directory: sweepc report DIR"
                                                : "a file: sweepc " + positionals[0] + " FILE")
                 << "\n";
    return 1;
  } else if (positionals.size() == 1) {
    inputFilename = positionals[0];
  } else {
    llvm::errs() << "sweepc: error: expected '[check|plan|run|build|data] FILE' or 'report DIR'; see "
                    "'sweepc --help'\n";
    return 1;
  }

  if ((emitAction == Emit::Obj || emitAction == Emit::GpuObj) && outputFilename == "-") {
    llvm::errs() << "sweepc: error: -emit=" << (emitAction == Emit::Obj ? "obj" : "gpu-obj")
                 << " writes one object per group and needs -o PREFIX\n";
    return 1;
  }
  if (emitAction == Emit::Obj || emitAction == Emit::GpuObj) {
    // Regression: the listing was written to PREFIX itself, over any file.
    objectPrefix = outputFilename;
    outputFilename = "-";
  }

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> input = readSourceFile(inputFilename, errorMessage);
  if (!input) {
    llvm::errs() << "sweepc: error: " << errorMessage << "\n";
    return 1;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << "sweepc: error: " << errorMessage << "\n";
    return 1;
  }
  sourceName = inputFilename;
  llvm::SmallString<256> baseDir(inputFilename == "-" ? "" : inputFilename);
  llvm::sys::path::remove_filename(baseDir);

  auto chunkFn = [&](std::unique_ptr<llvm::MemoryBuffer> chunk,
                     llvm::raw_ostream &os) -> mlir::LogicalResult {
    return processBuffer(std::move(chunk), baseDir, os);
  };
  mlir::LogicalResult result =
      splitInputFile ? splitAndProcessChunks(std::move(input), chunkFn, output->os())
                     : chunkFn(std::move(input), output->os());
  // Output to a full disk: an error, and no partial `-o FILE` kept, whether
  // the command succeeded or not (LLVM's stream, destroyed with the error
  // pending, would end the process with "LLVM ERROR: IO failure").
  output->os().flush();
  bool unwritten = output->os().has_error();
  // A reader that stopped reading (`sweepc -emit=grid F | head`) is no news,
  // as in standardOutputLost: the status says it.
  bool readerGone = unwritten && outputFilename == "-" &&
                    output->os().error() == std::make_error_code(std::errc::broken_pipe);
  if (unwritten && !readerGone) {
    llvm::errs() << "sweepc: error: cannot write '"
                 << (outputFilename == "-" ? std::string("standard output") : outputFilename)
                 << "': " << output->os().error().message() << "\n";
  }
  output->os().clear_error();
  bool lost = standardOutputLost(unwritten && outputFilename == "-");
  if (mlir::failed(result))
    return runStatus ? runStatus : 1;
  if (unwritten || lost)
    return 1;
  output->keep();
  return 0;
}
