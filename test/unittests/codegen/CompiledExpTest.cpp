//===- CompiledExpTest.cpp - the compiled exp gives exp32's bits ----------===//
//
// The CPU pipeline spells f32 exp out as arithmetic (sweep-expand-exp) so
// that LLVM can vectorize the loops around it, and the interpreter calls
// sweep::exp32 (runtime/kernels/Exp.h): the two must agree bit for bit, or
// compiled runs stop matching interpreted ones. A loop of math.exp goes
// through the pipeline's last stage and the JIT's -O2 for this CPU (where
// it is vectorized, as in a group's code), over every kind of input.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/JitCompiler.h"
#include "codegen/cpu/JitEventListeners.h"
#include "codegen/cpu/OptimizeModule.h"
#include "lib/Pipelines/CpuPipeline.h"
#include "lib/Registration/Registration.h"
#include "runtime/kernels/Exp.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/MemRefUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace sweep;

namespace {
constexpr const char *kExpLoop = R"(
func.func @exps(%in: memref<?xf32>, %out: memref<?xf32>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %e = math.exp %x : f32
    memref.store %e, %out[%i] : memref<?xf32>
  }
  return
}
)";

uint32_t bitsOf(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}

float floatOf(uint32_t bits) {
  float x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

/// Inputs of every kind: specials, the edges of overflow and underflow,
/// subnormal results, and a sweep of the whole float range.
std::vector<float> inputs() {
  std::vector<float> x = {0.0f,
                          -0.0f,
                          1.0f,
                          -1.0f,
                          std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity(),
                          std::numeric_limits<float>::quiet_NaN(),
                          -std::numeric_limits<float>::quiet_NaN(),
                          88.72283f,
                          88.72284f,
                          89.0f,
                          89.5f,
                          -87.33654f,
                          -87.33655f,
                          -100.0f,
                          -103.9720f,
                          -103.9721f,
                          -104.0f,
                          -105.0f,
                          std::numeric_limits<float>::max(),
                          std::numeric_limits<float>::lowest(),
                          std::numeric_limits<float>::denorm_min()};
  for (uint64_t bits = 0; bits <= 0xffffffffull; bits += 65521) // a prime stride
    x.push_back(floatOf(uint32_t(bits)));
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> typical(-110.0f, 95.0f);
  for (int i = 0; i < 100000; ++i)
    x.push_back(typical(gen));
  return x;
}

/// The pipeline's last stage and the JIT of a group, on `source`.
std::unique_ptr<mlir::ExecutionEngine> compileForThisCpu(mlir::MLIRContext &context,
                                                         const char *source) {
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module)
    return nullptr;
  mlir::PassManager pm(&context);
  addCpuLoopsToLLVMPasses(pm);
  if (mlir::failed(pm.run(*module)))
    return nullptr;
  initializeNativeTarget();
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return nullptr;
  auto machine = builder->createTargetMachine();
  if (!machine)
    return nullptr;
  llvm::TargetMachine *target = machine->get();
  mlir::ExecutionEngineOptions options;
  chooseJitEventListeners(options); // no perf jitdump files, as for a group
  // A function_ref: the lambda must outlive create().
  auto optimize = [target](llvm::Module *m) { return optimizeGroupModule(*m, target); };
  options.transformer = optimize;
  auto engine = mlir::ExecutionEngine::create(*module, options, std::move(*machine));
  if (!engine) {
    llvm::consumeError(engine.takeError());
    return nullptr;
  }
  return std::move(*engine);
}
} // namespace

TEST(CompiledExp, GivesExp32sBitsOnEveryKindOfInput) {
  mlir::DialectRegistry registry;
  registerSweepDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  std::unique_ptr<mlir::ExecutionEngine> engine = compileForThisCpu(context, kExpLoop);
  ASSERT_TRUE(engine);
  auto exps = engine->lookupPacked("_mlir_ciface_exps");
  ASSERT_TRUE(bool(exps)) << llvm::toString(exps.takeError());

  std::vector<float> in = inputs(), out(in.size(), 0.0f);
  int64_t n = int64_t(in.size());
  StridedMemRefType<float, 1> inRef{in.data(), in.data(), 0, {n}, {1}};
  StridedMemRefType<float, 1> outRef{out.data(), out.data(), 0, {n}, {1}};
  auto *inPtr = &inRef, *outPtr = &outRef;
  void *args[] = {&inPtr, &outPtr};
  (*exps)(args);

  int64_t differ = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    float want = exp32(in[i]);
    bool same = std::isnan(want) ? std::isnan(out[i]) : bitsOf(out[i]) == bitsOf(want);
    if (!same && differ++ < 5)
      ADD_FAILURE() << "exp(" << in[i] << ") [bits " << std::hex << bitsOf(in[i]) << std::dec
                    << "]: compiled " << out[i] << ", exp32 " << want;
  }
  EXPECT_EQ(differ, 0) << "of " << in.size() << " inputs";
}
