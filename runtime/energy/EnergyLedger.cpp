//===- EnergyLedger.cpp - joules attributed to phases and runs ------------===//

#include "runtime/energy/EnergyLedger.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>

using namespace sweep;

std::vector<int64_t> sweep::splitByWeight(int64_t total, const std::vector<double> &weights) {
  std::vector<int64_t> parts(weights.size(), 0);
  // Non-finite and negative weights count as 0; scaling by the largest
  // keeps the sum finite whatever the magnitudes.
  double largest = 0;
  for (double w : weights)
    if (std::isfinite(w) && w > largest)
      largest = w;
  if (largest <= 0 || total <= 0)
    return parts;
  std::vector<double> scaled(weights.size(), 0.0);
  double sum = 0;
  for (size_t i = 0; i < weights.size(); ++i)
    if (std::isfinite(weights[i]) && weights[i] > 0)
      sum += scaled[i] = weights[i] / largest;
  // Floors first, then one unit each to the largest remainders.
  std::vector<std::pair<double, size_t>> remainders;
  int64_t given = 0;
  for (size_t i = 0; i < scaled.size(); ++i) {
    double exact = double(total) * (scaled[i] / sum);
    parts[i] = std::min(total, int64_t(std::floor(exact)));
    given += parts[i];
    remainders.push_back({exact - double(parts[i]), i});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto &a, const auto &b) { return a.first > b.first; });
  // Rounding in `exact` can leave the floors a few units over or under
  // (at most about one per part); settle the difference unit by unit.
  for (size_t i = 0; given < total; i = (i + 1) % remainders.size(), ++given)
    ++parts[remainders[i].second];
  for (size_t i = 0; given > total; i = (i + 1) % remainders.size()) {
    size_t at = remainders[remainders.size() - 1 - i].second;
    if (parts[at] > 0)
      --parts[at], --given;
  }
  return parts;
}

EnergyLedger::EnergyLedger(std::unique_ptr<EnergyMeter> meter, double windowSeconds,
                           const EnergyModel &weights)
    : source(std::move(meter)), weights(weights), windowSeconds(windowSeconds),
      start(std::chrono::steady_clock::now()), windowStart(start), lastReading(start) {}

void EnergyLedger::measureIdle(double seconds) {
  std::lock_guard<std::mutex> lock(mutex);
  if (source->isEstimate() || seconds <= 0)
    return;
  double before = 0, after = 0;
  std::string error;
  auto t0 = std::chrono::steady_clock::now();
  if (!source->read(WorkCost(), 0, before, error))
    return;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  auto t1 = std::chrono::steady_clock::now();
  if (!source->read(WorkCost(), 0, after, error))
    return;
  idle = (after - before) / std::chrono::duration<double>(t1 - t0).count();
  idleMeasured = true;
  // The sweep's figures start after the calibration.
  meteredMicro = std::llround(after * 1e6);
  start = windowStart = lastReading = t1;
}

size_t EnergyLedger::openAccount(const std::vector<uint64_t> &runIds) {
  std::lock_guard<std::mutex> lock(mutex);
  accounts.push_back({runIds, std::vector<double>(runIds.size(), 0.0)});
  return accounts.size() - 1;
}

void EnergyLedger::abandonRuns(const std::vector<uint64_t> &runIds) {
  std::lock_guard<std::mutex> lock(mutex);
  abandoned.insert(runIds.begin(), runIds.end());
  // What earlier windows gave them is in no runs.csv row either: it is
  // unattributed, so that the runs' and the unattributed joules still add up
  // to the total. Regression: it stayed attributed, to nobody.
  for (uint64_t id : runIds) {
    auto it = perRun.find(id);
    if (it == perRun.end())
      continue;
    attributed -= it->second;
    unattributed += it->second;
    perRun.erase(it);
  }
}

void EnergyLedger::compactAccount(size_t account, const std::vector<size_t> &keep) {
  std::lock_guard<std::mutex> lock(mutex);
  Account old = std::move(accounts[account]);
  std::vector<uint64_t> runs;
  for (size_t k : keep)
    runs.push_back(old.runs[k]);
  accounts[account] = {runs, std::vector<double>(runs.size(), 0.0)};
  // Work already reported this window stays with the runs that did it.
  for (size_t i = 0; i < old.runs.size(); ++i)
    if (old.weights[i] > 0)
      accounts.push_back({{old.runs[i]}, {old.weights[i]}});
}

double EnergyLedger::weightOf(const WorkCost &cost) const {
  return cost.flops * weights.joulesPerFlop + cost.bytes * weights.joulesPerByte;
}

void EnergyLedger::addWork(size_t account, const PhaseWork &work, const uint8_t *alive) {
  std::lock_guard<std::mutex> lock(mutex);
  Account &a = accounts[account];
  workSinceStart += work.total();
  size_t count = 0;
  for (size_t i = 0; i < a.runs.size(); ++i)
    count += alive[i] != 0;
  if (count) {
    double share = weightOf(work.total()) / double(count);
    for (size_t i = 0; i < a.runs.size(); ++i)
      if (alive[i])
        a.weights[i] += share;
    for (const auto &[phase, cost] : work.phases)
      phaseWeights[phase] += weightOf(cost);
  }
  auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - windowStart).count() >= windowSeconds)
    closeLocked();
}

bool EnergyLedger::closeWindow(std::string &error) {
  std::lock_guard<std::mutex> lock(mutex);
  closeLocked();
  error = readFailed ? firstError : std::string();
  return !readFailed;
}

void EnergyLedger::closeLocked() {
  auto now = std::chrono::steady_clock::now();
  double joules = 0;
  std::string error;
  if (!source->read(workSinceStart, std::chrono::duration<double>(now - start).count(), joules,
                    error)) {
    if (firstError.empty())
      firstError = error;
    readFailed = true;
    // Keep the window's work for the next reading, but wait a whole window
    // before trying again rather than on every step.
    windowStart = now;
    return;
  }
  readFailed = false;
  int64_t reading = std::llround(joules * 1e6);
  int64_t window = std::max<int64_t>(0, reading - meteredMicro);
  meteredMicro = std::max(meteredMicro, reading);
  windowStart = lastReading = now;

  std::vector<double> runWeights;
  std::vector<uint64_t> runIds;
  for (Account &a : accounts)
    for (size_t i = 0; i < a.runs.size(); ++i)
      if (a.weights[i] > 0) {
        runWeights.push_back(a.weights[i]);
        runIds.push_back(a.runs[i]);
        a.weights[i] = 0;
      }
  std::vector<double> byPhase;
  std::vector<std::string> phaseNames;
  for (const auto &[phase, weight] : phaseWeights) {
    byPhase.push_back(weight);
    phaseNames.push_back(phase);
  }
  phaseWeights.clear();
  if (runWeights.empty()) {
    unattributed += window;
    return;
  }
  std::vector<int64_t> parts = splitByWeight(window, runWeights);
  for (size_t i = 0; i < parts.size(); ++i) {
    // Regression: runs written without joules (a failed reading) were given
    // these anyway, in no row: total_joules exceeded the runs' and the
    // unattributed joules together.
    if (abandoned.count(runIds[i])) {
      unattributed += parts[i];
      continue;
    }
    perRun[runIds[i]] += parts[i];
    attributed += parts[i]; // The parts add up to the window exactly.
  }
  std::vector<int64_t> phaseParts = splitByWeight(window, byPhase);
  for (size_t i = 0; i < phaseParts.size(); ++i)
    perPhase[phaseNames[i]] += phaseParts[i];
}

double EnergyLedger::spentJoules() {
  std::lock_guard<std::mutex> lock(mutex);
  auto now = std::chrono::steady_clock::now();
  int64_t closed = attributed + unattributed;
  double open = 0;
  if (source->isEstimate()) {
    double joules = 0;
    std::string error;
    if (source->read(workSinceStart, std::chrono::duration<double>(now - start).count(), joules,
                     error))
      open = std::max(0.0, joules - joulesFromMicro(meteredMicro));
  } else if (lastReading > start) {
    double covered = std::chrono::duration<double>(lastReading - start).count();
    open = joulesFromMicro(closed) / covered *
           std::chrono::duration<double>(now - lastReading).count();
  } else {
    for (const auto &[phase, weight] : phaseWeights)
      open += weight;
  }
  return joulesFromMicro(closed) + open;
}

double EnergyLedger::runJoules(uint64_t runId) const {
  return joulesFromMicro(runMicrojoules(runId));
}

int64_t EnergyLedger::runMicrojoules(uint64_t runId) const {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = perRun.find(runId);
  return it == perRun.end() ? 0 : it->second;
}

int64_t EnergyLedger::totalMicrojoules() const {
  std::lock_guard<std::mutex> lock(mutex);
  return attributed + unattributed;
}

int64_t EnergyLedger::unattributedMicrojoules() const {
  std::lock_guard<std::mutex> lock(mutex);
  return unattributed;
}

std::map<std::string, int64_t> EnergyLedger::phaseMicrojoules() const {
  std::lock_guard<std::mutex> lock(mutex);
  return perPhase;
}

double EnergyLedger::seconds() const {
  std::lock_guard<std::mutex> lock(mutex);
  // Not windowStart, which failed readings move on too. Regression: after
  // RAPL became unreadable the idle baseline kept counting the whole sweep
  // (40 J of idle in a total of 0.03 J).
  return std::chrono::duration<double>(lastReading - start).count();
}

double EnergyLedger::idleWatts() const {
  std::lock_guard<std::mutex> lock(mutex);
  if (idleMeasured)
    return idle;
  return source->isEstimate() ? weights.idleWatts : 0.0;
}

std::string EnergyLedger::error() const {
  std::lock_guard<std::mutex> lock(mutex);
  return firstError;
}

bool EnergyLedger::lastReadFailed() const {
  std::lock_guard<std::mutex> lock(mutex);
  return readFailed;
}
