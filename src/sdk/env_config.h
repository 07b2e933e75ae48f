// Reading the standard OTEL_* environment variables into SDK settings. Bad values produce a
// warning (collected, printed by the caller) and the default. Testable: the environment comes in
// as a lookup function.
// Thread rule: pure function of its inputs.
#pragma once

#include <utility>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weft/exporters.h"
#include "weft/provider.h"

namespace weft {
inline namespace v1 {
namespace detail {

// Returns the variable's value, or nullptr when unset.
using EnvLookup = std::function<const char*(const char* name)>;

struct EnvConfig {
  bool disabled = false;
  Resource resource;
  enum class ExporterKind : uint8_t { kOtlp, kConsole, kNone };
  ExporterKind exporter = ExporterKind::kOtlp;
  OtlpExporterOptions otlp;
  std::string sampler_description;  // e.g. "parentbased_traceidratio(0.25)"
  std::unique_ptr<Sampler> sampler;
  std::string propagators = "tracecontext,baggage";
  BatchOptions batch;
  SpanLimits limits;
  std::vector<std::string> warnings;
};

EnvConfig ReadEnvironment(const EnvLookup& getenv, const sdk::InitOptions& options);

// "k1=v1,k2=v2" with percent-encoded keys and values (OTEL_RESOURCE_ATTRIBUTES and
// OTEL_EXPORTER_OTLP_HEADERS). nullopt on any malformed member (the whole value is discarded,
// as the specification asks).
std::optional<std::vector<std::pair<std::string, std::string>>> ParseKeyValueList(
    std::string_view text);

}  // namespace detail
}  // namespace v1
}  // namespace weft
