// Comparisons a scan makes natively instead of through the reference evaluator, for the hot
// cases: ints with an int operand, strings with a string operand. They give the results of
// condition_eval.cc's rules for those types (which the scan tests check against it).
// Thread rule: immutable once built; pure functions.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "storage/span_fetcher.h"

namespace weft::storage::embedded::block {

// Conditions an int value can be compared with natively (the common case of a scan), with the
// same result as condition_eval's int-with-int comparison.
struct NativeComparison {
  bool native = false;
  storage::CompareOp op = storage::CompareOp::kEq;
  int64_t operand = 0;

  explicit NativeComparison(const storage::Condition& c) {
    const auto* x = std::get_if<int64_t>(&c.operand);
    if (x == nullptr) return;
    switch (c.op) {
      case storage::CompareOp::kEq:
      case storage::CompareOp::kNe:
      case storage::CompareOp::kLt:
      case storage::CompareOp::kLe:
      case storage::CompareOp::kGt:
      case storage::CompareOp::kGe:
        native = true;
        op = c.op;
        operand = *x;
        break;
      default:
        break;
    }
  }

  static bool IsOrdering(storage::CompareOp op) {
    return op == storage::CompareOp::kEq || op == storage::CompareOp::kNe ||
           op == storage::CompareOp::kLt || op == storage::CompareOp::kLe ||
           op == storage::CompareOp::kGt || op == storage::CompareOp::kGe;
  }
  static bool Holds(storage::CompareOp op, std::strong_ordering order) {
    switch (op) {
      case storage::CompareOp::kEq:
        return order == 0;
      case storage::CompareOp::kNe:
        return order != 0;
      case storage::CompareOp::kLt:
        return order < 0;
      case storage::CompareOp::kLe:
        return order <= 0;
      case storage::CompareOp::kGt:
        return order > 0;
      default:
        return order >= 0;
    }
  }

  bool Holds(int64_t v) const {
    switch (op) {
      case storage::CompareOp::kEq:
        return v == operand;
      case storage::CompareOp::kNe:
        return v != operand;
      case storage::CompareOp::kLt:
        return v < operand;
      case storage::CompareOp::kLe:
        return v <= operand;
      case storage::CompareOp::kGt:
        return v > operand;
      default:
        return v >= operand;
    }
  }

  // Fills out[i] = Holds(value(i)) for i < n; the loop per operator keeps it vectorizable.
  template <typename Value>
  void Fill(size_t n, Value value, uint8_t* out) const {
    const int64_t x = operand;
    switch (op) {
      case storage::CompareOp::kEq:
        for (size_t i = 0; i < n; ++i) out[i] = value(i) == x;
        break;
      case storage::CompareOp::kNe:
        for (size_t i = 0; i < n; ++i) out[i] = value(i) != x;
        break;
      case storage::CompareOp::kLt:
        for (size_t i = 0; i < n; ++i) out[i] = value(i) < x;
        break;
      case storage::CompareOp::kLe:
        for (size_t i = 0; i < n; ++i) out[i] = value(i) <= x;
        break;
      case storage::CompareOp::kGt:
        for (size_t i = 0; i < n; ++i) out[i] = value(i) > x;
        break;
      default:
        for (size_t i = 0; i < n; ++i) out[i] = value(i) >= x;
        break;
    }
  }
};

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

}  // namespace weft::storage::embedded::block
