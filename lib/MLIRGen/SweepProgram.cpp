//===- SweepProgram.cpp - a whole sweep as sweep-dialect IR ---------------===//

#include "lib/MLIRGen/SweepProgram.h"

#include "dialects/sweep/SweepOps.h"
#include "lib/MLIRGen/TrainProgram.h"

#include "mlir/IR/Builders.h"

#include <cstdlib>

using namespace mlir;
using namespace sweep;

/// The column's value in every run of `group` as numbers, if each is one and
/// they are not all equal.
static bool numericColumn(const SweepJob &job, const GroupSpec &group, size_t column,
                          std::vector<double> &values) {
  values.clear();
  for (uint32_t r : group.runs) {
    const std::string &text = job.runs[r].columnValues[column];
    char *end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end)
      return false;
    values.push_back(v);
  }
  for (double v : values)
    if (v != values.front())
      return true;
  return false;
}

OwningOpRef<ModuleOp> sweep::buildSweepProgram(MLIRContext &context, const SweepJob &job) {
  context.loadDialect<sweepir::SweepDialect>();
  OpBuilder builder(&context);
  Location loc = builder.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  builder.setInsertionPointToEnd(module->getBody());
  auto experiment = builder.create<sweepir::ExperimentOp>(
      loc, builder.getStringAttr(job.name), builder.getI64IntegerAttr(int64_t(job.runs.size())));
  Block *body = builder.createBlock(&experiment.getBody());

  builder.setInsertionPointToEnd(body);
  for (size_t d = 0; d < job.datasets.size(); ++d) {
    const DataSpec &data = job.datasets[d];
    auto i64 = [&](int64_t v) { return builder.getI64IntegerAttr(v); };
    builder.create<sweepir::DatasetOp>(loc, builder.getStringAttr("d" + std::to_string(d)),
                                       builder.getStringAttr(data.source), i64(data.expectInputs),
                                       i64(data.expectTargets), i64(data.expectTrain),
                                       i64(data.expectValidation), i64(data.expectTest));
  }
  std::vector<double> values;
  for (size_t g = 0; g < job.groups.size(); ++g) {
    const GroupSpec &group = job.groups[g];
    std::vector<int64_t> ids;
    for (uint32_t r : group.runs)
      ids.push_back(int64_t(job.runs[r].id));
    builder.setInsertionPointToEnd(body);
    auto op = builder.create<sweepir::GroupOp>(
        loc, builder.getStringAttr("g" + std::to_string(g)),
        FlatSymbolRefAttr::get(&context, "d" + std::to_string(group.dataset)),
        builder.getDenseI64ArrayAttr(ids), builder.getI64IntegerAttr(group.batch),
        builder.getI64IntegerAttr(group.epochs));
    Block *groupBody = builder.createBlock(&op.getBody());
    builder.setInsertionPointToEnd(groupBody);
    for (size_t c = 0; c < job.columns.size(); ++c)
      if (numericColumn(job, group, c, values)) {
        auto type = RankedTensorType::get({int64_t(values.size())}, builder.getF64Type());
        builder.create<sweepir::HyperparameterOp>(
            loc, job.columns[c], DenseElementsAttr::get(type, llvm::ArrayRef(values)));
      }
    OwningOpRef<ModuleOp> program = buildTrainProgram(context, group, int64_t(ids.size()));
    for (Operation &fn : llvm::make_early_inc_range(program->getBody()->getOperations()))
      fn.moveBefore(groupBody, groupBody->end());
  }
  return module;
}
