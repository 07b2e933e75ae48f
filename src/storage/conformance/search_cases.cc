// Conformance: which traces a search finds. Every case runs over the whole shop
// (conformance_data.cc), so each expected list is also a list of counterexamples not found.
#include "gmock/gmock.h"
#include "storage/conformance/conformance_data.h"
#include "storage/conformance/storage_conformance.h"

namespace weft::storage::conformance {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using enum CompareOp;
using S = std::string;
using I = int64_t;

constexpr auto kSpanScope = AttributeScope::kSpan;

TEST_P(StorageConformanceTest, FindTracesByServiceName) {
  WriteShop();
  EXPECT_THAT(FindShop(Where(Field::kServiceName, kEq, S("payment"))), ElementsAre(3));
  EXPECT_THAT(FindShop(Where(Field::kServiceName, kEq, S("cart"))), ElementsAre(5, 2, 1));
  EXPECT_THAT(FindShop(Where(Field::kServiceName, kEq, S("nobody"))), IsEmpty());
}

TEST_P(StorageConformanceTest, FindTracesByOperation) {
  WriteShop();
  EXPECT_THAT(FindShop(Where(Field::kSpanName, kEq, S("GET /cart"))), ElementsAre(2));
  EXPECT_THAT(FindShop(Where(Field::kSpanName, kEq, S("GetCart"))), ElementsAre(5, 2, 1));
  EXPECT_THAT(FindShop(ConditionTree::And({Where(Field::kServiceName, kEq, S("checkout")),
                                           Where(Field::kSpanName, kEq, S("INSERT shop.orders"))})),
              ElementsAre(3));
}

TEST_P(StorageConformanceTest, FindTracesByKindAndStatus) {
  WriteShop();
  EXPECT_THAT(FindShop(Where(Field::kKind, kEq, I{static_cast<int>(SpanKind::kClient)})),
              ElementsAre(7, 3));
  EXPECT_THAT(FindShop(Where(Field::kStatus, kEq, I{static_cast<int>(StatusCode::kError)})),
              ElementsAre(7, 5, 3, 2));
}

TEST_P(StorageConformanceTest, FindTracesBySpanAttributes) {
  WriteShop();
  EXPECT_THAT(FindShop(WhereAttr(kSpanScope, "http.status_code", kEq, I{500})), ElementsAre(5, 2));
  EXPECT_THAT(FindShop(WhereAttr(kSpanScope, "cache.hit", kEq, true)), ElementsAre(1));
  EXPECT_THAT(FindShop(WhereAttr(kSpanScope, "order.total", kGt, I{50})), ElementsAre(3));
  EXPECT_THAT(FindShop(WhereAttr(kSpanScope, "order.total", kGt, 100.0)), IsEmpty());
  EXPECT_THAT(FindShop(WhereAttr(kSpanScope, "http.status_code", kEq, S("500"))), IsEmpty())
      << "an int attribute never equals a string";
}

TEST_P(StorageConformanceTest, FindTracesByResourceAttributes) {
  WriteShop();
  // Shop(8) has deployment.environment = canary as a span attribute only.
  EXPECT_THAT(
      FindShop(WhereAttr(AttributeScope::kResource, "deployment.environment", kEq, S("canary"))),
      ElementsAre(3));
  EXPECT_THAT(FindShop(WhereAttr(AttributeScope::kSpanOrResource, "deployment.environment", kEq,
                                 S("canary"))),
              ElementsAre(8, 3));
}

TEST_P(StorageConformanceTest, FindTracesByEventAttributes) {
  WriteShop();
  // Shop(1) has exception.type = CardDeclined as a span attribute; Shop(7) an event of another
  // type.
  EXPECT_THAT(FindShop(WhereAttr(AttributeScope::kEvent, "exception.type", kEq, S("CardDeclined"))),
              ElementsAre(3));
  EXPECT_THAT(FindShop(WhereAttr(AttributeScope::kEvent, "exception.type", kExists)),
              ElementsAre(7, 3));
}

TEST_P(StorageConformanceTest, FindTracesByMinAndMaxDuration) {
  WriteShop();
  const auto ms = [](int64_t n) { return I{n * static_cast<int64_t>(kMillis)}; };
  EXPECT_THAT(FindShop(Where(Field::kDuration, kGt, ms(500))), ElementsAre(3))
      << "Shop(8) lasts 499 ms";
  EXPECT_THAT(FindShop(Where(Field::kDuration, kLt, ms(3))), ElementsAre(4));
  EXPECT_THAT(FindShop(ConditionTree::And(
                  {Where(Field::kDuration, kGe, ms(30)), Where(Field::kDuration, kLe, ms(40))})),
              ElementsAre(7, 2));
}

TEST_P(StorageConformanceTest, FindTracesInATimeRange) {
  WriteShop();
  FetchRequest request = Search(kTenant, {});
  // Shop(3) starts before the range but lasts 900 ms into it: traces overlapping count.
  request.start_unix_nanos = ShopStart(3) + 500 * kMillis;
  request.end_unix_nanos = ShopStart(5);  // inclusive: Shop(5) starts exactly here
  EXPECT_THAT(FindShop(request), ElementsAre(5, 4, 3));

  request.start_unix_nanos = ShopStart(6) + 20 * kMillis;  // Shop(6) lasts 10 ms
  request.end_unix_nanos = ShopStart(7) - 1;
  EXPECT_THAT(FindShop(request), IsEmpty());

  request.start_unix_nanos = ShopStart(7);
  request.end_unix_nanos = UINT64_MAX;
  request.filter = Where(Field::kServiceName, kEq, S("frontend"));
  EXPECT_THAT(FindShop(request), ElementsAre(8, 7));
}

TEST_P(StorageConformanceTest, FindTracesWithConditionsOnTheSameSpan) {
  WriteShop();
  // Shop(5) has a cart span and a span with 500, but not one span with both.
  EXPECT_THAT(
      FindShop(ConditionTree::And({Where(Field::kServiceName, kEq, S("cart")),
                                   WhereAttr(kSpanScope, "http.status_code", kEq, I{500})})),
      ElementsAre(2));
  EXPECT_THAT(FindShop(ConditionTree::Or({Where(Field::kServiceName, kEq, S("payment")),
                                          Where(Field::kSpanName, kEq, S("GET /product/42"))})),
              ElementsAre(4, 3));
  EXPECT_THAT(FindShop(ConditionTree::And(
                  {Where(Field::kServiceName, kEq, S("frontend")),
                   ConditionTree::Or({WhereAttr(kSpanScope, "http.status_code", kGe, I{500}),
                                      WhereAttr(kSpanScope, "enduser.id", kExists)})})),
              ElementsAre(5, 4));
}

TEST_P(StorageConformanceTest, FindTracesByRegex) {
  WriteShop();
  // Full match: Shop(6)'s "XGET /product/1" only contains the pattern.
  EXPECT_THAT(FindShop(Where(Field::kSpanName, kRegex, S("GET /product/.*"))), ElementsAre(4));
  EXPECT_THAT(FindShop(Where(Field::kServiceName, kNotRegex, S("frontend|cart"))),
              ElementsAre(7, 3));
  EXPECT_THAT(FindShop(WhereAttr(kSpanScope, "db.system", kRegex, S("postgres(ql)?"))),
              ElementsAre(3));
}

TEST_P(StorageConformanceTest, FindTracesByExistsAndNotExists) {
  WriteShop();
  EXPECT_THAT(FindShop(WhereAttr(kSpanScope, "enduser.id", kExists)), ElementsAre(4));
  // Frontend roots without a status code attribute.
  EXPECT_THAT(FindShop(ConditionTree::And({Where(Field::kServiceName, kEq, S("frontend")),
                                           WhereAttr(kSpanScope, "http.status_code", kNotExists)})),
              ElementsAre(6, 4));
  // TraceQL: != never matches a span without the attribute.
  EXPECT_THAT(
      FindShop(ConditionTree::And({Where(Field::kServiceName, kEq, S("frontend")),
                                   WhereAttr(kSpanScope, "http.status_code", kNe, I{200})})),
      ElementsAre(5));
}

}  // namespace
}  // namespace weft::storage::conformance
