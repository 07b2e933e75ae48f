// Database-like CLIENT spans: the shop has no database, so a query is a span with the database
// semantic-convention attributes (db.system.name, db.query.text, db.operation.name,
// db.collection.name, server.address) around a sleep standing for the query.
// Thread rule: free functions; the span is a child of the calling thread's current context.
#pragma once

#include <string_view>

#include "weft/trace.h"

namespace weft::shop {

struct DbQuery {
  std::string_view system;      // "postgresql", "redis", "mysql"
  std::string_view operation;   // "SELECT", "GET", "UPDATE", ...
  std::string_view collection;  // table or key prefix
  std::string_view text;        // the (parameterised) statement
  int min_ms = 1;               // the sleep standing for the query
  int max_ms = 5;
  std::string_view server = "db.shop.internal";
};

// Runs the simulated query in a span named "OPERATION collection".
void RunDbQuery(const Tracer& tracer, const DbQuery& query);

}  // namespace weft::shop
