//===- EnergyLedgerTest.cpp - joules split over phases and runs -----------===//
//
// Attribution with a scripted meter: the window's joules go to phases by
// static cost and to the alive runs by their share of the work, in whole
// microjoules that add up exactly to the metered total; masked and compacted
// runs stop costing; windows without work stay unattributed.
//
//===----------------------------------------------------------------------===//

#include "runtime/energy/EnergyLedger.h"

#include <gtest/gtest.h>

#include <limits>
#include <numeric>
#include <random>
#include <thread>

using namespace sweep;

namespace {
/// A meter whose cumulative reading the test sets.
class ScriptedMeter : public EnergyMeter {
public:
  explicit ScriptedMeter(double *joules) : joules(joules) {}
  std::string source() const override { return "measured:test"; }
  std::string describe() const override { return "scripted"; }
  bool read(const WorkCost &, double, double &out, std::string &error) override {
    if (*joules < 0) {
      error = "meter unplugged";
      return false;
    }
    out = *joules;
    return true;
  }

private:
  double *joules;
};

/// Weights 1 J per FLOP, 0 per byte: FLOPs are the weights.
EnergyModel flopWeights() {
  EnergyModel model;
  model.joulesPerFlop = 1;
  return model;
}

PhaseWork work(double forward, double backward = 0, double update = 0) {
  PhaseWork w;
  if (forward)
    w.add("forward", {forward, 0});
  if (backward)
    w.add("backward", {backward, 0});
  if (update)
    w.add("update", {update, 0});
  return w;
}

int64_t sumOfRuns(const EnergyLedger &ledger, const std::vector<uint64_t> &ids) {
  int64_t sum = 0;
  for (uint64_t id : ids)
    sum += ledger.runMicrojoules(id);
  return sum;
}
} // namespace

TEST(EnergySplit, PartsAddUpExactlyAndFollowTheWeights) {
  std::mt19937 gen(5);
  std::uniform_real_distribution<double> weight(0.0, 10.0);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> weights(size_t(1 + trial % 37));
    for (double &w : weights)
      w = trial % 3 ? weight(gen) : std::ldexp(weight(gen), -60); // tiny weights too
    int64_t total = int64_t(gen()) * 1000 + trial;
    std::vector<int64_t> parts = splitByWeight(total, weights);
    EXPECT_EQ(std::accumulate(parts.begin(), parts.end(), int64_t(0)), total);
    double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
    for (size_t i = 0; i < parts.size(); ++i) {
      EXPECT_GE(parts[i], 0);
      EXPECT_NEAR(double(parts[i]), double(total) * weights[i] / sum, 1.0 + 1e-9 * double(total));
    }
  }
  // Non-finite, huge and tiny weights: still exact sums, and quickly.
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double big = std::numeric_limits<double>::max();
  for (const std::vector<double> &weights :
       {std::vector<double>{inf, 1.0}, std::vector<double>{big, big, 1.0},
        std::vector<double>{nan, 2.0, -3.0}, std::vector<double>{5e-324, 1e-300}}) {
    for (int64_t total : {int64_t(1), int64_t(1000000000000000), int64_t(1) << 53}) {
      std::vector<int64_t> parts = splitByWeight(total, weights);
      EXPECT_EQ(std::accumulate(parts.begin(), parts.end(), int64_t(0)), total);
      for (int64_t part : parts)
        EXPECT_GE(part, 0);
    }
  }
  EXPECT_EQ(splitByWeight(9, {big, big, 0}), (std::vector<int64_t>{5, 4, 0}));
  // Equal weights: remainders go one unit each, to the first ones.
  EXPECT_EQ(splitByWeight(10, {1, 1, 1}), (std::vector<int64_t>{4, 3, 3}));
  EXPECT_EQ(splitByWeight(7, {0, 0}), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(splitByWeight(5, {0, 2}), (std::vector<int64_t>{0, 5}));
}

TEST(EnergyLedger, SplitsWindowsOverPhasesAndAliveRuns) {
  double metered = 0;
  EnergyLedger ledger(std::make_unique<ScriptedMeter>(&metered), 1e9, flopWeights());
  size_t a = ledger.openAccount({10, 11, 12});
  size_t b = ledger.openAccount({20});
  const uint8_t all[] = {1, 1, 1}, middleDead[] = {1, 0, 1}, one[] = {1};
  // Window 1: account a does 3 units of forward and 3 of backward for three
  // runs, b does 6 of update alone: 12 units, 12 J.
  ledger.addWork(a, work(3, 3), all);
  ledger.addWork(b, work(0, 0, 6), one);
  metered = 12;
  std::string error;
  ASSERT_TRUE(ledger.closeWindow(error)) << error;
  EXPECT_EQ(ledger.runMicrojoules(10), 2000000);
  EXPECT_EQ(ledger.runMicrojoules(11), 2000000);
  EXPECT_EQ(ledger.runMicrojoules(12), 2000000);
  EXPECT_EQ(ledger.runMicrojoules(20), 6000000);
  auto phases = ledger.phaseMicrojoules();
  EXPECT_EQ(phases["forward"], 3000000);
  EXPECT_EQ(phases["backward"], 3000000);
  EXPECT_EQ(phases["update"], 6000000);
  // Window 2: run 11 diverged: a's work is shared by runs 10 and 12 only.
  ledger.addWork(a, work(4), middleDead);
  metered = 12 + 1.000001; // Not divisible evenly: the sum still matches.
  ASSERT_TRUE(ledger.closeWindow(error)) << error;
  EXPECT_EQ(ledger.runMicrojoules(11), 2000000);
  EXPECT_EQ(ledger.runMicrojoules(10) + ledger.runMicrojoules(12), 4000000 + 1000001);
  EXPECT_LE(std::abs(ledger.runMicrojoules(10) - ledger.runMicrojoules(12)), 1);
  EXPECT_EQ(sumOfRuns(ledger, {10, 11, 12, 20}) + ledger.unattributedMicrojoules(),
            ledger.totalMicrojoules());
  EXPECT_EQ(ledger.totalMicrojoules(), 13000001);
  int64_t phaseSum = 0;
  for (const auto &entry : ledger.phaseMicrojoules())
    phaseSum += entry.second;
  EXPECT_EQ(phaseSum, ledger.totalMicrojoules() - ledger.unattributedMicrojoules());
}

TEST(EnergyLedger, IdleWindowsStayUnattributed) {
  double metered = 5;
  EnergyLedger ledger(std::make_unique<ScriptedMeter>(&metered), 1e9, flopWeights());
  std::string error;
  ASSERT_TRUE(ledger.closeWindow(error)); // Opened at 0 implicitly: 5 J with no work.
  EXPECT_EQ(ledger.unattributedMicrojoules(), 5000000);
  size_t a = ledger.openAccount({1});
  const uint8_t alive[] = {1};
  ledger.addWork(a, work(1), alive);
  metered = 8;
  ASSERT_TRUE(ledger.closeWindow(error));
  EXPECT_EQ(ledger.runMicrojoules(1), 3000000);
  EXPECT_EQ(ledger.totalMicrojoules(), 8000000);
}

TEST(EnergyLedger, CompactionKeepsEarlierWorkWithItsRuns) {
  double metered = 0;
  EnergyLedger ledger(std::make_unique<ScriptedMeter>(&metered), 1e9, flopWeights());
  size_t a = ledger.openAccount({1, 2, 3, 4});
  const uint8_t all4[] = {1, 1, 1, 1}, all2[] = {1, 1};
  ledger.addWork(a, work(4), all4); // 1 unit each, reported before the gather
  ledger.compactAccount(a, {1, 3}); // runs 2 and 4 stay
  ledger.addWork(a, work(4), all2); // 2 units each for runs 2 and 4
  metered = 8;
  std::string error;
  ASSERT_TRUE(ledger.closeWindow(error));
  EXPECT_EQ(ledger.runMicrojoules(1), 1000000);
  EXPECT_EQ(ledger.runMicrojoules(3), 1000000);
  EXPECT_EQ(ledger.runMicrojoules(2), 3000000);
  EXPECT_EQ(ledger.runMicrojoules(4), 3000000);
}

TEST(EnergyLedger, AMeterFailureKeepsTheWindowOpenAndIsReported) {
  double metered = 0;
  EnergyLedger ledger(std::make_unique<ScriptedMeter>(&metered), 1e9, flopWeights());
  size_t a = ledger.openAccount({7});
  const uint8_t alive[] = {1};
  ledger.addWork(a, work(1), alive);
  metered = -1;
  std::string error;
  EXPECT_FALSE(ledger.closeWindow(error));
  EXPECT_EQ(error, "meter unplugged");
  EXPECT_TRUE(ledger.lastReadFailed());
  metered = 2;
  EXPECT_TRUE(ledger.closeWindow(error));
  EXPECT_FALSE(ledger.lastReadFailed());
  EXPECT_EQ(ledger.runMicrojoules(7), 2000000); // The work waited for a reading.
  EXPECT_EQ(ledger.error(), "meter unplugged");
}

// Regression: runs written without joules (the reading at their program's
// end failed) were given the next reading's share anyway, in no runs.csv
// row, so total_joules exceeded the runs' and the unattributed together.
TEST(EnergyLedger, AbandonedRunsShareIsNobodys) {
  double metered = 0;
  EnergyLedger ledger(std::make_unique<ScriptedMeter>(&metered), 1e9, flopWeights());
  size_t a = ledger.openAccount({1, 2});
  const uint8_t alive[] = {1, 1};
  ledger.addWork(a, work(2), alive);
  metered = -1;
  std::string error;
  EXPECT_FALSE(ledger.closeWindow(error));
  ledger.abandonRuns({1});
  metered = 4;
  ASSERT_TRUE(ledger.closeWindow(error));
  EXPECT_EQ(ledger.runMicrojoules(1), 0);
  EXPECT_EQ(ledger.runMicrojoules(2), 2000000);
  EXPECT_EQ(ledger.unattributedMicrojoules(), 2000000);
  EXPECT_EQ(ledger.totalMicrojoules(), 4000000);
}

// Regression: joules were micro * 1e-6, which runs.csv showed as
// 0.0012209999999999999 and 4.9999999999999996e-05.
TEST(EnergyLedger, JoulesAreTheMicrojoulesDecimals) {
  EXPECT_EQ(joulesFromMicro(1221), 0.001221);
  EXPECT_EQ(joulesFromMicro(50), 0.00005);
  EXPECT_EQ(joulesFromMicro(123456789), 123.456789);
  double metered = 0;
  EnergyLedger ledger(std::make_unique<ScriptedMeter>(&metered), 1e9, flopWeights());
  size_t a = ledger.openAccount({1});
  const uint8_t alive[] = {1};
  ledger.addWork(a, work(1), alive);
  metered = 0.001221;
  std::string error;
  ASSERT_TRUE(ledger.closeWindow(error));
  EXPECT_EQ(ledger.runJoules(1), 0.001221);
  EXPECT_EQ(ledger.totalJoules(), 0.001221);
}

// Regression: the joules earlier windows had given an abandoned run stayed
// in the attributed total, in no runs.csv row and not unattributed: the
// runs' and the unattributed joules fell short of total_joules.
TEST(EnergyLedger, AbandonedRunsEarlierJoulesBecomeUnattributed) {
  double metered = 0;
  EnergyLedger ledger(std::make_unique<ScriptedMeter>(&metered), 1e9, flopWeights());
  size_t a = ledger.openAccount({1, 2});
  const uint8_t alive[] = {1, 1};
  ledger.addWork(a, work(2), alive);
  metered = 4;
  std::string error;
  ASSERT_TRUE(ledger.closeWindow(error));
  ASSERT_EQ(ledger.runMicrojoules(1), 2000000);
  ledger.addWork(a, work(2), alive);
  metered = -1;
  EXPECT_FALSE(ledger.closeWindow(error));
  ledger.abandonRuns({1});
  EXPECT_EQ(ledger.runMicrojoules(1), 0);
  EXPECT_EQ(ledger.unattributedMicrojoules(), 2000000);
  EXPECT_EQ(ledger.runMicrojoules(2) + ledger.unattributedMicrojoules(),
            ledger.totalMicrojoules());
  metered = 8;
  ASSERT_TRUE(ledger.closeWindow(error));
  EXPECT_EQ(ledger.runMicrojoules(1), 0);
  EXPECT_EQ(ledger.runMicrojoules(2), 4000000);
  EXPECT_EQ(ledger.unattributedMicrojoules(), 4000000);
  EXPECT_EQ(ledger.totalMicrojoules(), 8000000);
}

// Regression: failed readings moved the covered time on, so after the meter
// became unreadable the idle baseline (watts x seconds) counted the whole
// sweep while the joules stopped at the last reading.
TEST(EnergyLedger, SecondsEndAtTheLastReadingThatSucceeded) {
  double metered = 0;
  EnergyLedger ledger(std::make_unique<ScriptedMeter>(&metered), 1e9, flopWeights());
  std::string error;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  metered = 1;
  ASSERT_TRUE(ledger.closeWindow(error));
  double covered = ledger.seconds();
  EXPECT_GE(covered, 0.02);
  metered = -1;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(ledger.closeWindow(error));
  EXPECT_EQ(ledger.seconds(), covered);
  metered = 2; // A later reading covers the gap again.
  ASSERT_TRUE(ledger.closeWindow(error));
  EXPECT_GE(ledger.seconds(), covered + 0.05);
}

TEST(EnergyLedger, TheModelMeterEstimatesFromTheReportedWork) {
  EnergyModel model;
  model.joulesPerFlop = 1e-9;
  model.joulesPerByte = 1e-10;
  model.idleWatts = 0;
  EnergyLedger ledger(openModelMeter(model, "test"), 1e9, model);
  size_t a = ledger.openAccount({1, 2});
  const uint8_t alive[] = {1, 1};
  PhaseWork w;
  w.add("forward", {2e9, 1e9}); // 2 J + 0.1 J
  ledger.addWork(a, w, alive);
  std::string error;
  ASSERT_TRUE(ledger.closeWindow(error));
  EXPECT_EQ(ledger.totalMicrojoules(), 2100000);
  EXPECT_EQ(ledger.runMicrojoules(1), 1050000);
  EXPECT_TRUE(ledger.meter().isEstimate());
}

// A budget is checked at every step against the joules spent so far, the
// open window's included. Regression: it read closed windows only, so a sweep
// shorter than one window (200 ms) never stopped and 2 MPI ranks spent 0.8 J
// of a 0.5 J budget.
TEST(EnergyLedger, SpentJoulesIncludeTheOpenWindow) {
  EnergyModel model;
  model.joulesPerFlop = 1e-9;
  model.idleWatts = 0;
  EnergyLedger ledger(openModelMeter(model, "test"), 1e9, model);
  size_t a = ledger.openAccount({1});
  const uint8_t alive[] = {1};
  PhaseWork w;
  w.add("forward", {2e9, 0}); // 2 J
  ledger.addWork(a, w, alive);
  EXPECT_EQ(ledger.totalJoules(), 0); // No window closed yet.
  EXPECT_DOUBLE_EQ(ledger.spentJoules(), 2.0);
  std::string error;
  ASSERT_TRUE(ledger.closeWindow(error));
  ledger.addWork(a, w, alive);
  EXPECT_DOUBLE_EQ(ledger.spentJoules(), 4.0);
}

TEST(EnergyLedger, AMeasuringMeterProjectsTheOpenWindowAtItsPowerSoFar) {
  double metered = 0;
  EnergyLedger ledger(std::make_unique<ScriptedMeter>(&metered), 1e9, flopWeights());
  size_t a = ledger.openAccount({1});
  const uint8_t alive[] = {1};
  // Before the first reading the window's work is weighed by the model.
  ledger.addWork(a, work(5), alive);
  EXPECT_DOUBLE_EQ(ledger.spentJoules(), 5.0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  metered = 1;
  std::string error;
  ASSERT_TRUE(ledger.closeWindow(error));
  double watts = 1.0 / ledger.seconds();
  EXPECT_GE(ledger.spentJoules(), 1.0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  double spent = ledger.spentJoules();
  EXPECT_GE(spent, 1.0 + watts * 0.02);
  EXPECT_EQ(ledger.totalJoules(), 1.0); // Readings alone move the total.
}

TEST(ProbeCounters, CountsTimesCostsByPhase) {
  ProbeCounters counters({{"train_step", "forward", {10, 100}},
                          {"train_step", "backward", {20, 200}},
                          {"evaluate", "eval", {5, 50}}});
  EXPECT_EQ(counters.indexOf("evaluate", "eval"), 2);
  EXPECT_EQ(counters.indexOf("evaluate", "forward"), -1);
  {
    ActiveProbes active(counters);
    sweep_energy_probe(0);
    sweep_energy_probe(1);
    sweep_energy_probe(0);
    sweep_energy_probe(99); // Out of range: ignored.
  }
  sweep_energy_probe(2); // No active counters: ignored.
  PhaseWork w;
  counters.takeWork(w);
  ASSERT_EQ(w.phases.size(), 2u);
  EXPECT_EQ(w.phases[0].first, "forward");
  EXPECT_EQ(w.phases[0].second.flops, 20);
  EXPECT_EQ(w.phases[1].second.bytes, 200);
  EXPECT_EQ(w.total().flops, 40);
  PhaseWork again;
  counters.takeWork(again);
  EXPECT_TRUE(again.empty());
}
