// The storage conformance suite (storage/conformance) run against the embedded store: as written
// (traces in the head) and flushed (traces in blocks, a trace arriving in parts split across
// blocks).
#include <atomic>

#include "storage/conformance/storage_conformance.h"
#include "storage/embedded/store/embedded_store.h"
#include "storage/embedded/store/store_test_util.h"

namespace weft::storage::embedded {
namespace {

std::unique_ptr<SpanStore> NewStore() {
  static std::atomic<int> next{0};
  absl::StatusOr<std::unique_ptr<EmbeddedStore>> store = EmbeddedStore::Open(
      testing::TestOptions(testing::FreshDir("conformance-" + std::to_string(next++))));
  if (!store.ok()) return nullptr;
  return *std::move(store);
}

absl::Status Flush(SpanStore& store) { return dynamic_cast<EmbeddedStore&>(store).Flush(); }

WEFT_STORAGE_CONFORMANCE(Embedded, (conformance::BackendUnderTest{"embedded", NewStore, Flush}));

}  // namespace
}  // namespace weft::storage::embedded
