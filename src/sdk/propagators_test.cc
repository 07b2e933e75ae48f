// Propagators: W3C tracecontext / baggage and B3 round trips, composite from a list, hostile
// headers, and the carriers.
#include <map>
#include <unordered_map>

#include <gtest/gtest.h>

#include "weft/propagation.h"

namespace weft {
namespace {

SpanContext Sample(uint8_t flags = kTraceFlagSampled) {
  SpanContext sc;
  sc.trace_id = *TraceId::FromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  sc.span_id = *SpanId::FromHex("00f067aa0ba902b7");
  sc.trace_flags = flags;
  return sc;
}

TEST(W3CPropagatorTest, RoundTrip) {
  auto p = W3CTraceContextPropagator();
  std::map<std::string, std::string> headers;
  MapCarrier carrier(headers);
  SpanContext sc = Sample(kTraceFlagSampled | kTraceFlagRandom);
  sc.trace_state = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
  p->Inject(Context(sc), carrier);
  EXPECT_EQ(headers["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
  EXPECT_EQ(headers["tracestate"], "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  Context out = p->Extract(carrier, {});
  EXPECT_TRUE(out.span_context.remote);
  EXPECT_EQ(out.span_context.trace_id, sc.trace_id);
  EXPECT_EQ(out.span_context.span_id, sc.span_id);
  EXPECT_EQ(out.span_context.trace_flags, sc.trace_flags);
  EXPECT_EQ(out.span_context.trace_state, sc.trace_state);
}

TEST(W3CPropagatorTest, HostileHeadersLeaveBaseUnchanged) {
  auto p = W3CTraceContextPropagator();
  const Context base(Sample());
  for (const std::string& bad :
       {std::string("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
        std::string("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"),
        std::string("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        std::string("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"),
        std::string("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"),
        std::string("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01,00-"
                    "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        std::string(100000, '-'), std::string("\0\0\0", 3)}) {
    std::map<std::string, std::string> headers{{"traceparent", bad}};
    MapCarrier carrier(headers);
    Context out = p->Extract(carrier, base);
    EXPECT_FALSE(out.span_context.remote) << bad.substr(0, 80);
  }
  // A tracestate with an invalid member is dropped, the traceparent kept.
  std::map<std::string, std::string> headers{
      {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
      {"tracestate", "ok=1,BAD KEY=2"}};
  MapCarrier carrier(headers);
  Context out = p->Extract(carrier, {});
  EXPECT_TRUE(out.span_context.valid());
  EXPECT_EQ(out.span_context.trace_state, "");
  // A huge tracestate costs nothing and is dropped.
  headers["tracestate"] = std::string(1 << 20, 'a');
  EXPECT_EQ(p->Extract(carrier, {}).span_context.trace_state, "");
}

TEST(BaggagePropagatorTest, RoundTripWithEncoding) {
  auto p = W3CBaggagePropagator();
  Baggage b = Baggage().With("user.id", "42").With("region", "eu west;1");
  std::map<std::string, std::string> headers;
  MapCarrier carrier(headers);
  p->Inject(Context(SpanContext{}, b), carrier);
  ASSERT_TRUE(headers.count("baggage"));
  Context out = p->Extract(carrier, {});
  EXPECT_EQ(out.baggage.Get("user.id"), "42");
  EXPECT_EQ(out.baggage.Get("region"), "eu west;1");
  EXPECT_EQ(out.baggage.size(), 2u);
  // Hostile: a megabyte of commas.
  headers["baggage"] = std::string(1 << 20, ',');
  EXPECT_TRUE(p->Extract(carrier, {}).baggage.empty());
}

TEST(B3PropagatorTest, SingleAndMultiRoundTrip) {
  for (B3Format format : {B3Format::kSingleHeader, B3Format::kMultiHeader}) {
    auto p = B3Propagator(format);
    std::unordered_map<std::string, std::string> headers;
    MapCarrier carrier(headers);
    p->Inject(Context(Sample()), carrier);
    if (format == B3Format::kSingleHeader) {
      EXPECT_EQ(headers["b3"], "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1");
    } else {
      EXPECT_EQ(headers["x-b3-traceid"], "4bf92f3577b34da6a3ce929d0e0e4736");
      EXPECT_EQ(headers["x-b3-sampled"], "1");
    }
    Context out = p->Extract(carrier, {});
    EXPECT_EQ(out.span_context.trace_id, Sample().trace_id);
    EXPECT_EQ(out.span_context.span_id, Sample().span_id);
    EXPECT_TRUE(out.span_context.sampled());
  }
  auto p = B3Propagator();
  std::map<std::string, std::string> bad{{"b3", "not-a-b3-header"}};
  MapCarrier carrier(bad);
  EXPECT_FALSE(p->Extract(carrier, {}).span_context.valid());
}

TEST(CompositePropagatorTest, FromListAndUnknownNames) {
  auto p = PropagatorFromList("tracecontext, baggage ,b3multi,bogus");
  std::map<std::string, std::string> headers;
  MapCarrier carrier(headers);
  p->Inject(Context(Sample(), Baggage().With("k", "v")), carrier);
  EXPECT_TRUE(headers.count("traceparent"));
  EXPECT_TRUE(headers.count("baggage"));
  EXPECT_TRUE(headers.count("x-b3-traceid"));
  Context out = p->Extract(carrier, {});
  EXPECT_EQ(out.span_context.span_id, Sample().span_id);
  EXPECT_EQ(out.baggage.Get("k"), "v");

  auto none = PropagatorFromList("none");
  std::map<std::string, std::string> empty;
  MapCarrier empty_carrier(empty);
  none->Inject(Context(Sample()), empty_carrier);
  EXPECT_TRUE(empty.empty());
}

TEST(GlobalPropagatorTest, InjectExtractCurrent) {
  std::vector<std::pair<std::string, std::string>> headers{
      {"TraceParent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}};
  HeaderVectorCarrier carrier(headers);
  Context extracted = Extract(carrier);  // case-insensitive lookup
  EXPECT_TRUE(extracted.span_context.valid());
  std::vector<std::pair<std::string, std::string>> out;
  HeaderVectorCarrier out_carrier(out);
  {
    Scope scope(extracted);
    Inject(out_carrier);
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].second, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

}  // namespace
}  // namespace weft
