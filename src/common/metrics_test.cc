#include "common/metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, CountersAndGaugesRender) {
  MetricsRegistry registry;
  Counter& ok = registry.GetCounter("weft_requests_total", "Requests.", "code=\"200\"");
  Counter& bad = registry.GetCounter("weft_requests_total", "Requests.", "code=\"400\"");
  ok.Increment(3);
  bad.Increment();
  registry.GetGauge("weft_in_flight_bytes", "Bytes in flight.").Set(42);
  registry.AddCallbackGauge("weft_ratio", "A ratio.", "", [] { return 0.5; });
  const std::string text = registry.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("# TYPE weft_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("weft_requests_total{code=\"200\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("weft_requests_total{code=\"400\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("weft_in_flight_bytes 42\n"));
  EXPECT_THAT(text, HasSubstr("weft_ratio 0.5\n"));
}

TEST(MetricsTest, SameNameAndLabelsIsTheSameCounter) {
  MetricsRegistry registry;
  Counter& a = registry.GetCounter("c", "h", "x=\"1\"");
  Counter& b = registry.GetCounter("c", "h", "x=\"1\"");
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &registry.GetCounter("c", "h", "x=\"2\""));
}

}  // namespace
}  // namespace weft
