//===- SeparateValues.cpp - an option is never another option's value -----===//

#include "tools/sweepc/SeparateValues.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

bool sweep::checkSeparateValues(int argc, char **argv) {
  StringMap<cl::Option *> &options = cl::getRegisteredOptions();
  for (int i = 1; i + 1 < argc; ++i) {
    StringRef arg = argv[i], next = argv[i + 1];
    if (arg == "--")
      return true; // What follows is positional.
    // "-" is the standard input or output, "-1" a (bad) number: values.
    bool looksLikeOption = next.size() > 1 && next[0] == '-' && !llvm::isDigit(next[1]) &&
                           next[1] != '.';
    if (!arg.starts_with("-") || arg.contains('=') || !looksLikeOption)
      continue;
    StringRef name = arg.drop_front(arg.starts_with("--") ? 2 : 1);
    auto it = options.find(name);
    if (it == options.end() || it->second->getValueExpectedFlag() != cl::ValueRequired)
      continue;
    errs() << "sweepc: error: " << arg << " needs a value, and '" << next
           << "' is an option (for a value that begins with '-', write " << arg << "=VALUE)\n";
    return false;
  }
  return true;
}
