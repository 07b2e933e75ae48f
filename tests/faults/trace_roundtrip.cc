// Sending, fetching and comparing traces for the fault tests (see trace_roundtrip.h). Thread rule:
// free functions, thread-safe; a ScratchDir belongs to one test.
#include "trace_roundtrip.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <stdlib.h>

#include "gtest/gtest.h"
#include "http_client.h"
#include "otlp/proto_codec.h"

namespace weft::faults {
namespace {

// FNV-1a over the fields a store must keep exactly.
class Digest {
 public:
  Digest& Add(std::string_view bytes) {
    Add(static_cast<uint64_t>(bytes.size()));
    for (unsigned char c : bytes) Byte(c);
    return *this;
  }
  Digest& Add(uint64_t v) {
    for (int i = 0; i < 8; ++i) Byte(static_cast<unsigned char>(v >> (8 * i)));
    return *this;
  }
  uint64_t value() const { return h_; }

 private:
  void Byte(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ULL;
  }
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

SpanKey KeyOf(const SpanBatch& batch, const Span& span) {
  Digest d;
  d.Add(std::string_view(reinterpret_cast<const char*>(span.parent_span_id.bytes().data()), 8))
      .Add(span.name)
      .Add(static_cast<uint64_t>(span.kind))
      .Add(static_cast<uint64_t>(span.status_code))
      .Add(span.start_time_unix_nano)
      .Add(span.end_time_unix_nano)
      .Add(span.attributes.size())
      .Add(span.events.size())
      .Add(span.links.size())
      .Add(ServiceName(batch.resource_of(span)));
  return {span.span_id, d.value()};
}

}  // namespace

TraceKeys KeysByTrace(const SpanBatch& batch) {
  TraceKeys out;
  for (const Span& span : batch.spans()) out[span.trace_id].push_back(KeyOf(batch, span));
  for (auto& [id, keys] : out) std::sort(keys.begin(), keys.end());
  return out;
}

int PostTraces(int otlp_http_port, const SpanBatch& batch, std::string* body) {
  std::string request;
  otlp::EncodeExportRequest(batch, request);
  testing::HttpResult r = testing::HttpRequest(
      otlp_http_port, "POST", "/v1/traces", {{"Content-Type", "application/x-protobuf"}}, request);
  if (body != nullptr) *body = std::move(r.body);
  return r.status;
}

FetchedTrace FetchTrace(int tempo_port, const TraceId& trace_id) {
  FetchedTrace out;
  testing::HttpResult r = testing::HttpRequest(tempo_port, "GET", "/api/traces/" + trace_id.ToHex(),
                                               {{"Accept", "application/protobuf"}});
  out.status = r.status;
  if (r.status != 200) {
    out.error = r.body;
    return out;
  }
  SpanBatch batch;
  absl::StatusOr<DecodeResult> decoded = otlp::DecodeExportRequest(r.body, batch);
  if (!decoded.ok()) {
    out.error = "undecodable answer: " + std::string(decoded.status().message());
    return out;
  }
  for (const Span& span : batch.spans()) {
    if (span.trace_id != trace_id) {
      out.error = "answer holds a span of trace " + span.trace_id.ToHex();
      return out;
    }
    out.keys.push_back(KeyOf(batch, span));
  }
  std::sort(out.keys.begin(), out.keys.end());
  return out;
}

std::string DiffKeys(const std::vector<SpanKey>& expected, const std::vector<SpanKey>& got) {
  if (expected == got) return "";
  std::vector<SpanKey> missing;
  std::vector<SpanKey> extra;
  std::set_difference(expected.begin(), expected.end(), got.begin(), got.end(),
                      std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), expected.begin(), expected.end(),
                      std::back_inserter(extra));
  size_t duplicated = 0;
  for (size_t i = 1; i < got.size(); ++i) duplicated += got[i] == got[i - 1];
  std::ostringstream s;
  s << expected.size() << " spans expected, " << got.size() << " served: " << missing.size()
    << " missing, " << extra.size() << " not expected (" << duplicated << " duplicates)";
  if (!missing.empty()) s << "; first missing " << missing[0].span_id.ToHex();
  if (!extra.empty()) s << "; first unexpected " << extra[0].span_id.ToHex();
  return s.str();
}

bool IsSubset(const std::vector<SpanKey>& expected, const std::vector<SpanKey>& got) {
  return std::includes(expected.begin(), expected.end(), got.begin(), got.end());
}

double MetricSum(std::string_view text, std::string_view name) {
  double sum = 0;
  bool found = false;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name, 0) != 0 || line.size() <= name.size()) continue;
    const char next = line[name.size()];
    if (next != ' ' && next != '{') continue;  // another metric sharing the prefix
    const size_t space = line.rfind(' ');
    sum += std::strtod(line.c_str() + space + 1, nullptr);
    found = true;
  }
  return found ? sum : -1;
}

ScratchDir::ScratchDir(std::string_view prefix) {
  std::string tmpl = ::testing::TempDir() + "/" + std::string(prefix) + "_XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  if (std::getenv("WEFT_KEEP_FAULT_DIRS") != nullptr) {
    std::printf("kept %s\n", path_.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace weft::faults
