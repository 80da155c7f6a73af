//===- ReportHtml.cpp - report.html from the report's data ----------------===//

#include "runtime/report/ReportHtml.h"

#include "runtime/report/SvgPlot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

using namespace sweep;

namespace {
// Distinct colours for the highlighted best runs (best first); the rest are grey.
const char *const kHighlightColours[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"};

std::string count(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

std::string fixed(double value, const char *format) {
  if (!std::isfinite(value))
    return "–";
  char text[48];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string slug(const std::string &text) {
  std::string out;
  for (char c : text)
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

const char *kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header,section{max-width:1240px;margin:0 auto;padding:16px 24px}
header{background:#fff;border-bottom:1px solid #dde1e7;max-width:none}
header>div{max-width:1240px;margin:0 auto}
h1{font-size:22px;margin:4px 0 8px}h2{font-size:17px;margin:18px 0 8px}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:4px 24px;margin:0}
.facts div{display:flex;gap:8px}.facts dt{color:#5b6577;min-width:84px}.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.note{color:#8a5a00;margin:6px 0 0}
.table-wrap{overflow-x:auto;background:#fff;border:1px solid #dde1e7;border-radius:6px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;width:100%}
th,td{padding:4px 10px;text-align:right;white-space:nowrap;border-bottom:1px solid #eef0f3}
th{position:sticky;top:0;background:#eef1f5;cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
td.text,th.text{text-align:left}tbody tr:hover{background:#f3f6fb}
.grid-plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:16px}
figure{margin:0;background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:8px}
figure.wide{grid-column:1/-1}
figcaption{color:#5b6577;font-size:12.5px;margin-top:4px}
svg.plot{width:100%;height:auto;display:block}
.frame{fill:none;stroke:#9aa3b2}.grid{stroke:#e6e9ee}.tick{font-size:10.5px;fill:#5b6577}
.axis-title{font-size:12px;fill:#1d2430}.legend{font-size:11px;fill:#1d2430}
polyline{fill:none;stroke-linejoin:round}.median{stroke-dasharray:5 3}
.front{fill:none}.pt{fill:#3b6fb6;fill-opacity:.45}.pg{fill:#8a93a3;fill-opacity:.45}.bar-label{font-size:11px;fill:#1d2430}.empty{color:#5b6577}
)";

// Sorts the leaderboard by a clicked column (numbers by data-v, text as text).
const char *kScript = R"(
document.querySelectorAll("table.sortable").forEach(function(table){
  table.querySelectorAll("th").forEach(function(th,column){
    th.addEventListener("click",function(){
      var down=th.getAttribute("aria-sort")!=="descending";
      table.querySelectorAll("th").forEach(function(h){h.removeAttribute("aria-sort");});
      th.setAttribute("aria-sort",down?"descending":"ascending");
      var numeric=th.dataset.type==="number",body=table.tBodies[0];
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=a.cells[column].dataset.v,y=b.cells[column].dataset.v;
        if(numeric){x=parseFloat(x);y=parseFloat(y);
          if(isNaN(x))return 1;if(isNaN(y))return -1;return down?y-x:x-y;}
        return down?y.localeCompare(x):x.localeCompare(y);});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
});
)";

void writeHeader(std::ostringstream &os, const ReportData &data) {
  const ReportHeader &h = data.header;
  os << "<header><div><h1>" << escapeXml(h.sweep) << "</h1><dl class=\"facts\">";
  auto fact = [&](const std::string &name, const std::string &value, const std::string &id) {
    if (!value.empty())
      os << "<div><dt>" << name << "</dt><dd id=\"" << id << "\">" << escapeXml(value)
         << "</dd></div>";
  };
  std::string runs = count(h.runs) + " (";
  bool first = true;
  for (const auto &[status, n] : h.byStatus)
    if (n || status == "ok") {
      runs += (first ? "" : ", ") + count(n) + " " + status;
      first = false;
    }
  runs += ")";
  std::string date = h.started.empty() ? "" : h.started + (h.finished.empty() ? "" : " to " + h.finished);
  std::string joules = std::isfinite(h.joules)
                           ? fixed(h.joules, "%.4g J") + ", " +
                                 (h.joulesMeasured ? "measured" : "an estimate") + " (" +
                                 h.joulesSource + ")"
                           : "not metered";
  // After a resume the total is the last invocation's: say so, with the
  // runs' own joules beside it. Regression: it read as the sweep's energy.
  if (std::isfinite(h.joules) && h.resumedRuns > 0)
    joules = fixed(h.joules, "%.4g J") + " in the last invocation, which resumed " +
             count(h.resumedRuns) + " finished runs" +
             (std::isfinite(h.runsJoules) ? "; " + fixed(h.runsJoules, "%.4g J") +
                                                " in all the runs' rows"
                                          : std::string()) +
             ", " + (h.joulesMeasured ? "measured" : "an estimate") + " (" + h.joulesSource +
             ")";
  fact("source", h.source, "fact-source");
  fact("date", date, "fact-date");
  fact("machine", h.host, "fact-machine");
  fact("device", h.device + (h.backend.empty() ? "" : " (" + h.backend + " backend)"),
       "fact-device");
  fact("runs", runs, "fact-runs");
  fact("time", std::isfinite(h.wallSeconds)
                   ? fixed(h.wallSeconds, "%.3g s wall") + ", " + fixed(h.runSeconds, "%.3g s of runs")
                   : fixed(h.runSeconds, "%.3g s of runs"),
       "fact-time");
  fact("energy", joules, "fact-energy");
  fact("ranked by", data.hasRanking ? data.rankedBy + (data.higherIsBetter ? " (higher is better)"
                                                                           : " (lower is better)")
                                    : "no metric",
       "fact-ranking");
  os << "</dl>";
  for (const std::string &note : h.notes)
    os << "<p class=\"note\">" << escapeXml(note) << "</p>";
  os << "</div></header>\n";
}

void writeLeaderboard(std::ostringstream &os, const ReportData &data) {
  os << "<section id=\"leaderboard\"><h2>Leaderboard</h2>";
  if (data.leaderboard.empty()) {
    os << "<p class=\"empty\">No run has a value of the ranking metric.</p></section>\n";
    return;
  }
  os << "<p>The best " << count(data.leaderboard.size()) << " of " << count(data.rankedRuns)
     << " ranked runs by " << escapeXml(data.rankedBy) << ". Click a column to sort by it.";
  if (data.savedWeights)
    os << " The trained weights of the best " << data.weightsBest
       << " (--save-weights) are in weights/: " << count(data.weightsFiles)
       << " files, NumPy archives (docs/results.md).";
  os << "</p><div class=\"table-wrap\">"
        "<table id=\"leaderboard-table\" class=\"sortable\"><thead><tr>";
  auto th = [&](const std::string &name, bool number) {
    os << "<th" << (number ? " data-type=\"number\"" : " class=\"text\"") << ">"
       << escapeXml(name) << "</th>";
  };
  th("rank", true);
  th("run", true);
  th("group", true);
  for (const ReportParameter &p : data.parameters)
    th(p.name, p.numeric);
  for (const std::string &metric : data.metricNames)
    th(metric, true);
  th("epochs", true);
  th("status", false);
  th("seconds", true);
  th("joules", true);
  if (data.savedWeights)
    th("weights", false);
  os << "</tr></thead><tbody>\n";
  auto numberCell = [&](double value, const std::string &shown) {
    os << "<td data-v=\"" << (std::isfinite(value) ? fixed(value, "%.17g") : "nan") << "\">"
       << escapeXml(shown) << "</td>";
  };
  for (const LeaderboardRow &row : data.leaderboard) {
    const ResultRun &run = *row.run;
    os << "<tr>";
    numberCell(double(row.rank), std::to_string(row.rank));
    numberCell(double(run.id), std::to_string(run.id));
    numberCell(double(run.group), std::to_string(run.group));
    for (const ReportParameter &p : data.parameters) {
      const std::string &value = run.settings[p.column];
      // A setting as runs.csv writes it: seeds 4294967290 and 4294967291
      // are two labels, not "4.29497e+09" twice. A run without the setting
      // (an sgd run's beta2) shows nothing and sorts as none, not as 0.
      if (p.numeric)
        numberCell(value.empty() ? NAN : std::strtod(value.c_str(), nullptr), value);
      else
        os << "<td class=\"text\" data-v=\"" << escapeXml(value) << "\">" << escapeXml(value)
           << "</td>";
    }
    for (double value : run.metrics)
      numberCell(value, fixed(value, "%.4g"));
    numberCell(double(run.epochs), std::to_string(run.epochs));
    os << "<td class=\"text\" data-v=\"" << escapeXml(run.status) << "\">"
       << escapeXml(run.status + (run.stopReason.empty() ? "" : " (" + run.stopReason + ")"))
       << "</td>";
    numberCell(run.seconds, fixed(run.seconds, "%.3g"));
    numberCell(run.joules, fixed(run.joules, "%.3g"));
    if (data.savedWeights) {
      // A relative link: it opens beside report.html wherever the folder is copied.
      if (row.weightsFile.empty())
        os << "<td class=\"text\" data-v=\"\">-</td>";
      else
        os << "<td class=\"text\" data-v=\"" << escapeXml(row.weightsFile) << "\"><a href=\""
           << escapeXml(row.weightsFile) << "\">" << escapeXml(row.weightsFile.substr(8))
           << "</a></td>";
    }
    os << "</tr>\n";
  }
  os << "</tbody></table></div></section>\n";
}

std::string caption(const std::string &text) { return "<figcaption>" + text + "</figcaption>"; }

void writeCurves(std::ostringstream &os, const CurvePanel &panel, const ReportData &data) {
  int64_t lastEpoch = 1;
  double lo = INFINITY, hi = -INFINITY;
  for (const CurveLine &line : panel.lines)
    for (const auto &[epoch, value] : line.points) {
      lastEpoch = std::max(lastEpoch, epoch);
      lo = std::min(lo, value);
      hi = std::max(hi, value);
    }
  for (const CurveBand &band : panel.bands) {
    lastEpoch = std::max(lastEpoch, band.epoch);
    lo = std::min(lo, band.p10);
    hi = std::max(hi, band.p90);
  }
  // A run whose loss explodes would flatten every other line on a linear
  // axis: values spanning more than a factor of 50 go on a log axis.
  bool logY = lo > 0 && hi / lo >= 50;
  SvgPlot plot("curves-" + slug(panel.metric), panel.metric + " per epoch");
  plot.axes(1, double(lastEpoch), false, "epoch", lo, hi, logY, panel.metric);
  if (!panel.bands.empty()) {
    std::vector<double> xs, lower, upper;
    std::vector<std::pair<double, double>> median;
    for (const CurveBand &band : panel.bands) {
      xs.push_back(double(band.epoch));
      lower.push_back(band.p10);
      upper.push_back(band.p90);
      median.push_back({double(band.epoch), band.median});
    }
    plot.band(xs, lower, upper, "#8da0cb", 0.25);
    plot.line(median, "#3b4a6b", 1.5, 1, "median of all runs", "median");
  }
  size_t highlighted = 0;
  std::vector<std::pair<std::string, std::string>> legend;
  for (size_t i = 0; i < panel.lines.size(); ++i) {
    const CurveLine &line = panel.lines[i];
    std::vector<std::pair<double, double>> points;
    for (const auto &[epoch, value] : line.points)
      points.push_back({double(epoch), value});
    if (!line.highlighted) {
      plot.line(points, "#8a93a3", 1, 0.3, "", "faint");
      continue;
    }
    // Highlighted lines come worst to best; the best gets the first colour.
    size_t place = panel.lines.size() - 1 - i;
    const char *colour = kHighlightColours[std::min<size_t>(place, 4)];
    plot.line(points, colour, 2.2, 1, "run " + std::to_string(line.run), "highlighted");
    legend.insert(legend.begin(), {colour, "#" + std::to_string(place + 1) + ": run " +
                                               std::to_string(line.run)});
    highlighted++;
  }
  plot.legend(legend);
  std::string text = highlighted ? "The best " + std::to_string(highlighted) + " runs by " +
                                       data.rankedBy + " in colour"
                                 : "No run is ranked";
  size_t faint = panel.lines.size() - highlighted;
  if (panel.bands.empty())
    text += highlighted ? ", every other run (" + count(faint) + ") in grey."
                        : "; every run (" + count(faint) + ") in grey.";
  else
    text += "; " + count(faint) + " of " + count(panel.runsWithCurves) +
            " runs in grey, evenly spaced in rank; the band is the 10th to 90th percentile of "
            "the runs that trained each epoch and the dashed line their median.";
  os << "<figure>" << plot.finish() << caption(escapeXml(text)) << "</figure>\n";
}

void writeScatter(std::ostringstream &os, const ScatterPanel &panel, const ReportData &data) {
  double xLo = INFINITY, xHi = -INFINITY, yLo = INFINITY, yHi = -INFINITY;
  for (const ScatterPoint &p : panel.points) {
    xLo = std::min(xLo, p.x), xHi = std::max(xHi, p.x);
    yLo = std::min(yLo, p.y), yHi = std::max(yHi, p.y);
  }
  SvgPlot plot("by-" + slug(panel.xName), data.rankedBy + " against " + panel.xName);
  plot.axes(xLo, xHi, panel.logX, panel.xName, yLo, yHi, false, data.rankedBy, panel.categories);
  size_t n = panel.points.size();
  // A grid's few values put its runs in columns: spread each column a little
  // (by run id, so the picture is the same every time) to show how many.
  std::set<double> values;
  for (const ScatterPoint &p : panel.points)
    values.insert(p.x);
  bool columns = (values.size() <= 20 || !panel.categories.empty()) && n > values.size();
  for (size_t i = 0; i < n; ++i) {
    const ScatterPoint &p = panel.points[i];
    bool best = i + 1 == n;
    // Words get wider columns: there are few of them.
    double spread = panel.categories.empty() ? 12 : 24;
    double jitter =
        columns ? (double(uint64_t(p.run) * 2654435761u % 1000) / 1000 - 0.5) * spread : 0;
    // The setting's value and the metric's: the columns of words beyond
    // ten have no label. Regression: a dot said only "run N".
    std::string x = panel.categories.empty() ? shortNumber(p.x)
                    : panel.categories[size_t(p.x)].empty() ? "n/a"
                                                            : panel.categories[size_t(p.x)];
    std::string values = ": " + panel.xName + "=" + x + ", " + data.rankedBy + " " +
                         shortNumber(p.y);
    if (best)
      plot.circle(p.x, p.y, 5, kHighlightColours[0], 1,
                  "best: run " + std::to_string(p.run) + values);
    else
      plot.dot(p.x, p.y, "pt", "run " + std::to_string(p.run) + values, jitter);
  }
  std::string text = escapeXml(data.rankedBy) + " of each run against " + escapeXml(panel.xName) +
                     (panel.logX ? " (a log axis: the sweep spans it with logspace or loguniform)"
                                 : "") +
                     "; the best run in red" +
                     (columns ? ", each column spread sideways to show its runs. " : ". ");
  text += n < panel.runs ? count(n) + " of " + count(panel.runs) +
                               " ranked runs drawn, evenly spaced in rank."
                         : "Every ranked run (" + count(panel.runs) + ").";
  os << "<figure>" << plot.finish() << caption(text) << "</figure>\n";
}

void writePareto(std::ostringstream &os, const ReportData &data) {
  const ParetoPanel &panel = data.pareto;
  double xLo = INFINITY, xHi = -INFINITY, yLo = INFINITY, yHi = -INFINITY;
  for (const std::vector<ScatterPoint> *set : {&panel.points, &panel.front})
    for (const ScatterPoint &p : *set) {
      xLo = std::min(xLo, p.x), xHi = std::max(xHi, p.x);
      yLo = std::min(yLo, p.y), yHi = std::max(yHi, p.y);
    }
  SvgPlot plot("pareto", panel.metric + " against joules, with the Pareto front");
  plot.axes(xLo, xHi, panel.logJoules, "joules per run", yLo, yHi, false, panel.metric);
  for (const ScatterPoint &p : panel.points)
    plot.dot(p.x, p.y, "pg", "run " + std::to_string(p.run));
  // The front as a staircase: each step holds its metric until the next run.
  // A front of thousands of runs (accuracy that always rises with joules)
  // is drawn through kMaxFrontPoints of them, evenly spaced along it.
  std::vector<ScatterPoint> front;
  for (size_t index : evenlySpaced(panel.front.size(), kMaxFrontPoints))
    front.push_back(panel.front[index]);
  std::vector<std::pair<double, double>> steps;
  for (size_t i = 0; i < front.size(); ++i) {
    if (i)
      steps.push_back({front[i].x, front[i - 1].y});
    steps.push_back({front[i].x, front[i].y});
  }
  plot.line(steps, kHighlightColours[0], 1.8, 1, "Pareto front", "front");
  for (const ScatterPoint &p : front)
    plot.circle(p.x, p.y, 4.5, kHighlightColours[0], 1,
                "run " + std::to_string(p.run) + ": " + shortNumber(p.y) + " for " +
                    shortNumber(p.x) + " J");
  plot.legend({{"#8a93a3", "runs"}, {kHighlightColours[0], "Pareto front"}});
  std::string text = "Each run's " + escapeXml(panel.metric) +
                     " against its joules. In red, the Pareto front over every run (" +
                     count(panel.front.size()) + (panel.front.size() == 1 ? " run" : " runs") +
                     (front.size() < panel.front.size()
                          ? ", " + count(front.size()) + " of them drawn, evenly spaced along it"
                          : "") +
                     "): none is beaten on the metric for the same energy or less. ";
  text += panel.points.size() < panel.runs
              ? count(panel.points.size()) + " of " + count(panel.runs) +
                    " runs drawn in grey, evenly spaced in rank."
              : "Every run with joules (" + count(panel.runs) + ").";
  if (!data.header.joulesMeasured)
    text += " The joules are estimated (" + escapeXml(data.header.joulesSource) +
            "), not measured.";
  os << "<figure>" << plot.finish() << caption(text) << "</figure>\n";
}

void writeParallel(std::ostringstream &os, const ReportData &data) {
  const ParallelPanel &panel = data.parallel;
  const double width = 960, height = 340, top = 40, bottom = 276, left = 60, right = 900;
  size_t axes = panel.axes.size() + 1;
  auto axisX = [&](size_t a) { return left + (right - left) * double(a) / double(axes - 1); };
  auto y = [&](double position) { return bottom - position * (bottom - top); };
  std::ostringstream svg;
  char text[64];
  svg << "<svg id=\"parallel\" class=\"plot\" viewBox=\"0 0 " << width << " " << height
      << "\" role=\"img\" aria-label=\"parallel coordinates of the runs\" "
         "xmlns=\"http://www.w3.org/2000/svg\">";
  for (const ParallelLine &line : panel.lines) {
    svg << "<polyline class=\"pc\" points=\"";
    for (size_t a = 0; a < line.positions.size(); ++a) {
      std::snprintf(text, sizeof text, "%s%.1f,%.1f", a ? " " : "", axisX(a), y(line.positions[a]));
      svg << text;
    }
    svg << "\" stroke=\"" << viridis(line.colour) << "\" stroke-width=\""
        << (line.colour > 0.98 || panel.lines.size() <= 100 ? "1.6" : "0.8")
        << "\" stroke-opacity=\"" << (panel.lines.size() <= 100 ? "0.8" : "0.45")
        << "\"><title>run "
        << line.run << ": " << escapeXml(data.rankedBy) << " " << shortNumber(line.metric)
        << "</title></polyline>";
  }
  // Axes on top of the lines, each with its name and its ends' values.
  for (size_t a = 0; a < axes; ++a) {
    double x = axisX(a);
    std::string name, topLabel, bottomLabel;
    if (a + 1 < axes) {
      const ReportParameter &p = panel.axes[a];
      name = p.name + (p.logScale ? " (log)" : "");
      auto word = [](const std::string &value) { return value.empty() ? "n/a" : value; };
      topLabel = p.numeric ? shortNumber(p.hi) : word(p.categories.back());
      bottomLabel = p.numeric ? shortNumber(p.lo) : word(p.categories.front());
      // The words between, at most kMaxCategoryLabels of them.
      size_t n = p.categories.size();
      if (!p.numeric && n > 2)
        for (size_t c : evenlySpaced(n, kMaxCategoryLabels)) {
          if (c == 0 || c + 1 == n)
            continue;
          double at = y(double(c) / double(n - 1));
          std::snprintf(text, sizeof text, "%.1f", at);
          svg << "<text class=\"tick\" x=\"" << x + 4 << "\" y=\"" << text << "\">"
              << escapeXml(clipText(word(p.categories[c]), 24)) << "</text>";
        }
      if (p.missing) {
        std::snprintf(text, sizeof text, "%.1f", y(kMissingPosition) + 4);
        svg << "<text class=\"tick\" x=\"" << x + 4 << "\" y=\"" << text << "\">n/a</text>";
      }
    } else {
      name = data.rankedBy;
      bool higher = data.higherIsBetter;
      topLabel = shortNumber(higher ? panel.metricHi : panel.metricLo);
      bottomLabel = shortNumber(higher ? panel.metricLo : panel.metricHi);
    }
    svg << "<line class=\"frame\" x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << top
        << "\" y2=\"" << bottom << "\"/><text class=\"axis-title\" x=\"" << x
        << "\" y=\"20\" text-anchor=\"middle\">" << escapeXml(name)
        << "</text><text class=\"tick\" x=\"" << x + 4 << "\" y=\"" << top + 4 << "\">"
        << escapeXml(clipText(topLabel, 24)) << "</text><text class=\"tick\" x=\"" << x + 4
        << "\" y=\"" << bottom + 14 << "\">" << escapeXml(clipText(bottomLabel, 24)) << "</text>";
  }
  svg << "<text class=\"legend\" x=\"" << left << "\" y=\"330\">colour: rank by "
      << escapeXml(data.rankedBy) << " (yellow best, purple worst); the best at the top of the "
      << escapeXml(data.rankedBy) << " axis</text></svg>";
  std::string caption = "Every varying hyperparameter (the seed left out) and " +
                        escapeXml(data.rankedBy) + ", one line per run. ";
  caption += panel.lines.size() < panel.runs
                 ? count(panel.lines.size()) + " of " + count(panel.runs) +
                       " ranked runs drawn, evenly spaced in rank."
                 : "Every ranked run (" + count(panel.runs) + ").";
  os << "<figure class=\"wide\">" << svg.str() << "<figcaption>" << caption
     << "</figcaption></figure>\n";
}

void writeGroups(std::ostringstream &os, const ReportData &data) {
  const double width = 960, rowHeight = 18, top = 28, labelWidth = 330, barWidth = 270,
               gap = 24;
  double height = top + rowHeight * double(data.groups.size()) + 12;
  double maxSeconds = 0, maxJoules = 0;
  for (const GroupBar &bar : data.groups) {
    maxSeconds = std::max(maxSeconds, bar.seconds);
    maxJoules = std::max(maxJoules, bar.joules);
  }
  std::ostringstream svg;
  svg << "<svg id=\"groups\" class=\"plot\" viewBox=\"0 0 " << width << " " << height
      << "\" role=\"img\" aria-label=\"time and energy per group\" "
         "xmlns=\"http://www.w3.org/2000/svg\">";
  double secondsX = labelWidth, joulesX = labelWidth + barWidth + gap + 60;
  svg << "<text class=\"axis-title\" x=\"" << secondsX << "\" y=\"16\">seconds (runs' sum)</text>"
      << "<text class=\"axis-title\" x=\"" << joulesX << "\" y=\"16\">joules (runs' sum)</text>";
  char text[64];
  for (size_t i = 0; i < data.groups.size(); ++i) {
    const GroupBar &bar = data.groups[i];
    double y = top + rowHeight * double(i);
    // Negative sums (a meter's glitch) draw no bar, not a negative width.
    double secondsLength = maxSeconds > 0 ? barWidth * std::max(0.0, bar.seconds) / maxSeconds : 0;
    double joulesLength = maxJoules > 0 ? barWidth * std::max(0.0, bar.joules) / maxJoules : 0;
    std::string label =
        clipText(bar.label + " (" + count(bar.runs) + (bar.runs == 1 ? " run)" : " runs)"), 52);
    std::snprintf(text, sizeof text, "%.1f", y + 12);
    svg << "<text class=\"bar-label\" x=\"" << labelWidth - 8 << "\" y=\"" << text
        << "\" text-anchor=\"end\">" << escapeXml(label) << "<title>" << escapeXml(bar.label)
        << "</title></text>";
    std::snprintf(text, sizeof text, "%.1f", secondsLength);
    svg << "<rect class=\"bar\" x=\"" << secondsX << "\" y=\"" << y + 3 << "\" width=\"" << text
        << "\" height=\"" << rowHeight - 6 << "\" fill=\"#3b6fb6\"/><text class=\"tick\" x=\""
        << secondsX + secondsLength + 4 << "\" y=\"" << y + 12 << "\">"
        << shortNumber(bar.seconds) << "</text>";
    std::snprintf(text, sizeof text, "%.1f", joulesLength);
    svg << "<rect class=\"bar\" x=\"" << joulesX << "\" y=\"" << y + 3 << "\" width=\"" << text
        << "\" height=\"" << rowHeight - 6 << "\" fill=\"#e5a00d\"/><text class=\"tick\" x=\""
        << joulesX + joulesLength + 4 << "\" y=\"" << y + 12 << "\">"
        << (std::isfinite(bar.joules) ? shortNumber(bar.joules) : std::string("not metered"))
        << "</text>";
  }
  svg << "</svg>";
  std::string caption = "Time and energy of each group's runs (a group: the runs compiled "
                        "into one program). ";
  if (data.groupCount > data.groups.size())
    caption += "The costliest " + std::to_string(data.groups.size() - 1) + " of " +
               count(data.groupCount) + " groups, the rest summed in the last bar.";
  if (!data.header.joulesMeasured && std::isfinite(data.header.joules))
    caption += " Joules estimated (" + escapeXml(data.header.joulesSource) + ").";
  os << "<figure class=\"wide\">" << svg.str() << "<figcaption>" << caption
     << "</figcaption></figure>\n";
}
} // namespace

std::string sweep::renderReportHtml(const ReportData &data) {
  std::ostringstream os;
  os << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta name=\"generator\" content=\"sweepc\"><title>"
     << escapeXml(data.header.sweep) << ": sweep report</title><style>" << kStyle
     << "</style></head><body>\n";
  writeHeader(os, data);
  writeLeaderboard(os, data);
  os << "<section id=\"plots\"><h2>Learning curves</h2><div class=\"grid-plots\">\n";
  for (const CurvePanel &panel : data.curves)
    writeCurves(os, panel, data);
  if (data.curves.empty())
    os << "<p class=\"empty\">No curves.csv rows to draw.</p>";
  os << "</div><h2>" << escapeXml(data.rankedBy.empty() ? "The metric" : data.rankedBy)
     << " against each hyperparameter</h2><div class=\"grid-plots\">\n";
  std::string unranked = "<p class=\"empty\">No run has a value of " +
                         escapeXml(data.hasRanking ? data.rankedBy : "a metric") +
                         " to draw.</p>";
  for (const ScatterPanel &panel : data.byParameter)
    writeScatter(os, panel, data);
  if (data.rankedRuns == 0)
    os << unranked;
  else if (data.byParameter.empty()) {
    // Regression: a setting of too many words to plot read as no setting.
    std::string wordy;
    for (const ReportParameter &parameter : data.parameters)
      if (parameter.name != "seed" && tooManyWordsForScatter(parameter))
        wordy += (wordy.empty() ? "" : ", ") + parameter.name + " (" +
                 std::to_string(parameter.categories.size()) + " values)";
    os << "<p class=\"empty\">"
       << (wordy.empty() ? std::string("No hyperparameter but the seed varies in this sweep.")
                         : escapeXml("No plot against " + wordy + ": more than " +
                                     std::to_string(kMaxScatterCategories) +
                                     " words each; the parallel coordinates below draw them."))
       << "</p>";
  }
  os << "</div><h2>Accuracy and energy</h2><div class=\"grid-plots\">\n";
  if (data.hasPareto)
    writePareto(os, data);
  else if (data.rankedRuns == 0)
    os << unranked;
  else
    os << "<p class=\"empty\">No run has joules (the sweep ran with --no-energy or without a "
          "meter).</p>";
  os << "</div><h2>All runs</h2><div class=\"grid-plots\">\n";
  if (!data.parallel.lines.empty())
    writeParallel(os, data);
  else if (data.rankedRuns == 0)
    os << unranked;
  else
    os << "<p class=\"empty\">No hyperparameter other than the seed varies.</p>";
  os << "</div><h2>Time and energy per group</h2><div class=\"grid-plots\">\n";
  writeGroups(os, data);
  os << "</div></section>\n<script>" << kScript << "</script>\n</body></html>\n";
  return os.str();
}
