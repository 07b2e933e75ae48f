// Optional header-only helpers for Boost.Beast HTTP servers and clients: a carrier over Beast
// header fields, SERVER spans for incoming requests (extract the parent, HTTP semantic-convention
// attributes, status on the way out) and CLIENT spans for outgoing ones (inject the context).
// The only public weft header that includes Boost; other HTTP libraries use TextMapCarrier.
// Thread rule: as for Span and carriers — one thread at a time per request/span.
//
//   auto span = weft::beast::StartServerSpan(tracer, req, "/cart/{id}");
//   weft::Scope scope(span);
//   ... build `res` ...
//   weft::beast::EndServerSpan(span, res.result_int());
#pragma once

#include <utility>  // before Boost.Asio under C++20 with g++ 12 (DESIGN.md)

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>

#include "weft/propagation.h"
#include "weft/trace.h"

namespace weft {
inline namespace v1 {
namespace beast {

// A carrier over Beast header fields (request or response). Several fields of one name are
// returned joined with ",".
template <class Fields>
class FieldsCarrier final : public TextMapCarrier {
 public:
  explicit FieldsCarrier(Fields& fields) : fields_(&fields), const_fields_(&fields) {}
  explicit FieldsCarrier(const Fields& fields) : const_fields_(&fields) {}

  std::string_view Get(std::string_view name) const override {
    const boost::beast::string_view key(name.data(), name.size());
    auto range = const_fields_->equal_range(key);
    if (range.first == range.second) return {};
    auto first = range.first;
    if (++range.first == range.second) {
      auto v = first->value();
      return std::string_view(v.data(), v.size());
    }
    joined_.clear();
    for (auto it = first; it != range.second; ++it) {
      if (!joined_.empty()) joined_ += ',';
      joined_.append(it->value().data(), it->value().size());
    }
    return joined_;
  }
  void Set(std::string_view name, std::string_view value) override {
    if (fields_ == nullptr) return;  // read-only carrier
    fields_->set(boost::beast::string_view(name.data(), name.size()),
                 boost::beast::string_view(value.data(), value.size()));
  }

 private:
  Fields* fields_ = nullptr;
  const Fields* const_fields_;
  mutable std::string joined_;
};

namespace internal {
inline std::string_view View(boost::beast::string_view v) { return {v.data(), v.size()}; }
inline std::string_view PathOf(std::string_view target) {
  const size_t q = target.find_first_of("?#");
  return q == std::string_view::npos ? target : target.substr(0, q);
}
// "host:port" -> host; "[::1]:80" -> "::1".
inline std::string_view HostOf(std::string_view host_port) {
  if (!host_port.empty() && host_port.front() == '[') {
    const size_t close = host_port.find(']');
    return close == std::string_view::npos ? host_port : host_port.substr(1, close - 1);
  }
  const size_t colon = host_port.rfind(':');
  return colon == std::string_view::npos ? host_port : host_port.substr(0, colon);
}
inline int64_t PortOf(std::string_view host_port) {
  const size_t colon = host_port.rfind(':');
  if (colon == std::string_view::npos || host_port.find(']', colon) != std::string_view::npos) {
    return 0;
  }
  int64_t port = 0;
  for (char c : host_port.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return 0;
    port = port * 10 + (c - '0');
  }
  return port;
}
}  // namespace internal

// Starts the SERVER span for `request`: parent extracted with the global propagator, name
// "METHOD route" (or "METHOD" without a route), attributes http.request.method, url.path,
// http.route (when given), server.address / server.port (from `server_address`, else the Host
// header), user_agent.original. Make it current with weft::Scope for the handler's duration.
template <class Body, class Fields>
Span StartServerSpan(const Tracer& tracer, const boost::beast::http::request<Body, Fields>& request,
                     std::string_view route = {}, std::string_view server_address = {}) {
  if (!tracer.Enabled()) return Span();
  const FieldsCarrier<Fields> carrier(static_cast<const Fields&>(request));
  const Context parent = Extract(carrier);
  const std::string_view method = internal::View(request.method_string());
  std::string name(method);
  if (!route.empty()) {
    name += ' ';
    name.append(route);
  }
  const std::string_view host = server_address.empty()
                                    ? internal::View(request[boost::beast::http::field::host])
                                    : server_address;
  Span span = tracer.StartSpan(name, {.kind = SpanKind::kServer, .parent = &parent});
  span.SetAttribute("http.request.method", method);
  span.SetAttribute("url.path", internal::PathOf(internal::View(request.target())));
  if (!route.empty()) span.SetAttribute("http.route", route);
  if (!host.empty()) {
    span.SetAttribute("server.address", internal::HostOf(host));
    if (const int64_t port = internal::PortOf(host); port > 0) {
      span.SetAttribute("server.port", port);
    }
  }
  const auto agent = request[boost::beast::http::field::user_agent];
  if (!agent.empty()) span.SetAttribute("user_agent.original", internal::View(agent));
  return span;
}

// Records http.response.status_code, sets status ERROR for 5xx (a 4xx is the client's fault on
// a server span), and ends the span.
inline void EndServerSpan(Span& span, unsigned status_code) {
  span.SetAttribute("http.response.status_code", static_cast<int64_t>(status_code));
  if (status_code >= 500) span.SetStatus(StatusCode::kError, "HTTP " + std::to_string(status_code));
  span.End();
}

// Starts a CLIENT span for `request` as a child of the current context, named by the method,
// with http.request.method, server.address, server.port and url.full, and injects its context
// into the request's headers with the global propagator. `server_address` is "host:port"
// (default: the request's Host header).
template <class Body, class Fields>
Span StartClientSpan(const Tracer& tracer, boost::beast::http::request<Body, Fields>& request,
                     std::string_view server_address = {}) {
  const std::string_view method = internal::View(request.method_string());
  Span span = tracer.StartSpan(method, {.kind = SpanKind::kClient});
  if (span.IsRecording()) {
    const std::string_view host = server_address.empty()
                                      ? internal::View(request[boost::beast::http::field::host])
                                      : server_address;
    span.SetAttribute("http.request.method", method);
    if (!host.empty()) {
      span.SetAttribute("server.address", internal::HostOf(host));
      if (const int64_t port = internal::PortOf(host); port > 0) {
        span.SetAttribute("server.port", port);
      }
      std::string url = "http://";
      url.append(host);
      url.append(internal::View(request.target()));
      span.SetAttribute("url.full", url);
    }
  }
  if (span.Context().valid()) {
    FieldsCarrier<Fields> carrier(static_cast<Fields&>(request));
    Inject(Context(span.Context(), Context::Current().baggage), carrier);
  }
  return span;
}

// Records http.response.status_code, sets status ERROR for 4xx and 5xx, and ends the span.
inline void EndClientSpan(Span& span, unsigned status_code) {
  span.SetAttribute("http.response.status_code", static_cast<int64_t>(status_code));
  if (status_code >= 400) span.SetStatus(StatusCode::kError, "HTTP " + std::to_string(status_code));
  span.End();
}

// For a failed exchange (connection refused, timeout): records error.type and ends with ERROR.
inline void EndClientSpanWithError(Span& span, std::string_view error_type) {
  span.SetAttribute("error.type", error_type);
  span.SetStatus(StatusCode::kError, error_type);
  span.End();
}

}  // namespace beast
}  // namespace v1
}  // namespace weft
