// A Google Benchmark console reporter that remembers each benchmark's "spans/s" counter so a
// benchmark's main() can print weft-versus-baseline ratios measured in the same run.
// Thread rule: used by the benchmark main thread only.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"

namespace weft::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      auto it = run.counters.find("spans/s");
      if (it != run.counters.end() && run.run_type == Run::RT_Iteration) {
        rates_[run.run_name.function_name] = it->second.value;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  // Prints `what: ours/theirs` for two benchmark function names, if both ran.
  void PrintRatio(const char* what, const char* ours, const char* theirs) const {
    auto a = rates_.find(ours);
    auto b = rates_.find(theirs);
    if (a == rates_.end() || b == rates_.end() || b->second == 0) return;
    std::printf("%-46s %6.2fx  (%.2fM vs %.2fM spans/s)\n", what, a->second / b->second,
                a->second / 1e6, b->second / 1e6);
  }

 private:
  std::map<std::string, double> rates_;
};

}  // namespace weft::bench
