// See http_request_body.h.
#include "ingest/http_request_body.h"

#include <utility>

#include <memory>

#include "absl/strings/str_cat.h"
#include "http/ascii.h"
#include "http/gzip.h"

namespace weft::ingest {

absl::StatusOr<ContentEncoding> ContentEncodingOf(const http::Headers& headers) {
  const auto value = headers.Get("Content-Encoding");
  if (!value) return ContentEncoding::kIdentity;
  if (headers.Count("Content-Encoding") > 1) {
    return absl::InvalidArgumentError("more than one Content-Encoding header");
  }
  const std::string_view coding = http::TrimOws(*value);
  if (coding.empty() || http::EqualsIgnoreCase(coding, "identity")) {
    return ContentEncoding::kIdentity;
  }
  if (http::EqualsIgnoreCase(coding, "gzip") || http::EqualsIgnoreCase(coding, "x-gzip")) {
    return ContentEncoding::kGzip;
  }
  return absl::InvalidArgumentError(absl::StrCat("unsupported Content-Encoding \"",
                                                 std::string(coding.substr(0, 64)),
                                                 "\"; use gzip or none"));
}

std::string MediaTypeOf(const http::Headers& headers) {
  const auto value = headers.Get("Content-Type");
  if (!value) return "";
  std::string_view type = *value;
  type = http::TrimOws(type.substr(0, type.find(';')));
  return http::AsciiLowercase(type);
}

std::unique_ptr<http::Reservation> Reserve(Admission& admission, size_t bytes) {
  Admission::Ticket ticket = admission.TryAdmit(bytes);
  if (!ticket.admitted()) return nullptr;
  return std::make_unique<AdmissionReservation>(std::move(ticket));
}

absl::StatusOr<std::string> DecodeContent(std::string body, ContentEncoding encoding,
                                          size_t max_bytes, http::Reservation* reservation) {
  if (encoding == ContentEncoding::kIdentity) {
    if (body.size() > max_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("request body of ", body.size(), " bytes exceeds the limit of ", max_bytes));
    }
    return body;
  }
  return http::GunzipBounded(body, max_bytes, [reservation](size_t more) {
    if (reservation != nullptr && !reservation->Grow(more)) {
      return absl::UnavailableError("too much data in flight to inflate this body; retry later");
    }
    return absl::OkStatus();
  });
}

}  // namespace weft::ingest
