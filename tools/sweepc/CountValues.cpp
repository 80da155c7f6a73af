//===- CountValues.cpp - counts given to sweepc's options are digits ------===//

#include "tools/sweepc/CountValues.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

bool sweep::checkCountValues(int argc, char **argv) {
  static const char *const kCounts[] = {"top",     "jobs",         "threads",
                                        "streams", "save-weights", "runs-per-program"};
  for (int i = 1; i < argc; ++i) {
    StringRef arg = argv[i];
    if (arg == "--")
      return true; // What follows is positional.
    if (!arg.starts_with("-"))
      continue;
    StringRef name = arg.drop_front(arg.starts_with("--") ? 2 : 1), value;
    bool joined = name.contains('=');
    std::tie(name, value) = name.split('=');
    if (!is_contained(kCounts, name))
      continue;
    if (!joined) {
      if (i + 1 >= argc)
        continue; // llvm::cl says the value is missing.
      value = argv[++i];
    }
    if (value.empty() || !all_of(value, isDigit)) {
      errs() << "sweepc: error: --" << name << " expects a count, not '" << value << "'\n";
      return false;
    }
  }
  return true;
}
