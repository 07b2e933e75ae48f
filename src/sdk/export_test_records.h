// Test only: span records as an exporter receives them (three fields, a resource, a scope), for
// the OTLP exporters' tests. Records go back to the pool when the holder is destroyed.
// Thread rule: one test thread.
#pragma once

#include <cstdint>
#include <vector>

#include "sdk/record_pool.h"
#include "sdk/span_record.h"

namespace weft::testing {

inline v1::detail::ScopeInfo kScope{"test.scope", "1.0"};

// n spans named "GET /cart" of service "checkout", span ids ending 1..n, one int attribute.
struct Records {
  std::vector<v1::detail::SpanRecord*> list;
  v1::detail::AttrList resource;
  explicit Records(int n) {
    v1::detail::AttrSlot& service = resource.attrs.emplace_back();
    service.key = {0, 12};
    resource.bytes.append("service.namecheckout", 20);
    service.type = v1::detail::AttrType::kString;
    service.s = {12, 8};
    for (int i = 0; i < n; ++i) {
      v1::detail::SpanRecord* r = v1::detail::AcquireRecord();
      for (int b = 0; b < 16; ++b) r->trace_id[b] = static_cast<uint8_t>(b + 1);
      r->span_id = {1, 2, 3, 4, 5, 6, 7, static_cast<uint8_t>(i + 1)};
      r->flags = 1;
      r->kind = 2;
      r->start_ns = 1'700'000'000'000'000'000ULL;
      r->end_ns = r->start_ns + 1000;
      r->name = r->Append("GET /cart");
      v1::detail::AttrSlot& a = r->attrs.emplace_back();
      a.key = r->Append("http.response.status_code");
      a.type = v1::detail::AttrType::kInt;
      a.i = 200;
      r->scope = &kScope;
      r->resource = &resource;
      list.push_back(r);
    }
  }
  ~Records() {
    for (v1::detail::SpanRecord* r : list) v1::detail::ReleaseRecord(r);
  }
};

}  // namespace weft::testing
