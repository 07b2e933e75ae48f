// Self-metrics of the read APIs (/metrics on :16686): one counter per query limit, so an operator
// sees when limits bite. Registered once in MetricsRegistry::Default().
//   weft_query_limit_rejected_total       searches refused: `limit` above --query-max-limit
//   weft_query_searches_partial_total     searches answered partial (--query-timeout, the
//                                         inspected-span budget or the page cap stopped them)
//   weft_query_traces_truncated_total     trace-by-ID answers cut to their earliest 100,000 spans
//   weft_query_catalog_partial_total      tag name / value samples stopped by their span budget,
//                                         deadline or distinct-entry cap
// Thread rule: the counters are atomics; QueryMetrics::Get() is thread-safe.
#pragma once

#include "common/metrics.h"

namespace weft::api {

struct QueryMetrics {
  Counter& limit_rejected;
  Counter& searches_partial;
  Counter& traces_truncated;
  Counter& catalog_partial;

  static QueryMetrics& Get();
};

}  // namespace weft::api
