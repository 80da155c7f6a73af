//===- PtxKernels.cpp - the PTX of a group's GPU kernels ------------------===//

#include "codegen/nvptx/PtxKernels.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

using namespace mlir;

bool sweep::collectPtx(ModuleOp module, std::vector<PtxModule> &modules, std::string &error) {
  modules.clear();
  WalkResult walk = module.walk([&](gpu::BinaryOp binary) {
    for (Attribute attribute : binary.getObjects()) {
      auto object = dyn_cast<gpu::ObjectAttr>(attribute);
      if (!object || object.getFormat() != gpu::CompilationTarget::Assembly) {
        error = "gpu.binary @" + binary.getName().str() + " holds no PTX text";
        return WalkResult::interrupt();
      }
      std::string ptx = object.getObject().str();
      while (!ptx.empty() && ptx.back() == '\0')
        ptx.pop_back();
      modules.push_back({binary.getName().str(), std::move(ptx)});
    }
    return WalkResult::advance();
  });
  return !walk.wasInterrupted();
}
