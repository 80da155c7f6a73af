//===- PlanPrinter.cpp - the `plan` and `grid` listings -------------------===//

#include "lang/Plan.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Format.h"

#include <cstdio>
#include <cstring>

using namespace sweep;

static std::string formatBytes(double bytes) {
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return buffer;
}

static std::string formatFlops(double flops) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3g", flops);
  return buffer;
}

/// Prints a scope's factors in enumeration order: `a[3] zip(b, c)[4] opt{sgd: lr[2] | adam}`.
static void printScope(const SweepSpec &spec, int scope, llvm::raw_ostream &os) {
  bool first = true;
  for (const Factor &factor : spec.scopes[scope].factors) {
    if (!first)
      os << " ";
    first = false;
    if (factor.kind == Factor::Kind::Axes) {
      auto pathOf = [&](int axis) -> llvm::StringRef {
        return spec.paths[spec.axes[axis].pathId].path;
      };
      if (factor.axes.size() == 1) {
        os << pathOf(factor.axes.front());
      } else {
        os << "zip(";
        llvm::interleave(factor.axes, os, [&](int axis) { os << pathOf(axis); }, ", ");
        os << ")";
      }
      os << "[" << spec.axes[factor.axes.front()].values.size() << "]";
      continue;
    }
    const Choice &choice = spec.choices[factor.choice];
    os << spec.paths[choice.pathId].path << "{";
    for (size_t a = 0; a < choice.alternatives.size(); ++a) {
      os << (a ? " | " : "") << choice.alternatives[a].kind;
      if (!spec.scopes[choice.alternativeScopes[a]].factors.empty()) {
        os << ": ";
        printScope(spec, choice.alternativeScopes[a], os);
      }
    }
    os << "}";
  }
}

void sweep::printPlan(const SweepSpec &spec, const RunTable &runs, const SweepPlan &plan,
                      llvm::raw_ostream &os) {
  uint64_t total = countUnconstrainedRuns(spec);
  os << "sweep " << spec.name << ": " << runs.size() << " run" << (runs.size() == 1 ? "" : "s")
     << " in " << plan.groups.size() << " group" << (plan.groups.size() == 1 ? "" : "s");
  if (total != runs.size())
    os << " (" << total << " before 'where')";
  os << "\n";
  os << "  axes: ";
  if (spec.scopes.front().factors.empty())
    os << "none";
  printScope(spec, 0, os);
  os << "\n  report: ";
  llvm::interleave(spec.metrics, os, ", ");
  os << "\n";

  double totalFlops = 0;
  for (size_t g = 0; g < plan.groups.size(); ++g) {
    const RunGroup &group = plan.groups[g];
    const DatasetShape &data = group.data;
    os << "group " << g << ": " << group.runs.size() << " run"
       << (group.runs.size() == 1 ? "" : "s") << "\n";
    os << "  key: " << group.label << "\n";
    os << "  data: " << data.source << ", " << data.inputs << " features -> ";
    if (data.isClassification())
      os << data.classes << " classes";
    else
      os << data.targets << " targets";
    os << "; train " << data.train << ", validation " << data.validation << ", test "
       << data.test << "\n";
    os << "  model: " << group.shape.describe() << "\n";
    os << "  parameters/run: " << group.shape.getParameterCount() << "\n";
    os << "  FLOPs/run-epoch: " << formatFlops(group.getFlopsPerRunEpoch()) << "\n";
    os << "  state memory: " << formatBytes(group.getStateBytes()) << " ("
       << formatBytes(group.getStateBytes() / double(group.runs.size())) << "/run)\n";
    totalFlops += group.getFlopsPerRunEpoch() * double(group.epochs) * double(group.runs.size());
  }
  os << "total: " << formatFlops(totalFlops) << " FLOPs over all runs and epochs\n";
}

void sweep::printGrid(const SweepSpec &spec, const RunTable &runs, const SweepPlan &plan,
                      llvm::raw_ostream &os) {
  os << "# sweep " << spec.name << ": " << runs.size() << (runs.size() == 1 ? " run, " : " runs, ")
     << plan.groups.size() << (plan.groups.size() == 1 ? " group, " : " groups, ")
     << countUnconstrainedRuns(spec) << " before 'where'\n";
  os << "# id config-hash group settings\n";
  // The settings whose value differs between runs: axes, and settings that
  // differ between a choice's alternatives (`optimizer in [sgd(lr 0.1),
  // sgd(lr 0.2)]`), which `varies` does not mark. Regression: those were left
  // out, so runs that differed printed alike.
  // (A setting only some alternatives have, the same wherever set, is not
  // shown: the alternative's name says it.)
  std::vector<Value> values, first(spec.paths.size(), Value::none());
  std::vector<bool> differs(spec.paths.size(), false);
  for (size_t r = 0; r < runs.size(); ++r) {
    resolveRun(spec, runs.getIndices(r), values);
    for (size_t id = 0; id < values.size(); ++id) {
      if (values[id].isNone())
        continue;
      if (first[id].isNone())
        first[id] = values[id];
      else if (!(values[id] == first[id]))
        differs[id] = true;
    }
  }
  std::vector<int> varying;
  for (size_t id = 0; id < spec.paths.size(); ++id)
    if (spec.paths[id].varies || differs[id])
      varying.push_back(int(id));
  ConfigHasher hasher(spec);
  // Axes repeat their values across runs: format each number once.
  llvm::DenseMap<uint64_t, std::string> numberText;
  for (size_t r = 0; r < runs.size(); ++r) {
    resolveRun(spec, runs.getIndices(r), values);
    os << "r" << runs.getId(r) << " " << llvm::format_hex_no_prefix(hasher.hash(values), 16)
       << " g" << plan.groupOfRun[r];
    for (int id : varying) {
      const Value &value = values[id];
      if (value.isNone())
        continue;
      os << " " << spec.paths[id].path << "=";
      if (value.kind != Value::Kind::Float) {
        os << value;
        continue;
      }
      uint64_t bits;
      std::memcpy(&bits, &value.f, sizeof(bits));
      auto [it, inserted] = numberText.try_emplace(bits);
      if (inserted)
        it->second = formatShortest(value.f);
      os << it->second;
    }
    os << "\n";
  }
}
