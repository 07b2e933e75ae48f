// The storage conformance suite against the memory backend (it has no persistent form to flush
// to, so each case runs once).
#include "storage/conformance/storage_conformance.h"
#include "storage/memory/memory_store.h"

namespace weft::storage {
namespace {

using conformance::BackendUnderTest;

WEFT_STORAGE_CONFORMANCE(Memory,
                         (BackendUnderTest{"memory", [] { return NewMemoryStore(); }, nullptr}));

}  // namespace
}  // namespace weft::storage
