#include "tracecontext/propagation.h"

#include <cstdlib>
#include <new>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

// Counts heap allocations so tests can check the hot paths allocate nothing. Replacing the
// global operator new affects the whole test binary; it only counts.
namespace {
thread_local size_t allocations = 0;
}  // namespace

// Hidden from clang-tidy's static analyzer, which then misreports leaks inside gmock; and GCC 12
// misreads free() in a replaced operator delete as a mismatched deallocation.
#if !defined(__clang_analyzer__)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(size_t size) {
  ++allocations;
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t /*size*/) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif  // !defined(__clang_analyzer__)

namespace weft::tracecontext {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kTraceParent[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr char kOtherTraceParent[] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

struct ExtractCase {
  const char* rule;
  std::vector<HeaderMapCarrier::Header> headers;
  TraceParentError error;
  std::string tracestate;  // Expected members_text() when valid.
};

TEST(PropagationTest, ExtractW3CFollowsEveryRule) {
  using E = TraceParentError;
  const ExtractCase cases[] = {
      {"traceparent alone", {{"traceparent", kTraceParent}}, E::kNone, ""},
      {"header names are case-insensitive",
       {{"TraceParent", kTraceParent}, {"TRACESTATE", "a=1"}},
       E::kNone,
       "a=1"},
      {"tracestate is read with a valid traceparent",
       {{"traceparent", kTraceParent}, {"tracestate", "rojo=1,congo=2"}},
       E::kNone,
       "rojo=1,congo=2"},
      {"several tracestate fields are joined in order",
       {{"tracestate", "rojo=1"}, {"traceparent", kTraceParent}, {"tracestate", "congo=2"}},
       E::kNone,
       "rojo=1,congo=2"},
      {"invalid tracestate is dropped, traceparent kept",
       {{"traceparent", kTraceParent}, {"tracestate", "BAD=1"}},
       E::kNone,
       ""},
      {"no traceparent", {{"tracestate", "rojo=1"}}, E::kMissing, ""},
      {"two traceparent headers are invalid",
       {{"traceparent", kTraceParent}, {"traceparent", kTraceParent}},
       E::kMultipleHeaders,
       ""},
      {"two different traceparent headers are invalid",
       {{"traceparent", kTraceParent}, {"Traceparent", kOtherTraceParent}},
       E::kMultipleHeaders,
       ""},
      {"tracestate is discarded without a valid traceparent",
       {{"traceparent", "00-xyz"}, {"tracestate", "rojo=1"}},
       E::kWrongLength,
       ""},
  };
  for (const ExtractCase& c : cases) {
    SCOPED_TRACE(c.rule);
    HeaderMapCarrier carrier;
    for (const auto& [name, value] : c.headers) carrier.Add(name, value);
    TraceParentError error = TraceParentError::kBadFlags;
    const SpanContext ctx = ExtractW3C(carrier, &error);
    EXPECT_EQ(TraceParentErrorName(error), TraceParentErrorName(c.error));
    EXPECT_EQ(ctx.valid(), c.error == TraceParentError::kNone);
    EXPECT_EQ(ctx.remote, c.error == TraceParentError::kNone);
    EXPECT_EQ(ctx.trace_state.members_text(), c.tracestate);
  }
}

TEST(PropagationTest, InjectThenExtractRoundTrips) {
  HeaderMapCarrier in{{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"},
                      {"tracestate", "rojo=00f067aa0ba902b7"}};
  const SpanContext extracted = ExtractW3C(in);
  ASSERT_TRUE(extracted.valid());
  EXPECT_EQ(extracted.trace_flags, kFlagSampled | kFlagRandom) << "random bit kept as received";
  HeaderMapCarrier out;
  InjectW3C(extracted, out);
  EXPECT_THAT(out.Values("traceparent"),
              ElementsAre("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"));
  EXPECT_THAT(out.Values("tracestate"), ElementsAre("rojo=00f067aa0ba902b7"));
  const SpanContext again = ExtractW3C(out);
  EXPECT_EQ(again.trace_id, extracted.trace_id);
  EXPECT_EQ(again.span_id, extracted.span_id);
  EXPECT_EQ(again.trace_state, extracted.trace_state);
}

TEST(PropagationTest, InjectW3CRules) {
  struct Case {
    const char* rule;
    SpanContext context;
    std::vector<std::string> traceparent;
    std::vector<std::string> tracestate;
  };
  SpanContext valid;
  valid.trace_id[15] = 1;
  valid.span_id[7] = 2;
  valid.trace_flags = 0xff;
  SpanContext with_state = valid;
  ASSERT_TRUE(with_state.trace_state.Set("a", "1").ok());
  SpanContext with_long_state = valid;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        with_long_state.trace_state.Set("k" + std::to_string(i), std::string(120, 'x')).ok());
  }
  SpanContext zero_span = valid;
  zero_span.span_id = {};
  const std::string tp = "00-00000000000000000000000000000001-0000000000000002-03";
  const Case cases[] = {
      {"unknown flag bits are not sent", valid, {tp}, {}},
      {"tracestate sent when non-empty", with_state, {tp}, {"a=1"}},
      {"tracestate truncated to 512",
       with_long_state,
       {tp},
       {"k4=" + std::string(120, 'x') + ",k3=" + std::string(120, 'x') +
        ",k2=" + std::string(120, 'x') + ",k1=" + std::string(120, 'x')}},
      {"invalid context injects nothing", zero_span, {}, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    HeaderMapCarrier carrier{{"Traceparent", "stale"}, {"traceparent", "stale too"}};
    InjectW3C(c.context, carrier);
    if (c.traceparent.empty()) {
      EXPECT_THAT(carrier.Values("traceparent"), ElementsAre("stale", "stale too"));
    } else {
      EXPECT_EQ(carrier.Values("traceparent"),
                std::vector<std::string_view>(c.traceparent.begin(), c.traceparent.end()))
          << "Set replaces every earlier value";
    }
    EXPECT_EQ(carrier.Values("tracestate"),
              std::vector<std::string_view>(c.tracestate.begin(), c.tracestate.end()));
  }
}

TEST(PropagationTest, TraceParentHotPathDoesNotAllocate) {
  HeaderMapCarrier carrier{{"traceparent", kTraceParent}};
  const size_t before_parse = allocations;
  const TraceParentResult parsed = ParseTraceParent(kTraceParent);
  char buffer[kTraceParentLength];
  FormatTraceParent(parsed.value, buffer);
  EXPECT_EQ(allocations, before_parse) << "parse and format";
  SpanContext ctx = ExtractW3C(carrier);
  InjectW3C(ctx, carrier);  // Warm: the carrier reuses its storage.
  const size_t before = allocations;
  for (int i = 0; i < 100; ++i) {
    ctx = ExtractW3C(carrier);
    InjectW3C(ctx, carrier);
  }
  EXPECT_EQ(allocations, before) << "extract + inject through a warm carrier";
  EXPECT_TRUE(ctx.valid());
}

TEST(PropagationTest, BaggageAcrossFields) {
  HeaderMapCarrier in{{"baggage", "a=1,b=hello%20world"}, {"Baggage", "c=3;p"}};
  const Baggage baggage = ExtractBaggage(in);
  ASSERT_EQ(baggage.size(), 3u);
  EXPECT_EQ(*baggage.Get("b"), "hello world");
  HeaderMapCarrier out;
  InjectBaggage(baggage, out);
  EXPECT_THAT(out.Values("baggage"), ElementsAre("a=1,b=hello%20world,c=3;p"));
  HeaderMapCarrier none;
  InjectBaggage(Baggage(), none);
  EXPECT_THAT(none.headers(), IsEmpty());
  EXPECT_TRUE(ExtractBaggage(none).empty());
}

TEST(PropagationTest, ExtractB3Rules) {
  const std::string single = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1";
  struct Case {
    const char* rule;
    std::vector<HeaderMapCarrier::Header> headers;
    absl::StatusCode code;
    std::string span_id;  // Expected span id (hex) when ok and has ids.
  };
  const Case cases[] = {
      {"single header", {{"b3", single}}, absl::StatusCode::kOk, "e457b5a2e4d86bd1"},
      {"multi headers, any case",
       {{"X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7"}, {"X-B3-SpanId", "a2fb4a1d1a96d312"}},
       absl::StatusCode::kOk,
       "a2fb4a1d1a96d312"},
      {"single header wins over multi",
       {{"b3", single},
        {"x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"},
        {"x-b3-spanid", "a2fb4a1d1a96d312"}},
       absl::StatusCode::kOk,
       "e457b5a2e4d86bd1"},
      {"invalid single falls back to valid multi",
       {{"b3", "garbage"},
        {"x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"},
        {"x-b3-spanid", "a2fb4a1d1a96d312"}},
       absl::StatusCode::kOk,
       "a2fb4a1d1a96d312"},
      {"invalid single alone is reported",
       {{"b3", "garbage"}},
       absl::StatusCode::kInvalidArgument,
       ""},
      {"invalid multi is reported",
       {{"x-b3-traceid", "zz"}, {"x-b3-spanid", "zz"}},
       absl::StatusCode::kInvalidArgument,
       ""},
      {"no B3 headers", {{"traceparent", kTraceParent}}, absl::StatusCode::kNotFound, ""},
      {"first of two b3 fields is used",
       {{"b3", single}, {"b3", "0"}},
       absl::StatusCode::kOk,
       "e457b5a2e4d86bd1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    HeaderMapCarrier carrier;
    for (const auto& [name, value] : c.headers) carrier.Add(name, value);
    const absl::StatusOr<B3Context> b3 = ExtractB3(carrier);
    EXPECT_EQ(b3.status().code(), c.code) << b3.status();
    if (!b3.ok()) continue;
    const SpanContext ctx = SpanContextFromB3(*b3);
    ASSERT_TRUE(ctx.valid());
    EXPECT_TRUE(ctx.remote);
    EXPECT_EQ(FormatB3Multi(*b3).span_id, c.span_id);
  }
}

TEST(PropagationTest, InjectB3BothEncodings) {
  const B3Context ctx =
      *ParseB3Single("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d-05e3ac9a4f6e3b90");
  HeaderMapCarrier single;
  InjectB3(ctx, single, B3Encoding::kSingleHeader);
  EXPECT_THAT(single.Values("b3"),
              ElementsAre("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d-05e3ac9a4f6e3b90"));
  HeaderMapCarrier multi;
  InjectB3(ctx, multi, B3Encoding::kMultiHeader);
  EXPECT_THAT(multi.Values("X-B3-TraceId"), ElementsAre("80f198ee56343ba864fe8b2a57d3eff7"));
  EXPECT_THAT(multi.Values("x-b3-spanid"), ElementsAre("e457b5a2e4d86bd1"));
  EXPECT_THAT(multi.Values("x-b3-parentspanid"), ElementsAre("05e3ac9a4f6e3b90"));
  EXPECT_THAT(multi.Values("x-b3-sampled"), IsEmpty());
  EXPECT_THAT(multi.Values("x-b3-flags"), ElementsAre("1"));
  EXPECT_EQ(*ExtractB3(multi), ctx);
  EXPECT_EQ(*ExtractB3(single), ctx);
}

TEST(PropagationTest, B3AndSpanContextConvert) {
  SpanContext ctx;
  ctx.trace_id[0] = 9;
  ctx.span_id[0] = 8;
  ctx.trace_flags = kFlagSampled;
  const B3Context b3 = B3FromSpanContext(ctx);
  EXPECT_TRUE(b3.has_ids);
  EXPECT_EQ(b3.sampling, B3Sampling::kAccept);
  const SpanContext back = SpanContextFromB3(b3);
  EXPECT_EQ(back.trace_id, ctx.trace_id);
  EXPECT_EQ(back.span_id, ctx.span_id);
  EXPECT_TRUE(back.sampled());
  ctx.trace_flags = 0;
  EXPECT_EQ(B3FromSpanContext(ctx).sampling, B3Sampling::kDeny);
  EXPECT_FALSE(B3FromSpanContext(SpanContext{}).has_ids);
  B3Context sampling_only;
  sampling_only.sampling = B3Sampling::kDebug;
  EXPECT_FALSE(SpanContextFromB3(sampling_only).valid());
}

TEST(HeaderMapCarrierTest, NameMatchingFoldsOnlyAsciiLetters) {
  struct Case {
    const char* rule;
    std::string stored;
    std::string asked;
    bool match;
  };
  const Case cases[] = {
      {"same name", "traceparent", "traceparent", true},
      {"mixed case, long name", "X-B3-ParentSpanId", "x-b3-parentspanid", true},
      {"mixed case in the overlapping last chunk", "tracepaRENT", "traceparent", true},
      {"mixed case, short name", "B3", "b3", true},
      {"different length", "traceparent", "traceparents", false},
      {"'@' is not an uppercase '`'", "abcdefg@", "abcdefg`", false},
      {"'[' is not an uppercase '{'", "x-b3-[ab", "x-b3-{ab", false},
      {"'\r' is not an uppercase '-'", "x\rb3-spanid", "x-b3-spanid", false},
      {"short names: '@' vs '`'", "a@", "a`", false},
      {"non-ASCII bytes must match exactly", "caf\xc3\xa9-header", "CAF\xc3\xa9-HEADER", true},
      {"non-ASCII bytes differing by the case bit", "caf\xc3\xa9-header", "caf\xc3\x89-header",
       false},
      {"last letter differs", "traceparenu", "traceparent", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    HeaderMapCarrier carrier{{c.stored, "v"}};
    EXPECT_EQ(carrier.Values(c.asked).size(), c.match ? 1u : 0u);
  }
}

TEST(HeaderMapCarrierTest, NamesAreCaseInsensitiveAndValuesOrdered) {
  HeaderMapCarrier carrier;
  carrier.Add("Accept", "a");
  carrier.Add("accept", "b");
  carrier.Add("Other", "x");
  EXPECT_THAT(carrier.Values("ACCEPT"), ElementsAre("a", "b"));
  carrier.Set("aCCept", "c");
  EXPECT_THAT(carrier.Values("accept"), ElementsAre("c"));
  EXPECT_THAT(carrier.Values("other"), ElementsAre("x"));
  carrier.Set("new", "n");
  EXPECT_THAT(carrier.Values("NEW"), ElementsAre("n"));
  EXPECT_THAT(carrier.Values("missing"), IsEmpty());
}

}  // namespace
}  // namespace weft::tracecontext
