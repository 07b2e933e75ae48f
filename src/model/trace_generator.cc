#include "model/trace_generator.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <string_view>

namespace weft {
namespace {

// ---- The simulated shop: services and operations. Every string here is a literal (static
// storage), so spans may point at them directly without copying.

struct ServiceDef {
  std::string_view name;
  std::string_view version;
  std::string_view language;     // telemetry.sdk.language
  std::string_view sdk_version;  // telemetry.sdk.version
  std::string_view scope_name;
  std::string_view scope_version;
  int64_t port;
};

constexpr ServiceDef kServices[TraceGenerator::kServiceCount] = {
    {"frontend", "1.8.2", "go", "1.24.0",
     "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", "0.49.0", 8080},
    {"checkout", "2.3.0", "java", "1.36.0", "io.opentelemetry.grpc-1.6", "2.2.0-alpha", 5050},
    {"cart", "1.4.1", "dotnet", "1.7.0", "OpenTelemetry.Instrumentation.AspNetCore", "1.7.1", 7070},
    {"catalog", "0.9.5", "python", "1.23.0", "opentelemetry.instrumentation.flask", "0.44b0", 3550},
    {"payment", "3.1.0", "nodejs", "1.22.0", "@opentelemetry/instrumentation-http", "0.49.1",
     50051},
    {"users", "0.4.0", "rust", "0.22.1", "opentelemetry-tonic", "0.15.0", 9555},
};
enum ServiceIndex : uint32_t { kFrontend, kCheckout, kCart, kCatalog, kPayment, kUsers };

enum class OpType : uint8_t {
  kHttpServer,    // SERVER span (and, when called, an HTTP CLIENT span in the caller)
  kGrpcServer,    // SERVER span (and, when called, a gRPC CLIENT span in the caller)
  kInternal,      // INTERNAL span in the owning service
  kPostgres,      // CLIENT span in the owning service
  kRedis,         // CLIENT span in the owning service
  kExternalHttp,  // CLIENT span to a third-party API
};

bool IsServer(OpType t) { return t == OpType::kHttpServer || t == OpType::kGrpcServer; }

constexpr int kMaxCallees = 6;
constexpr uint8_t kEnd = 0xff;  // ends a callee list shorter than kMaxCallees

struct Operation {
  uint32_t service;
  OpType type;
  std::string_view name;    // span name (of the SERVER or single span)
  std::string_view detail;  // http.route, rpc.service, db table, redis key prefix, URL, code ns
  std::string_view method;  // http method, rpc.method, db operation, redis command, function
  double median_micros;     // own work (the whole span for leaves)
  double sigma;             // lognormal shape: larger is a heavier tail
  uint8_t callees[kMaxCallees];  // operation indexes, kEnd terminated
};

// The call graph is acyclic (frontend -> checkout -> cart/catalog/payment/users -> stores), and
// every operation that calls anything can make at least one single-span call (a store, an
// external API or internal work), so any span count can be reached exactly.
constexpr Operation kOps[] = {
    /* 0*/ {kFrontend, OpType::kHttpServer, "GET /", "/", "GET", 400, 0.5, {14, 19, 4, kEnd}},
    /* 1*/
    {kFrontend,
     OpType::kHttpServer,
     "GET /product/{id}",
     "/product/{id}",
     "GET",
     300,
     0.5,
     {13, 8, 4, 19, kEnd}},
    /* 2*/
    {kFrontend, OpType::kHttpServer, "POST /cart", "/cart", "POST", 250, 0.5, {9, 13, 4, kEnd}},
    /* 3*/
    {kFrontend,
     OpType::kHttpServer,
     "POST /checkout",
     "/checkout",
     "POST",
     500,
     0.6,
     {5, 19, 4, kEnd}},
    /* 4*/
    {kFrontend, OpType::kInternal, "render page", "html/template", "Execute", 150, 0.4, {kEnd}},
    /* 5*/
    {kCheckout,
     OpType::kGrpcServer,
     "oteldemo.CheckoutService/PlaceOrder",
     "oteldemo.CheckoutService",
     "PlaceOrder",
     300,
     0.5,
     {8, 10, 13, 16, 6, 7}},
    /* 6*/
    {kCheckout,
     OpType::kInternal,
     "prepareOrderItems",
     "oteldemo.CheckoutService",
     "prepareOrderItems",
     80,
     0.5,
     {kEnd}},
    /* 7*/
    {kCheckout, OpType::kPostgres, "INSERT shop.orders", "orders", "INSERT", 900, 0.7, {kEnd}},
    /* 8*/
    {kCart,
     OpType::kGrpcServer,
     "oteldemo.CartService/GetCart",
     "oteldemo.CartService",
     "GetCart",
     120,
     0.4,
     {11, kEnd}},
    /* 9*/
    {kCart,
     OpType::kGrpcServer,
     "oteldemo.CartService/AddItem",
     "oteldemo.CartService",
     "AddItem",
     150,
     0.4,
     {11, 12, kEnd}},
    /*10*/
    {kCart,
     OpType::kGrpcServer,
     "oteldemo.CartService/EmptyCart",
     "oteldemo.CartService",
     "EmptyCart",
     100,
     0.4,
     {12, kEnd}},
    /*11*/ {kCart, OpType::kRedis, "HGET", "cart", "HGET", 90, 0.5, {kEnd}},
    /*12*/ {kCart, OpType::kRedis, "HMSET", "cart", "HMSET", 110, 0.5, {kEnd}},
    /*13*/
    {kCatalog,
     OpType::kHttpServer,
     "GET /products/{id}",
     "/products/{id}",
     "GET",
     200,
     0.5,
     {15, kEnd}},
    /*14*/
    {kCatalog, OpType::kHttpServer, "GET /products", "/products", "GET", 350, 0.5, {15, kEnd}},
    /*15*/
    {kCatalog, OpType::kPostgres, "SELECT shop.products", "products", "SELECT", 700, 0.8, {kEnd}},
    /*16*/
    {kPayment, OpType::kHttpServer, "POST /charge", "/charge", "POST", 250, 0.5, {17, 18, kEnd}},
    /*17*/
    {kPayment,
     OpType::kExternalHttp,
     "POST",
     "https://api.payments.example/v1/charges",
     "POST",
     45000,
     0.6,
     {kEnd}},
    /*18*/
    {kPayment, OpType::kPostgres, "INSERT shop.payments", "payments", "INSERT", 800, 0.7, {kEnd}},
    /*19*/
    {kUsers,
     OpType::kGrpcServer,
     "oteldemo.UserService/GetUser",
     "oteldemo.UserService",
     "GetUser",
     90,
     0.4,
     {20, 21, kEnd}},
    /*20*/ {kUsers, OpType::kPostgres, "SELECT shop.users", "users", "SELECT", 500, 0.7, {kEnd}},
    /*21*/ {kUsers, OpType::kRedis, "GET", "session", "GET", 70, 0.5, {kEnd}},
};

// Root operations (frontend entry points) and their cumulative weights in percent.
constexpr uint32_t kRootOps[] = {0, 1, 2, 3};
constexpr uint32_t kRootCumulativePercent[] = {40, 75, 90, 100};

int CalleeCount(const Operation& op) {
  int n = 0;
  while (n < kMaxCallees && op.callees[n] != kEnd) ++n;
  return n;
}

constexpr std::string_view kUserAgents[] = {
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 "
    "Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0",
    "python-requests/2.31.0",
};

constexpr std::string_view kErrorTypes[] = {"TimeoutError", "ConnectionResetError",
                                            "InvalidArgument", "ResourceExhausted",
                                            "NullPointerException"};
constexpr std::string_view kErrorMessages[] = {"deadline exceeded after 5s",
                                               "connection reset by peer", "invalid product id",
                                               "connection pool exhausted", "order item is null"};

// Collects a span's attributes on the stack and copies them into the batch arena at the end.
class AttributeBuilder {
 public:
  explicit AttributeBuilder(Arena& arena) : arena_(arena) {}

  void String(std::string_view key, std::string_view literal_value) {
    Add(key, AnyValue::String(literal_value));
  }
  // A formatted string value, copied into the arena.
  [[gnu::format(printf, 3, 4)]] void Format(std::string_view key, const char* format, ...) {
    char buffer[192];
    va_list args;
    va_start(args, format);
    int n = std::vsnprintf(buffer, sizeof(buffer), format, args);
    va_end(args);
    n = std::clamp(n, 0, static_cast<int>(sizeof(buffer)) - 1);
    Add(key, AnyValue::String(arena_.CopyString(std::string_view(buffer, n))));
  }
  void Int(std::string_view key, int64_t value) { Add(key, AnyValue::Int(value)); }
  void Bool(std::string_view key, bool value) { Add(key, AnyValue::Bool(value)); }
  void Double(std::string_view key, double value) { Add(key, AnyValue::Double(value)); }

  Attributes Finish() { return arena_.CopyArray(Attributes(items_, size_)); }

 private:
  void Add(std::string_view key, AnyValue value) {
    if (size_ < kCapacity) items_[size_++] = KeyValue{key, value};
  }

  static constexpr size_t kCapacity = 24;
  Arena& arena_;
  KeyValue items_[kCapacity];
  size_t size_ = 0;
};

}  // namespace

TraceGenerator::TraceGenerator(uint64_t seed, const TraceGeneratorOptions& options)
    : rng_(seed), options_(options), next_trace_start_(options.start_time_unix_nano) {
  options_.min_spans_per_trace = std::max<uint32_t>(1, options_.min_spans_per_trace);
  options_.max_spans_per_trace =
      std::max(options_.min_spans_per_trace, options_.max_spans_per_trace);
  for (uint64_t& id : instance_ids_) id = rng_.Next();
  nodes_.reserve(options_.max_spans_per_trace);
}

double TraceGenerator::Uniform() { return static_cast<double>(rng_.Next() >> 11) * 0x1.0p-53; }

uint64_t TraceGenerator::UniformInt(uint64_t n) {
  // Modulo bias is below n / 2^64: negligible for the small ranges used here.
  return rng_.Next() % n;
}

double TraceGenerator::Normal() {
  // Box-Muller; u1 in (0, 1] so the logarithm is finite.
  const double u1 = static_cast<double>((rng_.Next() >> 11) + 1) * 0x1.0p-53;
  const double u2 = Uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

uint64_t TraceGenerator::LogNormalNanos(double median_micros, double sigma) {
  double micros = median_micros * std::exp(sigma * Normal());
  if (Uniform() < options_.outlier_rate) micros *= 10.0 + 40.0 * Uniform();
  return std::max<uint64_t>(1, static_cast<uint64_t>(micros * 1000.0));
}

void TraceGenerator::BuildTree(uint32_t span_count) {
  nodes_.clear();
  expandable_.clear();
  auto add_node = [&](uint32_t op, uint32_t service, uint32_t parent, SpanKind kind) {
    const uint32_t index = static_cast<uint32_t>(nodes_.size());
    Node& node = nodes_.emplace_back();
    node.op = op;
    node.service = service;
    node.parent = parent;
    node.kind = kind;
    node.span_id = SpanId::Random(rng_);
    if (parent != kNone) {
      Node& p = nodes_[parent];
      if (p.first_child == kNone) {
        p.first_child = index;
      } else {
        nodes_[p.last_child].next_sibling = index;
      }
      p.last_child = index;
    }
    // Only the SERVER half of a call (or a root, or internal work) may make further calls.
    if (kind != SpanKind::kClient && CalleeCount(kOps[op]) > 0) expandable_.push_back(index);
    return index;
  };

  const uint64_t pick = UniformInt(100);
  uint32_t root_op = kRootOps[0];
  for (size_t i = 0; i < std::size(kRootOps); ++i) {
    if (pick < kRootCumulativePercent[i]) {
      root_op = kRootOps[i];
      break;
    }
  }
  add_node(root_op, kOps[root_op].service, kNone, SpanKind::kServer);

  while (nodes_.size() < span_count) {
    const uint32_t remaining = span_count - static_cast<uint32_t>(nodes_.size());
    const uint32_t caller = expandable_[UniformInt(expandable_.size())];
    const Operation& caller_op = kOps[nodes_[caller].op];
    const int callee_count = CalleeCount(caller_op);
    uint32_t callee = caller_op.callees[UniformInt(callee_count)];
    if (IsServer(kOps[callee].type) && remaining < 2) {
      // One span left: take the first single-span call (every caller has one, see kOps).
      for (int i = 0; i < callee_count; ++i) {
        if (!IsServer(kOps[caller_op.callees[i]].type)) {
          callee = caller_op.callees[i];
          break;
        }
      }
    }
    const uint32_t caller_service = nodes_[caller].service;
    switch (kOps[callee].type) {
      case OpType::kHttpServer:
      case OpType::kGrpcServer: {
        const uint32_t client = add_node(callee, caller_service, caller, SpanKind::kClient);
        const uint32_t server = add_node(callee, kOps[callee].service, client, SpanKind::kServer);
        nodes_[server].remote_parent = true;
        break;
      }
      case OpType::kInternal:
        add_node(callee, caller_service, caller, SpanKind::kInternal);
        break;
      case OpType::kPostgres:
      case OpType::kRedis:
      case OpType::kExternalHttp:
        add_node(callee, caller_service, caller, SpanKind::kClient);
        break;
    }
  }

  // Failures: each span fails on its own with error_rate; a failed SERVER span also fails the
  // CLIENT span that called it (children come after their parents in nodes_).
  for (Node& node : nodes_) node.error = Uniform() < options_.error_rate;
  for (Node& node : nodes_) {
    if (node.error && node.remote_parent && !nodes_[node.parent].error) {
      nodes_[node.parent].error = true;
      nodes_[node.parent].error_propagated = true;
    }
  }
}

uint64_t TraceGenerator::Layout(uint32_t index, uint64_t start) {
  Node& node = nodes_[index];
  node.start = start;
  const Operation& op = kOps[node.op];
  uint64_t end;
  if (node.first_child == kNone) {
    end = start + LogNormalNanos(op.median_micros, op.sigma);
  } else if (node.kind == SpanKind::kClient) {
    // The CLIENT half of a call: network on the way there and back around the SERVER span.
    const uint64_t server_start = start + LogNormalNanos(150, 0.5);
    end = Layout(node.first_child, server_start) + LogNormalNanos(120, 0.5);
  } else {
    // Some own work, then the calls in order (a quarter run concurrently with the one before),
    // then the rest of the own work.
    uint64_t frontier = start + LogNormalNanos(op.median_micros * 0.4, op.sigma);
    uint64_t previous_start = frontier;
    uint64_t latest_end = frontier;
    for (uint32_t child = node.first_child; child != kNone; child = nodes_[child].next_sibling) {
      const bool concurrent = child != node.first_child && Uniform() < 0.25;
      const uint64_t child_start =
          concurrent ? previous_start + LogNormalNanos(8, 0.5) : frontier + LogNormalNanos(15, 0.5);
      const uint64_t child_end = Layout(child, child_start);
      previous_start = child_start;
      latest_end = std::max(latest_end, child_end);
      frontier = latest_end;
    }
    end = latest_end + LogNormalNanos(op.median_micros * 0.6, op.sigma);
  }
  node.end = end;  // nodes_ does not grow during layout, so `node` is still valid
  return end;
}

uint32_t TraceGenerator::ScopeFor(SpanBatch& out, uint32_t service) {
  if (scope_cache_.batch != &out) {
    scope_cache_ = ScopeCache{};
    scope_cache_.batch = &out;
  }
  const ServiceDef& def = kServices[service];
  // The cached index is reused only if that scope is still ours: a batch that was moved from, or
  // a new batch at the same address, fails the check and gets its own resource and scope.
  if (scope_cache_.present[service]) {
    const uint32_t index = scope_cache_.scope_index[service];
    if (index < out.scopes().size() &&
        out.scopes()[index].scope.name.data() == def.scope_name.data()) {
      return index;
    }
  }
  AttributeBuilder attrs(out.arena());
  const uint64_t instance = instance_ids_[service];
  attrs.String("service.name", def.name);
  attrs.String("service.namespace", "shop");
  attrs.String("service.version", def.version);
  attrs.Format(
      "service.instance.id", "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(instance >> 32),
      static_cast<unsigned>(instance >> 16) & 0xffff, static_cast<unsigned>(instance >> 4) & 0xfff,
      static_cast<unsigned>(instance) & 0xfff,
      static_cast<unsigned long long>(instance & 0xffffffffffffULL));
  attrs.String("deployment.environment", "production");
  attrs.Format("host.name", "ip-10-0-%u-%u.eu-west-1.compute.internal",
               static_cast<unsigned>(instance % 16), static_cast<unsigned>((instance >> 8) % 250));
  attrs.String("host.arch", "amd64");
  attrs.String("os.type", "linux");
  attrs.String("cloud.region", "eu-west-1");
  attrs.String("k8s.namespace.name", "shop");
  attrs.Format("k8s.pod.name", "%.*s-7d9f8b6c5-%05llx", static_cast<int>(def.name.size()),
               def.name.data(), static_cast<unsigned long long>(instance >> 44));
  attrs.String("telemetry.sdk.name", "opentelemetry");
  attrs.String("telemetry.sdk.language", def.language);
  attrs.String("telemetry.sdk.version", def.sdk_version);
  Resource resource;
  resource.attributes = attrs.Finish();
  resource.schema_url = "https://opentelemetry.io/schemas/1.24.0";
  const uint32_t resource_index = out.AddResource(resource);
  InstrumentationScope scope;
  scope.name = def.scope_name;
  scope.version = def.scope_version;
  const uint32_t scope_index = out.AddScope(resource_index, scope);
  scope_cache_.present[service] = true;
  scope_cache_.scope_index[service] = scope_index;
  return scope_index;
}

void TraceGenerator::EmitSpans(SpanBatch& out) {
  Arena& arena = out.arena();
  const TraceId trace_id = TraceId::Random(rng_);
  const uint64_t user = 1 + UniformInt(50'000);
  const uint64_t product = UniformInt(5'000);
  const uint64_t session = rng_.Next();
  const std::string_view user_agent = kUserAgents[UniformInt(std::size(kUserAgents))];
  const uint32_t client_ip = static_cast<uint32_t>(rng_.Next());

  for (const Node& node : nodes_) {
    const Operation& op = kOps[node.op];
    const ServiceDef& service = kServices[node.service];
    const ServiceDef& callee_service = kServices[op.service];
    Span span;
    span.trace_id = trace_id;
    span.span_id = node.span_id;
    if (node.parent != kNone) span.parent_span_id = nodes_[node.parent].span_id;
    span.kind = node.kind;
    span.start_time_unix_nano = node.start;
    span.end_time_unix_nano = node.end;
    span.flags = 0x01 | kSpanFlagsHasIsRemote | (node.remote_parent ? kSpanFlagsIsRemote : 0);
    span.scope_index = ScopeFor(out, node.service);

    const size_t error_kind = UniformInt(std::size(kErrorTypes));
    const bool pair_client = node.kind == SpanKind::kClient && IsServer(op.type);
    const bool failed_server = node.kind == SpanKind::kServer && node.error;
    AttributeBuilder attrs(arena);
    span.name = op.name;
    switch (op.type) {
      case OpType::kHttpServer:
        if (pair_client) {
          span.name = op.method;  // HTTP client spans are named after the method only
          attrs.String("http.method", op.method);
          attrs.Format("http.url", "http://%.*s:%lld%.*s",
                       static_cast<int>(callee_service.name.size()), callee_service.name.data(),
                       static_cast<long long>(callee_service.port),
                       static_cast<int>(op.detail.size()), op.detail.data());
          attrs.Int("http.status_code", node.error ? 500 : 200);
          attrs.String("net.peer.name", callee_service.name);
          attrs.Int("net.peer.port", callee_service.port);
          attrs.String("peer.service", callee_service.name);
          attrs.String("http.flavor", "1.1");
          attrs.Int("http.request_content_length",
                    op.method == "POST" ? 64 + static_cast<int64_t>(UniformInt(900)) : 0);
          attrs.Format("enduser.id", "user-%05llu", static_cast<unsigned long long>(user));
          attrs.Bool("http.retried", Uniform() < 0.01);
        } else {
          attrs.String("http.method", op.method);
          attrs.String("http.route", op.detail);
          if (op.detail.find("{id}") != std::string_view::npos) {
            attrs.Format("http.target", "%.*s/P%05llu", static_cast<int>(op.detail.size() - 5),
                         op.detail.data(), static_cast<unsigned long long>(product));
          } else {
            attrs.String("http.target", op.detail);
          }
          attrs.String("http.scheme", "http");
          attrs.Int("http.status_code", node.error ? 500 : (UniformInt(50) == 0 ? 404 : 200));
          attrs.String("net.host.name", service.name);
          attrs.Int("net.host.port", service.port);
          attrs.Format("net.sock.peer.addr", "10.%u.%u.%u", (client_ip >> 16) & 0xff,
                       (client_ip >> 8) & 0xff, client_ip & 0xff);
          attrs.String("user_agent.original", user_agent);
          attrs.Format("enduser.id", "user-%05llu", static_cast<unsigned long long>(user));
          attrs.Int("http.response_content_length", 200 + UniformInt(40'000));
        }
        break;
      case OpType::kGrpcServer:
        attrs.String("rpc.system", "grpc");
        attrs.String("rpc.service", op.detail);
        attrs.String("rpc.method", op.method);
        attrs.Int("rpc.grpc.status_code", node.error ? 13 : 0);
        if (pair_client) {
          attrs.String("net.peer.name", callee_service.name);
          attrs.Int("net.peer.port", callee_service.port);
          attrs.String("peer.service", callee_service.name);
          attrs.Int("app.attempt", 1);
          attrs.Int("app.deadline_ms", 5000);
        } else {
          attrs.String("net.host.name", service.name);
          attrs.Int("net.host.port", service.port);
          attrs.Format("net.sock.peer.addr", "10.1.%u.%u", (client_ip >> 4) & 0xff,
                       (client_ip >> 12) & 0xff);
          attrs.Int("app.items", static_cast<int64_t>(UniformInt(12)));
        }
        attrs.Format("enduser.id", "user-%05llu", static_cast<unsigned long long>(user));
        attrs.Format("session.id", "%016llx", static_cast<unsigned long long>(session));
        break;
      case OpType::kPostgres:
        attrs.String("db.system", "postgresql");
        attrs.String("db.name", "shop");
        attrs.Format("db.user", "%.*s_rw", static_cast<int>(service.name.size()),
                     service.name.data());
        attrs.String("db.operation", op.method);
        attrs.String("db.sql.table", op.detail);
        if (op.method == "SELECT") {
          attrs.Format("db.statement", "SELECT * FROM shop.%.*s WHERE id = %llu LIMIT 50",
                       static_cast<int>(op.detail.size()), op.detail.data(),
                       static_cast<unsigned long long>(op.detail == "users" ? user : product));
        } else {
          attrs.Format("db.statement", "INSERT INTO shop.%.*s (user_id, total) VALUES (%llu, $1)",
                       static_cast<int>(op.detail.size()), op.detail.data(),
                       static_cast<unsigned long long>(user));
        }
        attrs.String("net.peer.name", "postgres.shop.svc.cluster.local");
        attrs.Int("net.peer.port", 5432);
        attrs.Int("db.rows_affected", static_cast<int64_t>(UniformInt(50)));
        attrs.Bool("db.connection_reused", Uniform() < 0.9);
        break;
      case OpType::kRedis:
        attrs.String("db.system", "redis");
        attrs.String("db.operation", op.method);
        attrs.Format("db.statement", "%.*s %.*s:%llu", static_cast<int>(op.method.size()),
                     op.method.data(), static_cast<int>(op.detail.size()), op.detail.data(),
                     static_cast<unsigned long long>(user));
        attrs.Int("db.redis.database_index", 0);
        attrs.String("net.peer.name", "redis.shop.svc.cluster.local");
        attrs.Int("net.peer.port", 6379);
        attrs.Bool("app.cache_hit", Uniform() < 0.8);
        attrs.Int("app.key_count", 1 + static_cast<int64_t>(UniformInt(8)));
        attrs.Format("enduser.id", "user-%05llu", static_cast<unsigned long long>(user));
        attrs.Int("thread.id", 1 + static_cast<int64_t>(UniformInt(64)));
        break;
      case OpType::kExternalHttp:
        attrs.String("http.method", op.method);
        attrs.String("http.url", op.detail);
        attrs.Int("http.status_code", node.error ? 502 : 200);
        attrs.String("net.peer.name", "api.payments.example");
        attrs.Int("net.peer.port", 443);
        attrs.String("peer.service", "payments-gateway");
        attrs.String("http.flavor", "2");
        attrs.Double("app.amount", static_cast<double>(100 + UniformInt(99'900)) / 100.0);
        attrs.String("app.currency", "EUR");
        attrs.Format("app.idempotency_key", "%016llx",
                     static_cast<unsigned long long>(rng_.Next()));
        break;
      case OpType::kInternal:
        attrs.String("code.namespace", op.detail);
        attrs.String("code.function", op.method);
        attrs.Format("code.filepath", "src/%.*s/%.*s.go", static_cast<int>(service.name.size()),
                     service.name.data(), static_cast<int>(op.method.size()), op.method.data());
        attrs.Int("code.lineno", 20 + static_cast<int64_t>(UniformInt(400)));
        attrs.Int("thread.id", 1 + static_cast<int64_t>(UniformInt(64)));
        attrs.String("thread.name", "worker");
        attrs.Int("app.items", static_cast<int64_t>(UniformInt(12)));
        attrs.Double("app.order_total", static_cast<double>(UniformInt(50'000)) / 100.0);
        attrs.Bool("app.cache_hit", Uniform() < 0.5);
        attrs.Format("enduser.id", "user-%05llu", static_cast<unsigned long long>(user));
        break;
    }
    span.attributes = attrs.Finish();

    if (node.error) {
      span.status_code = StatusCode::kError;
      if (node.error_propagated) {
        span.status_message = op.type == OpType::kGrpcServer
                                  ? std::string_view("rpc error: code = Internal")
                                  : std::string_view("HTTP 500");
      } else {
        span.status_message = kErrorMessages[error_kind];
        AttributeBuilder event_attrs(arena);
        event_attrs.String("exception.type", kErrorTypes[error_kind]);
        event_attrs.String("exception.message", kErrorMessages[error_kind]);
        event_attrs.Bool("exception.escaped", failed_server);
        Event event;
        event.time_unix_nano = node.end - std::min<uint64_t>(node.end - node.start, 1000);
        event.name = "exception";
        event.attributes = event_attrs.Finish();
        span.events = arena.CopyArray(std::span<const Event>(&event, 1));
      }
    } else if (op.type == OpType::kRedis && Uniform() < 0.1) {
      AttributeBuilder event_attrs(arena);
      event_attrs.Int("retry.attempt", 1);
      Event event;
      event.time_unix_nano = node.start + (node.end - node.start) / 2;
      event.name = "connection re-established";
      event.attributes = event_attrs.Finish();
      span.events = arena.CopyArray(std::span<const Event>(&event, 1));
    }

    // Now and then a request is a retry of the previous trace: the root links to its root.
    if (node.parent == kNone && traces_generated_ > 0 && Uniform() < 0.05) {
      AttributeBuilder link_attrs(arena);
      link_attrs.String("link.reason", "retry");
      Link link;
      link.trace_id = previous_root_trace_;
      link.span_id = previous_root_span_;
      link.flags = 0x01 | kSpanFlagsHasIsRemote | kSpanFlagsIsRemote;
      link.attributes = link_attrs.Finish();
      span.links = arena.CopyArray(std::span<const Link>(&link, 1));
    }
    out.AddSpan(span);
  }
  previous_root_trace_ = trace_id;
  previous_root_span_ = nodes_.front().span_id;
}

uint32_t TraceGenerator::DrawSpanCount() {
  return options_.min_spans_per_trace +
         static_cast<uint32_t>(
             UniformInt(options_.max_spans_per_trace - options_.min_spans_per_trace + 1));
}

void TraceGenerator::AppendTrace(SpanBatch& out, uint32_t span_count) {
  BuildTree(span_count);
  Layout(0, next_trace_start_);
  // Exponential gaps between trace starts: a Poisson arrival process.
  const double gap =
      -std::log(1.0 - Uniform()) * static_cast<double>(options_.trace_interval_nanos);
  next_trace_start_ += static_cast<uint64_t>(gap);
  EmitSpans(out);
  ++traces_generated_;
  spans_generated_ += nodes_.size();
}

void TraceGenerator::NextTrace(SpanBatch& out) { AppendTrace(out, DrawSpanCount()); }

void TraceGenerator::Fill(SpanBatch& out, size_t min_spans) {
  const size_t target = out.size() + min_spans;
  while (out.size() < target) NextTrace(out);
}

void TraceGenerator::FillExactly(SpanBatch& out, size_t spans) {
  while (spans > 0) {
    const uint32_t count = static_cast<uint32_t>(std::min<size_t>(DrawSpanCount(), spans));
    AppendTrace(out, count);
    spans -= count;
  }
}

}  // namespace weft
