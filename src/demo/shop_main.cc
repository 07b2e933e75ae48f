// main() of build/bin/weft-shop, the demo shop: its services, supervisor, load generator and
// walkthrough (see shop_commands.h). Thread rule: main thread.
#include "shop_commands.h"

int main(int argc, char** argv) { return weft::shop::RunShopCli(argc, argv); }
