// Conformance: the service and operation lists (Jaeger's GetServices / GetOperations).
#include "gmock/gmock.h"
#include "storage/conformance/conformance_data.h"
#include "storage/conformance/storage_conformance.h"

namespace weft::storage::conformance {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> ServicesOf(SpanStore& store, std::string_view tenant) {
  absl::StatusOr<std::vector<std::string>> services = store.Services(tenant);
  EXPECT_TRUE(services.ok()) << services.status();
  return services.ok() ? *services : std::vector<std::string>{};
}

// As "name (kind)", which reads well in failure messages.
std::vector<std::string> OperationsOf(SpanStore& store, std::string_view tenant,
                                      std::string_view service) {
  absl::StatusOr<std::vector<OperationName>> operations = store.Operations(tenant, service);
  EXPECT_TRUE(operations.ok()) << operations.status();
  std::vector<std::string> out;
  if (!operations.ok()) return out;
  for (const OperationName& op : *operations) {
    out.push_back(op.name + " (" + std::string(SpanKindName(op.kind)) + ")");
  }
  return out;
}

TEST_P(StorageConformanceTest, ListServices) {
  EXPECT_THAT(ServicesOf(store(), kTenant), IsEmpty()) << "empty store";
  WriteShop();
  // A span without a service name is stored but lists no service.
  Write(kTenant, MakeBatch({SpanOf(MakeTraceId(0x33, 1), 1, 0, "", "anonymous", SpanKind::kInternal,
                                   kBaseTime, kMillis)}));
  MaybeFlush();
  EXPECT_THAT(ServicesOf(store(), kTenant),
              ElementsAre("cart", "checkout", "frontend", "payment", "users"));
  EXPECT_THAT(ServicesOf(store(), "another-tenant"), IsEmpty());
}

TEST_P(StorageConformanceTest, ListOperationsWithSpanKind) {
  WriteShop();
  EXPECT_THAT(
      OperationsOf(store(), kTenant, "checkout"),
      ElementsAre("INSERT shop.orders (client)", "PlaceOrder (internal)", "PlaceOrder (server)"))
      << "one name with two kinds is two operations; sorted by name, then kind";
  EXPECT_THAT(
      OperationsOf(store(), kTenant, "frontend"),
      ElementsAre("GET / (server)", "GET /cart (server)", "GET /product/42 (server)",
                  "GET /slow (server)", "POST /checkout (server)", "XGET /product/1 (server)"));
  EXPECT_THAT(OperationsOf(store(), kTenant, "users"), ElementsAre("GetUser (client)"));
  EXPECT_THAT(OperationsOf(store(), kTenant, "nobody"), IsEmpty());
  EXPECT_THAT(OperationsOf(store(), "another-tenant", "checkout"), IsEmpty());
}

}  // namespace
}  // namespace weft::storage::conformance
