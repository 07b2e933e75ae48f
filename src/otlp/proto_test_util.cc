#include "otlp/proto_test_util.h"

#include <bit>
#include <cstring>
#include <random>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/varint.h"
#include "google/protobuf/unknown_field_set.h"

namespace weft::otlp::testing {
namespace {

namespace common_pb = opentelemetry::proto::common::v1;
namespace trace_pb = opentelemetry::proto::trace::v1;
using google::protobuf::RepeatedPtrField;

class Generator {
 public:
  Generator(uint64_t seed, const RandomRequestOptions& options) : rng_(seed), options_(options) {}

  ProtoRequest Request() {
    ProtoRequest request;
    for (int r = Uniform(0, options_.max_resource_spans); r > 0; --r) {
      auto* rs = request.add_resource_spans();
      if (Chance(0.8)) FillAttributes(rs->mutable_resource()->mutable_attributes(), 0);
      if (Chance(0.1)) rs->mutable_resource()->set_dropped_attributes_count(Uniform(1, 9));
      if (Chance(0.3)) rs->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
      for (int s = Uniform(1, options_.max_scope_spans); s > 0; --s) {
        auto* ss = rs->add_scope_spans();
        if (Chance(0.8)) {
          auto* scope = ss->mutable_scope();
          scope->set_name(Text(20));
          if (Chance(0.7)) scope->set_version(Text(6));
          if (Chance(0.3)) FillAttributes(scope->mutable_attributes(), 0);
          if (Chance(0.1)) scope->set_dropped_attributes_count(Uniform(1, 9));
          MaybeUnknown(*scope);
        }
        if (Chance(0.2)) ss->set_schema_url(Text(30));
        for (int n = Uniform(0, options_.max_spans); n > 0; --n) FillSpan(*ss->add_spans());
        MaybeUnknown(*ss);
      }
      if (rs->has_resource()) MaybeUnknown(*rs->mutable_resource());
      MaybeUnknown(*rs);
    }
    MaybeUnknown(request);
    return request;
  }

  void AddUnknown(google::protobuf::Message& message) {
    auto* unknown = message.GetReflection()->MutableUnknownFields(&message);
    const int base = 1000 + Uniform(0, 50) * 8;
    unknown->AddVarint(base, rng_());
    unknown->AddFixed64(base + 1, rng_());
    unknown->AddLengthDelimited(base + 2, Text(10));
    auto* group = unknown->AddGroup(base + 3);
    group->AddVarint(1, 1);
    group->AddGroup(2)->AddFixed32(3, 7);  // a nested group
    group->AddLengthDelimited(4, "in a group");
    unknown->AddFixed32(base + 4, static_cast<uint32_t>(rng_()));
    unknown->AddVarint(536870911, 1);  // the largest field number
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  void MaybeUnknown(google::protobuf::Message& message) {
    if (options_.unknown_fields_probability > 0 && Chance(options_.unknown_fields_probability)) {
      AddUnknown(message);
    }
  }

  std::string Text(int max_length) {
    static constexpr std::string_view kWide[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xE4\xB8\xAD",
                                                 "\xF0\x9F\x98\x80"};
    std::string s;
    for (int n = Uniform(0, max_length); n > 0; --n) {
      if (options_.non_ascii && Chance(0.1)) {
        s += kWide[Uniform(0, 3)];
      } else {
        s += static_cast<char>(Uniform(0x20, 0x7e));
      }
    }
    return s;
  }

  std::string Id(size_t size) {
    std::string id(size, '\0');
    do {
      for (char& c : id) c = static_cast<char>(rng_());
    } while (id == std::string(size, '\0'));
    return id;
  }

  void FillValue(common_pb::AnyValue& value, int depth) {
    const int kind = Uniform(0, depth < options_.max_value_depth ? 7 : 5);
    switch (kind) {
      case 0:
        value.set_string_value(Text(24));
        break;
      case 1:
        value.set_bool_value(Chance(0.5));
        break;
      case 2:
        value.set_int_value(Chance(0.5) ? Uniform(-1000, 1000) : static_cast<int64_t>(rng_()));
        break;
      case 3:
        value.set_double_value(Chance(0.5) ? Uniform(-100, 100) / 8.0
                                           : std::bit_cast<double>(rng_()));
        break;
      case 4:
        value.set_bytes_value(Id(Uniform(1, 12)));
        break;
      case 5:
        break;  // empty AnyValue
      case 6:
        for (int n = Uniform(0, 3); n > 0; --n) {
          FillValue(*value.mutable_array_value()->add_values(), depth + 1);
        }
        if (!value.has_array_value()) value.mutable_array_value();  // an empty array
        break;
      case 7:
        FillAttributes(value.mutable_kvlist_value()->mutable_values(), depth + 1);
        break;
    }
    if (value.has_array_value()) MaybeUnknown(*value.mutable_array_value());
    if (value.has_kvlist_value()) MaybeUnknown(*value.mutable_kvlist_value());
    MaybeUnknown(value);
  }

  void FillAttributes(RepeatedPtrField<common_pb::KeyValue>* attributes, int depth) {
    for (int n = Uniform(0, options_.max_attributes); n > 0; --n) {
      auto* kv = attributes->Add();
      kv->set_key(Text(16));
      if (Chance(0.95)) FillValue(*kv->mutable_value(), depth + 1);
      MaybeUnknown(*kv);
    }
  }

  void FillSpan(ProtoSpan& span) {
    span.set_trace_id(Id(16));
    span.set_span_id(Id(8));
    if (Chance(0.2)) span.set_trace_state("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    if (Chance(0.6)) span.set_parent_span_id(Id(8));
    span.set_name(Text(30));
    span.set_kind(static_cast<ProtoSpan::SpanKind>(Uniform(0, 5)));
    const uint64_t start = 1700000000000000000ULL + rng_() % 1000000000000ULL;
    span.set_start_time_unix_nano(start);
    span.set_end_time_unix_nano(start + rng_() % 1000000000ULL);
    FillAttributes(span.mutable_attributes(), 0);
    if (Chance(0.1)) span.set_dropped_attributes_count(Uniform(1, 100));
    for (int n = Chance(0.3) ? Uniform(1, 3) : 0; n > 0; --n) {
      auto* event = span.add_events();
      event->set_time_unix_nano(start + Uniform(0, 1000));
      event->set_name(Text(12));
      FillAttributes(event->mutable_attributes(), 0);
      if (Chance(0.1)) event->set_dropped_attributes_count(Uniform(1, 9));
      MaybeUnknown(*event);
    }
    if (Chance(0.1)) span.set_dropped_events_count(Uniform(1, 9));
    for (int n = Chance(0.2) ? Uniform(1, 2) : 0; n > 0; --n) {
      auto* link = span.add_links();
      link->set_trace_id(Id(16));
      link->set_span_id(Id(8));
      if (Chance(0.3)) link->set_trace_state("k=v");
      FillAttributes(link->mutable_attributes(), 0);
      if (Chance(0.1)) link->set_dropped_attributes_count(Uniform(1, 9));
      if (Chance(0.5)) link->set_flags(static_cast<uint32_t>(rng_()));
      MaybeUnknown(*link);
    }
    if (Chance(0.1)) span.set_dropped_links_count(Uniform(1, 9));
    if (Chance(0.5)) {
      auto* status = span.mutable_status();
      status->set_code(static_cast<trace_pb::Status::StatusCode>(Uniform(0, 2)));
      if (Chance(0.5)) status->set_message(Text(20));
      if (options_.unknown_fields_probability > 0 && Chance(options_.unknown_fields_probability)) {
        // Field 1 is reserved in Status: still an unknown field to skip.
        status->GetReflection()->MutableUnknownFields(status)->AddVarint(1, 5);
      }
      MaybeUnknown(*status);
    }
    if (Chance(0.5)) span.set_flags(static_cast<uint32_t>(rng_()) & 0x3ff);
    MaybeUnknown(span);
  }

  std::mt19937_64 rng_;
  RandomRequestOptions options_;
};

// --- comparison -----------------------------------------------------------------------------

// This absl is built with its own string_view type; StrCat needs it spelled out.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

std::string Show(std::string_view s) { return absl::StrCat("\"", absl::CHexEscape(Sv(s)), "\""); }
std::string Show(bool v) { return v ? "true" : "false"; }
template <typename T>
requires std::is_arithmetic_v<T> std::string Show(T v) { return absl::StrCat(v); }

// Records the first difference; later checks are no-ops once one is found.
class Diff {
 public:
  template <typename A, typename B>
  void Check(std::string_view where, const A& a, const B& b) {
    if (!found() && !(a == b)) result_ = absl::StrCat(Sv(where), ": ", Show(a), " vs ", Show(b));
  }
  void Fail(std::string message) {
    if (!found()) result_ = std::move(message);
  }
  bool found() const { return !result_.empty(); }
  std::string result() const { return result_; }

 private:
  std::string result_;
};

void CompareValue(Diff& d, const std::string& where, const AnyValue& v,
                  const common_pb::AnyValue& p);

void CompareKeyValues(Diff& d, const std::string& where, Attributes attributes,
                      const RepeatedPtrField<common_pb::KeyValue>& proto) {
  d.Check(where + ".size", attributes.size(), static_cast<size_t>(proto.size()));
  for (size_t i = 0; i < attributes.size() && !d.found(); ++i) {
    const std::string at = absl::StrCat(where, "[", i, "]");
    d.Check(at + ".key", attributes[i].key, std::string_view(proto[i].key()));
    CompareValue(d, at + ".value", attributes[i].value, proto[i].value());
  }
}

void CompareValue(Diff& d, const std::string& where, const AnyValue& v,
                  const common_pb::AnyValue& p) {
  using Case = common_pb::AnyValue::ValueCase;
  switch (p.value_case()) {
    case Case::VALUE_NOT_SET:
      d.Check(where + ".type", ValueTypeName(v.type()), ValueTypeName(ValueType::kEmpty));
      return;
    case Case::kStringValue:
      d.Check(where + ".type", ValueTypeName(v.type()), ValueTypeName(ValueType::kString));
      if (!d.found()) d.Check(where, v.string_value(), std::string_view(p.string_value()));
      return;
    case Case::kBoolValue:
      d.Check(where + ".type", ValueTypeName(v.type()), ValueTypeName(ValueType::kBool));
      if (!d.found()) d.Check(where, v.bool_value(), p.bool_value());
      return;
    case Case::kIntValue:
      d.Check(where + ".type", ValueTypeName(v.type()), ValueTypeName(ValueType::kInt));
      if (!d.found()) d.Check(where, v.int_value(), p.int_value());
      return;
    case Case::kDoubleValue:
      d.Check(where + ".type", ValueTypeName(v.type()), ValueTypeName(ValueType::kDouble));
      if (!d.found()) {
        d.Check(where, std::bit_cast<uint64_t>(v.double_value()),
                std::bit_cast<uint64_t>(p.double_value()));
      }
      return;
    case Case::kBytesValue:
      d.Check(where + ".type", ValueTypeName(v.type()), ValueTypeName(ValueType::kBytes));
      if (!d.found()) d.Check(where, v.bytes_value(), std::string_view(p.bytes_value()));
      return;
    case Case::kArrayValue: {
      d.Check(where + ".type", ValueTypeName(v.type()), ValueTypeName(ValueType::kArray));
      if (d.found()) return;
      const auto& values = p.array_value().values();
      d.Check(where + ".size", v.array_value().size(), static_cast<size_t>(values.size()));
      for (size_t i = 0; i < v.array_value().size() && !d.found(); ++i) {
        CompareValue(d, absl::StrCat(where, "[", i, "]"), v.array_value()[i], values[i]);
      }
      return;
    }
    case Case::kKvlistValue:
      d.Check(where + ".type", ValueTypeName(v.type()), ValueTypeName(ValueType::kKvList));
      if (!d.found()) CompareKeyValues(d, where, v.kvlist_value(), p.kvlist_value().values());
      return;
  }
}

std::string_view IdOrEmpty(const SpanId& id) {
  return id.IsValid() ? id.AsStringView() : std::string_view();
}

void CompareSpan(Diff& d, const std::string& w, const Span& s, const ProtoSpan& p) {
  d.Check(w + ".trace_id", s.trace_id.AsStringView(), std::string_view(p.trace_id()));
  d.Check(w + ".span_id", s.span_id.AsStringView(), std::string_view(p.span_id()));
  d.Check(w + ".trace_state", s.trace_state, std::string_view(p.trace_state()));
  d.Check(w + ".parent_span_id", IdOrEmpty(s.parent_span_id),
          p.parent_span_id() == std::string(8, '\0') ? std::string_view()
                                                     : std::string_view(p.parent_span_id()));
  d.Check(w + ".name", s.name, std::string_view(p.name()));
  const int kind = p.kind() >= 0 && p.kind() <= kMaxSpanKind ? p.kind() : 0;
  d.Check(w + ".kind", static_cast<int>(s.kind), kind);
  d.Check(w + ".start_time_unix_nano", s.start_time_unix_nano, p.start_time_unix_nano());
  d.Check(w + ".end_time_unix_nano", s.end_time_unix_nano, p.end_time_unix_nano());
  CompareKeyValues(d, w + ".attributes", s.attributes, p.attributes());
  d.Check(w + ".dropped_attributes_count", s.dropped_attributes_count,
          p.dropped_attributes_count());
  d.Check(w + ".events.size", s.events.size(), static_cast<size_t>(p.events_size()));
  for (size_t i = 0; i < s.events.size() && !d.found(); ++i) {
    const std::string at = absl::StrCat(w, ".events[", i, "]");
    const auto& e = p.events(static_cast<int>(i));
    d.Check(at + ".time_unix_nano", s.events[i].time_unix_nano, e.time_unix_nano());
    d.Check(at + ".name", s.events[i].name, std::string_view(e.name()));
    CompareKeyValues(d, at + ".attributes", s.events[i].attributes, e.attributes());
    d.Check(at + ".dropped_attributes_count", s.events[i].dropped_attributes_count,
            e.dropped_attributes_count());
  }
  d.Check(w + ".dropped_events_count", s.dropped_events_count, p.dropped_events_count());
  d.Check(w + ".links.size", s.links.size(), static_cast<size_t>(p.links_size()));
  for (size_t i = 0; i < s.links.size() && !d.found(); ++i) {
    const std::string at = absl::StrCat(w, ".links[", i, "]");
    const auto& l = p.links(static_cast<int>(i));
    d.Check(at + ".trace_id", s.links[i].trace_id.AsStringView(), std::string_view(l.trace_id()));
    d.Check(at + ".span_id", s.links[i].span_id.AsStringView(), std::string_view(l.span_id()));
    d.Check(at + ".trace_state", s.links[i].trace_state, std::string_view(l.trace_state()));
    CompareKeyValues(d, at + ".attributes", s.links[i].attributes, l.attributes());
    d.Check(at + ".dropped_attributes_count", s.links[i].dropped_attributes_count,
            l.dropped_attributes_count());
    d.Check(at + ".flags", s.links[i].flags, l.flags());
  }
  d.Check(w + ".dropped_links_count", s.dropped_links_count, p.dropped_links_count());
  d.Check(w + ".status.message", s.status_message, std::string_view(p.status().message()));
  const int code =
      p.status().code() >= 0 && p.status().code() <= kMaxStatusCode ? p.status().code() : 0;
  d.Check(w + ".status.code", static_cast<int>(s.status_code), code);
  d.Check(w + ".flags", s.flags, p.flags());
}

// Span-by-span comparison of two weft batches (resource and scope by content).
void CompareSpans(Diff& d, const std::string& w, const Span& a, const Span& b) {
  d.Check(w + ".trace_id", a.trace_id.AsStringView(), b.trace_id.AsStringView());
  d.Check(w + ".span_id", a.span_id.AsStringView(), b.span_id.AsStringView());
  d.Check(w + ".parent_span_id", a.parent_span_id.AsStringView(), b.parent_span_id.AsStringView());
  d.Check(w + ".trace_state", a.trace_state, b.trace_state);
  d.Check(w + ".name", a.name, b.name);
  d.Check(w + ".kind", static_cast<int>(a.kind), static_cast<int>(b.kind));
  d.Check(w + ".status_code", static_cast<int>(a.status_code), static_cast<int>(b.status_code));
  d.Check(w + ".status_message", a.status_message, b.status_message);
  d.Check(w + ".flags", a.flags, b.flags);
  d.Check(w + ".start", a.start_time_unix_nano, b.start_time_unix_nano);
  d.Check(w + ".end", a.end_time_unix_nano, b.end_time_unix_nano);
  d.Check(w + ".attributes", std::ranges::equal(a.attributes, b.attributes), true);
  d.Check(w + ".dropped_attributes_count", a.dropped_attributes_count, b.dropped_attributes_count);
  d.Check(w + ".events.size", a.events.size(), b.events.size());
  for (size_t i = 0; i < a.events.size() && !d.found(); ++i) {
    const Event& x = a.events[i];
    const Event& y = b.events[i];
    const std::string at = absl::StrCat(w, ".events[", i, "]");
    d.Check(at + ".time", x.time_unix_nano, y.time_unix_nano);
    d.Check(at + ".name", x.name, y.name);
    d.Check(at + ".attributes", std::ranges::equal(x.attributes, y.attributes), true);
    d.Check(at + ".dropped", x.dropped_attributes_count, y.dropped_attributes_count);
  }
  d.Check(w + ".dropped_events_count", a.dropped_events_count, b.dropped_events_count);
  d.Check(w + ".links.size", a.links.size(), b.links.size());
  for (size_t i = 0; i < a.links.size() && !d.found(); ++i) {
    const Link& x = a.links[i];
    const Link& y = b.links[i];
    const std::string at = absl::StrCat(w, ".links[", i, "]");
    d.Check(at + ".trace_id", x.trace_id.AsStringView(), y.trace_id.AsStringView());
    d.Check(at + ".span_id", x.span_id.AsStringView(), y.span_id.AsStringView());
    d.Check(at + ".trace_state", x.trace_state, y.trace_state);
    d.Check(at + ".attributes", std::ranges::equal(x.attributes, y.attributes), true);
    d.Check(at + ".dropped", x.dropped_attributes_count, y.dropped_attributes_count);
    d.Check(at + ".flags", x.flags, y.flags);
  }
  d.Check(w + ".dropped_links_count", a.dropped_links_count, b.dropped_links_count);
}

}  // namespace

ProtoRequest RandomRequest(uint64_t seed, const RandomRequestOptions& options) {
  return Generator(seed, options).Request();
}

void AddUnknownFields(google::protobuf::Message& message, uint64_t seed) {
  Generator(seed, {}).AddUnknown(message);
}

std::string DiffBatchAndProto(const SpanBatch& batch, const ProtoRequest& request) {
  Diff d;
  size_t i = 0;
  for (int r = 0; r < request.resource_spans_size(); ++r) {
    const auto& rs = request.resource_spans(r);
    for (int s = 0; s < rs.scope_spans_size(); ++s) {
      const auto& ss = rs.scope_spans(s);
      for (int k = 0; k < ss.spans_size() && !d.found(); ++k, ++i) {
        const std::string w = absl::StrCat("resource_spans[", r, "].scope_spans[", s, "].spans[", k,
                                           "] (batch span ", i, ")");
        if (i >= batch.size()) return absl::StrCat(w, ": missing from the batch");
        const Span& span = batch.spans()[i];
        const Resource& resource = batch.resource_of(span);
        CompareKeyValues(d, w + " resource.attributes", resource.attributes,
                         rs.resource().attributes());
        d.Check(w + " resource.dropped_attributes_count", resource.dropped_attributes_count,
                rs.resource().dropped_attributes_count());
        d.Check(w + " resource.schema_url", resource.schema_url, std::string_view(rs.schema_url()));
        const InstrumentationScope& scope = batch.scope_of(span);
        d.Check(w + " scope.name", scope.name, std::string_view(ss.scope().name()));
        d.Check(w + " scope.version", scope.version, std::string_view(ss.scope().version()));
        CompareKeyValues(d, w + " scope.attributes", scope.attributes, ss.scope().attributes());
        d.Check(w + " scope.dropped_attributes_count", scope.dropped_attributes_count,
                ss.scope().dropped_attributes_count());
        d.Check(w + " scope.schema_url", scope.schema_url, std::string_view(ss.schema_url()));
        CompareSpan(d, w, span, ss.spans(k));
      }
    }
  }
  if (!d.found() && i != batch.size()) {
    return absl::StrCat("batch has ", batch.size(), " spans, request ", i);
  }
  return d.result();
}

std::string DiffBatches(const SpanBatch& a, const SpanBatch& b) {
  Diff d;
  d.Check("span count", a.size(), b.size());
  for (size_t i = 0; i < a.size() && !d.found(); ++i) {
    const Span& x = a.spans()[i];
    const Span& y = b.spans()[i];
    const std::string w = absl::StrCat("span ", i);
    const Resource& rx = a.resource_of(x);
    const Resource& ry = b.resource_of(y);
    d.Check(w + " resource.attributes", std::ranges::equal(rx.attributes, ry.attributes), true);
    d.Check(w + " resource.dropped", rx.dropped_attributes_count, ry.dropped_attributes_count);
    d.Check(w + " resource.schema_url", rx.schema_url, ry.schema_url);
    const InstrumentationScope& sx = a.scope_of(x);
    const InstrumentationScope& sy = b.scope_of(y);
    d.Check(w + " scope.name", sx.name, sy.name);
    d.Check(w + " scope.version", sx.version, sy.version);
    d.Check(w + " scope.attributes", std::ranges::equal(sx.attributes, sy.attributes), true);
    d.Check(w + " scope.dropped", sx.dropped_attributes_count, sy.dropped_attributes_count);
    d.Check(w + " scope.schema_url", sx.schema_url, sy.schema_url);
    CompareSpans(d, w, x, y);
  }
  return d.result();
}

namespace {
std::string Tag(uint32_t field, uint32_t wire) {
  std::string out;
  PutVarint64(out, uint64_t{field} << 3 | wire);
  return out;
}
}  // namespace

std::string VarintField(uint32_t field, uint64_t value) {
  std::string out = Tag(field, 0);
  PutVarint64(out, value);
  return out;
}
std::string Fixed64Field(uint32_t field, uint64_t value) {
  std::string out = Tag(field, 1);
  PutFixed64(out, value);
  return out;
}
std::string Fixed32Field(uint32_t field, uint32_t value) {
  std::string out = Tag(field, 5);
  PutFixed32(out, value);
  return out;
}
std::string LenField(uint32_t field, std::string_view payload) {
  std::string out = Tag(field, 2);
  PutVarint64(out, payload.size());
  out.append(payload);
  return out;
}
std::string GroupField(uint32_t field, std::string_view body) {
  return absl::StrCat(Tag(field, 3), Sv(body), Tag(field, 4));
}

}  // namespace weft::otlp::testing
