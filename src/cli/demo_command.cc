// `weft demo`: the demo shop walkthrough (what `make demo` runs). Thin on purpose: the shop is its
// own binary, weft-shop, built beside weft (the cli room may not link src/demo), so this execs
// `weft-shop demo --weft <this weft> ARGS...`, which starts `weft serve`, the shop's services and
// its load, prints where to look and stops everything on Ctrl-C (DEMO_SECONDS=N: after N s).
// Thread rule: runs on the main thread while parsing argv; on success it never returns.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "CLI/CLI.hpp"
#include "cli/commands.h"

namespace weft::cli {
namespace {

std::string SelfPath() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("weft") : self.string();
}

int ExecShopDemo(const std::vector<std::string>& extra) {
  const std::string weft = SelfPath();
  const std::string shop = (std::filesystem::path(weft).parent_path() / "weft-shop").string();
  if (access(shop.c_str(), X_OK) != 0) {
    std::fprintf(stderr,
                 "weft: %s is missing: build it with `cmake --build build --target weft-shop` "
                 "(or `make demo`)\n",
                 shop.c_str());
    return 1;
  }
  std::vector<std::string> args = {shop, "demo", "--weft", weft};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  execv(shop.c_str(), argv.data());
  std::fprintf(stderr, "weft: cannot run %s: %s\n", shop.c_str(), std::strerror(errno));
  return 1;
}

}  // namespace

void AddDemoCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Run the demo shop: weft serve + nine services (one in JavaScript) + load, then show "
      "where to look (options after `demo` go to `weft-shop demo`, e.g. --rate 20)");
  cmd->prefix_command();
  cmd->set_help_flag();  // `weft demo --help` shows weft-shop demo's options
  cmd->callback([cmd, exit_code] { *exit_code = ExecShopDemo(cmd->remaining()); });
}

}  // namespace weft::cli
