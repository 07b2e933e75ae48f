#include "tracecontext/b3.h"

#include <string>

#include "gtest/gtest.h"

namespace weft::tracecontext {
namespace {

constexpr char kTraceId128[] = "80f198ee56343ba864fe8b2a57d3eff7";
constexpr char kTraceId64[] = "64fe8b2a57d3eff7";
constexpr char kSpanId[] = "e457b5a2e4d86bd1";
constexpr char kParentId[] = "05e3ac9a4f6e3b90";

std::string Hex(const uint8_t* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

struct Expect {
  bool has_ids = false;
  std::string trace_id;  // 32 hex when has_ids
  std::string parent;    // empty: no parent
  B3Sampling sampling = B3Sampling::kDeferred;
};

void CheckContext(const B3Context& ctx, const Expect& e) {
  EXPECT_EQ(ctx.has_ids, e.has_ids);
  EXPECT_EQ(static_cast<int>(ctx.sampling), static_cast<int>(e.sampling));
  if (!e.has_ids) return;
  EXPECT_EQ(Hex(ctx.trace_id.data(), 16), e.trace_id);
  EXPECT_EQ(Hex(ctx.span_id.data(), 8), kSpanId);
  EXPECT_EQ(ctx.has_parent_span_id, !e.parent.empty());
  if (!e.parent.empty()) {
    EXPECT_EQ(Hex(ctx.parent_span_id.data(), 8), e.parent);
  }
}

struct SingleCase {
  const char* rule;
  std::string input;
  bool valid;
  Expect expect;
};

TEST(B3Test, ParseSingleFollowsEveryRule) {
  const std::string t128 = kTraceId128;
  const std::string t64 = kTraceId64;
  const std::string padded = std::string(16, '0') + kTraceId64;
  const std::string span = kSpanId;
  const std::string parent = kParentId;
  using S = B3Sampling;
  const SingleCase cases[] = {
      {"sampling only: deny", "0", true, {false, "", "", S::kDeny}},
      {"sampling only: accept", "1", true, {false, "", "", S::kAccept}},
      {"sampling only: debug", "d", true, {false, "", "", S::kDebug}},
      {"sampling only: unknown value", "x", false, {}},
      {"ids only: decision deferred", t128 + "-" + span, true, {true, t128, "", S::kDeferred}},
      {"ids and accept", t128 + "-" + span + "-1", true, {true, t128, "", S::kAccept}},
      {"ids and deny", t128 + "-" + span + "-0", true, {true, t128, "", S::kDeny}},
      {"ids and debug", t128 + "-" + span + "-d", true, {true, t128, "", S::kDebug}},
      {"ids, sampling and parent",
       t128 + "-" + span + "-1-" + parent,
       true,
       {true, t128, parent, S::kAccept}},
      {"16-hex trace id is left-padded with zeros",
       t64 + "-" + span + "-1",
       true,
       {true, padded, "", S::kAccept}},
      {"uppercase hex is accepted",
       "80F198EE56343BA864FE8B2A57D3EFF7-" + span,
       true,
       {true, t128, "", S::kDeferred}},
      {"surrounding whitespace is ignored",
       " \t" + t128 + "-" + span + "-1 ",
       true,
       {true, t128, "", S::kAccept}},
      {"all-zero parent means no parent",
       t128 + "-" + span + "-1-0000000000000000",
       true,
       {true, t128, "", S::kAccept}},
      {"empty value", "", false, {}},
      {"trace id only", t128, false, {}},
      {"trace id of 20 hex", "80f198ee56343ba864fe-" + span, false, {}},
      {"trace id with non-hex", "80f198ee56343ba864fe8b2a57d3effz-" + span, false, {}},
      {"all-zero trace id", std::string(32, '0') + "-" + span, false, {}},
      {"span id of 15 hex", t128 + "-" + span.substr(1), false, {}},
      {"all-zero span id", t128 + "-0000000000000000", false, {}},
      {"sampling 'true' is not a single-header state", t128 + "-" + span + "-true", false, {}},
      {"empty sampling field", t128 + "-" + span + "-", false, {}},
      {"empty parent field", t128 + "-" + span + "-1-", false, {}},
      {"bad parent", t128 + "-" + span + "-1-05e3ac9a4f6e3b9", false, {}},
      {"five fields", t128 + "-" + span + "-1-" + parent + "-x", false, {}},
      {"very long value is refused without scanning", std::string(1 << 20, '-'), false, {}},
  };
  for (const SingleCase& c : cases) {
    SCOPED_TRACE(c.rule);
    const absl::StatusOr<B3Context> ctx = ParseB3Single(c.input);
    EXPECT_EQ(ctx.ok(), c.valid) << ctx.status();
    if (ctx.ok()) CheckContext(*ctx, c.expect);
  }
}

struct MultiCase {
  const char* rule;
  B3MultiHeaders headers;
  bool valid;
  Expect expect;
};

TEST(B3Test, ParseMultiFollowsEveryRule) {
  using S = B3Sampling;
  const std::string padded = std::string(16, '0') + kTraceId64;
  const MultiCase cases[] = {
      {"trace and span ids",
       {kTraceId128, kSpanId, "", "", ""},
       true,
       {true, kTraceId128, "", S::kDeferred}},
      {"with parent and sampled=1",
       {kTraceId128, kSpanId, kParentId, "1", ""},
       true,
       {true, kTraceId128, kParentId, S::kAccept}},
      {"sampled=0", {kTraceId128, kSpanId, "", "0", ""}, true, {true, kTraceId128, "", S::kDeny}},
      {"sampled=true (legacy)",
       {kTraceId128, kSpanId, "", "true", ""},
       true,
       {true, kTraceId128, "", S::kAccept}},
      {"sampled=false (legacy)",
       {kTraceId128, kSpanId, "", "false", ""},
       true,
       {true, kTraceId128, "", S::kDeny}},
      {"flags=1 means debug",
       {kTraceId128, kSpanId, "", "", "1"},
       true,
       {true, kTraceId128, "", S::kDebug}},
      {"debug wins over sampled=0",
       {kTraceId128, kSpanId, "", "0", "1"},
       true,
       {true, kTraceId128, "", S::kDebug}},
      {"flags other than 1 are ignored",
       {kTraceId128, kSpanId, "", "1", "0"},
       true,
       {true, kTraceId128, "", S::kAccept}},
      {"64-bit trace id is padded",
       {kTraceId64, kSpanId, "", "", ""},
       true,
       {true, padded, "", S::kDeferred}},
      {"sampling decision only", {"", "", "", "0", ""}, true, {false, "", "", S::kDeny}},
      {"debug only", {"", "", "", "", "1"}, true, {false, "", "", S::kDebug}},
      {"nothing present", {"", "", "", "", ""}, false, {}},
      {"trace id without span id", {kTraceId128, "", "", "1", ""}, false, {}},
      {"span id without trace id", {"", kSpanId, "", "1", ""}, false, {}},
      {"parent alone", {"", "", kParentId, "", ""}, false, {}},
      {"unknown sampled value", {kTraceId128, kSpanId, "", "yes", ""}, false, {}},
      {"sampled=d is single-header only", {kTraceId128, kSpanId, "", "d", ""}, false, {}},
      {"bad trace id", {"xyz", kSpanId, "", "", ""}, false, {}},
      {"bad parent", {kTraceId128, kSpanId, "123", "", ""}, false, {}},
  };
  for (const MultiCase& c : cases) {
    SCOPED_TRACE(c.rule);
    const absl::StatusOr<B3Context> ctx = ParseB3Multi(c.headers);
    EXPECT_EQ(ctx.ok(), c.valid) << ctx.status();
    if (ctx.ok()) CheckContext(*ctx, c.expect);
  }
  EXPECT_TRUE(absl::IsNotFound(ParseB3Multi({}).status()));
}

TEST(B3Test, FormatSingleAndRoundTrip) {
  const std::string t128 = kTraceId128;
  const std::string span = kSpanId;
  struct Case {
    const char* rule;
    std::string input;
    std::string output;
  };
  const Case cases[] = {
      {"full form round-trips", t128 + "-" + span + "-1-" + kParentId,
       t128 + "-" + span + "-1-" + kParentId},
      {"debug", t128 + "-" + span + "-d", t128 + "-" + span + "-d"},
      {"deferred omits sampling", t128 + "-" + span, t128 + "-" + span},
      {"64-bit trace id is emitted with 16 hex", std::string(kTraceId64) + "-" + span + "-0",
       std::string(kTraceId64) + "-" + span + "-0"},
      {"uppercase is emitted lowercase", "80F198EE56343BA864FE8B2A57D3EFF7-" + span,
       t128 + "-" + span},
      {"sampling only", "d", "d"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    const absl::StatusOr<B3Context> ctx = ParseB3Single(c.input);
    ASSERT_TRUE(ctx.ok()) << ctx.status();
    EXPECT_EQ(FormatB3Single(*ctx), c.output);
  }
  B3Context deferred_with_parent = *ParseB3Multi({kTraceId128, kSpanId, kParentId, "", ""});
  EXPECT_EQ(FormatB3Single(deferred_with_parent), t128 + "-" + span)
      << "a parent cannot be sent without a sampling field";
  EXPECT_EQ(FormatB3Single(B3Context{}), "");
}

TEST(B3Test, FormatMulti) {
  B3Context ctx = *ParseB3Single(std::string(kTraceId128) + "-" + kSpanId + "-1-" + kParentId);
  B3MultiValues v = FormatB3Multi(ctx);
  EXPECT_EQ(v.trace_id, kTraceId128);
  EXPECT_EQ(v.span_id, kSpanId);
  EXPECT_EQ(v.parent_span_id, kParentId);
  EXPECT_EQ(v.sampled, "1");
  EXPECT_EQ(v.flags, "");
  ctx.sampling = B3Sampling::kDebug;
  v = FormatB3Multi(ctx);
  EXPECT_EQ(v.sampled, "") << "debug implies accept; X-B3-Sampled is not sent";
  EXPECT_EQ(v.flags, "1");
  ctx.sampling = B3Sampling::kDeferred;
  EXPECT_EQ(FormatB3Multi(ctx).sampled, "");
  const B3Context round =
      *ParseB3Multi({v.trace_id, v.span_id, v.parent_span_id, v.sampled, v.flags});
  EXPECT_EQ(Hex(round.trace_id.data(), 16), kTraceId128);
  EXPECT_EQ(round.sampling, B3Sampling::kDebug);
}

}  // namespace
}  // namespace weft::tracecontext
