//===- SvgPlot.h - axes, ticks and marks as inline SVG -----------*- C++ -*-===//
//
// report.html draws its plots as SVG text written here, not by a script
// library: the file needs no network, opens without JavaScript, and the
// markup is what golden tests and the browser test look at.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_REPORT_SVGPLOT_H
#define SWEEP_RUNTIME_REPORT_SVGPLOT_H

#include <string>
#include <vector>

namespace sweep {

/// Data values to pixels along one axis, linear or logarithmic (base 10).
class Scale {
public:
  Scale() = default;
  /// The domain [lo, hi] (widened when empty, padded a little) onto
  /// [from, to] pixels; `log` needs lo > 0.
  Scale(double lo, double hi, bool log, double from, double to);
  double operator()(double value) const;
  bool isLog() const { return log; }
  double lo() const { return low; }
  double hi() const { return high; }
  /// Round values inside the domain: 1-2-5 steps, or decades on a log axis
  /// (with 2 and 5 between when it spans fewer than three).
  std::vector<double> ticks() const;

private:
  double low = 0, high = 1, from = 0, to = 1;
  double lowExp = 0, highExp = 1; // log10 of the domain, on a log axis.
  bool log = false;
};

/// A number short enough for a tick or a table cell: 0.001, 3e-05, 1.2k.
std::string shortNumber(double value);

/// `text` cut to at most `bytes` (and an ellipsis), at a UTF-8 character
/// boundary so that the page stays valid UTF-8.
std::string clipText(const std::string &text, size_t bytes);

/// `text` with &, <, >, " escaped for HTML and SVG.
std::string escapeXml(const std::string &text);

/// Viridis at t in [0, 1] (dark purple to yellow), as #rrggbb: readable
/// when printed in grey and by readers with red-green colour blindness.
std::string viridis(double t);

/// One plot: a frame with ticks and axis titles, then marks added in data
/// coordinates.
class SvgPlot {
public:
  static constexpr double kWidth = 480, kHeight = 320;
  static constexpr double kLeft = 64, kRight = 16, kTop = 16, kBottom = 48;

  /// `id` names the <svg> (tests find it); `title` is its accessible name.
  SvgPlot(const std::string &id, const std::string &title);
  /// Draws the frame, grid and ticks; later marks use these scales.
  /// `xWords`, when not empty, names the x positions 0, 1, ... (a setting
  /// of words) instead of numeric ticks.
  void axes(double xLo, double xHi, bool xLog, const std::string &xTitle, double yLo, double yHi,
            bool yLog, const std::string &yTitle, const std::vector<std::string> &xWords = {});
  const Scale &x() const { return xScale; }
  const Scale &y() const { return yScale; }

  void circle(double x, double y, double radius, const std::string &fill, double opacity,
              const std::string &tooltip);
  /// A small point (radius 3) styled by CSS class `cls`: the many points of
  /// a large sweep, in as few bytes as a tooltip allows.
  /// `dx` shifts it sideways by that many pixels (jitter: runs that share a
  /// setting's value would otherwise hide each other in one column).
  void dot(double x, double y, const char *cls, const std::string &tooltip, double dx = 0);
  /// A polyline through points (x, y) clipped to the frame.
  void line(const std::vector<std::pair<double, double>> &points, const std::string &stroke,
            double width, double opacity, const std::string &tooltip, const std::string &cls);
  /// A filled band between lower and upper points at the same x.
  void band(const std::vector<double> &xs, const std::vector<double> &lower,
            const std::vector<double> &upper, const std::string &fill, double opacity);
  /// Raw SVG inside the plot (pixel coordinates).
  void raw(const std::string &svg) { body += svg; }
  void legend(const std::vector<std::pair<std::string, std::string>> &entries);

  std::string finish() const;

private:
  std::string id, title, body;
  Scale xScale, yScale;
};

} // namespace sweep

#endif // SWEEP_RUNTIME_REPORT_SVGPLOT_H
