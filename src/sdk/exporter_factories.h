// Internal constructors of the exporters, taking only standard types so that the public-API side
// (factories.cc) can call into the OTLP side (which includes model/ and otlp/) without the two
// sets of headers meeting in one file.
// Thread rule: factories are thread-safe.
#pragma once

#include <utility>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "sdk/exporter_impl.h"

namespace weft {
inline namespace v1 {
namespace detail {

struct OtlpConfig {
  bool grpc = false;
  bool json = false;     // HTTP only: OTLP/JSON instead of protobuf
  std::string endpoint;  // HTTP: full URL of the traces path; gRPC: http://host:port
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{10000};
  bool gzip = false;
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  size_t max_response_bytes = size_t{4} << 20;
};

std::unique_ptr<ExporterImpl> MakeOtlpHttpExporter(const OtlpConfig& config);
// Null when gRPC support is not built in (then an error is printed by the caller).
std::unique_ptr<ExporterImpl> MakeOtlpGrpcExporter(const OtlpConfig& config);
std::unique_ptr<ExporterImpl> MakeConsoleExporter(std::FILE* out);

}  // namespace detail
}  // namespace v1
}  // namespace weft
