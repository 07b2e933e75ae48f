#include "ingest/pipeline.h"

#include <utility>

#include <atomic>
#include <memory>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/http_receiver_test_util.h"

namespace weft::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::unique_ptr<SpanBatch> BatchOf(int spans) {
  auto batch = std::make_unique<SpanBatch>();
  const uint32_t resource = batch->AddResource(Resource());
  batch->AddScope(resource, InstrumentationScope());
  for (int i = 0; i < spans; ++i) batch->AddSpan(Span());
  return batch;
}

TEST(PipelineTest, PassesBatchesOnAndCounts) {
  testing::FakeSpanWriter writer;
  MetricsRegistry metrics;
  Pipeline pipeline(writer, metrics);
  absl::Status seen = absl::UnknownError("not called");
  pipeline.Submit("zipkin", "acme", BatchOf(3), [&](absl::Status s) { seen = std::move(s); });
  EXPECT_TRUE(seen.ok());
  EXPECT_THAT(writer.tenants(), ElementsAre("acme"));
  EXPECT_EQ(writer.spans(), 3u);

  writer.AnswerWith(absl::UnavailableError("full"));
  pipeline.Submit("zipkin", "acme", BatchOf(2), [&](absl::Status s) { seen = std::move(s); });
  EXPECT_EQ(seen.code(), absl::StatusCode::kUnavailable);

  const std::string text = metrics.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("weft_ingest_spans_total{receiver=\"zipkin\"} 5"));
  EXPECT_THAT(text, HasSubstr("weft_ingest_batches_total{receiver=\"zipkin\"} 2"));
  EXPECT_THAT(text, HasSubstr("weft_ingest_write_failures_total{receiver=\"zipkin\"} 1"));
}

TEST(PipelineTest, DoneMayRunLaterOnAnotherThread) {
  testing::FakeSpanWriter writer;
  MetricsRegistry metrics;
  Pipeline pipeline(writer, metrics);
  writer.Hold();
  std::atomic<bool> done{false};
  pipeline.Submit("otlp_http", "t", BatchOf(1), [&](const absl::Status& s) { done = s.ok(); });
  EXPECT_FALSE(done);
  std::thread storage([&] { writer.Release(); });
  storage.join();
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace weft::ingest
