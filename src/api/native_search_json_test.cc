// The native search answer's JSON: a recorded shape for one hit with a selected attribute and
// a spanset-level value.
#include "api/native_search_json.h"

#include <memory>
#include <string>

#include "api/api_test_traces.h"
#include "gtest/gtest.h"

namespace weft::api {
namespace {

TEST(NativeSearchJsonTest, OneHitInNativeShape) {
  query::TraceSearchResult result;
  result.inspected_spans = 3;
  result.inspected_blocks = 1;
  result.fetch_pages = 1;
  query::TraceHit hit;
  hit.spans = testing::CheckoutBatch();
  hit.summary.trace_id = hit.spans->spans()[0].trace_id;
  hit.summary.root_service = "checkout";
  hit.summary.root_span_name = "GET /cart";
  hit.summary.start_unix_nanos = testing::kStart;
  hit.summary.duration_nanos = 250'000'000;
  hit.summary.span_count = 2;
  hit.summary.error_count = 1;
  query::ResultSpanset set;
  set.matched = 1;
  query::ResultAttribute count;
  count.key = "count()";
  count.value = AnyValue::Int(1);
  set.attributes.push_back(count);
  query::ResultAttribute url;
  url.key = "span.http.url";
  url.value = AnyValue::String("/pay");
  query::ResultSpan charge;
  charge.index = 1;
  charge.attributes.push_back(url);
  set.spans.push_back(std::move(charge));
  hit.spansets.push_back(std::move(set));
  result.traces.push_back(std::move(hit));

  std::string out;
  {
    JsonWriter w(out);
    WriteNativeSearchResult(result, w);
  }
  EXPECT_EQ(
      out,
      R"({"traces":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","rootService":"checkout",)"
      R"("rootName":"GET /cart","start":"1700000000000000000","duration":250000000,)"
      R"("spanCount":2,"errorCount":1,"spansets":[{"matched":1,"attributes":[)"
      R"x({"key":"count()","value":{"intValue":"1"}}],"spans":[{"spanId":"00f067aa0ba902b8",)x"
      R"("parentSpanId":"00f067aa0ba902b7","service":"checkout","name":"charge",)"
      R"("kind":"client","start":"1700000000010000000","duration":50000000,)"
      R"("status":{"code":"error","message":"card declined"},"attributes":[)"
      R"({"key":"span.http.url","value":{"stringValue":"/pay"}}]}]}]}],"partial":false,)"
      R"("metrics":{"inspectedSpans":3,"inspectedBlocks":1,"skippedBlocks":0,"fetchPages":1}})");
}

}  // namespace
}  // namespace weft::api
