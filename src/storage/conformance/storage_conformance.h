// The storage conformance suite: what every SpanStore backend must do, as value-parameterized
// gtest cases modelled on the ones Jaeger runs against its stores (services, operations with
// kind, trace by ID, a 10,008-span trace, a trace arriving in batches minutes apart, duplicates,
// and search by service, operation, span / resource / event attributes, duration, time range,
// AND / OR, regex, exists, limit, newest first, tenants), each with non-matching traces stored
// beside the matching ones so that a backend returning everything fails.
//
// A backend's test file instantiates it in one line:
//
//   WEFT_STORAGE_CONFORMANCE(
//       Memory, (BackendUnderTest{"memory", [] { return NewMemoryStore(); }}));
//
// and links `weft_storage_conformance` (an object library, so every case is linked in).
// Thread rule: gtest runs the cases one at a time; a case may call the store from several threads.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "storage/span_store.h"

namespace weft::storage::conformance {

struct BackendUnderTest {
  // Names the instantiation in test names: letters, digits and '_' only.
  std::string name;
  // A new, empty store; called once per case (it owns whatever directory it needs).
  std::function<std::unique_ptr<SpanStore>()> make_store;
  // Optional: moves everything written so far into the backend's persistent form and returns
  // once it is there (the embedded store cuts every head trace into blocks). When set, every case
  // runs twice: as written, and "flushed" after writing (and between the batches of a trace that
  // arrives in parts, so such a trace ends up split across blocks).
  std::function<absl::Status(SpanStore&)> flush;
};

// One instantiation: a backend and whether cases flush after writing.
struct ConformanceParam {
  BackendUnderTest backend;
  bool flushed = false;
};

// {backend, as written} and, when backend.flush is set, {backend, flushed}.
std::vector<ConformanceParam> ConformanceParams(const BackendUnderTest& backend);
std::string ConformanceParamName(const ::testing::TestParamInfo<ConformanceParam>& info);
void PrintTo(const ConformanceParam& param, std::ostream* os);  // for gtest's messages

class StorageConformanceTest : public ::testing::TestWithParam<ConformanceParam> {
 protected:
  // The tenant cases write to unless they test tenants.
  static constexpr std::string_view kTenant = "conformance";

  void SetUp() override;

  SpanStore& store() { return *store_; }

  // Writes and waits (at most 30 s) for `done`; a failure fails the case.
  void Write(std::string_view tenant, std::unique_ptr<SpanBatch> batch);
  // In the flushed variant, calls the backend's flush hook; otherwise nothing.
  void MaybeFlush();

  std::unique_ptr<SpanBatch> GetTrace(std::string_view tenant, const TraceId& id);
  // Fetch, with the request's result checked against the contract of span_fetcher.h: order,
  // limit, spans of the right trace that match the filter, counts that add up.
  FetchResult Fetch(const FetchRequest& request);
  // The trace ids Fetch returns, in order.
  std::vector<TraceId> FetchIds(const FetchRequest& request);

  // Writes the shop (conformance_data.h) for `tenant` in two batches, then MaybeFlush.
  void WriteShop(std::string_view tenant = kTenant);
  // The shop numbers of the traces Fetch returns, in order (Shop(n) is n, any other trace 0).
  std::vector<int> FindShop(const FetchRequest& request);
  std::vector<int> FindShop(ConditionTree filter);  // in kTenant, other fields defaulted

 private:
  std::unique_ptr<SpanStore> store_;
};

}  // namespace weft::storage::conformance

// Instantiates every conformance case for `backend` (a BackendUnderTest expression; wrap it in
// parentheses when it contains commas) at namespace scope. `prefix` is a C++ identifier naming
// the instantiation. (gtest pastes the suite name into identifiers, hence the using-declaration.)
#define WEFT_STORAGE_CONFORMANCE(prefix, backend)                                    \
  using ::weft::storage::conformance::StorageConformanceTest;                        \
  INSTANTIATE_TEST_SUITE_P(                                                          \
      prefix, StorageConformanceTest,                                                \
      ::testing::ValuesIn(::weft::storage::conformance::ConformanceParams(backend)), \
      ::weft::storage::conformance::ConformanceParamName)
