//===- ReportTest.cpp - the report's JSON reader, sampling and scales -----===//

#include "runtime/report/JsonValue.h"
#include "runtime/report/ReportData.h"
#include "runtime/report/SvgPlot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace sweep;

TEST(JsonValue, ReadsWhatSummaryJsonHolds) {
  JsonValue value;
  std::string error;
  ASSERT_TRUE(JsonValue::parse(R"({"sweep": "a\"b\u00e9", "n": -1.5e2, "ok": true,
      "none": null, "list": [1, "x", {"k": []}], "nested": {"deep": {"er": 7}}})",
                               value, error))
      << error;
  EXPECT_EQ(value["sweep"].text(), "a\"b\xc3\xa9");
  EXPECT_EQ(value["n"].number(), -150);
  EXPECT_EQ(value["n"].text(), "-1.5e2"); // As written.
  EXPECT_TRUE(value["ok"].boolean());
  EXPECT_TRUE(value["none"].isNull());
  EXPECT_EQ(value["list"].size(), 3u);
  EXPECT_EQ(value["list"][1].text(), "x");
  EXPECT_EQ(value["nested"]["deep"]["er"].number(), 7);
  // Missing members and elements read as null, with the fallback.
  EXPECT_TRUE(value["missing"]["more"].isNull());
  EXPECT_EQ(value["list"][9].number(42), 42);
}

// Python's json.dump escapes what is not ASCII, a character beyond the
// Basic Multilingual Plane as a surrogate pair: one code point in UTF-8.
TEST(JsonValue, JoinsSurrogatePairs) {
  JsonValue value;
  std::string error;
  ASSERT_TRUE(JsonValue::parse(R"(["s\ud83d\ude00", "\ud83d alone"])", value, error)) << error;
  EXPECT_EQ(value[0].text(), "s\xf0\x9f\x98\x80");
  EXPECT_EQ(value[1].text(), "\xef\xbf\xbd alone"); // U+FFFD.
}

TEST(JsonValue, SaysWhereTheTextIsNotJson) {
  JsonValue value;
  std::string error;
  EXPECT_FALSE(JsonValue::parse("{\"a\": 1,\n \"b\": tru}", value, error));
  EXPECT_EQ(error, "line 2, column 7: expected a JSON value");
  EXPECT_FALSE(JsonValue::parse("[1, 2", value, error));
  EXPECT_EQ(error, "line 1, column 6: expected ',' or ']'");
  EXPECT_FALSE(JsonValue::parse("{} x", value, error));
  EXPECT_EQ(error, "line 1, column 4: text after the JSON value");
  EXPECT_FALSE(JsonValue::parse("\"open", value, error));
  EXPECT_EQ(error, "line 1, column 6: a string is not closed");
  EXPECT_FALSE(JsonValue::parse("\"\\u00zz\"", value, error));
  EXPECT_EQ(error, "line 1, column 4: a \\u escape needs four hex digits");
  EXPECT_FALSE(JsonValue::parse(std::string(100, '['), value, error));
  EXPECT_NE(error.find("nested too deeply"), std::string::npos);
}

TEST(Report, EvenlySpacedKeepsBothEndsAndNeverRepeats) {
  EXPECT_EQ(evenlySpaced(5, 10), (std::vector<size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(evenlySpaced(10, 4), (std::vector<size_t>{0, 3, 6, 9}));
  std::vector<size_t> picked = evenlySpaced(100000, 2000);
  ASSERT_EQ(picked.size(), 2000u);
  EXPECT_EQ(picked.front(), 0u);
  EXPECT_EQ(picked.back(), 99999u);
  for (size_t i = 1; i < picked.size(); ++i)
    EXPECT_LT(picked[i - 1], picked[i]);
}

TEST(Report, ScalesPutRoundTicksInsideTheirDomain) {
  Scale linear(0.013, 0.087, false, 0, 100);
  std::vector<double> ticks = linear.ticks();
  ASSERT_GE(ticks.size(), 3u);
  for (double tick : ticks) {
    EXPECT_GE(tick, linear.lo());
    EXPECT_LE(tick, linear.hi());
  }
  EXPECT_NEAR(ticks[1] - ticks[0], 0.02, 1e-12); // 1-2-5 steps.
  Scale log(1e-4, 1, true, 0, 100);
  EXPECT_EQ(log.ticks(), (std::vector<double>{1e-4, 1e-3, 1e-2, 1e-1, 1}));
  EXPECT_NEAR(log(1e-2), 50, 1e-9); // Decades are equally spaced.
  Scale narrow(2, 30, true, 0, 100); // Less than two decades: 1, 2, 5 in each.
  std::vector<double> fine = narrow.ticks();
  EXPECT_NE(std::find(fine.begin(), fine.end(), 5.0), fine.end());
  EXPECT_NE(std::find(fine.begin(), fine.end(), 20.0), fine.end());
  // Values one ulp apart (once an endless loop): a few ticks, finite.
  std::vector<double> close = Scale(0.3, 0.30000000000000004, false, 0, 100).ticks();
  EXPECT_FALSE(close.empty());
  EXPECT_LE(close.size(), 13u);
  // Decades beyond what pow() keeps: finite pixels, a handful of ticks.
  Scale extreme(1e-320, 1e300, true, 0, 100);
  EXPECT_TRUE(std::isfinite(extreme(1e-320)));
  EXPECT_TRUE(std::isfinite(extreme(1e300)));
  EXPECT_LE(extreme.ticks().size(), 12u);
  // An empty or impossible domain still draws.
  EXPECT_FALSE(Scale(3, 3, false, 0, 100).ticks().empty());
  EXPECT_FALSE(Scale(-1, 5, true, 0, 100).ticks().empty());
}

TEST(Report, ViridisRunsFromPurpleToYellow) {
  EXPECT_EQ(viridis(0), "#440154");
  EXPECT_EQ(viridis(1), "#fde725");
  EXPECT_EQ(viridis(-3), "#440154");
  EXPECT_EQ(escapeXml("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
}
