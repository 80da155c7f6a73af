//===- CompactionTest.cpp - pruned runs leave their compiled programs -----===//
//
// A sweep whose prune rule stops most runs trains with the compiled CPU
// backend twice: once gathering the live runs into smaller programs as runs
// stop (compaction), once keeping every run in its program, masked. Every
// run must end with the same status, reason, epochs, metrics and curves, bit
// for bit, while the compacted sweep does less work.
//
//===----------------------------------------------------------------------===//

#include "../runtime/JobFixture.h"
#include "../runtime/TrainFixture.h"
#include "codegen/cpu/CpuBackend.h"
#include "runtime/exec/Trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

using namespace sweep;
using namespace sweep::testing;

namespace {
/// Forwards to a program, counting its gathers and the FLOPs it reports.
class CountingProgram : public GroupProgram {
public:
  CountingProgram(std::unique_ptr<GroupProgram> inner, std::atomic<size_t> &gathers,
                  std::atomic<double> &flops, double gatherSeconds)
      : inner(std::move(inner)), gathers(gathers), flops(flops), gatherSeconds(gatherSeconds) {}
  void init() override { inner->init(); }
  void trainStep(const Batch &batch, uint64_t step, const double *lr, const uint8_t *alive,
                 double *loss) override {
    inner->trainStep(batch, step, lr, alive, loss);
  }
  void evaluate(const Batch &batch, const uint8_t *alive, EvalSums *sums) override {
    inner->evaluate(batch, alive, sums);
  }
  bool gather(const std::vector<size_t> &keep, std::string &error) override {
    ++gathers;
    // A compile of the smaller program that takes this long.
    std::this_thread::sleep_for(std::chrono::duration<double>(gatherSeconds));
    return inner->gather(keep, error);
  }
  size_t runCount() const override { return inner->runCount(); }
  void takeWork(PhaseWork &work) override {
    PhaseWork mine;
    inner->takeWork(mine);
    double now = flops.load();
    while (!flops.compare_exchange_weak(now, now + mine.total().flops)) {
    }
    for (const auto &[phase, cost] : mine.phases)
      work.add(phase, cost);
  }

private:
  std::unique_ptr<GroupProgram> inner;
  std::atomic<size_t> &gathers;
  std::atomic<double> &flops;
  double gatherSeconds;
};

/// The CPU backend with a group in one program and compaction that is always
/// worth it (compiling is free here), so that the test does not depend on
/// how fast this machine compiles.
class EagerBackend : public Backend {
public:
  std::string name() const override { return "cpu"; }
  size_t chooseRunsPerProgram(const SweepJob &, const GroupSpec &group) const override {
    return group.runs.size();
  }
  std::unique_ptr<GroupProgram> create(const GroupSpec &group, std::vector<const RunSpec *> runs,
                                       std::string &error) override {
    std::unique_ptr<GroupProgram> program = cpu->create(group, std::move(runs), error);
    if (!program)
      return nullptr;
    return std::make_unique<CountingProgram>(std::move(program), gathers, flops, gatherSeconds);
  }
  std::vector<CompactionSizeOffer> compactionSizes(const GroupSpec &group,
                                                   size_t alive) const override {
    std::vector<CompactionSizeOffer> offers = cpu->compactionSizes(group, alive);
    if (powersOfTwoOnly)
      offers.erase(offers.begin(), offers.end() - 1);
    return offers;
  }
  /// Only the power of two: compacted programs carry stopped runs as padding.
  bool powersOfTwoOnly = false;
  double gatherSeconds = 0;
  std::unique_ptr<Backend> cpu = createCpuBackend();
  std::atomic<size_t> gathers{0};
  std::atomic<double> flops{0};
};

struct Result {
  std::vector<RunRecord> records;
  std::string curves;
  size_t gathers = 0;
  double flops = 0;
  double unattributedJoules = 0;
};

Result trainPruned(const SweepJob &job, bool compaction, const std::string &dir,
                   bool powersOfTwoOnly = false, double gatherSeconds = 0) {
  EagerBackend backend;
  backend.powersOfTwoOnly = powersOfTwoOnly;
  backend.gatherSeconds = gatherSeconds;
  // Programs report their work to an energy ledger only.
  EnergyLedger ledger(openModelMeter(EnergyModel::cpu(), "a test"), 0.2);
  TrainerOptions options;
  options.compaction = compaction;
  options.energy = &ledger;
  TrainedSweep trained = trainJob(job, backend, options, dir);
  return {trained.records, trained.curves, backend.gathers, backend.flops,
          double(ledger.unattributedMicrojoules()) * 1e-6};
}
/// Every record (status, stop, epochs, metrics) and curve row the same.
void expectSameRuns(const Result &a, const Result &b) {
  ASSERT_EQ(a.records.size(), b.records.size());
  for (size_t r = 0; r < a.records.size(); ++r) {
    const RunRecord &x = a.records[r], &y = b.records[r];
    EXPECT_EQ(x.status, y.status) << "run " << r;
    EXPECT_EQ(x.stopReason, y.stopReason) << "run " << r;
    EXPECT_EQ(x.statusEpoch, y.statusEpoch) << "run " << r;
    EXPECT_EQ(x.epochs, y.epochs) << "run " << r;
    EXPECT_EQ(x.metrics, y.metrics) << "run " << r;
  }
  EXPECT_EQ(a.curves, b.curves);
}
} // namespace

TEST(Compaction, KeepsTheRightRunsWithTheirWeightsAndSavesWork) {
  std::vector<double> rates;
  for (int i = 0; i < 24; ++i)
    rates.push_back(1e-3 * std::pow(1.4, i));
  SweepJob job = blobsJob(rates, 9);
  job.prune.kind = PruneKind::Asha; // Rungs at epochs 1 and 3: 24 -> 8 -> 2 runs.
  job.prune.reduction = 3;
  job.runs[5].divergenceFactor = 1.0001; // A loss that does not fall stops it early too.

  Result masked = trainPruned(job, false, freshDirectory("masked"));
  Result compacted = trainPruned(job, true, freshDirectory("compacted"));
  ASSERT_EQ(masked.records.size(), rates.size());
  ASSERT_EQ(compacted.records.size(), rates.size());
  EXPECT_EQ(masked.gathers, 0u);
  EXPECT_EQ(compacted.gathers, 2u); // 24 runs -> 8 -> 2.

  expectSameRuns(masked, compacted);
  size_t ok = 0, pruned = 0;
  for (const RunRecord &record : compacted.records) {
    ok += record.status == RunStatus::Ok;
    pruned += record.stopReason == StopReason::Asha;
  }
  EXPECT_EQ(ok, 2u);
  EXPECT_GE(pruned, 20u);
  // Masked runs still cost their share of every product; compacted ones do not.
  EXPECT_LT(compacted.flops, 0.5 * masked.flops);
}

// Halving 24 runs (asha with reduction 2: 12, 6 and 3 live after the first
// rungs) into powers of two only: compacted programs carry stopped runs as
// padding (16 for 12, 8 for 6, 4 for 3), which must train as masked runs do
// and leave every record and curve as without compaction.
TEST(Compaction, PaddedWithStoppedRunsKeepsTheRightRuns) {
  std::vector<double> rates;
  for (int i = 0; i < 24; ++i)
    rates.push_back(1e-3 * std::pow(1.4, i));
  SweepJob job = blobsJob(rates, 9);
  job.prune.kind = PruneKind::Asha; // Rungs at epochs 1, 2, 4 and 8.
  job.prune.reduction = 2;

  Result masked = trainPruned(job, false, freshDirectory("masked-padded"));
  Result padded = trainPruned(job, true, freshDirectory("padded"), /*powersOfTwoOnly=*/true);
  Result exact = trainPruned(job, true, freshDirectory("exact"));
  ASSERT_EQ(padded.records.size(), rates.size());
  EXPECT_GE(padded.gathers, 3u); // 24 -> 16 -> 8 -> 4, then maybe less after the last rung.
  expectSameRuns(masked, padded);
  expectSameRuns(masked, exact);
  // Padding costs what live runs cost: the exact sizes do less work.
  EXPECT_LT(padded.flops, masked.flops);
  EXPECT_LT(exact.flops, padded.flops);
}

// Compiling the smaller program is no run's work: not in the runs' seconds,
// and its joules (here the model's idle power over it) go to nobody.
// Regression: they went to the runs, and a 2 J budget ended at 79 J.
TEST(Compaction, CompilingTheSmallerProgramIsNoRunsTimeOrEnergy) {
  std::vector<double> rates;
  for (int i = 0; i < 24; ++i)
    rates.push_back(1e-3 * std::pow(1.4, i));
  SweepJob job = blobsJob(rates, 9);
  job.prune.kind = PruneKind::Asha;
  job.prune.reduction = 3;
  double compile = 0.4;
  Result compacted = trainPruned(job, true, freshDirectory("slow-gather"), false, compile);
  ASSERT_EQ(compacted.gathers, 2u);
  double seconds = 0;
  for (const RunRecord &record : compacted.records)
    seconds += record.seconds;
  // One program: its runs' seconds add up to its training time.
  EXPECT_LT(seconds, 2 * compile) << "the compiles' time went to the runs";
  double idle = EnergyModel::cpu().idleWatts;
  EXPECT_GE(compacted.unattributedJoules, 0.9 * idle * 2 * compile)
      << "the compiles' joules went to the runs";
}
