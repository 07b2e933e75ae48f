#include "otlp/proto_decode_error.h"

#include "absl/strings/str_cat.h"

namespace weft::otlp {
namespace {

// This absl is built with its own string_view type; StrCat needs it spelled out.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

std::string FieldName(FieldNames names, uint32_t number) {
  if (IsKnownField(names, number)) return std::string(names[number]);
  return absl::StrCat("<field ", number, ">");
}

std::string_view WireTypeName(uint32_t wire) {
  switch (wire) {
    case pb::kVarint:
      return "varint";
    case pb::kFixed64:
      return "fixed64";
    case pb::kLengthDelimited:
      return "length-delimited";
    case pb::kStartGroup:
      return "start-group";
    case pb::kEndGroup:
      return "end-group";
    case pb::kFixed32:
      return "fixed32";
  }
  return "invalid";
}

}  // namespace

void DecodeError::SetWireError(FieldNames names, uint32_t tag, WireError error,
                               size_t byte_offset) {
  detail_ = absl::StrCat(Sv(WireErrorText(error)), " at byte ", byte_offset);
  if (tag != 0) path_.push_back(FieldName(names, tag >> 3));
}

void DecodeError::SetWrongWireType(FieldNames names, uint32_t tag) {
  detail_ = absl::StrCat("unexpected wire type ", Sv(WireTypeName(tag & 7)));
  path_.push_back(FieldName(names, tag >> 3));
}

void DecodeError::SetTooDeep(int max_depth) {
  detail_ = absl::StrCat("nesting deeper than ", max_depth);
}

void DecodeError::Within(std::string_view field) { path_.emplace_back(field); }

void DecodeError::Within(std::string_view field, size_t index) {
  path_.push_back(absl::StrCat(Sv(field), "[", index, "]"));
}

absl::Status DecodeError::ToStatus() const {
  constexpr size_t kKeepEachEnd = 12;  // deep nesting makes long paths
  const size_t n = path_.size();
  std::string message;
  for (size_t i = 0; i < n; ++i) {
    if (n > 2 * kKeepEachEnd + 1 && i == kKeepEachEnd) {
      absl::StrAppend(&message, ".(", n - 2 * kKeepEachEnd, " more)...");
      i = n - kKeepEachEnd - 1;
      continue;
    }
    if (i > 0) message += '.';
    message += path_[n - 1 - i];
  }
  if (message.empty()) message = "ExportTraceServiceRequest";
  absl::StrAppend(&message, ": ", detail_);
  return absl::InvalidArgumentError(message);
}

std::string SpanRejectionMessage(size_t resource_spans_index, size_t scope_spans_index,
                                 size_t span_index, const SpanProblem& problem) {
  std::string message = absl::StrCat("resource_spans[", resource_spans_index, "].scope_spans[",
                                     scope_spans_index, "].spans[", span_index, "].");
  if (problem.link_index >= 0) absl::StrAppend(&message, "links[", problem.link_index, "].");
  absl::StrAppend(&message, Sv(problem.field), ": ");
  if (problem.actual_size == problem.expected_size) {
    absl::StrAppend(&message, "all zero (invalid id)");
  } else {
    absl::StrAppend(&message, "must be ", problem.expected_size, " bytes",
                    problem.field == "parent_span_id" ? " or empty" : "", ", got ",
                    problem.actual_size);
  }
  return message;
}

}  // namespace weft::otlp
