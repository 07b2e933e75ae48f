// Record pool: per-thread caches (thread_state.h) over a mutex-guarded shared stack
// (record_pool.h). Records are reset when acquired, by the thread about to write them, so the
// export thread that releases them only reads their memory (fewer cache-line transfers).
// Thread rule: the shared stack is guarded by a mutex; each thread's cache is its own.
#include "sdk/record_pool.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <vector>

#include "sdk/thread_state.h"

namespace weft {
inline namespace v1 {
namespace detail {

constinit thread_local ThreadState t_state __attribute__((tls_model("initial-exec")));

namespace {

constexpr uint32_t kTransferBatch = 64;         // records moved between a thread and the stack
constexpr size_t kMaxRetainedBytes = 64 << 10;  // a record's string buffer above this is freed
constexpr size_t kMaxRetainedSlots = 1024;

std::atomic<size_t> g_allocated{0};

struct SharedStack {
  std::mutex mutex;
  std::vector<SpanRecord*> records;  // records live for the process
};

SharedStack& Shared() {
  static auto* stack = new SharedStack();  // leaked: thread caches may outlive static destructors
  return *stack;
}

// Gives a thread's cached records back when it exits.
struct ExitHook {
  ~ExitHook() {
    ThreadState& s = t_state;
    SharedStack& shared = Shared();
    std::lock_guard lock(shared.mutex);
    shared.records.insert(shared.records.end(), s.cache, s.cache + s.cached);
    s.cached = 0;
  }
};

void RegisterExitHook() {
  thread_local ExitHook hook;
  t_state.exit_hook = true;
}

// Drops buffers that grew unusually large. Runs when a record is acquired, on the thread that
// is about to write it anyway.
void Shrink(SpanRecord* r) {
  if (r->bytes.capacity() > kMaxRetainedBytes) r->bytes.release();
  if (r->attrs.capacity() > kMaxRetainedSlots) r->attrs.release();
  if (r->event_attrs.capacity() > kMaxRetainedSlots) r->event_attrs.release();
  if (r->link_attrs.capacity() > kMaxRetainedSlots) r->link_attrs.release();
}

SpanRecord* AcquireSlow() {
  ThreadState& s = t_state;
  if (!s.exit_hook) RegisterExitHook();
  SharedStack& shared = Shared();
  {
    std::lock_guard lock(shared.mutex);
    const size_t n = std::min<size_t>(kTransferBatch, shared.records.size());
    std::copy(shared.records.end() - static_cast<ptrdiff_t>(n), shared.records.end(), s.cache);
    shared.records.resize(shared.records.size() - n);
    s.cached = static_cast<uint32_t>(n);
  }
  if (s.cached > 0) {
    SpanRecord* r = s.cache[--s.cached];
    Shrink(r);
    r->Reset();
    return r;
  }
  g_allocated.fetch_add(1, std::memory_order_relaxed);
  auto* r = new SpanRecord();
  r->attrs.reserve(16);
  r->bytes.reserve(512);
  return r;
}

}  // namespace

uint64_t SeedRandom() {
  std::random_device device;
  uint64_t seed = 0;
  while (seed == 0) seed = (uint64_t{device()} << 32) ^ device();
  return seed;
}

SpanRecord* AcquireRecord() {
  ThreadState& s = t_state;
  if (s.cached == 0) [[unlikely]]
    return AcquireSlow();
  SpanRecord* r = s.cache[--s.cached];
  if (r->bytes.capacity() > kMaxRetainedBytes || r->has_cold) [[unlikely]]
    Shrink(r);
  r->Reset();
  return r;
}

void ReleaseRecord(SpanRecord* record) {
  ThreadState& s = t_state;
  if (s.cached == kRecordCacheSize) [[unlikely]] {
    if (!s.exit_hook) RegisterExitHook();
    SharedStack& shared = Shared();
    std::lock_guard lock(shared.mutex);
    shared.records.insert(shared.records.end(), s.cache + kRecordCacheSize - kTransferBatch,
                          s.cache + kRecordCacheSize);
    s.cached -= kTransferBatch;
  }
  if (s.cached == 0 && !s.exit_hook) RegisterExitHook();
  s.cache[s.cached++] = record;
}

void ReleaseRecords(std::span<SpanRecord* const> records) {
  SharedStack& shared = Shared();
  std::lock_guard lock(shared.mutex);
  shared.records.insert(shared.records.end(), records.begin(), records.end());
}

size_t RecordsAllocated() { return g_allocated.load(std::memory_order_relaxed); }

}  // namespace detail
}  // namespace v1
}  // namespace weft
