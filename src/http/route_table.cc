// See route_table.h.
#include "http/route_table.h"

#include <utility>

#include <algorithm>

namespace weft::http {
namespace {

// How well `entry` matches `path`: 0 = not at all; exact matches rank above every prefix.
size_t MatchRank(const RouteEntry& entry, std::string_view path) {
  if (!entry.prefix) return entry.path == path ? std::string_view::npos : 0;
  return path.starts_with(entry.path) ? entry.path.size() + 1 : 0;
}

}  // namespace

void RouteTable::Add(RouteEntry entry) { entries_.push_back(std::move(entry)); }

RouteTable::Match RouteTable::Find(std::string_view method, std::string_view path) const {
  Match match;
  size_t best_rank = 0;
  const RouteEntry* best_get = nullptr;
  size_t best_get_rank = 0;
  std::vector<std::string_view> allowed;
  for (const RouteEntry& entry : entries_) {
    const size_t rank = MatchRank(entry, path);
    if (rank == 0) continue;
    if (std::find(allowed.begin(), allowed.end(), entry.method) == allowed.end()) {
      allowed.push_back(entry.method);
    }
    if (entry.method == method && rank > best_rank) {
      match.route = &entry;
      best_rank = rank;
    }
    if (entry.method == "GET" && rank > best_get_rank) {
      best_get = &entry;
      best_get_rank = rank;
    }
  }
  if (match.route != nullptr) return match;
  if (method == "HEAD" && best_get != nullptr) {
    match.route = best_get;
    match.head_as_get = true;
    return match;
  }
  if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end() &&
      std::find(allowed.begin(), allowed.end(), "HEAD") == allowed.end()) {
    allowed.push_back("HEAD");
  }
  for (std::string_view m : allowed) {
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += m;
  }
  return match;
}

}  // namespace weft::http
