//===- BuildCommand.cpp - `sweepc build` ----------------------------------===//
//
// One executable per .sweep file: every group program the sweeps need,
// compiled ahead of time (the CPU pipeline's code for the CPU, the GPU
// pipeline's host code with its PTX for the GPU), a generated table of those
// programs and the packed sweep jobs (runtime/driver/BuiltPrograms.h), and
// the runtime's static libraries with the standalone main. The chunking is
// decided here as `sweepc run` would decide it (--jobs, --runs-per-program);
// a resumed sweep's smaller chunks run padded in the linked programs.
//
//===----------------------------------------------------------------------===//

#include "tools/sweepc/BuildCommand.h"
#include "tools/sweepc/Options.h"
#include "tools/sweepc/RunCommand.h"

#include "BuildPaths.h"
#include "codegen/cpu/CheckedOutput.h"
#include "codegen/cpu/JitCompiler.h"
#include "codegen/cpu/ObjectEmitter.h"
#include "codegen/cpu/StaticCosts.h"
#include "codegen/nvptx/GpuChip.h"
#include "codegen/nvptx/LoadModulesOnce.h"
#include "lang/JobBuilder.h"
#include "lib/Pipelines/CpuPipeline.h"
#include "lib/Pipelines/GpuPipeline.h"
#include "lib/Pipelines/GroupPipeline.h"
#include "lib/Registration/Registration.h"
#include "runtime/driver/FatalErrors.h"
#include "runtime/driver/LinkedBackend.h"
#include "runtime/exec/CompiledProgram.h"
#include "runtime/exec/JobFile.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include <signal.h>
#include <unistd.h>

using namespace sweep;
namespace cl = llvm::cl;

namespace {
cl::opt<std::string> targetCpu(
    "target-cpu",
    cl::desc("The x86-64 CPU `sweepc build` compiles the CPU's programs and the GPU's host "
             "code for (default x86-64-v3: AVX2 and FMA, every x86-64 server since 2015; "
             "native: this machine); `sweepc build --help` lists the other options build takes"),
    cl::init("x86-64-v3"), cl::cat(buildOptions()));

void error(const std::string &message) { llvm::errs() << "sweepc: error: " << message << "\n"; }

/// One program to compile: a group's structure at a run count, for a device.
struct PlannedProgram {
  std::string device; // cpu, cuda
  const GroupSpec *group = nullptr;
  size_t runs = 0;
  std::string key;
  // Filled when compiled.
  std::string object;
  unsigned trainArgs = 0, evaluateArgs = 0;
  std::vector<PhaseCost> phases;
};

/// `text` as a C string literal.
std::string cString(const std::string &text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '\\' || c == '"')
      out += '\\', out += char(c);
    else if (c >= 32 && c < 127)
      out += char(c);
    else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\%03o", c);
      out += escaped;
    }
  }
  return out + "\"";
}

/// The number of arguments of the C entry point `name`, which must return
/// nothing (every result is an out-parameter); 0 with `error` otherwise.
unsigned entryArguments(mlir::ModuleOp module, llvm::StringRef name, std::string &problem) {
  auto function = module.lookupSymbol<mlir::LLVM::LLVMFuncOp>(name);
  if (!function || !mlir::isa<mlir::LLVM::LLVMVoidType>(function.getFunctionType().getReturnType())) {
    problem = "the group's code has no C entry point " + name.str() + " returning nothing";
    return 0;
  }
  return function.getNumArguments();
}

/// Compiles `program` into `directory`/p<index>.o.
bool compileProgram(PlannedProgram &program, size_t index, const std::string &directory,
                    const GpuTarget &gpu, std::string &problem) {
  mlir::DialectRegistry registry;
  registerSweepDialects(registry);
  mlir::MLIRContext context(registry);
  std::string diagnostics;
  bool onGpu = program.device == "cuda";
  mlir::OwningOpRef<mlir::ModuleOp> module = lowerGroup(
      context, *program.group, int64_t(program.runs),
      [&](mlir::OpPassManager &pm) {
        if (onGpu)
          buildGpuPipeline(pm, GpuStage::Ptx, gpu);
        else
          buildCpuPipeline(pm, CpuStage::LLVM);
      },
      diagnostics, /*rowSums=*/onGpu);
  if (!module) {
    problem = "compiling group '" + program.group->label + "' failed: " + diagnostics;
    return false;
  }
  program.trainArgs = entryArguments(*module, "_mlir_ciface_train_step", problem);
  program.evaluateArgs = entryArguments(*module, "_mlir_ciface_evaluate", problem);
  if (!program.trainArgs || !program.evaluateArgs)
    return false;
  if (onGpu) {
    if (!staticPhaseCosts(*program.group, int64_t(program.runs), program.phases, problem))
      return false;
  } else {
    program.phases = readPhaseTable(*module);
  }
  program.object = directory + "/p" + std::to_string(index) + ".o";
  std::function<void(llvm::Module &)> editIR;
  if (onGpu)
    editIR = [](llvm::Module &host) { loadGpuModulesOnce(host); };
  return emitObjectFile(*module, program.object, targetCpu, problem,
                        "sweep_p" + std::to_string(index) + "_", editIR);
}

/// The C++ file defining BuiltPrograms.h's symbols.
std::string registrySource(const std::vector<PlannedProgram> &programs,
                           const std::string &jobsFile, const std::string &description,
                           const std::string &gpuChip) {
  std::string out = "// Generated by `sweepc build`: the table of runtime/driver/BuiltPrograms.h.\n"
                    "#include \"runtime/driver/BuiltPrograms.h\"\n\n";
  auto adapter = [&](size_t index, const char *function, unsigned arguments) {
    std::string name = "sweep_p" + std::to_string(index) + "_" + function;
    std::string parameters, call;
    for (unsigned a = 0; a < arguments; ++a) {
      parameters += std::string(a ? ", " : "") + "void *";
      call += std::string(a ? ", " : "") + "*static_cast<void **>(args[" + std::to_string(a) + "])";
    }
    out += "extern \"C\" void " + name + "(" + parameters + ");\n";
    out += "static void " + name + "_packed(void **args) { " + name + "(" + call + "); }\n";
  };
  for (size_t i = 0; i < programs.size(); ++i) {
    adapter(i, "train_step", programs[i].trainArgs);
    adapter(i, "evaluate", programs[i].evaluateArgs);
  }
  out += "\nextern \"C\" const SweepBuiltProgram sweep_built_programs[] = {\n";
  for (size_t i = 0; i < programs.size(); ++i) {
    const PlannedProgram &p = programs[i];
    std::string prefix = "sweep_p" + std::to_string(i) + "_";
    out += "    {" + cString(p.device) + ", " + cString(p.key) + ", " + prefix +
           "train_step_packed, " + prefix + "evaluate_packed,\n     " +
           cString(writePhaseText(p.phases)) + ", " + (p.device == "cuda" ? "1, 1" : "0, 0") +
           "},\n";
  }
  out += "};\nextern \"C\" const size_t sweep_built_program_count = " +
         std::to_string(programs.size()) + ";\n";
  out += "extern \"C\" const char sweep_built_description[] = " + cString(description) + ";\n";
  out += "extern \"C\" const char sweep_built_gpu_chip[] = " + cString(gpuChip) + ";\n\n";
  // The packed jobs go in as they are: a C literal of megabytes compiles slowly.
  // The file's name is an assembler string inside a C string, each quoted.
  // Regression: a $TMPDIR with a quote or a backslash broke the build.
  std::string assemblerName = "\"";
  for (unsigned char c : jobsFile) {
    if (c == '\\' || c == '"')
      assemblerName += '\\';
    assemblerName += char(c);
  }
  assemblerName += "\"";
  std::string assembly = ".section .rodata\n"
                         ".globl sweep_built_jobs\n.p2align 4\nsweep_built_jobs:\n"
                         ".incbin " + assemblerName + "\n"
                         ".globl sweep_built_jobs_end\nsweep_built_jobs_end:\n"
                         ".previous\n";
  out += "asm(" + cString(assembly) + ");\n";
  return out;
}

/// `path`, or the file its symbolic links lead to (the last link's target,
/// which need not exist yet).
std::string fileBehindLinks(const std::string &path) {
  std::filesystem::path file(path);
  std::error_code code;
  for (int hops = 0; hops < 40 && std::filesystem::is_symlink(file, code); ++hops) {
    std::filesystem::path next = std::filesystem::read_symlink(file, code);
    if (code)
      break;
    file = next.is_absolute() ? next : file.parent_path() / next;
  }
  return file.string();
}

/// The C++ compiler that links: $CXX, else the one sweepc was built with.
bool findCompiler(std::string &path, std::string &problem) {
  const char *fromEnv = std::getenv("CXX");
  std::string compiler = fromEnv && *fromEnv ? fromEnv : SWEEP_BUILD_CXX;
  llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(compiler);
  if (!found || !llvm::sys::fs::can_execute(*found)) {
    problem = "cannot find the C++ compiler '" + compiler + "' to link with (set CXX)";
    return false;
  }
  path = *found;
  return true;
}

/// Runs `compiler` to link; false with its output in `problem`.
bool link(const std::string &compiler, const std::vector<std::string> &arguments,
          const std::string &logFile, std::string &problem) {
  std::optional<std::string> found = compiler;
  std::vector<llvm::StringRef> argv = {*found};
  for (const std::string &argument : arguments)
    argv.push_back(argument);
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(logFile),
                                                llvm::StringRef(logFile)};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*found, argv, std::nullopt, redirects, 0, 0, &message);
  if (status == 0)
    return true;
  auto log = llvm::MemoryBuffer::getFile(logFile);
  problem = "linking failed (" + *found + (message.empty() ? "" : ": " + message) + ")" +
            (log ? ":\n" + (*log)->getBuffer().str() : "");
  // The compiler finds its assembler and linker through PATH. Regression:
  // with none, only gcc's "cannot execute 'as'" said what was wrong.
  const char *path = std::getenv("PATH");
  if (!path || !*path)
    problem += (problem.back() == '\n' ? "" : "\n") +
               std::string("(PATH is empty: the compiler looks for its assembler and linker there)");
  return false;
}
/// Removes the temporary folders of builds whose sweepc died (a signal while
/// compiling or linking leaves its folder: objects, generated sources, the
/// link log). Each build's folder is named after its process, and removed by
/// a later build once that process is gone and the folder a day old.
/// Regression: every interrupted build left one for good.
void removeAbandonedBuildFolders(llvm::StringRef temporaryRoot) {
  std::error_code code;
  for (llvm::sys::fs::directory_iterator it(temporaryRoot, code), end; it != end && !code;
       it.increment(code)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (!name.consume_front("sweepc-build-"))
      continue;
    auto [pidText, rest] = name.split('-');
    unsigned pid = 0;
    if (rest.empty() || pidText.getAsInteger(10, pid) || pid == 0)
      continue;
    if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH)
      continue;
    // A process id names a process of this machine and PID namespace only:
    // a $TMPDIR shared with a container or another node holds live builds
    // whose ids are unknown here. A day without a file written is dead.
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(it->path(), status) ||
        std::chrono::system_clock::now() - status.getLastModificationTime() < std::chrono::hours(24))
      continue;
    llvm::sys::fs::remove_directories(it->path());
  }
}
} // namespace

int sweep::buildExecutable(const FrontEndResult &result, llvm::StringRef sourceFile,
                           llvm::StringRef baseDir, SourceDiagnostics &diags,
                           const std::string &executable, const std::string &gpuChip) {
  auto start = std::chrono::steady_clock::now();
  // Where the executable goes, checked before minutes of compiling.
  // Regression: -o naming a folder compiled everything, then showed ld's
  // "cannot open output file".
  if (llvm::sys::fs::is_directory(executable)) {
    error("-o '" + executable + "' is a folder; name the executable to write");
    return 1;
  }
  // -o naming a symbolic link writes the file it names, as `c++ -o` does.
  // Regression: the link itself was replaced by the executable.
  std::string target = fileBehindLinks(executable);
  llvm::StringRef folder = llvm::sys::path::parent_path(target);
  if (!folder.empty() && !llvm::sys::fs::is_directory(folder)) {
    error("-o '" + executable + "': there is no folder '" + folder.str() + "' to write it in");
    return 1;
  }
  // Regression: a folder without write permission was found by the linker,
  // after every program had compiled.
  std::string folderName = folder.empty() ? "." : folder.str();
  int folderError = ::access(folderName.c_str(), W_OK) == 0 ? 0 : errno;
  if (folderError && !(llvm::sys::fs::exists(target) && ::access(target.c_str(), W_OK) == 0)) {
    error("cannot write '" + executable + "': the folder '" + folderName +
          "' is not writable (" + std::strerror(folderError) + ")");
    return 1;
  }
  if (targetCpu.empty()) {
    error("--target-cpu was given an empty value");
    return 1;
  }
  std::string cpuProblem;
  if (!checkTargetCpu(targetCpu, cpuProblem)) {
    error(cpuProblem);
    return 1;
  }
  GpuTarget gpu;
  gpu.chip = gpuChip;
  gpu.toolkit = defaultCudaToolkit();
  gpu.format = defaultGpuFormat(gpu.toolkit);
  std::string why;
  if (!applyGpuCodeOptions(gpu, why)) {
    error(why);
    return 1;
  }
  bool haveLibdevice = !findLibdevice(gpu.toolkit, why).empty();
  std::string devices = deviceOption().empty() ? (haveLibdevice ? "all" : "cpu") : deviceOption();
  if (devices != "cpu" && devices != "cuda" && devices != "all") {
    error("sweepc build --device=" + devices + ": expected cpu, cuda or all");
    return 1;
  }
  bool forCpu = devices != "cuda", forGpu = devices != "cpu";
  // Without the toolkit the default holds the CPU's programs only: said,
  // for a sweep that asks for the GPU or leaves it to the machine.
  // Regression: the executable refused the GPU machine it was built for,
  // and the build had said nothing.
  std::string withoutGpu = deviceOption().empty() && !haveLibdevice ? why : "";
  std::string compiler;
  if (!findCompiler(compiler, why)) {
    error(why);
    return 1;
  }
  if (forGpu && !haveLibdevice) {
    error("sweepc build --device=" + devices + ": " + why);
    return 1;
  }
  if (forGpu) {
    std::string note;
    gpu.format = gpuFormatForChip(gpu.format, gpu.toolkit, gpu.chip, note);
    if (!note.empty())
      llvm::errs() << "sweepc: note: " << note << "\n";
  }

  // Data paths as absolute paths: the executable may run from any folder.
  // Regression: they were relative to where `sweepc build` ran.
  llvm::SmallString<256> absoluteBase(baseDir);
  if (std::error_code code = llvm::sys::fs::make_absolute(absoluteBase)) {
    error("cannot make '" + baseDir.str() + "' an absolute path: " + code.message());
    return 1;
  }
  std::vector<SweepJob> jobs;
  for (const PlannedSweep &sweep : result.sweeps)
    if (sweepOption().empty() || sweep.spec->name == sweepOption()) {
      setOutOfMemoryContext("building", sweep.spec->name, sweep.runs.size());
      jobs.push_back(buildSweepJob(sweep, sourceFile, absoluteBase, diags));
    }
  if (jobs.empty()) {
    error("the file has no sweep named '" + sweepOption() + "'");
    return 1;
  }
  // -o naming the sweep's own file or one of its data files would replace
  // it with the executable. Regression: it did, with exit status 0.
  auto isTarget = [&](const std::string &file) {
    std::error_code ignored;
    return std::filesystem::equivalent(target, file, ignored);
  };
  if (isTarget(sourceFile.str())) {
    error("-o '" + executable + "' is the sweep file itself; name the executable to write");
    return 1;
  }
  for (SweepJob &job : jobs)
    for (DataSpec &data : job.datasets)
      for (std::string *file : data.files())
        if (isTarget(*file)) {
          error("-o '" + executable + "' is a data file of sweep '" + job.name + "' ('" + *file +
                "'); name the executable to write");
          return 1;
        }
  // Nor any other file that holds something and is no executable (the data
  // of a sweep --sweep left out, a text): an old executable is what -o
  // replaces. Regression: `--sweep=a -o <b's data>` replaced b's data.
  if (llvm::sys::fs::is_regular_file(target)) {
    char magic[4] = {};
    std::FILE *file = std::fopen(target.c_str(), "rb");
    size_t read = file ? std::fread(magic, 1, sizeof magic, file) : 0;
    if (file)
      std::fclose(file);
    if (read > 0 && std::memcmp(magic, "\x7f" "ELF", std::min(read, sizeof magic)) != 0) {
      error("-o '" + executable + "' is an existing file that is no executable; building would "
            "replace it: remove it first, or name another file");
      return 1;
    }
  }
  // Without the toolkit the default holds the CPU's programs only: said,
  // for a sweep that asks for the GPU or leaves it to the machine.
  // Regression: the executable refused the GPU machine it was built for,
  // and the build had said nothing.
  for (const SweepJob &job : jobs)
    if (!withoutGpu.empty() && job.device != "cpu") {
      llvm::errs() << "sweepc: warning: no GPU code in this executable (sweep '" << job.name
                   << "' has `device " << job.device << "`): " << withoutGpu
                   << "; it trains on the CPU\n";
      break;
    }
  std::unique_ptr<Backend> cpu = createRunBackend();
  if (!cpu)
    return 1;
  if (cpu->name() != "cpu") {
    error("sweepc build compiles group programs; --backend=" + cpu->name() +
          " has nothing to compile");
    return 1;
  }

  // What `sweepc run` refuses with these options (--max-memory below one
  // run's share, --runs-per-program beyond it) is no program to build.
  // Regression: build compiled one-run programs over the cap and said nothing.
  if (forCpu)
    for (const SweepJob &job : jobs)
      for (size_t g = 0; g < job.groups.size(); ++g)
        if (std::string problem = cpu->scheduleProblem(job, job.groups[g]); !problem.empty()) {
          error("sweep '" + job.name + "', group " + std::to_string(g) + " (" +
                job.groups[g].label + "): " + problem);
          return 1;
        }

  // What `sweepc run` would train: chunks of runsPerProgram and the remainder.
  std::vector<PlannedProgram> programs;
  std::set<std::string> planned;
  auto plan = [&](const std::string &device, const GroupSpec &group, size_t per) {
    size_t runs = group.runs.size();
    per = std::max<size_t>(1, std::min(runs, per));
    for (size_t size : {per, runs % per})
      if (size && planned.insert(device + "/" + groupCodeKey(group, size)).second)
        programs.push_back({device, &group, size, groupCodeKey(group, size)});
  };
  for (const SweepJob &job : jobs)
    for (const GroupSpec &group : job.groups) {
      if (group.runs.empty())
        continue;
      if (forCpu)
        plan("cpu", group, cpu->runsPerProgram(job, group));
      if (forGpu)
        plan("cuda", group,
             runsPerProgramOption() ? runsPerProgramOption() : group.runs.size());
    }

  llvm::SmallString<128> temporaryRoot, directory;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, temporaryRoot);
  removeAbandonedBuildFolders(temporaryRoot);
  if (std::error_code code = llvm::sys::fs::createUniqueDirectory(
          "sweepc-build-" + std::to_string(::getpid()), directory)) {
    error("cannot create a temporary directory in '" + std::string(temporaryRoot) +
          "' ($TMPDIR, else /tmp): " + code.message());
    return 1;
  }
  struct Cleanup {
    std::string path;
    ~Cleanup() { llvm::sys::fs::remove_directories(path); }
  } cleanup{std::string(directory)};

  size_t cpuPrograms = 0, gpuPrograms = 0;
  for (size_t i = 0; i < programs.size(); ++i) {
    PlannedProgram &program = programs[i];
    llvm::errs() << "[build] program " << (i + 1) << "/" << programs.size() << ": "
                 << (program.device == "cuda" ? "GPU (" + gpu.chip + ")" : std::string("CPU"))
                 << ", " << program.runs << " runs of group '" << program.group->label << "'\n";
    std::string problem;
    if (!compileProgram(program, i, std::string(directory), gpu, problem)) {
      error(problem);
      return 1;
    }
    ++(program.device == "cuda" ? gpuPrograms : cpuPrograms);
  }

  std::string problem;
  std::string jobsFile = std::string(directory) + "/jobs.bin";
  std::string packed = packJobs(jobs);
  std::string names;
  for (const SweepJob &job : jobs)
    names += (names.empty() ? "" : ", ") + job.name;
  std::string description = "built by sweepc 0.1 from " + sourceFile.str() + " (sweeps " + names +
                            "; " + std::to_string(cpuPrograms) + " CPU programs for " +
                            targetCpu.getValue() + ", " + std::to_string(gpuPrograms) +
                            " GPU programs" + (gpuPrograms ? " for " + gpu.chip : "") + ")";
  std::string registry = std::string(directory) + "/programs.cpp";
  if (packed.empty() || !writeFileChecked(jobsFile, packed, problem) ||
      !writeFileChecked(registry, registrySource(programs, jobsFile, description, gpuPrograms ? gpu.chip : ""), problem)) {
    error(problem.empty() ? "cannot pack the sweep jobs" : problem);
    return 1;
  }

  // Linked beside its place and renamed there: an interrupted or failed link
  // leaves no executable half written (it left an empty file at -o's path).
  // Not over what is no regular file (-o /dev/null: the device stays), nor
  // where no file can be made beside it: linked in place, as before.
  llvm::sys::fs::file_status status;
  bool replaceable = llvm::sys::fs::status(target, status) ||
                     llvm::sys::fs::is_regular_file(status);
  bool besideIt = replaceable && ::access(folderName.c_str(), W_OK) == 0;
  std::string linked = besideIt ? target + ".partial" : target;
  if (besideIt)
    llvm::sys::RemoveFileOnSignal(linked);
  std::vector<std::string> arguments = {"-O1", "-I", SWEEP_BUILD_SOURCE_DIR, "-o", linked,
                                        registry};
  for (const PlannedProgram &program : programs)
    arguments.push_back(program.object);
  arguments.push_back("-Wl,--start-group");
  llvm::SmallVector<llvm::StringRef> libraries;
  llvm::StringRef(SWEEP_BUILD_LIBRARIES).split(libraries, ';');
  for (llvm::StringRef library : libraries)
    arguments.push_back(library.str());
  arguments.push_back("-Wl,--end-group");
  for (const char *flag : {SWEEP_BUILD_ZLIB, "-ldl", "-lpthread", "-static-libstdc++",
                           "-static-libgcc"})
    arguments.push_back(flag);
  llvm::errs() << "[build] linking " << executable << "\n";
  bool built = link(compiler, arguments, std::string(directory) + "/link.log", problem);
  if (built && besideIt) {
    if (std::error_code code = llvm::sys::fs::rename(linked, target)) {
      problem = "cannot write '" + executable + "': " + code.message();
      built = false;
    }
  }
  if (besideIt) {
    llvm::sys::DontRemoveFileOnSignal(linked);
    if (!built)
      llvm::sys::fs::remove(linked);
  }
  if (!built) {
    error(problem);
    return 1;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t size = 0;
  llvm::sys::fs::file_size(executable, size);
  char line[256];
  std::snprintf(line, sizeof line, "built %s (%.1f MiB) in %.1f s: ", executable.c_str(),
                double(size) / (1 << 20), seconds);
  llvm::outs() << line << description << "\n";
  return 0;
}
