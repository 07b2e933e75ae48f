// The routing table of an HttpServer: exact paths and path prefixes per method, answering which
// route serves a request, or why none does (404, or 405 with the methods that would).
// Thread rule: build on one thread; Find is then safe from any thread (read-only).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_server.h"

namespace weft::http {

struct RouteEntry {
  std::string method;
  std::string path;  // the exact path, or the prefix when `prefix`
  bool prefix = false;
  Handler handler;
  RouteOptions options;
};

class RouteTable {
 public:
  void Add(RouteEntry entry);

  struct Match {
    const RouteEntry* route = nullptr;  // null: see `allow`
    bool head_as_get = false;           // a HEAD request served by the GET route
    std::string allow;                  // when route is null: "" = 404, else the 405 Allow value
  };
  // An exact route wins over a prefix route, a longer prefix over a shorter one.
  Match Find(std::string_view method, std::string_view path) const;

 private:
  std::vector<RouteEntry> entries_;
};

}  // namespace weft::http
