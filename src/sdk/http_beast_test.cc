// weft/http_beast.h: SERVER spans from Beast requests (parent extracted, semantic-convention
// attributes, 5xx = error) and CLIENT spans injected into Beast requests.
#include "weft/http_beast.h"

#include <gtest/gtest.h>

#include "weft/exporters.h"
#include "weft/provider.h"

namespace weft {
namespace {

namespace http = boost::beast::http;

struct Fixture {
  std::shared_ptr<InMemorySpans> spans = std::make_shared<InMemorySpans>();
  std::unique_ptr<TracerProvider> provider;
  Fixture() {
    TracerProviderOptions options;
    options.processors.push_back(SimpleProcessor(InMemoryExporter(spans)));
    provider = std::make_unique<TracerProvider>(std::move(options));
  }
};

TEST(HttpBeastTest, ServerSpanFromRequest) {
  Fixture f;
  Tracer tracer = f.provider->GetTracer("http");
  http::request<http::string_body> req(http::verb::post, "/cart/42/items?x=1", 11);
  req.set(http::field::host, "shop.example:8080");
  req.set(http::field::user_agent, "curl/8");
  req.set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  {
    Span span = beast::StartServerSpan(tracer, req, "/cart/{id}/items");
    beast::EndServerSpan(span, 503);
  }
  auto all = f.spans->Spans();
  ASSERT_EQ(all.size(), 1u);
  const SpanData& d = all[0];
  EXPECT_EQ(d.name, "POST /cart/{id}/items");
  EXPECT_EQ(d.kind, SpanKind::kServer);
  EXPECT_EQ(d.context.trace_id.ToHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(d.parent_span_id.ToHex(), "00f067aa0ba902b7");
  EXPECT_EQ(d.FindAttribute("http.request.method")->string_value, "POST");
  EXPECT_EQ(d.FindAttribute("url.path")->string_value, "/cart/42/items");
  EXPECT_EQ(d.FindAttribute("http.route")->string_value, "/cart/{id}/items");
  EXPECT_EQ(d.FindAttribute("server.address")->string_value, "shop.example");
  EXPECT_EQ(d.FindAttribute("server.port")->int_value, 8080);
  EXPECT_EQ(d.FindAttribute("http.response.status_code")->int_value, 503);
  EXPECT_EQ(d.status, StatusCode::kError);
}

TEST(HttpBeastTest, Server4xxIsNotAnError) {
  Fixture f;
  http::request<http::empty_body> req(http::verb::get, "/missing", 11);
  {
    Span span = beast::StartServerSpan(f.provider->GetTracer("http"), req);
    beast::EndServerSpan(span, 404);
  }
  auto all = f.spans->Spans();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, "GET");
  EXPECT_EQ(all[0].status, StatusCode::kUnset);
  EXPECT_FALSE(all[0].parent_span_id.valid());
}

TEST(HttpBeastTest, ClientSpanInjectsIntoRequest) {
  Fixture f;
  Tracer tracer = f.provider->GetTracer("http");
  Span parent = tracer.StartSpan("handler");
  Scope scope(parent);
  http::request<http::string_body> req(http::verb::get, "/stock?sku=1", 11);
  req.set(http::field::host, "inventory:9000");
  Span client = beast::StartClientSpan(tracer, req);
  const std::string traceparent(req["traceparent"]);
  EXPECT_EQ(traceparent, "00-" + client.Context().trace_id.ToHex() + "-" +
                             client.Context().span_id.ToHex() + "-03");
  beast::EndClientSpan(client, 404);
  parent.End();
  auto all = f.spans->Spans();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].kind, SpanKind::kClient);
  EXPECT_EQ(all[0].parent_span_id, parent.Context().span_id);
  EXPECT_EQ(all[0].FindAttribute("url.full")->string_value, "http://inventory:9000/stock?sku=1");
  EXPECT_EQ(all[0].status, StatusCode::kError);
}

TEST(HttpBeastTest, RepeatedHeadersAreJoined) {
  http::request<http::empty_body> req(http::verb::get, "/", 11);
  req.insert("tracestate", "a=1");
  req.insert("tracestate", "b=2");
  beast::FieldsCarrier<http::fields> carrier(static_cast<const http::fields&>(req));
  EXPECT_EQ(carrier.Get("tracestate"), "a=1,b=2");
  EXPECT_EQ(carrier.Get("absent"), "");
}

}  // namespace
}  // namespace weft
