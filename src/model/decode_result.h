// What a decoder of untrusted span bytes reports besides the spans it kept: how many spans it
// rejected and why (for OTLP partial_success). A malformed request as a whole is an
// absl::Status error instead; a DecodeResult means the request was well-formed.
// Thread rule: plain data.
#pragma once

#include <cstdint>
#include <string>

namespace weft {

struct DecodeResult {
  uint64_t rejected_spans = 0;
  std::string error_message;  // the first rejection's reason, naming the field; "" if none

  void Reject(std::string reason) {
    if (rejected_spans++ == 0) error_message = std::move(reason);
  }
};

}  // namespace weft
