//===- ParetoFront.h - the accuracy-vs-energy Pareto front -------*- C++ -*-===//
//
// One rule for summary.json's pareto_front and report.html's plot, whatever
// the type of a run: by increasing joules (at equal joules the better metric
// first, then the earlier candidate), each run better than every cheaper one.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RESULTS_PARETOFRONT_H
#define SWEEP_RUNTIME_RESULTS_PARETOFRONT_H

#include <algorithm>
#include <vector>

namespace sweep {

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
  for (const Run *run : candidates)
    if (front.empty() || better(metric(*run), metric(*front.back())))
      front.push_back(run);
  return front;
}

} // namespace sweep

#endif // SWEEP_RUNTIME_RESULTS_PARETOFRONT_H
