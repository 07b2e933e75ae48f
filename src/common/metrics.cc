#include "common/metrics.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace weft {

MetricsRegistry::Entry& MetricsRegistry::FindOrAdd(std::string_view name, std::string_view help,
                                                   std::string_view labels, Kind kind) {
  for (auto& e : entries_) {
    if (e->name == name && e->labels == labels) return *e;
  }
  auto e = std::make_unique<Entry>();
  e->name = std::string(name);
  e->help = std::string(help);
  e->labels = std::string(labels);
  e->kind = kind;
  if (kind == Kind::kCounter) e->counter = std::make_unique<Counter>();
  if (kind == Kind::kGauge) e->gauge = std::make_unique<Gauge>();
  entries_.push_back(std::move(e));
  return *entries_.back();
}

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     std::string_view labels) {
  absl::MutexLock lock(&mu_);
  return *FindOrAdd(name, help, labels, Kind::kCounter).counter;
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help,
                                 std::string_view labels) {
  absl::MutexLock lock(&mu_);
  return *FindOrAdd(name, help, labels, Kind::kGauge).gauge;
}

void MetricsRegistry::AddCallbackGauge(std::string_view name, std::string_view help,
                                       std::string_view labels, std::function<double()> read) {
  absl::MutexLock lock(&mu_);
  FindOrAdd(name, help, labels, Kind::kCallback).read = std::move(read);
}

std::string MetricsRegistry::RenderPrometheus() const {
  absl::MutexLock lock(&mu_);
  std::map<std::string_view, std::vector<const Entry*>> by_name;
  for (const auto& e : entries_) by_name[e->name].push_back(e.get());
  std::string out;
  char number[64];
  for (const auto& [name, entries] : by_name) {
    const Entry& first = *entries.front();
    out.append("# HELP ").append(name).append(" ").append(first.help).append("\n");
    out.append("# TYPE ").append(name).append(first.kind == Kind::kCounter ? " counter\n"
                                                                           : " gauge\n");
    for (const Entry* e : entries) {
      out.append(name);
      if (!e->labels.empty()) out.append("{").append(e->labels).append("}");
      switch (e->kind) {
        case Kind::kCounter:
          std::snprintf(number, sizeof(number), " %llu\n",
                        static_cast<unsigned long long>(e->counter->value()));
          break;
        case Kind::kGauge:
          std::snprintf(number, sizeof(number), " %lld\n",
                        static_cast<long long>(e->gauge->value()));
          break;
        case Kind::kCallback:
          std::snprintf(number, sizeof(number), " %.17g\n", e->read());
          break;
      }
      out.append(number);
    }
  }
  return out;
}

MetricsRegistry& MetricsRegistry::Default() {
  static MetricsRegistry* registry = new MetricsRegistry();  // never destroyed: used at exit
  return *registry;
}

}  // namespace weft
