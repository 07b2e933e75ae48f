// OTLP/gRPC exporter: the same protobuf bytes as the HTTP exporter (weft's own encoder), sent as
// a raw unary call through grpc::GenericStub to
// /opentelemetry.proto.collector.trace.v1.TraceService/Export — no generated code, no
// libprotobuf. Retries UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE and
// DATA_LOSS (OTLP's retryable codes), and RESOURCE_EXHAUSTED only when the server sent RetryInfo;
// RetryInfo's delay is honoured. Also ParseRetryInfoDelay.
// Thread rule: Export is called by one processor thread at a time; Shutdown may come from any
// thread and interrupts a backoff sleep.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "common/random.h"
#include "sdk/exporter_factories.h"
#include "sdk/grpc_retry_info.h"
#include "sdk/otlp_records.h"
#include "sdk/retry_policy.h"

namespace weft::sdk_otlp {
namespace {

// One varint from `p`; false when truncated.
bool ReadVarint(std::string_view& p, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !p.empty(); shift += 7) {
    const auto b = static_cast<uint8_t>(p.front());
    p.remove_prefix(1);
    v |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

// Calls on_field(number, wire_type, varint, bytes) for each field; false on malformed input.
template <class Fn>
bool ForEachField(std::string_view p, Fn&& on_field) {
  while (!p.empty()) {
    uint64_t key, v = 0;
    if (!ReadVarint(p, key)) return false;
    const int wire = static_cast<int>(key & 7);
    std::string_view bytes;
    if (wire == 0) {
      if (!ReadVarint(p, v)) return false;
    } else if (wire == 2) {
      if (!ReadVarint(p, v) || v > p.size()) return false;
      bytes = p.substr(0, v);
      p.remove_prefix(v);
    } else if (wire == 1 || wire == 5) {
      const size_t n = wire == 1 ? 8 : 4;
      if (p.size() < n) return false;
      p.remove_prefix(n);
    } else {
      return false;
    }
    on_field(key >> 3, wire, v, bytes);
  }
  return true;
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseRetryInfoDelay(std::string_view status_details) {
  std::optional<std::chrono::milliseconds> delay;
  // google.rpc.Status { details = 3 (repeated google.protobuf.Any { type_url = 1, value = 2 }) }
  ForEachField(status_details, [&](uint64_t field, int wire, uint64_t, std::string_view any) {
    if (field != 3 || wire != 2) return;
    std::string_view type_url, value;
    ForEachField(any, [&](uint64_t f, int w, uint64_t, std::string_view b) {
      if (w != 2) return;
      if (f == 1) type_url = b;
      if (f == 2) value = b;
    });
    if (!type_url.ends_with("google.rpc.RetryInfo")) return;
    // RetryInfo { retry_delay = 1 (google.protobuf.Duration { seconds = 1, nanos = 2 }) }
    int64_t seconds = 0, nanos = 0;
    ForEachField(value, [&](uint64_t f, int w, uint64_t, std::string_view duration) {
      if (f != 1 || w != 2) return;
      ForEachField(duration, [&](uint64_t df, int dw, uint64_t dv, std::string_view) {
        if (dw != 0) return;
        if (df == 1) seconds = static_cast<int64_t>(dv);
        if (df == 2) nanos = static_cast<int64_t>(dv);
      });
    });
    if (seconds < 0 || nanos < 0 || seconds > 86400) return;
    delay = std::chrono::milliseconds(seconds * 1000 + nanos / 1'000'000);
  });
  return delay;
}

namespace {

using v1::detail::Deadline;
using v1::detail::ExportResult;
using v1::detail::SpanRecord;

constexpr const char* kExportMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

bool RetryableCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::DATA_LOSS:
      return true;
    default:
      return false;
  }
}

class OtlpGrpcExporter final : public v1::detail::ExporterImpl {
 public:
  OtlpGrpcExporter(const v1::detail::OtlpConfig& config, std::string target)
      : config_(config),
        target_(std::move(target)),
        channel_(grpc::CreateChannel(target_, grpc::InsecureChannelCredentials())),
        stub_(channel_) {}

  ExportResult Export(std::span<SpanRecord* const> records, Deadline deadline) override {
    if (shut_down_) return ExportResult::kFailure;
    body_.clear();
    EncodeRecords(records, body_);
    deadline = std::min(deadline, std::chrono::steady_clock::now() + config_.timeout);
    for (int attempt = 0;; ++attempt) {
      const grpc::Status status = Call(deadline);
      if (status.ok()) return ExportResult::kSuccess;
      std::optional<std::chrono::milliseconds> server_delay =
          ParseRetryInfoDelay(status.error_details());
      const bool retryable =
          RetryableCode(status.error_code()) ||
          (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED && server_delay);
      const std::string what =
          "gRPC " + std::to_string(status.error_code()) + " " + status.error_message();
      if (!retryable || attempt + 1 >= config_.max_attempts) {
        Report(what + (retryable ? " after retries" : " (not retried)"));
        return ExportResult::kFailure;
      }
      const auto delay = server_delay.value_or(Backoff(
          attempt, config_.initial_backoff, config_.max_backoff, ThreadLocalRandom().Next()));
      if (std::chrono::steady_clock::now() + delay >= deadline) {
        Report(what + ": retry would pass the export deadline");
        return ExportResult::kFailure;
      }
      std::unique_lock lock(mutex_);
      if (cv_.wait_for(lock, delay, [&] { return shut_down_.load(); })) {
        return ExportResult::kFailure;
      }
    }
  }

  void Shutdown(Deadline) override {
    {
      std::lock_guard lock(mutex_);
      shut_down_ = true;
    }
    cv_.notify_all();
  }

 private:
  grpc::Status Call(Deadline deadline) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         (deadline - std::chrono::steady_clock::now()));
    for (const auto& [key, value] : config_.headers) {
      std::string lower = key;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      context.AddMetadata(lower, value);
    }
    if (config_.gzip) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    grpc::Slice slice(body_.data(), body_.size());
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    std::mutex m;
    std::condition_variable done_cv;
    bool done = false;
    grpc::Status result;
    stub_.UnaryCall(&context, kExportMethod, grpc::StubOptions(), &request, &response,
                    [&](grpc::Status status) {
                      std::lock_guard lock(m);
                      result = std::move(status);
                      done = true;
                      done_cv.notify_all();
                    });
    std::unique_lock lock(m);
    done_cv.wait(lock, [&] { return done; });  // the call's own deadline bounds this wait
    if (result.ok() && response.Length() > config_.max_response_bytes) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "response over the cap");
    }
    return result;
  }

  void Report(const std::string& what) {
    const auto now = std::chrono::steady_clock::now();
    ++failures_;
    if (now < next_report_) return;
    next_report_ = now + std::chrono::seconds(10);
    std::fprintf(stderr, "weft sdk: OTLP/gRPC export to %s failed: %s (%llu failed batches)\n",
                 target_.c_str(), what.c_str(), static_cast<unsigned long long>(failures_));
  }

  const v1::detail::OtlpConfig config_;
  const std::string target_;
  std::shared_ptr<grpc::Channel> channel_;  // shared_ptr: gRPC's API hands channels out so
  grpc::GenericStub stub_;
  std::string body_;
  std::atomic<bool> shut_down_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  uint64_t failures_ = 0;
  std::chrono::steady_clock::time_point next_report_{};
};

}  // namespace
}  // namespace weft::sdk_otlp

namespace weft {
inline namespace v1 {
namespace detail {

std::unique_ptr<ExporterImpl> MakeOtlpGrpcExporter(const OtlpConfig& config) {
  std::string_view url = config.endpoint;
  if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else if (url.starts_with("https://")) {
    std::fprintf(stderr, "weft sdk: OTLP/gRPC over TLS is not supported yet (%s)\n",
                 config.endpoint.c_str());
    return nullptr;
  }
  while (url.ends_with("/")) url.remove_suffix(1);
  if (url.empty()) return nullptr;
  return std::make_unique<sdk_otlp::OtlpGrpcExporter>(config, std::string(url));
}

}  // namespace detail
}  // namespace v1
}  // namespace weft
