//===- EnergyOps.cpp - the energy dialect ---------------------------------===//

#include "dialects/energy/EnergyOps.h"

using namespace mlir;
using namespace sweep::energy;

#include "dialects/energy/EnergyDialect.cpp.inc"

void EnergyDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/energy/EnergyOps.cpp.inc"
      >();
}

LogicalResult RegionOp::verify() {
  int64_t flops = getFlopsAttr().getInt(), bytes = getBytesAttr().getInt();
  if (flops < 0 || bytes < 0)
    return emitOpError() << "costs cannot be negative (flops " << flops << ", bytes " << bytes
                         << ")";
  if (getPhase().empty())
    return emitOpError("needs a phase name");
  auto yield = cast<YieldOp>(getBody().front().getTerminator());
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError() << "yields " << yield.getValues().size()
                         << " values whose types differ from its results";
  return success();
}

#define GET_OP_CLASSES
#include "dialects/energy/EnergyOps.cpp.inc"
