//===- ReportData.cpp - the numbers behind each plot of report.html -------===//

#include "runtime/report/ReportData.h"

#include "runtime/results/ParetoFront.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

using namespace sweep;

std::vector<size_t> sweep::evenlySpaced(size_t size, size_t count) {
  std::vector<size_t> picked;
  if (size <= count) {
    for (size_t i = 0; i < size; ++i)
      picked.push_back(i);
    return picked;
  }
  if (count == 1)
    return {0};
  for (size_t k = 0; k < count; ++k) {
    // Rounded, so the last index is size - 1 and no index repeats (size > count).
    size_t index = size_t(std::llround(double(k) * double(size - 1) / double(count - 1)));
    if (picked.empty() || index != picked.back())
      picked.push_back(index);
  }
  return picked;
}

namespace {
bool parseNumber(const std::string &text, double &value) {
  if (text.empty())
    return false;
  char *end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return end && *end == '\0' && std::isfinite(value);
}

/// The value at fraction `q` of sorted `values` (linear between neighbours).
double quantile(const std::vector<double> &sorted, double q) {
  if (sorted.empty())
    return NAN;
  double at = q * double(sorted.size() - 1);
  size_t below = size_t(at);
  size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (at - double(below)) * (sorted[above] - sorted[below]);
}

/// The ranking when summary.json is missing: docs/results.md's rule.
void chooseRankingFromColumns(ReportData &data) {
  long chosen = -1;
  for (const char *prefix : {"val_", "test_"}) {
    for (size_t m = 0; m < data.metricNames.size() && chosen < 0; ++m)
      if (data.metricNames[m].rfind(prefix, 0) == 0)
        chosen = long(m);
    if (chosen >= 0)
      break;
  }
  for (size_t m = 0; m < data.metricNames.size() && chosen < 0; ++m)
    if (data.metricNames[m] == "train_loss")
      chosen = long(m);
  if (chosen < 0)
    return;
  data.hasRanking = true;
  data.rankedColumn = size_t(chosen);
  data.rankedBy = data.metricNames[size_t(chosen)];
  const std::string &name = data.rankedBy;
  data.higherIsBetter = name.size() >= 8 && name.compare(name.size() - 8, 8, "accuracy") == 0;
}

/// A count summary.json gives: 0 when it is none (negative, NaN), capped far
/// above any sweep's (a cast of a double out of size_t's range is undefined).
size_t countOf(double value) {
  return value >= 1 ? size_t(std::min(value, 1e15)) : 0;
}

void fillHeader(const SweepResults &results, ReportData &data) {
  ReportHeader &header = data.header;
  const JsonValue &summary = results.summary;
  header.runs = results.runs.size();
  std::map<std::string, size_t> byStatus;
  for (const char *status : {"ok", "stopped", "diverged"})
    byStatus[status] = 0;
  double joules = 0;
  bool anyJoules = false;
  std::set<std::string> sources;
  for (const ResultRun &run : results.runs) {
    byStatus[run.status]++;
    header.runSeconds += std::isfinite(run.seconds) ? run.seconds : 0;
    if (std::isfinite(run.joules)) {
      joules += run.joules;
      anyJoules = true;
    }
    if (!run.joulesSource.empty())
      sources.insert(run.joulesSource);
  }
  for (const char *status : {"ok", "stopped", "diverged"})
    header.byStatus.push_back({status, byStatus[status]});
  for (const auto &[status, count] : byStatus)
    if (status != "ok" && status != "stopped" && status != "diverged")
      header.byStatus.push_back({status, count});
  header.notes = results.notes;
  header.wallSeconds = NAN;
  header.joules = anyJoules ? joules : NAN;
  header.runsJoules = header.joules;
  for (const std::string &source : sources)
    header.joulesSource += (header.joulesSource.empty() ? "" : ", ") + source;
  if (!results.hasSummary) {
    // The directory's own name, also when given as "." or "../x/".
    std::error_code code;
    std::string path = std::filesystem::weakly_canonical(results.directory, code).string();
    if (code || path.empty())
      path = results.directory;
    while (path.size() > 1 && path.back() == '/')
      path.pop_back();
    size_t slash = path.find_last_of('/');
    header.sweep = slash == std::string::npos ? path : path.substr(slash + 1);
  } else {
    header.sweep = summary["sweep"].text();
    header.source = summary["source"].text();
    header.started = summary["started"].text();
    header.finished = summary["finished"].text();
    header.host = summary["host"].text();
    header.device = summary["device"].text();
    header.backend = summary["backend"].text();
    header.wallSeconds = summary["wall_seconds"].number(NAN);
    header.resumedRuns = countOf(summary["runs"]["resumed"].number(0));
    const JsonValue &energy = summary["energy"];
    if (!energy.isNull()) {
      // The sweep's total (idle and unattributed included), not only the runs'.
      header.joules = energy["total_joules"].number(header.joules);
      // The last invocation's meter, unless the runs were metered by several
      // (a resume under another meter): then all of them. Regression: runs
      // estimated by the model were drawn as "measured" beside RAPL's.
      if (sources.size() <= 1)
        header.joulesSource = energy["source"].text(header.joulesSource);
    }
  }
  // Measured only when every source is.
  header.joulesMeasured = !header.joulesSource.empty();
  for (const std::string &source : sources)
    header.joulesMeasured &= source.rfind("measured", 0) == 0;
  header.joulesMeasured &= header.joulesSource.rfind("measured", 0) == 0;
}

void findParameters(const SweepResults &results, ReportData &data) {
  std::set<std::string> logScale;
  for (const JsonValue &name : results.summary["log_scale"].items())
    logScale.insert(name.text());
  for (size_t c = 0; c < results.settingNames.size(); ++c) {
    ReportParameter parameter;
    parameter.name = results.settingNames[c];
    parameter.column = c;
    std::set<std::string> seen;
    bool numeric = true, missing = false;
    double lo = INFINITY, hi = -INFINITY;
    for (const ResultRun &run : results.runs) {
      const std::string &value = run.settings[c];
      double number = 0;
      if (value.empty()) {
        missing = true; // Not taken by this run: no value, not a word.
        continue;
      }
      if (seen.insert(value).second)
        parameter.categories.push_back(value);
      if (parseNumber(value, number)) {
        lo = std::min(lo, number);
        hi = std::max(hi, number);
      } else {
        numeric = false;
      }
    }
    // A setting with one value wherever it is set (sgd's nesterov in a sweep
    // of sgd and adam) says nothing about the runs: no plot.
    if (seen.size() < 2)
      continue;
    parameter.numeric = numeric && lo <= hi;
    parameter.missing = missing;
    if (numeric) {
      parameter.categories.clear();
      parameter.lo = lo;
      parameter.hi = hi;
      parameter.logScale = logScale.count(parameter.name) && lo > 0;
    }
    data.parameters.push_back(std::move(parameter));
  }
}

/// The parameters worth a scale: not the seed, whose values are labels.
/// The settings drawn, at most kMaxParameterPlots; `forScatter`: not those of
/// more words than a scatter has columns for, skipped before the cap.
/// Regression: they took plot slots, so a numeric setting after eight of
/// them had no plot.
std::vector<const ReportParameter *> plottedParameters(const ReportData &data, bool numericOnly,
                                                       bool forScatter = false) {
  std::vector<const ReportParameter *> out;
  for (const ReportParameter &parameter : data.parameters)
    if (parameter.name != "seed" && (parameter.numeric || !numericOnly) &&
        !(forScatter && tooManyWordsForScatter(parameter)) && out.size() < kMaxParameterPlots)
      out.push_back(&parameter);
  return out;
}

double settingNumber(const ResultRun &run, const ReportParameter &parameter) {
  double value = NAN;
  parseNumber(run.settings[parameter.column], value);
  return value;
}

/// 0..1 along a parameter's axis (kMissingPosition without a value);
/// `index` maps a word setting's values to their place.
double position(const ResultRun &run, const ReportParameter &parameter,
                const std::unordered_map<std::string, size_t> &index) {
  if (!parameter.numeric) {
    if (run.settings[parameter.column].empty())
      return kMissingPosition; // No value: below the axis, as for numbers.
    size_t n = parameter.categories.size();
    auto it = index.find(run.settings[parameter.column]);
    return n < 2 || it == index.end() ? 0.5 : double(it->second) / double(n - 1);
  }
  double value = settingNumber(run, parameter);
  if (std::isnan(value))
    return kMissingPosition;
  if (parameter.hi <= parameter.lo)
    return 0.5;
  if (parameter.logScale)
    return std::log(value / parameter.lo) / std::log(parameter.hi / parameter.lo);
  return (value - parameter.lo) / (parameter.hi - parameter.lo);
}

void buildCurves(const SweepResults &results, const std::vector<const ResultRun *> &ranked,
                 ReportData &data) {
  std::vector<size_t> metrics;
  for (size_t m = 0; m < data.metricNames.size(); ++m)
    if (data.metricNames[m] == "train_loss")
      metrics.push_back(m);
  if (data.hasRanking && data.metricNames[data.rankedColumn] != "train_loss")
    metrics.push_back(data.rankedColumn);
  const ResultCurves &curves = results.curves;
  if (curves.empty())
    return;
  // Curve rows of runs that runs.csv does not list (a run cut short by a
  // kill) are not drawn, nor counted. Row indices, not copies: curves.csv
  // can have millions of rows.
  std::vector<int64_t> listed;
  for (const ResultRun &run : results.runs)
    listed.push_back(run.id);
  std::sort(listed.begin(), listed.end());
  std::vector<char> rowListed(curves.size());
  std::vector<int64_t> withCurves;
  for (size_t row = 0; row < curves.size(); ++row)
    if ((rowListed[row] = std::binary_search(listed.begin(), listed.end(), curves.runs[row])))
      withCurves.push_back(curves.runs[row]);
  std::sort(withCurves.begin(), withCurves.end());
  withCurves.erase(std::unique(withCurves.begin(), withCurves.end()), withCurves.end());
  auto hasCurve = [&](int64_t run) {
    return std::binary_search(withCurves.begin(), withCurves.end(), run);
  };

  // Which runs get a line: every run when few, else a rank-spaced sample;
  // the best kHighlighted always, strongly.
  std::vector<int64_t> faint, strong;
  std::set<int64_t> chosen;
  for (size_t i = 0; i < ranked.size() && i < kHighlighted; ++i) {
    strong.push_back(ranked[i]->id);
    chosen.insert(ranked[i]->id);
  }
  bool sampled = withCurves.size() > kMaxCurves;
  if (!sampled) {
    for (const ResultRun &run : results.runs)
      if (hasCurve(run.id) && !chosen.count(run.id))
        faint.push_back(run.id);
  } else {
    for (size_t index : evenlySpaced(ranked.size(), kSampledCurves))
      if (!chosen.count(ranked[index]->id))
        faint.push_back(ranked[index]->id);
  }
  // The rows of each drawn run (at most kMaxCurves + kHighlighted of them).
  std::map<int64_t, std::vector<size_t>> drawnRows;
  for (int64_t run : faint)
    drawnRows[run];
  for (int64_t run : strong)
    drawnRows[run];
  for (size_t row = 0; row < curves.size(); ++row)
    if (rowListed[row]) {
      auto it = drawnRows.find(curves.runs[row]);
      if (it != drawnRows.end())
        it->second.push_back(row);
    }
  for (size_t m : metrics) {
    CurvePanel panel;
    panel.metric = data.metricNames[m];
    panel.metricIndex = m;
    panel.runsWithCurves = withCurves.size();
    auto lineOf = [&](int64_t run, bool highlighted) {
      CurveLine line;
      line.run = run;
      line.highlighted = highlighted;
      for (size_t row : drawnRows[run])
        if (std::isfinite(curves.metric(row, m)))
          line.points.push_back({curves.epochs[row], curves.metric(row, m)});
      std::sort(line.points.begin(), line.points.end());
      if (line.points.size() > kMaxEpochPoints) {
        std::vector<std::pair<int64_t, double>> kept;
        for (size_t index : evenlySpaced(line.points.size(), kMaxEpochPoints))
          kept.push_back(line.points[index]);
        line.points = std::move(kept);
      }
      return line;
    };
    for (int64_t run : faint)
      panel.lines.push_back(lineOf(run, false));
    // The best last, so it is drawn on top.
    for (auto it = strong.rbegin(); it != strong.rend(); ++it)
      panel.lines.push_back(lineOf(*it, true));
    if (sampled) {
      // Every listed run's value at each epoch: one panel's at a time.
      std::map<int64_t, std::vector<double>> byEpoch;
      for (size_t row = 0; row < curves.size(); ++row)
        if (rowListed[row] && std::isfinite(curves.metric(row, m)))
          byEpoch[curves.epochs[row]].push_back(curves.metric(row, m));
      for (auto &[epoch, values] : byEpoch) {
        std::sort(values.begin(), values.end());
        panel.bands.push_back(
            {epoch, values.size(), quantile(values, 0.1), quantile(values, 0.5),
             quantile(values, 0.9)});
      }
      if (panel.bands.size() > kMaxEpochPoints) {
        std::vector<CurveBand> kept;
        for (size_t index : evenlySpaced(panel.bands.size(), kMaxEpochPoints))
          kept.push_back(panel.bands[index]);
        panel.bands = std::move(kept);
      }
    }
    // A metric curves.csv lacks (or never finite) gets no empty panel.
    bool drawn = !panel.bands.empty();
    for (const CurveLine &line : panel.lines)
      drawn |= !line.points.empty();
    if (drawn)
      data.curves.push_back(std::move(panel));
  }
}

void buildScatters(const std::vector<const ResultRun *> &ranked, ReportData &data) {
  // Drawn worst to best: the best on top.
  std::vector<size_t> picked = evenlySpaced(ranked.size(), kMaxPoints);
  for (const ReportParameter *parameter : plottedParameters(data, false, true)) {
    ScatterPanel panel;
    panel.xName = parameter->name;
    panel.yName = data.rankedBy;
    panel.logX = parameter->logScale;
    if (!parameter->numeric) {
      // Words: one column per value, in first-seen order.
      panel.categories = parameter->categories;
      std::unordered_map<std::string, size_t> index;
      for (size_t k = 0; k < panel.categories.size(); ++k)
        index[panel.categories[k]] = k;
      // Runs without a value (an empty field) have no column.
      for (const ResultRun *run : ranked)
        panel.runs += !run->settings[parameter->column].empty();
      for (auto it = picked.rbegin(); it != picked.rend(); ++it) {
        const ResultRun *run = ranked[*it];
        if (run->settings[parameter->column].empty())
          continue;
        panel.points.push_back({double(index[run->settings[parameter->column]]),
                                run->metrics[data.rankedColumn], run->id});
      }
      data.byParameter.push_back(std::move(panel));
      continue;
    }
    // Runs without a value of the setting (it belongs to an alternative they
    // did not take) have no place on its axis.
    for (const ResultRun *run : ranked)
      panel.runs += !std::isnan(settingNumber(*run, *parameter));
    for (auto it = picked.rbegin(); it != picked.rend(); ++it) {
      const ResultRun *run = ranked[*it];
      double x = settingNumber(*run, *parameter);
      if (!std::isnan(x))
        panel.points.push_back({x, run->metrics[data.rankedColumn], run->id});
    }
    data.byParameter.push_back(std::move(panel));
  }
}

void buildPareto(const std::vector<const ResultRun *> &ranked, ReportData &data) {
  // summary.json's rule: every ranked run with finite joules.
  std::vector<const ResultRun *> metered;
  for (const ResultRun *run : ranked)
    if (std::isfinite(run->joules))
      metered.push_back(run);
  if (metered.empty())
    return;
  ParetoPanel &panel = data.pareto;
  data.hasPareto = true;
  panel.metric = data.rankedBy;
  panel.higherIsBetter = data.higherIsBetter;
  panel.runs = metered.size();
  size_t column = data.rankedColumn;
  double lo = INFINITY, hi = 0;
  for (const ResultRun *run : metered) {
    lo = std::min(lo, run->joules);
    hi = std::max(hi, run->joules);
  }
  // Joules of runs of different sizes span decades; a linear axis would
  // crowd the small ones into a corner.
  panel.logJoules = lo > 0 && hi / lo >= 30;
  std::vector<size_t> picked = evenlySpaced(metered.size(), kMaxPoints);
  for (auto it = picked.rbegin(); it != picked.rend(); ++it)
    panel.points.push_back({metered[*it]->joules, metered[*it]->metrics[column], metered[*it]->id});
  // The front over every metered run, by summary.json's rule and with its
  // candidates in the same order (by run id), so that ties resolve alike.
  std::vector<const ResultRun *> byId = metered;
  std::sort(byId.begin(), byId.end(),
            [](const ResultRun *a, const ResultRun *b) { return a->id < b->id; });
  for (const ResultRun *run : paretoFrontOf(
           std::move(byId), [](const ResultRun &r) { return r.joules; },
           [&](const ResultRun &r) { return r.metrics[column]; }, data.higherIsBetter))
    panel.front.push_back({run->joules, run->metrics[column], run->id});
}

void buildParallel(const std::vector<const ResultRun *> &ranked, ReportData &data) {
  ParallelPanel &panel = data.parallel;
  for (const ReportParameter *parameter : plottedParameters(data, false))
    panel.axes.push_back(*parameter);
  if (panel.axes.empty() || ranked.empty())
    return;
  panel.runs = ranked.size();
  size_t column = data.rankedColumn;
  panel.metricLo = INFINITY;
  panel.metricHi = -INFINITY;
  for (const ResultRun *run : ranked) {
    panel.metricLo = std::min(panel.metricLo, run->metrics[column]);
    panel.metricHi = std::max(panel.metricHi, run->metrics[column]);
  }
  std::vector<std::unordered_map<std::string, size_t>> indices(panel.axes.size());
  for (size_t a = 0; a < panel.axes.size(); ++a)
    for (size_t k = 0; k < panel.axes[a].categories.size(); ++k)
      indices[a][panel.axes[a].categories[k]] = k;
  std::vector<size_t> picked = evenlySpaced(ranked.size(), kMaxLines);
  for (auto it = picked.rbegin(); it != picked.rend(); ++it) {
    const ResultRun *run = ranked[*it];
    ParallelLine line;
    line.run = run->id;
    for (size_t a = 0; a < panel.axes.size(); ++a)
      line.positions.push_back(position(*run, panel.axes[a], indices[a]));
    double value = run->metrics[column];
    double span = panel.metricHi - panel.metricLo;
    double up = span > 0 ? (value - panel.metricLo) / span : 0.5;
    // The best at the top, whichever way the metric improves.
    line.positions.push_back(data.higherIsBetter ? up : 1 - up);
    line.metric = value;
    line.colour = ranked.size() < 2 ? 1 : 1 - double(*it) / double(ranked.size() - 1);
    panel.lines.push_back(std::move(line));
  }
}

void buildGroups(const SweepResults &results, ReportData &data) {
  std::map<uint32_t, GroupBar> bars;
  std::map<uint32_t, ColumnValues> firstSettings;
  // A parameter labels groups when it is constant within each.
  std::vector<bool> perGroup(data.parameters.size(), true);
  for (const ResultRun &run : results.runs) {
    GroupBar &bar = bars[run.group];
    bar.runs++;
    bar.seconds += std::isfinite(run.seconds) ? run.seconds : 0;
    // NaN until a run of the group has joules: a group nobody metered shows
    // no figure, not 0 J (the header says "not metered" for the same runs).
    if (std::isfinite(run.joules))
      bar.joules = (std::isfinite(bar.joules) ? bar.joules : 0) + run.joules;
    auto [it, inserted] = firstSettings.try_emplace(run.group, run.settings);
    for (size_t p = 0; p < data.parameters.size(); ++p)
      if (!inserted && it->second[data.parameters[p].column] != run.settings[data.parameters[p].column])
        perGroup[p] = false;
  }
  data.groupCount = bars.size();
  std::vector<std::pair<uint32_t, GroupBar>> ordered(bars.begin(), bars.end());
  if (ordered.size() > kMaxGroups) {
    // The costliest kMaxGroups - 1 (by joules, else seconds), then the rest summed.
    bool anyJoules = false;
    for (const auto &entry : ordered)
      anyJoules |= entry.second.joules > 0;
    // A group without joules (a resume with --no-energy, a failed meter)
    // counts as the cheapest by joules, then by seconds. Regression: its NaN
    // broke the order, and costly groups were summed away.
    auto joulesOf = [](const GroupBar &bar) { return std::isfinite(bar.joules) ? bar.joules : -1.0; };
    std::stable_sort(ordered.begin(), ordered.end(), [&](const auto &a, const auto &b) {
      if (anyJoules && joulesOf(a.second) != joulesOf(b.second))
        return joulesOf(a.second) > joulesOf(b.second);
      return a.second.seconds > b.second.seconds;
    });
    GroupBar other;
    for (size_t i = kMaxGroups - 1; i < ordered.size(); ++i) {
      other.runs += ordered[i].second.runs;
      other.seconds += ordered[i].second.seconds;
      if (std::isfinite(ordered[i].second.joules))
        other.joules = (std::isfinite(other.joules) ? other.joules : 0) + ordered[i].second.joules;
    }
    other.label = std::to_string(ordered.size() - (kMaxGroups - 1)) + " other groups";
    ordered.resize(kMaxGroups - 1);
    std::sort(ordered.begin(), ordered.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    ordered.push_back({UINT32_MAX, other});
  }
  for (auto &[group, bar] : ordered) {
    if (group != UINT32_MAX) {
      bar.label = "group " + std::to_string(group);
      size_t shown = 0;
      for (size_t p = 0; p < data.parameters.size() && shown < 3; ++p)
        if (perGroup[p]) {
          bar.label += (shown++ ? ", " : ": ") + data.parameters[p].name + "=" +
                       firstSettings[group][data.parameters[p].column];
        }
    }
    data.groups.push_back(bar);
  }
}

/// summary.json's `weights` (--save-weights): run id -> "weights/r<id>.npz".
/// Only names of that form are taken, since the report links them and
/// summary.json is a file anyone may edit.
std::map<int64_t, std::string> readWeightsFiles(const SweepResults &results, ReportData &data) {
  std::map<int64_t, std::string> files;
  const JsonValue &weights = results.summary["weights"];
  if (!results.hasSummary || weights.kind() != JsonValue::Kind::Object)
    return files;
  data.savedWeights = true;
  data.weightsBest = countOf(weights["best"].number());
  for (const JsonValue &file : weights["files"].items()) {
    std::string name = file.text();
    const std::string prefix = "weights/r", suffix = ".npz";
    if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix))
      continue;
    std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos)
      continue;
    files[std::stoll(digits)] = name;
  }
  data.weightsFiles = files.size();
  return files;
}

/// `text` in double quotes, with \", \\ and \n, \r, \t escaped: one line.
std::string quoted(const std::string &text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default: out += c;
    }
  }
  return out + "\"";
}

/// Free text at the end of a --data line, its line breaks as \n.
std::string oneLine(const std::string &text) {
  std::string out;
  for (char c : text)
    out += c == '\n' ? std::string("\\n") : c == '\r' ? std::string("\\r") : std::string(1, c);
  return out;
}

/// A value as one word of a --data line: as it is, or quoted() when it is
/// empty or holds a space, a quote, '=' or a line break. Regression: a path
/// with a line break split a leaderboard row over two lines.
std::string word(const std::string &text) {
  if (!text.empty() && text.find_first_of(" \t\r\n\"=\\") == std::string::npos)
    return text;
  return quoted(text);
}

std::string number(double value) {
  if (std::isnan(value))
    return "nan";
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}
} // namespace

ReportData sweep::buildReportData(const SweepResults &results) {
  ReportData data;
  data.metricNames = results.metricNames;
  data.settingNames = results.settingNames;
  fillHeader(results, data);
  if (results.hasSummary) {
    std::string rankedBy = results.summary["ranked_by"].text();
    for (size_t m = 0; m < data.metricNames.size(); ++m)
      if (data.metricNames[m] == rankedBy) {
        data.hasRanking = true;
        data.rankedColumn = m;
        data.rankedBy = rankedBy;
        data.higherIsBetter = results.summary["higher_is_better"].boolean(true);
      }
  }
  if (!data.hasRanking)
    chooseRankingFromColumns(data);
  findParameters(results, data);

  std::vector<const ResultRun *> ranked;
  if (data.hasRanking) {
    for (const ResultRun &run : results.runs)
      if (run.status != "diverged" && std::isfinite(run.metrics[data.rankedColumn]))
        ranked.push_back(&run);
    size_t column = data.rankedColumn;
    bool higher = data.higherIsBetter;
    std::stable_sort(ranked.begin(), ranked.end(), [&](const ResultRun *a, const ResultRun *b) {
      double x = a->metrics[column], y = b->metrics[column];
      if (x != y)
        return higher ? x > y : x < y;
      return a->id < b->id;
    });
  }
  data.rankedRuns = ranked.size();
  std::map<int64_t, std::string> weightsFileOf = readWeightsFiles(results, data);
  for (size_t i = 0; i < ranked.size() && i < kLeaderboardRows; ++i) {
    auto file = weightsFileOf.find(ranked[i]->id);
    data.leaderboard.push_back(
        {i + 1, ranked[i], file == weightsFileOf.end() ? std::string() : file->second});
  }
  buildCurves(results, ranked, data);
  if (!ranked.empty()) {
    buildScatters(ranked, data);
    buildPareto(ranked, data);
    buildParallel(ranked, data);
  }
  buildGroups(results, data);
  return data;
}

void sweep::printReportData(std::ostream &os, const ReportData &data) {
  const ReportHeader &h = data.header;
  os << "header sweep=" << word(h.sweep) << " runs=" << h.runs;
  for (const auto &[status, count] : h.byStatus)
    os << " " << status << "=" << count;
  os << " wall_seconds=" << number(h.wallSeconds) << " joules=" << number(h.joules)
     << " joules_source=" << (h.joulesSource.empty() ? "none" : h.joulesSource)
     << (h.joulesMeasured ? " measured" : " not-measured") << "\n";
  for (const std::string &note : h.notes)
    os << "note " << oneLine(note) << "\n";
  os << "ranking " << (data.hasRanking ? data.rankedBy : "none")
     << (data.higherIsBetter ? " higher" : " lower") << " ranked=" << data.rankedRuns << "\n";
  if (data.savedWeights)
    os << "weights best=" << data.weightsBest << " files=" << data.weightsFiles << "\n";
  for (const ReportParameter &p : data.parameters) {
    os << "parameter " << p.name;
    if (p.numeric)
      os << " numeric" << (p.logScale ? " log" : " linear") << " lo=" << number(p.lo)
         << " hi=" << number(p.hi) << (p.missing ? " missing" : "");
    else
      os << " categories=" << p.categories.size() << (p.missing ? " missing" : "");
    os << "\n";
  }
  for (const LeaderboardRow &row : data.leaderboard) {
    os << "leaderboard " << row.rank << " run=" << row.run->id << " group=" << row.run->group;
    for (const ReportParameter &p : data.parameters)
      os << " " << p.name << "=" << word(row.run->settings[p.column]);
    os << " " << data.rankedBy << "=" << number(row.run->metrics[data.rankedColumn])
       << " joules=" << number(row.run->joules);
    if (data.savedWeights)
      os << " weights=" << (row.weightsFile.empty() ? "none" : row.weightsFile);
    os << "\n";
  }
  for (const CurvePanel &panel : data.curves) {
    os << "curves " << panel.metric << " lines=" << panel.lines.size()
       << " runs=" << panel.runsWithCurves << " bands=" << panel.bands.size() << "\n";
    for (const CurveLine &line : panel.lines) {
      os << "curve " << panel.metric << " run=" << line.run
         << (line.highlighted ? " highlighted" : " faint");
      for (const auto &[epoch, value] : line.points)
        os << " " << epoch << ":" << number(value);
      os << "\n";
    }
    for (const CurveBand &band : panel.bands)
      os << "band " << panel.metric << " epoch=" << band.epoch << " runs=" << band.runs
         << " p10=" << number(band.p10) << " median=" << number(band.median)
         << " p90=" << number(band.p90) << "\n";
  }
  for (const ScatterPanel &panel : data.byParameter) {
    os << "scatter " << panel.yName << " vs " << panel.xName
       << (!panel.categories.empty() ? " categories=" + std::to_string(panel.categories.size())
           : panel.logX             ? " log"
                                    : " linear")
       << " points=" << panel.points.size() << " of " << panel.runs << "\n";
    for (const ScatterPoint &point : panel.points)
      os << "point " << panel.xName << " run=" << point.run << " x=" << number(point.x)
         << " y=" << number(point.y) << "\n";
  }
  if (data.hasPareto) {
    const ParetoPanel &panel = data.pareto;
    os << "pareto " << panel.metric << " vs joules" << (panel.logJoules ? " log" : " linear")
       << " points=" << panel.points.size() << " of " << panel.runs
       << " front=" << panel.front.size() << "\n";
    for (const ScatterPoint &point : panel.front)
      os << "front run=" << point.run << " joules=" << number(point.x) << " " << panel.metric
         << "=" << number(point.y) << "\n";
  }
  if (!data.parallel.lines.empty()) {
    const ParallelPanel &panel = data.parallel;
    os << "parallel axes=" << panel.axes.size() + 1 << " lines=" << panel.lines.size() << " of "
       << panel.runs << " metric=" << number(panel.metricLo) << ".." << number(panel.metricHi)
       << "\n";
    for (const ParallelLine &line : panel.lines) {
      os << "line run=" << line.run;
      for (double p : line.positions)
        os << " " << number(p);
      os << " colour=" << number(line.colour) << "\n";
    }
  }
  os << "groups " << data.groupCount << "\n";
  for (const GroupBar &bar : data.groups)
    os << "group " << quoted(bar.label) << " runs=" << bar.runs << " seconds=" << number(bar.seconds)
       << " joules=" << number(bar.joules) << "\n";
}
