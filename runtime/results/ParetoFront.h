//===- ParetoFront.h - the accuracy-vs-energy Pareto front -------*- C++ -*-===//
//
// One rule for summary.json's pareto_front and report.html's plot, whatever
// the type of a run: by increasing joules (at equal joules the better metric
// first, then the earlier candidate), each run better than every cheaper one,
// joules a microjoule apart being equal.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RESULTS_PARETOFRONT_H
#define SWEEP_RUNTIME_RESULTS_PARETOFRONT_H

#include <algorithm>
#include <vector>

namespace sweep {

/// Joules closer than this are one cost: a microjoule, the unit a program's
/// joules are split among its runs in, and the doubles' rounding of it.
constexpr double kEqualJoules = 1.5e-6;

/// The front among `candidates` (runs with finite joules and metric, in run
/// order), by increasing joules.
template <typename Run, typename Joules, typename Metric>
std::vector<const Run *> paretoFrontOf(std::vector<const Run *> candidates, Joules joules,
                                       Metric metric, bool higherIsBetter) {
  auto better = [&](double a, double b) { return higherIsBetter ? a > b : a < b; };
  std::stable_sort(candidates.begin(), candidates.end(), [&](const Run *a, const Run *b) {
    if (joules(*a) != joules(*b))
      return joules(*a) < joules(*b);
    return better(metric(*a), metric(*b));
  });
  std::vector<const Run *> front;
  for (const Run *run : candidates) {
    if (!front.empty() && !better(metric(*run), metric(*front.back())))
      continue;
    // Joules a microjoule apart are equal: the runs of one program share its
    // joules in equal parts, each rounded to a microjoule. A better run at
    // the same cost displaces the cheaper-by-rounding ones before it.
    while (!front.empty() && joules(*run) - joules(*front.back()) <= kEqualJoules &&
           better(metric(*run), metric(*front.back())))
      front.pop_back();
    front.push_back(run);
  }
  return front;
}

} // namespace sweep

#endif // SWEEP_RUNTIME_RESULTS_PARETOFRONT_H
