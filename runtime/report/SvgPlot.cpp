//===- SvgPlot.cpp - axes, ticks and marks as inline SVG ------------------===//

#include "runtime/report/SvgPlot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace sweep;

Scale::Scale(double lo, double hi, bool log, double from, double to)
    : from(from), to(to), log(log) {
  if (log) {
    // Kept as decades (log10), clamped to what a double holds: 1e-320 J or
    // 1e300 must not turn into 0 or inf on the way.
    double a = lo > 0 && std::isfinite(lo) ? std::log10(lo) : NAN;
    double b = hi > 0 && std::isfinite(hi) ? std::log10(hi) : NAN;
    if (!std::isfinite(a) || !std::isfinite(b)) {
      a = 0;
      b = 1;
    }
    a = std::clamp(a, -300.0, 300.0);
    b = std::clamp(b, a, 300.0);
    double pad = b - a > 1e-9 ? (b - a) * 0.04 : 0.5;
    lowExp = a - pad;
    highExp = b + pad;
    low = std::pow(10.0, lowExp);
    high = std::pow(10.0, highExp);
    return;
  }
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    lo = 0;
    hi = 1;
  }
  lo = std::clamp(lo, -1e300, 1e300);
  hi = std::clamp(hi, lo, 1e300);
  // Values a few ulps apart (0.3 and 0.30000000000000004) are one value: a
  // span below the doubles' resolution gets a visible width instead.
  double magnitude = std::max(std::fabs(lo), std::fabs(hi));
  double pad = hi - lo > 1e-9 * magnitude && hi > lo ? (hi - lo) * 0.04
                                                      : (magnitude == 0 ? 1 : magnitude * 0.1);
  low = lo - pad;
  high = hi + pad;
}

double Scale::operator()(double value) const {
  double t;
  if (log) {
    double exponent = value > 0 ? std::clamp(std::log10(value), -400.0, 400.0) : lowExp;
    t = (exponent - lowExp) / (highExp - lowExp);
  } else {
    t = (value - low) / (high - low);
  }
  return from + t * (to - from);
}

std::vector<double> Scale::ticks() const {
  std::vector<double> out;
  if (log) {
    int first = int(std::ceil(lowExp - 1e-9)), last = int(std::floor(highExp + 1e-9));
    // At most about 8 labels: every decade, or every k-th over a wide range.
    int every = std::max(1, (last - first + 8) / 8);
    bool fine = last - first < 2;
    for (int e = first - 1; e <= last; ++e) {
      if (!fine && (e - first) % every != 0)
        continue;
      for (double m : fine ? std::vector<double>{1, 2, 5} : std::vector<double>{1}) {
        double exponent = std::log10(m) + e;
        if (exponent >= lowExp && exponent <= highExp)
          out.push_back(m * std::pow(10.0, e));
      }
    }
    return out;
  }
  double span = high - low;
  double step = std::pow(10.0, std::floor(std::log10(span / 5)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (span / (step * m) <= 6) {
      step *= m;
      break;
    }
  // Counted, not accumulated: adding a step too small to move the value
  // would loop for ever.
  double first = std::ceil(low / step);
  for (int k = 0; k <= 12; ++k) {
    double v = (first + k) * step;
    if (v > high + step * 1e-9)
      break;
    out.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

std::string sweep::shortNumber(double value) {
  if (!std::isfinite(value))
    return std::isnan(value) ? "–" : (value > 0 ? "∞" : "-∞");
  char text[32];
  double magnitude = std::fabs(value);
  if (magnitude >= 999.5e3 || (magnitude > 0 && magnitude < 1e-3))
    std::snprintf(text, sizeof text, "%.2g", value);
  else if (magnitude >= 1e4)
    std::snprintf(text, sizeof text, "%.3gk", value / 1e3);
  else
    std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

std::string sweep::clipText(const std::string &text, size_t bytes) {
  if (text.size() <= bytes)
    return text;
  size_t cut = bytes - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return text.substr(0, cut) + "…";
}

std::string sweep::escapeXml(const std::string &text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  }
  return out;
}

std::string sweep::viridis(double t) {
  // Nine stops of matplotlib's viridis, interpolated.
  static const unsigned char stops[9][3] = {{68, 1, 84},    {72, 40, 120},  {62, 74, 137},
                                            {49, 104, 142}, {38, 130, 142}, {31, 158, 137},
                                            {53, 183, 121}, {110, 206, 88}, {253, 231, 37}};
  t = std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : 0;
  double at = t * 8;
  int i = std::min(7, int(at));
  double f = at - i;
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x",
                int(stops[i][0] + f * (stops[i + 1][0] - stops[i][0]) + 0.5),
                int(stops[i][1] + f * (stops[i + 1][1] - stops[i][1]) + 0.5),
                int(stops[i][2] + f * (stops[i + 1][2] - stops[i][2]) + 0.5));
  return text;
}

namespace {
std::string px(double value) {
  char text[24];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}
} // namespace

SvgPlot::SvgPlot(const std::string &id, const std::string &title) : id(id), title(title) {}

void SvgPlot::axes(double xLo, double xHi, bool xLog, const std::string &xTitle, double yLo,
                   double yHi, bool yLog, const std::string &yTitle,
                   const std::vector<std::string> &xWords) {
  double right = kWidth - kRight, bottom = kHeight - kBottom;
  if (!xWords.empty()) {
    // Half a column of room on either side of the first and last word.
    xLo = -0.5;
    xHi = double(xWords.size()) - 0.5;
  }
  xScale = Scale(xLo, xHi, xLog, kLeft, right);
  yScale = Scale(yLo, yHi, yLog, bottom, kTop);
  body += "<rect class=\"frame\" x=\"" + px(kLeft) + "\" y=\"" + px(kTop) + "\" width=\"" +
          px(right - kLeft) + "\" height=\"" + px(bottom - kTop) + "\"/>";
  std::vector<std::pair<double, std::string>> xTicks;
  if (xWords.empty()) {
    for (double v : xScale.ticks())
      xTicks.push_back({v, shortNumber(v)});
  } else {
    // Every word while they fit, else every k-th; long ones cut.
    size_t every = (xWords.size() + 9) / 10;
    for (size_t k = 0; k < xWords.size(); k += every) {
      std::string word = xWords[k].empty() ? "n/a" : xWords[k];
      xTicks.push_back({double(k), clipText(word, 14)});
    }
  }
  for (const auto &[v, label] : xTicks) {
    std::string at = px(xScale(v));
    body += "<line class=\"grid\" x1=\"" + at + "\" x2=\"" + at + "\" y1=\"" + px(kTop) +
            "\" y2=\"" + px(bottom) + "\"/><text class=\"tick\" x=\"" + at + "\" y=\"" +
            px(bottom + 16) + "\" text-anchor=\"middle\">" + escapeXml(label) + "</text>";
  }
  for (double v : yScale.ticks()) {
    std::string at = px(yScale(v));
    body += "<line class=\"grid\" x1=\"" + px(kLeft) + "\" x2=\"" + px(right) + "\" y1=\"" + at +
            "\" y2=\"" + at + "\"/><text class=\"tick\" x=\"" + px(kLeft - 6) + "\" y=\"" + at +
            "\" dy=\"4\" text-anchor=\"end\">" + escapeXml(shortNumber(v)) + "</text>";
  }
  body += "<text class=\"axis-title\" x=\"" + px((kLeft + right) / 2) + "\" y=\"" +
          px(kHeight - 8) + "\" text-anchor=\"middle\">" +
          escapeXml(xTitle + (xLog ? " (log)" : "")) + "</text>";
  body += "<text class=\"axis-title\" transform=\"translate(14," + px((kTop + bottom) / 2) +
          ") rotate(-90)\" text-anchor=\"middle\">" + escapeXml(yTitle + (yLog ? " (log)" : "")) +
          "</text>";
}

void SvgPlot::circle(double x, double y, double radius, const std::string &fill, double opacity,
                     const std::string &tooltip) {
  if (!std::isfinite(x) || !std::isfinite(y))
    return;
  body += "<circle cx=\"" + px(xScale(x)) + "\" cy=\"" + px(yScale(y)) + "\" r=\"" + px(radius) +
          "\" fill=\"" + fill + "\"";
  if (opacity < 1)
    body += " fill-opacity=\"" + px(opacity) + "\"";
  body += tooltip.empty() ? "/>" : "><title>" + escapeXml(tooltip) + "</title></circle>";
}

void SvgPlot::dot(double x, double y, const char *cls, const std::string &tooltip, double dx) {
  if (!std::isfinite(x) || !std::isfinite(y))
    return;
  body += std::string("<circle class=\"") + cls + "\" cx=\"" + px(xScale(x) + dx) + "\" cy=\"" +
          px(yScale(y)) + "\" r=\"3\"><title>" + escapeXml(tooltip) + "</title></circle>";
}

void SvgPlot::line(const std::vector<std::pair<double, double>> &points, const std::string &stroke,
                   double width, double opacity, const std::string &tooltip,
                   const std::string &cls) {
  std::string coordinates;
  for (const auto &[x, y] : points)
    if (std::isfinite(x) && std::isfinite(y))
      coordinates += (coordinates.empty() ? "" : " ") + px(xScale(x)) + "," + px(yScale(y));
  if (coordinates.empty())
    return;
  body += "<polyline class=\"" + cls + "\" clip-path=\"url(#" + id + "-clip)\" points=\"" +
          coordinates + "\" stroke=\"" + stroke + "\" stroke-width=\"" + px(width) + "\"";
  if (opacity < 1)
    body += " stroke-opacity=\"" + px(opacity) + "\"";
  body += tooltip.empty() ? "/>" : "><title>" + escapeXml(tooltip) + "</title></polyline>";
}

void SvgPlot::band(const std::vector<double> &xs, const std::vector<double> &lower,
                   const std::vector<double> &upper, const std::string &fill, double opacity) {
  std::string coordinates;
  for (size_t i = 0; i < xs.size(); ++i)
    coordinates += px(xScale(xs[i])) + "," + px(yScale(upper[i])) + " ";
  for (size_t i = xs.size(); i-- > 0;)
    coordinates += px(xScale(xs[i])) + "," + px(yScale(lower[i])) + " ";
  if (!xs.empty())
    body += "<polygon class=\"band\" clip-path=\"url(#" + id + "-clip)\" points=\"" +
            coordinates + "\" fill=\"" + fill + "\" fill-opacity=\"" + px(opacity) + "\"/>";
}

void SvgPlot::legend(const std::vector<std::pair<std::string, std::string>> &entries) {
  double y = kTop + 10;
  // A pale backing, so the lines under the legend do not cross its text.
  body += "<rect x=\"" + px(kWidth - kRight - 156) + "\" y=\"" + px(kTop + 1) +
          "\" width=\"152\" height=\"" + px(15.0 * double(entries.size()) + 4) +
          "\" fill=\"#fff\" fill-opacity=\"0.85\"/>";
  for (const auto &[colour, label] : entries) {
    body += "<rect x=\"" + px(kWidth - kRight - 150) + "\" y=\"" + px(y - 7) +
            "\" width=\"10\" height=\"10\" fill=\"" + colour + "\"/><text class=\"legend\" x=\"" +
            px(kWidth - kRight - 136) + "\" y=\"" + px(y + 2) + "\">" + escapeXml(label) +
            "</text>";
    y += 15;
  }
}

std::string SvgPlot::finish() const {
  return "<svg id=\"" + escapeXml(id) + "\" class=\"plot\" viewBox=\"0 0 " + px(kWidth) + " " +
         px(kHeight) + "\" role=\"img\" aria-label=\"" + escapeXml(title) +
         "\" xmlns=\"http://www.w3.org/2000/svg\"><defs><clipPath id=\"" + escapeXml(id) +
         "-clip\"><rect x=\"" + px(kLeft) + "\" y=\"" + px(kTop) + "\" width=\"" +
         px(kWidth - kRight - kLeft) + "\" height=\"" + px(kHeight - kBottom - kTop) +
         "\"/></clipPath></defs>" + body + "</svg>";
}
