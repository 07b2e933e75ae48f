// `weft-shop demo` (behind `make demo` and `weft demo`): starts `weft serve` (embedded store),
// the shop and its load, waits while traces arrive, then prints where to look — the UI and API
// addresses, `weft services`, TraceQL searches that find each planted behaviour (run, with their
// output) and the waterfall of one outlier trace — and keeps the load running until Ctrl-C or
// `seconds` more, stopping everything cleanly.
// Thread rule: runs on the main thread, which must have blocked SIGINT/SIGTERM (stop_signals.h).
#pragma once

#include <csignal>
#include <string>

#include "shop_supervisor.h"

namespace weft::shop {

struct DemoOptions {
  std::string weft_binary;  // `weft`, default: beside weft-shop
  std::string data_dir = "weft-data";
  ShopOptions shop;         // base port, log dir, node, js dir, self
  double rate = 10;         // requests per second
  int warmup_seconds = 20;  // load before the walkthrough
  int seconds = 0;          // after the walkthrough; 0: until Ctrl-C
};

int RunDemo(const DemoOptions& options, const sigset_t& stop_signals);

}  // namespace weft::shop
