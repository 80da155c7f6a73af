//===- OptionScope.cpp - which command reads which option -----------------===//

#include "tools/sweepc/OptionScope.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

using namespace sweep;

namespace {
struct Scope {
  const char *option;
  std::vector<const char *> commands;
  /// How an error names `commands`, where listing them is too long.
  const char *owners = nullptr;
};

/// Where each option is read (RunCommand.cpp, BuildCommand.cpp,
/// ReportCommand.cpp, sweepc.cpp). `plan` builds the backend `run` would
/// (its chunks and compile count follow the backend's options); `build`
/// compiles what `run` would train (its executable takes the options that
/// decide how it trains, --no-energy among them, itself), and takes the cache
/// option it does not need so that one command line serves both. -emit
/// stages are named one by one: only the GPU stages read the GPU's options,
/// and only those that compile PTX read the chip.
const Scope kScopes[] = {
    {"results", {"run"}},
    {"resume", {"run"}},
    {"overwrite", {"run"}},
    {"quiet", {"run"}},
    {"top", {"run"}},
    {"save-weights", {"run"}},
    {"no-compaction", {"run"}},
    {"streams", {"run", "plan"}},
    {"no-energy", {"run"}},
    {"compile-cache", {"run", "build"}},
    {"backend", {"run", "build", "plan"}},
    {"device", {"run", "build", "plan"}},
    {"jobs", {"run", "build", "plan"}},
    {"threads", {"run", "build", "plan"}},
    {"max-memory", {"run", "build", "plan"}},
    {"runs-per-program", {"run", "build", "plan"}},
    {"gpu-products", {"run", "build", "plan", "-emit=gpu", "-emit=ptx", "-emit=gpu-obj"}},
    {"gpu-kernel-modules", {"run", "build", "plan", "-emit=gpu", "-emit=ptx", "-emit=gpu-obj"}},
    // `run` compiles for the GPU it opens, whatever chip is named.
    {"gpu-chip", {"build", "-emit=ptx", "-emit=gpu-obj"}},
    // -emit=ast prints the file as parsed, every sweep.
    {"sweep",
     {"run", "build", "data", "check", "plan", "-emit=grid", "-emit=sweep", "-emit=train",
      "-emit=linalg", "-emit=loops", "-emit=llvm", "-emit=obj", "-emit=gpu", "-emit=ptx",
      "-emit=gpu-obj"},
     "every command but sweepc report and -emit=ast"},
    {"target-cpu", {"build"}},
    {"data", {"report"}},
};

/// The options every stage parses but only some commands mean: each with the
/// commands whose help lists it (-emit is the other way to name a stage,
/// -split-input-file and -verify-diagnostics are for tests of diagnostics).
const Scope kGeneralScopes[] = {
    {"o", {"build", "data"}},
    {"emit", {}},
    {"split-input-file", {"check", "plan"}},
    {"verify-diagnostics", {"check", "plan"}},
};

std::string describe(llvm::StringRef command) {
  return command.starts_with("-") ? command.str() : "sweepc " + command.str();
}
} // namespace

bool sweep::checkOptionsApply(llvm::StringRef command) {
  llvm::StringMap<llvm::cl::Option *> &registered = llvm::cl::getRegisteredOptions();
  for (const Scope &scope : kScopes) {
    auto found = registered.find(scope.option);
    if (found == registered.end() || !found->second->getNumOccurrences())
      continue;
    if (llvm::any_of(scope.commands, [&](const char *c) { return command == c; }))
      continue;
    std::string owners = scope.owners ? scope.owners : "";
    size_t i = 0;
    for (const char *owner : scope.commands) {
      if (scope.owners)
        break;
      owners += (i == 0 ? "" : i + 1 == scope.commands.size() ? " and " : ", ") + describe(owner);
      ++i;
    }
    llvm::errs() << "sweepc: error: --" << scope.option << " is an option of " << owners << "; "
                 << describe(command) << " does not use it\n";
    return false;
  }
  return true;
}

void sweep::hideOptionsOtherThan(llvm::StringRef command) {
  llvm::StringMap<llvm::cl::Option *> &registered = llvm::cl::getRegisteredOptions();
  for (llvm::ArrayRef<Scope> scopes : {llvm::ArrayRef(kScopes), llvm::ArrayRef(kGeneralScopes)})
    for (const Scope &scope : scopes) {
      auto found = registered.find(scope.option);
      if (found != registered.end() &&
          llvm::none_of(scope.commands, [&](const char *c) { return command == c; }))
        found->second->setHiddenFlag(llvm::cl::ReallyHidden);
    }
  // The options left, under one heading named for the command: `sweepc check
  // --help` listed --sweep under "sweepc run options".
  static std::string heading;
  heading = describe(command) + " options";
  static llvm::cl::OptionCategory category(heading);
  for (auto &entry : registered) {
    llvm::cl::Option *option = entry.second;
    if (option->getOptionHiddenFlag() != llvm::cl::ReallyHidden &&
        llvm::none_of(option->Categories, [](llvm::cl::OptionCategory *c) {
          return c == &llvm::cl::getGeneralCategory() || c->getName() == "Generic Options";
        }))
      option->Categories = {&category};
  }
}
