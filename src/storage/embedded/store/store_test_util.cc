#include "storage/embedded/store/store_test_util.h"

#include <filesystem>

#include <unistd.h>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "model/trace_generator.h"
#include "otlp/batch_payload.h"

namespace weft::storage::embedded::testing {

std::string FreshDir(const std::string& name) {
  // The pid keeps concurrent runs of a test binary out of each other's directories.
  const std::string dir =
      ::testing::TempDir() + "weft-store-" + std::to_string(::getpid()) + "-" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

EmbeddedStoreOptions TestOptions(const std::string& dir) {
  EmbeddedStoreOptions options;
  options.dir = dir;
  options.codec = {otlp::EncodeBatch, otlp::DecodeBatch};
  options.background = false;
  return options;
}

absl::Status WriteSync(SpanStore& store, std::string_view tenant,
                       std::unique_ptr<SpanBatch> batch) {
  absl::Notification written;
  absl::Status result;
  store.Write(tenant, std::move(batch), [&](absl::Status status) {
    result = std::move(status);
    written.Notify();
  });
  if (!written.WaitForNotificationWithTimeout(absl::Seconds(30))) {
    return absl::DeadlineExceededError("write never done");
  }
  return result;
}

void CollectIds(const SpanBatch& batch, SpanIdsByTrace& out) {
  for (const Span& span : batch.spans()) out[span.trace_id.ToHex()].insert(span.span_id.ToHex());
}

std::unique_ptr<SpanBatch> Generated(uint64_t seed, size_t count, uint64_t start_unix_nanos) {
  TraceGeneratorOptions options;
  if (start_unix_nanos != 0) options.start_time_unix_nano = start_unix_nanos;
  TraceGenerator generator(seed, options);
  auto batch = std::make_unique<SpanBatch>();
  generator.FillExactly(*batch, count);
  return batch;
}

}  // namespace weft::storage::embedded::testing
