// OTEL_* environment parsing, bad values included.
#include "sdk/env_config.h"

#include <map>

#include <gtest/gtest.h>

namespace weft {
namespace {

using detail::EnvConfig;
using detail::ReadEnvironment;

EnvConfig Read(std::map<std::string, std::string> env, sdk::InitOptions options = {}) {
  return ReadEnvironment(
      [&env](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
      },
      options);
}

TEST(EnvConfigTest, Defaults) {
  EnvConfig c = Read({});
  EXPECT_FALSE(c.disabled);
  EXPECT_EQ(c.resource.Find("service.name")->string_value, "unknown_service");
  EXPECT_EQ(c.otlp.endpoint, "http://localhost:4318/v1/traces");
  EXPECT_EQ(c.otlp.protocol, OtlpExporterOptions::Protocol::kHttpProtobuf);
  EXPECT_EQ(c.sampler_description, "ParentBased{root:AlwaysOnSampler}");
  EXPECT_EQ(c.batch.max_queue_size, 65536u);
  EXPECT_TRUE(c.warnings.empty());
}

TEST(EnvConfigTest, ServiceAndResourceAttributes) {
  EnvConfig c = Read({{"OTEL_RESOURCE_ATTRIBUTES",
                       "service.name=from-attrs,deployment.environment=prod%20eu,team=a%2Cb"},
                      {"OTEL_SERVICE_NAME", "cart"}});
  EXPECT_EQ(c.resource.Find("service.name")->string_value, "cart");
  EXPECT_EQ(c.resource.Find("deployment.environment")->string_value, "prod eu");
  EXPECT_EQ(c.resource.Find("team")->string_value, "a,b");
  EnvConfig only_attrs = Read({{"OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs"}});
  EXPECT_EQ(only_attrs.resource.Find("service.name")->string_value, "from-attrs");
  EnvConfig bad = Read({{"OTEL_RESOURCE_ATTRIBUTES", "a=1,broken,b=%zz"}});
  EXPECT_EQ(bad.resource.Find("a"), nullptr);  // the whole value is discarded
  EXPECT_EQ(bad.warnings.size(), 1u);
}

TEST(EnvConfigTest, EndpointSuffixRule) {
  EXPECT_EQ(Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"}}).otlp.endpoint,
            "http://collector:4318/v1/traces");
  EXPECT_EQ(Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/base/"}}).otlp.endpoint,
            "http://collector:4318/base/v1/traces");
  EXPECT_EQ(Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:4318"},
                  {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://b:9999/custom"}})
                .otlp.endpoint,
            "http://b:9999/custom");
  EnvConfig grpc = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"},
                         {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}});
  EXPECT_EQ(grpc.otlp.protocol, OtlpExporterOptions::Protocol::kGrpc);
  EXPECT_EQ(grpc.otlp.endpoint, "http://collector:4317");
  EnvConfig json = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"},
                         {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json"}});
  EXPECT_EQ(json.otlp.protocol, OtlpExporterOptions::Protocol::kHttpJson);
  EXPECT_EQ(json.otlp.endpoint, "http://collector:4318/v1/traces");
  EnvConfig https = Read({{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://x"}});
  EXPECT_EQ(https.otlp.endpoint, "http://localhost:4318/v1/traces");
  EXPECT_EQ(https.warnings.size(), 1u);
}

TEST(EnvConfigTest, HeadersTimeoutCompression) {
  EnvConfig c = Read({{"OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20abc,x-tenant=t1"},
                      {"OTEL_EXPORTER_OTLP_TIMEOUT", "2500"},
                      {"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"}});
  ASSERT_EQ(c.otlp.headers.size(), 2u);
  EXPECT_EQ(c.otlp.headers[0].first, "authorization");
  EXPECT_EQ(c.otlp.headers[0].second, "Bearer abc");
  EXPECT_EQ(c.otlp.timeout, std::chrono::milliseconds(2500));
  EXPECT_TRUE(c.otlp.gzip);
}

TEST(EnvConfigTest, SamplerSelection) {
  EXPECT_EQ(Read({{"OTEL_TRACES_SAMPLER", "always_off"}}).sampler_description, "AlwaysOffSampler");
  EXPECT_EQ(Read({{"OTEL_TRACES_SAMPLER", "traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "0.1"}})
                .sampler_description,
            "TraceIdRatioBased{0.1}");
  EXPECT_EQ(Read({{"OTEL_TRACES_SAMPLER", "parentbased_traceidratio"},
                  {"OTEL_TRACES_SAMPLER_ARG", "0.5"}})
                .sampler_description,
            "ParentBased{root:TraceIdRatioBased{0.5}}");
}

TEST(EnvConfigTest, BadValuesWarnAndUseDefaults) {
  EnvConfig c = Read({{"OTEL_SDK_DISABLED", "maybe"},
                      {"OTEL_TRACES_SAMPLER", "sometimes"},
                      {"OTEL_TRACES_SAMPLER_ARG", "1.5"},
                      {"OTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon"},
                      {"OTEL_EXPORTER_OTLP_TIMEOUT", "soon"},
                      {"OTEL_BSP_MAX_QUEUE_SIZE", "-3"},
                      {"OTEL_BSP_SCHEDULE_DELAY", "12abc"},
                      {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "99999999999999999999"},
                      {"OTEL_EXPORTER_OTLP_COMPRESSION", "brotli"},
                      {"OTEL_TRACES_EXPORTER", "kafka"}});
  EXPECT_FALSE(c.disabled);
  EXPECT_EQ(c.sampler_description, "ParentBased{root:AlwaysOnSampler}");
  EXPECT_EQ(c.otlp.protocol, OtlpExporterOptions::Protocol::kHttpProtobuf);
  EXPECT_EQ(c.otlp.timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(c.batch.max_queue_size, 65536u);
  EXPECT_EQ(c.batch.schedule_delay, std::chrono::milliseconds(1000));
  EXPECT_EQ(c.batch.max_export_batch_size, 2048u);
  EXPECT_FALSE(c.otlp.gzip);
  EXPECT_EQ(c.warnings.size(), 10u);
}

TEST(EnvConfigTest, SpanLimits) {
  EnvConfig c = Read({{"OTEL_ATTRIBUTE_COUNT_LIMIT", "64"},
                      {"OTEL_SPAN_EVENT_COUNT_LIMIT", "10"},
                      {"OTEL_SPAN_LINK_COUNT_LIMIT", "0"},
                      {"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "4"},
                      {"OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "5"},
                      {"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "100"},
                      {"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "200"}});
  EXPECT_EQ(c.limits.max_attributes, 64u) << "the general name when the span one is absent";
  EXPECT_EQ(c.limits.max_events, 10u);
  EXPECT_EQ(c.limits.max_links, 0u);
  EXPECT_EQ(c.limits.max_attributes_per_event, 4u);
  EXPECT_EQ(c.limits.max_attributes_per_link, 5u);
  EXPECT_EQ(c.limits.max_attribute_value_length, 200u) << "the span-specific name wins";
  EXPECT_TRUE(c.warnings.empty());
  EnvConfig bad = Read({{"OTEL_SPAN_EVENT_COUNT_LIMIT", "lots"}});
  EXPECT_EQ(bad.limits.max_events, 128u);
  EXPECT_EQ(bad.warnings.size(), 1u);
}

TEST(EnvConfigTest, DisabledAndBsp) {
  EnvConfig c = Read({{"OTEL_SDK_DISABLED", "TRUE"},
                      {"OTEL_BSP_MAX_QUEUE_SIZE", "2048"},
                      {"OTEL_BSP_SCHEDULE_DELAY", "5000"},
                      {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "512"},
                      {"OTEL_BSP_EXPORT_TIMEOUT", "30000"},
                      {"OTEL_PROPAGATORS", "b3"}});
  EXPECT_TRUE(c.disabled);
  EXPECT_EQ(c.batch.max_queue_size, 2048u);
  EXPECT_EQ(c.batch.schedule_delay, std::chrono::milliseconds(5000));
  EXPECT_EQ(c.batch.max_export_batch_size, 512u);
  EXPECT_EQ(c.propagators, "b3");
}

}  // namespace
}  // namespace weft
