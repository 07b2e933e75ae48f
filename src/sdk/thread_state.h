// Per-thread state of the SDK's hot path in one trivially-constructed thread_local, using the
// initial-exec TLS model: every access is one %fs-relative load, with no TLS wrapper call and no
// __tls_get_addr (which a PIC/shared build would otherwise pay on each access). Holds the current
// context (Scope), the id generator, and a small cache of free SpanRecords (record_pool.cc).
// Thread rule: each thread touches only its own.
#pragma once

#include <cstdint>

#include "sdk/span_record.h"

namespace weft {
inline namespace v1 {
struct Context;
namespace detail {

inline constexpr uint32_t kRecordCacheSize = 256;

struct ThreadState {
  const Context* current = nullptr;
  uint64_t rng = 0;  // wyrand state; 0 until seeded
  uint32_t cached = 0;
  bool exit_hook = false;  // records return to the shared pool when the thread exits
  SpanRecord* cache[kRecordCacheSize] = {};
};

extern constinit thread_local ThreadState t_state __attribute__((tls_model("initial-exec")));

uint64_t SeedRandom();  // from the OS; never 0

// wyrand (Wang Yi): one multiply per 64 bits, passes BigCrush/PractRand; not for secrets.
inline uint64_t NextRandom() {
  ThreadState& s = t_state;
  if (s.rng == 0) [[unlikely]]
    s.rng = SeedRandom();
  s.rng += 0xa0761d6478bd642full;
  __extension__ using U128 = unsigned __int128;
  const U128 m = static_cast<U128>(s.rng) * static_cast<U128>(s.rng ^ 0xe7037ed1a0b428dbull);
  return static_cast<uint64_t>(m >> 64) ^ static_cast<uint64_t>(m);
}

}  // namespace detail
}  // namespace v1
}  // namespace weft
