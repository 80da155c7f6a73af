//===- SweepOps.cpp - the sweep dialect -----------------------------------===//

#include "dialects/sweep/SweepOps.h"

#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace sweep::sweepir;

#include "dialects/sweep/SweepDialect.cpp.inc"

void SweepDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/sweep/SweepOps.cpp.inc"
      >();
}

LogicalResult ExperimentOp::verifyRegions() {
  // Run ids are positions in the grid before `where` filters, so they may
  // exceed the run count; each must belong to one group.
  llvm::DenseSet<int64_t> seen;
  for (GroupOp group : getBody().getOps<GroupOp>())
    for (int64_t run : group.getRuns()) {
      if (run < 0)
        return group.emitOpError() << "has the negative run id " << run;
      if (!seen.insert(run).second)
        return group.emitOpError() << "has run " << run << ", which another group has too";
    }
  if (int64_t(seen.size()) != getRunsAttr().getInt())
    return emitOpError() << "has " << getRunsAttr().getInt() << " runs but its groups hold "
                         << seen.size();
  return success();
}

LogicalResult DatasetOp::verify() {
  auto value = [](IntegerAttr attr) { return attr.getInt(); };
  if (value(getInputsAttr()) < 1 || value(getTargetsAttr()) < 1)
    return emitOpError() << "needs at least one input and one target (has "
                         << value(getInputsAttr()) << " and " << value(getTargetsAttr()) << ")";
  if (value(getTrainAttr()) < 1 || value(getValidationAttr()) < 0 || value(getTestAttr()) < 0)
    return emitOpError() << "has split sizes train " << value(getTrainAttr()) << ", validation "
                         << value(getValidationAttr()) << ", test " << value(getTestAttr());
  return success();
}

LogicalResult GroupOp::verify() {
  if (getRuns().empty())
    return emitOpError("has no runs");
  int64_t batch = getBatchAttr().getInt(), epochs = getEpochsAttr().getInt();
  if (batch < 1 || epochs < 1)
    return emitOpError() << "needs a positive batch size and epoch count (has " << batch << " and "
                         << epochs << ")";
  return success();
}

LogicalResult GroupOp::verifySymbolUses(SymbolTableCollection &symbols) {
  if (!symbols.lookupNearestSymbolFrom<DatasetOp>(getOperation()->getParentOp(), getDataAttr()))
    return emitOpError() << "uses dataset " << getDataAttr()
                         << ", which the experiment does not declare";
  return success();
}

LogicalResult HyperparameterOp::verify() {
  auto group = cast<GroupOp>(getOperation()->getParentOp());
  int64_t values = getValues().getNumElements();
  if (getValues().getType().getRank() != 1 || values != int64_t(group.getRuns().size()))
    return emitOpError() << "has " << values << " values for a group of " << group.getRuns().size()
                         << " runs";
  return success();
}

#define GET_OP_CLASSES
#include "dialects/sweep/SweepOps.cpp.inc"
