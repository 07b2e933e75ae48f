// The OTLP/gRPC receiver (port 4317): serves `opentelemetry.proto.collector.trace.v1.TraceService/
// Export` through gRPC's generic callback API, so the raw request bytes go straight to weft's own
// decoder (one copy out of gRPC's buffer, no libprotobuf), then through admission to the Pipeline.
// Compression: identity and gzip (inflated by weft with a hard cap; deflate is refused). The
// client is answered only when storage's `done` fires (OK = durable). Errors follow OTLP:
// INVALID_ARGUMENT for bad data or tenant, RESOURCE_EXHAUSTED past the size cap (not retryable),
// UNAVAILABLE + RetryInfo when admission or storage refuses, INTERNAL for other storage errors.
// Thread rule: Start/Shutdown/port from one owning thread; requests run on gRPC's callback threads
// and storage's completion threads, touching only thread-safe collaborators.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/metrics.h"
#include "ingest/admission.h"
#include "ingest/pipeline.h"
#include "otlp/proto_codec.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace weft::ingest {

class OtlpGrpcReceiver {
 public:
  struct Options {
    // Largest request accepted, both on the wire and after gzip inflation (which stops as soon as
    // it passes this, so gzip bombs cost at most this much); beyond it the client gets
    // RESOURCE_EXHAUSTED. The OTLP spec recommends 64 MiB.
    size_t max_request_bytes = size_t{64} << 20;
    // Sent as RetryInfo.retry_delay with UNAVAILABLE.
    int64_t retry_delay_seconds = 1;
    // How long Shutdown lets in-flight requests finish before gRPC cancels them.
    int shutdown_grace_millis = 5000;
    otlp::DecodeOptions decode;
  };

  // Listens on `address` ("127.0.0.1:4317"; port 0 picks a free one, see port()). `pipeline`,
  // `admission` and `metrics` must outlive the receiver. Fails if the address cannot be bound
  // (SO_REUSEPORT is off, so a port in use is an error, not a shared port).
  static absl::StatusOr<std::unique_ptr<OtlpGrpcReceiver>> Start(const std::string& address,
                                                                 Pipeline& pipeline,
                                                                 Admission& admission,
                                                                 const Options& options,
                                                                 MetricsRegistry& metrics);

  OtlpGrpcReceiver(const OtlpGrpcReceiver&) = delete;
  OtlpGrpcReceiver& operator=(const OtlpGrpcReceiver&) = delete;
  ~OtlpGrpcReceiver();  // calls Shutdown()

  // The bound port.
  int port() const { return port_; }

  // Stops accepting calls, waits up to shutdown_grace_millis for in-flight ones (each waits for
  // its storage `done`), then cancels the rest and returns once every call has finished. So the
  // pipeline and storage must still be running while this runs. Idempotent.
  void Shutdown();

 private:
  class Service;  // gRPC's generic callback service; defined in the .cc

  OtlpGrpcReceiver(std::unique_ptr<Service> service, std::unique_ptr<grpc::Server> server, int port,
                   int shutdown_grace_millis);

  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  int shutdown_grace_millis_ = 0;
  bool shut_down_ = false;
};

}  // namespace weft::ingest
