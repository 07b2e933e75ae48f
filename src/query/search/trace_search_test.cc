// SearchTraces (trace_search.h): the plan it sends to the store and its bounds. Results are
// covered by the golden suite (tests/traceql/eval); here a recording fetcher shows the requests.
#include "query/search/trace_search.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "query/assembly/test_trace_builder.h"
#include "storage/condition_eval.h"
#include "storage/memory/memory_store.h"

namespace weft::query {
namespace {

// Passes requests to a MemoryStore and keeps a copy of each.
class RecordingFetcher : public storage::SpanFetcher {
 public:
  RecordingFetcher() : store_(storage::NewMemoryStore()) {
    testing::TestTraceBuilder trace;
    const uint32_t cart = trace.Service("cart");
    trace.Add(cart, 1, 0, 1'000, 5'000, "GET /");
    trace.Add(cart, 2, 1, 2'000, 3'000, "SELECT").status_code = StatusCode::kError;
    store_->Write("t", std::make_unique<SpanBatch>(trace.Take()),
                  [](absl::Status status) { ASSERT_TRUE(status.ok()); });
  }

  absl::StatusOr<storage::FetchResult> Fetch(const storage::FetchRequest& request) override {
    requests.push_back(request);
    return store_->Fetch(request);
  }
  absl::StatusOr<std::vector<std::string>> Services(std::string_view tenant) override {
    return store_->Services(tenant);
  }
  absl::StatusOr<std::vector<storage::OperationName>> Operations(
      std::string_view tenant, std::string_view service) override {
    return store_->Operations(tenant, service);
  }

  std::vector<storage::FetchRequest> requests;

 private:
  std::unique_ptr<storage::SpanStore> store_;
};

TraceSearchRequest Request(std::string traceql) {
  TraceSearchRequest request;
  request.tenant = "t";
  request.traceql = std::move(traceql);
  return request;
}

storage::ConditionTree StatusIsError() {
  storage::Condition c;
  c.field = storage::Field::kStatus;
  c.operand = int64_t{2};
  return storage::ConditionTree::Leaf(c);
}

TEST(TraceSearchTest, StoreAnswersAFullyPushedDownFilterInOneFetch) {
  RecordingFetcher fetcher;
  TraceSearchRequest request = Request("{ status = error }");
  request.spans_per_spanset = 2;
  absl::StatusOr<TraceSearchResult> result = SearchTraces(fetcher, request);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(fetcher.requests.size(), 1u);
  EXPECT_FALSE(fetcher.requests[0].whole_traces);
  EXPECT_EQ(fetcher.requests[0].spans_per_trace, 2u);
  EXPECT_EQ(fetcher.requests[0].limit, kDefaultSearchLimit);
  ASSERT_EQ(result->traces.size(), 1u);
  EXPECT_EQ(result->traces[0].spansets[0].matched, 1u);
  EXPECT_FALSE(result->partial);
}

TEST(TraceSearchTest, OtherQueriesFetchWholeCandidateTraces) {
  RecordingFetcher fetcher;
  absl::StatusOr<TraceSearchResult> result =
      SearchTraces(fetcher, Request(R"({ name = "GET /" } > { status = error })"));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(fetcher.requests.size(), 1u);
  EXPECT_TRUE(fetcher.requests[0].whole_traces);
  EXPECT_EQ(fetcher.requests[0].filter.kind, storage::ConditionTree::Kind::kLeaf)
      << "one side of > is pushed down";
  ASSERT_EQ(result->traces.size(), 1u);
  EXPECT_EQ(result->traces[0].spans->spans()[0].name, "SELECT");
}

TEST(TraceSearchTest, SpanFilterIsPushedWhenTheQueryGivesNoCandidates) {
  RecordingFetcher fetcher;
  TraceSearchRequest request = Request("{ traceDuration > 1ns }");
  request.span_filter = StatusIsError();
  ASSERT_TRUE(SearchTraces(fetcher, request).ok());
  ASSERT_EQ(fetcher.requests.size(), 1u);
  EXPECT_EQ(fetcher.requests[0].filter.kind, storage::ConditionTree::Kind::kLeaf);
  EXPECT_EQ(fetcher.requests[0].filter.leaf.field, storage::Field::kStatus);
}

TEST(TraceSearchTest, BoundsMakeThePartial) {
  RecordingFetcher fetcher;
  TraceSearchRequest request = Request("{ } > { }");
  request.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  absl::StatusOr<TraceSearchResult> result = SearchTraces(fetcher, request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->partial);
  EXPECT_TRUE(result->traces.empty());
  EXPECT_TRUE(fetcher.requests.empty()) << "no fetch after the deadline";
}

TEST(TraceSearchTest, BadRequestsAreInvalidArgument) {
  RecordingFetcher fetcher;
  TraceSearchRequest request = Request("{ }");
  request.limit = kMaxSearchLimit + 1;
  EXPECT_TRUE(absl::IsInvalidArgument(SearchTraces(fetcher, request).status()));
  request.limit = 0;
  EXPECT_TRUE(absl::IsInvalidArgument(SearchTraces(fetcher, request).status()));
  EXPECT_EQ(SearchTraces(fetcher, Request("{ .a = }")).status().message(),
            "1:8: expected a value after \"=\", found \"}\"");
  request = Request("{ }");
  storage::Condition bad;
  bad.field = storage::Field::kSpanName;
  bad.op = storage::CompareOp::kRegex;
  bad.operand = std::string("(");
  request.span_filter = storage::ConditionTree::Leaf(bad);
  EXPECT_TRUE(absl::IsInvalidArgument(SearchTraces(fetcher, request).status()));
  EXPECT_TRUE(fetcher.requests.empty());
}

}  // namespace
}  // namespace weft::query
