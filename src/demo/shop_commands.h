// `weft-shop` subcommands:
//   service NAME --port N --base-port B   one C++ service in this process
//   run [--base-port B] [--log-dir D]     every service as its own process, until Ctrl-C
//   load [--rate R] [--duration D | --requests N]   the load generator, with a progress line
//   demo [--weft PATH] [...]              weft serve + the shop + load + where to look (make demo)
// Thread rule: called once from main().
#pragma once

namespace weft::shop {

int RunShopCli(int argc, char** argv);

}  // namespace weft::shop
