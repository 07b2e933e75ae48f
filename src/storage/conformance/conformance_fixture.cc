// The conformance fixture: store creation per case, synchronous writes, and Fetch with every
// result checked against span_fetcher.h's contract before a case looks at it.
#include <utility>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "storage/condition_eval.h"
#include "storage/conformance/conformance_data.h"
#include "storage/conformance/storage_conformance.h"

namespace weft::storage::conformance {

std::vector<ConformanceParam> ConformanceParams(const BackendUnderTest& backend) {
  std::vector<ConformanceParam> params = {{backend, false}};
  if (backend.flush) params.push_back({backend, true});
  return params;
}

std::string ConformanceParamName(const ::testing::TestParamInfo<ConformanceParam>& info) {
  return info.param.backend.name + (info.param.flushed ? "_flushed" : "_as_written");
}

void PrintTo(const ConformanceParam& param, std::ostream* os) {
  *os << param.backend.name << (param.flushed ? " (flushed)" : " (as written)");
}

void StorageConformanceTest::SetUp() {
  store_ = GetParam().backend.make_store();
  ASSERT_NE(store_, nullptr);
}

void StorageConformanceTest::Write(std::string_view tenant, std::unique_ptr<SpanBatch> batch) {
  absl::Notification written;
  absl::Status result;
  store_->Write(tenant, std::move(batch), [&](absl::Status status) {
    result = std::move(status);
    written.Notify();
  });
  ASSERT_TRUE(written.WaitForNotificationWithTimeout(absl::Seconds(30))) << "write never done";
  ASSERT_TRUE(result.ok()) << result;
}

void StorageConformanceTest::MaybeFlush() {
  if (!GetParam().flushed) return;
  const absl::Status status = GetParam().backend.flush(*store_);
  ASSERT_TRUE(status.ok()) << status;
}

std::unique_ptr<SpanBatch> StorageConformanceTest::GetTrace(std::string_view tenant,
                                                            const TraceId& id) {
  absl::StatusOr<std::unique_ptr<SpanBatch>> trace = store_->GetTrace(tenant, id);
  EXPECT_TRUE(trace.ok()) << trace.status();
  if (!trace.ok() || *trace == nullptr) return std::make_unique<SpanBatch>();
  for (const Span& span : (*trace)->spans()) EXPECT_EQ(span.trace_id, id);
  return *std::move(trace);
}

FetchResult StorageConformanceTest::Fetch(const FetchRequest& request) {
  absl::StatusOr<FetchResult> fetched = store_->Fetch(request);
  EXPECT_TRUE(fetched.ok()) << fetched.status();
  if (!fetched.ok()) return {};
  FetchResult result = *std::move(fetched);

  ConditionTree filter = request.filter;
  EXPECT_TRUE(CompileRegexes(filter).ok());
  EXPECT_LE(result.traces.size(), request.limit) << "more traces than the limit";
  for (size_t i = 0; i < result.traces.size(); ++i) {
    const TraceMatch& match = result.traces[i];
    const TraceSummary& summary = match.summary;
    SCOPED_TRACE("trace " + summary.trace_id.ToHex());
    if (i > 0) {
      const TraceSummary& newer = result.traces[i - 1].summary;
      EXPECT_TRUE(
          newer.start_unix_nanos > summary.start_unix_nanos ||
          (newer.start_unix_nanos == summary.start_unix_nanos && newer.trace_id < summary.trace_id))
          << "not newest first, ties by trace id";
    }
    EXPECT_LE(summary.start_unix_nanos, request.end_unix_nanos) << "starts after the range";
    EXPECT_GE(summary.start_unix_nanos + summary.duration_nanos, request.start_unix_nanos)
        << "ends before the range";
    if (match.spans == nullptr) {
      ADD_FAILURE() << "no span batch";
      continue;
    }
    EXPECT_GE(match.matched_spans, 1u);
    EXPECT_LE(match.matched_spans, summary.span_count);
    const size_t returned = match.spans->size();
    if (request.whole_traces) {
      EXPECT_EQ(returned, summary.span_count) << "whole trace";
    } else {
      const size_t wanted = request.spans_per_trace == 0
                                ? match.matched_spans
                                : std::min<size_t>(match.matched_spans, request.spans_per_trace);
      EXPECT_EQ(returned, wanted) << "matching spans returned";
    }
    for (const Span& span : match.spans->spans()) {
      EXPECT_EQ(span.trace_id, summary.trace_id);
      if (!request.whole_traces) {
        EXPECT_TRUE(SpanMatches(filter, *match.spans, span))
            << "returned span " << span.name << " does not match";
      }
    }
  }
  return result;
}

std::vector<TraceId> StorageConformanceTest::FetchIds(const FetchRequest& request) {
  std::vector<TraceId> ids;
  const FetchResult result = Fetch(request);
  for (const TraceMatch& match : result.traces) ids.push_back(match.summary.trace_id);
  return ids;
}

void StorageConformanceTest::WriteShop(std::string_view tenant) {
  std::vector<TestSpan> spans = ShopSpans();
  const auto middle = spans.begin() + static_cast<std::ptrdiff_t>(spans.size() / 2);
  Write(tenant, MakeBatch({spans.begin(), middle}));
  Write(tenant, MakeBatch({middle, spans.end()}));
  MaybeFlush();
}

std::vector<int> StorageConformanceTest::FindShop(const FetchRequest& request) {
  std::vector<int> numbers;
  for (const TraceId& id : FetchIds(request)) {
    int number = 0;
    for (int n = 1; n <= kShopTraces; ++n) {
      if (id == Shop(n)) number = n;
    }
    numbers.push_back(number);
  }
  return numbers;
}

std::vector<int> StorageConformanceTest::FindShop(ConditionTree filter) {
  return FindShop(Search(kTenant, std::move(filter)));
}

}  // namespace weft::storage::conformance
