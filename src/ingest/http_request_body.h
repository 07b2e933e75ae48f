// Request bodies of the HTTP receivers: which Content-Type and Content-Encoding a request names,
// undoing the encoding within the size cap while charging the admission budget, and the
// http::Reservation that ties an HTTP request to ingest's Admission (so the server reserves the
// wire bytes before reading them, and the receiver grows the same reservation for what it
// inflates and decodes). Thread rule: free functions are pure; an AdmissionReservation is used by
// one thread at a time.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "http/http_server.h"
#include "ingest/admission.h"

namespace weft::ingest {

enum class ContentEncoding { kIdentity, kGzip };

// Absent or "identity": identity; "gzip" / "x-gzip": gzip. Anything else (deflate, br, zstd, a
// list of codings) is InvalidArgument, which the receivers answer 415 (RFC 9110 15.5.16: 415 also
// covers an unsupported Content-Encoding).
absl::StatusOr<ContentEncoding> ContentEncodingOf(const http::Headers& headers);

// The media type of Content-Type, lowercased, without parameters ("application/json" for
// "Application/JSON; charset=utf-8"); "" when absent.
std::string MediaTypeOf(const http::Headers& headers);

// A slice of the admission budget held by one HTTP request.
class AdmissionReservation final : public http::Reservation {
 public:
  explicit AdmissionReservation(Admission::Ticket ticket) : ticket_(std::move(ticket)) {}
  bool Grow(size_t more) override { return ticket_.Grow(more); }

 private:
  Admission::Ticket ticket_;
};

// The route's admission hook in one line: a reservation of `bytes`, or null when the budget cannot
// hold them now.
std::unique_ptr<http::Reservation> Reserve(Admission& admission, size_t bytes);

// `body` with its Content-Encoding undone, at most `max_bytes` long. Inflated bytes are charged to
// `reservation` (when not null) as the output grows. Errors: ResourceExhausted when the body is or
// would inflate past `max_bytes` (answer 413), Unavailable when the reservation cannot grow
// (answer 429), InvalidArgument for a corrupt gzip body (answer 400).
absl::StatusOr<std::string> DecodeContent(std::string body, ContentEncoding encoding,
                                          size_t max_bytes, http::Reservation* reservation);

}  // namespace weft::ingest
