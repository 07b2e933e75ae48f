// gzip bodies (Content-Encoding: gzip, RFC 1952) with a hard cap on what inflation may produce, so
// a small hostile body cannot become gigabytes in memory (a "gzip bomb", cf. OTel Collector
// CVE-2024-36129). Thread rule: stateless functions; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace weft::http {

// Inflates `in`. Concatenated gzip members are inflated one after the other (RFC 1952 allows
// them; `cat a.gz b.gz` makes them); anything after the last member that is not another member is
// an error, as is a truncated stream or a CRC/length mismatch.
//
// The output grows progressively (it is never allocated at `max_out` up front) and at most
// `max_out` bytes are ever produced: beyond that the result is ResourceExhausted ("... exceeds
// max_out"). Before each growth of the output buffer `before_grow(additional_bytes)` is asked; a
// non-OK answer stops inflation and is returned as is (ingest uses it to charge the admission
// budget). Corrupt input is InvalidArgument.
absl::StatusOr<std::string> GunzipBounded(
    std::string_view in, size_t max_out,
    absl::FunctionRef<absl::Status(size_t additional_bytes)> before_grow = [](size_t) {
      return absl::OkStatus();
    });

// gzip of `in` (one member) at zlib's `level` (0-9).
std::string Gzip(std::string_view in, int level = 6);

}  // namespace weft::http
