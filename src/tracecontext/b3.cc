#include "tracecontext/b3.h"

#include <cstddef>

#include "absl/status/status.h"
#include "common/hex.h"
#include "tracecontext/ows.h"

namespace weft::tracecontext {
namespace {

bool IsZero(const uint8_t* bytes, size_t n) {
  uint8_t any = 0;
  for (size_t i = 0; i < n; ++i) any |= bytes[i];
  return any == 0;
}

// 16 or 32 hex characters; 16 fill the right-most 8 bytes.
bool DecodeTraceId(std::string_view hex, std::array<uint8_t, 16>* out) {
  out->fill(0);
  if (hex.size() == 16) return HexDecode(hex, out->data() + 8, 8, HexCase::kAny);
  return HexDecode(hex, out->data(), 16, HexCase::kAny);
}

bool DecodeSpanId(std::string_view hex, std::array<uint8_t, 8>* out) {
  return HexDecode(hex, out->data(), out->size(), HexCase::kAny);
}

std::string EncodeTraceId(const std::array<uint8_t, 16>& id) {
  const bool short_form = IsZero(id.data(), 8);
  std::string out(short_form ? 16 : 32, '\0');
  HexEncode(id.data() + (short_form ? 8 : 0), short_form ? 8 : 16, out.data());
  return out;
}

std::string EncodeSpanId(const std::array<uint8_t, 8>& id) {
  std::string out(16, '\0');
  HexEncode(id.data(), id.size(), out.data());
  return out;
}

bool ParseSingleSampling(std::string_view s, B3Sampling* out) {
  if (s == "0") {
    *out = B3Sampling::kDeny;
  } else if (s == "1") {
    *out = B3Sampling::kAccept;
  } else if (s == "d") {
    *out = B3Sampling::kDebug;
  } else {
    return false;
  }
  return true;
}

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(std::string("b3: ") + std::string(what));
}

// Decodes ids into `ctx`; shared by both forms.
absl::Status DecodeIds(std::string_view trace_id, std::string_view span_id,
                       std::string_view parent_span_id, B3Context* ctx) {
  if (!DecodeTraceId(trace_id, &ctx->trace_id)) return Invalid("trace id is not 16 or 32 hex");
  if (IsZero(ctx->trace_id.data(), ctx->trace_id.size())) return Invalid("trace id is zero");
  if (!DecodeSpanId(span_id, &ctx->span_id)) return Invalid("span id is not 16 hex");
  if (IsZero(ctx->span_id.data(), ctx->span_id.size())) return Invalid("span id is zero");
  if (!parent_span_id.empty()) {
    if (!DecodeSpanId(parent_span_id, &ctx->parent_span_id)) {
      return Invalid("parent span id is not 16 hex");
    }
    ctx->has_parent_span_id = !IsZero(ctx->parent_span_id.data(), ctx->parent_span_id.size());
    if (!ctx->has_parent_span_id) ctx->parent_span_id.fill(0);
  }
  ctx->has_ids = true;
  return absl::OkStatus();
}

std::string_view SingleSamplingText(B3Sampling s) {
  switch (s) {
    case B3Sampling::kDeny:
      return "0";
    case B3Sampling::kAccept:
      return "1";
    case B3Sampling::kDebug:
      return "d";
    case B3Sampling::kDeferred:
      break;
  }
  return "";
}

}  // namespace

absl::StatusOr<B3Context> ParseB3Single(std::string_view value) {
  value = TrimOws(value);
  B3Context ctx;
  if (value.size() == 1) {
    if (!ParseSingleSampling(value, &ctx.sampling)) return Invalid("unknown sampling state");
    return ctx;
  }
  // Up to 4 fields; a 5th dash is an error. Nothing longer than the longest valid form is
  // scanned (32 + 1 + 16 + 1 + 1 + 1 + 16 = 68 characters).
  constexpr size_t kMaxLength = 68;
  if (value.size() > kMaxLength) return Invalid("too long");
  std::string_view fields[4];
  size_t count = 0;
  while (true) {
    const size_t dash = value.find('-');
    if (count == 4) return Invalid("too many fields");
    fields[count++] = value.substr(0, dash);
    if (dash == std::string_view::npos) break;
    value.remove_prefix(dash + 1);
  }
  if (count < 2) return Invalid("expected {traceid}-{spanid}");
  if (count >= 3 && !ParseSingleSampling(fields[2], &ctx.sampling)) {
    return Invalid("unknown sampling state");
  }
  if (count == 4 && fields[3].empty()) return Invalid("empty parent span id");
  const absl::Status status = DecodeIds(fields[0], fields[1], fields[3], &ctx);
  if (!status.ok()) return status;
  return ctx;
}

absl::StatusOr<B3Context> ParseB3Multi(const B3MultiHeaders& headers) {
  const std::string_view trace_id = TrimOws(headers.trace_id);
  const std::string_view span_id = TrimOws(headers.span_id);
  const std::string_view parent = TrimOws(headers.parent_span_id);
  const std::string_view sampled = TrimOws(headers.sampled);
  const std::string_view flags = TrimOws(headers.flags);
  if (trace_id.empty() && span_id.empty() && parent.empty() && sampled.empty() && flags.empty()) {
    return absl::NotFoundError("b3: no X-B3 headers");
  }
  B3Context ctx;
  if (sampled == "1" || sampled == "true") {
    ctx.sampling = B3Sampling::kAccept;
  } else if (sampled == "0" || sampled == "false") {
    ctx.sampling = B3Sampling::kDeny;
  } else if (!sampled.empty()) {
    return Invalid("unknown X-B3-Sampled value");
  }
  if (flags == "1") ctx.sampling = B3Sampling::kDebug;
  if (trace_id.empty() && span_id.empty()) {
    if (!parent.empty()) return Invalid("X-B3-ParentSpanId without trace and span ids");
    return ctx;
  }
  if (trace_id.empty() || span_id.empty())
    return Invalid("X-B3-TraceId and X-B3-SpanId go together");
  const absl::Status status = DecodeIds(trace_id, span_id, parent, &ctx);
  if (!status.ok()) return status;
  return ctx;
}

std::string FormatB3Single(const B3Context& context) {
  const std::string_view sampling = SingleSamplingText(context.sampling);
  if (!context.has_ids) return std::string(sampling);
  std::string out = EncodeTraceId(context.trace_id);
  out.push_back('-');
  out += EncodeSpanId(context.span_id);
  if (!sampling.empty()) {
    out.push_back('-');
    out += sampling;
    if (context.has_parent_span_id) {
      out.push_back('-');
      out += EncodeSpanId(context.parent_span_id);
    }
  }
  return out;
}

B3MultiValues FormatB3Multi(const B3Context& context) {
  B3MultiValues out;
  if (context.has_ids) {
    out.trace_id = EncodeTraceId(context.trace_id);
    out.span_id = EncodeSpanId(context.span_id);
    if (context.has_parent_span_id) out.parent_span_id = EncodeSpanId(context.parent_span_id);
  }
  switch (context.sampling) {
    case B3Sampling::kDeny:
      out.sampled = "0";
      break;
    case B3Sampling::kAccept:
      out.sampled = "1";
      break;
    case B3Sampling::kDebug:
      out.flags = "1";
      break;
    case B3Sampling::kDeferred:
      break;
  }
  return out;
}

}  // namespace weft::tracecontext
