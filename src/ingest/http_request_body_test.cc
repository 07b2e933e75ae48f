#include "ingest/http_request_body.h"

#include <string>

#include "gtest/gtest.h"
#include "http/gzip.h"
#include "ingest/http_answers.h"

namespace weft::ingest {
namespace {

http::Headers With(std::string name, std::string value) {
  http::Headers headers;
  headers.Add(std::move(name), std::move(value));
  return headers;
}

TEST(HttpRequestBodyTest, ContentEncodings) {
  EXPECT_EQ(*ContentEncodingOf(http::Headers()), ContentEncoding::kIdentity);
  EXPECT_EQ(*ContentEncodingOf(With("Content-Encoding", "identity")), ContentEncoding::kIdentity);
  EXPECT_EQ(*ContentEncodingOf(With("content-encoding", " GZIP ")), ContentEncoding::kGzip);
  EXPECT_EQ(*ContentEncodingOf(With("Content-Encoding", "x-gzip")), ContentEncoding::kGzip);
  EXPECT_FALSE(ContentEncodingOf(With("Content-Encoding", "deflate")).ok());
  EXPECT_FALSE(ContentEncodingOf(With("Content-Encoding", "gzip, gzip")).ok());
  http::Headers twice = With("Content-Encoding", "gzip");
  twice.Add("Content-Encoding", "gzip");
  EXPECT_FALSE(ContentEncodingOf(twice).ok());
}

TEST(HttpRequestBodyTest, MediaTypeDropsParametersAndCase) {
  EXPECT_EQ(MediaTypeOf(http::Headers()), "");
  EXPECT_EQ(MediaTypeOf(With("Content-Type", "Application/JSON ; charset=utf-8")),
            "application/json");
  EXPECT_EQ(MediaTypeOf(With("content-type", "application/x-protobuf")), "application/x-protobuf");
}

TEST(HttpRequestBodyTest, DecodeContentErrorsMapToAnswers) {
  const std::string text(5000, 'x');
  EXPECT_EQ(*DecodeContent(text, ContentEncoding::kIdentity, 5000, nullptr), text);
  auto too_big = DecodeContent(text, ContentEncoding::kIdentity, 4999, nullptr);
  EXPECT_EQ(HttpStatusForBodyError(too_big.status()), 413);
  auto inflated_too_big = DecodeContent(http::Gzip(text), ContentEncoding::kGzip, 4999, nullptr);
  EXPECT_EQ(HttpStatusForBodyError(inflated_too_big.status()), 413);
  auto corrupt = DecodeContent("nope", ContentEncoding::kGzip, 4999, nullptr);
  EXPECT_EQ(HttpStatusForBodyError(corrupt.status()), 400);
  EXPECT_EQ(*DecodeContent(http::Gzip(text), ContentEncoding::kGzip, 5000, nullptr), text);
}

TEST(HttpRequestBodyTest, InflationIsChargedToTheReservation) {
  Admission admission(100'000);
  auto reservation = Reserve(admission, 1000);
  ASSERT_NE(reservation, nullptr);
  EXPECT_EQ(admission.bytes_in_flight(), 1000u);
  const std::string text(50'000, 'y');
  auto inflated =
      DecodeContent(http::Gzip(text), ContentEncoding::kGzip, 1 << 20, reservation.get());
  ASSERT_TRUE(inflated.ok());
  EXPECT_GE(admission.bytes_in_flight(), 1000u + text.size());
  // Past the budget: Unavailable, answered 429.
  auto refused = DecodeContent(http::Gzip(std::string(200'000, 'z')), ContentEncoding::kGzip,
                               1 << 20, reservation.get());
  EXPECT_EQ(HttpStatusForBodyError(refused.status()), 429);
  reservation.reset();
  EXPECT_EQ(admission.bytes_in_flight(), 0u);
  EXPECT_EQ(Reserve(admission, 100'001), nullptr);
}

TEST(HttpAnswersTest, Tenants) {
  EXPECT_EQ(*TenantOf(http::Headers()), "single-tenant");
  EXPECT_EQ(*TenantOf(With("x-scope-orgid", "team_1")), "team_1");
  EXPECT_FALSE(TenantOf(With("X-Scope-OrgID", "..")).ok());
  EXPECT_FALSE(TenantOf(With("X-Scope-OrgID", "")).ok());
  EXPECT_FALSE(TenantOf(With("X-Scope-OrgID", std::string(151, 'a'))).ok());
  EXPECT_TRUE(TenantOf(With("X-Scope-OrgID", std::string(150, 'a'))).ok());
  http::Headers twice = With("X-Scope-OrgID", "a");
  twice.Add("X-Scope-OrgID", "b");
  EXPECT_FALSE(TenantOf(twice).ok());
}

TEST(HttpAnswersTest, StatusMappings) {
  EXPECT_EQ(HttpStatusForStorageError(absl::UnavailableError("")), 503);
  EXPECT_EQ(HttpStatusForStorageError(absl::ResourceExhaustedError("")), 503);
  EXPECT_EQ(HttpStatusForStorageError(absl::InternalError("")), 500);
  EXPECT_EQ(RpcCodeForHttpStatus(400), 3);
  EXPECT_EQ(RpcCodeForHttpStatus(413), 8);
  EXPECT_EQ(RpcCodeForHttpStatus(429), 8);
  EXPECT_EQ(RpcCodeForHttpStatus(503), 14);
  EXPECT_EQ(RpcCodeForHttpStatus(500), 13);
  EXPECT_TRUE(IsRetryableHttpStatus(429));
  EXPECT_FALSE(IsRetryableHttpStatus(413));
}

}  // namespace
}  // namespace weft::ingest
