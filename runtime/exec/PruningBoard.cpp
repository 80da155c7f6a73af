//===- PruningBoard.cpp - runs judged against the runs before them --------===//

#include "runtime/exec/PruningBoard.h"

#include <algorithm>

using namespace sweep;

bool sweep::pruneMetricHigherIsBetter(PruneMetric metric) {
  return metric == PruneMetric::ValAccuracy;
}

std::vector<uint32_t> sweep::trainingOrder(const SweepJob &job, const GroupSpec &group) {
  std::vector<uint32_t> order = group.runs;
  if (job.prune.kind == PruneKind::None)
    return order;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const RunSpec &x = job.runs[a], &y = job.runs[b];
    return x.configHash != y.configHash ? x.configHash < y.configHash : x.id < y.id;
  });
  return order;
}

std::string sweep::describePruneRule(const SweepJob &job) {
  const PruneSpec &rule = job.prune;
  if (rule.kind == PruneKind::None)
    return "";
  int64_t epochs = 0;
  for (const GroupSpec &group : job.groups)
    epochs = std::max(epochs, group.epochs);
  std::string metric = pruneMetricName(rule.metric);
  std::string epochsJudged;
  size_t count = 0;
  for (int64_t epoch = 1; epoch < epochs && count < 8; ++epoch)
    if (pruneLooksAt(rule, epoch)) {
      epochsJudged += (count ? ", " : "") + std::to_string(epoch);
      ++count;
    }
  if (count == 8)
    epochsJudged += ", ...";
  if (epochsJudged.empty())
    epochsJudged = "none (no epoch before a run's last)";
  std::string text = "prune: ";
  if (rule.kind == PruneKind::Asha)
    text += "asha on " + metric + ", each rung keeps the best 1/" +
            std::to_string(rule.reduction) + "; rungs at epochs " + epochsJudged;
  else
    text += "median on " + metric + " (after " + std::to_string(rule.minRuns) +
            " runs have a value); judged after epochs " + epochsJudged;
  return text + "; a program's runs are judged together, after the runs before them "
                "(stopped runs gathered out of it when that saves time)";
}

PruningBoard::PruningBoard(const SweepJob &job)
    : spec(job.prune), higherIsBetter(pruneMetricHigherIsBetter(job.prune.metric)) {
  position.assign(job.runs.size(), 0);
  for (const GroupSpec &group : job.groups)
    for (uint32_t r : trainingOrder(job, group)) {
      position[r] = lastEpoch.size();
      lastEpoch.push_back(group.epochs);
      finalEpoch.push_back(group.epochs);
    }
  cutShort.assign(lastEpoch.size(), 0);
}

bool sweep::pruneLooksAt(const PruneSpec &spec, int64_t epoch) {
  switch (spec.kind) {
  case PruneKind::None:
    return false;
  case PruneKind::Median:
    return epoch >= spec.grace;
  case PruneKind::Asha:
    for (int64_t rung = spec.grace; rung <= epoch; rung *= spec.reduction) {
      if (rung == epoch)
        return true;
      if (spec.reduction < 2)
        break;
    }
    return false;
  }
  return false;
}

void PruningBoard::Ranks::insert(double value) {
  double key = toKey(value);
  if (!best.empty() && key < best.top())
    best.push(key);
  else
    rest.push(key);
}

void PruningBoard::Ranks::keepBest(size_t k) {
  while (best.size() > k) {
    rest.push(best.top());
    best.pop();
  }
  while (best.size() < k && !rest.empty()) {
    best.push(rest.top());
    rest.pop();
  }
}

PruningBoard::Epoch &PruningBoard::epochLocked(int64_t epoch) {
  auto found = epochs.find(epoch);
  if (found == epochs.end())
    found = epochs.emplace(epoch, Epoch(higherIsBetter)).first;
  return found->second;
}

void PruningBoard::judgeLocked(int64_t epoch, Epoch &state, Cohort &cohort) {
  Ranks &ranks = state.ranks;
  size_t n = ranks.size();
  cohort.verdicts.assign(cohort.positions.size(), true);
  // At its runs' last epoch no rule judges: every verdict is "go on",
  // whatever is missing.
  bool judges = false;
  for (size_t pos : cohort.positions)
    judges |= epoch < finalEpoch[pos];
  cohort.complete = !state.lacksCutShortRun || !judges;
  double bar = 0;
  if (spec.kind == PruneKind::Asha) {
    ranks.keepBest(std::max<size_t>(1, n / size_t(spec.reduction)));
    bar = ranks.kthBest(); // A run no worse than the k-th best goes on.
  } else {
    if (n - 1 < size_t(spec.minRuns))
      return;
    ranks.keepBest((n + 1) / 2);
    bar = n % 2 ? ranks.kthBest() : (ranks.kthBest() + ranks.nextBest()) / 2;
  }
  // asha ranks the values recorded at the rung, so a run's own value there is
  // what counts (Optuna's SuccessiveHalvingPruner). Regression: its best of
  // earlier rungs was compared, so a run with the worst value at a rung went
  // on while a better one stopped.
  const std::vector<double> &compared =
      spec.kind == PruneKind::Asha ? cohort.values : cohort.bests;
  for (size_t i = 0; i < cohort.positions.size(); ++i)
    if (epoch < finalEpoch[cohort.positions[i]])
      cohort.verdicts[i] = !ranks.better(bar, compared[i]);
}

void PruningBoard::advanceLocked(int64_t epoch, Epoch &state) {
  bool judged = false;
  while (state.frontier < lastEpoch.size()) {
    size_t pos = state.frontier;
    auto posted = state.pending.find(pos);
    if (posted != state.pending.end()) {
      state.ranks.insert(posted->second.value);
      Cohort *cohort = posted->second.cohort;
      state.pending.erase(posted);
      if (cohort && --cohort->waiting == 0) {
        judgeLocked(epoch, state, *cohort);
        judged = true;
      }
    } else if (lastEpoch[pos] >= epoch) {
      break; // It will report this epoch: wait for it.
    } else if (cutShort[pos] && finalEpoch[pos] >= epoch) {
      // Cut short before an epoch its group trains: an uninterrupted sweep
      // would have ranked it here (not past its group's last epoch).
      state.lacksCutShortRun = true;
    }
    ++state.frontier;
  }
  if (judged)
    changed.notify_all();
}

std::vector<bool> PruningBoard::judge(int64_t epoch, const std::vector<size_t> &positions,
                                      const std::vector<double> &values,
                                      const std::vector<double> &bests, bool *complete) {
  if (complete)
    *complete = true;
  if (positions.empty())
    return {};
  std::unique_lock<std::mutex> lock(mutex);
  Epoch &state = epochLocked(epoch);
  Cohort cohort;
  cohort.positions = positions;
  cohort.values = values;
  cohort.bests = bests;
  cohort.waiting = positions.size();
  for (size_t i = 0; i < positions.size(); ++i)
    state.pending[positions[i]] = {values[i], &cohort};
  advanceLocked(epoch, state);
  changed.wait(lock, [&] { return cohort.waiting == 0; });
  if (complete)
    *complete = cohort.complete;
  return cohort.verdicts;
}

void PruningBoard::replay(size_t pos, int64_t epoch, double value) {
  std::lock_guard<std::mutex> lock(mutex);
  Epoch &state = epochLocked(epoch);
  state.pending[pos] = {value, nullptr};
  advanceLocked(epoch, state);
}

void PruningBoard::leave(size_t pos, int64_t last, bool cut) {
  std::lock_guard<std::mutex> lock(mutex);
  if (last >= lastEpoch[pos])
    return;
  lastEpoch[pos] = last;
  cutShort[pos] = cut;
  // Only epochs whose frontier stands at this run were waiting for it; later
  // epochs' frontiers skip it when they reach it.
  for (auto &[epoch, state] : epochs)
    if (epoch > last && state.frontier == pos)
      advanceLocked(epoch, state);
}
