//===- Summary.cpp - ranking, leaderboard and summary.json ----------------===//

#include "runtime/results/Summary.h"

#include "runtime/results/ParetoFront.h"

#include "runtime/results/CsvText.h"
#include "runtime/results/Utf8.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

using namespace sweep;

Ranking sweep::chooseRanking(const std::vector<MetricColumn> &metrics) {
  for (MetricColumn::Split split : {MetricColumn::Split::Validation, MetricColumn::Split::Test})
    for (size_t c = 0; c < metrics.size(); ++c)
      if (metrics[c].split == split)
        return {c, metrics[c].higherIsBetter()};
  return {0, false};
}

std::vector<const RunRecord *> sweep::rankRuns(const std::vector<RunRecord> &records,
                                               const Ranking &ranking) {
  std::vector<const RunRecord *> ranked;
  for (const RunRecord &record : records)
    if (record.status != RunStatus::Diverged && ranking.column < record.metrics.size() &&
        std::isfinite(record.metrics[ranking.column]))
      ranked.push_back(&record);
  std::stable_sort(ranked.begin(), ranked.end(), [&](const RunRecord *a, const RunRecord *b) {
    double x = a->metrics[ranking.column], y = b->metrics[ranking.column];
    if (x != y)
      return ranking.higherIsBetter ? x > y : x < y;
    return a->id < b->id;
  });
  return ranked;
}

std::string sweep::isoTimeNow() {
  std::time_t now = std::time(nullptr);
  std::tm utc;
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

/// A JSON string. JSON is UTF-8: a byte that is no part of a UTF-8 sequence
/// (a path written in Latin-1) becomes U+FFFD. Regression: it was copied, and
/// summary.json did not parse.
static std::string jsonString(const std::string &text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    unsigned char c = (unsigned char)text[i];
    size_t length = utf8CharacterLength(text.data() + i, text.data() + text.size());
    if (length == 0) {
      out += "\\ufffd";
      ++i;
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
      ++i;
    } else if (c < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
      out += buffer;
      ++i;
    } else {
      out.append(text, i, length);
      i += length;
    }
  }
  return out + "\"";
}

/// JSON has no NaN or infinity: those become null.
static std::string jsonNumber(double value) {
  return std::isfinite(value) ? csvNumber(value) : "null";
}

/// Columns whose value differs between runs: what tells runs apart.
static std::vector<size_t> varyingColumns(const SweepJob &job,
                                          const std::vector<RunRecord> &records) {
  std::vector<size_t> varying;
  for (size_t c = 0; c < job.columns.size(); ++c)
    for (const RunRecord &record : records)
      if (record.columnValues[c] != records.front().columnValues[c]) {
        varying.push_back(c);
        break;
      }
  return varying;
}

/// One run as a JSON object with the settings in `columns`.
static void writeRun(std::ostringstream &os, const SweepJob &job, const RunRecord &run,
                     const std::vector<MetricColumn> &metrics, const std::vector<size_t> &columns,
                     const char *indent) {
  os << "{\"run\": " << run.id << ", \"group\": " << run.group << ", \"status\": \""
     << statusName(run.status) << "\", \"epochs\": " << run.epochs << ", \"metrics\": {";
  for (size_t m = 0; m < metrics.size(); ++m)
    os << (m ? ", " : "") << jsonString(metrics[m].name) << ": " << jsonNumber(run.metrics[m]);
  os << "}, \"seconds\": " << jsonNumber(run.seconds) << ",\n" << indent << " \"settings\": {";
  bool first = true;
  for (size_t c : columns) {
    if (run.columnValues[c].empty())
      continue;
    os << (first ? "" : ", ") << jsonString(job.columns[c]) << ": "
       << jsonString(run.columnValues[c]);
    first = false;
  }
  os << "}}";
}

std::vector<const RunRecord *> sweep::paretoFront(const std::vector<RunRecord> &records,
                                                  const Ranking &ranking) {
  std::vector<const RunRecord *> candidates;
  for (const RunRecord &record : records)
    if (record.status != RunStatus::Diverged && std::isfinite(record.joules) &&
        ranking.column < record.metrics.size() && std::isfinite(record.metrics[ranking.column]))
      candidates.push_back(&record);
  return paretoFrontOf(
      std::move(candidates), [](const RunRecord &r) { return r.joules; },
      [&](const RunRecord &r) { return r.metrics[ranking.column]; }, ranking.higherIsBetter);
}

std::string sweep::fixedOrSignificant(double value, int decimals) {
  char text[32];
  if (value != 0 && std::isfinite(value) && std::fabs(value) < 0.5 * std::pow(10.0, -decimals))
    std::snprintf(text, sizeof text, "%.3g", value);
  else
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

namespace {
void writeEnergy(std::ostream &os, const std::vector<RunRecord> &records,
                 const std::vector<MetricColumn> &metrics, const Ranking &ranking,
                 const EnergyFacts &energy) {
  os << "  \"energy\": ";
  if (!energy.metered) {
    // Why, so that a GPU without NVML does not read as --no-energy.
    os << "null, \"energy_unmetered\": " << jsonString(energy.unmeteredBecause) << ",\n";
    return;
  }
  // Summed in whole microjoules, as the ledger splits them: a sum of
  // doubles would show 0.30000000000000004 J.
  int64_t runsMicrojoules = 0;
  for (const RunRecord &record : records)
    if (std::isfinite(record.joules))
      runsMicrojoules += std::llround(record.joules * 1e6);
  double runsJoules = double(runsMicrojoules) / 1e6;
  os << "{\"source\": " << jsonString(energy.source)
     << ", \"detail\": " << jsonString(energy.detail) << ",\n";
  os << "    \"total_joules\": " << jsonNumber(energy.totalJoules)
     << ", \"runs_joules\": " << jsonNumber(runsJoules)
     << ", \"unattributed_joules\": " << jsonNumber(energy.unattributedJoules)
     << ", \"seconds\": " << jsonNumber(energy.seconds) << ",\n";
  os << "    \"idle_watts\": " << jsonNumber(energy.idleWatts)
     << ", \"idle_joules\": " << jsonNumber(energy.idleWatts * energy.seconds) << ",\n";
  os << "    \"by_phase\": {";
  for (size_t i = 0; i < energy.phaseJoules.size(); ++i)
    os << (i ? ", " : "") << jsonString(energy.phaseJoules[i].first) << ": "
       << jsonNumber(energy.phaseJoules[i].second);
  os << "},\n";
  os << "    \"budget_joules\": "
     << (energy.budgetJoules > 0 ? jsonNumber(energy.budgetJoules) : std::string("null"))
     << ", \"budget_spent\": " << (energy.budgetSpent ? "true" : "false")
     << ", \"unfinished_runs\": " << energy.unfinishedRuns << ",\n";
  if (!energy.error.empty())
    os << "    \"meter_error\": " << jsonString(energy.error) << ",\n";
  os << "    \"pareto_metric\": " << jsonString(metrics[ranking.column].name)
     << ", \"pareto_front\": [";
  std::vector<const RunRecord *> front = paretoFront(records, ranking);
  for (size_t i = 0; i < front.size(); ++i)
    os << (i ? ", " : "") << "{\"run\": " << front[i]->id
       << ", \"joules\": " << jsonNumber(front[i]->joules) << ", "
       << jsonString(metrics[ranking.column].name) << ": "
       << jsonNumber(front[i]->metrics[ranking.column]) << "}";
  os << "]},\n";
}
} // namespace

void sweep::printEnergyReport(std::ostream &os, const std::vector<RunRecord> &records,
                              const std::vector<MetricColumn> &metrics, const Ranking &ranking,
                              const EnergyFacts &energy) {
  if (!energy.metered) {
    if (energy.unmeteredBecause != "--no-energy")
      os << "Energy: not metered (" << energy.unmeteredBecause << ").\n";
    return;
  }
  // Small figures keep their digits (a short sweep's estimate is millijoules):
  // as the Pareto front below. Regression: "Energy: 0.0 J in 0.0 s".
  auto figure = [](double value) { return fixedOrSignificant(value, 1); };
  os << "Energy: " << figure(energy.totalJoules) << " J in " << figure(energy.seconds) << " s ("
     << energy.source << ")";
  if (energy.idleWatts > 0)
    os << "; idle baseline " << figure(energy.idleWatts) << " W, "
       << figure(energy.idleWatts * energy.seconds) << " J of it";
  if (energy.unattributedJoules >= 0.05)
    os << "; " << figure(energy.unattributedJoules) << " J outside training windows";
  os << ".\n";
  if (energy.source.rfind("estimated:", 0) == 0)
    os << "  (an estimate, not a measurement: " << energy.detail << ")\n";
  if (!energy.phaseJoules.empty()) {
    os << "  by phase:";
    for (const auto &[phase, joules] : energy.phaseJoules)
      os << " " << phase << " " << figure(joules) << " J";
    os << "\n";
  }
  if (!energy.error.empty())
    os << "  meter error: " << energy.error << "\n";
  std::vector<const RunRecord *> front = paretoFront(records, ranking);
  if (!front.empty()) {
    os << "Pareto front (best " << metrics[ranking.column].name << " for its energy):\n";
    for (const RunRecord *run : front) {
      os << "  r" << run->id << "  " << fixedOrSignificant(run->metrics[ranking.column], 4)
         << "  " << fixedOrSignificant(run->joules, 1) << " J\n";
    }
  }
}

/// The run-epochs the runs were to train and those they trained (a stopped or
/// diverged run counts the epochs through the one it ended in), and the runs
/// that ended early by reason.
static void countRunEpochs(const SweepJob &job, const std::vector<RunRecord> &records,
                           double &planned, double &trained,
                           std::map<std::string, size_t> &byReason) {
  for (const RunRecord &record : records) {
    int64_t epochs = record.group < job.groups.size() ? job.groups[record.group].epochs : 0;
    planned += double(epochs);
    trained += double(record.status == RunStatus::Ok ? epochs : record.statusEpoch);
    if (record.stopReason != StopReason::None)
      ++byReason[stopReasonName(record.stopReason)];
  }
}

std::string sweep::summaryJson(const SweepJob &job, const std::vector<RunRecord> &records,
                               const std::vector<MetricColumn> &metrics, const Ranking &ranking,
                               const SweepFacts &facts) {
  std::map<std::string, size_t> byStatus = {{"ok", 0}, {"diverged", 0}, {"stopped", 0}};
  double runSeconds = 0;
  for (const RunRecord &record : records) {
    ++byStatus[statusName(record.status)];
    runSeconds += record.seconds;
  }
  std::vector<const RunRecord *> ranked = rankRuns(records, ranking);
  std::vector<size_t> allColumns(job.columns.size());
  for (size_t c = 0; c < allColumns.size(); ++c)
    allColumns[c] = c;
  std::vector<size_t> varying =
      records.empty() ? std::vector<size_t>() : varyingColumns(job, records);
  std::ostringstream os;
  os << "{\n";
  os << "  \"sweep\": " << jsonString(job.name) << ",\n";
  os << "  \"source\": " << jsonString(job.sourceFile) << ",\n";
  os << "  \"backend\": " << jsonString(facts.backend) << ",\n";
  os << "  \"device\": " << jsonString(facts.device) << ", \"device_fallback\": "
     << (facts.deviceFallback.empty() ? std::string("null") : jsonString(facts.deviceFallback))
     << ",\n";
  os << "  \"host\": " << jsonString(facts.host) << ",\n";
  os << "  \"threads\": " << facts.threads << ", \"ranks\": " << facts.ranks << ",\n";
  os << "  \"started\": " << jsonString(facts.started) << ",\n";
  os << "  \"finished\": " << jsonString(facts.finished) << ",\n";
  os << "  \"wall_seconds\": " << jsonNumber(facts.wallSeconds) << ",\n";
  os << "  \"compile_seconds\": " << jsonNumber(facts.compileSeconds)
     << ", \"programs_compiled\": " << facts.programs
     << ", \"programs_from_compile_cache\": " << facts.programsFromCache
     << ", \"programs_while_training\": " << facts.programsWhileTraining << ",\n";
  os << "  \"program_memory\": {\"peak_bytes\": "
     << (facts.programMemoryMetered ? std::to_string(facts.programMemoryPeak) : "null")
     << ", \"max_memory_bytes\": "
     << (facts.maxMemory ? std::to_string(facts.maxMemory) : "null") << "},\n";
  os << "  \"run_seconds\": " << jsonNumber(runSeconds) << ",\n";
  os << "  \"runs\": {\"total\": " << records.size();
  for (const auto &[status, count] : byStatus)
    os << ", " << jsonString(status) << ": " << count;
  os << ", \"resumed\": " << facts.resumedRuns << "},\n";
  // Why runs ended early, and the run-epochs that saved: each run's planned
  // epochs against those it trained (its last, cut short, included).
  std::map<std::string, size_t> byReason;
  for (StopReason reason : {StopReason::NonFinite, StopReason::LossGrowth, StopReason::Patience,
                            StopReason::Asha, StopReason::Median})
    byReason[stopReasonName(reason)] = 0;
  double planned = 0, trained = 0;
  countRunEpochs(job, records, planned, trained, byReason);
  os << "  \"stop_reasons\": {";
  bool first = true;
  for (const auto &[reason, count] : byReason) {
    os << (first ? "" : ", ") << jsonString(reason) << ": " << count;
    first = false;
  }
  os << "},\n";
  const PruneSpec &rule = job.prune;
  os << "  \"prune\": ";
  if (rule.kind == PruneKind::None)
    os << "null,\n";
  else
    os << "{\"rule\": " << jsonString(pruneKindName(rule.kind))
       << ", \"metric\": " << jsonString(pruneMetricName(rule.metric))
       << ", \"grace\": " << rule.grace
       << (rule.kind == PruneKind::Asha ? ", \"reduction\": " : ", \"min_runs\": ")
       << (rule.kind == PruneKind::Asha ? rule.reduction : rule.minRuns) << "},\n";
  os << "  \"run_epochs\": {\"planned\": " << jsonNumber(planned)
     << ", \"trained\": " << jsonNumber(trained) << "},\n";
  os << "  \"groups\": " << job.groups.size() << ",\n";
  os << "  \"log_scale\": [";
  for (size_t c = 0; c < job.logScaleColumns.size(); ++c)
    os << (c ? ", " : "") << jsonString(job.logScaleColumns[c]);
  os << "],\n";
  os << "  \"metrics\": [";
  for (size_t m = 0; m < metrics.size(); ++m)
    os << (m ? ", " : "") << jsonString(metrics[m].name);
  os << "],\n";
  os << "  \"ranked_by\": " << jsonString(metrics[ranking.column].name)
     << ", \"higher_is_better\": " << (ranking.higherIsBetter ? "true" : "false")
     << ", \"unranked_runs\": " << records.size() - ranked.size() << ",\n";
  os << "  \"best\": ";
  if (ranked.empty()) {
    os << "null,\n";
  } else {
    writeRun(os, job, *ranked.front(), metrics, allColumns, "  "); // Enough to reproduce it.
    os << ",\n";
  }
  writeEnergy(os, records, metrics, ranking, facts.energy);
  os << "  \"weights\": ";
  if (!facts.weightsAsked) {
    os << "null,\n";
  } else {
    os << "{\"best\": " << facts.weightsAsked << ", \"files\": [";
    for (size_t i = 0; i < facts.weightFiles.size(); ++i)
      os << (i ? ", " : "") << jsonString(facts.weightFiles[i]);
    os << "], \"runs_without_file\": [";
    for (size_t i = 0; i < facts.weightsMissing.size(); ++i)
      os << (i ? ", " : "") << facts.weightsMissing[i];
    os << "]},\n";
  }
  os << "  \"leaderboard\": [";
  size_t shown = std::min<size_t>(ranked.size(), 10);
  for (size_t i = 0; i < shown; ++i) {
    os << (i ? ",\n" : "\n");
    os << "    ";
    writeRun(os, job, *ranked[i], metrics, varying, "    ");
  }
  os << (shown ? "\n  ]\n" : "]\n");
  os << "}\n";
  return os.str();
}

void sweep::printStoppingReport(std::ostream &os, const SweepJob &job,
                                const std::vector<RunRecord> &records) {
  std::map<std::string, size_t> byReason;
  double planned = 0, trained = 0;
  countRunEpochs(job, records, planned, trained, byReason);
  if (byReason.empty() || planned <= 0)
    return;
  os << "Stopped early:";
  const char *separator = " ";
  for (const auto &[reason, count] : byReason) {
    os << separator << count << " " << reason;
    separator = ", ";
  }
  char line[160];
  std::snprintf(line, sizeof line, "; %.0f of %.0f run-epochs trained (%.0f%%).\n", trained,
                planned, 100.0 * trained / planned);
  os << line;
}

void sweep::printLeaderboard(std::ostream &os, const SweepJob &job,
                             const std::vector<RunRecord> &records,
                             const std::vector<MetricColumn> &metrics, const Ranking &ranking,
                             size_t count) {
  std::vector<const RunRecord *> ranked = rankRuns(records, ranking);
  if (count == 0)
    return; // --top=0: no leaderboard.
  if (ranked.empty()) {
    // A header over no rows said "Top 0 of N runs". No run finished (an
    // energy budget spent first) is not "every one diverged".
    os << "No run of sweep " << job.name << " has a " << metrics[ranking.column].name
       << " to rank it by ("
       << (records.empty() ? std::string("no run finished")
                           : std::to_string(records.size()) +
                                 (records.size() == 1 ? " run" : " runs") +
                                 " finished, every one diverged or unmeasured")
       << ").\n";
    return;
  }
  // The settings that tell runs apart: two values or more. A setting of one
  // alternative only (optimizer.nesterov, where adam runs have none) with
  // one value says nothing the alternative's column does not.
  std::vector<size_t> varying;
  for (size_t c = 0; c < job.columns.size(); ++c) {
    std::set<std::string> values;
    for (const RunRecord &record : records)
      if (!record.columnValues[c].empty())
        values.insert(record.columnValues[c]);
    if (values.size() > 1)
      varying.push_back(c);
  }
  // Runs that stopped early rank beside runs trained to the end: how far each
  // got is shown where that differs (runs.csv's epochs_trained).
  bool epochsDiffer = std::any_of(records.begin(), records.end(), [&](const RunRecord &r) {
    return r.epochs != records.front().epochs;
  });
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"rank", "run", "status"};
  if (epochsDiffer)
    header.push_back("epochs_trained");
  for (const MetricColumn &metric : metrics)
    header.push_back(metric.name);
  header.push_back("seconds");
  bool metered = false;
  for (const RunRecord &record : records)
    metered |= std::isfinite(record.joules);
  if (metered)
    header.push_back("joules");
  for (size_t c : varying)
    header.push_back(job.columns[c]);
  rows.push_back(header);
  for (size_t i = 0; i < std::min(count, ranked.size()); ++i) {
    const RunRecord &run = *ranked[i];
    std::vector<std::string> row = {std::to_string(i + 1), "r" + std::to_string(run.id),
                                    statusName(run.status)};
    if (epochsDiffer)
      row.push_back(std::to_string(run.epochs));
    for (double value : run.metrics)
      row.push_back(std::isnan(value) ? "-" : fixedOrSignificant(value, 4));
    row.push_back(fixedOrSignificant(run.seconds, 1));
    if (metered) {
      row.push_back(std::isfinite(run.joules) ? fixedOrSignificant(run.joules, 1) : "-");
    }
    // A generated value in 4 significant digits (runs.csv keeps it whole).
    // Regression: 0.000464158883361278 made rows of 200 characters.
    for (size_t c : varying) {
      const std::string &value = run.columnValues[c];
      char *end = nullptr;
      double number = value.size() > 8 ? std::strtod(value.c_str(), &end) : 0;
      char shorter[32];
      if (end && *end == 0 && std::isfinite(number)) {
        std::snprintf(shorter, sizeof shorter, "%.4g", number);
        row.push_back(shorter);
      } else {
        row.push_back(value);
      }
    }
    rows.push_back(row);
  }
  std::vector<size_t> widths(header.size(), 0);
  for (const auto &row : rows)
    for (size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  size_t diverged = 0;
  for (const RunRecord &record : records)
    diverged += record.status == RunStatus::Diverged;
  // Runs on data without the ranked split. Regression: left out unsaid.
  size_t unmeasured = records.size() - diverged - ranked.size();
  os << "Top " << std::min(count, ranked.size()) << " of " << records.size() << " runs of sweep "
     << job.name << " by " << metrics[ranking.column].name
     << (ranking.higherIsBetter ? " (higher is better)" : " (lower is better)");
  if (diverged)
    os << "; " << diverged << " diverged";
  if (unmeasured)
    os << "; " << unmeasured << " without " << metrics[ranking.column].name << ", unranked";
  os << ":\n";
  for (const auto &row : rows) {
    // Numbers right-aligned, settings left-aligned; no padding after the last column.
    for (size_t c = 0; c < row.size(); ++c) {
      bool setting = c >= 3 + (epochsDiffer ? 1 : 0) + metrics.size() + 1 + (metered ? 1 : 0);
      int width = c + 1 == row.size() ? 0 : int(widths[c]);
      os << (c ? "  " : "") << (setting ? std::left : std::right) << std::setw(width) << row[c];
    }
    os << std::right << "\n";
  }
}
