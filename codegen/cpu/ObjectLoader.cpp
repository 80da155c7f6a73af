//===- ObjectLoader.cpp - a cached group's object back in a JIT -----------===//

#include "codegen/cpu/ObjectLoader.h"
#include "codegen/cpu/CheckedOutput.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/RTDyldObjectLinkingLayer.h"
#include "llvm/ExecutionEngine/SectionMemoryManager.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

using namespace sweep;

namespace {
/// A JIT holding `object`, linked like mlir::ExecutionEngine's.
llvm::Expected<std::unique_ptr<llvm::orc::LLJIT>>
loadObject(std::unique_ptr<llvm::MemoryBuffer> object, RuntimeSymbols symbols) {
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  auto dataLayout = builder->getDefaultDataLayoutForTarget();
  if (!dataLayout)
    return dataLayout.takeError();
  char globalPrefix = dataLayout->getGlobalPrefix();
  auto jit =
      llvm::orc::LLJITBuilder()
          .setJITTargetMachineBuilder(std::move(*builder))
          .setDataLayout(*dataLayout)
          .setObjectLinkingLayerCreator(
              [](llvm::orc::ExecutionSession &session, const llvm::Triple &)
                  -> llvm::Expected<std::unique_ptr<llvm::orc::ObjectLayer>> {
                return std::make_unique<llvm::orc::RTDyldObjectLinkingLayer>(
                    session, [] { return std::make_unique<llvm::SectionMemoryManager>(); });
              })
          .create();
  if (!jit)
    return jit.takeError();
  llvm::orc::JITDylib &main = (*jit)->getMainJITDylib();
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(globalPrefix);
  if (!process)
    return process.takeError();
  main.addGenerator(std::move(*process));
  llvm::orc::MangleAndInterner interner((*jit)->getExecutionSession(), (*jit)->getDataLayout());
  if (llvm::Error failure = main.define(llvm::orc::absoluteSymbols(symbols(interner))))
    return std::move(failure);
  if (llvm::Error failure = (*jit)->addObjectFile(std::move(object)))
    return std::move(failure);
  return std::move(*jit);
}

/// The packed entry points (ExecutionEngine's wrappers: "_mlir_" before the
/// function's name).
bool lookupEntryPoints(LoadedGroupObject &loaded, std::string &error) {
  for (auto [name, slot] : {std::pair{"_mlir__mlir_ciface_train_step", &loaded.trainStep},
                            std::pair{"_mlir__mlir_ciface_evaluate", &loaded.evaluate}}) {
    auto address = loaded.jit->lookup(name);
    if (!address) {
      error = std::string("no ") + name + ": " + llvm::toString(address.takeError());
      return false;
    }
    *slot = address->toPtr<void (*)(void **)>();
  }
  return true;
}
} // namespace

bool sweep::loadCachedGroup(CompileCache &cache, const std::string &key, const std::string &label,
                            RuntimeSymbols symbols, LoadedGroupObject &out) {
  std::string problem;
  std::unique_ptr<llvm::MemoryBuffer> object = cache.load(key, &problem);
  if (!object && problem.empty())
    return false; // Not there: compiled and stored.
  auto jit = object ? loadObject(std::move(object), symbols)
                    : llvm::Expected<std::unique_ptr<llvm::orc::LLJIT>>(
                          llvm::createStringError(llvm::inconvertibleErrorCode(), problem));
  if (jit) {
    out.jit = std::move(*jit);
    if (lookupEntryPoints(out, problem))
      return true;
    out = LoadedGroupObject();
  } else {
    problem = llvm::toString(jit.takeError());
  }
  // A damaged or foreign entry: the caller compiles and stores it again.
  llvm::errs() << "sweepc: warning: compile cache entry " << key << " in '" << cache.directory()
               << "' cannot be loaded (" << problem << "); compiling group '" << label
               << "' again\n";
  cache.forget(key);
  return false;
}

/// The object `engine` compiled, or "" when it kept none. ExecutionEngine
/// writes it only to a file, through a stream that ends the process when the
/// write fails (a full disk under the cache: "LLVM ERROR: IO failure on output
/// stream"); so it writes into memory here, a memfd opened through /proc, and
/// the cache gets the bytes through a checked write.
static std::string compiledObject(mlir::ExecutionEngine &engine) {
  int memory = ::memfd_create("sweepc-object", MFD_CLOEXEC);
  if (memory < 0)
    return "";
  // Without /proc (a container that hides it), ExecutionEngine would say it
  // cannot open the path: the caller writes the file directly instead.
  std::string path = "/proc/self/fd/" + std::to_string(memory);
  if (::access(path.c_str(), W_OK) != 0) {
    ::close(memory);
    return "";
  }
  engine.dumpToObjectFile(path);
  std::string bytes;
  char buffer[1 << 16];
  for (off_t offset = 0;;) {
    ssize_t got = ::pread(memory, buffer, sizeof buffer, offset);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    bytes.append(buffer, size_t(got));
    offset += got;
  }
  ::close(memory);
  return bytes;
}

/// Free space the engine's own, unchecked write needs: a group's object is
/// at most a few MiB.
constexpr uint64_t kRoomForAnObject = uint64_t(64) << 20;

void sweep::storeCompiledGroup(CompileCache &cache, const std::string &key,
                               const std::string &label, mlir::ExecutionEngine &engine) {
  std::string problem = "the compiled object could not be written";
  bool stored = false;
  // The engine's write ends the process at a file size limit (ulimit -f)
  // as at a full disk, the memory file included.
  if (rlimit limit; ::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
                    uint64_t(limit.rlim_cur) < kRoomForAnObject) {
    problem = "the file size limit (ulimit -f) is " + std::to_string(limit.rlim_cur) +
              " bytes, under the 64 MiB the engine's unchecked write of an object may need";
  } else if (std::string object = compiledObject(engine); !object.empty()) {
    stored = cache.store(key, [&](const std::string &path) {
      return writeFileChecked(path, object, problem);
    });
  } else if (struct statvfs disk; ::statvfs(cache.directory().c_str(), &disk) == 0 &&
             uint64_t(disk.f_bavail) * disk.f_frsize >= kRoomForAnObject) {
    // No memory file (no /proc): the engine writes the entry itself, as MLIR
    // offers, unchecked: a write error would end the process, so only where
    // the disk has room to spare.
    stored = cache.store(key, [&](const std::string &path) {
      engine.dumpToObjectFile(path);
      return true;
    });
  } else {
    problem = "no /proc to compile into memory, and under 64 MiB free for the engine to "
              "write the object directly";
  }
  if (stored)
    return;
  if (cache.firstStoreFailure())
    llvm::errs() << "sweepc: warning: group '" << label << "' is not kept in the compile cache '"
                 << cache.directory() << "' (" << problem
                 << "); training goes on, and groups not kept are compiled again next time\n";
}

std::string sweep::hostCodeIdentity() {
  // The host does not change while sweepc runs: asked once, not per group.
  static const std::string identity = [] {
    auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!builder) {
      llvm::consumeError(builder.takeError());
      return std::string("unknown host");
    }
    return std::string("LLVM ") + LLVM_VERSION_STRING + "; " + builder->getTargetTriple().str() +
           "; " + builder->getCPU() + "; " + builder->getFeatures().getString();
  }();
  return identity;
}
