#include "storage/embedded/block/value_probe.h"

#include "storage/condition_eval.h"

namespace weft::storage::embedded::block {

using storage::AttributeScope;
using storage::ConditionTree;
using storage::Field;

ValueProbe::ValueProbe(const storage::Condition& condition)
    : leaf_(ConditionTree::Leaf(condition)),
      element_leaf_(ConditionTree::Leaf(condition)),
      resource_leaf_(ConditionTree::Leaf(condition)) {
  element_leaf_.leaf.scope = AttributeScope::kSpan;
  resource_leaf_.leaf.scope = AttributeScope::kResource;
  empty_.AddScope(empty_.AddResource(weft::Resource{}), InstrumentationScope{});
  service_.key = "service.name";
  weft::Resource with_service;
  with_service.attributes = Attributes(&service_, 1);  // service_ changes per call
  empty_.AddScope(empty_.AddResource(with_service), InstrumentationScope{});
  attribute_.key = leaf_.leaf.key;  // leaf_ never moves: the probe is not copyable
}

bool ValueProbe::Service(std::string_view service) {
  service_.value = AnyValue::String(service);
  Span span;
  span.scope_index = 1;
  return storage::SpanMatches(leaf_, empty_, span);
}

bool ValueProbe::Attribute(const AnyValue* value) {
  Span span;
  if (value != nullptr) {
    attribute_.value = *value;
    span.attributes = Attributes(&attribute_, 1);
  }
  return storage::SpanMatches(element_leaf_, empty_, span);
}

bool ValueProbe::Intrinsic(const Span& span) {
  Span s = span;
  s.scope_index = 0;
  s.attributes = {};
  return storage::SpanMatches(leaf_, empty_, s);
}

bool ValueProbe::Resource(const SpanBatch& scopes, uint32_t scope) {
  Span span;
  span.scope_index = scope;
  const bool attribute = leaf_.leaf.field == Field::kAttribute;
  return storage::SpanMatches(attribute ? resource_leaf_ : leaf_, scopes, span);
}

}  // namespace weft::storage::embedded::block
