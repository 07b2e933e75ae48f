// Database-like CLIENT spans around sleeps (see db_span.h).
// Thread rule: free functions.
#include "db_span.h"

#include <string>

#include "shop_random.h"

namespace weft::shop {

void RunDbQuery(const Tracer& tracer, const DbQuery& query) {
  std::string name(query.operation);
  name += ' ';
  name += query.collection;
  Span span = tracer.StartSpan(name, {.kind = SpanKind::kClient,
                                      .attributes = {
                                          {"db.system.name", query.system},
                                          {"db.operation.name", query.operation},
                                          {"db.collection.name", query.collection},
                                          {"db.query.text", query.text},
                                          {"server.address", query.server},
                                      }});
  Work(query.min_ms, query.max_ms);
}

}  // namespace weft::shop
