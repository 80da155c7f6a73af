//===- ResolveSymbol.h - a function of a dlopen'ed library ------*- C++ -*-===//
//
// sweepc loads the vendors' libraries (the CUDA driver, NVML) with dlopen, so
// that it builds without their headers and runs without them. Each entry
// point is looked up by name; a missing one names the library, the symbol
// and what its absence suggests.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DYNLIB_RESOLVESYMBOL_H
#define SWEEP_RUNTIME_DYNLIB_RESOLVESYMBOL_H

#include <dlfcn.h>

#include <string>

namespace sweep {

/// Resolves `name` in `library` (loaded from `path`) into `function`; false
/// with `why`: "PATH: no symbol NAME (HINT)".
template <typename Function>
bool resolveSymbol(void *library, const char *name, Function &function, const std::string &path,
                   const char *hint, std::string &why) {
  function = reinterpret_cast<Function>(::dlsym(library, name));
  if (function)
    return true;
  why = path + ": no symbol " + name + " (" + hint + ")";
  return false;
}

} // namespace sweep

#endif // SWEEP_RUNTIME_DYNLIB_RESOLVESYMBOL_H
