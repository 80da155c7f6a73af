//===- Trainer.cpp - training every run of a sweep ------------------------===//

#include "runtime/exec/Trainer.h"

#include "runtime/exec/BatchStream.h"
#include "runtime/exec/CompactionSize.h"
#include "runtime/exec/PruningBoard.h"
#include "runtime/exec/Schedule.h"
#include "runtime/rng/Streams.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <thread>

using namespace sweep;

std::vector<uint32_t> sweep::shuffledOrder(int64_t count, uint64_t seed, int64_t epoch) {
  std::vector<uint32_t> order(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    order[size_t(i)] = uint32_t(i);
  PhiloxStream stream(seed, stream::kShuffle + uint64_t(epoch));
  for (int64_t i = count - 1; i > 0; --i) {
    uint32_t bits = stream.block(uint64_t(i) >> 2)[i & 3];
    uint64_t j = (uint64_t(bits) * uint64_t(i + 1)) >> 32;
    std::swap(order[size_t(i)], order[size_t(j)]);
  }
  return order;
}

namespace {
/// Every chunk size a fresh sweep uses, per group: full chunks and the
/// remainder (a resumed sweep may need other sizes; they compile when their
/// chunk starts).
std::vector<std::pair<uint32_t, size_t>> programsOf(const SweepJob &job, const Backend &backend) {
  std::vector<std::pair<uint32_t, size_t>> programs;
  for (uint32_t g = 0; g < job.groups.size(); ++g) {
    size_t runs = job.groups[g].runs.size();
    size_t per = std::min(runs, std::max<size_t>(1, backend.runsPerProgram(job, job.groups[g])));
    programs.push_back({g, per});
    if (runs % per)
      programs.push_back({g, runs % per});
  }
  return programs;
}
} // namespace

size_t sweep::programsToTrain(const SweepJob &job, const Backend &backend) {
  size_t programs = 0;
  for (const GroupSpec &group : job.groups) {
    size_t per = std::max<size_t>(1, backend.runsPerProgram(job, group));
    programs += (group.runs.size() + per - 1) / per;
  }
  return programs;
}

size_t sweep::programsToPrepare(const SweepJob &job, const Backend &backend) {
  return programsOf(job, backend).size();
}

bool sweep::prepareBackend(const SweepJob &job, Backend &backend, unsigned threads,
                           std::string &error, const std::function<void()> &programReady,
                           const std::atomic<bool> *cancel) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::vector<std::pair<uint32_t, size_t>> programs = programsOf(job, backend);
  auto worker = [&]() {
    for (size_t p; !failed && !(cancel && *cancel) && (p = next++) < programs.size();) {
      const GroupSpec &group = job.groups[programs[p].first];
      std::vector<const RunSpec *> runs;
      for (size_t i = 0; i < programs[p].second; ++i)
        runs.push_back(&job.runs[group.runs[i]]);
      std::string problem;
      if (!backend.prepare(group, runs, problem)) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failed.exchange(true))
          error = problem;
      } else if (programReady) {
        programReady();
      }
    }
  };
  std::vector<std::thread> pool;
  unsigned count = std::max(1u, std::min<unsigned>(threads, unsigned(programs.size())));
  for (unsigned t = 1; t < count; ++t)
    pool.emplace_back(worker);
  worker();
  for (std::thread &thread : pool)
    thread.join();
  return !failed;
}

namespace {
/// A chunk: some runs of one group, trained by one program.
struct Chunk {
  uint32_t group;
  std::vector<uint32_t> runs; // Indices into job.runs.
  size_t laterChunks = 0;     // Chunks of the same group after this one.
};

/// Per-run bookkeeping inside a chunk.
struct RunState {
  RunStatus status = RunStatus::Ok;
  StopReason reason = StopReason::None;
  int64_t statusEpoch = 0, epochsDone = 0;
  MetricValues last; // Metrics after the last finite epoch.
  double bestWatched = 0;
  int64_t badEpochs = 0;
  double lowestLoss = 0;  // For divergence(factor): the lowest training loss so far.
  double pruneBest = NAN; // The prune metric's best so far (NaN: none yet).
};

class ChunkTrainer {
public:
  ChunkTrainer(const SweepJob &job, const std::vector<Dataset> &datasets, Backend &backend,
               ResultsStore &store, const std::vector<MetricColumn> &metrics,
               const Ranking &ranking, Progress &progress, const TrainerOptions &options,
               PruningBoard &board, std::atomic<bool> &budgetSpent, std::atomic<bool> &deviceFailed)
      : job(job), datasets(datasets), backend(backend), store(store), metrics(metrics),
        ranking(ranking), progress(progress), options(options), board(board),
        budgetSpent(budgetSpent), deviceFailed(deviceFailed) {}

  /// Trains the chunk and records its runs; false on an error. When the
  /// energy budget runs out it stops without recording (cutOff() is set).
  bool train(const Chunk &chunk, std::vector<RunRecord> &finished, std::string &error);
  bool cutOff() const { return stoppedByBudget; }
  /// Whether the last train() stopped for another program's device error.
  bool stoppedByOthers() const { return stoppedByOtherError; }

private:
  void evaluate(GroupProgram &program, const Split &split, const Dataset &data, int64_t batch,
                const std::vector<uint8_t> &alive, std::vector<EvalSums> &sums);
  bool earlyStop(const RunSpec &run, RunState &state, double loss, double accuracy);
  /// Whether the program's device failed (then `error` says how), or that
  /// of another program training at once: a fault in one program's kernels
  /// breaks the device's context for all of them, so the program that finds
  /// it (on its thread's next call) need not be the one that caused it, and
  /// none of the programs training then can be trusted.
  /// Regression: with --streams=3 the failing program's runs were recorded
  /// as ok while another group was named and its runs dropped.
  bool failed(GroupProgram &program, const GroupSpec &group, std::string &error) {
    std::string failure = program.takeError();
    if (failure.empty()) {
      if (!deviceFailed)
        return false;
      stoppedByOtherError = true;
      error = "training group '" + group.label + "' stopped: the device failed";
      return true;
    }
    deviceFailed = true;
    error = options.threads > 1
                ? "the device failed while " + std::to_string(options.threads) +
                      " programs trained at once (group '" + group.label +
                      "' found the error; any of them may have caused it): " + failure
                : "training group '" + group.label + "' failed on the device: " + failure;
    return true;
  }
  /// Hands the program's counted work to the ledger (shared by `alive`) and
  /// says whether the energy budget is spent.
  bool account(GroupProgram &program, const std::vector<uint8_t> &alive);
  /// Offers run r's trained parameters (read from `program`, or already in
  /// `parameters` when compaction dropped it) to the WeightKeeper.
  bool saveWeights(GroupProgram &program, const GroupSpec &group,
                   const std::vector<size_t> &slotRun, size_t r, const RunRecord &record,
                   std::vector<float> &parameters, std::string &error);
  /// Run `id`'s parameters from `slot`; false with the device's error, or
  /// the backend's inability, in `error`.
  bool readWeights(GroupProgram &program, const GroupSpec &group, size_t slot, uint64_t id,
                   std::vector<float> &parameters, std::string &error);
  /// Gathers the live runs into a smaller program when the backend has one
  /// for their count (slotRun and alive follow); false on an error.
  /// `beforeDropping(slots)` is given the slots about to leave the program,
  /// while they are still in it; false from it stops with its `error`.
  bool
  compact(GroupProgram &program, const GroupSpec &group, std::vector<size_t> &slotRun,
          std::vector<uint8_t> &alive, double secondsPerEpoch, int64_t epochsLeft,
          size_t laterChunks,
          const std::function<bool(const std::vector<size_t> &, std::string &)> &beforeDropping,
          std::string &error);

  const SweepJob &job;
  const std::vector<Dataset> &datasets;
  Backend &backend;
  ResultsStore &store;
  const std::vector<MetricColumn> &metrics;
  const Ranking &ranking;
  Progress &progress;
  const TrainerOptions &options;
  PruningBoard &board;
  std::atomic<bool> &budgetSpent;
  std::atomic<bool> &deviceFailed;
  size_t energyAccount = 0;
  bool stoppedByBudget = false;
  bool stoppedByOtherError = false;
  /// Seconds this chunk's compactions spent compiling code for fewer runs:
  /// no run's training time.
  double compactionSeconds = 0;
};
} // namespace

void ChunkTrainer::evaluate(GroupProgram &program, const Split &split, const Dataset &data,
                            int64_t batchSize, const std::vector<uint8_t> &alive,
                            std::vector<EvalSums> &sums) {
  sums.assign(alive.size(), EvalSums());
  BatchStream batches(data, split, nullptr, batchSize, program);
  for (int64_t k = 0; k < batches.count(); ++k)
    program.evaluate(batches.take(k), alive.data(), sums.data());
}

bool ChunkTrainer::account(GroupProgram &program, const std::vector<uint8_t> &alive) {
  if (!options.energy)
    return false;
  PhaseWork work;
  program.takeWork(work);
  options.energy->addWork(energyAccount, work, alive.data());
  if (options.energyBudgetJoules > 0 && options.energy->spentJoules() >= options.energyBudgetJoules)
    budgetSpent = true;
  return budgetSpent;
}

bool ChunkTrainer::earlyStop(const RunSpec &run, RunState &state, double loss, double accuracy) {
  if (!run.earlyStop)
    return false;
  bool higher = run.stopMetric == StopMetric::ValAccuracy;
  double value = higher ? accuracy : loss;
  bool first = state.epochsDone == 1;
  bool improved = first || (higher ? value > state.bestWatched + run.minDelta
                                   : value < state.bestWatched - run.minDelta);
  if (improved) {
    state.bestWatched = value;
    state.badEpochs = 0;
    return false;
  }
  return ++state.badEpochs >= run.patience;
}

bool ChunkTrainer::saveWeights(GroupProgram &program, const GroupSpec &group,
                               const std::vector<size_t> &slotRun, size_t r,
                               const RunRecord &record, std::vector<float> &parameters,
                               std::string &error) {
  if (parameters.empty()) {
    auto slot = std::find(slotRun.begin(), slotRun.end(), r);
    if (slot == slotRun.end() ||
        !readWeights(program, group, size_t(slot - slotRun.begin()), record.id, parameters, error))
      return false;
  }
  return options.weights->offer(record.id, record.metrics[ranking.column], group, parameters,
                                error);
}

bool ChunkTrainer::readWeights(GroupProgram &program, const GroupSpec &group, size_t slot,
                               uint64_t id, std::vector<float> &parameters, std::string &error) {
  if (program.readParameters(slot, parameters))
    return true;
  if (failed(program, group, error))
    return false;
  error = "--save-weights: the " + backend.name() +
          " backend cannot read back the parameters of run " + std::to_string(id);
  return false;
}

bool ChunkTrainer::compact(
    GroupProgram &program, const GroupSpec &group, std::vector<size_t> &slotRun,
    std::vector<uint8_t> &alive, double secondsPerEpoch, int64_t epochsLeft, size_t laterChunks,
    const std::function<bool(const std::vector<size_t> &, std::string &)> &beforeDropping,
    std::string &error) {
  size_t live = size_t(std::count(alive.begin(), alive.end(), uint8_t(1)));
  if (live == 0)
    return true;
  CompactionCase now{slotRun.size(), live, secondsPerEpoch, epochsLeft, laterChunks};
  size_t target = chooseCompactionSize(now, backend.compactionSizes(group, live), [&](size_t runs) {
    return backend.secondsToPrepare(group, runs);
  });
  if (target == 0)
    return true;
  // A compile cannot be stopped halfway: with a budget, none is started that
  // would spend (at the power drawn so far) more than the budget has left.
  if (options.energy && options.energyBudgetJoules > 0) {
    double used = options.energy->spentJoules(), seconds = options.energy->seconds();
    double watts = seconds > 0 ? options.energy->totalJoules() / seconds : 0;
    if (used + watts * backend.secondsToPrepare(group, target) >= options.energyBudgetJoules)
      return true;
  }
  // The live runs, padded with stopped ones up to the target, in slot order
  // (so in training order: the prune board's verdicts are asked in it).
  std::vector<size_t> keep;
  size_t padding = target - live;
  for (size_t s = 0; s < slotRun.size(); ++s)
    if (alive[s] || (padding && padding--))
      keep.push_back(s);
  // Work done so far is shared by the runs alive while it was done.
  account(program, alive);
  std::vector<size_t> dropped;
  for (size_t s = 0, k = 0; s < slotRun.size(); ++s) {
    if (k < keep.size() && keep[k] == s)
      ++k;
    else
      dropped.push_back(s);
  }
  if (!beforeDropping(dropped, error))
    return false;
  // gather compiles code for the smaller program (or finds it compiled):
  // like a program's creation, no run's work. The energy window closes
  // around it, so that its joules go to other programs' work or to nobody,
  // and the budget is checked after it. Regression: a compile inside the
  // window was charged to the runs and a 2 J budget ended at 79 J.
  std::string meterError; // The ledger keeps it too.
  if (options.energy)
    options.energy->closeWindow(meterError);
  auto gatherStart = std::chrono::steady_clock::now();
  std::string problem;
  bool gathered = program.gather(keep, problem);
  compactionSeconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - gatherStart).count();
  if (options.energy) {
    options.energy->closeWindow(meterError);
    if (options.energyBudgetJoules > 0 &&
        options.energy->spentJoules() >= options.energyBudgetJoules)
      budgetSpent = true;
  }
  if (!gathered) {
    error = "compacting group '" + group.label + "' to " + std::to_string(target) +
            " runs failed: " + problem;
    return false;
  }
  if (failed(program, group, error))
    return false;
  if (options.energy)
    options.energy->compactAccount(energyAccount, keep);
  std::vector<size_t> keptRuns;
  std::vector<uint8_t> keptAlive;
  for (size_t s : keep) {
    keptRuns.push_back(slotRun[s]);
    keptAlive.push_back(alive[s]);
  }
  slotRun = std::move(keptRuns);
  alive = std::move(keptAlive);
  return true;
}

bool ChunkTrainer::train(const Chunk &chunk, std::vector<RunRecord> &finished, std::string &error) {
  const GroupSpec &group = job.groups[chunk.group];
  const Dataset &data = datasets[group.dataset];
  const DataSpec &dataSpec = job.datasets[group.dataset];
  size_t count = chunk.runs.size();
  std::vector<const RunSpec *> runs;
  std::vector<size_t> positions;
  for (uint32_t r : chunk.runs) {
    runs.push_back(&job.runs[r]);
    positions.push_back(board.positionOf(r));
  }
  std::vector<RunState> states(count);
  // However training ends (an error, the budget), the runs after these must
  // not wait for epochs these will never report: each leaves after the last
  // epoch it reported. Regression: a curves write that failed after an
  // epoch's metrics left the runs at that epoch, unreported, and the programs
  // after them waited for it forever. Unless the program's runs were
  // recorded, they were cut short: verdicts given without them are not
  // those of an uninterrupted sweep.
  std::vector<int64_t> reported(count, 0);
  bool recorded = false;
  struct LeaveBoard {
    PruningBoard &board;
    const std::vector<size_t> &positions;
    const std::vector<int64_t> &reported;
    const bool &recorded;
    ~LeaveBoard() {
      for (size_t r = 0; r < positions.size(); ++r)
        board.leave(positions[r], reported[r], /*cutShort=*/!recorded);
    }
  } leaveBoard{board, positions, reported, recorded};
  // The chunk is this program's name on the status line while it trains.
  size_t progressId = reinterpret_cast<uintptr_t>(&chunk);
  struct LeaveStatusLine {
    Progress &progress;
    size_t id;
    ~LeaveStatusLine() { progress.programEnded(id); }
  } leaveStatusLine{progress, progressId};

  stoppedByBudget = false;
  stoppedByOtherError = false;
  compactionSeconds = 0;
  // Waiting at the prune board for the programs before this one is no run's
  // training either. Regression: runs of a small group that waited for a
  // large one were recorded with 260 times their training time.
  double boardWaitSeconds = 0;
  // Its code may still be compiling (on the GPU, beside training), or be
  // compiled here (a resumed sweep's leftover chunk size): the runs' time
  // starts once the program exists.
  // Compiling is no run's work: the energy window closes around it, so that
  // its joules go to the work other programs did meanwhile, or to nobody
  // (unattributed), not to these runs' first steps. Regression: a resumed
  // run in a freshly compiled program was charged 0.9 J for 0.4 ms of training.
  std::string compileMeterError; // The ledger keeps it too (summary.json's meter_error).
  if (options.energy)
    options.energy->closeWindow(compileMeterError);
  std::unique_ptr<GroupProgram> program = backend.create(group, runs, error);
  if (options.energy)
    options.energy->closeWindow(compileMeterError);
  if (!program)
    return false;
  auto start = std::chrono::steady_clock::now();
  program->init();
  if (options.energy) {
    std::vector<uint64_t> ids;
    for (const RunSpec *run : runs)
      ids.push_back(run->id);
    energyAccount = options.energy->openAccount(ids);
  }
  // The program's slots hold runs slotRun[0], slotRun[1], ... (indices into
  // `runs`, increasing); compaction drops slots. alive, lr and loss are by slot.
  std::vector<size_t> slotRun(count);
  for (size_t s = 0; s < count; ++s)
    slotRun[s] = s;
  std::vector<uint8_t> alive(count, 1);
  std::vector<double> lr, loss, trainSum(count);
  std::vector<EvalSums> validation, test;
  int64_t n = data.train.count, size = group.batch;
  int64_t steps = (n + size - 1) / size;
  bool pruneHigher = pruneMetricHigherIsBetter(board.rule().metric);
  // --save-weights: the parameters of runs that left the program when it was
  // compacted, read before they went if they ranked among the best then.
  // Candidates are taken best first, and at most as many read as the keeper
  // keeps that no run read before beats: a program of thousands of runs
  // (a GPU's) copies out a handful, not all of them.
  std::vector<std::vector<float>> droppedParameters(count);
  std::vector<size_t> readRuns; // Runs whose parameters this chunk read.
  auto value = [&](size_t r) { return states[r].last[ranking.column]; };
  auto ranksBefore = [&](size_t a, size_t b) {
    if (value(a) != value(b))
      return ranking.higherIsBetter ? value(a) > value(b) : value(a) < value(b);
    return runs[a]->id < runs[b]->id;
  };
  // The runs of `rs` that can be ranked (not diverged, a finite value), best first.
  auto bestFirst = [&](std::vector<size_t> rs) {
    rs.erase(std::remove_if(rs.begin(), rs.end(),
                            [&](size_t r) {
                              return states[r].status == RunStatus::Diverged ||
                                     states[r].last.empty() || !std::isfinite(value(r));
                            }),
             rs.end());
    std::sort(rs.begin(), rs.end(), ranksBefore);
    return rs;
  };
  auto beforeDropping = [&](const std::vector<size_t> &slots, std::string &problem) {
    if (!options.weights)
      return true;
    std::vector<size_t> dropped;
    for (size_t slot : slots)
      dropped.push_back(slotRun[slot]);
    for (size_t r : bestFirst(dropped)) {
      size_t better = 0;
      for (size_t other : readRuns)
        better += ranksBefore(other, r);
      if (better >= options.weights->count() || !options.weights->wants(value(r), runs[r]->id))
        break;
      size_t slot = size_t(std::find(slotRun.begin(), slotRun.end(), r) - slotRun.begin());
      if (!readWeights(*program, group, slot, runs[r]->id, droppedParameters[r], problem))
        return false;
      readRuns.push_back(r);
    }
    return true;
  };
  auto stop = [&](size_t s, StopReason reason, int64_t epoch) {
    RunState &state = states[slotRun[s]];
    alive[s] = 0;
    state.reason = reason;
    state.status = statusOf(reason);
    state.statusEpoch = epoch;
    // Counted now, not when the program ends (with its record). Regression: a
    // sweep's hundreds of runs diverged in epoch 1 showed "0 diverged" for as
    // long as their programs trained.
    progress.runStopped(runs[slotRun[s]]->id, reason, epoch);
  };

  for (int64_t epoch = 1; epoch <= group.epochs; ++epoch) {
    double epochStart =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    size_t slots = slotRun.size();
    lr.resize(slots);
    loss.resize(slots);
    std::vector<uint8_t> aliveAtStart = alive;
    std::vector<uint32_t> order = shuffledOrder(n, dataSpec.seed, epoch);
    std::fill(trainSum.begin(), trainSum.end(), 0.0);
    BatchStream batches(data, data.train, order.data(), size, *program);
    for (int64_t s = 0; s < steps; ++s) {
      const Batch &batch = batches.take(s);
      uint64_t step = uint64_t((epoch - 1) * steps + s);
      scheduledLearningRates(
          slots, [&](size_t slot) -> const RunSpec & { return *runs[slotRun[slot]]; }, step, steps,
          group.epochs, lr.data());
      program->trainStep(batch, step, lr.data(), alive.data(), loss.data());
      if (failed(*program, group, error))
        return false;
      if (account(*program, alive) || budgetSpent) {
        stoppedByBudget = true;
        return true;
      }
      for (size_t slot = 0; slot < slots; ++slot) {
        if (!alive[slot])
          continue;
        if (!std::isfinite(loss[slot])) {
          stop(slot, StopReason::NonFinite, epoch);
          continue;
        }
        if (step == 0)
          states[slotRun[slot]].lowestLoss = loss[slot]; // The loss at initialization.
        trainSum[slotRun[slot]] += loss[slot] * double(batch.n);
      }
    }
    if (data.validation.count)
      evaluate(*program, data.validation, data, size, alive, validation);
    if (data.test.count)
      evaluate(*program, data.test, data, size, alive, test);
    if (failed(*program, group, error))
      return false;
    account(*program, alive);
    if (!data.validation.count && !data.test.count) {
      // The step losses were measured before each update: without a split to
      // evaluate, weights the last update made NaN would pass unseen.
      std::vector<EvalSums> probe;
      BatchStream first(data, data.train, nullptr, size, *program, std::min(size, n));
      probe.assign(slots, EvalSums());
      program->evaluate(first.take(0), alive.data(), probe.data());
      if (failed(*program, group, error))
        return false;
      account(*program, alive);
      for (size_t slot = 0; slot < slots; ++slot)
        if (alive[slot] && !std::isfinite(probe[slot].loss))
          stop(slot, StopReason::NonFinite, epoch);
    }

    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() -
        compactionSeconds - boardWaitSeconds;
    std::string rows;
    size_t progressed = 0;
    // Why each slot stops after this epoch (None: it goes on), and the slots
    // the prune rule judges, in training order.
    std::vector<StopReason> reasons(slots, StopReason::None);
    std::vector<size_t> judged, judgedPositions;
    std::vector<double> judgedValues, judgedBests;
    for (size_t slot = 0; slot < slots; ++slot) {
      if (!aliveAtStart[slot])
        continue;
      ++progressed;
      size_t r = slotRun[slot];
      if (!alive[slot]) {
        // Diverged during this epoch: no metrics to record, and none to judge
        // (the runs after it, this program's too, must not wait for it).
        board.leave(positions[r], epoch - 1);
        continue;
      }
      RunState &state = states[r];
      const RunSpec &run = *runs[r];
      MetricValues values(metrics.size(), NAN);
      for (size_t m = 0; m < metrics.size(); ++m) {
        const MetricColumn &column = metrics[m];
        if (column.split == MetricColumn::Split::Train) {
          values[m] = trainSum[r] / double(n);
          continue;
        }
        bool isValidation = column.split == MetricColumn::Split::Validation;
        const Split &split = isValidation ? data.validation : data.test;
        if (split.count == 0)
          continue;
        const EvalSums &sums = isValidation ? validation[slot] : test[slot];
        double samples = double(split.count);
        switch (column.measure) {
        case MetricColumn::Measure::Loss:
          values[m] = sums.loss / samples;
          break;
        case MetricColumn::Measure::Accuracy:
          values[m] = sums.correct / samples;
          break;
        case MetricColumn::Measure::Mse:
          values[m] = sums.squaredError / samples;
          break;
        }
      }
      bool finite = true;
      for (double v : values)
        finite &= std::isnan(v) || std::isfinite(v);
      if (data.validation.count)
        finite &= std::isfinite(validation[slot].loss);
      if (data.test.count)
        finite &= std::isfinite(test[slot].loss);
      if (!finite) {
        stop(slot, StopReason::NonFinite, epoch);
        board.leave(positions[r], epoch - 1);
        continue;
      }
      state.last = values;
      state.epochsDone = epoch;
      rows += store.curveRow(run.id, epoch, values, seconds);
      double trainLoss = trainSum[r] / double(n);
      if (run.divergenceFactor > 0 && trainLoss > run.divergenceFactor * state.lowestLoss)
        reasons[slot] = StopReason::LossGrowth;
      state.lowestLoss = std::min(state.lowestLoss, trainLoss);
      double validationSamples = double(data.validation.count);
      // Patience running out at the last epoch stops nothing: the run trained
      // every epoch, and is `ok`, as the prune rules leave it. Regression: it
      // was marked stopped (patience) at its last epoch.
      if (data.validation.count &&
          earlyStop(run, state, validation[slot].loss / validationSamples,
                    validation[slot].correct / validationSamples) &&
          reasons[slot] == StopReason::None && epoch < group.epochs)
        reasons[slot] = StopReason::Patience;
      if (board.looksAt(epoch)) {
        double value = trainLoss;
        if (board.rule().metric == PruneMetric::ValLoss)
          value = validation[slot].loss / validationSamples;
        else if (board.rule().metric == PruneMetric::ValAccuracy)
          value = validation[slot].correct / validationSamples;
        if (std::isnan(state.pruneBest) ||
            (pruneHigher ? value > state.pruneBest : value < state.pruneBest))
          state.pruneBest = value;
        judged.push_back(slot);
        judgedPositions.push_back(positions[r]);
        judgedValues.push_back(value);
        judgedBests.push_back(state.pruneBest);
      }
    }
    if (!rows.empty() && !store.appendCurves(rows, error))
      return false;
    // The program's live runs are judged together, after the runs before them.
    auto waitStart = std::chrono::steady_clock::now();
    bool complete = true;
    std::vector<bool> verdicts =
        board.judge(epoch, judgedPositions, judgedValues, judgedBests, &complete);
    boardWaitSeconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - waitStart).count();
    for (size_t slot = 0; slot < slots; ++slot)
      if (aliveAtStart[slot])
        reported[slotRun[slot]] = epoch;
    if (!complete) {
      // A run before these was cut short (the energy budget, or an error that
      // stops the sweep): these verdicts are not an uninterrupted sweep's, so
      // nothing of this program is recorded; --resume trains it again.
      // Regression: runs judged without the runs the budget cut were recorded
      // as stopped, and a resume kept those verdicts.
      stoppedByBudget = true;
      return true;
    }
    StopReason pruned =
        board.rule().kind == PruneKind::Asha ? StopReason::Asha : StopReason::Median;
    for (size_t i = 0; i < judged.size(); ++i)
      if (!verdicts[i] && reasons[judged[i]] == StopReason::None)
        reasons[judged[i]] = pruned;
    for (size_t slot = 0; slot < slots; ++slot)
      if (reasons[slot] != StopReason::None) {
        stop(slot, reasons[slot], epoch);
        board.leave(positions[slotRun[slot]], epoch);
      }
    progress.advance(double(progressed), progressId, epoch, group.epochs);
    bool any = false;
    for (uint8_t a : alive)
      any |= a != 0;
    if (!any)
      break;
    if (options.compaction && epoch < group.epochs) {
      double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!compact(*program, group, slotRun, alive, now - epochStart, group.epochs - epoch,
                   chunk.laterChunks, beforeDropping, error))
        return false;
    }
  }

  // Nothing is recorded from a device that failed since the last check,
  // this program's or another's.
  if (failed(*program, group, error))
    return false;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() -
                   compactionSeconds - boardWaitSeconds;
  // Close the energy window so that these runs' joules are complete.
  // A failed reading leaves these runs' joules incomplete: they are written
  // as unmetered rather than as a measurement that is too low.
  std::string meterError;
  bool metered = options.energy && options.energy->closeWindow(meterError);
  std::vector<RunRecord> records(count);
  for (size_t r = 0; r < count; ++r) {
    RunRecord &record = records[r];
    record.id = runs[r]->id;
    record.configHash = runs[r]->configHash;
    record.group = chunk.group;
    record.columnValues = runs[r]->columnValues;
    record.status = states[r].status;
    record.statusEpoch = states[r].statusEpoch;
    record.stopReason = states[r].reason;
    record.epochs = states[r].epochsDone;
    record.metrics = states[r].last.empty() ? MetricValues(metrics.size(), NAN) : states[r].last;
    record.device = options.device;
    record.seconds = seconds / double(count);
    if (metered) {
      record.joules = options.energy->runJoules(runs[r]->id);
      record.joulesSource = options.energy->meter().source();
    }
  }
  if (options.energy && !metered) {
    std::vector<uint64_t> ids;
    for (const RunSpec *run : runs)
      ids.push_back(run->id);
    options.energy->abandonRuns(ids);
  }
  // The weights before the rows (a run interrupted in between is trained again
  // by --resume, which writes the same file), best first, so that the keeper
  // turns the rest down before their parameters are read.
  if (options.weights) {
    std::vector<size_t> all(count);
    for (size_t r = 0; r < count; ++r)
      all[r] = r;
    for (size_t r : bestFirst(all)) {
      if (!options.weights->wants(value(r), runs[r]->id))
        break;
      // A run dropped unread had as many read runs before it as the keeper
      // keeps; offered first, they leave it unwanted before this point.
      bool inProgram = std::find(slotRun.begin(), slotRun.end(), r) != slotRun.end();
      if (droppedParameters[r].empty() && !inProgram)
        continue;
      if (!saveWeights(*program, group, slotRun, r, records[r], droppedParameters[r], error))
        return false;
    }
  }
  // One write for the program's rows. Regression: a kill between two of them
  // left part of a program finished, and the resume cut the rest into other
  // programs, where pruning judged them otherwise.
  if (!store.appendRuns(records, error))
    return false;
  recorded = true;
  for (size_t r = 0; r < count; ++r) {
    RunRecord &record = records[r];
    // Epochs a run skipped (stopped or diverged early) count as done work.
    int64_t reached = record.status == RunStatus::Ok ? group.epochs : record.statusEpoch;
    progress.runFinished(record, record.metrics[ranking.column], double(group.epochs - reached));
    finished.push_back(std::move(record));
  }
  return true;
}

/// Posts the runs an earlier invocation finished to the prune board, from
/// their curves, so that the runs after them are judged as they would have
/// been in one uninterrupted invocation.
static void replayFinishedRuns(const SweepJob &job, const ResultsStore &store,
                               const std::vector<MetricColumn> &metrics, PruningBoard &board) {
  const char *name = pruneMetricName(board.rule().metric);
  size_t column = metrics.size();
  for (size_t m = 0; m < metrics.size(); ++m)
    if (metrics[m].name == name)
      column = m;
  std::map<uint64_t, uint32_t> indexOfId;
  for (uint32_t r = 0; r < job.runs.size(); ++r)
    indexOfId[job.runs[r].id] = r;
  std::map<uint64_t, std::map<int64_t, double>> curves; // By run, then epoch.
  if (column < metrics.size())
    for (size_t row = 0, rows = store.recoveredCurves().size(); row < rows; ++row) {
      const ResultsStore::RecoveredCurves &points = store.recoveredCurves();
      curves[points.runs[row]][points.epochs[row]] = points.metric(row, column);
    }
  for (const RunRecord &record : store.recoveredRuns()) {
    auto index = indexOfId.find(record.id);
    if (index == indexOfId.end())
      continue;
    size_t pos = board.positionOf(index->second);
    int64_t last = 0;
    for (const auto &[epoch, value] : curves[record.id]) {
      if (epoch != last + 1 || !std::isfinite(value))
        break; // A damaged curve: the run counts only as far as it is whole.
      last = epoch;
      if (!board.looksAt(epoch))
        continue;
      board.replay(pos, epoch, value);
    }
    board.leave(pos, last);
  }
}

/// trainSweep's programs: each group's unfinished runs in training order, cut
/// into chunks of the backend's runsPerProgram.
static std::vector<Chunk> cutChunks(const SweepJob &job, const Backend &backend,
                                    const ResultsStore &store) {
  std::vector<Chunk> chunks;
  for (uint32_t g = 0; g < job.groups.size(); ++g) {
    const GroupSpec &group = job.groups[g];
    size_t perProgram = std::max<size_t>(1, backend.runsPerProgram(job, group));
    Chunk chunk{g, {}};
    for (uint32_t r : trainingOrder(job, group)) {
      if (store.isFinished(job.runs[r].id))
        continue;
      chunk.runs.push_back(r);
      if (chunk.runs.size() == perProgram) {
        chunks.push_back(chunk);
        chunk.runs.clear();
      }
    }
    if (!chunk.runs.empty())
      chunks.push_back(chunk);
  }
  for (size_t c = chunks.size(); c-- > 0;)
    if (c + 1 < chunks.size() && chunks[c + 1].group == chunks[c].group)
      chunks[c].laterChunks = chunks[c + 1].laterChunks + 1;

  return chunks;
}

void sweep::shardWork(const SweepJob &job, const Backend &backend, const ResultsStore &store,
                      unsigned shard, unsigned shards, size_t &runs, double &work,
                      size_t &programs) {
  runs = 0;
  work = 0;
  programs = 0;
  std::vector<Chunk> chunks = cutChunks(job, backend, store);
  for (size_t c = shard; c < chunks.size(); c += shards) {
    ++programs;
    runs += chunks[c].runs.size();
    work += double(chunks[c].runs.size() * size_t(job.groups[chunks[c].group].epochs));
  }
}

bool sweep::trainSweep(const SweepJob &job, const std::vector<Dataset> &datasets, Backend &backend,
                       ResultsStore &store, const std::vector<MetricColumn> &metrics,
                       const Ranking &ranking, Progress &progress, const TrainerOptions &options,
                       std::vector<RunRecord> &records, std::string &error,
                       TrainerOutcome *outcome) {
  std::vector<Chunk> chunks = cutChunks(job, backend, store);

  PruningBoard board(job);
  if (board.active())
    replayFinishedRuns(job, store, metrics, board);
  // Another rank's programs: nothing here waits for their runs.
  if (options.shards > 1) {
    std::vector<Chunk> mine;
    for (size_t c = 0; c < chunks.size(); ++c) {
      if (c % options.shards == options.shard)
        mine.push_back(std::move(chunks[c]));
      else
        for (uint32_t r : chunks[c].runs)
          board.leave(board.positionOf(r), 0);
    }
    chunks = std::move(mine);
  }

  std::atomic<size_t> next{0}, unfinished{0};
  std::atomic<bool> failed{false}, budgetSpent{false}, deviceFailed{false};
  std::mutex mutex;
  std::string firstError;
  bool firstErrorSecondhand = false; // Another program's device error stopped it.
  auto worker = [&]() {
    ChunkTrainer trainer(job, datasets, backend, store, metrics, ranking, progress, options, board,
                         budgetSpent, deviceFailed);
    std::vector<RunRecord> mine;
    for (size_t c; !failed && (c = next++) < chunks.size();) {
      if (budgetSpent) {
        unfinished += chunks[c].runs.size();
        for (uint32_t r : chunks[c].runs)
          board.leave(board.positionOf(r), 0);
        continue;
      }
      std::string problem;
      if (!trainer.train(chunks[c], mine, problem)) {
        std::lock_guard<std::mutex> lock(mutex);
        // The program that found a device's error says so, not one stopped by it.
        if (!failed.exchange(true) || firstErrorSecondhand) {
          firstError = problem;
          firstErrorSecondhand = trainer.stoppedByOthers();
        }
      } else if (trainer.cutOff()) {
        unfinished += chunks[c].runs.size();
      }
    }
    std::lock_guard<std::mutex> lock(mutex);
    for (RunRecord &record : mine)
      records.push_back(std::move(record));
  };
  unsigned threads = std::max(1u, std::min<unsigned>(options.threads, unsigned(chunks.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(worker);
  worker();
  for (std::thread &thread : pool)
    thread.join();
  if (outcome) {
    outcome->budgetSpent = budgetSpent;
    outcome->unfinishedRuns = unfinished;
  }
  if (failed)
    error = firstError;
  return !failed;
}
