// Test helpers for the HTTP receivers: a SpanWriter whose answers the test controls (immediately,
// held until released, or failing), and the process's peak resident memory for bounded-memory
// checks. Thread rule: FakeSpanWriter is thread-safe (one mutex); the memory helpers are not.
#pragma once

#include <utility>

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/metrics.h"
#include "gtest/gtest.h"
#include "http/http_server.h"
#include "ingest/admission.h"
#include "ingest/pipeline.h"
#include "model/span_batch.h"
#include "storage/span_store.h"

namespace weft::ingest::testing {

class FakeSpanWriter : public storage::SpanWriter {
 public:
  // Every later write is answered with `status` right away (OK by default).
  void AnswerWith(absl::Status status) {
    absl::MutexLock lock(&mu_);
    hold_ = false;
    status_ = std::move(status);
  }
  // Every later write waits for Release.
  void Hold() {
    absl::MutexLock lock(&mu_);
    hold_ = true;
  }
  // Answers every held write with `status`.
  void Release(const absl::Status& status = absl::OkStatus()) {
    std::vector<storage::WriteDone> held;
    {
      absl::MutexLock lock(&mu_);
      held.swap(held_);
    }
    for (auto& done : held) std::move(done)(status);
  }
  size_t held() const {
    absl::MutexLock lock(&mu_);
    return held_.size();
  }

  void Write(std::string_view tenant, std::unique_ptr<SpanBatch> batch,
             storage::WriteDone done) override {
    absl::Status answer;
    {
      absl::MutexLock lock(&mu_);
      tenants_.emplace_back(tenant);
      spans_ += batch->size();
      batches_.push_back(std::move(batch));
      if (hold_) {
        held_.push_back(std::move(done));
        return;
      }
      answer = status_;
    }
    std::move(done)(answer);
  }

  uint64_t spans() const {
    absl::MutexLock lock(&mu_);
    return spans_;
  }
  std::vector<std::string> tenants() const {
    absl::MutexLock lock(&mu_);
    return tenants_;
  }
  size_t batches() const {
    absl::MutexLock lock(&mu_);
    return batches_.size();
  }
  // The names of every stored span, in write order.
  std::vector<std::string> span_names() const {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> names;
    for (const auto& batch : batches_) {
      for (const Span& span : batch->spans()) names.emplace_back(span.name);
    }
    return names;
  }

 private:
  mutable absl::Mutex mu_;
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  std::vector<storage::WriteDone> held_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<SpanBatch>> batches_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> tenants_ ABSL_GUARDED_BY(mu_);
  uint64_t spans_ ABSL_GUARDED_BY(mu_) = 0;
};

// A field of /proc/self/status in KiB ("VmHWM", "VmRSS"), or -1.
inline int64_t ProcStatusKib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

// Resets the peak-RSS mark (VmHWM) so a later read shows the peak since now. False if the kernel
// does not allow it; then VmHWM is the peak since the process started.
inline bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// A receiver of type `Receiver` (OtlpHttpReceiver, ZipkinReceiver) behind a real HttpServer on
// port 0, writing through a Pipeline into a FakeSpanWriter. Start() in each test, with the
// receiver's options and the admission budget it needs.
template <typename Receiver>
class ReceiverFixture : public ::testing::Test {
 protected:
  void Start(typename Receiver::Options options = typename Receiver::Options(),
             size_t budget = size_t{512} << 20) {
    admission_ = std::make_unique<Admission>(budget);
    pipeline_ = std::make_unique<Pipeline>(writer_, metrics_);
    receiver_ = std::make_unique<Receiver>(*pipeline_, *admission_, metrics_, options);
    server_ = std::make_unique<http::HttpServer>();
    receiver_->RegisterRoutes(*server_);
    auto port = server_->Listen("127.0.0.1:0");
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
  }
  void TearDown() override {
    if (server_) server_->Stop();
    writer_.Release();
  }

  FakeSpanWriter writer_;
  MetricsRegistry metrics_;
  std::unique_ptr<Admission> admission_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<Receiver> receiver_;
  std::unique_ptr<http::HttpServer> server_;
  int port_ = 0;
};

}  // namespace weft::ingest::testing
