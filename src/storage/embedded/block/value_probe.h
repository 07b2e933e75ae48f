// Evaluates one condition against single values — a dictionary entry, a resource, a span name —
// by wrapping the value in a stand-in span and asking storage::SpanMatches, so that what a scan
// decides from columns follows exactly the reference rules of condition_eval.h.
// Thread rule: not thread-safe (the stand-in span is reused); one per scan.
#pragma once

#include <cstdint>

#include "model/span_batch.h"
#include "storage/span_fetcher.h"

namespace weft::storage::embedded::block {

class ValueProbe {
 public:
  // REQUIRES: the condition's regex, if any, is compiled.
  explicit ValueProbe(const storage::Condition& condition);
  ValueProbe(const ValueProbe&) = delete;
  ValueProbe& operator=(const ValueProbe&) = delete;

  const storage::Condition& condition() const { return leaf_.leaf; }

  // Attribute conditions: whether the condition holds for an element (span, event or link) whose
  // first attribute named `key` is `value` (nullptr: the element has no such attribute).
  bool Attribute(const AnyValue* value);
  // Conditions on intrinsic span fields: whether the condition holds for a span with these fields
  // (its resource is empty).
  bool Intrinsic(const Span& span);
  // Conditions on the resource (service name, resource attributes): whether the condition holds
  // for a span of scope `scope` of `scopes` that has no attributes itself.
  bool Resource(const SpanBatch& scopes, uint32_t scope);
  // Service-name conditions: whether the condition holds for a resource whose only attribute is
  // service.name = `service` (a string).
  bool Service(std::string_view service);

 private:
  storage::ConditionTree leaf_;           // the condition as given
  storage::ConditionTree element_leaf_;   // attribute conditions, rescoped to kSpan
  storage::ConditionTree resource_leaf_;  // attribute conditions, rescoped to kResource
  SpanBatch empty_;     // scope 0: an empty resource; scope 1: a resource with service_
  KeyValue attribute_;  // the stand-in attribute (key: the condition's key)
  KeyValue service_;    // service.name of scope 1's resource
};

}  // namespace weft::storage::embedded::block
