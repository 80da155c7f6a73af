//===- ParetoFrontTest.cpp - the accuracy-vs-energy front -----------------===//

#include "runtime/results/ParetoFront.h"

#include <gtest/gtest.h>

#include <vector>

using namespace sweep;

namespace {
struct Run {
  int id;
  double joules, accuracy;
};

std::vector<int> frontIds(const std::vector<Run> &runs) {
  std::vector<const Run *> candidates;
  for (const Run &run : runs)
    candidates.push_back(&run);
  std::vector<int> ids;
  for (const Run *run : paretoFrontOf(
           candidates, [](const Run &r) { return r.joules; },
           [](const Run &r) { return r.accuracy; }, /*higherIsBetter=*/true))
    ids.push_back(run->id);
  return ids;
}
} // namespace

TEST(ParetoFront, EachRunBeatsEveryCheaperOne) {
  EXPECT_EQ(frontIds({{0, 3.0, 0.9}, {1, 1.0, 0.5}, {2, 2.0, 0.4}, {3, 2.5, 0.7}}),
            (std::vector<int>{1, 3, 0}));
}

// The runs of one program share its joules in equal parts, each rounded to a
// microjoule (a remainder's microjoule goes to some of them): their joules
// differ by at most 1 µJ, which is no difference. Regression: the run that
// got 1 µJ less joined the front however bad it was (the worst run of a
// sweep, beside a far better program-mate "at the same cost").
TEST(ParetoFront, JoulesAMicrojouleApartAreEqual) {
  EXPECT_EQ(frontIds({{4, 0.400000, 0.793}, {7, 0.399999, 0.204}, {5, 0.400001, 0.5}}),
            (std::vector<int>{4}));
  // A cheaper run by more than that stays.
  EXPECT_EQ(frontIds({{4, 0.400000, 0.793}, {7, 0.399990, 0.204}}), (std::vector<int>{7, 4}));
}
