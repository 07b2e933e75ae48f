// OTEL_* environment parsing (env_config.h).
// Thread rule: pure functions.
#include "sdk/env_config.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/hex.h"

namespace weft {
inline namespace v1 {
namespace detail {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = HexDigitValue(s[i + 1], HexCase::kAny);
    const int lo = HexDigitValue(s[i + 2], HexCase::kAny);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi << 4 | lo);
    i += 2;
  }
  return out;
}

struct Reader {
  const EnvLookup& getenv;
  std::vector<std::string>& warnings;

  // Set and non-empty (after trimming).
  std::optional<std::string> Get(const char* name) const {
    const char* v = getenv(name);
    if (v == nullptr) return std::nullopt;
    std::string_view t = Trim(v);
    if (t.empty()) return std::nullopt;
    return std::string(t);
  }
  // The first of `names` that is set.
  std::optional<std::string> First(std::initializer_list<const char*> names,
                                   const char** which = nullptr) const {
    for (const char* n : names) {
      if (auto v = Get(n)) {
        if (which != nullptr) *which = n;
        return v;
      }
    }
    return std::nullopt;
  }
  void Warn(const char* name, const std::string& value, const std::string& why) {
    warnings.push_back(std::string(name) + "='" + value + "': " + why);
  }
  // A non-negative integer (milliseconds, sizes); warns and returns nullopt when bad.
  std::optional<int64_t> Int(const char* name, int64_t min, int64_t max) {
    auto v = Get(name);
    if (!v) return std::nullopt;
    int64_t n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max) {
      Warn(name, *v,
           "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
               "]; using the default");
      return std::nullopt;
    }
    return n;
  }
};

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> ParseKeyValueList(
    std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view member = Trim(text.substr(start, comma - start));
    start = comma + 1;
    if (member.empty()) continue;
    const size_t eq = member.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    auto key = PercentDecode(Trim(member.substr(0, eq)));
    auto value = PercentDecode(Trim(member.substr(eq + 1)));
    if (!key || !value || key->empty()) return std::nullopt;
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

EnvConfig ReadEnvironment(const EnvLookup& getenv, const sdk::InitOptions& options) {
  EnvConfig c;
  Reader env{getenv, c.warnings};

  if (auto v = env.Get("OTEL_SDK_DISABLED")) {
    const std::string l = Lower(*v);
    if (l == "true") {
      c.disabled = true;
    } else if (l != "false") {
      env.Warn("OTEL_SDK_DISABLED", *v, "expected true or false; using false");
    }
  }

  // Resource: options, then OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME.
  c.resource = options.resource;
  if (auto v = env.Get("OTEL_RESOURCE_ATTRIBUTES")) {
    if (auto list = ParseKeyValueList(*v)) {
      for (const auto& [k, val] : *list) c.resource.Set(k, val);
    } else {
      env.Warn("OTEL_RESOURCE_ATTRIBUTES", *v,
               "not a list of key=value with percent-encoding; ignored");
    }
  }
  if (auto v = env.Get("OTEL_SERVICE_NAME")) c.resource.Set("service.name", *v);
  if (c.resource.Find("service.name") == nullptr) {
    c.resource.Set("service.name", options.default_service_name);
  }

  if (auto v = env.Get("OTEL_TRACES_EXPORTER")) {
    const std::string l = Lower(*v);
    if (l == "otlp") {
      c.exporter = EnvConfig::ExporterKind::kOtlp;
    } else if (l == "console" || l == "logging") {
      c.exporter = EnvConfig::ExporterKind::kConsole;
    } else if (l == "none") {
      c.exporter = EnvConfig::ExporterKind::kNone;
    } else {
      env.Warn("OTEL_TRACES_EXPORTER", *v, "expected otlp, console or none; using otlp");
    }
  }

  // OTLP.
  const char* protocol_var = nullptr;
  if (auto v = env.First({"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"},
                         &protocol_var)) {
    const std::string l = Lower(*v);
    if (l == "grpc") {
      c.otlp.protocol = OtlpExporterOptions::Protocol::kGrpc;
    } else if (l == "http/json") {
      c.otlp.protocol = OtlpExporterOptions::Protocol::kHttpJson;
    } else if (l != "http/protobuf") {
      env.Warn(protocol_var, *v, "expected http/protobuf, http/json or grpc; using http/protobuf");
    }
  }
  const bool grpc = c.otlp.protocol == OtlpExporterOptions::Protocol::kGrpc;
  if (auto v = env.Get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) {
    c.otlp.endpoint = *v;  // used as is
  } else if (auto base = env.Get("OTEL_EXPORTER_OTLP_ENDPOINT")) {
    // The signal path is appended to the base URL for HTTP (spec: "/v1/traces" relative to it).
    c.otlp.endpoint = *base;
    if (!grpc) {
      if (c.otlp.endpoint.back() != '/') c.otlp.endpoint += '/';
      c.otlp.endpoint += "v1/traces";
    }
  } else {
    c.otlp.endpoint = grpc ? "http://localhost:4317" : "http://localhost:4318/v1/traces";
  }
  if (c.otlp.endpoint.rfind("http://", 0) != 0) {
    if (c.otlp.endpoint.rfind("https://", 0) == 0) {
      env.Warn("OTEL_EXPORTER_OTLP_ENDPOINT", c.otlp.endpoint,
               "https is not supported by weft's exporter yet; using the default endpoint");
    } else {
      env.Warn("OTEL_EXPORTER_OTLP_ENDPOINT", c.otlp.endpoint,
               "expected an http:// URL; using the default endpoint");
    }
    c.otlp.endpoint = grpc ? "http://localhost:4317" : "http://localhost:4318/v1/traces";
  }
  const char* headers_var = nullptr;
  if (auto v = env.First({"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS"},
                         &headers_var)) {
    if (auto list = ParseKeyValueList(*v)) {
      c.otlp.headers = std::move(*list);
    } else {
      env.Warn(headers_var, "<redacted>", "not a list of key=value; ignored");
    }
  }
  for (const char* name : {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"}) {
    if (env.Get(name)) {
      if (auto ms = env.Int(name, 1, 3'600'000)) c.otlp.timeout = std::chrono::milliseconds(*ms);
      break;
    }
  }
  const char* compression_var = nullptr;
  if (auto v =
          env.First({"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION"},
                    &compression_var)) {
    const std::string l = Lower(*v);
    if (l == "gzip") {
      c.otlp.gzip = true;
    } else if (l != "none") {
      env.Warn(compression_var, *v, "expected gzip or none; using none");
    }
  }

  // Sampler.
  std::string sampler = "parentbased_always_on";
  if (auto v = env.Get("OTEL_TRACES_SAMPLER")) sampler = Lower(*v);
  double ratio = 1.0;
  if (auto v = env.Get("OTEL_TRACES_SAMPLER_ARG")) {
    char* end = nullptr;
    const double r = std::strtod(v->c_str(), &end);
    if (end != v->c_str() + v->size() || !(r >= 0.0 && r <= 1.0)) {
      env.Warn("OTEL_TRACES_SAMPLER_ARG", *v, "expected a ratio in [0, 1]; using 1.0");
    } else {
      ratio = r;
    }
  }
  if (sampler == "always_on") {
    c.sampler = AlwaysOnSampler();
  } else if (sampler == "always_off") {
    c.sampler = AlwaysOffSampler();
  } else if (sampler == "traceidratio") {
    c.sampler = TraceIdRatioSampler(ratio);
  } else if (sampler == "parentbased_always_off") {
    c.sampler = ParentBasedSampler(AlwaysOffSampler());
  } else if (sampler == "parentbased_traceidratio") {
    c.sampler = ParentBasedSampler(TraceIdRatioSampler(ratio));
  } else {
    if (sampler != "parentbased_always_on") {
      env.Warn("OTEL_TRACES_SAMPLER", sampler,
               "unknown sampler (always_on, always_off, traceidratio, parentbased_always_on, "
               "parentbased_always_off, parentbased_traceidratio); using parentbased_always_on");
    }
    c.sampler = ParentBasedSampler(AlwaysOnSampler());
  }
  c.sampler_description = c.sampler->Description();

  if (auto v = env.Get("OTEL_PROPAGATORS")) c.propagators = *v;

  // Batch span processor.
  if (auto n = env.Int("OTEL_BSP_MAX_QUEUE_SIZE", 1, 1 << 24)) {
    c.batch.max_queue_size = static_cast<uint32_t>(*n);
  }
  if (auto n = env.Int("OTEL_BSP_SCHEDULE_DELAY", 1, 3'600'000)) {
    c.batch.schedule_delay = std::chrono::milliseconds(*n);
  }
  if (auto n = env.Int("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 1, 1 << 24)) {
    c.batch.max_export_batch_size = static_cast<uint32_t>(*n);
  }
  if (auto n = env.Int("OTEL_BSP_EXPORT_TIMEOUT", 1, 3'600'000)) {
    c.batch.export_timeout = std::chrono::milliseconds(*n);
  }
  // Span limits (the specification's general and span-specific names; the specific one wins).
  struct LimitVar {
    std::initializer_list<const char*> names;
    uint32_t* field;
  };
  const LimitVar limit_vars[] = {
      {{"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT"}, &c.limits.max_attributes},
      {{"OTEL_SPAN_EVENT_COUNT_LIMIT"}, &c.limits.max_events},
      {{"OTEL_SPAN_LINK_COUNT_LIMIT"}, &c.limits.max_links},
      {{"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT"}, &c.limits.max_attributes_per_event},
      {{"OTEL_LINK_ATTRIBUTE_COUNT_LIMIT"}, &c.limits.max_attributes_per_link},
      {{"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"},
       &c.limits.max_attribute_value_length},
  };
  for (const LimitVar& var : limit_vars) {
    for (const char* name : var.names) {
      if (env.Get(name).has_value()) {
        if (auto n = env.Int(name, 0, 1 << 30)) *var.field = static_cast<uint32_t>(*n);
        break;
      }
    }
  }

  if (c.batch.max_export_batch_size > c.batch.max_queue_size) {
    c.warnings.push_back("OTEL_BSP_MAX_EXPORT_BATCH_SIZE exceeds OTEL_BSP_MAX_QUEUE_SIZE; using " +
                         std::to_string(c.batch.max_queue_size));
    c.batch.max_export_batch_size = c.batch.max_queue_size;
  }
  return c;
}

}  // namespace detail
}  // namespace v1
}  // namespace weft
