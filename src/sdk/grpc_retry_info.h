// Reading google.rpc.RetryInfo's delay out of a gRPC status's details (the serialized
// google.rpc.Status of the `grpc-status-details-bin` trailer), without libprotobuf.
// Thread rule: pure function.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace weft::sdk_otlp {

// The retry_delay of the first RetryInfo among the details; nullopt when there is none or the
// bytes are malformed.
std::optional<std::chrono::milliseconds> ParseRetryInfoDelay(std::string_view status_details);

}  // namespace weft::sdk_otlp
