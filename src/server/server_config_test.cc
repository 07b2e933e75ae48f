#include "server/server_config.h"

#include "gtest/gtest.h"

namespace weft::server {
namespace {

TEST(ServerConfigTest, ListenHostReplacesEveryHost) {
  ServerConfig config;
  OverrideListenHost(config, "0.0.0.0");
  EXPECT_EQ(config.otlp_grpc_addr, "0.0.0.0:4317");
  EXPECT_EQ(config.otlp_http_addr, "0.0.0.0:4318");
  EXPECT_EQ(config.zipkin_addr, "0.0.0.0:9411");
  EXPECT_EQ(config.tempo_addr, "0.0.0.0:3200");
  EXPECT_EQ(config.http_addr, "0.0.0.0:16686");
}

TEST(ServerConfigTest, ListenHostIpv6IsBracketed) {
  ServerConfig config;
  OverrideListenHost(config, "::1");
  EXPECT_EQ(config.otlp_http_addr, "[::1]:4318");
  config.tempo_addr = "[::1]:0";
  OverrideListenHost(config, "127.0.0.1");
  EXPECT_EQ(config.tempo_addr, "127.0.0.1:0");
}

}  // namespace
}  // namespace weft::server
