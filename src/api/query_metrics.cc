// QueryMetrics (query_metrics.h).
#include "api/query_metrics.h"

namespace weft::api {

QueryMetrics& QueryMetrics::Get() {
  static QueryMetrics* metrics = [] {
    MetricsRegistry& r = MetricsRegistry::Default();
    return new QueryMetrics{
        r.GetCounter("weft_query_limit_rejected_total",
                     "Searches refused because `limit` was above --query-max-limit"),
        r.GetCounter(
            "weft_query_searches_partial_total",
            "Searches answered partial: the deadline, span budget or page cap stopped them"),
        r.GetCounter("weft_query_traces_truncated_total",
                     "Trace-by-ID answers cut to the trace's earliest 100,000 spans"),
        r.GetCounter("weft_query_catalog_partial_total",
                     "Tag name / value samples stopped by their span budget, deadline or cap"),
    };
  }();
  return *metrics;
}

}  // namespace weft::api
